"""Connected components over pair edges: a compiled union-find (numba), no Python loop
over documents. (scipy's sparse graph routine gave the same groups; importing scipy.sparse
was a tenth of a near-duplicate run's start-up.)"""
from __future__ import annotations

import numpy as np
from numba import njit

# A family is the copies of one text; a reuse links two families without merging them, so
# shared background paragraphs never chain unrelated articles together.
FAMILY_RELATIONS = ("exact", "near_duplicate", "rewrite")
STORY_RELATIONS = FAMILY_RELATIONS + ("reuse", "same_story")


def components(n: int, edges: np.ndarray) -> np.ndarray:
    """Component label per node 0..n-1 for an (m, 2) int edge array."""
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if len(edges) == 0:
        return np.arange(n, dtype=np.int64)
    edges = np.asarray(edges, dtype=np.int64)
    return _union_find(n, np.ascontiguousarray(edges[:, 0]), np.ascontiguousarray(edges[:, 1]))


@njit(cache=True)
def _root(parent, x):
    while parent[x] != x:
        parent[x] = parent[parent[x]]  # path halving
        x = parent[x]
    return x


@njit(cache=True)
def _union_find(n, a, b):
    """The root of each node's component (a label: only the grouping means anything)."""
    parent = np.arange(n, dtype=np.int64)
    for k in range(len(a)):
        ra, rb = _root(parent, a[k]), _root(parent, b[k])
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    out = np.empty(n, dtype=np.int64)
    for x in range(n):
        out[x] = _root(parent, x)
    return out


def group_ids(doc_ids: list[str], labels: np.ndarray, prefix: str) -> list[str]:
    """Readable, stable group ids: prefix + the smallest doc id of the group."""
    first: dict[int, str] = {}
    for d, lab in zip(doc_ids, labels.tolist()):
        if lab not in first or d < first[lab]:
            first[lab] = d
    return [f"{prefix}:{first[lab]}" for lab in labels.tolist()]
