"""Where a run's memory goes: the peak of each stage and of the story stage's steps.

    PYTHONPATH=src .venv/bin/python benchmarks/bench_stage_memory.py [--docs 101000 | --corpus FILE.jsonl]
        [--run-dir DIR --until STAGE] [--out FILE.json]

Runs `LocalEngine.run` in this process (two workers, shipped defaults, the report too) on the news
grown to N documents as `bench_incremental.py` grows it (`--docs`, grown by a child process so
this one never holds it), or on a JSONL file. A
thread samples the parent's RSS every 0.25 s and the PSS of the whole process tree (parent and
forked workers, each shared page split among its sharers) every 3 s; each sample is charged to
the stage running then, or to the step running then (`STEPS`: the story stage's story model,
formula, syndicated text, article texts and features and rows for the store; the last stage's
sorts, clustering and story pairs; the report's parts; the store's intake). Prints and writes the peak per stage and each step's RSS on entry and exit. PSS sampling walks every
page table (~60 ms for a 2 GB process), hence its slower pace; a spike shorter than the
pace is missed.

To measure one late stage of a big run without running the others again: `--run-dir` resumes
a copy of that run's folder (with the stage's checkpoint removed; the last stage, report and
store have none and run again anyway; the corpus path must be the one the run was given, from
the same working folder) and `--until compare` stops the run when
it reaches that stage.
"""
from __future__ import annotations

import argparse
import datetime as dt
import functools
import inspect
import json
import sys
import subprocess
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

STEPS = {"retold.engine.stages": ("story_features", "story_model", "formula", "syndicated", "stories",
                                  "cluster"),
         "retold.engine.storycache": ("plan_article", "rows"),
         # the last stage's parts (cluster: the final tables) and the report's
         "retold.engine.local": ("write_by_documents", "_pairs_out"),
         "retold.engine.local.LocalEngine": ("_article_features", "_exact_tables", "_story_pairs"),
         "retold.report.html": ("_DocMeta", "_all_groups", "_select_pairs", "_sites", "_browse_data"),
         "retold.io.store.Store": ("ingest_run",),
         "retold.story.featurerows.FeatureRows": ("concat",)}  # the workers' feature chunks joined


class _Sampler:
    def __init__(self):
        import psutil
        self.me = psutil.Process()
        self.where = "start"
        self.peaks: dict[str, dict[str, float]] = {}
        self.steps: list[dict] = []
        self._stop = False
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def rss(self) -> float:
        return self.me.memory_info().rss / 2**30

    def pss(self) -> float:
        import psutil
        total = 0
        for p in [self.me] + self.me.children(recursive=True):
            try:
                total += p.memory_full_info().pss
            except psutil.Error:
                pass
        return total / 2**30

    def _loop(self):
        last_pss = 0.0
        while not self._stop:
            peak = self.peaks.setdefault(self.where, {"parent_rss_gb": 0.0, "tree_pss_gb": None})
            peak["parent_rss_gb"] = max(peak["parent_rss_gb"], self.rss())
            if time.monotonic() - last_pss >= 3.0:  # None: no PSS sample fell in this stage
                last_pss = time.monotonic()
                peak["tree_pss_gb"] = max(peak["tree_pss_gb"] or 0.0, self.pss())
            time.sleep(0.25)

    def wrap(self, owner, name: str):
        f = getattr(owner, name)

        def enter():
            outer, before, t = self.where, self.rss(), time.perf_counter()
            self.where = name
            return outer, before, t

        def leave(outer, before, t):
            self.where = outer
            self.steps.append({"step": name, "rss_in_gb": round(before, 2), "rss_out_gb": round(self.rss(), 2),
                               "seconds": round(time.perf_counter() - t, 1)})

        if inspect.isgeneratorfunction(f):  # a step that yields as it goes: its iteration is the step
            @functools.wraps(f)
            def step(*a, **k):
                state = enter()
                try:
                    yield from f(*a, **k)
                finally:
                    leave(*state)
        else:
            @functools.wraps(f)
            def step(*a, **k):
                state = enter()
                try:
                    return f(*a, **k)
                finally:
                    leave(*state)
        setattr(owner, name, step)


def _owner(dotted: str):
    """The module or class named by a dotted path (a class: the module's attribute)."""
    import importlib
    try:
        return importlib.import_module(dotted)
    except ModuleNotFoundError:
        mod, _, cls = dotted.rpartition(".")
        return getattr(importlib.import_module(mod), cls)


def main() -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=None, help="grow the news corpus to this many documents")
    ap.add_argument("--corpus", type=Path, default=None)
    ap.add_argument("--run-dir", type=Path, default=None, help="run (or resume) in this folder")
    ap.add_argument("--until", default=None, help="stop when the run reaches this stage")
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    from retold.config import Config
    from retold.engine import local
    from retold.engine.progress import Reporter

    sampler = _Sampler()
    for where, names in STEPS.items():
        for n in names:
            sampler.wrap(_owner(where), n)

    class Reached(Exception):
        pass

    class Stages(Reporter):
        def stage(self, name, total=None):
            sampler.where = name
            if name == args.until:
                raise Reached(name)

    with tempfile.TemporaryDirectory() as tmp:
        if args.corpus is not None:
            corpus, label = args.corpus, args.corpus.name
        else:
            n = args.docs or 21268
            corpus = Path(tmp) / "corpus.jsonl"
            # grown in a child process: the corpus held here (~0.3 GB at 101k) would count in
            # every figure, as glibc keeps the freed heap
            subprocess.run([sys.executable, "-c", "import sys; sys.path.insert(0, sys.argv[1]); "
                            "from pathlib import Path; from bench_incremental import grown_corpus; "
                            "Path(sys.argv[2]).write_text('\\n'.join(grown_corpus(int(sys.argv[3]))) + '\\n', "
                            "encoding='utf-8')", str(HERE), str(corpus), str(n)], check=True)
            label = f"news grown to {n} (bench_incremental.grown_corpus)"
        sampler._thread.start()
        t = time.perf_counter()
        try:
            res = local.LocalEngine(Config(workers=2), Stages()).run([corpus], args.run_dir or Path(tmp) / "run")
            n_docs = res.counts["documents"]
        except Reached:
            import pyarrow.parquet as pq
            n_docs = pq.read_metadata(args.run_dir / "documents.parquet").num_rows if args.run_dir else None
        wall = time.perf_counter() - t
        sampler._stop = True
    peaks = {k: {m: None if v is None else round(v, 2) for m, v in p.items()} for k, p in sampler.peaks.items()}
    doc = {"date": dt.date.today().isoformat(), "corpus": label, "documents": n_docs,
           **({"until": args.until} if args.until else {}),
           "wall_s": round(wall, 1), "peak_tree_pss_gb": max(p["tree_pss_gb"] or 0.0 for p in peaks.values()),
           "peak_parent_rss_gb": max(p["parent_rss_gb"] for p in peaks.values()),
           "by_stage": peaks, "steps": sampler.steps}
    for k, p in peaks.items():
        pss = "  -  " if p["tree_pss_gb"] is None else f"{p['tree_pss_gb']:5.2f}"
        print(f"{k:16s} parent RSS {p['parent_rss_gb']:5.2f} GB   tree PSS {pss} GB")
    print(f"wall {doc['wall_s']} s; peak tree PSS {doc['peak_tree_pss_gb']} GB, parent RSS {doc['peak_parent_rss_gb']} GB")
    if args.out:
        args.out.write_text(json.dumps(doc, indent=2) + "\n")
        print(f"written {args.out}")
    return doc


if __name__ == "__main__":
    main()
