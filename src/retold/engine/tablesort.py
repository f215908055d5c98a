"""The run's passages and edits in document order, sorted out of core.

Compare writes each chunk of pairs as its own Parquet files, in the order the pairs were
compared (`stages.compare_order`). The run folder lists the rows by their pair's documents
(lower input index first) and a pair's own rows in the order compare made them, so the
tables read the same whatever order, engine or number of workers compared the pairs in.
Sorting them in Arrow held every row twice (the read and the sorted copy: 1.35 GB for the
1.6 million edits of 114k documents); DuckDB sorts them within `SORT_MEMORY_MB`, spilling
past it, and the rows stream out to the file.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from ..io.writers import write_parquet_parts_atomic

SORT_MEMORY_MB = 256  # DuckDB's memory for the sort; past it, it spills to the run folder
BATCH_ROWS = 65_536  # rows streamed from the sort to the file at a time


def write_by_documents(files: list[Path], ids: list[str], schema: pa.Schema, path: Path,
                       spill: Path, head: pa.Table | None = None) -> None:
    """Write the rows of the Parquet `files` (each in `schema`, with document ids in columns
    `a` and `b`) to `path`, after the rows of `head`, ordered by the input index in `ids` of
    their pair's lower document, then of the higher one, then by file and row within it.

    Parameters
    ----------
    files : list of Path
        The chunk files, named so that their sorted names are their order.
    ids : list of str
        Every document id of the run, in input order.
    schema : pyarrow.Schema
        The table's schema (`retold.schema`).
    path : Path
        The file to write (atomically).
    spill : Path
        A folder for DuckDB's spill files (a temporary folder in it, removed after).
    head : pyarrow.Table, optional
        Rows written first, as they are (the exact pairs' passages).
    """
    import duckdb
    files = sorted(files)
    if not files:
        write_parquet_parts_atomic([head] if head is not None else [], schema, path)
        return
    with tempfile.TemporaryDirectory(prefix=".sort-", dir=spill) as tmp:
        con = duckdb.connect(config={"memory_limit": f"{SORT_MEMORY_MB}MB", "temp_directory": tmp})
        try:
            con.register("doc_index", pa.table({"doc_id": pa.array(ids, pa.string()),
                                                "i": np.arange(len(ids), dtype=np.int64)}))
            # column names come from the schema module, never from the data
            cols = ", ".join(f't."{name}"' for name in schema.names)
            rows = con.sql(
                f"SELECT {cols} FROM read_parquet($files, filename = true, file_row_number = true) t "
                "JOIN doc_index x ON t.a = x.doc_id JOIN doc_index y ON t.b = y.doc_id "
                "ORDER BY least(x.i, y.i), greatest(x.i, y.i), t.filename, t.file_row_number",
                params={"files": [str(f) for f in files]}).to_arrow_reader(BATCH_ROWS)

            def parts():
                if head is not None:
                    yield head
                for batch in rows:
                    yield pa.Table.from_batches([batch]).cast(schema)
            write_parquet_parts_atomic(parts(), schema, path)
        finally:
            con.close()
    # an id missing from `ids` would drop its rows in the join: a bug to stop on, not to hide
    expected = sum(pq.ParquetFile(f).metadata.num_rows for f in files) + (head.num_rows if head is not None else 0)
    written = pq.ParquetFile(path).metadata.num_rows
    if written != expected:
        raise RuntimeError(f"{path.name}: {written} rows written of {expected}; a row names a document "
                           "the run does not hold")
