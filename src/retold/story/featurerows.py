"""Event features of many documents in flat arrays.

A `Counter` per document (what `features.event_features` returns) weighs about 15 KB at news
length: its dict and a copy of every key string it came back from a worker with. A story
model over 100,000 documents held about 1.5 GB of them per pass. Here each document's features
are ids into one vocabulary shared by the rows of a run, and their weights: about 1 KB.
Rows keep each document's features in the order they were found, which the story vocabulary
follows (`vectors.vectorize` numbers features by first use).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np


class FeatureVocab:
    """Feature string <-> id, ids in order of first use; shared by the rows of one run so a
    row moves from one table to another as its ids."""

    __slots__ = ("keys", "_index")

    def __init__(self, keys: list[str] | None = None) -> None:
        self.keys: list[str] = keys if keys is not None else []
        self._index: dict[str, int] | None = None if keys else {}

    def __len__(self) -> int:
        return len(self.keys)

    def __reduce__(self):
        # the keys only: a worker's rows come back to be renumbered, which reads no index
        return FeatureVocab, (self.keys,)

    def ids(self, keys: Iterable[str]) -> list[int]:
        """The id of each key, new keys numbered as they come."""
        if self._index is None:
            self._index = {k: i for i, k in enumerate(self.keys)}
        index, out = self._index, []
        for k in keys:
            i = index.get(k)
            if i is None:
                i = index[k] = len(self.keys)
                self.keys.append(k)
            out.append(i)
        return out


@dataclass(frozen=True)
class FeatureRef:
    """Row `row` of `rows`: a document's known features, given without copying them."""

    rows: "FeatureRows"
    row: int

    def as_dict(self) -> dict[str, float]:
        return self.rows[self.row]


class FeatureRows:
    """Per document, its event features: `ids[indptr[i]:indptr[i + 1]]` (into `vocab`) and
    their `weights`.

    Parameters
    ----------
    vocab : FeatureVocab
    indptr : numpy.ndarray
        int64, one more than there are documents.
    ids : numpy.ndarray
        int32 feature ids (a vocabulary of 2**31 strings would not fit in memory), each
        document's in the order its features were found.
    weights : numpy.ndarray
        One per id: kept as float32 when that holds every value exactly (counts and the name
        weight's multiples: 0.35 GB less per pass at a million documents), else float64;
        read as float64, the values are the same.
    """

    def __init__(self, vocab: FeatureVocab, indptr: np.ndarray, ids: np.ndarray, weights: np.ndarray):
        self.vocab, self.indptr, self.ids, self.weights = vocab, indptr, ids, _exact_float32(weights)

    def __len__(self) -> int:
        return len(self.indptr) - 1

    def __getitem__(self, i: int) -> dict[str, float]:
        """Document i's features as feature -> weight, in their order."""
        lo, hi = int(self.indptr[i]), int(self.indptr[i + 1])
        keys = self.vocab.keys
        return {keys[k]: w for k, w in zip(self.ids[lo:hi].tolist(), self.weights[lo:hi].tolist())}

    def ref(self, i: int) -> FeatureRef:
        return FeatureRef(self, i)

    @classmethod
    def concat(cls, parts: Iterable["FeatureRows"], vocab: FeatureVocab | None = None) -> "FeatureRows":
        """The rows of `parts` one after the other, numbered in `vocab` (default a new one):
        a part of another vocabulary (a worker's chunk) is renumbered as a whole, one lookup
        per distinct feature of the part, not one per feature of each document."""
        vocab = vocab if vocab is not None else FeatureVocab()
        lengths, id_parts, weight_parts = [], [], []
        for part in parts:
            ids = part.ids
            if part.vocab is not vocab and len(ids):
                ids = np.array(vocab.ids(part.vocab.keys), dtype=np.int32)[ids]
            lengths.append(np.diff(part.indptr))
            id_parts.append(ids)
            weight_parts.append(part.weights)
        return cls._joined(vocab, np.concatenate(lengths) if lengths else [], id_parts, weight_parts)

    @classmethod
    def build(cls, entries: Iterable[Mapping[str, float] | FeatureRef], vocab: FeatureVocab | None = None
              ) -> "FeatureRows":
        """Rows from per-document features: mappings (a Counter, a stored row) or references
        to rows of other tables (copied as ids when they share `vocab`).

        Parameters
        ----------
        entries : iterable
            Per document, a mapping feature -> weight or a `FeatureRef`; consumed one by
            one, so a generator of Counters never holds more than one.
        vocab : FeatureVocab, optional
            The vocabulary to number features in (default a new one).
        """
        vocab = vocab if vocab is not None else FeatureVocab()
        lengths: list[int] = []
        id_parts: list[np.ndarray] = []
        weight_parts: list[np.ndarray] = []
        ids: list[int] = []
        weights: list[float] = []

        def flush() -> None:
            if ids:
                id_parts.append(np.array(ids, dtype=np.int32))
                weight_parts.append(np.array(weights, dtype=np.float64))
                ids.clear()
                weights.clear()

        for e in entries:
            if isinstance(e, FeatureRef):
                src = e.rows
                lo, hi = int(src.indptr[e.row]), int(src.indptr[e.row + 1])
                if src.vocab is vocab:
                    flush()
                    id_parts.append(src.ids[lo:hi])
                    weight_parts.append(src.weights[lo:hi])
                else:
                    ids.extend(vocab.ids(src.vocab.keys[k] for k in src.ids[lo:hi].tolist()))
                    weights.extend(src.weights[lo:hi].tolist())
                lengths.append(hi - lo)
            else:
                ids.extend(vocab.ids(e.keys()))
                weights.extend(e.values())
                lengths.append(len(e))
                if len(ids) > 1 << 16:
                    flush()
        flush()
        return cls._joined(vocab, lengths, id_parts, weight_parts)

    @classmethod
    def _joined(cls, vocab: FeatureVocab, lengths, id_parts: list[np.ndarray],
                weight_parts: list[np.ndarray]) -> "FeatureRows":
        """Rows of the given lengths over the parts' ids and weights, one after the other. The
        parts are copied into the joined arrays one at a time and dropped from the lists as
        they go, so the features are held about once, not twice (1.4 GB at 1M documents)."""
        indptr = np.zeros(len(lengths) + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        total = int(indptr[-1])
        ids = np.empty(total, dtype=np.int32)  # pages are taken as they are written
        weights = np.empty(total, dtype=np.result_type(np.float32, *weight_parts) if weight_parts else np.float64)
        for out, parts in ((ids, id_parts), (weights, weight_parts)):
            at = 0
            parts.reverse()  # popped from the end: the first part first
            while parts:
                part = parts.pop()
                out[at:at + len(part)] = part
                at += len(part)
            if at != total:
                raise ValueError(f"feature rows: {at} values for rows of {total} features")
        return cls(vocab, indptr, ids, weights)


def _exact_float32(weights: np.ndarray) -> np.ndarray:
    """`weights` as float32 when no value changes, else as they are."""
    if weights.dtype != np.float64 or len(weights) == 0:
        return weights
    narrow = weights.astype(np.float32)
    return narrow if np.array_equal(narrow, weights) else weights
