"""Rare anchors: word n-grams found in few documents. Two documents that share several
of them share wording no cliche explains (passim seeds its alignments the same way), even
when their overall n-gram Jaccard is tiny."""
from __future__ import annotations

import numpy as np
from numba import njit


CHUNK_DOCS = 8192  # documents whose n-grams are matched against the rare ones at a time
PAIR_CHUNK = 8_000_000  # pair rows counted at a time (64 MB of keys)
RARE_PART_ROWS = 32_000_000  # n-grams sorted at a time to count documents (256 MB; 1M documents hold 190M)


def anchor_candidates(doc_shingles: list[np.ndarray], max_df: int, min_shared: int,
                      max_per_doc: int) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (n, 2) of document indices sharing >= min_shared n-grams whose document
    frequency is in [2, max_df], with the number shared. Each array holds one document's
    distinct n-gram hashes (the sketch's are `np.unique`'s).

    Memory: the rare n-grams are found by sorting every n-gram, one range of hash values at
    a time (`rare_grams`); documents are then read a chunk at a time, keeping only their
    rare n-grams (most n-grams are in one document), so the owner and sort arrays are never
    made for the whole corpus (peak 2.4 GB -> 0.65 GB at 101k documents, and 1.7x faster)."""
    n = len(doc_shingles)
    empty = np.zeros((0, 2), dtype=np.int64), np.zeros(0, dtype=np.int64)
    if n == 0 or sum(len(s) for s in doc_shingles) == 0:
        return empty
    table = _hash_set(rare_grams(doc_shingles, 2, max_df))
    grams, owners = [], []
    for lo in range(0, n, CHUNK_DOCS):
        part = doc_shingles[lo:lo + CHUNK_DOCS]
        lengths = np.fromiter((len(s) for s in part), dtype=np.int64, count=len(part))
        flat = np.concatenate(part).astype(np.uint64, copy=False) if lengths.sum() else np.zeros(0, np.uint64)
        hit = _member(flat, *table)
        grams.append(flat[hit])
        owners.append(np.repeat(np.arange(lo, lo + len(part), dtype=np.int64), lengths)[hit])
    grams, owners = np.concatenate(grams), np.concatenate(owners)
    del hit, flat
    order = np.lexsort((owners, grams))
    grams, owners = grams[order], owners[order]
    del order
    # a group of d documents makes d(d-1)/2 pairs (37M rows at 101k): they are counted a
    # range of first documents at a time, never all held at once
    per_first = _pairs_per_first(grams, owners, n)
    bounds, ups, cnts = _ranges(per_first, PAIR_CHUNK), [], []
    for lo, hi in zip(bounds[:-1].tolist(), bounds[1:].tolist()):
        keys = _pair_keys(grams, owners, n, lo, hi, int(per_first[lo:hi].sum()))
        keys.sort()
        first = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1]))) if len(keys) else keys
        counts = np.diff(np.append(first, len(keys)))
        keep = counts >= min_shared
        uk = keys[first[keep]]
        ups.append(np.stack([uk // n, uk % n], axis=1))
        cnts.append(counts[keep])
    if not ups:
        return empty
    return _cap_per_doc(np.concatenate(ups), np.concatenate(cnts), max_per_doc)


def rare_grams(doc_shingles: list[np.ndarray], lo: int, hi: int) -> np.ndarray:
    """The n-grams found in `lo` to `hi` of the documents (each array: one document's distinct
    hashes), sorted. The corpus's n-grams are sorted one range of hash values (top bits) at a
    time, so no sorted copy of all of them is made (1.5 GB at a million documents)."""
    total = sum(len(s) for s in doc_shingles)
    bits = max(0, int(np.ceil(np.log2(max(1, total) / RARE_PART_ROWS))))
    out = []
    for part in range(1 << bits):
        chunks = []
        for c in range(0, len(doc_shingles), CHUNK_DOCS):
            flat = np.concatenate(doc_shingles[c:c + CHUNK_DOCS]).astype(np.uint64, copy=False) \
                if doc_shingles[c:c + CHUNK_DOCS] else np.zeros(0, np.uint64)
            chunks.append(flat[(flat >> np.uint64(64 - bits)) == part] if bits else flat)
        grams = np.concatenate(chunks) if chunks else np.zeros(0, np.uint64)
        del chunks
        grams.sort()
        out.append(_rare(grams, lo, hi))
    return np.concatenate(out) if out else np.zeros(0, np.uint64)


def _ranges(per_first: np.ndarray, size: int) -> np.ndarray:
    """Bounds of consecutive ranges of first documents holding about `size` pairs each."""
    cum = np.cumsum(per_first)
    if len(cum) == 0 or cum[-1] == 0:
        return np.zeros(1, dtype=np.int64)
    cuts = np.searchsorted(cum, np.arange(size, cum[-1], size), side="left") + 1
    return np.unique(np.concatenate(([0], cuts, [len(per_first)]))).astype(np.int64)


@njit(cache=True)
def _pairs_per_first(grams, owners, n):
    """Per document, the pairs (it, a later member) of the groups of equal `grams` (sorted,
    owners ascending within a group) it is the first of."""
    per = np.zeros(n, dtype=np.int64)
    start, m = 0, len(grams)
    for i in range(1, m + 1):
        if i == m or grams[i] != grams[start]:
            for x in range(start, i):
                per[owners[x]] += i - x - 1
            start = i
    return per


@njit(cache=True)
def _pair_keys(grams, owners, n, lo, hi, total):
    """The pairs (a * n + b) of the groups whose first member a is in [lo, hi)."""
    out = np.empty(total, dtype=np.int64)
    k, start, m = 0, 0, len(grams)
    for i in range(1, m + 1):
        if i == m or grams[i] != grams[start]:
            for x in range(start, i):
                a = owners[x]
                if lo <= a < hi:
                    for y in range(x + 1, i):
                        if owners[y] != a:  # a document listing an n-gram twice
                            out[k] = a * n + owners[y]
                            k += 1
            start = i
    return out[:k]


@njit(cache=True)
def _hash_set(values):
    """An open-addressing set of distinct uint64 `values` (n-gram hashes: their low bits are
    already mixed), as (slots, used). A binary search per n-gram took 5 s at 100k."""
    size = 16
    while size < 2 * len(values):
        size *= 2
    slots = np.zeros(size, dtype=np.uint64)
    used = np.zeros(size, dtype=np.bool_)
    mask = np.uint64(size - 1)
    for v in values:
        h = np.int64(v & mask)
        while used[h]:
            h = (h + 1) & (size - 1)
        slots[h] = v
        used[h] = True
    return slots, used


@njit(cache=True)
def _member(flat, slots, used):
    """Per value of `flat`: is it in the set (`_hash_set`)?"""
    out = np.empty(len(flat), dtype=np.bool_)
    size = len(slots)
    mask = np.uint64(size - 1)
    for i in range(len(flat)):
        v = flat[i]
        h = np.int64(v & mask)
        found = False
        while used[h]:
            if slots[h] == v:
                found = True
                break
            h = (h + 1) & (size - 1)
        out[i] = found
    return out


@njit(cache=True)
def _rare(sorted_grams, lo, hi):
    """The distinct values of `sorted_grams` found lo to hi times, in order."""
    count, start = 0, 0
    m = len(sorted_grams)
    for i in range(1, m + 1):
        if i == m or sorted_grams[i] != sorted_grams[start]:
            if lo <= i - start <= hi:
                count += 1
            start = i
    out = np.empty(count, dtype=np.uint64)
    k, start = 0, 0
    for i in range(1, m + 1):
        if i == m or sorted_grams[i] != sorted_grams[start]:
            if lo <= i - start <= hi:
                out[k] = sorted_grams[start]
                k += 1
            start = i
    return out


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
