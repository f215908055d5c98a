"""The spark engine: the local engine's stages and run folder, with the work that the local
engine maps over its fork pool mapped over a Spark session instead.

On Spark: the sketch of each shard of documents, the candidate joins (`sparkcandidates`), the
story model's per-document passes (event features, article text) and the comparison of each
chunk of candidate pairs. On the driver, as in the local engine: ingest, exact groups, the
story model's neighbour graph and linkage, formula, connected components (families, stories)
and the final tables, report and store. Spark's Python workers are other processes (on other
machines, on a cluster), so each task gets what it reads as task data or a broadcast
variable, never through the local engine's module globals; workers return results and the
driver writes every file, so the run folder, its resume markers and its errors are the local
engine's.
"""
from __future__ import annotations

import uuid
from contextlib import contextmanager
from functools import partial
from pathlib import Path

import numpy as np

from ..config import Config
from ..corpus import values
from ..model import Document
from . import local, sparkcandidates, stages
from .local import LocalEngine, RunResult, comparison_tables, write_chunk
from .progress import Reporter
from .runfolder import check_out
from .sparksession import spark_session

WAVE_TASKS = 4  # compare chunks per core in one Spark job: the driver writes (and can resume) after each job

# Per Python worker: profiles of the documents of the compare stage they were made in (by
# document index). Spark reuses a worker for many tasks, so consecutive chunks (pairs sorted
# by first document) share the work; results do not depend on it.
_WORKER_PROFILES: dict = {"token": None, "profiles": {}}


def _sketch_shard(stage, cfg, texts: list[str]):
    return stage(texts, cfg.value)


def _article_shard(cfg, chrome, unseen, docs: list[Document]) -> list[str | None]:
    """`local._article_task` with its inputs given, not read from module globals."""
    return [a.text if a.text is not d.text else None
            for a, d in zip(stages.article_texts(docs, chrome.value, unseen.value, cfg.value), docs)]


def _compare_shard(token: str, cfg, chrome, formula, tasks):
    """Compare the chunks of one partition; yields (chunk key, tables, relation counts).
    Each task carries the documents its pairs name ({document index: Document}); `token`
    names the compare stage the worker's cached profiles (by document index) belong to."""
    if _WORKER_PROFILES["token"] != token:
        _WORKER_PROFILES.update(token=token, profiles={})
    cache = _WORKER_PROFILES["profiles"]
    for key, pairs, anchors, docs in tasks:
        comps = stages.compare_pairs(docs, pairs, anchors, cfg.value, cache, chrome.value, formula.value)
        yield key, comparison_tables(comps), local._relation_counts(comps)


def _with_documents(docs: list[Document], key: int, pairs: np.ndarray, anchors: np.ndarray):
    """A compare task with the documents its pairs name: each worker unpickles those, not
    the corpus (with a broadcast of every document, each Python worker held a copy of the
    corpus; the spark run's process tree peaked at 6.5 GB on 114k documents)."""
    return key, pairs, anchors, {i: docs[i] for i in np.unique(pairs).tolist()}


class SparkEngine(LocalEngine):
    """The pipeline on a Spark session: local mode on `cfg.workers` cores, or `master`.

    Parameters
    ----------
    cfg : Config, optional
    reporter : Reporter, optional
    master : str, optional
        Spark master URL; default local mode (`local[N]`, N = cfg.workers or every core).
        An already active Spark session (a notebook's, a test's) is used as it is.
    partitions : int, optional
        Partitions each stage's work is cut into (default: the session's default
        parallelism); the output does not depend on it.
    """

    name = "spark"

    def __init__(self, cfg: Config | None = None, reporter: Reporter | None = None,
                 master: str | None = None, partitions: int | None = None):
        super().__init__(cfg, reporter)
        self.master = master
        self.partitions = partitions
        self.spark = None

    def run(self, inputs, out, store=None, force=False, report=True) -> RunResult:
        """`LocalEngine.run` on Spark; also raises RetoldError E060 (no PySpark) and E061 (no
        Java, or the session did not start), before the run folder is touched."""
        check_out(Path(out), [str(p) for p in inputs])  # fail fast, before the session's slow start
        with self._session():
            return super().run(inputs, out, store=store, force=force, report=report)

    def dedup(self, inputs, out, force=False) -> RunResult:
        """`LocalEngine.dedup` with the sketch on Spark (E060, E061 as in `run`)."""
        check_out(Path(out), [str(p) for p in inputs])
        with self._session():
            return super().dedup(inputs, out, force=force)

    @contextmanager
    def _session(self):
        with spark_session(self.master, self.workers) as spark:
            self.spark = spark
            try:
                yield spark
            finally:
                self.spark = None

    @property
    def _slices(self) -> int:
        return max(1, self.partitions or self.spark.sparkContext.defaultParallelism)

    # -- what the local engine maps over its pool ---------------------------------------
    @contextmanager
    def _pool(self, n_docs: int):
        yield None  # no fork pool: every map below goes to Spark

    def _sharded(self, stage, docs: list[Document], pool, keep=None) -> list:
        """A sketch stage over shards of the documents' texts on Spark, in order (`keep` as
        in the local engine)."""
        sc = self.spark.sparkContext
        n = len(docs)
        size = max(1, min(self.cfg.batch_docs, -(-n // self._slices)))  # every core gets a shard
        shards = [values(docs[lo:lo + size], "text") for lo in range(0, n, size)]
        self.reporter.stage("sketch", n)
        cfg = sc.broadcast(self.cfg)
        try:
            parts = sc.parallelize(shards, len(shards)).map(partial(_sketch_shard, stage, cfg)).collect()
        finally:
            cfg.unpersist()
        self.reporter.advance(n)
        return parts if keep is None else [keep(p) for p in parts]

    def _story_mapper(self, pool):
        sc = self.spark.sparkContext

        def run(f, tasks):
            tasks = list(tasks)  # an iterator (story.features_of): Spark slices a list
            return sc.parallelize(tasks, max(1, len(tasks))).map(f).collect() if tasks else []
        return run

    def _article_features(self, docs: list[Document], pool):
        """The second story pass on Spark: the article texts (`_article_texts`), then the
        event features of the changed ones, in the local engine's runs of documents."""
        from ..story import FEATURE_CHUNK
        texts = self._article_texts(docs, pool)
        bounds = [(lo, min(lo + FEATURE_CHUNK, len(docs))) for lo in range(0, len(docs), FEATURE_CHUNK)]
        tasks = [(texts[lo:hi], values(docs[lo:hi], "title"), self.cfg) for lo, hi in bounds]
        for (lo, hi), part in zip(bounds, self._story_mapper(pool)(local.article_chunk_task, tasks)):
            yield lo, hi, part

    def _article_texts(self, docs: list[Document], pool) -> list[str | None]:
        sc = self.spark.sparkContext
        size = max(1, min(self.cfg.batch_docs, -(-len(docs) // self._slices)))
        shards = [docs[lo:lo + size] for lo in range(0, len(docs), size)]
        shared = [sc.broadcast(x) for x in (self.cfg, local._CHROME, local._UNSEEN)]
        try:
            parts = sc.parallelize(shards, len(shards)).map(partial(_article_shard, *shared)).collect()
        finally:
            for b in shared:
                b.unpersist()
        return [t for part in parts for t in part]

    def _find_candidates(self, batch, docs) -> stages.Candidates:
        return sparkcandidates.candidates(self.spark, batch, values(docs, "date"), self.cfg, self._slices,
                                          values(docs, "doc_id"))

    def _compare_chunks(self, tasks: list[tuple[Path, np.ndarray, np.ndarray]], pool):
        """Compare chunks on Spark in waves of `WAVE_TASKS` per core; the driver writes each
        finished chunk (its three files, then its marker), so a stopped run keeps every wave
        it finished."""
        if not tasks:
            return
        sc = self.spark.sparkContext
        shared = [sc.broadcast(x) for x in (self.cfg, local._CHROME, local._FORMULA)]
        paths = {k: t[0] for k, t in enumerate(tasks)}
        wave = self._slices * WAVE_TASKS
        token = uuid.uuid4().hex
        try:
            for lo in range(0, len(tasks), wave):
                part = [_with_documents(local._DOCS, k, pairs, anchors)
                        for k, (_, pairs, anchors) in enumerate(tasks[lo:lo + wave], lo)]
                rdd = sc.parallelize(part, min(len(part), self._slices))
                for key, tables, counts in rdd.mapPartitions(partial(_compare_shard, token, *shared)).collect():
                    write_chunk(paths[key], tables, counts)
                    yield paths[key]
        finally:
            for b in shared:
                b.unpersist()
