"""Incremental run against a full rerun (issue 12): time to add NEW documents to a store that
holds the rest of a corpus, beside one run of the whole corpus into a fresh store.

    PYTHONPATH=src .venv/bin/python benchmarks/bench_incremental.py [--corpus FILE.jsonl]
        [--new 100] [--seed 7]

The corpus (default: the demo's 621 documents) is shuffled with the seed; the last NEW
records are the new batch. Prints the wall time of each step, the stage timings of the
incremental run, whether the families match (as a partition and by id) and the B-cubed
precision, recall and F1 of the incremental story_id against the union run's.
"""
from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from pathlib import Path

import retold
from retold.io.store import Store

REPO = Path(__file__).resolve().parent.parent


def _families(store: Path) -> dict[str, tuple[str, str]]:
    with Store(store, read_only=True) as s:
        return {r["doc_id"]: (r["family_id"], r["story_id"]) for r in s.table("families").to_pylist()}


def bcubed(pred: dict[str, str], gold: dict[str, str]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 of the clustering `pred` against `gold`."""
    groups_p: dict[str, set] = {}
    groups_g: dict[str, set] = {}
    for d in gold:
        groups_p.setdefault(pred[d], set()).add(d)
        groups_g.setdefault(gold[d], set()).add(d)
    p = r = 0.0
    for d in gold:
        a, b = groups_p[pred[d]], groups_g[gold[d]]
        p += len(a & b) / len(a)
        r += len(a & b) / len(b)
    p, r = p / len(gold), r / len(gold)
    return p, r, 2 * p * r / (p + r)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=str(REPO / "demo" / "corpus" / "docs.jsonl"))
    ap.add_argument("--new", type=int, default=100)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    lines = Path(args.corpus).read_text(encoding="utf-8").splitlines()
    random.Random(args.seed).shuffle(lines)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        parts = {"old": lines[:-args.new], "new": lines[-args.new:], "all": lines}
        for name, part in parts.items():
            (root / f"{name}.jsonl").write_text("\n".join(part) + "\n", encoding="utf-8")
        times = {}
        for name, inp, store in (("union (full rerun)", "all", "union"), ("stored part", "old", "inc"),
                                 ("add new (incremental)", "new", "inc")):
            t = time.perf_counter()
            r = retold.run([root / f"{inp}.jsonl"], out=root / f"run-{inp}", store=root / f"{store}.duckdb")
            times[name] = time.perf_counter() - t
            print(f"{name:24s} {len(parts[inp]):6d} docs {times[name]:7.1f} s, "
                  f"{r.counts['candidate_pairs']} pairs compared")
        print("incremental stages:", json.dumps(r.timings))
        union, inc = _families(root / "union.duckdb"), _families(root / "inc.duckdb")
        same_ids = {d: v[0] for d, v in union.items()} == {d: v[0] for d, v in inc.items()}
        print(f"families equal (ids and partition): {same_ids}")
        p, rc, f = bcubed({d: v[1] for d, v in inc.items()}, {d: v[1] for d, v in union.items()})
        print(f"stories, incremental vs union run: B-cubed P {p:.3f} R {rc:.3f} F1 {f:.3f}; "
              f"stories {len({v[1] for v in inc.values()})} vs {len({v[1] for v in union.values()})}")


if __name__ == "__main__":
    main()
