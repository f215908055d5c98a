"""Connected components over pair edges (scipy's sparse graph routine, no Python loop
over documents)."""
from __future__ import annotations

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

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
    g = coo_matrix((np.ones(len(edges), dtype=np.int8), (edges[:, 0], edges[:, 1])), shape=(n, n))
    _, labels = connected_components(g, directed=False)
    return labels.astype(np.int64)


def group_ids(doc_ids: list[str], labels: np.ndarray, prefix: str) -> list[str]:
    """Readable, stable group ids: prefix + the smallest doc id of the group."""
    first: dict[int, str] = {}
    for d, lab in zip(doc_ids, labels.tolist()):
        if lab not in first or d < first[lab]:
            first[lab] = d
    return [f"{prefix}:{first[lab]}" for lab in labels.tolist()]
