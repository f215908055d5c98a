"""Membership in a large sorted set of uint64 n-gram hashes, for compiled code.

The corpus's formula n-grams (5.4 million at a million documents) are asked about every
n-gram of every profiled text. A binary search over 43 MB reads some twenty cache lines a
query, most of them misses: 0.9 ms for a 900-word text at 5.4M values against 0.09 ms at
28k, so the compare and story stages slowed down as the corpus grew. A bucket index on the
top bits of the values' own range (`index`) narrows each query to a few neighbours first:
two cache lines.
The sorted array stays the set (saved, shared with workers and unioned as before); the index
is made once per array object and process (`index_of`), and dropped with the array.
"""
from __future__ import annotations

import weakref
from typing import NamedTuple

import numpy as np
from numba import njit

INDEX_MIN = 1 << 15  # values below which a binary search stays in cache: no index
BUCKET_VALUES = 4  # at most this many values a bucket on average (2 to 4): 1 to 2 bytes a value
_INDEXES: dict[int, "Index"] = {}  # id(values) -> its index, while values live


class Index(NamedTuple):
    """Bucket b holds the values v with (v - base) >> shift == b, at values[starts[b]:
    starts[b + 1]]; no starts: no index (a binary search over all values)."""

    starts: np.ndarray  # int32 (int64 past 2**31 values), 2**bits + 1 offsets
    base: np.uint64  # the smallest value
    shift: int


NO_INDEX = Index(np.zeros(0, dtype=np.int32), np.uint64(0), 0)


def index(values: np.ndarray) -> Index:
    """The bucket index of `values` (sorted uint64). The buckets split the values' own range
    (a hash range's subset is indexed as well as the whole space), BUCKET_VALUES values each
    on average when the values are spread evenly.

    Parameters
    ----------
    values : numpy.ndarray
        Sorted uint64 hashes.

    Returns
    -------
    Index
    """
    if len(values) == 0:
        return NO_INDEX
    bits = max(1, int(np.ceil(np.log2(max(2, len(values)) / BUCKET_VALUES))))
    base = int(values[0])
    width = int(values[-1]) - base  # below 2**64
    shift = max(0, width.bit_length() - bits)
    bucket = ((values - np.uint64(base)) >> np.uint64(shift)).astype(np.int64)
    counts = np.bincount(bucket, minlength=1 << bits)
    starts = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=starts[1:])
    return Index(starts.astype(np.int32 if len(values) < 2**31 else np.int64), np.uint64(base), shift)


def index_of(values: np.ndarray) -> Index:
    """`index(values)`, made once per array object while it lives; `NO_INDEX` (a binary
    search) for a set smaller than INDEX_MIN."""
    if len(values) < INDEX_MIN:
        return NO_INDEX
    key = id(values)
    got = _INDEXES.get(key)
    if got is None:
        got = _INDEXES[key] = index(values)
        weakref.finalize(values, _INDEXES.pop, key, None)
    return got


@njit(cache=True, nogil=True, inline="always")
def position(values, starts, base, shift, v):
    """Where `v` is in `values`, or would be inserted (np.searchsorted, side left): a binary
    search over its bucket (`Index`), or over all values when there is no index."""
    lo, hi = 0, len(values)
    if len(starts) > 0:
        if v < base:
            return 0
        b = (v - base) >> np.uint64(shift)  # unsigned until it is known to be a bucket
        if b >= np.uint64(len(starts) - 1):
            return len(values)
        lo, hi = np.int64(starts[np.int64(b)]), np.int64(starts[np.int64(b) + 1])
    # align/order.first_at_least over [lo, hi), written out here: a kernel calling into
    # another file keeps a stale copy in numba's cache when only that file changes
    while lo < hi:
        mid = (lo + hi) >> 1
        if values[mid] < v:
            lo = mid + 1
        else:
            hi = mid
    return lo


@njit(cache=True, nogil=True)
def contains(values, starts, base, shift, queries):
    """Per query: is it one of `values`?"""
    out = np.zeros(len(queries), dtype=np.bool_)
    n = len(values)
    for k in range(len(queries)):
        p = position(values, starts, base, shift, queries[k])
        out[k] = p < n and values[p] == queries[k]
    return out


@njit(cache=True, nogil=True)
def covered(grams, values, starts, base, shift, n_tokens, span):
    """Per token: covered by one of `grams` (gram k covers tokens k .. k+span-1) that is in
    `values`? (`sketch.formula.covered_by`; here beside `position`, which it inlines: numba's
    cache sees only the changes of a kernel's own file.)"""
    mask = np.zeros(n_tokens, dtype=np.bool_)
    n = len(values)
    reach = 0  # tokens before this are settled
    for k in range(len(grams)):
        p = position(values, starts, base, shift, grams[k])
        if p < n and values[p] == grams[k]:
            for t in range(max(k, reach), min(k + span, n_tokens)):
                mask[t] = True
            reach = max(reach, min(k + span, n_tokens))
    return mask


def member(queries: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Per query: is it in `values` (sorted, distinct uint64)?

    Parameters
    ----------
    queries : numpy.ndarray of uint64
    values : numpy.ndarray of uint64
        Sorted and distinct; a large one is indexed once (`index_of`).

    Returns
    -------
    numpy.ndarray of bool
    """
    if len(values) == 0 or len(queries) == 0:
        return np.zeros(len(queries), dtype=bool)
    ix = index_of(values)
    return contains(values, ix.starts, ix.base, ix.shift, np.asarray(queries, dtype=np.uint64))
