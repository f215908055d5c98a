"""Where the candidate stage's memory goes: its two sources, each run alone on a finished run's
sketch, with the process's resident memory sampled every 50 ms.

    PYTHONPATH=src .venv/bin/python benchmarks/bench_candidates_memory.py RUN_DIR [--out FILE.json]

RUN_DIR is the folder of a finished `retold run` (its stages/sketch.npz and documents.parquet
are read). Reported for MinHash LSH (`sketch.lsh.lsh_candidates`) and the rare anchors
(`sketch.anchors.anchor_candidates`): the pairs found, the seconds, and the peak resident
memory above what the process held before the call (the sketch itself, loaded first).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq

from retold.config import Config
from retold.engine import stages
from retold.sketch.anchors import anchor_candidates
from retold.sketch.lsh import lsh_candidates


class _Peak:
    """The highest resident memory (GiB) seen since the last `reset`, sampled on a thread."""

    def __init__(self):
        self.value = self.now()
        threading.Thread(target=self._run, daemon=True).start()

    @staticmethod
    def now() -> float:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * 4096 / 2**30

    def reset(self) -> float:
        self.value = self.now()
        return self.value

    def _run(self) -> None:
        while True:
            self.value = max(self.value, self.now())
            time.sleep(0.05)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("run", type=Path)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    if not (args.run / "stages" / "sketch.npz").exists():
        sys.exit(f"{args.run} has no stages/sketch.npz: give the folder of a finished `retold run`")
    peak = _Peak()
    z = np.load(args.run / "stages" / "sketch.npz")
    signatures, lengths = z["signatures"], z["anchor_lengths"]
    anchors = np.split(z["anchor_flat"], np.cumsum(lengths)[:-1])
    docs = pq.read_table(args.run / "documents.parquet", columns=["doc_id", "date"])
    ids, dates = docs.column("doc_id").to_pylist(), docs.column("date").to_pylist()
    cfg = Config()
    rep, _ = stages.exact_groups(z["content_hashes"].tolist(), dates, ids)
    reps = stages.canonical_reps(rep, ids)
    out = {"date": dt.date.today().isoformat(), "run": args.run.name, "documents": len(ids),
           "ngrams": int(lengths.sum()), "sketch_gib": round(peak.now(), 2)}
    print(f"{len(ids):,} documents, {int(lengths.sum()):,} n-grams; sketch loaded: {out['sketch_gib']} GiB", flush=True)
    for name, find in (("lsh", lambda: lsh_candidates(signatures[reps], cfg.near_threshold, cfg.max_bucket,
                                                       cfg.lsh_fp_weight)),
                       ("anchors", lambda: anchor_candidates([anchors[i] for i in reps], cfg.anchor_max_df,
                                                             cfg.min_anchors, cfg.max_candidates_per_doc)[0])):
        before, t = peak.reset(), time.perf_counter()
        pairs = find()
        secs = time.perf_counter() - t
        time.sleep(0.1)  # one more sample
        out[name] = {"pairs": int(len(pairs)), "seconds": round(secs, 1), "peak_above_gib": round(peak.value - before, 2)}
        print(f"{name}: {len(pairs):,} pairs, {secs:.1f} s, peak +{peak.value - before:.2f} GiB", flush=True)
        del pairs
    if args.out:
        args.out.write_text(json.dumps(out, indent=1) + "\n")
        print(f"written {args.out}")


if __name__ == "__main__":
    main()
