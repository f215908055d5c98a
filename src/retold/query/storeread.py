"""Short-lived read-only connections to a store.

A run may hold the store open for writing while a query or the web app reads it: DuckDB
then refuses a second process's connection for a moment. Readers here open the file
read-only for one unit of work and close it at once, retrying a lock for a short while, so
a run can add documents while the store is served.
"""
from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path
from typing import Any, Iterator

import duckdb

from ..errors import Err, RetoldError

LOCK_RETRY_SECONDS = 5.0  # how long a reader waits for a writer to let go of the file


def _locked(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "lock" in text or "conflicting" in text or "being used" in text


@contextlib.contextmanager
def read_store(path: str | os.PathLike[str], wait: float = LOCK_RETRY_SECONDS
               ) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only DuckDB connection to the store at `path`, closed on exit.

    Parameters
    ----------
    path : path-like
        The DuckDB file `retold run --store` writes.
    wait : float
        Seconds to keep retrying while another process holds the file for writing.

    Yields
    ------
    duckdb.DuckDBPyConnection
        A connection that cannot change the store.

    Raises
    ------
    RetoldError
        E020 when there is no store at `path`; E004 when it cannot be opened (not a
        DuckDB file, or still locked after `wait` seconds).
    """
    p = Path(path)
    if not p.is_file():
        raise RetoldError(Err.E020, str(p), "no store there; make one with "
                          "`retold run INPUT --out DIR --store FILE`")
    deadline = time.monotonic() + wait
    delay = 0.02
    while True:
        try:
            con = duckdb.connect(str(p), read_only=True)
            break
        except duckdb.Error as exc:
            if _locked(exc) and time.monotonic() < deadline:
                time.sleep(delay)
                delay = min(delay * 2, 0.5)
                continue
            raise RetoldError(Err.E004, str(p), str(exc).splitlines()[0]) from exc
    try:
        yield con
    finally:
        con.close()


def tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Names of the tables in the store's main schema.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection

    Returns
    -------
    set of str
    """
    return {r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'").fetchall()}


def rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None
         ) -> list[dict[str, Any]]:
    """Run `sql` with `params` (every value a parameter) and return the rows as dicts.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
    sql : str
    params : list, optional

    Returns
    -------
    list of dict
        Column name to value.
    """
    cur = con.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def fingerprint(con: duckdb.DuckDBPyConnection) -> list[Any]:
    """A cheap token that changes whenever a run is added to the store.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection

    Returns
    -------
    list
        Documents counted, runs counted and the last ingestion time (as text).
    """
    have = tables(con)
    n_docs = con.execute("SELECT count(*) FROM documents").fetchall()[0][0] if "documents" in have else 0
    if "runs" in have:
        n_runs, last = con.execute("SELECT count(*), max(ingested) FROM runs").fetchall()[0]
    else:
        n_runs, last = 0, None
    return [int(n_docs), int(n_runs), None if last is None else str(last)]


def formula(con: duckdb.DuckDBPyConnection):
    """The store's formula n-gram hashes (`sketch/formula.py`).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection

    Returns
    -------
    numpy.ndarray
        Sorted uint64 hashes; empty for a store written before formula was kept.
    """
    import numpy as np
    if "formula" not in tables(con):
        return np.zeros(0, dtype=np.uint64)
    got = con.execute("SELECT hash FROM formula ORDER BY hash").fetchnumpy()
    return np.asarray(got["hash"], dtype=np.uint64)


class StoreView:
    """A long-lived read-only view of a store for a server: a snapshot copy of the file,
    opened once and shared by every request (DuckDB takes tens of milliseconds to open a
    database, too much per request), refreshed when the store changes.

    The store itself is opened only to take a snapshot: read-only, for as long as the copy
    takes, so a run that adds documents finds it free nearly all the time. `read()` checks
    at most every `every` seconds whether the file changed (size and modification time of
    the store and its WAL, no DuckDB needed) and, once it has stayed unchanged for `settle`
    seconds, takes a new snapshot; requests in flight keep the one they started on.
    """

    def __init__(self, path: str | os.PathLike[str], every: float = 2.0, settle: float = 1.0):
        import tempfile
        import threading
        self.path = Path(path)
        self.every, self.settle = every, settle
        self._dir = Path(tempfile.mkdtemp(prefix="retold-serve-"))
        import shutil
        import weakref
        weakref.finalize(self, shutil.rmtree, str(self._dir), True)  # copies go with the view
        self._lock = threading.Lock()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._old: list[duckdb.DuckDBPyConnection] = []
        self._stamp: tuple | None = None
        self._checked = 0.0
        self._gen = 0
        self.generation = 0  # snapshots taken so far

    def _file_stamp(self) -> tuple:
        out = []
        for p in (self.path, self.path.with_name(self.path.name + ".wal")):
            try:
                st = p.stat()
                out.append((st.st_size, st.st_mtime_ns))
            except FileNotFoundError:
                out.append(None)
        return tuple(out)

    def _snapshot(self, stamp: tuple) -> None:
        import shutil
        self._gen += 1
        dest = self._dir / f"snap-{self._gen}.duckdb"
        with read_store(self.path) as con:  # holds the store's lock while copying: a consistent copy
            con.execute("SELECT 1").fetchall()
            shutil.copyfile(self.path, dest)
            wal = self.path.with_name(self.path.name + ".wal")
            if wal.exists():
                shutil.copyfile(wal, dest.with_name(dest.name + ".wal"))
        new = duckdb.connect(str(dest), read_only=True)
        if self._con is not None:
            self._old.append(self._con)
        # keep the previous snapshot open for requests still reading it; close older ones
        while len(self._old) > 1:
            try:
                self._old.pop(0).close()
            except duckdb.Error:
                pass
        self._con, self._stamp = new, stamp
        self.generation += 1

    def _current(self) -> duckdb.DuckDBPyConnection:
        import time as _time
        now = _time.monotonic()
        with self._lock:
            if self._con is None:
                if not self.path.is_file():
                    raise RetoldError(Err.E020, str(self.path), "no store there; make one with "
                                      "`retold run INPUT --out DIR --store FILE`")
                self._snapshot(self._file_stamp())
                self._checked = now
            elif now - self._checked >= self.every:
                self._checked = now
                stamp = self._file_stamp()
                if stamp != self._stamp and self.path.is_file():
                    age = _time.time() - max((s[1] for s in stamp if s), default=0) / 1e9
                    if age >= self.settle:
                        try:
                            self._snapshot(stamp)
                        except RetoldError:
                            pass  # a run holds the store: serve the last snapshot, retry later
            return self._con

    @contextlib.contextmanager
    def read(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor on the current snapshot (one per request or thread), closed on exit.

        Yields
        ------
        duckdb.DuckDBPyConnection

        Raises
        ------
        RetoldError
            E020 when there is no store; E004 when the first snapshot cannot be taken.
        """
        cur = self._current().cursor()
        try:
            yield cur
        finally:
            cur.close()

    def close(self) -> None:
        """Close every snapshot and delete the copies."""
        import shutil
        with self._lock:
            for con in [*self._old, *([self._con] if self._con is not None else [])]:
                try:
                    con.close()
                except duckdb.Error:
                    pass
            self._old, self._con = [], None
            shutil.rmtree(self._dir, ignore_errors=True)
