"""The local engine: runs the stages on one machine, shards over processes, and keeps
every stage output in the run folder (written atomically) so a killed run resumes.

Run folder:
  .retold.lock (while a run holds the folder: its pid)
  stages/run.stamp.json stages/ingest.issues.json stages/texts.bin (the texts, read in place;
  removed when the run ends) stages/sketch.{anchors,lines}.u64 stages/sketch.npz stages/candidates.npz
  stages/formula.npy stages/stories.npz stages/compare/chunk-*.{pairs,passages,edits}.parquet
  stages/compare/chunk-*.done stages/pairs.sorted.parquet (the compared pairs in document
  order, while the last stage runs) stages/chrome.parquet, stages/sketches.parquet (the sketches
  made by the run), stages/story_features.parquet (the story features computed by the run):
  the store keeps them
  incremental runs (--store holding documents, engine/incremental.py): the stage files above
  under stages/store-<digest>/ (one per stored state), and stages/formula.npy,
  stages/dropped.parquet, stages/families.store.parquet for the store
  documents.parquet pairs.parquet passages.parquet edits.parquet families.parquet
  run.json rejects.jsonl report.html retold.duckdb
Each stage file is the stage's completion marker, written last and atomically; the cluster
stage (the final tables), the report and the store are cheap and done again on every run.
"""
from __future__ import annotations

import gc
import itertools
import json
import multiprocessing as mp
import os
import shutil
import signal
import tempfile
import threading
import time
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from functools import partial
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .. import __version__
from ..config import Config
from ..corpus import Corpus, CorpusBuilder, lazy_values, shared_values, subset, value, values
from ..errors import Err, RetoldError, RetoldIssue
from ..io import limits, mapped
from ..io.readers import input_accounting, iter_documents, write_rejects
from ..io.sketches import SKETCH_FILE, sketch_key, to_table
from ..io.storyfeatures import STORY_FILE, story_key
from ..io.writers import PART_ROWS, write_json_atomic, write_parquet_atomic, write_text_atomic
from ..io.writers import write_parquet_parts_atomic
from ..sketch.ragged import Ragged
from ..model import RELATIONS, Comparison, Document
from ..sketch.jaccard import ngram_sets
from ..story.featurerows import FeatureRows
from ..text.tokenscan import scan_texts
from ..schema import CHROME_FILE, DROPPED_FILE, UNION_FAMILIES
from ..schema import CHROME as CHROME_SCHEMA, DROPPED as DROPPED_SCHEMA, EDITS as EDIT_SCHEMA, FAMILIES as FAMILY_SCHEMA
from ..schema import PAIRS as PAIR_SCHEMA, PASSAGES as PASSAGE_SCHEMA, SKETCHES as SKETCH_SCHEMA
from ..schema import DOCUMENTS as DOCUMENTS_SCHEMA, STORY_FEATURES as STORY_SCHEMA
from . import dedupspill, incremental, stages, storycache
from .processes import die_with_parent, keep_freed_memory, small_pages
from .progress import Reporter
from .runfolder import RunLock, check_out, remove_run_files, remove_temp_files
from .tablesort import write_by_documents

# stage files read in place through read-only maps (io/mapped.py)
TEXTS_FILE = "texts.bin"  # the documents' texts (Corpus.texts_on_disk)
# the sketch's flat arrays: little-endian uint64, one document's values after another
SKETCH_ANCHORS, SKETCH_LINES = "sketch.anchors.u64", "sketch.lines.u64"

OWN_STORE = "retold.duckdb"  # the run folder's store, when no --store is given
CHUNK_PAIRS = 400  # pairs per compare task: small enough to resume, big enough to amortise
EXACT_RELEASE = 1024  # exact pairs whose texts are read between two releases of the mapped pages
PAIR_BATCH = 65_536  # rows of the sorted pairs read and written at a time by the last stage
SORTED_PAIRS = "pairs.sorted.parquet"  # stages/: the compared pairs in document order, while the last stage runs
STORY_ROWS = 65536  # same_story rows the cluster stage makes at a time from the story graph
PARALLEL_MIN_DOCS = 1500  # below this, process start-up costs more than it saves
STORE_WAIT = 60.0  # seconds a finished run waits for a --store another process is writing



@dataclass
class RunResult:
    out: Path
    counts: dict
    issues: list[RetoldIssue]
    timings: dict[str, float] = field(default_factory=dict)

    def table(self, name: str, columns: list[str] | None = None) -> pa.Table:
        """One output table of the run (documents, pairs, passages, edits or families), or
        only its `columns`."""
        return pq.read_table(self.out / f"{name}.parquet", columns=columns)

    def path(self, name: str) -> Path:
        """The Parquet file of one output table, for readers that stream it."""
        return self.out / f"{name}.parquet"


# Documents shared with forked workers, never pickled per task: Arrow columns, which a worker
# reads without copying (corpus.py says why not Python objects).
_DOCS: Corpus | list[Document] = []
_CFG: Config | None = None
_CHROME: dict[str, set[int]] = {}
_FORMULA: np.ndarray = np.zeros(0, dtype=np.uint64)  # sorted formula n-gram hashes
_PROFILES: dict = {}  # document index -> compare.Profile, per worker
_UNSEEN: np.ndarray = np.zeros(0, dtype=np.uint64)  # n-grams the second story pass blanks
_LOCK: RunLock | None = None  # the run folder's lock, held by the main process only
_SPILL: "dedupspill.DedupSpill | None" = None  # near-duplicate mode's sketch files, inherited by its workers


def _worker_init(parent: int) -> None:
    """Start of a pool worker: Ctrl-C is the parent's to handle (it stops the pool; a worker
    would only print a traceback), the worker dies with its parent (a killed run leaves no
    orphan writing into the run folder), and the run folder lock stays the parent's."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # pool.terminate() ends a worker at once
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # blocked while the parent forked
    die_with_parent()
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(1)
    if _LOCK is not None:
        _LOCK.close_in_child()


def _dedup_shard(texts: list[str], cfg: Config, first_row: int) -> stages.DedupSketch:
    """`stages.dedup_sketch` of one shard, in a worker: its sets and signatures go to the
    files of `_SPILL` (`dedupspill`), the sketch returned holds its hashes and where its sets
    lie."""
    keep_freed_memory()
    return _SPILL.put(stages.dedup_sketch(texts, cfg), first_row)


def _ngram_sets_by_shard(docs: Corpus, cfg: Config, reporter: Reporter) -> stages.DedupSketch:
    """The n-gram sets of the texts of `docs` (no hashes, no signatures), `batch_docs` texts at
    a time, each shard's texts decoded only while it is scanned: one scan of every text took
    7 s at 114k, shards of 2,000 1.5 s. Advances the sketch stage's progress bar."""
    parts = []
    reporter.stage("sketch", len(docs))
    for lo in range(0, len(docs), cfg.batch_docs):
        shard = docs[lo:lo + cfg.batch_docs]
        tokens, offsets = scan_texts(values(shard, "text"))
        parts.append(stages.DedupSketch([], np.zeros((0, cfg.num_perm), np.uint32),
                                        *ngram_sets(tokens, offsets, cfg.shingle_n)))
        reporter.advance(len(shard))
    return stages.DedupSketch.concat(parts)


def _shard_task(stage, bounds: tuple[int, int]):
    """A sketch stage (`stages.sketch` or `stages.dedup_sketch`) over one shard of _DOCS."""
    lo, hi = bounds
    try:
        return stage(values(_DOCS[lo:hi], "text"), _CFG)
    finally:
        mapped.release()  # the shard's texts: a worker would map half the corpus by the end


def _article_task(bounds: tuple[int, int]) -> list[str | None]:
    """The article text of each document in bounds, None where blanking left it as it was."""
    lo, hi = bounds
    docs = list(_DOCS[lo:hi])  # the same Document objects twice: `is` tells a text blanking left
    return [a.text if a.text is not d.text else None
            for a, d in zip(stages.article_texts(docs, _CHROME, _UNSEEN, _CFG), docs)]


def _article_features_task(bounds: tuple[int, int]) -> "ArticleChunk":
    """The second story pass over the documents in bounds: `_article_task`, then the event
    features of the texts it changed, so the article texts stay in the worker."""
    lo, hi = bounds
    try:
        return article_chunk(_article_task(bounds), values(_DOCS[lo:hi], "title"), _CFG)
    finally:
        mapped.release()


@dataclass
class ArticleChunk:
    """The second story pass over a run of documents: which ones blanking changed, their
    event features and, when the model reads texts (embeddings), their article texts."""

    changed: list[int]  # positions in the run whose article text is not the text
    rows: FeatureRows  # the changed ones' event features, in that order (the worker's vocabulary)
    texts: list[str] | None


def article_chunk_task(task: tuple[list[str | None], list[str | None], Config]) -> ArticleChunk:
    """`article_chunk` of one task (for an engine that maps tasks, not bounds of _DOCS)."""
    return article_chunk(*task)


def article_chunk(texts: list[str | None], titles: list[str | None], cfg: Config) -> ArticleChunk:
    """An `ArticleChunk` from `_article_task`'s article texts (None: unchanged)."""
    from ..story import features_chunk
    changed = [k for k, t in enumerate(texts) if t is not None]
    rows = features_chunk([texts[k] for k in changed], [titles[k] for k in changed], cfg.story_name_weight)
    return ArticleChunk(changed, rows, [texts[k] for k in changed] if cfg.story_embed_weight > 0 else None)


def _compare_task(task: tuple[Path, np.ndarray, np.ndarray]) -> tuple[Path, dict]:
    path, pairs, anchors = task
    with stages.compare_collector():
        comps = stages.compare_pairs(_DOCS, pairs, anchors, _CFG, _PROFILES, _CHROME, _FORMULA)
        counts = _relation_counts(comps)
        write_chunk(path, comparison_tables(comps), counts)
    mapped.release()  # the texts this chunk read: a worker would map all of them by the end
    return path, counts


def _doc_index(column, ids: pa.Array) -> np.ndarray:
    """The index in `ids` of each document id in `column`, looked up in Arrow (no Python
    string per row: the edits of 114k documents are millions of rows)."""
    found = pc.index_in(column, value_set=ids)
    if found.null_count:  # a row of a document the run does not hold: a bug, never skipped
        raise RuntimeError(f"{found.null_count} rows name documents the run does not hold")
    return found.to_numpy().astype(np.int64)


def _pairs_out(path: Path, scores: np.ndarray, keep: np.ndarray, added: list[pa.Table]):
    """pairs.parquet's rows, a batch at a time: those of the sorted pairs file `path` with
    their corpus story similarity (`scores`) where `keep` says, then the `added` tables."""
    column = PAIR_SCHEMA.get_field_index("story")
    at = 0
    for batch in pq.ParquetFile(path).iter_batches(batch_size=PAIR_BATCH):
        n = batch.num_rows
        t = pa.Table.from_batches([batch]).set_column(column, "story", pa.array(scores[at:at + n], pa.float64()))
        yield t.filter(pa.array(keep[at:at + n], pa.bool_()))
        at += n
    if at != len(scores):
        raise RuntimeError(f"{path.name}: {at} pairs read of {len(scores)}")
    yield from added


def _relation_counts(comps: list[Comparison]) -> dict:
    out: dict[str, int] = {}
    for c in comps:
        out[c.relation] = out.get(c.relation, 0) + 1
    return out


def comparison_tables(comps: list[Comparison]) -> dict[str, pa.Table]:
    """One chunk of results as the pairs, passages and edits tables (unrelated pairs left out).

    Parameters
    ----------
    comps : list of Comparison
        The chunk's comparisons, as `stages.compare_pairs` returns them.

    Returns
    -------
    dict of str to pyarrow.Table
        "pairs", "passages" and "edits", in PAIR_SCHEMA, PASSAGE_SCHEMA and EDIT_SCHEMA.
    """
    kept = [c for c in comps if c.relation != "unrelated"]
    pairs = {k: [] for k in PAIR_SCHEMA.names}
    passages = {k: [] for k in PASSAGE_SCHEMA.names}
    edits = {k: [] for k in EDIT_SCHEMA.names}
    for c in kept:
        s = c.scores
        row = dict(a=c.a_id, b=c.b_id, relation=c.relation, resemblance=s.resemblance,
                   containment_a=s.containment_a, containment_b=s.containment_b, story=s.story,
                   direction=c.direction.source, direction_confidence=c.direction.confidence,
                   direction_evidence="; ".join(c.direction.evidence), coverage_a=s.coverage_a,
                   coverage_b=s.coverage_b, residual=s.residual, parallel=s.parallel,
                   reworded=s.reworded, identity=s.identity,
                   anchors=s.anchors, facts=s.facts, specific=s.specific,
                   fact_cover=s.fact_cover)
        for k, v in row.items():
            pairs[k].append(v)
        for p in c.passages:
            for k, v in dict(a=c.a_id, b=c.b_id, a_start=p.a_start, a_end=p.a_end, b_start=p.b_start,
                             b_end=p.b_end, identity=p.identity).items():
                passages[k].append(v)
        for e in c.edits:
            for k, v in dict(a=c.a_id, b=c.b_id, type=e.type, a_start=e.a_start, a_end=e.a_end,
                             b_start=e.b_start, b_end=e.b_end, a_text=e.a_text, b_text=e.b_text).items():
                edits[k].append(v)
    return {name: pa.table(cols, schema=schema)
            for name, cols, schema in (("pairs", pairs, PAIR_SCHEMA), ("passages", passages, PASSAGE_SCHEMA),
                                       ("edits", edits, EDIT_SCHEMA))}


def write_chunk(path: Path, tables: dict[str, pa.Table], counts: dict) -> None:
    """One finished compare chunk: its three Parquet files, then its completion marker `path`
    (holding the chunk's relation counts)."""
    for name, tbl in tables.items():
        write_parquet_atomic(tbl, path.with_name(f"{path.stem}.{name}.parquet"))
    # completion marker last (and whole: a worker stopped while writing it leaves none), so
    # a chunk counts as done only when all three files exist
    write_text_atomic(json.dumps(counts), path)


def _chunk_counts(path: Path) -> dict | None:
    """A finished chunk's relation counts; None if it is not finished (or its marker is
    unreadable: then it is done again)."""
    try:
        counts = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return counts if isinstance(counts, dict) else None


class LocalEngine:
    name = "local"  # run.json "engine"

    def __init__(self, cfg: Config | None = None, reporter: Reporter | None = None):
        self.cfg = cfg or Config()
        self.reporter = reporter or Reporter()
        self.workers = self.cfg.workers or os.cpu_count() or 1

    # -- helpers ------------------------------------------------------------------------
    @contextmanager
    def _pool(self, n_docs: int):
        """A fork pool for one stage (workers inherit the module globals as they are when it
        starts), or None where the work is too small to share. On any exception (Ctrl-C
        included) the workers are terminated at once rather than left to finish their queue."""
        if self.workers <= 1 or n_docs < PARALLEL_MIN_DOCS:
            yield None
            return
        # Ctrl-C is held back while the workers are forked: raised inside a fork hook it would
        # be printed and lost (the run would go on); it is raised on the line that lets it in.
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        pool = None
        # What the parent holds goes out of the collector's sight while the workers live: a
        # worker's collection would write to every object it inherited (its header) and so
        # copy every page of them (two workers of the story features pass: 0.28 GB at 101k).
        gc.freeze()
        try:
            pool = mp.get_context("fork").Pool(self.workers, initializer=_worker_init, initargs=(os.getpid(),))
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
            yield pool
            pool.close()
            pool.join()
        except BaseException as e:  # Ctrl-C (even while joining), an error, a dead worker
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
            if pool is not None:
                _stop_pool(pool, at_once=isinstance(e, RetoldError) and e.code is Err.E058)
            raise
        finally:
            gc.unfreeze()

    def _prepare_out(self, out: Path, inputs: list[str], force: bool, mode: str = "run") -> None:
        """Check the run folder belongs to this mode, configuration and input set (or reset
        it). Called with the folder's lock held."""
        stamp = {"version": __version__, "config": self.cfg.fingerprint(),
                 "inputs": _input_signature(inputs)}
        if mode != "run":  # a `retold run` folder's stamp has no mode (folders made before it)
            stamp["mode"] = mode
        marker = out / "stages" / "run.stamp.json"
        remove_temp_files(out)
        if force:
            remove_run_files(out)
        if marker.exists():
            old = json.loads(marker.read_text())
            if old != stamp:
                changed = [what for key, what in (("version", f"retold {old.get('version')} -> {__version__}"),
                                                  ("config", "the configuration"),
                                                  ("inputs", "the inputs (files added, removed or changed)"),
                                                  ("mode", "the mode (retold run or retold dedup)"))
                           if old.get(key) != stamp.get(key)]
                raise RetoldError(Err.E031, str(out), "changed since it was made: " + ", ".join(changed))
        (out / "stages" / "compare").mkdir(parents=True, exist_ok=True)
        write_json_atomic(stamp, marker)

    # -- the run --------------------------------------------------------------------------
    def run(self, inputs: list[str | Path], out: str | Path, store: str | Path | None = None,
            force: bool = False, report: bool = True) -> RunResult:
        """Run every stage into the run folder `out`, resuming what an earlier run of the same
        inputs and configuration finished there.

        Raises RetoldError: E052 (--out overlaps an input), E051 (--out is a folder with
        other files and no retold run), E049 (another run holds the folder), E031 (the folder
        was made by another configuration or input set), E050/E057 (the store), E021."""
        return self._locked(inputs, out, store, lambda ins, o: self._run(ins, o, store, force, report))

    def dedup(self, inputs: list[str | Path], out: str | Path, force: bool = False) -> RunResult:
        """Near-duplicate mode: exact and near-duplicate pairs (n-gram Jaccard at least
        `near_threshold`, MinHash LSH candidates checked exactly), families of copies and the
        documents, in a run folder of the same layout (no stories, passages or edits).

        Raises RetoldError as `run` does (E052, E051, E049, E031, E021)."""
        # dedup only: a whole 1M `run` with small pages was slower (2,909 s against 2,565) and
        # peaked higher (4,100 MiB against 4,083), its big arrays long-lived (README Speed)
        with small_pages():
            return self._locked(inputs, out, None, lambda ins, o: self._dedup(ins, o, force))

    def _locked(self, inputs, out, store, body) -> RunResult:
        """Check --out against the inputs, create it and hold its lock while `body` runs."""
        global _LOCK
        inputs = [str(p) for p in inputs]
        out = Path(out)
        check_out(out, inputs)
        if store is not None:
            _probe_store(Path(store))
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise RetoldError(Err.E056, str(out), e.strerror or str(e)) from None
        lock = RunLock(out).acquire()
        _LOCK = lock
        try:
            return body(inputs, out)
        finally:
            _LOCK = None
            lock.release()

    def _dedup(self, inputs: list[str], out: Path, force: bool) -> RunResult:
        global _DOCS, _CFG, _SPILL
        started = datetime.now(timezone.utc).isoformat(timespec="seconds")
        timings: dict[str, float] = {}
        self._prepare_out(out, inputs, force, mode="dedup")
        st = out / "stages"
        t = time.perf_counter()
        self.reporter.stage("ingest")
        _DOCS, _CFG = [], self.cfg
        resumed = (st / dedupspill.HASHES).exists()
        _SPILL = dedupspill.DedupSpill(st, self.cfg.num_perm) if not resumed else None
        # documents.parquet and the sketch's checkpoint are written on a thread while the parent
        # finds the pairs (at 114k they were 1.5 s of this mode's serial path); leaving the
        # block waits for them, so a failure leaves no half-written file
        try:
            with ThreadPoolExecutor(1, thread_name_prefix="retold-write") as writer:
                # the pool starts before ingest so that each shard is sketched while the next is read
                with self._pool(PARALLEL_MIN_DOCS) as pool:
                    early = (_ShardFeeder(pool, _dedup_shard, self.cfg, self.cfg.batch_docs)
                             if pool is not None and not resumed else None)
                    docs, issues, fresh = self._read_inputs(inputs, out, st, early.add if early else None)
                    timings["ingest"] = time.perf_counter() - t
                    _DOCS = docs
                    t = time.perf_counter()
                    sk, saved = self._dedup_sketch(docs, st, pool, writer, early)
                    # written while the parent alone finds the pairs, not beside the workers' tail
                    # of the sketch, where it took CPU from them
                    written = writer.submit(self._write_ingest, docs, issues, out, st) if fresh else None
                timings["sketch"] = time.perf_counter() - t  # what was left of it when ingest ended
                t = time.perf_counter()
                self.reporter.stage("candidates")
                ids = docs.column("doc_id").tolist()
                dates = docs.column("date").tolist()
                rep, exact = stages.exact_groups(sk.content_hashes, dates, ids)
                near, sims = stages.near_duplicates(sk, rep, self.cfg, ids)
                del sk
                timings["candidates"] = time.perf_counter() - t
                t = time.perf_counter()
                self.reporter.stage("cluster")
                pairs = _dedup_pairs(ids, dates, exact, near, sims)
                # stories are not made in this mode: story_id is the family
                fam = stages.families(ids, np.concatenate([exact, near]))
                write_parquet_atomic(pairs, out / "pairs.parquet")
                write_parquet_atomic(pa.table({"doc_id": ids, "family_id": fam, "story_id": fam},
                                              schema=FAMILY_SCHEMA), out / "families.parquet")
                for name, schema in (("passages", PASSAGE_SCHEMA), ("edits", EDIT_SCHEMA)):
                    write_parquet_atomic(schema.empty_table(), out / f"{name}.parquet")
                for f in (written, saved):
                    if f is not None:
                        f.result()  # raises what the write raised: the run is not finished
                timings["cluster"] = time.perf_counter() - t
        finally:
            if _SPILL is not None:
                _SPILL.close()
                _SPILL = None
        by_rel = {r: 0 for r in RELATIONS}
        by_rel["exact"], by_rel["near_duplicate"] = int(len(exact)), int(len(near))
        counts = {"documents": len(docs), "exact_duplicates": int(len(exact)), "pairs_by_relation": by_rel,
                  "families": len(set(fam)), "multi_doc_families": _multi(fam)}
        timings = {k: round(v, 3) for k, v in timings.items()}
        self._finish_run_info(out, started, inputs, len(docs), issues, counts, timings, mode="dedup")
        self.reporter.done()
        return RunResult(out, counts, issues, timings)

    def _finish_run_info(self, out: Path, started: str, inputs: list[str], n_docs: int,
                         issues: list[RetoldIssue], counts: dict, timings: dict,
                         mode: str | None = None) -> dict:
        """Add the input accounting to `counts` (records in = kept + rejected), write
        rejects.jsonl (each rejected record or file, with its code) and run.json."""
        counts["input_issues"] = len(issues)
        counts["issues_by_code"] = _by_code(issues)
        counts.update(input_accounting(n_docs, issues))
        write_rejects(issues, out / "rejects.jsonl")
        run_info = {"run_id": out.name + "-" + started, "retold_version": __version__, "engine": self.name,
                    **({"mode": mode} if mode else {}), "started": started, "inputs": inputs,
                    "config": self.cfg.to_dict(), "counts": counts,
                    "issues": [i.to_dict() for i in issues], "timings": timings,
                    "finished": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        write_json_atomic(run_info, out / "run.json")
        return run_info

    def _dedup_sketch(self, docs, st, pool, writer, early: "_ShardFeeder | None" = None
                      ) -> tuple[stages.DedupSketch, Future | None]:
        """The sketch of every document (from the shards `early` sent during ingest when it
        sent any), and the future of its checkpoint, written on `writer` (a thread) while
        the pairs are found. The checkpoint keeps the content hashes and the signatures (the
        costly part), not the n-gram sets, which are made again on a resume (writing them
        took longer than that)."""
        found = dedupspill.load_checkpoint(st, len(docs), self.cfg.num_perm)
        if found is not None:
            sets = _ngram_sets_by_shard(docs, self.cfg, self.reporter)
            return replace(sets, content_hashes=found[0], signatures=found[1]), None
        if early is None or (not early.sent and len(docs) < PARALLEL_MIN_DOCS):
            # one process (the workers, when there are any, hold no documents)
            parts = self._sharded(stages.dedup_sketch, docs, None)
            sk = stages.DedupSketch.concat(parts) if len(parts) > 1 else parts[0]
            return sk, writer.submit(dedupspill.save_checkpoint, st, sk.content_hashes, sk.signatures)
        if not early.sent and not early.texts:  # the documents came back from the run folder
            for d in docs:
                early.add(d)
        self.reporter.stage("sketch", len(docs))
        stages.load_dedup_kernels(self.cfg)  # while the workers finish
        parts = []
        for n, part in early.results():
            parts.append(part)
            self.reporter.advance(n)
        sk = _SPILL.sketch(parts, len(docs))
        return sk, writer.submit(_SPILL.keep, st, sk.content_hashes)

    def _run(self, inputs: list[str], out: Path, store: str | Path | None, force: bool,
             report: bool) -> RunResult:
        global _DOCS, _CFG, _CHROME
        started = datetime.now(timezone.utc).isoformat(timespec="seconds")
        timings: dict[str, float] = {}
        self._prepare_out(out, inputs, force)
        if force and store is None:
            # the folder's own store is one of its outputs: kept, it would go on holding the
            # documents and pairs of what the folder held before (an explicit --store is shared)
            for f in (out / OWN_STORE, out / (OWN_STORE + ".wal")):
                if f.is_file() and not f.is_symlink():
                    f.unlink()
        st = out / "stages"

        t = time.perf_counter()
        self.reporter.stage("ingest")
        docs, issues = self._ingest(inputs, out, st)
        _trim_heap()  # the documents table, written and dropped
        n_run = len(docs)
        inc = self._incremental(store, docs)
        if inc is not None:  # the union with the store; its stage files depend on the store's state
            st = out / "stages" / f"store-{inc.digest}"
            (st / "compare").mkdir(parents=True, exist_ok=True)
            docs = inc.docs = Corpus.from_documents(inc.docs).texts_on_disk(st / TEXTS_FILE)
            _trim_heap()  # the union's texts, in the heap until now
        timings["ingest"] = time.perf_counter() - t
        # a run too big for the memory left is stopped now rather than killed hours later
        too_big = limits.run_memory_check(docs.total_chars(), len(docs), self.cfg.max_memory_gb)
        if too_big:
            raise RetoldError(Err.E062, str(out), too_big)
        _CFG = self.cfg
        _PROFILES.clear()  # keyed by document index: never valid across runs
        t = time.perf_counter()
        batch, sketched = self._sketch_union(docs, st, out, inc)
        _DOCS = docs
        timings["sketch"] = time.perf_counter() - t

        t = time.perf_counter()
        self.reporter.stage("candidates")
        cand = self._candidates(batch, docs, st)
        _CHROME = stages.site_chrome(docs.column("source").tolist(), batch, self.cfg)
        # the story stage reads only the n-gram sets and line hashes (the store's copy of the
        # sketch is written): the signatures go (0.5 GB at 1M documents)
        batch = replace(batch, content_hashes=[], signatures=np.zeros((0, self.cfg.num_perm), np.uint32))
        _trim_heap()  # before the story stage forks its workers
        timings["candidates"] = time.perf_counter() - t

        # Stories come before compare: formula is wording found across many stories.
        t = time.perf_counter()
        self.reporter.stage("stories")
        rep = np.arange(len(docs), dtype=np.int64)
        if len(cand.exact_pairs):
            rep[cand.exact_pairs[:, 1]] = cand.exact_pairs[:, 0]
        sb = self._stories(docs, batch, cand, rep, st, inc)
        if st != out / "stages" and (st / STORY_FILE).is_file():  # the store reads them from stages/
            shutil.copyfile(st / STORY_FILE, out / "stages" / STORY_FILE)
        write_parquet_atomic(_chrome_table(_CHROME), out / "stages" / CHROME_FILE)  # kept in the store
        dropped = out / "stages" / DROPPED_FILE
        dropped.unlink(missing_ok=True)
        if inc is not None:
            cand, sb = self._incremental_pairs(inc, docs, batch, cand, sb, out)
        del batch  # compare and the last stage read no sketch
        _trim_heap()
        timings["stories"] = time.perf_counter() - t

        t = time.perf_counter()
        with self._pool(len(docs)) as pool:  # forked now, so workers see chrome and formula
            rel_counts = self._compare(cand, st, pool)
        timings["compare"] = time.perf_counter() - t

        t = time.perf_counter()
        counts = self._finish(docs, cand, st, out, rel_counts, rep, sb, inc, n_run)
        if inc is not None:  # stored documents whose stored sketch or features could not be used, and new ones
            counts["sketched_documents"] = sketched
            counts.update(self.story_counts)
        counts["formula_ngrams"] = int(len(_FORMULA))
        timings["cluster"] = time.perf_counter() - t
        # the report and the store read the run folder: the texts, sketches and pairs held
        # here go before them (at 101k they were 2.5 GB under the store's own memory)
        del docs, cand, sb, rep, inc
        _release_run_state()
        for f in {out / "stages" / TEXTS_FILE, st / TEXTS_FILE}:  # documents.parquet's texts, unpacked
            f.unlink(missing_ok=True)
        run_info = self._finish_run_info(out, started, inputs, n_run, issues, counts, timings)
        if report:
            t = time.perf_counter()
            self.reporter.stage("report")
            from ..report.html import write_run_report
            write_run_report(out)
            timings["report"] = time.perf_counter() - t
        # every run has a store; --store points it elsewhere (and lets runs share one)
        store = Path(store) if store is not None else out / OWN_STORE
        t = time.perf_counter()
        self.reporter.stage("store")
        from ..io.store import Store
        try:
            with Store(store, wait=STORE_WAIT, memory_gb=self.cfg.store_memory_gb) as s:
                if self._store_unread and incremental.holds_documents(s):
                    raise RetoldError(Err.E050, str(store), "it was in use when this run started, so the "
                                      "run's documents were not matched against the stored ones")
                s.ingest_run(out)
        except RetoldError as e:
            if e.code is not Err.E050:
                raise
            raise RetoldError(Err.E050, str(store), f"{e.issue.detail}; the run folder {out} is complete: "
                              "the same command, run again once the store is free, adds it") from None
        timings["store"] = time.perf_counter() - t
        run_info["timings"] = {k: round(v, 3) for k, v in timings.items()}
        write_json_atomic(run_info, out / "run.json")
        self.reporter.done()
        return RunResult(out, counts, issues, run_info["timings"])

    def _incremental_pairs(self, inc, docs, batch, cand, sb, out):
        """An incremental run's compare set (`incremental.to_compare`): the candidates with a
        new document or one whose chrome or formula moved. The stored pairs that still stand
        become inc.family_edges; the stale ones go to stages/dropped.parquet for the store."""
        tmp = out / "stages" / "formula.tmp.npy"  # where the store reads the formula from
        np.save(tmp, _FORMULA)
        os.replace(tmp, out / "stages" / "formula.npy")
        moved = incremental.changed(docs, batch.lines, batch.anchors, _CHROME, _FORMULA, inc,
                                    self.cfg.anchor_n == self.cfg.shingle_n)
        keep = incremental.to_compare(cand, inc, moved)
        inc.family_edges, drop = incremental.stale_pairs(inc, cand, keep)
        write_parquet_atomic(pa.table({"a": [docs.value("doc_id", i) for i, _ in drop],
                                       "b": [docs.value("doc_id", j) for _, j in drop]}, schema=DROPPED_SCHEMA),
                             out / "stages" / DROPPED_FILE)
        sb.pair_scores = sb.pair_scores[keep]
        return incremental.select(cand, keep, inc.new), sb

    def _incremental(self, store, docs: list[Document]) -> "incremental.StoreContext | None":
        """The store's side of an incremental run (`engine/incremental.py`): None without
        --store or when the store holds no documents, so such a run is a plain run."""
        self._store_unread = False
        if store is None:
            return None
        try:
            return incremental.load(store, docs, wait=STORE_WAIT, sketch_key=sketch_key(self.cfg, __version__),
                                    num_perm=self.cfg.num_perm, story_key=story_key(self.cfg, __version__))
        except RetoldError as e:
            if e.code is not Err.E050:
                raise
            # run as a plain run; the store step refuses it if the store turns out to hold
            # documents this run was not matched against
            self._store_unread = True
            return None

    def _ingest(self, inputs, out, st, on_doc=None) -> tuple[list[Document], list[RetoldIssue]]:
        """Read every input (or the documents a finished ingest wrote) and write
        documents.parquet; `on_doc` is called with each document as it is read (not when
        they come back from the run folder)."""
        docs, issues, fresh = self._read_inputs(inputs, out, st, on_doc, texts_to=st / TEXTS_FILE)
        if fresh:
            self._write_ingest(docs, issues, out, st)
        return docs, issues

    def _read_inputs(self, inputs, out, st, on_doc=None, texts_to: Path | None = None
                     ) -> tuple[list[Document], list[RetoldIssue], bool]:
        """`_ingest` without the write: the documents, the input issues and whether they were
        read now (True: `_write_ingest` has yet to write them) or come from the run folder.
        `texts_to`: the texts read now go to that file (`CorpusBuilder`)."""
        done = st / "ingest.issues.json"
        if done.exists() and (out / "documents.parquet").exists():
            issues = [RetoldIssue(Err[d["code"]], d["where"], d.get("detail", ""))
                      for d in json.loads(done.read_text())]
            return Corpus.read_parquet(out / "documents.parquet", texts_to), issues, False
        issues: list[RetoldIssue] = []
        built = CorpusBuilder(texts_to)
        with _collector_paused():
            for d in iter_documents(inputs, issues):
                built.add(d)
                if on_doc is not None:
                    on_doc(d)
                self.reporter.advance()
        if not built.count:
            raise RetoldError(Err.E021, ", ".join(inputs))
        return built.finish(), issues, True

    @staticmethod
    def _write_ingest(docs, issues, out, st) -> None:
        """documents.parquet, then the record that ingest is done (what a resume reads). The
        table is written a part at a time, giving back the pages of mapped texts it read."""
        write_parquet_parts_atomic(_releasing(docs.tables(), every=1), DOCUMENTS_SCHEMA, out / "documents.parquet")
        write_json_atomic([{"code": i.code.name, "where": i.where, "detail": i.detail} for i in issues],
                          st / "ingest.issues.json")

    def _sketch_union(self, docs, st, out, inc) -> tuple[stages.SketchBatch, int]:
        """The sketch stage (`_sketch`) of every document, reading the sketch of a stored one
        from the store where it holds one (`inc.sketches`); the sketches made now go to
        stages/sketches.parquet for the store. Returns the sketch and how many documents
        were sketched now."""
        global _DOCS
        todo = (np.flatnonzero(inc.sketch_of < 0) if inc is not None and inc.sketch_of is not None
                else np.arange(len(docs)))
        _DOCS = docs.take(todo)  # what the pool's shard tasks read
        with self._pool(len(todo)) as pool:
            batch = self._sketch(docs, st, pool, inc, todo)
        key, step = sketch_key(self.cfg, __version__), PART_ROWS

        def parts():  # PART_ROWS sketches at a time
            for lo in range(0, len(todo), step):
                made = todo[lo:lo + step].tolist()
                sub = subset(docs, made)
                yield to_table(values(sub, "doc_id"), values(sub, "text"),
                               [batch.content_hashes[i] for i in made], batch.signatures[made],
                               [batch.anchors[i] for i in made], [batch.lines[i] for i in made], key)
        # each part reads texts and n-gram sets in place: their pages go back as the parts are written
        write_parquet_parts_atomic(_releasing(parts(), every=16), SKETCH_SCHEMA, out / "stages" / SKETCH_FILE)
        _trim_heap()  # the shards' arrays and the table just written
        return batch, int(len(todo))

    def _sketch(self, docs, st, pool, inc=None, todo=None) -> stages.SketchBatch:
        """The sketch of `docs` (stages/sketch.npz once made): the documents `todo` (all when
        None) are sketched, the others read from the store's rows (`inc.sketches`)."""
        path = st / "sketch.npz"
        if path.exists():
            return read_sketch(st)
        todo = np.arange(len(docs)) if todo is None else todo
        # each shard's n-gram sets and line hashes go to two files in the run folder as the
        # shard comes (_SketchSpill), read from there in place (io/mapped.py): the run's n-gram
        # sets (1.4 GB at 1M documents) are never in memory at once, only in the file cache
        spill = _SketchSpill(st)
        try:
            parts = self._sharded(stages.sketch, subset(docs, todo), pool, spill.keep) if len(todo) else []
        finally:
            spill.close()
        hashes = [h for p in parts for h in p.content_hashes]
        signatures = _merge(parts, "signatures", (0, self.cfg.num_perm), np.uint32)
        anchor_lengths = np.concatenate([p.anchor_lengths for p in parts]) if parts else np.zeros(0, np.int64)
        line_lengths = np.concatenate([p.line_lengths for p in parts]) if parts else np.zeros(0, np.int64)
        del parts
        if len(todo) != len(docs):  # an incremental run: the stored documents' sketches too
            fresh = stages.SketchBatch(hashes, signatures, Ragged(mapped.map_raw(spill.paths[0], "<u8"), anchor_lengths),
                                       Ragged(mapped.map_raw(spill.paths[1], "<u8"), line_lengths))
            batch = incremental.fill_sketch(len(docs), inc.sketches, inc.sketch_of, fresh, todo)
            del fresh
            hashes, signatures = batch.content_hashes, batch.signatures
            (anchor_flat, anchor_lengths), (line_flat, line_lengths) = _flat(batch.anchors), _flat(batch.lines)
            del batch
            # the union's, written beside the shards' files (which the arrays above may still map)
            for flat, tmp in ((anchor_flat, spill.paths[0]), (line_flat, spill.paths[1])):
                union = tmp.with_name(tmp.name + ".union")
                flat.astype("<u8", copy=False).tofile(union)
                os.replace(union, tmp)
            del anchor_flat, line_flat
        for tmp, name in zip(spill.paths, (SKETCH_ANCHORS, SKETCH_LINES)):
            os.replace(tmp, st / name)
        tmp = path.with_suffix(".tmp.npz")  # last: the stage's completion marker
        np.savez(tmp, content_hashes=np.array(hashes), signatures=signatures,
                 anchor_lengths=anchor_lengths, line_lengths=line_lengths)
        os.replace(tmp, path)
        return read_sketch(st, hashes, signatures)

    def _sharded(self, stage, docs: list[Document], pool, keep=None) -> list:
        """A sketch stage (texts, cfg -> batch) over shards of `batch_docs` documents (on the
        pool when there is one), in order, with the sketch stage's progress bar; `keep(part)`
        is what is kept of each shard's result (all of it when None)."""
        n_docs = len(docs)
        size = self.cfg.batch_docs
        bounds = [(lo, min(lo + size, n_docs)) for lo in range(0, n_docs, size)]
        self.reporter.stage("sketch", n_docs)
        parts = []
        task = partial(_shard_task, stage)
        results = _watch(pool, pool.imap(task, bounds)) if pool else map(task, bounds)
        for (lo, hi), part in zip(bounds, results):
            parts.append(part if keep is None else keep(part))
            self.reporter.advance(hi - lo)
        return parts

    def _candidates(self, batch, docs, st) -> stages.Candidates:
        path = st / "candidates.npz"
        if path.exists():
            z = np.load(path)
            return stages.Candidates(z["pairs"], z["anchors"], z["exact_pairs"])
        cand = self._find_candidates(batch, docs)
        tmp = path.with_suffix(".tmp.npz")
        np.savez(tmp, pairs=cand.pairs, anchors=cand.anchors, exact_pairs=cand.exact_pairs)
        os.replace(tmp, path)
        return cand

    def _find_candidates(self, batch, docs) -> stages.Candidates:
        """The candidate stage's work (`stages.candidates`), without its file."""
        return stages.candidates(batch, values(docs, "date"), self.cfg, values(docs, "doc_id"))

    def _stories(self, docs, batch, cand, rep, st, inc=None) -> "_Stories":
        """The story stage: formula (global _FORMULA, also in stages/formula.npy) and what the
        last stage needs of the story model (stages/stories.npz, written last: the stage's
        completion marker), so a resumed run does not build the model again. With `inc` (an
        incremental run) the labels are the stream assignment of the new documents to the
        stored stories (`story.stream_extend`)."""
        global _FORMULA, _UNSEEN
        path = st / "stories.npz"
        self.story_counts = {}
        if path.exists() and (st / "formula.npy").exists():
            _FORMULA = np.load(st / "formula.npy", allow_pickle=False)
            z = np.load(path, allow_pickle=False)
            return _Stories(z["reps"], z["labels"], z["edges"], z["weights"], z["pair_scores"])
        global _DOCS
        sources = shared_values(docs, "source")  # few sites: one string each, not one a document
        given = docs  # as ingested: what compare reads (_DOCS) after this stage
        titled = stages.story_documents(docs, self.cfg)  # headlines without the site's name
        rows, story_of = (inc.story_rows, inc.story_of) if inc is not None else (None, None)
        if story_of is not None:
            # a stored row holds the features of the title the model read when it was made
            # (its digest is of that title): one whose title loses a site segment now is
            # made again
            story_of = np.where(np.asarray(values(titled, "title"), dtype=object)
                                != np.asarray(values(docs, "title"), dtype=object), -1, story_of)
        docs = titled
        # the per-document work of each pass (event features, the article text) on the workers;
        # an incremental run takes the stored documents' features from the store
        known = storycache.stored_first(rows, story_of, rep)
        reps = storycache.representatives(rep).tolist()
        self.story_counts = {"story_features_computed": sum(known is None or known[i] is None for i in reps)}
        with self._pool(len(docs)) as pool:
            feats = stages.story_features(docs, rep, self.cfg, mapper=self._story_mapper(pool), features=known)
        # the model is built once the workers are gone (at 101k they held 0.35 GB beside it),
        # and on a trimmed heap (the workers' chunks, joined and dropped, are in it until then)
        feats = _in_file(feats, st)
        _trim_heap()
        threads = _thread_map(self.workers)
        # Second pass: the story model reads the article text without chrome, formula and
        # text syndicated to many sites over months (a widget shared by several sites can
        # make unrelated reports look like one story); formula is learnt again from it.
        # The syndicated rule reads no story: where each rule is one range of the hash space
        # (one thread), it runs on a thread of its own beside the model and formula
        dates = lazy_values(docs, "date")
        beside = ThreadPoolExecutor(1, thread_name_prefix="retold-syndicated") \
            if threads is not None and stages.one_formula_part(batch) else None
        try:
            if beside is not None:
                from ..story import day_numbers
                syndicated = beside.submit(stages.syndicated, batch, rep, sources,
                                           day_numbers([dates[i] for i in reps]), self.cfg, dates)
            # formula reads the first model's graph, cuts and days: its TF-IDF matrix,
            # neighbours and profiles go as soon as the graph is made (the stage's peak at 1M)
            first = stages.story_model(docs, rep, self.cfg, feats, threads, graph_only=True)
            del feats, known
            _FORMULA = stages.formula(batch, rep, first, sources, self.cfg, mapper=threads)
            more = syndicated.result() if beside is not None else \
                stages.syndicated(batch, rep, sources, first.days, self.cfg, dates, threads)
        finally:
            if beside is not None:
                beside.shutdown(wait=True, cancel_futures=True)
        _UNSEEN = np.union1d(_FORMULA, more)
        del more
        keep = self.cfg.anchor_n == self.cfg.shingle_n and self.cfg.story_embed_weight <= 0
        plan = storycache.plan_article(docs, batch.anchors, batch.lines, rep, _UNSEEN, _CHROME, keep, rows, story_of)
        # the article text of each representative whose article features are not stored (the
        # model reads no other document's)
        todo = [i for i in reps if not plan.reuse[i]]
        _DOCS = subset(docs, todo)
        # of the first model only its features are read from here on: the rest (its graph and
        # cuts) goes before the pool forks
        first_features = first.features
        del first
        _trim_heap()  # before the pool forks
        article_text: dict[int, str] = {}  # the article texts, where the model reads them (embeddings)
        known = list(plan.known) if plan.known is not None else [None] * len(docs)
        try:
            with self._pool(len(todo)) as pool:  # forked now, so workers see what to blank
                changed: list[int] = []

                def chunks():
                    for lo, hi, part in self._article_features(_DOCS, pool):
                        plan.unchanged[todo[lo:hi]] = True
                        for n, k in enumerate(part.changed):
                            i = todo[lo + k]
                            plan.unchanged[i] = False
                            changed.append(i)
                            if part.texts is not None:
                                article_text[i] = part.texts[n]
                        yield part.rows
                made = FeatureRows.concat(chunks(), first_features.vocab)
        finally:
            _DOCS = given
        for j, i in enumerate(changed):
            known[i] = made.ref(j)
        article = docs.with_values("text", article_text) if article_text else docs
        del article_text
        feats = _in_file(stages.story_features(article, rep, self.cfg, first_features, plan.unchanged, None, known), st)
        del made, known
        _trim_heap()
        # the rows for the store (both passes' features of each representative) are written
        # before the second model is built, so the first pass's features go first: encoded
        # on a thread beside the model (as until 2026-12-03) the two peaked together, 4.69 GB
        # tree PSS at 1M documents (README Speed)
        write_parquet_parts_atomic(_releasing(storycache.rows(docs, rep, first_features, feats, plan,
                                                              story_key(self.cfg, __version__)), every=16),
                                   STORY_SCHEMA, st / STORY_FILE)
        del first_features
        _trim_heap()  # the first pass's features and the rows' tables, written and dropped
        sb = stages.stories(article, rep, self.cfg, feats, threads)
        del article, feats
        _trim_heap()
        self.story_counts["article_texts_computed"] = len(todo)
        # batch labels are the stories as reported: the per-site rule counts those
        _FORMULA = stages.formula(batch, rep, sb.model, sources, self.cfg,
                                  sb.labels if self.cfg.story_mode == "batch" else None, threads)
        tmp = st / "formula.tmp.npy"  # what compare read as formula (the store keeps it too)
        np.save(tmp, _FORMULA)
        os.replace(tmp, st / "formula.npy")
        if inc is not None:
            from ..story import stream_extend
            sb.labels = stream_extend(sb.model, incremental.known_labels(inc.story_ids, rep, sb.reps), self.cfg)
        # the corpus model's story similarity of every candidate pair (all of them are
        # representatives); every pair the last stage lists is one of these or an exact pair
        from ..story import pair_story_scores
        row_of = np.full(len(docs), -1, dtype=np.int64)
        row_of[sb.reps] = np.arange(len(sb.reps))
        rows = np.stack([row_of[cand.pairs[:, 0]], row_of[cand.pairs[:, 1]]], axis=1) \
            if len(cand.pairs) else np.zeros((0, 2), dtype=np.int64)
        scores = pair_story_scores(sb.model, rows, self.cfg) if len(rows) else np.zeros(0)
        out = _Stories(np.asarray(sb.reps), np.asarray(sb.labels), np.asarray(sb.model.edges).reshape(-1, 2),
                       np.asarray(sb.model.weights), np.asarray(scores, dtype=np.float64))
        tmp = st / "stories.tmp.npz"
        np.savez(tmp, reps=out.reps, labels=out.labels, edges=out.edges, weights=out.weights,
                 pair_scores=out.pair_scores)
        os.replace(tmp, path)
        return out

    def _story_mapper(self, pool):
        """An ordered map(function, tasks) for self-contained tasks (the story features), or
        None to map in this process. The tasks carry texts this process reads to send them:
        their pages are released as they go."""
        m = _mapper(pool)
        return None if m is None else (lambda function, tasks: m(function, _releasing(tasks)))

    def _article_features(self, docs: list[Document], pool):
        """The second story pass over `docs` (= _DOCS) in runs of FEATURE_CHUNK documents, in
        order: (lo, hi, ArticleChunk) of each run, made on the workers."""
        from ..story import FEATURE_CHUNK
        bounds = [(lo, min(lo + FEATURE_CHUNK, len(docs))) for lo in range(0, len(docs), FEATURE_CHUNK)]
        for (lo, hi), part in zip(bounds, (_mapper(pool) or map)(_article_features_task, bounds)):
            yield lo, hi, part

    def _compare_chunks(self, tasks: list[tuple[Path, np.ndarray, np.ndarray]], pool):
        """Compare each task's pairs and write its chunk (`write_chunk`); yields each task's
        marker path as it finishes, in any order."""
        results = (_watch(pool, pool.imap_unordered(_compare_task, tasks)) if pool
                   else map(_compare_task, tasks))
        for path, _ in results:
            yield path

    def _compare(self, cand, st, pool) -> dict:
        # pairs that share documents together, so consecutive pairs reuse cached profiles
        order = stages.compare_order(cand.pairs, int(cand.pairs.max()) + 1 if len(cand.pairs) else 0)
        pairs, anchors = cand.pairs[order], cand.anchors[order]
        tasks = []
        for k, lo in enumerate(range(0, len(pairs), CHUNK_PAIRS)):
            path = st / "compare" / f"chunk-{k:05d}.done"
            if _chunk_counts(path) is None:
                tasks.append((path, pairs[lo:lo + CHUNK_PAIRS], anchors[lo:lo + CHUNK_PAIRS]))
        self.reporter.stage("compare", len(pairs))
        self.reporter.advance(len(pairs) - sum(len(t[1]) for t in tasks))
        sizes = {t[0]: len(t[1]) for t in tasks}
        for path in self._compare_chunks(tasks, pool):
            self.reporter.advance(sizes[path])
        counts: dict[str, int] = {}
        for k in range(0, len(pairs), CHUNK_PAIRS):
            done = _chunk_counts(st / "compare" / f"chunk-{k // CHUNK_PAIRS:05d}.done") or {}
            for rel, v in done.items():
                counts[rel] = counts.get(rel, 0) + v
        return counts

    def _finish(self, docs, cand, st, out, rel_counts, rep, sb, inc=None, n_run=None) -> dict:
        self.reporter.stage("cluster")
        ids = values(docs, "doc_id")
        id_array = pa.array(ids, pa.string())
        n = len(docs)
        exact = self._exact_tables(docs, cand.exact_pairs)
        # the three tables sorted out of core (engine/tablesort.py); the pairs to a file of
        # the stage's, read back here a few columns and a batch at a time: held whole, sorted
        # and filtered, they were three copies of the table, the stage's peak at 1M (4.4 GB)
        sorted_pairs = st / SORTED_PAIRS
        for name, schema, path in (("passages", PASSAGE_SCHEMA, out / "passages.parquet"),
                                   ("edits", EDIT_SCHEMA, out / "edits.parquet"),
                                   ("pairs", PAIR_SCHEMA, sorted_pairs)):
            write_by_documents(list((st / "compare").glob(f"chunk-*.{name}.parquet")), ids, schema,
                               path, out / "stages", exact.get(name))
        del exact
        keys = pq.read_table(sorted_pairs, columns=["a", "b", "relation"])

        # stories: the corpus model over exact-group representatives, members follow theirs
        row_of = np.full(n, -1, dtype=np.int64)
        row_of[sb.reps] = np.arange(len(sb.reps))
        label = sb.labels[row_of[rep]]
        ia, ib = _doc_index(keys.column("a"), id_array), _doc_index(keys.column("b"), id_array)
        rels = keys.column("relation")
        del keys
        # typed edges as columns (cluster reads the relations it ties by; same_story ties none)
        ei, ej, er = ia, ib, rels
        if inc is not None and inc.family_edges:
            ei = np.concatenate([ei, [e[0] for e in inc.family_edges]])
            ej = np.concatenate([ej, [e[1] for e in inc.family_edges]])
            er = pa.chunked_array(er.chunks + [pa.array([e[2] for e in inc.family_edges], pa.string())])
        fam, story = stages.cluster(ids, stages.TypedEdges(ei, ej, er), stages.chain_edges(label, np.arange(n)))
        del ei, ej, er
        scores, keep, added = self._story_pairs(docs, rels, ia, ib, rep, row_of, story, sb, cand,
                                                None if inc is None else inc.new)
        del ia, ib
        write_parquet_parts_atomic(_pairs_out(sorted_pairs, scores, keep, added), PAIR_SCHEMA,
                                   out / "pairs.parquet")
        sorted_pairs.unlink()
        every = pa.table({"doc_id": ids, "family_id": fam, "story_id": story}, schema=FAMILY_SCHEMA)
        union_file = out / "stages" / UNION_FAMILIES
        if inc is None:
            union_file.unlink(missing_ok=True)
            write_parquet_atomic(every, out / "families.parquet")
        else:
            # the run folder lists the run's documents; the store takes every document's
            # family and story (a new copy can merge two stored families)
            write_parquet_atomic(every.slice(n - n_run), out / "families.parquet")
            write_parquet_atomic(every, union_file)
        by_rel = {r: 0 for r in RELATIONS}
        for c in pc.value_counts(rels.filter(pa.array(keep, pa.bool_()))).to_pylist():
            by_rel[c["values"]] += c["counts"]
        by_rel["same_story"] += sum(t.num_rows for t in added)
        # compared pairs the pair rule called same_story but the corpus model put in two stories
        by_rel["unrelated"] = rel_counts.get("unrelated", 0) + int((~keep).sum())
        extra = {} if inc is None else {"store_documents": n, "new_documents": int(inc.new.sum())}
        return {"documents": n if n_run is None else n_run, **extra, "candidate_pairs": int(len(cand.pairs)),
                "exact_duplicates": int(len(cand.exact_pairs)), "pairs_by_relation": by_rel,
                "families": len(set(fam)), "multi_doc_families": _multi(fam),
                "stories": len(set(story)), "multi_doc_stories": _multi(story),
                "story_graph_edges": int(len(sb.edges))}

    def _story_pairs(self, docs, rels, ia, ib, rep, row_of, story, sb, cand, new=None
                     ) -> tuple[np.ndarray, np.ndarray, list[pa.Table]]:
        """What the story model changes in the pairs table (rows `ia`, `ib`, `rels`): the
        corpus story similarity of each row (its `story`), which rows stay (same_story only
        within one story), and the story graph's strong edges inside a story as same_story
        pair tables to add (earlier document as a; with `new`, only edges of a new document)."""
        from ..explain.direction import direction
        n = len(rep)
        ra, rb = row_of[rep[ia]], row_of[rep[ib]]
        # the corpus score of each compared pair, looked up by key (i * n + j, i < j) in the
        # sorted candidate keys: arrays, not a dict and a set of tuples (1.2 GB at 1M pairs)
        ckeys = cand.pairs[:, 0].astype(np.int64) * n + cand.pairs[:, 1]
        corder = np.argsort(ckeys, kind="stable")
        ckeys, cscores = ckeys[corder], np.asarray(sb.pair_scores, dtype=np.float64)[corder]
        other = ra != rb  # exact copies are one model row: score 1
        qi, qj = rep[ia][other], rep[ib][other]
        at = _find_keys(ckeys, np.minimum(qi, qj) * n + np.maximum(qi, qj), "compared pair")
        scores = np.ones(len(ia), dtype=np.float64)
        scores[other] = np.round(cscores[at], 4)
        codes = _codes(story)
        keep = np.asarray(pc.not_equal(rels, "same_story").to_numpy(zero_copy_only=False), dtype=bool) \
            | (codes[ia] == codes[ib])
        seen = np.unique(np.minimum(ia, ib).astype(np.int64) * n + np.maximum(ia, ib))
        strong = np.asarray(sb.weights) >= self.cfg.story_link
        reps = np.asarray(sb.reps, dtype=np.int64)
        e = np.asarray(sb.edges, dtype=np.int64).reshape(-1, 2)[strong]
        ei, ej, w = reps[e[:, 0]], reps[e[:, 1]], np.asarray(sb.weights)[strong]
        key = np.minimum(ei, ej) * n + np.maximum(ei, ej)
        listed = np.zeros(len(key), dtype=bool)  # a pair the table has already
        if len(seen):
            listed = seen[np.minimum(np.searchsorted(seen, key), len(seen) - 1)] == key
        add_edge = (codes[ei] == codes[ej]) & ~listed
        if new is not None:
            add_edge &= new[ei] | new[ej]
        ei, ej, w = ei[add_edge], ej[add_edge], w[add_edge]
        added = []  # made STORY_ROWS edges at a time: a dict per row, a million of them, was GBs
        for lo in range(0, len(ei), STORY_ROWS):
            add = {k: [] for k in PAIR_SCHEMA.names}
            for i, j, wt in zip(ei[lo:lo + STORY_ROWS].tolist(), ej[lo:lo + STORY_ROWS].tolist(),
                                w[lo:lo + STORY_ROWS].tolist()):
                i, j = stages.oriented(docs, i, j)
                (ai, di), (aj, dj) = ((value(docs, "doc_id", k), value(docs, "date", k)) for k in (i, j))
                d = direction(di, dj, [], ai, aj)
                row = dict(a=ai, b=aj, relation="same_story", story=round(wt, 4),
                           direction=d.source, direction_confidence=d.confidence,
                           direction_evidence="; ".join(d.evidence))
                for k in PAIR_SCHEMA.names:
                    add[k].append(row.get(k))
            added.append(pa.table(add, schema=PAIR_SCHEMA))
            del add
        return scores, keep, added

    def _exact_tables(self, docs, exact_pairs) -> dict[str, pa.Table]:
        from ..explain.direction import direction
        pairs = {k: [] for k in PAIR_SCHEMA.names}
        passages = {k: [] for k in PASSAGE_SCHEMA.names}
        # the texts are read for their lengths only, their pages given back as they go: read
        # all over the mapped texts, the system mapped in their neighbours too (1.1 GB at 1M)
        for i, j in _releasing(exact_pairs.tolist(), every=EXACT_RELEASE):
            (a, da, ta), (b, db, tb) = ((value(docs, "doc_id", k), value(docs, "date", k),
                                         len(value(docs, "text", k))) for k in (i, j))
            d = direction(da, db, [], a, b)
            row = dict(a=a, b=b, relation="exact", resemblance=1.0, containment_a=1.0,
                       containment_b=1.0, story=1.0, direction=d.source, direction_confidence=d.confidence,
                       direction_evidence="; ".join(d.evidence), coverage_a=1.0, coverage_b=1.0,
                       residual=0.0, parallel=1.0, reworded=0.0, identity=1.0, anchors=0,
                       facts=1.0, specific=1.0, fact_cover=1.0)
            for k, v in row.items():
                pairs[k].append(v)
            for k, v in dict(a=a, b=b, a_start=0, a_end=ta, b_start=0, b_end=tb, identity=1.0).items():
                passages[k].append(v)
        return {"pairs": pa.table(pairs, schema=PAIR_SCHEMA), "passages": pa.table(passages, schema=PASSAGE_SCHEMA)}


@contextmanager
def _collector_paused():
    """Python's cycle collector off while documents are read: they are many long-lived
    objects and no cycles, and its passes over them were a quarter of ingest's time (110k
    documents: reading 4.2 -> 3.5 s, their table 1.5 -> 0.6 s)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _release_run_state() -> None:
    """Drop what the stages left in module state and give the freed heap back to the
    system (glibc keeps freed small blocks otherwise), so the steps after the pipeline do
    not run on top of it."""
    global _DOCS, _CHROME, _FORMULA, _UNSEEN
    _DOCS, _CHROME = [], {}
    _FORMULA = _UNSEEN = np.zeros(0, dtype=np.uint64)
    _PROFILES.clear()
    gc.collect()
    _trim_heap()


def _in_file(rows: FeatureRows, folder: Path) -> FeatureRows:
    """`rows` with their ids and weights moved to scratch files in `folder` and read in place
    (io/mapped.py): the story stage holds a pass's features through steps that read them
    once or not at all (0.75 GB at a million documents), and `mapped.release` gives back the
    pages a step read. Each file is unlinked once mapped (the mapping keeps it until it is
    dropped), so a killed run leaves none behind."""
    arrays = []
    for arr in (rows.ids, rows.weights):
        fd, name = tempfile.mkstemp(prefix=".features-", suffix=".bin", dir=folder)
        try:
            with os.fdopen(fd, "wb") as fh:
                np.ascontiguousarray(arr).tofile(fh)
            arrays.append(mapped.map_raw(name, arr.dtype))
        finally:
            os.unlink(name)
    return FeatureRows(rows.vocab, rows.indptr, *arrays)


def _trim_heap() -> None:
    """Give freed heap back to the system: Arrow's pool (mimalloc) and glibc's both keep
    freed blocks mapped otherwise, and forked workers would start from them (the documents
    table of 114k documents, written and dropped, left 0.3 GiB in Arrow's pool). No
    collection: what the stages drop has no cycles, and a pass over a big run's objects
    costs a tenth of a second each time."""
    pa.default_memory_pool().release_unused()
    mapped.release()  # the pages of the texts and n-gram sets read since (the file cache keeps them)
    try:
        import ctypes
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: the memory is freed, only kept mapped
        pass


def read_sketch(st: Path, hashes: list[str] | None = None, signatures: np.ndarray | None = None
                ) -> stages.SketchBatch:
    """The sketch stage's checkpoint in stage folder `st` (sketch.npz and the two flat arrays
    beside it, mapped read-only); `hashes` and `signatures` when the caller holds them. A folder
    written before the flat arrays had files of their own holds them in sketch.npz."""
    z = np.load(st / "sketch.npz", allow_pickle=False)
    if hashes is None:
        hashes, signatures = z["content_hashes"].tolist(), z["signatures"]
    if "anchor_flat" in z.files:
        anchors, lines = z["anchor_flat"], z["line_flat"]
    else:
        anchors, lines = mapped.map_raw(st / SKETCH_ANCHORS, "<u8"), mapped.map_raw(st / SKETCH_LINES, "<u8")
    return stages.SketchBatch(hashes, signatures, Ragged(anchors, z["anchor_lengths"]),
                              Ragged(lines, z["line_lengths"]))


def _flat(arrays: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Per-document uint64 arrays as one flat array and their lengths (what the sketch files hold)."""
    r = arrays if isinstance(arrays, Ragged) and arrays.packed() else Ragged.of(list(arrays))
    return r.flat, r.lengths


class _SketchSpill:
    """Where the sketch stage's shards put their n-gram sets and line hashes as they come: two
    files of little-endian uint64 (stages/sketch.anchors.u64.tmp, sketch.lines.u64.tmp), one
    document's values after another; `keep` returns the rest of the shard (`_Kept`)."""

    def __init__(self, st: Path):
        self.paths = (st / f"{SKETCH_ANCHORS}.tmp", st / f"{SKETCH_LINES}.tmp")
        self._files = [open(p, "wb") for p in self.paths]

    def keep(self, part: stages.SketchBatch) -> "_Kept":
        lengths = []
        for f, arrays in zip(self._files, (part.anchors, part.lines)):
            flat, n = _flat(arrays)
            flat.astype("<u8", copy=False).tofile(f)
            lengths.append(n)
        return _Kept(part.content_hashes, part.signatures, *lengths)

    def close(self) -> None:
        for f in self._files:
            f.close()


@dataclass
class _Kept:
    """What the parent keeps of one sketch shard: all but the n-gram sets and line hashes
    (`_SketchSpill` wrote those), with how many of each a document has."""

    content_hashes: list[str]
    signatures: np.ndarray
    anchor_lengths: np.ndarray
    line_lengths: np.ndarray


def _merge(parts: list[_Kept], name: str, empty: tuple, dtype) -> np.ndarray:
    """The shards' arrays `name`, concatenated; each shard's is let go once copied, so the
    memory held is the result and the shards not yet copied."""
    if not parts:
        return np.zeros(empty, dtype=dtype)
    shape = (sum(len(getattr(p, name)) for p in parts),) + getattr(parts[0], name).shape[1:]
    out = np.empty(shape, dtype=getattr(parts[0], name).dtype)
    at = 0
    for p in parts:
        a = getattr(p, name)
        out[at:at + len(a)] = a
        at += len(a)
        setattr(p, name, None)
    return out


def _find_keys(sorted_keys: np.ndarray, keys: np.ndarray, what: str) -> np.ndarray:
    """The position of each of `keys` in `sorted_keys`; every one must be there."""
    at = np.searchsorted(sorted_keys, keys)
    ok = at < len(sorted_keys)
    ok[ok] = sorted_keys[at[ok]] == keys[ok]
    if not ok.all():  # a bug, never skipped
        raise RuntimeError(f"{int((~ok).sum())} {what}(s) not found among the candidates")
    return at


def _codes(labels: list) -> np.ndarray:
    """An int per distinct label (equal labels, equal codes)."""
    seen: dict = {}
    return np.fromiter((seen.setdefault(x, len(seen)) for x in labels), dtype=np.int64, count=len(labels))


def _thread_map(workers: int):
    """An ordered map(function, items) on `workers` threads holding at most that many items
    at once, or None for one worker: for a parent-side step whose work releases the GIL
    (numpy sorts and compiled loops: the formula and syndicated rules' ranges)."""
    if workers <= 1:
        return None

    def mapper(function, items):
        with ThreadPoolExecutor(workers) as pool:
            running = deque()
            for item in items:
                running.append(pool.submit(function, item))
                if len(running) >= workers:
                    yield running.popleft().result()
            while running:
                yield running.popleft().result()
    return mapper


def _dedup_pairs(ids: list[str], dates: list[str | None], exact: np.ndarray, near: np.ndarray,
                 sims: np.ndarray) -> pa.Table:
    """pairs.parquet of near-duplicate mode from the documents' ids and dates alone: its
    exact rows (the group's representative as a, as `_exact_tables` writes them, without
    reading the texts for passages this mode does not write) and its near_duplicate rows
    (the earlier document as a, `stages.oriented`)."""
    from ..explain.direction import direction
    rows: dict[str, list] = {k: [] for k in PAIR_SCHEMA.names}
    whole = dict(containment_a=1.0, containment_b=1.0, story=1.0, coverage_a=1.0, coverage_b=1.0, residual=0.0,
                 parallel=1.0, reworded=0.0, identity=1.0, anchors=0, facts=1.0, specific=1.0, fact_cover=1.0)
    for (i, j), sim in zip(itertools.chain(exact.tolist(), near.tolist()),
                           itertools.chain(itertools.repeat(None, len(exact)), sims.tolist())):
        if sim is not None and stages.turned(dates[i], dates[j], ids[i], ids[j]):
            i, j = j, i
        d = direction(dates[i], dates[j], [], ids[i], ids[j])
        if sim is None:
            row = dict(a=ids[i], b=ids[j], relation="exact", resemblance=1.0, **whole)
        else:
            if d.source == "unknown":  # no text is compared in this mode: only dates could tell
                d.evidence = ["no usable dates (dedup mode reads no edits)"]
            row = dict(a=ids[i], b=ids[j], relation="near_duplicate", resemblance=round(sim, 4))
        row.update(direction=d.source, direction_confidence=d.confidence, direction_evidence="; ".join(d.evidence))
        for k in PAIR_SCHEMA.names:
            rows[k].append(row.get(k))
    return pa.table(rows, schema=PAIR_SCHEMA)


@dataclass
class _Stories:
    """What the last stage needs of the story model (the model itself is not kept)."""

    reps: np.ndarray  # document index of each model row
    labels: np.ndarray  # story label per model row
    edges: np.ndarray  # (m, 2) story graph edges between model rows
    weights: np.ndarray  # (m,) their story similarity
    pair_scores: np.ndarray  # story similarity of each candidate pair (Candidates.pairs order)


def _stop_pool(pool, at_once: bool) -> None:
    """Stop a pool's workers without waiting on them. pool.terminate() can wait forever on
    the task queue's lock when a killed worker held it, so it runs in a thread of its own;
    workers still alive after it (or at once, when a worker is known dead) are killed."""
    if at_once:
        _kill_workers(pool)
    stopper = threading.Thread(target=lambda: (pool.terminate(), pool.join()), daemon=True,
                               name="retold-pool-stop")
    stopper.start()
    stopper.join(timeout=1.0 if at_once else 10.0)
    _kill_workers(pool)


def _kill_workers(pool) -> None:
    for p in list(pool._pool):
        if p.is_alive():
            p.kill()
    for p in list(pool._pool):
        p.join(timeout=5.0)


def _releasing(items, every: int = 8):
    """`items`, releasing the mapped pages this process has read (io/mapped.py) every `every`
    items: the tasks of a pool read the texts they carry."""
    for k, item in enumerate(items, 1):
        yield item
        if k % every == 0:
            mapped.release()


def _mapper(pool):
    """An ordered map over the pool's workers that fails if one dies; None without a pool."""
    return (lambda f, tasks: _watch(pool, pool.imap(f, tasks))) if pool is not None else None


class _ShardFeeder:
    """Sends the texts of every `size` documents to the pool as ingest reads them, so the
    workers sketch while the parent reads on (the parent's reading and the workers'
    sketching overlap; the texts go to the workers by pipe, not by fork). `stage` takes a
    shard's texts, `cfg` and the row of its first document."""

    def __init__(self, pool, stage, cfg: Config, size: int):
        self.pool, self.stage, self.cfg, self.size = pool, stage, cfg, size
        self.texts: list[str] = []
        self.pending: list[tuple[int, object]] = []
        self.sent = 0

    def add(self, doc: Document) -> None:
        self.texts.append(doc.text)
        if len(self.texts) >= self.size:
            self._send()

    def _send(self) -> None:
        if self.texts:
            self.pending.append((len(self.texts), self.pool.apply_async(self.stage, (self.texts, self.cfg, self.sent))))
            self.sent += len(self.texts)
            self.texts = []

    def results(self):
        """(documents, stage result) of each shard, in order; E058 if a worker dies."""
        self._send()
        pids = {p.pid for p in self.pool._pool}
        for n, res in self.pending:
            while not res.ready():
                res.wait(1.0)
                if not res.ready():
                    _check_workers(self.pool, pids)
            yield n, res.get()


def _watch(pool, results):
    """The results of a pool's imap, raising instead of waiting forever when a worker dies
    (the system killed it, out of memory perhaps): multiprocessing replaces the worker but
    never finishes its task."""
    pids = {p.pid for p in pool._pool}
    while True:
        try:
            yield results.next(timeout=1.0)
        except StopIteration:
            return
        except mp.TimeoutError:
            _check_workers(pool, pids)


def _check_workers(pool, pids: set[int]) -> None:
    """E058 if a worker of `pool` is not one of `pids` any more (it died; multiprocessing
    replaces it but never finishes its task)."""
    now = {p.pid for p in pool._pool}
    if now != pids:
        dead = ", ".join(str(p) for p in sorted(pids - now)) or "?"
        raise RetoldError(Err.E058, f"worker pid {dead}", "its task was lost") from None


def _chrome_table(chrome: dict[str, set[int]]) -> pa.Table:
    """Site chrome as (source, line hash) rows, sorted, for the store."""
    rows = sorted((src, h) for src, lines in chrome.items() for h in lines)
    return pa.table({"source": [r[0] for r in rows], "hash": [r[1] for r in rows]}, schema=CHROME_SCHEMA)


def _probe_store(path: Path) -> None:
    """Fail before the work, not after, when --store is not a store (E057); a store another
    process is using now is waited for at the end instead."""
    from ..io.store import Store
    if path.is_dir():
        raise RetoldError(Err.E057, str(path), "a folder, not a DuckDB file")
    if not path.exists():
        return
    try:
        Store(path, read_only=True).close()
    except RetoldError as e:
        if e.code != Err.E050:
            raise


def _multi(labels: list[str]) -> int:
    from collections import Counter
    return sum(1 for v in Counter(labels).values() if v > 1)


def _by_code(issues: list[RetoldIssue]) -> dict[str, int]:
    out: dict[str, int] = {}
    for i in issues:
        out[i.code.name] = out.get(i.code.name, 0) + 1
    return out


def _input_signature(inputs: list[str]) -> list:
    """What the inputs look like now (paths, sizes, mtimes): a changed input is a new run."""
    sig = []
    for p in inputs:
        path = Path(p)
        files = sorted(path.rglob("*")) if path.is_dir() else [path]
        for f in files:
            if f.is_file():
                s = f.stat()
                sig.append([str(f), s.st_size, int(s.st_mtime)])
    return sig
