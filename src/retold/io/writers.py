"""Atomic writers: a killed run leaves the old file or the new one, never half a file.

Each writer writes a hidden temp file in the target's folder (same file system, so the
rename is atomic), fsyncs it, then `os.replace`s it over the target.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any

import pyarrow as pa
import pyarrow.parquet as pq

from ..model import Document
from ..schema import DOCUMENTS as DOCUMENTS_SCHEMA



def write_parquet_atomic(table: pa.Table, path: str | os.PathLike[str]) -> Path:
    """Write `table` as Parquet at `path` atomically; returns the path."""
    return _atomic_write(path, lambda fh: pq.write_table(table, fh, compression="zstd"))


PART_ROWS = 4096  # rows of a table for the store made at a time (a row holds KBs of features or n-grams)


def write_parquet_parts_atomic(parts: Iterable[pa.Table], schema: pa.Schema,
                               path: str | os.PathLike[str]) -> Path:
    """Write the tables `parts` (each in `schema`), one after the other, as one Parquet file
    at `path` atomically: a caller that makes its parts lazily holds one at a time."""
    def write(fh):
        with pq.ParquetWriter(fh, schema, compression="zstd") as writer:
            for part in parts:
                writer.write_table(part)
    return _atomic_write(path, write)


def write_json_atomic(obj: Any, path: str | os.PathLike[str]) -> Path:
    """Write `obj` as indented UTF-8 JSON atomically (datetimes, Paths, sets, dataclasses ok)."""
    text = json.dumps(obj, ensure_ascii=False, indent=2, default=_json_default) + "\n"
    return write_text_atomic(text, path)


def write_text_atomic(text: str, path: str | os.PathLike[str]) -> Path:
    """Write `text` as UTF-8 atomically; returns the path."""
    data = text.encode("utf-8")
    return _atomic_write(path, lambda fh: fh.write(data))


def documents_table(docs: Iterable[Document]) -> pa.Table:
    """documents.parquet rows: the contract columns plus `chars` (length of text in code points,
    the unit of every offset). `meta` is not stored: its fields vary per input."""
    from ..corpus import Corpus  # the engine's own form of the documents; one way to make the table
    return Corpus.from_documents(docs).table()


def _atomic_write(path: str | os.PathLike[str], write: Callable[[IO[bytes]], Any]) -> Path:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex[:12]}.tmp")
    # os.open with 0o666 lets the umask decide the mode, like a plain open() would
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(target.parent)
    return target


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable; not possible on every platform, so best effort."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _json_default(obj: Any) -> Any:
    if isinstance(obj, (dt.datetime, dt.date)):
        return obj.isoformat()
    if isinstance(obj, os.PathLike):
        return os.fspath(obj)
    if isinstance(obj, (set, frozenset)):
        return sorted(obj, key=str)
    if hasattr(obj, "to_dict"):  # the model's own JSON shape wins over a plain asdict
        return obj.to_dict()
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return dataclasses.asdict(obj)
    if hasattr(obj, "item"):  # numpy scalars
        return obj.item()
    raise TypeError(f"cannot write {type(obj).__name__} as JSON")
