"""A stable sort of 64-bit hashes by their bytes (least significant digit radix sort).

The formula rules sort a few million (n-gram, document) rows by n-gram hash several times a
run; numpy's stable argsort of uint64 is a merge sort (radix only for 16-bit keys and
smaller), and the gathers after it read the rows at random. Eight counting passes over bytes
move each row with its index, and a pass whose byte is the same in every row (the top byte
within one of formula's hash ranges) is skipped: on the 3.4 million rows of the 21k news
corpus, 0.10 s against 0.46 s for the argsort and its gathers (2026-12-02).
"""
from __future__ import annotations

import numpy as np
from numba import njit


def radix_sort(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`keys` (uint64) sorted ascending, and the indexes that sort them, ties kept in index
    order: `np.sort(keys)` and `np.argsort(keys, kind="stable")` in one pass. The indexes are
    int32 below 2**31 keys (the sort holds two copies of keys and indexes: 24 bytes a key),
    else int64."""
    keys = np.ascontiguousarray(keys, dtype=np.uint64)
    index_type = np.int32 if len(keys) < 2**31 else np.int64
    if len(keys) < 2:
        return keys.copy(), np.arange(len(keys), dtype=index_type)
    return _radix_sort(keys, np.arange(len(keys), dtype=index_type))


@njit(cache=True, nogil=True)
def _radix_sort(keys, idx_a):
    n = len(keys)
    # every byte's histogram in one read of the keys
    counts = np.zeros((8, 256), dtype=np.int64)
    for i in range(n):
        k = keys[i]
        for d in range(8):
            counts[d, (k >> np.uint64(8 * d)) & np.uint64(0xFF)] += 1
    key_a, key_b = keys.copy(), np.empty(n, dtype=np.uint64)
    idx_b = np.empty_like(idx_a)
    start = np.empty(256, dtype=np.int64)
    for d in range(8):
        if counts[d].max() == n:  # one value of this byte in every row: the pass would not move a row
            continue
        total = 0
        for v in range(256):
            start[v] = total
            total += counts[d, v]
        shift = np.uint64(8 * d)
        for i in range(n):
            k = key_a[i]
            v = (k >> shift) & np.uint64(0xFF)
            p = start[v]
            start[v] = p + 1
            key_b[p] = k
            idx_b[p] = idx_a[i]
        key_a, key_b = key_b, key_a
        idx_a, idx_b = idx_b, idx_a
    return key_a, idx_a
