"""TF-IDF vectors of event features over a corpus: sublinear counts times inverse
document frequency, L2-normalised, so a dot product is a cosine."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numba import njit

from .featurerows import FeatureRows


@dataclass
class StoryVectors:
    matrix: sp.csr_matrix  # (n_docs, n_features), rows of unit length (or zero)
    df: np.ndarray  # documents per feature


def vectorize(rows: FeatureRows, order: np.ndarray | None = None) -> StoryVectors:
    """TF-IDF rows of `rows` taken in `order` (default as they are). Features are numbered by
    first use in that order, each document's in the order found: the column order, and so
    the order sparse products add in, is a function of the documents and their order only.

    Parameters
    ----------
    rows : FeatureRows
    order : numpy.ndarray, optional
        Row of `rows` for each row of the matrix.

    Returns
    -------
    StoryVectors
    """
    order = np.arange(len(rows)) if order is None else np.asarray(order, dtype=np.int64)
    n = len(order)
    # compiled passes that write the matrix's own arrays: scipy's build (a gather index,
    # sum_duplicates, a squared copy for the norms, a diagonal product) peaked at three times
    # the matrix, 2.65 GB over it at a million documents; the values are the same bits
    lengths = np.diff(rows.indptr)[order]
    nnz = int(lengths.sum())
    index_type = np.int32 if max(nnz, len(rows.vocab)) < 2**31 else np.int64
    indptr = np.zeros(n + 1, dtype=index_type)
    column, value = np.empty(nnz, dtype=index_type), np.empty(nnz, dtype=np.float64)
    n_cols = _rows_by_column(order, rows.indptr, rows.ids, rows.weights, len(rows.vocab), indptr, column, value)
    column, value = column[:indptr[-1]], value[:indptr[-1]]  # equal columns summed: views, not copies
    df = _column_counts(column, n_cols)  # np.bincount made an int64 copy of the columns: 0.8 GB at 1M
    idf = np.log((n + 1) / (df + 1)) + 1  # smoothed; a feature in every document still counts a little
    np.log(value, out=value)  # numpy's log, as the values always had
    _tfidf(column, value, idf)
    _scale_rows(indptr, column, value, 1 / _row_norms(indptr, value))
    x = sp.csr_matrix((value[:indptr[-1]], column[:indptr[-1]], indptr), shape=(n, n_cols), copy=False)
    return StoryVectors(x, df)


@njit(cache=True)
def _rows_by_column(order, src_indptr, ids, weights, n_vocab, indptr, column, value):
    """The rows `order` of (ids, weights) as CSR arrays, written into indptr, column and
    value: columns numbered by first use (in row order, each row's in the order found), each
    row's entries by ascending column, equal columns summed. Returns the number of columns."""
    col_of = np.full(n_vocab, -1, dtype=np.int64)
    n_cols = 0
    out = 0
    for r in range(len(order)):
        a, b = src_indptr[order[r]], src_indptr[order[r] + 1]
        keys = np.empty(b - a, dtype=np.int64)
        for t in range(a, b):
            c = col_of[ids[t]]
            if c < 0:
                c = n_cols
                col_of[ids[t]] = c
                n_cols += 1
            keys[t - a] = (c << 32) | (t - a)  # by column, then as found
        keys.sort()
        start = out
        for k in range(len(keys)):
            c = keys[k] >> 32
            w = weights[a + (keys[k] & 0xFFFFFFFF)]
            if out > start and column[out - 1] == c:
                value[out - 1] += w
            else:
                column[out] = c
                value[out] = w
                out += 1
        indptr[r + 1] = out
    return n_cols


@njit(cache=True)
def _column_counts(column, n_cols):
    """Entries per column (np.bincount's counts, without its copy of `column` as int64)."""
    out = np.zeros(n_cols, dtype=np.int64)
    for c in column:
        out[c] += 1
    return out


@njit(cache=True)
def _tfidf(column, value, idf):
    """(1 + log count) x idf, in place (`value` holds log count)."""
    for k in range(len(value)):
        value[k] = (1 + value[k]) * idf[column[k]]


NORM_ROWS = 65_536  # rows whose squares are held at a time for their norms


def _row_norms(indptr: np.ndarray, value: np.ndarray) -> np.ndarray:
    """Each row's L2 norm, 1 for an empty row, summed by numpy's add.reduceat as scipy's row
    sums are (a sum in another order differs in the last bit), a block of rows at a time."""
    n = len(indptr) - 1
    sums = np.zeros(n, dtype=np.float64)
    for lo in range(0, n, NORM_ROWS):
        hi = min(lo + NORM_ROWS, n)
        a, b = int(indptr[lo]), int(indptr[hi])
        if a == b:
            continue
        starts = indptr[lo:hi].astype(np.int64) - a
        full = np.flatnonzero(np.diff(indptr[lo:hi + 1]) > 0)  # reduceat gives an empty row a value
        sq = value[a:b] * value[a:b]
        sums[lo + full] = np.add.reduceat(sq, starts[full])
    norms = np.sqrt(sums)
    norms[norms == 0] = 1.0
    return norms


@njit(cache=True)
def _scale_rows(indptr, column, value, scale):
    """Each row times its scale, in place, its entries by descending column and zeros
    dropped: what scipy's product with a diagonal matrix gave."""
    out = 0
    for r in range(len(indptr) - 1):
        a, b = indptr[r], indptr[r + 1]
        for i in range((b - a) // 2):
            column[a + i], column[b - 1 - i] = column[b - 1 - i], column[a + i]
            value[a + i], value[b - 1 - i] = value[b - 1 - i], value[a + i]
        indptr[r] = out
        for k in range(a, b):  # out <= k: compacting forward overwrites only what was read
            v = scale[r] * value[k]
            if v != 0:
                column[out] = column[k]
                value[out] = v
                out += 1
    indptr[len(indptr) - 1] = out
