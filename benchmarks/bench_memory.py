"""Peak memory of `retold run` at several corpus sizes: the per-run bound the README states
and `io/limits.py` enforces.

    .venv/bin/python benchmarks/bench_memory.py [--sizes 10000,25000,50000,101000 | --input FILE.jsonl]

Each size is the news corpus grown to N documents as bench_incremental.py grows it (the real
BBC + Reuters articles over 300 characters, then altered copies of them), run at the shipped
defaults in a fresh subprocess, as a user runs it (with its summary). The peak is the
process tree's PSS (measure.py: pages forked workers share with the parent counted once),
with the summed RSS and the parent's ru_maxrss beside it, and the peak of each stage (the tree's PSS every second, placed by run.json's
stage times). Least-squares lines through the sizes give the fixed cost and the cost per
document and per character of text (what the run's own check reads). Results:
benchmarks/results/<date>-memory-scale.json.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
from bench_incremental import grown_corpus  # noqa: E402  (sibling module)
from measure import machine, measure  # noqa: E402


def by_stage(trace: list, timings: dict, start: float) -> dict:
    """The peak PSS of the tree in each stage of run.json's `timings` (MiB, with the parent's
    and the workers' parts at that moment), from a per-second `measure` trace. The stages are
    placed end to end from `start` (clock time the run stamped its folder, just before
    ingest), so a sample near a stage's edge may be charged to its neighbour; "start" is the
    command's start-up and "after" what follows the store (the summary)."""
    edges, t = [], start
    for name, secs in timings.items():
        t += secs
        edges.append((name, t))
    out: dict = {}
    for at, own, workers in trace:
        name = "start" if at < start else next((n for n, end in edges if at <= end), "after")
        if own + workers > out.get(name, {}).get("tree_pss_mb", 0) * 2**20:
            out[name] = {"tree_pss_mb": round((own + workers) / 2**20, 1),
                         "parent_pss_mb": round(own / 2**20, 1), "workers_pss_mb": round(workers / 2**20, 1)}
    return out


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000,25000,50000,101000", help="comma list of document counts")
    ap.add_argument("--input", type=Path, action="append", default=[],
                    help="a JSONL corpus to measure as it is (repeatable; replaces --sizes)")
    ap.add_argument("--out", type=Path, default=None, help="results JSON (default results/<date>-memory-scale.json)")
    args = ap.parse_args(argv)
    rows = []
    for n in args.input or [int(x) for x in args.sizes.split(",")]:
        if isinstance(n, Path):
            inp = n
        else:
            inp = REPO / ".bench" / f"grown-{n}.jsonl"
            inp.write_text("\n".join(grown_corpus(n)) + "\n", encoding="utf-8")
        n = chars = 0
        with inp.open(encoding="utf-8") as f:  # streamed: the 1M corpus is 1.4 GB of JSON
            for line in f:
                n, chars = n + 1, chars + len(json.loads(line)["text"])
        run = REPO / ".bench" / f"mem-run-{n}"
        # as a user runs it: the summary it prints after the run reads the run's tables too
        # (with -q, a 3 GiB peak in it went unseen); the tree's PSS every second
        trace: list = []
        r = measure([sys.executable, "-m", "retold.cli", "run", str(inp), "--out", str(run), "--force"],
                    REPO / ".bench" / f"mem-run-{n}.stderr", REPO, pss_interval=1.0, trace=trace)
        if r["returncode"] != 0:
            # keep what was measured (the 1M run once failed after 75 minutes and its trace
            # was lost): the peaks, and the tree's PSS at its highest in each minute
            per_minute: dict = {}
            for at, own, workers in trace:
                m = int((at - trace[0][0]) // 60) if trace else 0
                per_minute[m] = max(per_minute.get(m, 0), round((own + workers) / 2**20, 1))
            rows.append({"docs": n, "chars": chars, **{k: r[k] for k in
                         ("wall_s", "cpu_s", "peak_pss_mb", "peak_rss_mb", "ru_maxrss_mb", "returncode")},
                         "failed": r["stderr_tail"][-2000:], "tree_pss_mb_by_minute": per_minute})
            _write(args, rows, {})
            sys.exit(f"the run of {n} documents failed: {r['stderr_tail']}")
        info = json.loads((run / "run.json").read_text())
        rows.append({"docs": n, "chars": chars, **{k: r[k] for k in
                     ("wall_s", "cpu_s", "peak_pss_mb", "peak_rss_mb", "ru_maxrss_mb", "returncode")},
                     "ms_per_doc": round(1000 * r["wall_s"] / n, 3),
                     "cpu_ms_per_doc": round(1000 * r["cpu_s"] / n, 3),
                     "timings": info["timings"], "counts": info.get("counts", {}),
                     "by_stage": by_stage(trace, info["timings"],
                                          (run / "stages" / "run.stamp.json").stat().st_mtime)})
        print(json.dumps(rows[-1]), flush=True)
    fit = {}
    for key in ("peak_pss_mb", "peak_rss_mb", "ru_maxrss_mb") if len(rows) > 1 else ():
        y = [r[key] for r in rows]
        per_doc, fixed = np.polyfit([r["docs"] for r in rows], y, 1)
        per_char, fixed_c = np.polyfit([r["chars"] for r in rows], y, 1)
        fit[key] = {"fixed_mb": round(float(fixed), 1), "kb_per_doc": round(float(per_doc) * 1024, 1),
                    "fixed_mb_by_chars": round(float(fixed_c), 1),
                    "bytes_per_char": round(float(per_char) * 2**20, 1)}
    print(json.dumps(fit))
    _write(args, rows, fit)
    return {"rows": rows, "fit": fit}


def _write(args, rows: list, fit: dict) -> None:
    out = args.out or HERE / "results" / f"{dt.date.today()}-memory-scale.json"
    corpus = ", ".join(p.name for p in args.input) or "news grown to N (bench_incremental.grown_corpus)"
    out.write_text(json.dumps({"date": str(dt.date.today()), "corpus": corpus, "machine": machine(),
                               "rows": rows, "fit": fit}, indent=1))
    print(f"written {out}")


if __name__ == "__main__":
    main()
