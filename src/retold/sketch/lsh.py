"""LSH banding with (bands, rows) derived from a Jaccard threshold, and candidate pairs."""
from __future__ import annotations

from functools import lru_cache

import numpy as np
from numba import njit

from ..text.shingle import mix64_one
from .radix import radix_sort


def _p_collide(s: np.ndarray, b: int, r: int) -> np.ndarray:
    return 1.0 - (1.0 - s ** r) ** b


@lru_cache(maxsize=64)
def lsh_params(threshold: float, num_perm: int, fp_weight: float = 0.5) -> tuple[int, int]:
    """Bands and rows minimising the weighted area of false positives (below the
    threshold) and false negatives (above it) under the S-curve."""
    lo = np.linspace(0.0, threshold, 200)
    hi = np.linspace(threshold, 1.0, 200)
    best, best_cost = (1, num_perm), float("inf")
    for b in range(1, num_perm + 1):
        r = num_perm // b
        if r == 0:
            break
        fp = np.trapezoid(_p_collide(lo, b, r), lo)
        fn = np.trapezoid(1.0 - _p_collide(hi, b, r), hi)
        cost = fp_weight * fp + (1.0 - fp_weight) * fn
        if cost < best_cost:
            best, best_cost = (b, r), cost
    return best


def band_keys(sig: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """One 64-bit key per (document, band): shape (n_docs, bands)."""
    return _band_keys(np.ascontiguousarray(sig, dtype=np.uint32), bands, rows)


@njit(cache=True)
def _band_keys(sig, bands, rows):
    """`band_keys` compiled: a fold of the band's rows through `mix64`, seeded by the band
    (the numpy loop over 126 columns took 0.3 s for 114k signatures)."""
    keys = np.empty((sig.shape[0], bands), dtype=np.uint64)
    for i in range(sig.shape[0]):
        for b in range(bands):
            acc = np.uint64(b + 1)
            for r in range(rows):
                acc = mix64_one(acc ^ np.uint64(sig[i, b * rows + r]))
            keys[i, b] = acc
    return keys


def pairs_from_groups(group_keys: np.ndarray, members: np.ndarray, max_group: int,
                      radix: bool = False) -> np.ndarray:
    """All pairs (lo, hi) of members sharing a key, as int64 array (n, 2).

    Groups larger than `max_group` (boilerplate pages, cliches) give only a star from
    their first member: enough to keep them connected, without quadratic blow-up.
    `radix`: sort by radix when members come in order (near-duplicate mode: faster, but it
    holds 24 bytes a key at once; `run` keeps lexsort until its 1M peak is measured with it).
    """
    if len(group_keys) == 0:
        return np.zeros((0, 2), dtype=np.int64)
    if radix and np.all(members[1:] >= members[:-1]):  # band_buckets' order: a stable sort by key is enough
        keys, order = radix_sort(group_keys)  # 0.10 s against lexsort's 0.26 for 2.4M rows at 114k
    else:
        order = np.lexsort((members, group_keys))
        keys = group_keys[order]
    return _group_pairs(keys, members[order].astype(np.int64), max_group)


@njit(cache=True)
def _group_pairs(keys, members, max_group):
    """`pairs_from_groups` over members sorted by (key, member): one pass to count, one to
    fill (the numpy version's per-size blocks took 0.65 s for 2.3M bucket rows)."""
    total, start = 0, 0
    for i in range(1, len(keys) + 1):
        if i == len(keys) or keys[i] != keys[start]:
            size = i - start
            total += size - 1 if size > max_group else size * (size - 1) // 2
            start = i
    out = np.empty((total, 2), dtype=np.int64)
    k, start = 0, 0
    for i in range(1, len(keys) + 1):
        if i == len(keys) or keys[i] != keys[start]:
            size = i - start
            for x in range(start, i):
                for y in range(x + 1, i):
                    out[k, 0], out[k, 1] = members[x], members[y]
                    k += 1
                if size > max_group:
                    break  # a star from the first member
            start = i
    keep = out[:, 0] != out[:, 1]
    return out[keep]


def unique_pairs(pairs: np.ndarray, n_docs: int, return_counts: bool = False):
    """Distinct rows of `pairs` ((m, 2), each lo < hi), sorted; with their counts if asked.
    A sort and a diff: np.unique's hashing took 30x as long on 0.5M pairs."""
    keys = np.sort(pairs[:, 0] * np.int64(n_docs) + pairs[:, 1])
    first = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1]))) if len(keys) else np.zeros(0, np.int64)
    uk = keys[first]
    up = np.stack([uk // n_docs, uk % n_docs], axis=1)
    return (up, np.diff(np.append(first, len(keys)))) if return_counts else up


def recall_params(threshold: float, num_perm: int, recall: float) -> tuple[int, int]:
    """(bands, rows) with the most rows per band (fewest false candidates) whose chance of
    proposing a pair at exactly `threshold` Jaccard is at least `recall`: for a mode whose
    candidates are all checked exactly, a missed pair costs more than a proposed one."""
    for rows in range(num_perm, 0, -1):
        bands = num_perm // rows
        if float(_p_collide(np.array(threshold), bands, rows)) >= recall:
            return bands, rows
    return num_perm, 1


def lsh_candidates(sig: np.ndarray, threshold: float, max_bucket: int,
                   fp_weight: float = 0.5, params: tuple[int, int] | None = None,
                   rows: np.ndarray | None = None, radix: bool = False) -> np.ndarray:
    """Candidate pairs (a < b) of rows of `sig` sharing a band; `params` (bands, rows per
    band) overrides the banding that `lsh_params` picks for `threshold` and `fp_weight`.
    With `rows`, only those rows of `sig` take part, and the pairs number them by their
    place in `rows` (as `sig[rows]` would, without that copy). `radix`: as in
    `pairs_from_groups`."""
    n = len(sig) if rows is None else len(rows)
    gk, members = band_buckets(sig, *(params or lsh_params(threshold, sig.shape[1], fp_weight)), rows=rows)
    pairs = pairs_from_groups(gk, members, max_bucket, radix)
    return unique_pairs(pairs, n) if len(pairs) else pairs


def band_buckets(sig: np.ndarray, bands: int, rows_per_band: int, rows: np.ndarray | None = None
                 ) -> tuple[np.ndarray, np.ndarray]:
    """The LSH bucket of each (row of `sig`, band): bucket keys (uint64, one key space for
    all bands) and the row index of each, rows with an empty signature left out. Rows
    sharing a bucket are candidates (`pairs_from_groups`); a slice of `sig` gives the
    slice's buckets, with row indices counted from the slice's start. With `rows`, the
    buckets of those rows, each numbered by its place in `rows`."""
    sig = np.asarray(sig)
    if sig.dtype != np.uint32 or not sig.flags.c_contiguous:
        sig = np.ascontiguousarray(sig, dtype=np.uint32)
    rows = np.arange(len(sig), dtype=np.int64) if rows is None else np.asarray(rows, dtype=np.int64)
    return _buckets(sig, rows, bands, rows_per_band)


@njit(cache=True)
def _buckets(sig, rows, bands, rows_per_band):
    """`band_buckets` in one pass over the signatures: each band key (`_band_keys`), mixed
    with its band so that all bands share one key space (the numpy form made and read three
    arrays of 2.4M keys at 114k, and a copy of the signatures for the rows asked for)."""
    # Documents with no shingles share the all-EMPTY signature: they are not similar.
    empty = np.uint32(0xFFFFFFFF)
    keep = np.zeros(len(rows), dtype=np.bool_)
    n = 0
    for j in range(len(rows)):
        for k in range(sig.shape[1]):
            if sig[rows[j], k] != empty:
                keep[j] = True
                n += 1
                break
    keys = np.empty(n * bands, dtype=np.uint64)
    members = np.empty(n * bands, dtype=np.int64)
    golden = np.uint64(0x9E3779B97F4A7C15)
    at = 0
    for j in range(len(rows)):
        if not keep[j]:
            continue
        i = rows[j]
        for b in range(bands):
            acc = np.uint64(b + 1)
            for r in range(rows_per_band):
                acc = mix64_one(acc ^ np.uint64(sig[i, b * rows_per_band + r]))
            keys[at] = mix64_one(acc ^ (np.uint64(b) * golden))
            members[at] = j
            at += 1
    return keys, members
