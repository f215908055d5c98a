"""Peak memory of `retold run` at several corpus sizes: the per-run bound the README states.

    .venv/bin/python benchmarks/bench_memory.py [--sizes 5000,10000,21268]

Each size is the first N documents of the news corpus (benchmarks/corpus.py), run at the
shipped defaults in a fresh subprocess; the peak is the summed RSS of the process tree
(measure.py: forked workers count, pages they share with the parent count twice) and the
parent's own ru_maxrss. A least-squares line through the sizes gives the fixed cost and the
cost per document. Results: benchmarks/results/<date>-memory-scale.json.
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
import corpus  # noqa: E402  (sibling module)
from measure import measure  # noqa: E402


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="5000,10000,21268", help="comma list of document counts")
    args = ap.parse_args(argv)
    rows = []
    for n in (int(x) for x in args.sizes.split(",")):
        inp = corpus.build(n)
        run = REPO / ".bench" / f"mem-run-{n}"
        r = measure([str(REPO / ".venv" / "bin" / "retold"), "run", str(inp), "--out", str(run), "--force", "-q"],
                    REPO / ".bench" / f"mem-run-{n}.stderr", REPO)
        rows.append({"docs": n, **{k: r[k] for k in ("wall_s", "cpu_s", "peak_rss_mb", "ru_maxrss_mb", "returncode")}})
        print(json.dumps(rows[-1]), flush=True)
    x = np.array([r["docs"] for r in rows], dtype=float)
    fit = {}
    for key in ("peak_rss_mb", "ru_maxrss_mb"):
        slope, icpt = np.polyfit(x, [r[key] for r in rows], 1)
        fit[key] = {"fixed_mb": round(float(icpt), 1), "kb_per_doc": round(float(slope) * 1024, 1)}
    print(json.dumps(fit))
    out = HERE / "results" / f"{dt.date.today()}-memory-scale.json"
    out.write_text(json.dumps({"date": str(dt.date.today()), "corpus": "news (benchmarks/corpus.py), first N",
                               "rows": rows, "fit": fit}, indent=1))
    return {"rows": rows, "fit": fit}


if __name__ == "__main__":
    main()
