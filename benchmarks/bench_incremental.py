"""Incremental run against a full rerun (issue 12): time and memory to add NEW documents to a
store that holds the rest of a corpus, beside one run of the whole corpus into a fresh store.

    PYTHONPATH=src .venv/bin/python benchmarks/bench_incremental.py [--corpus FILE.jsonl | --docs N]
        [--new 100] [--seed 7] [--baseline-src DIR] [--out FILE.json]

The corpus (default: the demo's 621 documents; `--docs N`: the news of `benchmarks/corpus.py`
grown to N documents with the machine-altered copies of `benchmarks/bench_query.py`) is
shuffled with the seed; the last NEW records are the new batch. Each step is
`retold run INPUT --out DIR --store FILE -q` in a child process, measured from outside
(`measure.py`: wall time and the peak of the process tree's summed RSS): the full rerun of
the union into a fresh store, the run of the stored part, and the incremental run of the new
batch into that store. `--baseline-src DIR` also runs the incremental step with the retold
of another checkout's src/ on a copy of the same store (to measure a change against the
version before it). Prints each step, the incremental run's stage timings and counts,
whether the families and compared pairs match the full rerun's and the B-cubed precision,
recall and F1 of the incremental story_id against the union run's; with --out the results
go to that JSON file.
"""
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import random
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))

from measure import measure  # noqa: E402


def _families(store: Path) -> dict[str, tuple[str, str]]:
    from retold.io.store import Store
    with Store(store, read_only=True) as s:
        return {r["doc_id"]: (r["family_id"], r["story_id"]) for r in s.table("families").to_pylist()}


def _compared(store: Path) -> dict[tuple[str, str], str]:
    from retold.io.store import Store
    with Store(store, read_only=True) as s:
        rows = s.con.execute("SELECT a, b, relation FROM pairs WHERE relation <> 'same_story'").fetchall()
    return {tuple(sorted((a, b))): r for a, b, r in rows}


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


def grown_corpus(n_docs: int, seed: int = 5) -> list[str]:
    """N JSONL records: the real news (`corpus.news_docs`), then altered copies of them
    (`bench_query._alter`: a sentence dropped, a number changed, junk words, a paragraph
    of another article), as bench_query.py grows its store."""
    from bench_query import _alter
    from corpus import news_docs
    rng = random.Random(seed)
    real = [d for d in news_docs() if d.get("text") and len(d["text"]) > 300]
    rng.shuffle(real)
    rows = [{"id": d["id"], "text": d["text"], "title": d.get("title"), "date": d.get("date"),
             "source": d.get("source")} for d in real[:n_docs]]
    k, n_real = 0, len(rows)
    while len(rows) < n_docs:
        c = _alter(real[k % n_real], k // n_real, real[(k * 31 + 7) % n_real], rng)
        rows.append({"id": c["doc_id"], "text": c["text"], "title": c["title"], "date": c["date"],
                     "source": c["source"]})
        k += 1
    return [json.dumps(r, ensure_ascii=False) for r in rows]


def _step(name: str, src: Path, inp: Path, out: Path, store: Path, root: Path) -> dict:
    cmd = [sys.executable, "-m", "retold.cli", "run", str(inp), "--out", str(out), "--store", str(store), "-q"]
    env_path = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = str(src)
    try:
        m = measure(cmd, root / f"{name}.stderr", REPO)
    finally:
        if env_path is None:
            del os.environ["PYTHONPATH"]
        else:
            os.environ["PYTHONPATH"] = env_path
    if m["returncode"] != 0:
        sys.exit(f"{name} failed: {m['stderr_tail']}")
    run = json.loads((out / "run.json").read_text())
    m["timings"] = run["timings"]
    m["counts"] = {k: v for k, v in run["counts"].items() if isinstance(v, int)}
    print(f"{name:28s} wall {m['wall_s']:8.1f} s  peak {m['peak_rss_mb']:8.1f} MB  "
          f"cpu {m['cpu_s']:8.1f} s  {json.dumps(run['timings'])}", flush=True)
    return m


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=str(REPO / "demo" / "corpus" / "docs.jsonl"))
    ap.add_argument("--docs", type=int, default=None, help="grow the news corpus to this many documents")
    ap.add_argument("--new", type=int, default=100)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--baseline-src", type=Path, default=None,
                    help="src/ of another retold checkout: its incremental run on a copy of the store")
    ap.add_argument("--out", type=Path, default=None, help="results JSON")
    ap.add_argument("--workdir", type=Path, default=None, help="where the runs go (default: a temp folder)")
    ap.add_argument("--keep", action="store_true", help="keep the runs and stores (printed at the end)")
    args = ap.parse_args()
    if args.docs:
        lines = grown_corpus(args.docs)
        corpus = f"news grown to {args.docs} (benchmarks/corpus.py + bench_query.py copies)"
    else:
        lines = Path(args.corpus).read_text(encoding="utf-8").splitlines()
        corpus = Path(args.corpus).name
    random.Random(args.seed).shuffle(lines)
    src = REPO / "src"
    kept = tempfile.mkdtemp(dir=args.workdir) if args.keep else None
    with (contextlib.nullcontext(kept) if kept else tempfile.TemporaryDirectory(dir=args.workdir)) as tmp:
        root = Path(tmp)
        parts = {"old": lines[:-args.new], "new": lines[-args.new:], "all": lines}
        for name, part in parts.items():
            (root / f"{name}.jsonl").write_text("\n".join(part) + "\n", encoding="utf-8")
        res: dict = {}
        res["full_rerun"] = _step("full rerun (union)", src, root / "all.jsonl", root / "run-all",
                                  root / "union.duckdb", root)
        res["stored_part"] = _step("stored part", src, root / "old.jsonl", root / "run-old",
                                   root / "inc.duckdb", root)
        if args.baseline_src:
            shutil.copy(root / "inc.duckdb", root / "base.duckdb")
        res["incremental"] = _step("add new (incremental)", src, root / "new.jsonl", root / "run-new",
                                   root / "inc.duckdb", root)
        union, inc = _families(root / "union.duckdb"), _families(root / "inc.duckdb")
        if args.baseline_src:
            res["incremental_baseline"] = _step("add new (baseline src)", args.baseline_src.resolve(),
                                                root / "new.jsonl", root / "run-base", root / "base.duckdb", root)
            res["baseline_families_equal"] = _families(root / "base.duckdb") == inc
            res["baseline_pairs_equal"] = _compared(root / "base.duckdb") == _compared(root / "inc.duckdb")
        res["families_equal"] = {d: v[0] for d, v in union.items()} == {d: v[0] for d, v in inc.items()}
        cu, ci = _compared(root / "union.duckdb"), _compared(root / "inc.duckdb")
        res["compared_pairs_equal"] = cu == ci
        if cu != ci:  # how they differ: pairs one side lists, relations the two call otherwise
            moved = sorted(k for k in cu.keys() & ci.keys() if cu[k] != ci[k])
            res["compared_pairs_diff"] = {
                "only_union": len(cu.keys() - ci.keys()), "only_incremental": len(ci.keys() - cu.keys()),
                "relation_differs": len(moved), "of": len(cu),
                "examples": [{"pair": list(k), "union": cu[k], "incremental": ci[k]} for k in moved[:10]]
                + [{"pair": list(k), "union": cu[k], "incremental": None} for k in sorted(cu.keys() - ci.keys())[:5]]
                + [{"pair": list(k), "union": None, "incremental": ci[k]} for k in sorted(ci.keys() - cu.keys())[:5]]}
        p, rc, f = bcubed({d: v[1] for d, v in inc.items()}, {d: v[1] for d, v in union.items()})
        res["stories_bcubed_vs_union"] = {"p": round(p, 3), "r": round(rc, 3), "f1": round(f, 3),
                                          "stories_incremental": len({v[1] for v in inc.values()}),
                                          "stories_union": len({v[1] for v in union.values()})}
        inc_m, full_m = res["incremental"], res["full_rerun"]
        res["incremental_over_full"] = {"wall": round(inc_m["wall_s"] / full_m["wall_s"], 3),
                                        "peak_rss": round(inc_m["peak_rss_mb"] / full_m["peak_rss_mb"], 3)}
    doc = {"date": dt.date.today().isoformat(), "corpus": corpus, "documents": len(lines), "new": args.new,
           "seed": args.seed, "machine": {"cpus": os.cpu_count(), "load_at_end": os.getloadavg()}, **res}
    for k in ("families_equal", "compared_pairs_equal", "compared_pairs_diff", "stories_bcubed_vs_union",
              "incremental_over_full"):
        if k in res:
            print(k, json.dumps(res[k]))
    if args.out:
        args.out.write_text(json.dumps(doc, indent=2) + "\n")
        print(f"written {args.out}")
    if kept:
        print(f"runs and stores kept in {kept}")


if __name__ == "__main__":
    main()
