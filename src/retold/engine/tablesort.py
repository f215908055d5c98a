"""The run's passages and edits in document order, sorted out of core.

Compare writes each chunk of pairs as its own Parquet files, in the order the pairs were
compared (`stages.compare_order`). The run folder lists the rows by their pair's documents
(lower input index first) and a pair's own rows in the order compare made them, so the
tables read the same whatever order, engine or number of workers compared the pairs in.

A distribution sort with bounded memory: one pass finds each row's two documents (kept on
disk) and counts the rows of each lower document, which cuts the documents into ranges of
about `BUCKET_ROWS` rows; a second pass sends each row, with its sort keys, to its range's
spill file (Arrow IPC, lz4); then each range is read, sorted and written in turn. Memory is
a group of chunk files or one range, whatever the corpus size. Sorting them in Arrow held
every row twice (1.35 GB for the 1.6 million edits of 114k documents); DuckDB's sort within
256 MB (2026-11-30, night) ran out of memory on the 14.7 million edits of a million
documents.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.ipc as ipc
import pyarrow.parquet as pq

from ..io.writers import write_parquet_parts_atomic

BUCKET_ROWS = 262_144  # rows of a document range sorted in memory at once (about 50 MB of edits)
MAX_BUCKETS = 512  # spill files open at once at most (ranges grow past BUCKET_ROWS beyond it)
GROUP_ROWS = 131_072  # chunk rows read and sent to their ranges together
KEY_GROUP_ROWS = 2_097_152  # chunk rows whose two ids are looked up together (two columns only)
_KEYS = ("_lo", "_hi", "_file", "_row")


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
        A folder for the spill files (a temporary folder in it, removed after).
    head : pyarrow.Table, optional
        Rows written first, as they are (the exact pairs' passages).

    Raises
    ------
    RuntimeError
        When a row names a document that `ids` does not hold (a bug: never dropped silently).
    """
    files = [(f, pq.ParquetFile(f).metadata.num_rows) for f in sorted(files)]
    id_array = pa.array(ids, pa.string())
    with tempfile.TemporaryDirectory(prefix=".sort-", dir=spill) as tmp:
        tmp = Path(tmp)
        counts = _key_pass(files, id_array, tmp, path)
        keys = [np.memmap(tmp / f"{k}.bin", dtype=np.int64, mode="r") if counts.any() else
                np.zeros(0, np.int64) for k in ("lo", "hi")]  # an empty file cannot be mapped
        spilled = _distribute(files, keys, schema, _ranges(counts), tmp)
        del keys

        def parts():
            if head is not None:
                yield head
            for name in spilled:
                with ipc.open_stream(name) as reader:
                    t = reader.read_all()
                t = t.take(pc.sort_indices(t, [(k, "ascending") for k in _KEYS]))
                yield t.select(schema.names).cast(schema)
                del t
        write_parquet_parts_atomic(parts(), schema, path)
    expected = int(counts.sum()) + (head.num_rows if head is not None else 0)
    written = pq.ParquetFile(path).metadata.num_rows
    if written != expected:
        raise RuntimeError(f"{path.name}: {written} rows written of {expected}")


def _key_pass(files: list[tuple[Path, int]], id_array: pa.Array, tmp: Path, path: Path) -> np.ndarray:
    """The input index of every row's lower and higher document, in file and row order, to
    tmp/lo.bin and tmp/hi.bin (int64); returns the rows of each lower document. The ids are
    looked up for many files at once: each lookup hashes every id of the run."""
    counts = np.zeros(len(id_array), dtype=np.int64)
    with open(tmp / "lo.bin", "wb") as flo, open(tmp / "hi.bin", "wb") as fhi:
        for group in _groups(files, KEY_GROUP_ROWS):
            t = pa.concat_tables([pq.read_table(f, columns=["a", "b"]) for f in group])
            ia, ib = (pc.index_in(t.column(c), value_set=id_array) for c in ("a", "b"))
            if ia.null_count or ib.null_count:
                raise RuntimeError(f"{path.name}: a row names a document the run does not hold")
            ia = ia.to_numpy(zero_copy_only=False).astype(np.int64)
            ib = ib.to_numpy(zero_copy_only=False).astype(np.int64)
            lo = np.minimum(ia, ib)
            lo.tofile(flo)
            np.maximum(ia, ib).tofile(fhi)
            counts += np.bincount(lo, minlength=len(counts))
    return counts


def _groups(files: list[tuple[Path, int]], size: int):
    """The files (with their row counts) in runs of about `size` rows, in order."""
    group, rows = [], 0
    for f, n in files:
        group.append(f)
        rows += n
        if rows >= size:
            yield group
            group, rows = [], 0
    if group:
        yield group


def _ranges(counts: np.ndarray) -> np.ndarray:
    """First document of each range: consecutive documents holding about `BUCKET_ROWS` rows
    as lower document (a range is never cut inside a document)."""
    total = int(counts.sum())
    size = max(BUCKET_ROWS, -(-total // MAX_BUCKETS))
    ends = np.cumsum(counts)
    cuts = np.searchsorted(ends, np.arange(size, total, size), side="left") + 1
    return np.unique(np.concatenate([[0], cuts[cuts < len(counts)]])).astype(np.int64)


def _distribute(files, keys, schema, starts, tmp: Path) -> list[Path]:
    """Each row of `files`, with its sort keys (`keys`: lower and higher document of every
    row, in file and row order), appended to its range's spill file; returns the spill files
    of the ranges that got rows, in range order."""
    full = pa.schema(list(schema) + [pa.field(k, pa.int64()) for k in _KEYS])
    options = ipc.IpcWriteOptions(compression="lz4")
    writers: dict[int, ipc.RecordBatchStreamWriter] = {}
    file_no = at = 0
    try:
        for group in _groups(files, GROUP_ROWS):
            tables = [pq.read_table(f).cast(schema) for f in group]
            t = pa.concat_tables(tables)
            n = t.num_rows
            cols = {"_lo": np.array(keys[0][at:at + n]), "_hi": np.array(keys[1][at:at + n]),
                    "_file": np.concatenate([np.full(x.num_rows, file_no + k, dtype=np.int64)
                                             for k, x in enumerate(tables)]),
                    "_row": np.concatenate([np.arange(x.num_rows, dtype=np.int64) for x in tables])}
            at, file_no = at + n, file_no + len(tables)
            del tables
            if n == 0:
                continue
            for k in _KEYS:
                t = t.append_column(k, pa.array(cols[k]))
            bucket = np.searchsorted(starts, cols["_lo"], side="right") - 1
            order = np.argsort(bucket, kind="stable")
            t, bucket = t.take(pa.array(order)), bucket[order]
            cuts = np.concatenate([[0], np.flatnonzero(np.diff(bucket)) + 1, [n]])
            for a, b in zip(cuts[:-1].tolist(), cuts[1:].tolist()):
                r = int(bucket[a])
                if r not in writers:
                    writers[r] = ipc.new_stream(tmp / f"{r:05d}.arrows", full, options=options)
                writers[r].write_table(t.slice(a, b - a))
            del t
    finally:
        for w in writers.values():
            w.close()
    return [tmp / f"{r:05d}.arrows" for r in sorted(writers)]
