"""Word n-gram shingles as 64-bit hashes, computed with numpy over a whole token array."""
from __future__ import annotations

import numpy as np
from numba import njit

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_MUL = np.uint64(0x9E3779B97F4A7C15)


def mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: spreads bits so nearby inputs give unrelated outputs."""
    x = x ^ (x >> np.uint64(30))
    x = x * _M1
    x = x ^ (x >> np.uint64(27))
    x = x * _M2
    return x ^ (x >> np.uint64(31))


_S30, _S27, _S31 = np.uint64(30), np.uint64(27), np.uint64(31)


@njit(cache=True, inline="always")
def mix64_one(x):
    """`mix64` of one value, for compiled loops."""
    x = (x ^ (x >> _S30)) * _M1
    x = (x ^ (x >> _S27)) * _M2
    return x ^ (x >> _S31)


@njit(cache=True, inline="always")
def shingle_at(tokens, s, m):
    """The hash `shingles` gives the window of m tokens starting at tokens[s], for compiled
    loops that fold n-grams in as they make them."""
    acc = np.uint64(0)
    for k in range(m):
        acc = (acc * _MUL) ^ tokens[s + k]
    return mix64_one(acc + np.uint64(m))


def shingles(hashes: np.ndarray, n: int) -> np.ndarray:
    """Hashes of every window of n consecutive tokens (order-sensitive).

    A text shorter than n gives one shingle of all its tokens, so short texts still compare.
    """
    L = len(hashes)
    if L == 0:
        return np.zeros(0, dtype=np.uint64)
    return _windows(np.ascontiguousarray(hashes, dtype=np.uint64), min(n, L))


@njit(cache=True)
def _windows(hashes, n):
    # one loop instead of n numpy passes over the array: the profile of every compared
    # document asks for two sets of windows (shingles and seeds)
    out = np.empty(len(hashes) - n + 1, dtype=np.uint64)
    for s in range(len(out)):
        out[s] = shingle_at(hashes, s, n)
    return out
