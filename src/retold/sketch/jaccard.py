"""Exact word n-gram Jaccard of candidate pairs (numba).

Each document's n-gram set is made from its token hashes as one sorted run of distinct
hashes (the same hashes as `text.shingle.shingles`), in the sketch stage's workers; a
pair's intersection is then one merge of two sorted runs.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from ..text.shingle import shingle_at


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
                out[pos] = shingle_at(tokens, s, m)
                pos += 1
            out[first:pos].sort()
            w = first + 1  # keep each value once
            for r in range(first + 1, pos):
                if out[r] != out[w - 1]:
                    out[w] = out[r]
                    w += 1
            pos = w
        starts[j + 1] = pos
    return out[:pos].copy(), starts  # repeated n-grams left room at the end


@njit(cache=True)
def _merge(flat, begins, ends, slot_a, slot_b):
    sims = np.zeros(len(slot_a), dtype=np.float64)
    for p in range(len(slot_a)):
        i, i_end = begins[slot_a[p]], ends[slot_a[p]]
        j, j_end = begins[slot_b[p]], ends[slot_b[p]]
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


def ngram_sets(tokens: np.ndarray, offsets: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Every document's distinct word n-gram hashes, sorted, flat, and where each starts:
    document d's are flat[starts[d]:starts[d + 1]]. Document d's token hashes are
    tokens[offsets[d]:offsets[d + 1]]; one shorter than n tokens has one n-gram of them all."""
    docs = np.arange(len(offsets) - 1, dtype=np.int64)
    return _sets(tokens.astype(np.uint64, copy=False), offsets.astype(np.int64, copy=False), n, docs)


def pair_jaccards(flat: np.ndarray, starts: np.ndarray, pairs: np.ndarray,
                  ends: np.ndarray | None = None) -> np.ndarray:
    """Jaccard of each pair ((m, 2) document indices) of the sets `ngram_sets` made; an
    empty set has Jaccard 0 with anything. Document d's set is flat[starts[d]:starts[d + 1]],
    or flat[starts[d]:ends[d]] when `ends` is given (sets laid out in any order, with gaps)."""
    if len(pairs) == 0:
        return np.zeros(0, dtype=np.float64)
    pairs = np.asarray(pairs, dtype=np.int64)
    begins, ends = (starts[:-1], starts[1:]) if ends is None else (starts, ends)
    return _merge(flat, np.asarray(begins, dtype=np.int64), np.asarray(ends, dtype=np.int64),
                  np.ascontiguousarray(pairs[:, 0]), np.ascontiguousarray(pairs[:, 1]))
