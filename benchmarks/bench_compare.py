"""Pairs per second of retold's pair comparison (alignment + classification + explanation),
side by side in one process with the aligner a Python user would write first (difflib's
SequenceMatcher over word tokens, matching blocks only, no explanation).

    .venv/bin/python benchmarks/bench_compare.py [--pairs N] [--rounds R]

Workloads: the 500 PAN 2013 text-alignment pairs (long texts with plagiarised passages) and
the candidate pairs of a retold run on the demo corpus (news-length copies: reprints, reuse,
rewrites). Tools alternate round by round over the same pairs, so machine noise hits both;
the ratio is the point. Results: benchmarks/results/<date>-compare.json.
"""
from __future__ import annotations

import argparse
import datetime as dt
import difflib
import json
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "src"))

import retold  # noqa: E402
from retold.compare import profile, compare_profiles  # noqa: E402
from retold.config import Config  # noqa: E402
from retold.model import Document  # noqa: E402

_WORD = re.compile(r"\w+")


def pan_pairs(limit: int) -> list[tuple[Document, Document]]:
    from retold.eval.pan import DATA, load_pairs
    if not DATA.exists():
        sys.exit(f"PAN data missing: {DATA} (needs ../shared/data beside the repo)")
    return [(Document("susp", p.susp_text), Document("src", p.src_text)) for p in load_pairs()[:limit]]


def demo_pairs(limit: int) -> list[tuple[Document, Document]]:
    out = Path(tempfile.mkdtemp(prefix="bench-compare-"))
    retold.run([REPO / "demo" / "corpus" / "docs.jsonl"], out)
    docs = [Document(r["doc_id"], r["text"], r["title"], r["date"], r["source"])
            for r in retold.engine.local.pq.read_table(out / "documents.parquet").to_pylist()]
    cand = np.load(out / "stages" / "candidates.npz")["pairs"]
    return [(docs[i], docs[j]) for i, j in cand[:limit].tolist()]


def run_retold(pairs, cfg):
    # per-document work is cached per pair here (no corpus-wide cache): the cost a pair pays alone
    for a, b in pairs:
        compare_profiles(profile(a, cfg), profile(b, cfg), cfg)


def run_difflib(pairs, cfg):
    for a, b in pairs:
        ta, tb = _WORD.findall(a.text.lower()), _WORD.findall(b.text.lower())
        difflib.SequenceMatcher(None, ta, tb, autojunk=False).get_matching_blocks()


TOOLS = {"retold compare (align + classify + explain)": run_retold,
         "difflib SequenceMatcher over words (matching blocks only)": run_difflib}


def lengths(pairs) -> dict:
    words = [len(_WORD.findall(d.text)) for p in pairs for d in p]
    q = np.percentile(words, [10, 50, 90]).tolist()
    return {"docs": len(words), "words_mean": round(statistics.mean(words)), "words_p10": round(q[0]),
            "words_median": round(q[1]), "words_p90": round(q[2]), "words_max": max(words)}


def bench(name, pairs, rounds, cfg) -> dict:
    times = {t: [] for t in TOOLS}
    for _ in range(rounds):
        for tool, fn in TOOLS.items():
            t0 = time.perf_counter()
            fn(pairs, cfg)
            times[tool].append(time.perf_counter() - t0)
    best = {t: min(v) for t, v in times.items()}
    res = {"workload": name, "pairs": len(pairs), "lengths": lengths(pairs),
           "pairs_per_second": {t: round(len(pairs) / s, 1) for t, s in best.items()},
           "best_seconds": {t: round(s, 3) for t, s in best.items()}}
    r, d = best[list(TOOLS)[0]], best[list(TOOLS)[1]]
    res["retold_time_over_difflib"] = round(r / d, 2)
    return res


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pairs", type=int, default=500)
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args(argv)
    cfg = Config()
    results = [bench("PAN 2013 02-no-obfuscation", pan_pairs(args.pairs), args.rounds, cfg),
               bench("demo corpus candidate pairs", demo_pairs(args.pairs), args.rounds, cfg)]
    day = dt.date.today().isoformat()
    path = HERE / "results" / f"{day}-compare.json"
    path.write_text(json.dumps({"date": day, "results": results}, indent=1))
    for r in results:
        L = r["lengths"]
        print(f"\n{r['workload']}: {r['pairs']} pairs; words per document mean {L['words_mean']}, "
              f"p10 {L['words_p10']}, median {L['words_median']}, p90 {L['words_p90']}, max {L['words_max']}")
        for tool, v in r["pairs_per_second"].items():
            print(f"  {tool:<60} {v:>8.1f} pairs/s")
        print(f"  retold time / difflib time: {r['retold_time_over_difflib']}")
    print(f"\nwritten {path}")


if __name__ == "__main__":
    main()
