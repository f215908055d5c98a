"""The local engine against the Spark engine (local mode) on one corpus: wall time, CPU and
peak memory of each, and whether they wrote the same tables.

    python benchmarks/bench_engines.py [--input .bench/news-21268.jsonl] [--out FILE]

Each engine runs `retold run INPUT --out DIR --engine E -q --force` as a child process,
measured from outside (`measure.py`: the process tree's summed RSS, so Spark's JVM and Python
workers count). Parity: the pairs (a, b, relation), the families (doc_id -> family and story,
compared as partitions) and the number of passages and edits must be equal. Results go to
benchmarks/results/<date>-engines.json (and are printed).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path

import pyarrow.parquet as pq

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))

from measure import measure  # noqa: E402

BENCH = REPO / ".bench"
RESULTS = REPO / "benchmarks" / "results"


def _partition(labels: dict[str, str]) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for doc, g in labels.items():
        groups.setdefault(g, set()).add(doc)
    return {frozenset(v) for v in groups.values()}


def tables(run: Path) -> dict:
    """What parity compares, read from a run folder."""
    pairs = pq.read_table(run / "pairs.parquet", columns=["a", "b", "relation"]).to_pylist()
    fam = pq.read_table(run / "families.parquet").to_pylist()
    return {"pairs": {(p["a"], p["b"], p["relation"]) for p in pairs},
            "families": _partition({f["doc_id"]: f["family_id"] for f in fam}),
            "stories": _partition({f["doc_id"]: f["story_id"] for f in fam}),
            "passages": pq.read_metadata(run / "passages.parquet").num_rows,
            "edits": pq.read_metadata(run / "edits.parquet").num_rows}


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--input", type=Path, default=BENCH / "news-21268.jsonl",
                   help="corpus (default: the 21k news of benchmarks/corpus.py)")
    p.add_argument("--out", type=Path, default=None, help="results JSON (default benchmarks/results/<date>-engines.json)")
    args = p.parse_args(argv)
    if not args.input.exists():
        sys.exit(f"{args.input} is missing: make it with python benchmarks/corpus.py")
    runs, res = {}, {}
    for engine in ("local", "spark"):
        out = BENCH / f"engines-{engine}"
        cmd = [sys.executable, "-m", "retold.cli", "run", str(args.input), "--out", str(out),
               "--engine", engine, "-q", "--force"]
        m = measure(cmd, BENCH / f"engines-{engine}.stderr", REPO)
        runs[engine] = out
        res[engine] = m
        print(engine, json.dumps(res[engine]), flush=True)
    a, b = tables(runs["local"]), tables(runs["spark"])
    parity = {k: a[k] == b[k] for k in a}
    res["parity"] = parity
    res["pairs"] = len(a["pairs"])
    res["documents"] = sum(len(g) for g in a["families"])
    res["spark_over_local_wall"] = round(res["spark"]["wall_s"] / res["local"]["wall_s"], 2)
    out = args.out or RESULTS / f"{dt.date.today().isoformat()}-engines.json"
    doc = {"date": dt.date.today().isoformat(), "input": str(args.input.relative_to(REPO))
           if args.input.is_relative_to(REPO) else args.input.name,
           "machine": {"cpus": os.cpu_count()}, **res}
    out.write_text(json.dumps(doc, indent=2) + "\n")
    print(json.dumps(doc, indent=2))
    print(f"written {out}")


if __name__ == "__main__":
    main()
