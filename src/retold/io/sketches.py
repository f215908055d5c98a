"""Per-document sketches as rows: what the store's `sketches` table holds, so an incremental
run (engine/incremental.py) reads the sketch of a stored document instead of tokenising its
text again.

A row is the sketch stage's output for one document (`engine.stages.sketch`): its content
hash, MinHash signature (uint32), distinct anchor n-gram hashes and line hashes (uint64), the
arrays as little-endian bytes. It is valid for the text whose MD5 it carries (`text_md5`, as
DuckDB's md5() spells it) and for the options and version named by `key` (`sketch_key`):
a row of another text or key is ignored and the document sketched again.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from ..schema import SKETCHES as SCHEMA

SKETCH_FILE = "sketches.parquet"  # stages/: the sketches a run made, for the store
_U4, _U8 = np.dtype("<u4"), np.dtype("<u8")


@dataclass
class SketchRows:
    """Sketches read back from rows, in row order."""

    doc_ids: list[str]
    content_hashes: list[str]
    signatures: np.ndarray  # (n, num_perm) uint32
    anchors: list[np.ndarray]  # uint64 per row
    lines: list[np.ndarray]  # uint64 per row


def sketch_key(cfg, version: str) -> str:
    """What a sketch depends on: the retold version and the sketch options.

    Parameters
    ----------
    cfg : Config
        The run's options (shingle_n, anchor_n, num_perm and seed are read).
    version : str
        The retold version (tokenising or hashing may change between versions).

    Returns
    -------
    str
        A readable key, equal for two runs whose sketches of one text are equal.
    """
    return (f"retold={version};shingle_n={cfg.shingle_n};anchor_n={cfg.anchor_n};"
            f"num_perm={cfg.num_perm};seed={cfg.seed}")


def text_digest(text: str) -> str:
    """The MD5 of a text's UTF-8 bytes in hex, as DuckDB's md5() gives it."""
    return hashlib.md5(text.encode("utf-8")).hexdigest()


def to_table(doc_ids: list[str], texts: list[str], content_hashes: list[str],
             signatures: np.ndarray, anchors: list[np.ndarray], lines: list[np.ndarray],
             key: str) -> pa.Table:
    """Sketch rows of some documents.

    Parameters
    ----------
    doc_ids, texts : list of str
        The documents' ids and the texts they were sketched from.
    content_hashes : list of str
        Content hash per document.
    signatures : numpy.ndarray
        (n, num_perm) MinHash signatures.
    anchors, lines : list of numpy.ndarray
        Anchor n-gram hashes and line hashes per document.
    key : str
        `sketch_key` of the run.

    Returns
    -------
    pyarrow.Table
        One row per document, in `SCHEMA`.
    """
    sig = np.ascontiguousarray(signatures, dtype=_U4)
    return pa.table({
        "doc_id": pa.array(doc_ids, pa.string()),
        "key": pa.array([key] * len(doc_ids), pa.string()),
        "text_md5": pa.array([text_digest(t) for t in texts], pa.string()),
        "content_hash": pa.array(content_hashes, pa.string()),
        "signature": pa.array([row.tobytes() for row in sig], pa.binary()),
        "anchors": pa.array([np.asarray(a, _U8).tobytes() for a in anchors], pa.binary()),
        "lines": pa.array([np.asarray(x, _U8).tobytes() for x in lines], pa.binary()),
    }, schema=SCHEMA)


def from_table(table: pa.Table, num_perm: int) -> SketchRows:
    """The sketches of `to_table` rows (any table with its doc_id, content_hash, signature,
    anchors and lines columns); the arrays are read-only views of the table's buffers.

    Parameters
    ----------
    table : pyarrow.Table
        Sketch rows.
    num_perm : int
        Permutations per signature.

    Returns
    -------
    SketchRows
    """
    sig = _ragged(table.column("signature"), _U4)
    signatures = (np.stack(sig) if sig else np.zeros((0, num_perm), np.uint32)).astype(np.uint32)
    return SketchRows(table.column("doc_id").to_pylist(), table.column("content_hash").to_pylist(),
                      signatures.reshape(-1, num_perm), _ragged(table.column("anchors"), _U8),
                      _ragged(table.column("lines"), _U8))


def _ragged(column: pa.ChunkedArray, dtype: np.dtype) -> list[np.ndarray]:
    """Each value of a binary column as a numpy array of `dtype`, without copying."""
    out: list[np.ndarray] = []
    for chunk in column.chunks:
        if len(chunk) == 0:
            continue
        chunk = chunk.cast(pa.large_binary()) if chunk.type != pa.large_binary() else chunk
        offsets = np.frombuffer(chunk.buffers()[1], np.int64)[chunk.offset:chunk.offset + len(chunk) + 1]
        data = chunk.buffers()[2]
        flat = np.frombuffer(data, np.uint8) if data is not None else np.zeros(0, np.uint8)
        out += [flat[a:b].view(dtype) for a, b in zip(offsets[:-1].tolist(), offsets[1:].tolist())]
    return out
