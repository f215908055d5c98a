"""Pair comparison on a finished run's own candidate pairs, two revisions side by side: the
same output, and how fast.

    PYTHONPATH=src .venv/bin/python benchmarks/bench_compare_run.py OLD_REV [NEW_REV]
        --run RUN_DIR[:START:PAIRS] [--run ...] [--repeat 2] [--out FILE.json]

Each revision is checked out into a temporary git worktree (NEW_REV defaults to the working
tree). For each run folder, a fresh process of that revision reads the folder's documents, site
chrome (stages/chrome.parquet), formula (stages/formula.npy) and candidate pairs
(stages/candidates.npz), puts the pairs in the compare stage's order and compares PAIRS of them
from START (default: 0 and 4,000) in one process with `stages.compare_pairs`, as a compare
worker does (documents held as that revision's engine holds them, profiles cached as they
come), after two pairs to load the compiled kernels. It reports the seconds (wall and CPU: on a
shared virtual machine the wall time also counts time stolen by others) and a digest of
every comparison (relation, scores, passages, edits, direction); the two revisions must give
the same digest. Runs alternate (old, new, old, new, ...) so that a noisy machine weighs on
both alike.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PY = REPO / ".venv" / "bin" / "python"
sys.path.insert(0, str(HERE))
from bench_ab import _commit, revisions, shown  # noqa: E402  (sibling module)
from measure import machine  # noqa: E402

# what the child process runs, with the revision's src first on its path
CHILD = r"""
import hashlib, json, sys, time
sys.path.insert(0, sys.argv[1])
import numpy as np, pyarrow.parquet as pq
from retold.config import Config
from retold.engine import stages
from retold.model import Document
run, start, n = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
t = pq.read_table(f"{run}/documents.parquet")
try:  # the documents as the engine holds them: Arrow columns since 269f127, a list before
    from retold.corpus import Corpus
    docs = Corpus(t)
except ImportError:
    docs = [Document(r["doc_id"], r["text"], r["title"], r["date"], r["source"], r["url"]) for r in t.to_pylist()]
chrome = {}
for r in pq.read_table(f"{run}/stages/chrome.parquet").to_pylist():
    chrome.setdefault(r["source"], set()).add(r["hash"])
formula = np.load(f"{run}/stages/formula.npy")
cand = np.load(f"{run}/stages/candidates.npz")
order = stages.compare_order(cand["pairs"], len(docs))
pairs, anchors = cand["pairs"][order][start:start + n], cand["anchors"][order][start:start + n]
cfg = Config()
stages.compare_pairs(docs, pairs[:2], anchors[:2], cfg, {}, chrome, formula)
t0, c0 = time.perf_counter(), time.process_time()
out = stages.compare_pairs(docs, pairs, anchors, cfg, {}, chrome, formula)
secs, cpu = time.perf_counter() - t0, time.process_time() - c0
rels = {}
for c in out:
    rels[c.relation] = rels.get(c.relation, 0) + 1
digest = hashlib.sha256("\n".join(repr(c) for c in out).encode()).hexdigest()[:16]
print(json.dumps({"pairs": len(out), "seconds": round(secs, 3), "cpu_seconds": round(cpu, 3), "digest": digest,
                  "relations": rels}))
"""


def _workload(spec: str) -> tuple[Path, int, int]:
    path, _, rest = spec.partition(":")
    start, _, n = rest.partition(":")
    return Path(path), int(start or 0), int(n or 4000)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("old")
    ap.add_argument("new", nargs="?", default=None, help="default: the working tree")
    ap.add_argument("--run", action="append", required=True, help="RUN_DIR[:START:PAIRS] of a finished run")
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--out", type=Path, default=None, help="also write the results to this JSON file")
    args = ap.parse_args()
    loads = [_workload(s) for s in args.run]
    for run, _, _ in loads:
        if not (run / "stages" / "candidates.npz").exists():
            sys.exit(f"{run} has no stages/candidates.npz: give the folder of a finished `retold run`")
    result = {"date": dt.date.today().isoformat(), "old": _commit(args.old), "new": _commit(args.new) or "working tree",
              "machine": machine(), "workloads": []}
    with revisions(args.old, args.new) as (sources, _):
        for run, start, n in loads:
            row = {"run": shown(run), "start": start, "pairs": n, "old": [], "new": []}
            for _ in range(args.repeat):
                for name, src in sources.items():
                    got = json.loads(subprocess.run([str(PY), "-c", CHILD, str(src), str(run), str(start), str(n)],
                                                    check=True, capture_output=True, text=True).stdout)
                    row[name].append(got)
                    print(f"{row['run']} @{start}: {name} {got['seconds']} s, CPU {got['cpu_seconds']} s "
                          f"({got['pairs'] / got['seconds']:.0f} pairs/s) digest {got['digest']}", flush=True)
            best = {name: min(g["seconds"] for g in row[name]) for name in sources}
            row["same_output"] = len({g["digest"] for name in sources for g in row[name]}) == 1
            row["relations"] = row["new"][0]["relations"]
            row["best_pairs_per_s"] = {name: round(n / best[name], 1) for name in sources}
            row["new_over_old_speed"] = round(best["old"] / best["new"], 3)
            # CPU seconds too: on a shared virtual machine the wall time also counts stolen time
            cpu = {name: min(g["cpu_seconds"] for g in row[name]) for name in sources}
            row["new_over_old_cpu"] = round(cpu["old"] / cpu["new"], 3)
            print(f"{row['run']} @{start}: same output {row['same_output']}, new/old speed "
                  f"{row['new_over_old_speed']} (CPU {row['new_over_old_cpu']})", flush=True)
            result["workloads"].append(row)
    if args.out:
        args.out.write_text(json.dumps(result, indent=1) + "\n")
        print(f"saved {args.out}")


if __name__ == "__main__":
    main()
