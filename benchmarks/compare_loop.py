"""Compare a slice of a finished run's candidate pairs in one process, as a compare worker does:
the workload to sample with a profiler.

    .venv/bin/python benchmarks/compare_loop.py RUN_DIR [START] [PAIRS]

    pip install py-spy   # not a project dependency
    py-spy record -r 200 -f raw -o spy.txt -- .venv/bin/python benchmarks/compare_loop.py .bench/run-21k 0 10000
    python benchmarks/spy_share.py spy.txt compare_pairs

Reads the run folder's documents, site chrome, formula and candidate pairs (as
`bench_compare_run.py` does), puts the pairs in the compare stage's order and compares PAIRS of
them from START (default 0 and 10,000) with `stages.compare_pairs`, after two pairs to load the
compiled kernels; prints the seconds, and how many profiles it made for how many documents
(a profile is made again once the cache of `stages.PROFILE_CACHE` documents is cleared).
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from retold.config import Config  # noqa: E402
from retold.corpus import Corpus  # noqa: E402
from retold.engine import stages  # noqa: E402


def main() -> None:
    run = Path(sys.argv[1])
    start = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 10_000
    docs = Corpus(pq.read_table(run / "documents.parquet"))
    chrome: dict[str, set[int]] = {}
    for r in pq.read_table(run / "stages" / "chrome.parquet").to_pylist():
        chrome.setdefault(r["source"], set()).add(r["hash"])
    formula = np.load(run / "stages" / "formula.npy")
    cand = np.load(run / "stages" / "candidates.npz")
    order = stages.compare_order(cand["pairs"], len(docs))
    pairs, anchors = cand["pairs"][order][start:start + n], cand["anchors"][order][start:start + n]
    cfg = Config()
    stages.compare_pairs(docs, pairs[:2], anchors[:2], cfg, {}, chrome, formula)
    made = [0]
    profile = stages._profile

    def counted(*args, **kw):
        made[0] += 1
        return profile(*args, **kw)

    stages._profile = counted
    t = time.perf_counter()
    stages.compare_pairs(docs, pairs, anchors, cfg, {}, chrome, formula)
    print(f"{len(pairs)} pairs in {time.perf_counter() - t:.2f} s; {made[0]} profiles made for "
          f"{len(np.unique(pairs))} documents (of {len(docs)})")


if __name__ == "__main__":
    main()
