"""Rare anchors: word n-grams found in few documents. Two documents that share several
of them share wording no cliche explains (passim seeds its alignments the same way), even
when their overall n-gram Jaccard is tiny."""
from __future__ import annotations

import numpy as np
from numba import njit

from ..io import mapped
from . import hashtable
from .ragged import Ragged


CHUNK_DOCS = 8192  # documents whose n-grams are flattened at a time
PAIR_CHUNK = 8_000_000  # pair rows counted at a time (64 MB of keys)
# n-grams grouped at a time with their documents (20 bytes a row: 480 MB; a million
# documents hold 192M, so 8 ranges)
RARE_PART_ROWS = 24_000_000


def anchor_candidates(doc_shingles: list[np.ndarray], max_df: int, min_shared: int,
                      max_per_doc: int) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (n, 2) of document indices sharing >= min_shared n-grams whose document
    frequency is in [2, max_df], with the number shared. Each array holds one document's
    distinct n-gram hashes (the sketch's are `np.unique`'s).

    Memory: the rare n-grams' documents are found one range of hash values at a time
    (`rare_groups`) and kept as one array of document numbers (4 bytes each); the pairs are
    then counted a range of first documents at a time. At a million documents (192M n-grams,
    38.5M rare ones found in 146M places) this holds 0.8 GB where sorting (n-gram, owner)
    rows for the whole corpus held 6.6 GB."""
    n = len(doc_shingles)
    empty = np.zeros((0, 2), dtype=np.int64), np.zeros(0, dtype=np.int64)
    if n == 0 or sum(len(s) for s in doc_shingles) == 0:
        return empty
    owners, sizes = rare_groups(doc_shingles, 2, max_df)
    # a group of d documents makes d(d-1)/2 pairs (37M rows at 101k): they are counted a
    # range of first documents at a time, never all held at once
    per_first = _pairs_per_first(owners, sizes, n)
    bounds, keys_kept, counts_kept = _ranges(per_first, PAIR_CHUNK), [], []
    for lo, hi in zip(bounds[:-1].tolist(), bounds[1:].tolist()):
        keys = _pair_keys(owners, sizes, n, lo, hi, int(per_first[lo:hi].sum()))
        keys.sort()
        first = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1]))) if len(keys) else keys
        counts = np.diff(np.append(first, len(keys)))
        keep = counts >= min_shared
        keys_kept.append(keys[first[keep]])
        counts_kept.append(counts[keep].astype(np.int32))
        del keys, first, counts, keep
    del owners, sizes
    if not keys_kept:
        return empty
    keys = np.concatenate(keys_kept)
    del keys_kept
    pairs = np.stack([keys // n, keys % n], axis=1)
    del keys
    pairs, counts = _cap_per_doc(pairs, np.concatenate(counts_kept), max_per_doc)
    return pairs, counts.astype(np.int64)


def rare_groups(doc_shingles: list[np.ndarray], lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
    """The documents of every n-gram found in `lo` to `hi` documents, as (owners, sizes):
    `owners` lists each such n-gram's documents in ascending order, one n-gram after the other
    (`sizes` says how many each). Each array of `doc_shingles` holds one document's distinct
    hashes. The corpus's n-grams are grouped one range of hash values (top bits) at a time, so
    neither all of them nor a sorted copy is held at once (1.5 GB each at a million documents)."""
    total = sum(len(s) for s in doc_shingles)
    bits = max(0, int(np.ceil(np.log2(max(1, total) / RARE_PART_ROWS))))
    owners_out, sizes_out = [], []
    for part in range(1 << bits):
        grams, owners = [], []
        for c in range(0, len(doc_shingles), CHUNK_DOCS):
            chunk = doc_shingles[c:c + CHUNK_DOCS]
            lengths = np.fromiter((len(s) for s in chunk), dtype=np.int64, count=len(chunk))
            if not lengths.sum():
                continue
            flat = np.concatenate(chunk).astype(np.uint64, copy=False)
            if isinstance(chunk, Ragged):  # the engine's sketch, read in place: its pages go back
                ends = chunk.starts + chunk.lengths
                mapped.release_array(chunk.flat[int(chunk.starts.min()):int(ends.max())])
            mine = (flat >> np.uint64(64 - bits)) == part if bits else slice(None)
            grams.append(flat[mine])
            owners.append(np.repeat(np.arange(c, c + len(chunk), dtype=np.uint32), lengths)[mine])
        if not grams:
            continue
        grams, owners = np.concatenate(grams), np.concatenate(owners)
        values, sizes = _rare_values(np.sort(grams), lo, hi)
        kept = _place(grams, owners, values, sizes)
        del grams, owners, values
        owners_out.append(kept)
        sizes_out.append(sizes)
    if not owners_out:
        return np.zeros(0, np.uint32), np.zeros(0, np.int32)
    return np.concatenate(owners_out), np.concatenate(sizes_out)


def _ranges(per_first: np.ndarray, size: int) -> np.ndarray:
    """Bounds of consecutive ranges of first documents holding about `size` pairs each."""
    cum = np.cumsum(per_first)
    if len(cum) == 0 or cum[-1] == 0:
        return np.zeros(1, dtype=np.int64)
    cuts = np.searchsorted(cum, np.arange(size, cum[-1], size), side="left") + 1
    return np.unique(np.concatenate(([0], cuts, [len(per_first)]))).astype(np.int64)


@njit(cache=True)
def _rare_values(sorted_grams, lo, hi):
    """The distinct values of `sorted_grams` found lo to hi times, in order, and how often."""
    count, start, m = 0, 0, len(sorted_grams)
    for i in range(1, m + 1):
        if i == m or sorted_grams[i] != sorted_grams[start]:
            if lo <= i - start <= hi:
                count += 1
            start = i
    values = np.empty(count, dtype=np.uint64)
    sizes = np.empty(count, dtype=np.int32)
    k, start = 0, 0
    for i in range(1, m + 1):
        if i == m or sorted_grams[i] != sorted_grams[start]:
            if lo <= i - start <= hi:
                values[k] = sorted_grams[start]
                sizes[k] = i - start
                k += 1
            start = i
    return values, sizes


@njit(cache=True)
def _place(grams, owners, values, sizes):
    """The owners of the rows whose gram is one of `values` (distinct; `sizes` rows each),
    value after value. Rows keep their order within a value, so owners read in ascending
    order stay so. A hash table finds a row's value (`sketch/hashtable.py`; a stable argsort
    of the rows took twice as long)."""
    table = hashtable.build(values)
    at = np.empty(len(values), dtype=np.int64)
    total = 0
    for j in range(len(values)):
        at[j] = total
        total += sizes[j]
    kept = np.empty(total, dtype=np.uint32)
    for i in range(len(grams)):
        j = hashtable.find(table, grams[i])
        if j >= 0:
            kept[at[j]] = owners[i]
            at[j] += 1
    return kept


@njit(cache=True)
def _pairs_per_first(owners, sizes, n):
    """Per document, the pairs (it, a later member) of the groups (`rare_groups`) it is in."""
    per = np.zeros(n, dtype=np.int64)
    start = 0
    for size in sizes:
        for x in range(start, start + size):
            per[owners[x]] += start + size - x - 1
        start += size
    return per


@njit(cache=True)
def _pair_keys(owners, sizes, n, lo, hi, total):
    """The pairs (a * n + b) of the groups (`rare_groups`) whose first member a is in [lo, hi)."""
    out = np.empty(total, dtype=np.int64)
    k, start = 0, 0
    for size in sizes:
        end = start + size
        # owners ascend within a group: skip it when no member but the last can be in range
        if size < 2 or owners[start] >= hi or owners[end - 2] < lo:
            start = end
            continue
        for x in range(start, end):
            a = np.int64(owners[x])
            if lo <= a < hi:
                for y in range(x + 1, end):
                    b = np.int64(owners[y])
                    if b != a:  # a document listing an n-gram twice
                        out[k] = a * n + b
                        k += 1
        start = end
    return out[:k]


def _cap_per_doc(pairs: np.ndarray, counts: np.ndarray, cap: int) -> tuple[np.ndarray, np.ndarray]:
    """Keep, for every document, only its `cap` best-anchored partners (a pair survives if
    either side ranks it within its cap), so one boilerplate-heavy document cannot flood
    the aligner."""
    if len(pairs) == 0:
        return pairs, counts
    keep = np.zeros(len(pairs), dtype=bool)
    for side in (0, 1):
        order = np.lexsort((-counts, pairs[:, side]))
        docs = pairs[order, side]
        first = np.concatenate(([0], np.flatnonzero(np.diff(docs)) + 1))
        rank = np.arange(len(docs)) - np.repeat(first, np.diff(np.concatenate((first, [len(docs)]))))
        keep[order[rank < cap]] = True
    return pairs[keep], counts[keep]
