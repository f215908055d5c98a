"""Compare a query with its candidates on worker processes (what `retold serve` uses).

A query compares the text with twenty to forty stored documents, one `compare_profiles` each
(a few milliseconds, most of it Python): on one process that is the whole latency, and the
GIL keeps threads from sharing it. The pool spreads one query's candidates over the cores,
and lets two requests' queries run at once instead of queueing on one lock.

Workers are started by the `spawn` method, as children of the server: the server runs threads
(uvicorn, DuckDB), and a fork of a threaded process can inherit a lock held by a thread that
does not exist in the child; and a worker dies with the server (on Linux the kernel kills it),
so a server killed outright leaves no orphan behind (a forkserver's workers outlived it). They
are started with the pool, not on the first query. Each worker keeps what it has seen: the query's own profile (every worker of a
query profiles it once), stored documents' profiles (the same documents come back query after
query), and the formula n-grams, sent once per worker (a task names them by a key; a worker
that lacks them asks for them).
"""
from __future__ import annotations

import multiprocessing as mp
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Sequence

import numpy as np

from ..config import Config
from ..model import Comparison, Document

_NEED_FORMULA = "need-formula"
_STATE: dict[str, Any] = {}  # inside a worker: config, formulas by key, the last query profile


def formula_key(formula: np.ndarray | None) -> tuple:
    """A short name of a formula array (its length and ends): tasks carry it, not the array."""
    if formula is None or len(formula) == 0:
        return ()
    return (len(formula), int(formula[0]), int(formula[-1]), int(formula[len(formula) // 2]))


def _init(cfg: Config, parent: int) -> None:
    import signal
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle
    from ..engine.processes import die_with_parent
    die_with_parent()
    if os.getppid() != parent:  # the server died before the line above took effect
        os._exit(1)
    _STATE.clear()
    _STATE.update(cfg=cfg, formulas={}, query=None)


def _ready() -> int:
    return os.getpid()


def _compare_chunk(task: tuple) -> Any:
    """Compare the query (`text`, `title`) with stored documents; returns the Comparisons in
    order, or _NEED_FORMULA when this worker has not been sent the formula yet."""
    from ..compare import compare_profiles, profile
    from . import QUERY_ID, _stored_profile
    text, title, fkey, formula, docs, anchors = task
    formulas = _STATE["formulas"]
    if fkey and fkey not in formulas:
        if formula is None:
            return _NEED_FORMULA
        formulas.clear()  # one store, one formula at a time
        formulas[fkey] = formula
    fm = formulas.get(fkey) if fkey else None
    cfg = _STATE["cfg"]
    qkey = (hash(text), text, title, fkey)
    if _STATE["query"] is None or _STATE["query"][0] != qkey:
        _STATE["query"] = (qkey, profile(Document(QUERY_ID, text, title=title), cfg, None, fm))
    qprof = _STATE["query"][1]
    return [compare_profiles(qprof, _stored_profile(Document(*d), cfg, fm), cfg, anchors=a or None, formula=fm)
            for d, a in zip(docs, anchors)]


class ComparePool:
    """Worker processes that compare a query with stored documents.

    Parameters
    ----------
    cfg : Config
        The options every comparison uses (fixed for the pool's life).
    workers : int, optional
        Processes; default `cfg.workers`, else the number of CPUs.
    """

    def __init__(self, cfg: Config, workers: int | None = None):
        self.cfg = cfg
        self.workers = max(1, workers or cfg.workers or os.cpu_count() or 1)
        self._start()

    def _start(self) -> None:
        self._ex = ProcessPoolExecutor(self.workers, mp_context=mp.get_context("spawn"),
                                       initializer=_init, initargs=(self.cfg, os.getpid()))
        # start every worker now (each imports retold once): the first query does not wait
        for fut in [self._ex.submit(_ready) for _ in range(self.workers)]:
            fut.result()

    def compare(self, text: str, title: str | None, formula: np.ndarray | None,
                docs: Sequence[Document], anchors: Sequence[int]) -> list[Comparison]:
        """Compare the query with each of `docs` (`anchors`: shared rare n-grams each, 0 for
        none); the Comparisons in the order of `docs`, as `compare_profiles` gives them. A
        worker that died (killed for memory, say) costs its pool: a new one is started and
        the query compared again once."""
        if not docs:
            return []
        try:
            return self._compare(text, title, formula, docs, anchors)
        except BrokenProcessPool:
            self._ex.shutdown(wait=False, cancel_futures=True)
            self._start()
            return self._compare(text, title, formula, docs, anchors)

    def _compare(self, text, title, formula, docs, anchors) -> list[Comparison]:
        fkey = formula_key(formula)
        rows = [(d.doc_id, d.text, d.title, d.date, d.source, d.url) for d in docs]
        # round robin: the strongest candidates (first) are spread over every worker
        parts = [list(range(w, len(rows), self.workers)) for w in range(min(self.workers, len(rows)))]
        futures = [self._ex.submit(_compare_chunk, (text, title, fkey, None, [rows[i] for i in part],
                                                    [anchors[i] for i in part])) for part in parts]
        out: list[Comparison | None] = [None] * len(rows)
        for part, fut in zip(parts, futures):
            got = fut.result()
            if got == _NEED_FORMULA:
                got = self._ex.submit(_compare_chunk, (text, title, fkey, formula, [rows[i] for i in part],
                                                       [anchors[i] for i in part])).result()
            for i, c in zip(part, got):
                out[i] = c
        return out  # type: ignore[return-value]

    def close(self) -> None:
        """Stop the workers (waits for running tasks)."""
        self._ex.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> "ComparePool":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
