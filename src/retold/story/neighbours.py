"""Sub-quadratic story-neighbour search: the k most story-similar documents of each one.

Retrieval multiplies each document's strongest features (its top `query_terms` TF-IDF
weights, mostly names, numbers and rare words) against an inverted index that leaves out
features in more than `max_df` documents (they are topic, not event, and would make the
product quadratic). The best `candidates` per document are then rescored exactly: full
cosine times the publication-time factor times the specific-evidence factor.

Specific evidence: reports of one event share facts few documents carry (a victim's name,
a street block, an age with a name); reports of look-alike events (one neighbourhood's
shootings months apart) share only the place and the wording of the beat. A shared feature
counts min(1, `specific_df` / its document frequency) squared: 1 when it is in at most
`specific_df` documents, a quarter in twice as many (the names of a story of twenty reports),
next to nothing in a neighbourhood's forty (squared: a plain ratio let the many place and beat
words of look-alike reports add up to a fact).
A pair published more than `after_days` apart keeps its full similarity with `specific_count`
of that evidence and `floor` of it with none (GVA clean, README "Stories": of the story
edges published apart, 2 to 7% of same-incident pairs share no feature in 10 or fewer
documents, about half of the cross-incident ones). Same-day and undated pairs are not asked
for it, as the time factor treats an unknown date as the same day.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numba import njit


@dataclass(frozen=True)
class Specificity:
    """How a pair published apart must share specific features (module docstring); the
    values are the story_specific_* options (`story.specificity(cfg)`)."""
    max_df: int
    count: float
    floor: float
    after_days: float


@dataclass
class Neighbours:
    index: np.ndarray  # (n, k) neighbour document indices, -1 where fewer than k
    sim: np.ndarray  # (n, k) story similarity (cosine x time and evidence factors), 0 where index is -1


def time_factor(days_a: np.ndarray, days_b: np.ndarray, tau: float, floor: float) -> np.ndarray:
    """1 for the same day, decaying towards `floor` as publication dates part; 1 when
    either date is unknown (NaN), so undated corpora are scored on text alone."""
    d = np.abs(days_a - days_b)
    f = floor + (1.0 - floor) * np.exp(-d / tau)
    return np.where(np.isnan(d), 1.0, f)


SPECIFIC_MIN_WEIGHT = 0.05  # features weighing less (in over 4.5 x specific_df documents) are left out


def specific_features(x: sp.csr_matrix, df: np.ndarray, max_df: int) -> sp.csr_matrix:
    """Per document, the square root of each feature's specific weight min(1, max_df / df)^2,
    so the dot product of two rows sums the weights of the features they share."""
    weight = np.minimum(1.0, max_df / np.maximum(df, 1)) ** 2
    cols = np.flatnonzero(weight >= SPECIFIC_MIN_WEIGHT)
    sub = sp.csr_matrix(x[:, cols])
    return sp.csr_matrix((np.sqrt(weight[cols][sub.indices]), sub.indices, sub.indptr), shape=sub.shape)


def evidence_factor(rare: sp.csr_matrix | None, days: np.ndarray, rows: np.ndarray, cols: np.ndarray,
                    spec: Specificity | None) -> np.ndarray:
    """1 for pairs published within `spec.after_days` (or undated); else from `spec.floor`
    with no shared specific evidence up to 1 with `spec.count` (the summed weights of the
    features they share, `specific_features`)."""
    if rare is None or spec is None or len(rows) == 0:
        return np.ones(len(rows))
    apart = np.abs(days[rows] - days[cols]) > spec.after_days  # NaN compares False: undated
    out = np.ones(len(rows))
    if apart.any():
        r, c = rows[apart], cols[apart]
        shared = pair_cosine(rare, r, c)
        out[apart] = spec.floor + (1.0 - spec.floor) * np.minimum(1.0, shared / spec.count)
    return out


def top_terms(x: sp.csr_matrix, m: int) -> sp.csr_matrix:
    """Keep the m largest entries of each row."""
    x = x.tocsr(copy=True)
    for i in range(x.shape[0]):
        a, b = x.indptr[i], x.indptr[i + 1]
        if b - a > m:
            row = x.data[a:b]
            row[np.argpartition(row, b - a - m)[:b - a - m]] = 0.0
    x.eliminate_zeros()
    return x


def query_rows(x: sp.csr_matrix, m: int, keep_cols: np.ndarray) -> sp.csr_matrix:
    """`top_terms(x, m)[:, keep_cols]` (the kept columns renumbered in order, each row's
    entries in their order) without copying `x` twice: at a million documents each copy
    was 1 GB beside it. The m largest of a row are chosen by numpy's argpartition, as
    `top_terms` chooses them, so ties fall alike."""
    keep = np.ones(x.nnz, dtype=bool)
    lengths = np.diff(x.indptr)
    for i in np.flatnonzero(lengths > m).tolist():
        a, b = int(x.indptr[i]), int(x.indptr[i + 1])
        keep[a + np.argpartition(x.data[a:b], b - a - m)[:b - a - m]] = False
    column = np.full(x.shape[1], -1, dtype=np.int64)
    column[keep_cols] = np.arange(len(keep_cols))
    indptr, indices, data = _kept(x.indptr, x.indices, x.data, keep, column)
    return sp.csr_matrix((data, indices, indptr), shape=(x.shape[0], len(keep_cols)), copy=False)


@njit(cache=True)
def _kept(indptr, indices, data, keep, column):
    """The entries kept (`keep`, a nonzero value, a column mapped to >= 0), renumbered."""
    out_ptr = np.zeros(len(indptr), dtype=indptr.dtype)
    n = 0
    for t in range(len(data)):
        if keep[t] and data[t] != 0 and column[indices[t]] >= 0:
            n += 1
    out_idx = np.empty(n, dtype=indices.dtype)
    out_val = np.empty(n, dtype=data.dtype)
    k = 0
    for r in range(len(indptr) - 1):
        for t in range(indptr[r], indptr[r + 1]):
            if keep[t] and data[t] != 0 and column[indices[t]] >= 0:
                out_idx[k] = column[indices[t]]
                out_val[k] = data[t]
                k += 1
        out_ptr[r + 1] = k
    return out_ptr, out_idx, out_val


def feature_index(x: sp.csr_matrix, keep_cols: np.ndarray) -> sp.csr_matrix:
    """`x[:, keep_cols].T` as CSR (one row per kept feature: its documents in ascending order
    and their weights), made by one counting pass instead of a column selection and a
    conversion (two copies of the kept part beside `x`)."""
    column = np.full(x.shape[1], -1, dtype=np.int64)
    column[keep_cols] = np.arange(len(keep_cols))
    # the matrix's own index type: a document number fits it, and so does a count of entries
    indptr, docs, data = _by_feature(x.indptr, x.indices, x.data, column, len(keep_cols))
    return sp.csr_matrix((data, docs, indptr), shape=(len(keep_cols), x.shape[0]), copy=False)


@njit(cache=True)
def _by_feature(indptr, indices, data, column, n_features):
    count = np.zeros(n_features + 1, dtype=indptr.dtype)
    for t in range(len(indices)):
        c = column[indices[t]]
        if c >= 0:
            count[c + 1] += 1
    for f in range(n_features):
        count[f + 1] += count[f]
    at = count[:-1].copy()
    docs = np.empty(count[n_features], dtype=indices.dtype)
    vals = np.empty(count[n_features], dtype=data.dtype)
    for r in range(len(indptr) - 1):  # documents in order: each feature's row ascends
        for t in range(indptr[r], indptr[r + 1]):
            c = column[indices[t]]
            if c >= 0:
                docs[at[c]] = r
                vals[at[c]] = data[t]
                at[c] += 1
    return count, docs, vals


def pair_cosine(x: sp.csr_matrix, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Exact dot products x[rows[t]] . x[cols[t]]."""
    if len(rows) == 0:
        return np.zeros(0)
    if not x.has_sorted_indices:
        x.sort_indices()  # in place, once per matrix: the same matrix, its rows' entries in order
    return _row_dots(x.indptr, x.indices, x.data, np.asarray(rows, dtype=np.int64),
                     np.asarray(cols, dtype=np.int64), x.shape[1])


@njit(cache=True, nogil=True)
def _row_dots(indptr, indices, data, rows, cols, width):
    # the row of rows[t] spread over a dense vector while it repeats (a document's candidates
    # come together), so each product walks the other row alone; its products are added in
    # column order (a zero adds nothing), the order of a merge of the two rows
    out = np.zeros(len(rows))
    dense = np.zeros(width)
    held = -1
    for p in range(len(rows)):
        r = rows[p]
        if r != held:
            if held >= 0:
                for t in range(indptr[held], indptr[held + 1]):
                    dense[indices[t]] = 0.0
            for t in range(indptr[r], indptr[r + 1]):
                dense[indices[t]] = data[t]
            held = r
        c = cols[p]
        total = 0.0
        for t in range(indptr[c], indptr[c + 1]):
            total += data[t] * dense[indices[t]]
        out[p] = total
    return out


def direct_similarity(x: sp.csr_matrix, rows: np.ndarray, cols: np.ndarray,
                      dense: np.ndarray | None = None, dense_weight: float = 0.0) -> np.ndarray:
    """TF-IDF cosine of each pair, blended with the embedding cosine when there is one."""
    sim = pair_cosine(x, rows, cols)
    if dense is not None and dense_weight > 0 and len(rows):
        emb = np.einsum("ij,ij->i", dense[rows], dense[cols]).astype(np.float64)
        sim = (1 - dense_weight) * sim + dense_weight * np.clip(emb, 0.0, 1.0)
    return sim


def _top_per_row(rows: np.ndarray, cols: np.ndarray, vals: np.ndarray, n_rows: int, k: int):
    order = np.lexsort((-vals, rows))
    rows, cols, vals = rows[order], cols[order], vals[order]
    starts = np.searchsorted(rows, np.arange(n_rows))
    rank = np.arange(len(rows)) - starts[rows]
    keep = rank < k
    return rows[keep], cols[keep], vals[keep], rank[keep]


def _candidates(part: sp.spmatrix, r0: int, m: int, order: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """The m best-scoring columns of each row of a block product, leaving out the document
    itself and (with order) later arrivals; ties go to the lower column, and each row's come
    out best first."""
    part = sp.csr_matrix(part)
    rank = np.zeros(0, dtype=np.int64) if order is None else np.asarray(order, dtype=np.int64)
    return _best_columns(part.indptr.astype(np.int64), part.indices.astype(np.int64), part.data.astype(np.float64),
                         r0, m, rank, order is not None)


@njit(cache=True, nogil=True)
def _best_columns(indptr, indices, data, r0, m, rank, causal):
    # a heap of the m best per row (worst on top), not a sort: a sort of the whole block
    # cost 90% of the search at 100k documents; plain loops also compile in a second
    n_rows = len(indptr) - 1
    total = 0
    for r in range(n_rows):
        total += min(m, indptr[r + 1] - indptr[r])
    rows_out = np.empty(total, dtype=np.int64)
    cols_out = np.empty(total, dtype=np.int64)
    hv = np.empty(max(m, 1))
    hc = np.empty(max(m, 1), dtype=np.int64)
    out = 0
    for r in range(n_rows):
        me = r + r0
        h = 0
        for t in range(indptr[r], indptr[r + 1]):
            v, c = data[t], indices[t]
            if v <= 0 or c == me or (causal and rank[c] >= rank[me]):
                continue
            if h < m:
                hv[h], hc[h] = v, c
                _sift_up(hv, hc, h)
                h += 1
            elif _worse(hv[0], hc[0], v, c):
                hv[0], hc[0] = v, c
                _sift_down(hv, hc, h)
        # best first: higher value, then lower column (an insertion sort of at most m)
        for q in range(1, h):
            v, c = hv[q], hc[q]
            p = q - 1
            while p >= 0 and _worse(hv[p], hc[p], v, c):
                hv[p + 1], hc[p + 1] = hv[p], hc[p]
                p -= 1
            hv[p + 1], hc[p + 1] = v, c
        for q in range(h):
            rows_out[out] = r
            cols_out[out] = hc[q]
            out += 1
    return rows_out[:out], cols_out[:out]


@njit(cache=True, inline="always")
def _worse(v1, c1, v2, c2):
    """Does (v1, c1) rank below (v2, c2): a lower score, or the same score at a higher column?"""
    return v1 < v2 or (v1 == v2 and c1 > c2)


@njit(cache=True)
def _sift_up(hv, hc, k):
    while k > 0:
        p = (k - 1) // 2
        if not _worse(hv[k], hc[k], hv[p], hc[p]):
            break
        hv[k], hv[p] = hv[p], hv[k]
        hc[k], hc[p] = hc[p], hc[k]
        k = p


@njit(cache=True)
def _sift_down(hv, hc, h):
    k = 0
    while True:
        lo, left, right = k, 2 * k + 1, 2 * k + 2
        if left < h and _worse(hv[left], hc[left], hv[lo], hc[lo]):
            lo = left
        if right < h and _worse(hv[right], hc[right], hv[lo], hc[lo]):
            lo = right
        if lo == k:
            break
        hv[k], hv[lo] = hv[lo], hv[k]
        hc[k], hc[lo] = hc[lo], hc[k]
        k = lo


def story_neighbours(x: sp.csr_matrix, df: np.ndarray, days: np.ndarray, k: int, *, tau: float,
                     floor: float, query_terms: int = 40, max_df: int = 2000, candidates: int = 50,
                     order: np.ndarray | None = None, block: int = 1024,
                     dense: np.ndarray | None = None, dense_weight: float = 0.0,
                     specificity: Specificity | None = None, mapper=None) -> Neighbours:
    """k nearest story neighbours of every document.

    order: optional arrival rank per document; when given, a document's neighbours are
    only documents that arrived before it (the view of a stream).
    dense: optional unit-row embeddings; the rescoring then blends their cosine in with
    `dense_weight` (retrieval stays on the sparse index, so the search stays sub-quadratic).
    specificity: optional; pairs published apart must share specific features (module docstring).
    mapper: optional ordered map(function, items) to search the blocks of rows with, such as
    one over threads (the product, the candidates and the rescoring release the GIL); the
    result does not depend on it.
    """
    n = x.shape[0]
    keep_cols = np.flatnonzero(df <= max_df)
    q = query_rows(x, query_terms, keep_cols)
    idx_t = feature_index(x, keep_cols)  # features x docs, rare-enough features only
    rare = specific_features(x, df, specificity.max_df) if specificity is not None else None
    for m in (x, rare):  # sorted now: the blocks' dot products would sort them in place at once
        if m is not None and not m.has_sorted_indices:
            m.sort_indices()

    def search(r0: int) -> tuple:
        r1 = min(n, r0 + block)
        rows, cols = _candidates(q[r0:r1] @ idx_t, r0, candidates, order)
        exact = direct_similarity(x, rows + r0, cols, dense, dense_weight) * time_factor(
            days[rows + r0], days[cols], tau, floor) * evidence_factor(rare, days, rows + r0, cols, specificity)
        return r0, _top_per_row(rows, cols, exact, r1 - r0, k)

    out_i = np.full((n, k), -1, dtype=np.int64)
    out_s = np.zeros((n, k), dtype=np.float64)
    for r0, (rows, cols, exact, rank) in (mapper or map)(search, range(0, n, block)):
        out_i[rows + r0, rank] = cols
        out_s[rows + r0, rank] = exact
    return Neighbours(out_i, out_s)
