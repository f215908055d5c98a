"""An open-addressing table of distinct uint64 n-gram hashes, for compiled code: a lookup
reads one cache line (a slot holds the value and its number side by side), where a binary
search over a sorted array of millions reads twenty (the rare anchors' grouping and the
article contexts of a million documents)."""
from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def build(values):
    """The table of `values` (distinct; their low bits already mixed, as n-gram hashes are):
    a uint64 array of 2 x size slots [value, number + 1], 0 marking an empty slot, size a
    power of two at least twice the values."""
    size = 16
    while size < 2 * len(values):
        size *= 2
    table = np.zeros(2 * size, dtype=np.uint64)
    for j in range(len(values)):
        h = np.int64(values[j] & np.uint64(size - 1))
        while table[2 * h + 1] != 0:
            h = (h + 1) & (size - 1)
        table[2 * h] = values[j]
        table[2 * h + 1] = j + 1
    return table


@njit(cache=True, nogil=True, inline="always")
def find(table, v):
    """The number of `v` among the values the table was built from, or -1."""
    size = len(table) // 2
    h = np.int64(v & np.uint64(size - 1))
    while table[2 * h + 1] != 0:
        if table[2 * h] == v:
            return np.int64(table[2 * h + 1]) - 1
        h = (h + 1) & (size - 1)
    return -1
