"""Rare anchors: word n-grams found in few documents. Two documents that share several
of them share wording no cliche explains (passim seeds its alignments the same way), even
when their overall n-gram Jaccard is tiny."""
from __future__ import annotations

import numpy as np

from .lsh import pairs_from_groups, unique_pairs


def anchor_candidates(doc_shingles: list[np.ndarray], max_df: int, min_shared: int,
                      max_per_doc: int) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (n, 2) of document indices sharing >= min_shared n-grams whose document
    frequency is in [2, max_df], with the number shared."""
    n = len(doc_shingles)
    uniq = [np.unique(s) for s in doc_shingles]
    lengths = np.fromiter((len(u) for u in uniq), dtype=np.int64, count=n)
    if lengths.sum() == 0:
        return np.zeros((0, 2), dtype=np.int64), np.zeros(0, dtype=np.int64)
    flat = np.concatenate(uniq)
    owner = np.repeat(np.arange(n, dtype=np.int64), lengths)
    order = np.argsort(flat, kind="stable")
    flat, owner = flat[order], owner[order]
    bounds = np.concatenate(([0], np.flatnonzero(np.diff(flat)) + 1, [len(flat)]))
    df = np.diff(bounds)
    keep_runs = (df >= 2) & (df <= max_df)
    keep = np.repeat(keep_runs, df)
    pairs = pairs_from_groups(flat[keep], owner[keep], max_group=max_df)
    if len(pairs) == 0:
        return np.zeros((0, 2), dtype=np.int64), np.zeros(0, dtype=np.int64)
    up, counts = unique_pairs(pairs, n, return_counts=True)
    sel = counts >= min_shared
    up, counts = up[sel], counts[sel]
    return _cap_per_doc(up, counts, max_per_doc)


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
