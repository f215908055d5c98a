"""MinHash signatures for many documents at once, compiled (numba).

Permutation k is h_k(x) = (a_k * x + b_k) mod 2^64, keeping the high 32 bits
(multiply-shift hashing, a_k odd): the shingle hashes are already well mixed 64-bit values,
so two cheap operations per element give min-wise behaviour as good as a full mixer
(tests/sketch checks the estimates). One compiled loop over all documents' shingles fills
the signature matrix in place: no temporary per permutation block, no call per document.
"""
from __future__ import annotations

import numpy as np
from numba import njit


EMPTY = np.uint32(0xFFFFFFFF)
_S32 = np.uint64(32)


def salts(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    a = rng.integers(1, np.iinfo(np.uint64).max, size=num_perm, dtype=np.uint64) | np.uint64(1)
    b = rng.integers(0, np.iinfo(np.uint64).max, size=num_perm, dtype=np.uint64)
    return a, b


@njit(cache=True, inline="always")
def _fold(row, x, a, b):
    for p in range(len(a)):  # branch-free, so the loop is vectorised (2.3x the if-store)
        row[p] = min(row[p], np.uint32((a[p] * x + b[p]) >> _S32))


@njit(cache=True)
def _sign_sets(flat, offsets, a, b, sig):
    for d in range(len(offsets) - 1):
        row = sig[d]
        for i in range(offsets[d], offsets[d + 1]):
            _fold(row, flat[i], a, b)


def signatures(shingle_sets: list[np.ndarray], num_perm: int = 128, seed: int = 1) -> np.ndarray:
    """uint32 signatures, shape (len(shingle_sets), num_perm). An empty set gets all-EMPTY."""
    sig = np.full((len(shingle_sets), num_perm), EMPTY, dtype=np.uint32)
    if not len(shingle_sets):
        return sig
    lengths = np.fromiter((len(s) for s in shingle_sets), dtype=np.int64, count=len(shingle_sets))
    offsets = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
    flat = np.concatenate(shingle_sets).astype(np.uint64, copy=False) if offsets[-1] else np.zeros(0, np.uint64)
    a, b = salts(num_perm, seed)
    _sign_sets(flat, offsets, a, b, sig)
    return sig


def set_signatures(flat: np.ndarray, starts: np.ndarray, num_perm: int = 128, seed: int = 1) -> np.ndarray:
    """The signatures of sets given flat, set d being flat[starts[d]:starts[d + 1]] (as
    `jaccard.ngram_sets` makes them): `signatures` without a list of arrays. Near-duplicate
    mode folds each distinct n-gram once (the minimum over distinct values is the minimum
    over all): 0.57 s against 0.66 for folding every n-gram as it was made, at 114k."""
    sig = np.full((len(starts) - 1, num_perm), EMPTY, dtype=np.uint32)
    a, b = salts(num_perm, seed)
    _sign_sets(flat.astype(np.uint64, copy=False), starts.astype(np.int64, copy=False), a, b, sig)
    return sig


def estimate_jaccard(sig_a: np.ndarray, sig_b: np.ndarray) -> float:
    return float(np.mean(sig_a == sig_b))
