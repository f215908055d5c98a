"""Per-document arrays (n-gram sets, line hashes) held as one flat array and each document's
start and length.

The engine keeps a run's sketch this way: a million documents' n-gram sets are 190M hashes,
and a rule over all of them (formula, syndicated wording) reads them in place instead of
joining a million small arrays into a copy of 1.5 GB first.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np


class Ragged(Sequence):
    """A sequence of per-document arrays over one flat array: item i is a view of
    `flat[starts[i]:starts[i] + lengths[i]]`.

    Parameters
    ----------
    flat : numpy.ndarray
        Every document's values, one document after the other (or any layout `starts` names).
    lengths : numpy.ndarray
        How many values each document has.
    starts : numpy.ndarray, optional
        Where each document's values start in `flat`; default: one after the other from 0.
    """

    __slots__ = ("flat", "lengths", "starts")

    def __init__(self, flat: np.ndarray, lengths: np.ndarray, starts: np.ndarray | None = None):
        self.flat = flat
        self.lengths = np.asarray(lengths, dtype=np.int64)
        self.starts = (np.cumsum(self.lengths) - self.lengths) if starts is None \
            else np.asarray(starts, dtype=np.int64)
        if len(self.starts) != len(self.lengths):
            raise ValueError(f"{len(self.starts)} starts for {len(self.lengths)} lengths")

    @classmethod
    def of(cls, arrays: Sequence[np.ndarray], dtype=np.uint64) -> "Ragged":
        """The arrays copied into one flat array (a Ragged is returned as it is)."""
        if isinstance(arrays, Ragged):
            return arrays
        lengths = np.fromiter((len(a) for a in arrays), dtype=np.int64, count=len(arrays))
        flat = np.concatenate([np.asarray(a, dtype=dtype) for a in arrays]) if lengths.sum() \
            else np.zeros(0, dtype=dtype)
        return cls(flat, lengths)

    def __len__(self) -> int:
        return len(self.lengths)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return Ragged(self.flat, self.lengths[i], self.starts[i])
        s = int(self.starts[i])
        return self.flat[s:s + int(self.lengths[i])]

    def __iter__(self):
        flat = self.flat
        for s, n in zip(self.starts.tolist(), self.lengths.tolist()):
            yield flat[s:s + n]

    def rows(self, index) -> "Ragged":
        """The documents `index` (positions), in that order, over the same flat array."""
        index = np.asarray(index, dtype=np.int64)
        return Ragged(self.flat, self.lengths[index], self.starts[index])

    def packed(self) -> bool:
        """Whether `flat` is exactly the documents' values one after the other."""
        n = len(self.lengths)
        return int(self.lengths.sum()) == len(self.flat) and (
            n == 0 or (int(self.starts[0]) == 0 and bool(np.all(self.starts[1:] == np.cumsum(self.lengths)[:-1]))))

    def __reduce__(self):  # a selection pickles its own values, not the whole flat array
        if self.packed():
            return Ragged, (self.flat, self.lengths)
        whole = Ragged.of(list(self), self.flat.dtype)
        return Ragged, (whole.flat, whole.lengths)


def select(arrays: Sequence[np.ndarray], index) -> Sequence[np.ndarray]:
    """The arrays at `index`: a Ragged's rows (no copy), else a list."""
    if isinstance(arrays, Ragged):
        return arrays.rows(index)
    return [arrays[i] for i in np.asarray(index).tolist()]
