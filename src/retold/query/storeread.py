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
    """Names of the tables in the store's main schema."""
    return {r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'").fetchall()}


def rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None
         ) -> list[dict[str, Any]]:
    """Run `sql` with `params` and return the rows as dicts."""
    cur = con.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def fingerprint(con: duckdb.DuckDBPyConnection) -> list[Any]:
    """A cheap token that changes whenever a run is added to the store: documents counted,
    runs counted and the last ingestion time."""
    have = tables(con)
    n_docs = con.execute("SELECT count(*) FROM documents").fetchall()[0][0] if "documents" in have else 0
    if "runs" in have:
        n_runs, last = con.execute("SELECT count(*), max(ingested) FROM runs").fetchall()[0]
    else:
        n_runs, last = 0, None
    return [int(n_docs), int(n_runs), None if last is None else str(last)]


def formula(con: duckdb.DuckDBPyConnection):
    """The store's formula n-gram hashes, sorted (numpy uint64; empty for an older store)."""
    import numpy as np
    if "formula" not in tables(con):
        return np.zeros(0, dtype=np.uint64)
    got = con.execute("SELECT hash FROM formula ORDER BY hash").fetchnumpy()
    return np.asarray(got["hash"], dtype=np.uint64)
