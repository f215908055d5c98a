"""The DuckDB store: the run-folder tables, grown run after run.

`ingest_run` merges a finished run folder into the store in one transaction (an incremental
run's `stages/families.store.parquet` too: every stored document's family and story):
documents and families are upserted by doc_id, a field the new run has no value for keeping
the stored one (a later run of the same articles from .txt files, which have no titles or
dates, does not blank what a JSONL run stored); pairs, passages and edits are replaced per
document pair (a later run's analysis of a pair supersedes the earlier one, whichever side
it calls `a`); run.json becomes a row of `runs`; the per-document sketches and story
features the run computed (`stages/sketches.parquet`, `stages/story_features.parquet`) replace
the stored rows of their documents. Every value reaches SQL as a parameter;
only identifiers from the fixed schema (or Parquet column names, quoted) are spliced in.
"""
from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import Err, RetoldError
from ..model import RELATIONS
from ..schema import CHROME_FILE, DROPPED_FILE, UNION_FAMILIES
from ..schema import STORE_TABLES as SCHEMA
from .sketches import SKETCH_FILE
from .storyfeatures import STORY_FILE

# ART indexes for the lookups by document a query or a page makes: without them each lookup
# scans the table (a query's 22 documents from a 100k store: 33 ms warm, 8 ms with them)
INDEXES: dict[str, tuple[str, ...]] = {"documents": ("doc_id",), "families": ("doc_id",)}
_RUN_TABLES = ("documents", "pairs", "passages", "edits", "families")  # one .parquet each
_PAIR_TABLES = ("pairs", "passages", "edits")
_ORDER = {"documents": "doc_id", "pairs": "a, b", "passages": "a, b, a_start, b_start",
          "edits": "a, b, a_start, b_start", "families": "doc_id", "runs": "ingested, run_id",
          "chrome": "source, hash", "sketches": "doc_id", "story_features": "doc_id"}


class Store:
    """A DuckDB file holding the run tables. Use as a context manager.

    One process at a time may open a store for writing (DuckDB locks the file); readers
    such as a web server can pass read_only=True. A connection is not for sharing between
    threads: use `store.con.cursor()` per thread.

    A store another process holds is waited for up to `wait` seconds, then refused with
    E050 (never DuckDB's own lock error); a file that is not a DuckDB database is E057.
    `memory_gb` > 0 bounds DuckDB's memory (it spills to `<store>.tmp` past it; the engine
    passes the config's `store_memory_gb`); 0 leaves DuckDB's default.
    """

    def __init__(self, path: str | os.PathLike[str], read_only: bool = False, wait: float = 0.0,
                 memory_gb: float = 0.0):
        self.path = Path(path)
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self.con = _connect(self.path, read_only, wait, memory_gb)
        if not read_only:
            try:
                self._create_tables()
            except BaseException:
                self.con.close()
                raise

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        self.con.close()

    # --- writing ---------------------------------------------------------------------------------
    def ingest_run(self, run_dir: str | os.PathLike[str]) -> dict[str, int]:
        """Merge a finished run folder into the store; returns rows added per table.

        Tables whose Parquet file is missing are left as they are. Raises RetoldError(E004)
        if run.json is missing or unreadable (an unfinished run must not reach the store)
        or a Parquet file cannot be read; the store is then unchanged.
        """
        run_dir = Path(run_dir)
        run = _load_run_json(run_dir / "run.json")
        files = {t: run_dir / f"{t}.parquet" for t in _RUN_TABLES
                 if (run_dir / f"{t}.parquet").is_file()}
        files = {t: f for t, f in files.items() if _has_columns(f)}
        added: dict[str, int] = {}
        self.con.begin()
        try:
            for table, f in files.items():
                self._add_extra_columns(table, f)
            if "documents" in files:
                added["documents"] = self._merge("documents", "doc_id", files["documents"])
            dropped = run_dir / "stages" / DROPPED_FILE
            if dropped.is_file():
                self._drop_pairs(dropped)
            added.update(self._replace_pairs({t: files[t] for t in _PAIR_TABLES if t in files}))
            if "families" in files:
                added["families"] = self._merge("families", "doc_id", files["families"])
            union = run_dir / "stages" / UNION_FAMILIES
            if union.is_file():  # an incremental run: the families of the stored documents too
                added["families"] = self._merge("families", "doc_id", union)
            incremental = union.is_file()  # the run saw the whole store: its formula is the store's
            if incremental:
                self.con.execute("DELETE FROM formula")
            formula = self._add_formula(run_dir / "stages" / "formula.npy")
            chrome = run_dir / "stages" / CHROME_FILE
            if chrome.is_file():  # the run's chrome covers every stored source
                self.con.execute("DELETE FROM chrome")
                self._run("INSERT INTO chrome SELECT source, hash FROM read_parquet(?)", [str(chrome)], chrome)
            if formula:
                added["formula"] = formula
            sketches = run_dir / "stages" / SKETCH_FILE
            if sketches.is_file() and _has_columns(sketches):
                added["sketches"] = self._replace_rows("sketches", "doc_id", sketches)
            story = run_dir / "stages" / STORY_FILE
            if story.is_file() and _has_columns(story):
                added["story_features"] = self._replace_rows("story_features", "doc_id", story)
            self._record_run(run, run_dir)
            self.con.commit()
        except BaseException:
            self.con.rollback()
            raise
        return added

    def _add_formula(self, path: Path) -> int:
        """Union the run's formula n-grams into the store's (a later run may know more)."""
        if not path.is_file():
            return 0
        import numpy as np
        grams = np.load(path, allow_pickle=False).astype(np.uint64)
        if len(grams) == 0:
            return 0
        before = self.con.execute("SELECT count(*) FROM formula").fetchall()[0][0]
        self.con.register("_new_formula", pa.table({"hash": pa.array(grams, pa.uint64())}))
        try:
            self.con.execute("INSERT INTO formula SELECT DISTINCT hash FROM _new_formula "
                             "WHERE hash NOT IN (SELECT hash FROM formula)")
        finally:
            self.con.unregister("_new_formula")
        return self.con.execute("SELECT count(*) FROM formula").fetchall()[0][0] - before

    def _replace_rows(self, table: str, key: str, f: Path) -> int:
        """Replace every stored row whose `key` the Parquet file has by the file's rows (the
        first of a repeated key, in file order)."""
        k = _ident(key)
        cols = ", ".join(_ident(c) for c in self._columns(table))
        self._run(f"DELETE FROM {_ident(table)} WHERE {k} IN (SELECT {k} FROM read_parquet(?))", [str(f)], f)
        return _rowcount(self._run(
            f"INSERT INTO {_ident(table)} ({cols}) SELECT {cols} FROM read_parquet(?, file_row_number = true) "
            f"QUALIFY row_number() OVER (PARTITION BY {k} ORDER BY file_row_number) = 1", [str(f)], f))

    def sketches(self, key: str) -> pa.Table:
        """The stored sketches made with `key` (io/sketches.py) of the text each document has
        now (a sketch of a replaced text is left out); none in a store made before them."""
        if "sketches" not in self._tables():
            return pa.table({c: pa.array([], pa.binary() if t == "BLOB" else pa.string())
                             for c, t in SCHEMA["sketches"]})
        return self.con.sql(
            "SELECT s.* FROM sketches AS s JOIN documents AS d ON d.doc_id = s.doc_id "
            "WHERE s.key = ? AND s.text_md5 = md5(d.text)", params=[key]).to_arrow_table()

    def _tables(self) -> set[str]:
        return {r[0] for r in self.con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'").fetchall()}

    def story_features(self, key: str) -> pa.Table:
        """The stored story features made with `key` (io/storyfeatures.py) of the title and
        text each document has now, with that digest; none in a store made before them."""
        if "story_features" not in self._tables():
            return pa.table({c: pa.array([], pa.string()) for c, _ in SCHEMA["story_features"]})
        return self.con.sql(
            "SELECT f.* FROM story_features AS f JOIN documents AS d ON d.doc_id = f.doc_id "
            "WHERE f.key = ? AND f.text_md5 = md5(coalesce(d.title, '') || chr(0) || d.text)",
            params=[key]).to_arrow_table()

    def _drop_pairs(self, f: Path) -> None:
        """Delete every stored row of the pairs listed in `f` (a, b; either order)."""
        self._run("CREATE OR REPLACE TEMP TABLE _drop AS SELECT DISTINCT least(a, b) AS lo, "
                  "greatest(a, b) AS hi FROM read_parquet(?)", [str(f)], f)
        for table in _PAIR_TABLES:
            self.con.execute(f"DELETE FROM {_ident(table)} AS t USING _drop AS n "
                             "WHERE least(t.a, t.b) = n.lo AND greatest(t.a, t.b) = n.hi")
        self.con.execute("DROP TABLE _drop")

    def chrome(self) -> list[tuple[str, int]]:
        """The stored chrome: (source, line hash) rows (none in a store made before it)."""
        if "chrome" not in {r[0] for r in self.con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'").fetchall()}:
            return []
        return self.con.execute("SELECT source, hash FROM chrome").fetchall()

    def formula(self):
        """The stored formula n-gram hashes, sorted (numpy uint64)."""
        import numpy as np
        if "formula" not in {r[0] for r in self.con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'").fetchall()}:
            return np.zeros(0, dtype=np.uint64)  # a store written before formula was kept
        rows = self.con.execute("SELECT hash FROM formula ORDER BY hash").fetchnumpy()
        return np.asarray(rows["hash"], dtype=np.uint64)

    def _create_tables(self) -> None:
        for table, cols in SCHEMA.items():
            body = ", ".join(f"{_ident(c)} {t}" for c, t in cols)
            self.con.execute(f"CREATE TABLE IF NOT EXISTS {_ident(table)} ({body})")
        for table, cols in INDEXES.items():
            for col in cols:
                self.con.execute(f"CREATE INDEX IF NOT EXISTS {_ident(table + '_' + col)} "
                                 f"ON {_ident(table)} ({_ident(col)})")

    def _columns(self, table: str) -> list[str]:
        rows = self.con.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_name = ? AND table_schema = 'main' ORDER BY ordinal_position",
            [table]).fetchall()
        return [r[0] for r in rows]

    def _add_extra_columns(self, table: str, f: Path) -> None:
        """Columns a newer pipeline writes beyond the contract are kept, not dropped."""
        have = set(self._columns(table))
        for name, dtype in _parquet_columns(self.con, f):
            if name not in have:
                self.con.execute(f"ALTER TABLE {_ident(table)} ADD COLUMN {_ident(name)} {dtype}")

    def _insert(self, table: str, f: Path, dedupe_key: str | None = None) -> int:
        """Insert the Parquet rows by column name; contract columns it lacks stay NULL."""
        present = {n for n, _ in _parquet_columns(self.con, f)}
        cols = ", ".join(_ident(c) for c in self._columns(table) if c in present)
        if not cols:
            return 0
        # keep the first row of a repeated key, in file order, so results are repeatable
        keep_first = (f"QUALIFY row_number() OVER (PARTITION BY {_ident(dedupe_key)} "
                      "ORDER BY file_row_number) = 1" if dedupe_key else "")
        sql = (f"INSERT INTO {_ident(table)} ({cols}) SELECT {cols} "
               f"FROM read_parquet(?, file_row_number = true) {keep_first}")
        return _rowcount(self._run(sql, [str(f)], f))

    def _merge(self, table: str, key: str, f: Path) -> int:
        """Upsert the Parquet rows by `key` (the first row of a repeated key, in file order);
        where a new row's value is null, or its file lacks the column, the stored value stays."""
        present = {n for n, _ in _parquet_columns(self.con, f)}
        cols = self._columns(table)
        if key not in present:
            return 0
        k = _ident(key)
        new_cols = ", ".join(_ident(c) for c in cols if c in present)
        self._run(f"CREATE OR REPLACE TEMP TABLE _new_rows AS SELECT {new_cols} "
                  "FROM read_parquet(?, file_row_number = true) "
                  f"QUALIFY row_number() OVER (PARTITION BY {k} ORDER BY file_row_number) = 1",
                  [str(f)], f)
        merged = ", ".join(
            (f"n.{k}" if c == key else
             f"coalesce(n.{_ident(c)}, o.{_ident(c)})" if c in present else f"o.{_ident(c)}")
            + f" AS {_ident(c)}" for c in cols)
        self.con.execute(
            f"CREATE OR REPLACE TEMP TABLE _merged_rows AS SELECT {merged} FROM _new_rows AS n "
            f"LEFT JOIN (SELECT * FROM {_ident(table)} QUALIFY row_number() OVER "
            f"(PARTITION BY {k}) = 1) AS o ON o.{k} = n.{k}")
        self.con.execute(f"DELETE FROM {_ident(table)} WHERE {k} IN (SELECT {k} FROM _new_rows)")
        all_cols = ", ".join(_ident(c) for c in cols)
        n = _rowcount(self.con.execute(f"INSERT INTO {_ident(table)} ({all_cols}) "
                                       f"SELECT {all_cols} FROM _merged_rows"))
        self.con.execute("DROP TABLE _new_rows")
        self.con.execute("DROP TABLE _merged_rows")
        return n

    def _replace_pairs(self, files: dict[str, Path]) -> dict[str, int]:
        """Drop every stored row of a pair the new run analysed, then add the new rows."""
        if not files:
            return {}
        union = " UNION ALL ".join("SELECT a, b FROM read_parquet(?)" for _ in files)
        self._run("CREATE OR REPLACE TEMP TABLE _new_pairs AS SELECT DISTINCT "
                  f"least(a, b) AS lo, greatest(a, b) AS hi FROM ({union})",
                  [str(f) for f in files.values()], next(iter(files.values())))
        for table in _PAIR_TABLES:
            self.con.execute(f"DELETE FROM {_ident(table)} AS t USING _new_pairs AS n "
                             "WHERE least(t.a, t.b) = n.lo AND greatest(t.a, t.b) = n.hi")
        added = {table: self._insert(table, f) for table, f in files.items()}
        self.con.execute("DROP TABLE _new_pairs")
        return added

    def _record_run(self, run: dict[str, Any], run_dir: Path) -> None:
        run_id = str(run.get("run_id") or run_dir.name)
        self.con.execute("DELETE FROM runs WHERE run_id = ?", [run_id])
        self.con.execute(
            "INSERT INTO runs (run_id, started, finished, config_json, counts_json) "
            "VALUES (?, ?, ?, ?, ?)",
            [run_id, _opt_str(run.get("started")), _opt_str(run.get("finished")),
             json.dumps(run.get("config", {}), ensure_ascii=False, sort_keys=True),
             json.dumps(run.get("counts", {}), ensure_ascii=False, sort_keys=True)])

    def _run(self, sql: str, params: list[Any], f: Path) -> duckdb.DuckDBPyConnection:
        try:
            return self.con.execute(sql, params)
        except duckdb.InterruptException:  # Ctrl-C inside a query: an interrupt, not a bad file
            raise KeyboardInterrupt from None
        except duckdb.Error as e:  # a broken or mis-shaped Parquet file: name it
            raise RetoldError(Err.E004, str(f), str(e).splitlines()[0]) from e

    # --- reading ---------------------------------------------------------------------------------
    def doc_ids(self) -> set[str]:
        return {r[0] for r in self.con.execute("SELECT doc_id FROM documents").fetchall()}

    def documents(self, ids: list[str] | set[str] | None = None) -> pa.Table:
        """Documents (all, or those with the given ids), ordered by doc_id."""
        if ids is None:
            return self.con.sql("SELECT * FROM documents ORDER BY doc_id").to_arrow_table()
        return self.con.sql(
            "SELECT * FROM documents WHERE doc_id IN (SELECT unnest(?::VARCHAR[])) "
            "ORDER BY doc_id", params=[sorted(set(ids))]).to_arrow_table()

    def pairs_for(self, doc_id: str) -> list[dict[str, Any]]:
        """Every stored pair with `doc_id` on either side, strongest relation first."""
        cur = self.con.execute(
            "SELECT * FROM pairs WHERE a = ? OR b = ? "
            "ORDER BY list_position(?::VARCHAR[], relation) NULLS LAST, a, b",
            [doc_id, doc_id, list(RELATIONS)])
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()]

    def table(self, name: str) -> pa.Table:
        """A whole store table (documents, pairs, passages, edits, families, runs)."""
        if name not in SCHEMA:
            raise ValueError(f"unknown store table {name!r}; known: {', '.join(SCHEMA)}")
        sql = f"SELECT * FROM {_ident(name)} ORDER BY {_ORDER[name]}"
        return self.con.sql(sql).to_arrow_table()


# --- helpers -------------------------------------------------------------------------------
def _connect(path: Path, read_only: bool, wait: float, memory_gb: float = 0.0) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection, waiting up to `wait` seconds for another process's lock; with
    `memory_gb` > 0 DuckDB holds at most that much and spills the rest to disk."""
    deadline = time.monotonic() + wait
    config = {"memory_limit": f"{int(memory_gb * 1024)}MB"} if memory_gb > 0 else {}
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only, config=config)
        except duckdb.Error as e:
            msg = str(e).splitlines()[0] if str(e) else type(e).__name__
            if "lock" in msg.lower():
                if time.monotonic() < deadline:
                    time.sleep(0.5)
                    continue
                pid = re.search(r"PID (\d+)", msg)
                raise RetoldError(Err.E050, str(path), f"held by pid {pid.group(1)}" if pid
                                  else "locked by another process") from None
            if "not a valid duckdb" in msg.lower() or "version" in msg.lower():
                raise RetoldError(Err.E057, str(path), msg) from None
            raise RetoldError(Err.E004, str(path), msg) from None


def _ident(name: str) -> str:
    """A quoted SQL identifier (names from Parquet files are data too)."""
    return '"' + name.replace('"', '""') + '"'


def _has_columns(f: Path) -> bool:
    """An empty table written without a schema has no columns: nothing to load."""
    try:
        return len(pq.read_schema(f)) > 0
    except (pa.ArrowException, OSError) as e:
        raise RetoldError(Err.E004, str(f), f"not a readable Parquet file: {e}") from e


def _parquet_columns(con: duckdb.DuckDBPyConnection, f: Path) -> list[tuple[str, str]]:
    try:
        rows = con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [str(f)]).fetchall()
    except duckdb.InterruptException:
        raise KeyboardInterrupt from None
    except duckdb.Error as e:
        raise RetoldError(Err.E004, str(f), str(e).splitlines()[0]) from e
    return [(r[0], r[1]) for r in rows]


def _load_run_json(path: Path) -> dict[str, Any]:
    try:
        run = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RetoldError(Err.E004, str(path), "no run.json: not a finished run folder") from None
    except (OSError, ValueError) as e:
        raise RetoldError(Err.E004, str(path), str(e)) from e
    if not isinstance(run, dict):
        raise RetoldError(Err.E004, str(path), "run.json is not a JSON object")
    return run


def _rowcount(cur: duckdb.DuckDBPyConnection) -> int:
    row = cur.fetchone()  # DuckDB answers an INSERT with one row: the count
    return int(row[0]) if row else 0


def _opt_str(val: Any) -> str | None:
    return None if val is None else str(val)
