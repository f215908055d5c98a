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
    lengths = np.diff(rows.indptr)[order]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(lengths, out=indptr[1:])
    take = np.repeat(rows.indptr[:-1][order] - indptr[:-1], lengths) + np.arange(indptr[-1])
    column, n_cols = _first_use(rows.ids[take], len(rows.vocab))
    x = sp.csr_matrix((rows.weights[take], column, indptr), shape=(n, n_cols))
    del take, column
    x.sum_duplicates()
    df = np.bincount(x.indices, minlength=n_cols)
    idf = np.log((n + 1) / (df + 1)) + 1  # smoothed; a feature in every document still counts a little
    x.data = (1 + np.log(x.data)) * idf[x.indices]
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    x = sp.csr_matrix(sp.diags(1 / norms) @ x)
    return StoryVectors(x, df)


@njit(cache=True)
def _first_use(ids: np.ndarray, n_vocab: int) -> tuple[np.ndarray, int]:
    """Each id's column, columns numbered in order of first use (one pass: with np.unique's
    sort and inverse, and int64 ids, vectorize peaked 0.24 GB higher at 101k documents)."""
    col = np.full(n_vocab, -1, dtype=np.int32)
    out = np.empty(len(ids), dtype=np.int32)
    k = 0
    for t in range(len(ids)):
        c = col[ids[t]]
        if c < 0:
            c = k
            col[ids[t]] = k
            k += 1
        out[t] = c
    return out, k
