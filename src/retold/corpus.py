"""The run's documents as Arrow columns (`Corpus`), not as one Python object per document.

Why: the local engine forks workers that read the parent's documents. A Python string or
object read by a worker has its reference count written, which copies the memory page it sits
on into the worker; at a million documents each worker ended up with its own copy of most of
the texts (story stage: parent 3.9 GiB, workers 8.2 GiB). An Arrow buffer has no per-value
header: workers read the texts in place and decode only the one they work on. The parent holds
one UTF-8 byte per ASCII character instead of a string object per document (and a second,
UTF-8, copy of every non-ASCII text once Arrow has read it).

A `Corpus` is a `Sequence[Document]` (a document is built when asked for), so code written for
a list of documents reads it unchanged; stages that read one field of every document use the
columns (`corpus.texts`, `corpus.column("date")`), which decode on access and never hold the
whole corpus as Python strings.
"""
from __future__ import annotations

import os
from array import array
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import numpy as np
import pyarrow as pa

from .model import Document
from .schema import DOCUMENTS as DOCUMENTS_SCHEMA

FIELDS = ("doc_id", "text", "title", "date", "source", "url", "origin")  # a Document's, as stored
BUILD_ROWS = 65_536  # documents per Arrow chunk while a corpus is built from a stream


class _Strings:
    """One string column: its UTF-8 bytes and int64 offsets (memoryviews of one Arrow array's
    buffers, which nobody writes to), and which rows are null."""

    __slots__ = ("array", "data", "offsets", "valid")

    def __init__(self, column: pa.Array | pa.ChunkedArray):
        arr = column.cast(pa.large_string())
        if isinstance(arr, pa.ChunkedArray):
            arr = arr.combine_chunks() if arr.num_chunks != 1 else arr.chunk(0)
        self.array = arr  # keeps the buffers alive
        _, offs, data = arr.buffers()
        # memoryviews, not numpy arrays: indexing one gives a Python int at a third of the cost
        if offs is None:
            self.offsets = memoryview(bytes(8 * (len(arr) + 1))).cast("q")
        else:
            self.offsets = memoryview(offs).cast("B")[arr.offset * 8:(arr.offset + len(arr) + 1) * 8].cast("q")
        self.data = memoryview(data) if data is not None else memoryview(b"")
        self.valid = (memoryview(arr.is_valid().to_numpy(zero_copy_only=False).astype(np.uint8))
                      if arr.null_count else None)

    def get(self, i: int) -> str | None:
        if self.valid is not None and not self.valid[i]:
            return None
        offsets = self.offsets
        return str(self.data[offsets[i]:offsets[i + 1]], "utf-8")

    def __len__(self) -> int:
        return len(self.array)

    def take(self, rows: np.ndarray | None) -> list[str | None]:
        """Python strings of `rows` (all when None), decoded by Arrow in one call."""
        return (self.array if rows is None else self.array.take(pa.array(rows, pa.int64()))).to_pylist()


class Column(Sequence):
    """One field of every document of a corpus (or a view of it), decoded on access."""

    def __init__(self, corpus: "Corpus", name: str):
        self._corpus, self._name = corpus, name

    def __len__(self) -> int:
        return len(self._corpus)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        return self._corpus.value(self._name, i)

    def __iter__(self) -> Iterator:
        c = self._corpus
        for i in range(len(c)):
            yield c.value(self._name, i)

    def tolist(self) -> list:
        """Every value as a list (one Arrow call where the column has no changes)."""
        return self._corpus._tolist(self._name)

    def __reduce__(self):  # a column sent to another process goes as its values
        return (list, (self.tolist(),))


class Corpus(Sequence):
    """Documents held as Arrow columns; `corpus[i]` is a `Document` built on demand.

    Parameters
    ----------
    table : pyarrow.Table
        Rows in the documents schema (`schema.DOCUMENTS`; documents.parquet reads as one).

    Notes
    -----
    `corpus[a:b]` and `corpus.take(rows)` are views that share the columns. `with_values`
    makes a view in which some documents read other values of one field (the story stage's
    titles without site names, its article texts), without copying the columns. A corpus
    sent to another process (pickled) goes as a list of documents.
    """

    def __init__(self, table: pa.Table, *, _cols: dict | None = None, _rows: np.ndarray | None = None,
                 _over: dict | None = None):
        if _cols is None:
            missing = [f for f in FIELDS if f not in table.column_names]
            if missing:
                raise ValueError(f"Corpus: the table lacks the column(s) {', '.join(missing)} "
                                 f"(documents schema: {', '.join(DOCUMENTS_SCHEMA.names)})")
            _cols = {f: _Strings(table.column(f)) for f in FIELDS}
        self._cols = _cols
        self._rows = _rows  # view index -> column row; None: the identity
        self._over = _over or {}  # field -> {column row: value}
        self._n = len(_rows) if _rows is not None else len(_cols["text"])

    # -- building ---------------------------------------------------------------------------
    @classmethod
    def from_documents(cls, docs: Iterable[Document]) -> "Corpus":
        """A corpus of `docs` (a `Corpus` is returned as it is)."""
        if isinstance(docs, Corpus):
            return docs
        b = CorpusBuilder()
        for d in docs:
            b.add(d)
        return b.finish()

    # -- the Sequence ---------------------------------------------------------------------
    def __len__(self) -> int:
        return self._n

    def _row(self, i) -> int:
        if not 0 <= i < self._n:
            i = int(i) + self._n if i < 0 else i
            if not 0 <= i < self._n:
                raise IndexError(f"document {i} of {self._n}")
        return i if self._rows is None else int(self._rows[i])

    def __getitem__(self, i) -> Document | "Corpus":
        if isinstance(i, slice):
            return self.take(np.arange(*i.indices(self._n), dtype=np.int64))
        r = self._row(i)
        return Document(*(self._get(f, r) for f in FIELDS[:6]), origin=self._get("origin", r))

    def __iter__(self) -> Iterator[Document]:
        for i in range(self._n):
            yield self[i]

    def __reduce__(self):
        return (list, (list(self),))

    # -- fields -----------------------------------------------------------------------------
    def _get(self, name: str, r: int):
        if self._over:
            over = self._over.get(name)
            if over is not None and r in over:
                return over[r]
        return self._cols[name].get(r)

    def value(self, name: str, i: int):
        """Field `name` of document `i` (no `Document` built)."""
        return self._get(name, self._row(i))

    def text(self, i: int) -> str:
        return self.value("text", i)

    def column(self, name: str) -> Column:
        """Field `name` of every document, decoded on access (`.tolist()` for a list)."""
        if name not in FIELDS:
            raise KeyError(f"no document field {name!r}; fields: {', '.join(FIELDS)}")
        return Column(self, name)

    @property
    def texts(self) -> Column:
        return self.column("text")

    def _tolist(self, name: str) -> list:
        out = self._cols[name].take(self._rows)
        over = self._over.get(name)
        if over:
            rows = range(self._n) if self._rows is None else self._rows.tolist()
            for k, r in enumerate(rows):
                if r in over:
                    out[k] = over[r]
        return out

    # -- views --------------------------------------------------------------------------------
    def take(self, rows) -> "Corpus":
        """A view of the documents `rows` (positions in this corpus), sharing its columns."""
        rows = np.asarray(rows, dtype=np.int64)
        if len(rows) and (rows.min() < -self._n or rows.max() >= self._n):
            raise IndexError(f"documents {int(rows.min())}..{int(rows.max())} of {self._n}")
        rows = np.where(rows < 0, rows + self._n, rows)
        return Corpus(None, _cols=self._cols, _rows=rows if self._rows is None else self._rows[rows],
                      _over=self._over)

    def with_values(self, name: str, values: dict[int, Any]) -> "Corpus":
        """This corpus with field `name` of document i read as values[i] (positions in this
        corpus); the other documents and fields as they are."""
        if name not in FIELDS:
            raise KeyError(f"no document field {name!r}; fields: {', '.join(FIELDS)}")
        over = dict(self._over)
        merged = dict(over.get(name, {}))
        merged.update({self._row(i): v for i, v in values.items()})
        over[name] = merged
        return Corpus(None, _cols=self._cols, _rows=self._rows, _over=over)

    @classmethod
    def read_parquet(cls, path, texts_to=None) -> "Corpus":
        """The corpus of a documents.parquet file. With `texts_to`, the texts are unpacked to
        that file a row group at a time and read from there (`texts_on_disk`), so they are
        never all in memory."""
        import pyarrow.parquet as pq
        pf = pq.ParquetFile(path)
        if texts_to is None:
            return cls(pf.read())
        table = pf.read(columns=[f for f in FIELDS if f != "text"])
        parts = [np.zeros(1, dtype=np.int64)]  # each text's end, from 0
        tmp = f"{texts_to}.tmp"
        with open(tmp, "wb") as f:
            for group in range(pf.num_row_groups):
                col = pf.read_row_group(group, columns=["text"]).column(0).cast(pa.large_string())
                for chunk in col.chunks:
                    if chunk.null_count:  # not a documents table this code wrote: read it whole
                        f.close()
                        os.remove(tmp)
                        return cls(pf.read())
                    offsets = np.frombuffer(chunk.buffers()[1], dtype=np.int64)[chunk.offset:chunk.offset + len(chunk) + 1]
                    if len(chunk):
                        f.write(memoryview(chunk.buffers()[2])[int(offsets[0]):int(offsets[-1])])
                        parts.append(offsets[1:] - offsets[0] + parts[-1][-1])
        os.replace(tmp, texts_to)
        text = _mapped_texts(texts_to, np.concatenate(parts))
        return cls(table.append_column("text", text).select(list(FIELDS)))

    def texts_on_disk(self, path) -> "Corpus":
        """This corpus with its texts written to file `path` and read from there through a
        read-only memory map (`io.mapped`): between the steps that read them they hold no
        memory of the run's. A view, or a corpus with a missing text, is returned as it is."""
        col = self._cols["text"]
        if self._rows is not None or self._over or col.valid is not None:
            return self
        offsets = np.frombuffer(col.offsets, dtype=np.int64)
        first = int(offsets[0]) if len(col) else 0
        tmp = f"{path}.tmp"
        with open(tmp, "wb") as f:  # the UTF-8 bytes; the offsets (8 bytes a text) stay here
            f.write(col.data[first:int(offsets[-1]) if len(col) else 0])
        os.replace(tmp, path)
        cols = dict(self._cols)
        cols["text"] = _Strings(_mapped_texts(path, offsets - first))
        return Corpus(None, _cols=cols)

    def total_chars(self) -> int:
        """Characters (code points) of every text."""
        import pyarrow.compute as pc
        if self._rows is None and not self._over:
            return int(pc.sum(pc_chars(self._cols["text"].array)).as_py() or 0)
        return sum(len(t) for t in self.texts)

    def table(self, chunk_rows: int = 100_000) -> pa.Table:
        """The documents as a table in the documents schema (what documents.parquet holds),
        in chunks of `chunk_rows` (a string chunk holds at most 2 GB)."""
        return pa.concat_tables(list(self.tables(chunk_rows)))

    def tables(self, chunk_rows: int = 100_000) -> Iterator[pa.Table]:
        """`table()` as tables of `chunk_rows` documents, made one at a time."""
        if self._rows is None and not self._over:
            cols = {f: self._cols[f].array for f in FIELDS}
        else:
            cols = {f: pa.array(self._tolist(f), pa.large_string()) for f in FIELDS}
        names = DOCUMENTS_SCHEMA.names
        for lo in range(0, max(1, self._n), chunk_rows):
            part = {f: a.slice(lo, chunk_rows) for f, a in cols.items()}
            part["chars"] = pc_chars(part["text"])
            yield pa.Table.from_arrays([part[f] for f in names], names=names).cast(DOCUMENTS_SCHEMA)


def values(docs: Sequence[Document], name: str) -> list:
    """Field `name` of every document of a list or a `Corpus`, as a list."""
    if isinstance(docs, Corpus):
        return docs.column(name).tolist()
    return [getattr(d, name) for d in docs]


def lazy_values(docs: Sequence[Document], name: str) -> Sequence:
    """Field `name` of every document of a list (a list) or a `Corpus` (its `Column`, decoded
    when read): for a step that reads each value once or not at all. The story stage's titles,
    dates and ids as lists held about 0.3 GB at a million documents while its models were built."""
    return docs.column(name) if isinstance(docs, Corpus) else values(docs, name)


def shared_values(docs: Sequence[Document], name: str) -> list:
    """`values`, with equal values one object: for a field with few distinct values (the
    source), whose million rows would otherwise be a million strings."""
    one: dict = {}
    return [v if v is None else one.setdefault(v, v) for v in values(docs, name)]


def value(docs: Sequence[Document], name: str, i: int):
    """Field `name` of document `i` of a list or a `Corpus` (a corpus builds no Document)."""
    return docs.value(name, i) if isinstance(docs, Corpus) else getattr(docs[i], name)


def subset(docs: Sequence[Document], rows) -> Sequence[Document]:
    """The documents `rows` of a list (a list) or a `Corpus` (a view)."""
    if isinstance(docs, Corpus):
        return docs.take(rows)
    return [docs[i] for i in np.asarray(rows, dtype=np.int64).tolist()]


def pc_chars(texts: pa.Array) -> pa.Array:
    """The length in code points (the unit of every offset) of each text."""
    import pyarrow.compute as pc
    return pc.utf8_length(texts).cast(pa.int64())


class CorpusBuilder:
    """A `Corpus` from documents added one by one. The texts go straight into one UTF-8 buffer
    and the other fields become Arrow arrays every BUILD_ROWS documents, so the corpus is never
    held as Python objects (and never twice).

    Parameters
    ----------
    texts_to : path, optional
        A file the texts' bytes are written to as they come (instead of a buffer in memory);
        the corpus reads them from there through a read-only map (`Corpus.texts_on_disk`).
    """

    def __init__(self, texts_to=None):
        self._path = texts_to
        self._file = open(f"{texts_to}.tmp", "wb") if texts_to is not None else None
        self._text = bytearray()
        self._ends = array("q", [0])
        self._chunks: list[pa.RecordBatch] = []
        self._pending: list[Document] = []
        self.count = 0

    def add(self, doc: Document) -> None:
        if not isinstance(doc.text, str):
            raise TypeError(f"document {doc.doc_id!r}: text is {type(doc.text).__name__}, not str")
        data = doc.text.encode("utf-8")
        if self._file is not None:
            self._file.write(data)
        else:
            self._text += data
        self._ends.append(self._ends[-1] + len(data))
        self._pending.append(doc)
        self.count += 1
        if len(self._pending) >= BUILD_ROWS:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            docs, self._pending = self._pending, []
            self._chunks.append(pa.RecordBatch.from_arrays(
                [pa.array([getattr(d, f) for d in docs], pa.large_string()) for f in FIELDS if f != "text"],
                names=[f for f in FIELDS if f != "text"]))

    def finish(self) -> Corpus:
        self._flush()
        schema = pa.schema([(f, pa.large_string()) for f in FIELDS if f != "text"])
        table = pa.Table.from_batches(self._chunks, schema=schema)
        if self._file is not None:
            self._file.close()
            self._file = None
            os.replace(f"{self._path}.tmp", self._path)
            text = _mapped_texts(self._path, self._ends)
        else:
            text = pa.LargeStringArray.from_buffers(self.count, pa.py_buffer(self._ends), pa.py_buffer(self._text))
        self._chunks, self._text, self._ends = [], bytearray(), array("q", [0])
        table = table.append_column("text", text)
        return Corpus(table.select(list(FIELDS)))


def _mapped_texts(path, offsets) -> pa.LargeStringArray:
    """The texts whose UTF-8 bytes file `path` holds, split at `offsets` (from 0), read
    through a read-only map of the file."""
    from .io import mapped
    m = mapped.map_file(path)
    offsets = np.array(offsets, dtype=np.int64)  # owned here: the builder's array is reused
    return pa.LargeStringArray.from_buffers(len(offsets) - 1, pa.py_buffer(offsets), pa.py_buffer(m))
