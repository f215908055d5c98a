"""Sorted orders and sorted sets for the compiled kernels (numba): a stable sort, a binary
search, the meeting of two sorted sets.

numba's own `np.argsort(kind="mergesort")` and `np.searchsorted` cost seconds of compiling
for each kernel that uses them, on a machine's first run (the alignment's first call in an
empty cache took 16.5 s with them, 9.6 s without, numba's own start included); this merge
sort is a few loops.
"""
from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def stable_order(primary, secondary):
    """Indexes that sort the rows by (primary, secondary), ties kept in index order."""
    n = len(primary)
    idx = np.arange(n)
    tmp = np.empty(n, dtype=np.int64)
    width = 1
    while width < n:
        for lo in range(0, n, 2 * width):
            mid, hi = min(lo + width, n), min(lo + 2 * width, n)
            a, b, k = lo, mid, lo
            while a < mid and b < hi:
                x, y = idx[a], idx[b]
                # the right run's row goes first only when strictly smaller: stable
                if primary[y] < primary[x] or (primary[y] == primary[x] and secondary[y] < secondary[x]):
                    tmp[k] = y
                    b += 1
                else:
                    tmp[k] = x
                    a += 1
                k += 1
            while a < mid:
                tmp[k] = idx[a]
                a += 1
                k += 1
            while b < hi:
                tmp[k] = idx[b]
                b += 1
                k += 1
        idx, tmp = tmp, idx
        width *= 2
    return idx


@njit(cache=True)
def first_at_least(values, x):
    """The first index of sorted `values` whose value is not below x (np.searchsorted, left)."""
    lo, hi = 0, len(values)
    while lo < hi:
        mid = (lo + hi) >> 1
        if values[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo


@njit(cache=True)
def common_sorted(a, b):
    """Where two sorted arrays of distinct values meet: the indexes in a and in b of each value
    both hold, ascending (`np.intersect1d(a, b, assume_unique=True, return_indices=True)`
    without its concatenation and sort: a pair asks it three times)."""
    ia = np.empty(min(len(a), len(b)), dtype=np.int64)
    ib = np.empty(len(ia), dtype=np.int64)
    i = j = m = 0
    while i < len(a) and j < len(b):
        if a[i] < b[j]:
            i += 1
        elif b[j] < a[i]:
            j += 1
        else:
            ia[m], ib[m] = i, j
            m += 1
            i += 1
            j += 1
    return ia[:m], ib[:m]
