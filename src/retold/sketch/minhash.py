"""MinHash signatures for many documents at once.

All shingles of a batch are hashed together (one numpy pass per group of permutations)
and reduced per document with `minimum.reduceat`, instead of one numpy call per document.
Permutation k is h_k(x) = (a_k * x + b_k) mod 2^64, keeping the high 32 bits
(multiply-shift hashing, a_k odd): the shingle hashes are already well mixed 64-bit values,
so two cheap operations per element give min-wise behaviour as good as a full mixer
(tests/sketch checks the estimates).
"""
from __future__ import annotations

import numpy as np


EMPTY = np.uint32(0xFFFFFFFF)


def salts(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    a = rng.integers(1, np.iinfo(np.uint64).max, size=num_perm, dtype=np.uint64) | np.uint64(1)
    b = rng.integers(0, np.iinfo(np.uint64).max, size=num_perm, dtype=np.uint64)
    return a, b


def signatures(shingle_sets: list[np.ndarray], num_perm: int = 128, seed: int = 1,
               perm_block: int = 16) -> np.ndarray:
    """uint32 signatures, shape (len(shingle_sets), num_perm). An empty set gets all-EMPTY."""
    n_docs = len(shingle_sets)
    sig = np.full((n_docs, num_perm), EMPTY, dtype=np.uint32)
    lengths = np.fromiter((len(s) for s in shingle_sets), dtype=np.int64, count=n_docs)
    nonempty = np.flatnonzero(lengths)
    if len(nonempty) == 0:
        return sig
    flat = np.concatenate([shingle_sets[i] for i in nonempty]).astype(np.uint64, copy=False)
    starts = np.concatenate(([0], np.cumsum(lengths[nonempty])[:-1]))
    mul, add = salts(num_perm, seed)
    with np.errstate(over="ignore"):
        for p0 in range(0, num_perm, perm_block):
            a, b = mul[p0:p0 + perm_block, None], add[p0:p0 + perm_block, None]
            hashed = (flat[None, :] * a + b) >> np.uint64(32)
            sig[nonempty, p0:p0 + len(a)] = np.minimum.reduceat(hashed, starts, axis=1).T.astype(np.uint32)
    return sig


def estimate_jaccard(sig_a: np.ndarray, sig_b: np.ndarray) -> float:
    return float(np.mean(sig_a == sig_b))
