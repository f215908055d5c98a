"""Exact word n-gram Jaccard of candidate pairs, from the documents' token hashes (numba).

Near-duplicate mode keeps each document's token hashes, not its n-gram sets: the sets are
made here only for documents in a candidate pair (sorted, distinct; the same hashes as
`text.shingle.shingles`), and each pair's intersection is one merge of two sorted runs.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from ..text.shingle import _M1, _M2, _MUL

_S30, _S27, _S31 = np.uint64(30), np.uint64(27), np.uint64(31)


@njit(cache=True)
def _sets(tokens, offsets, n, docs):
    """Sorted distinct n-gram hashes of each of `docs`, flat, and where each starts."""
    total = 0
    for d in docs:
        length = offsets[d + 1] - offsets[d]
        total += length - min(n, length) + 1 if length else 0
    out = np.empty(total, dtype=np.uint64)
    starts = np.zeros(len(docs) + 1, dtype=np.int64)
    pos = 0
    for j, d in enumerate(docs):
        lo, hi = offsets[d], offsets[d + 1]
        first = pos
        if hi > lo:
            m = min(n, hi - lo)
            for s in range(lo, hi - m + 1):
                acc = np.uint64(0)
                for k in range(m):
                    acc = (acc * _MUL) ^ tokens[s + k]
                x = acc + np.uint64(m)
                x = x ^ (x >> _S30)
                x = x * _M1
                x = x ^ (x >> _S27)
                x = x * _M2
                out[pos] = x ^ (x >> _S31)
                pos += 1
            out[first:pos].sort()
            w = first + 1  # keep each value once
            for r in range(first + 1, pos):
                if out[r] != out[w - 1]:
                    out[w] = out[r]
                    w += 1
            pos = w
        starts[j + 1] = pos
    return out, starts


@njit(cache=True)
def _merge(flat, starts, slot_a, slot_b):
    sims = np.zeros(len(slot_a), dtype=np.float64)
    for p in range(len(slot_a)):
        i, i_end = starts[slot_a[p]], starts[slot_a[p] + 1]
        j, j_end = starts[slot_b[p]], starts[slot_b[p] + 1]
        na, nb = i_end - i, j_end - j
        if na == 0 or nb == 0:
            continue
        inter = 0
        while i < i_end and j < j_end:
            if flat[i] < flat[j]:
                i += 1
            elif flat[i] > flat[j]:
                j += 1
            else:
                inter += 1
                i += 1
                j += 1
        sims[p] = inter / (na + nb - inter)
    return sims


def pair_jaccards(tokens: np.ndarray, offsets: np.ndarray, n: int, pairs: np.ndarray) -> np.ndarray:
    """Jaccard of the word n-gram sets of each pair ((m, 2) document indices); document d's
    token hashes are tokens[offsets[d]:offsets[d + 1]]. A document shorter than n tokens has
    one n-gram of all its tokens (as `shingles`); an empty one has Jaccard 0 with anything."""
    if len(pairs) == 0:
        return np.zeros(0, dtype=np.float64)
    docs, slots = np.unique(np.asarray(pairs, dtype=np.int64).ravel(), return_inverse=True)
    flat, starts = _sets(tokens.astype(np.uint64, copy=False), offsets.astype(np.int64, copy=False), n, docs)
    slots = slots.reshape(-1, 2)
    return _merge(flat, starts, np.ascontiguousarray(slots[:, 0]), np.ascontiguousarray(slots[:, 1]))
