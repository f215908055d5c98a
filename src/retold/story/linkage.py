"""Average-linkage (UPGMA) clustering over a sparse similarity graph.

scipy's linkage needs the full n x n matrix; at 100k documents that is 40 GB. Here a pair
that is not in the graph counts as similarity 0, so the average similarity of two clusters
is (sum of their edges) / (size_a * size_b) and only clusters joined by an edge can merge.
A heap of candidate merges with version stamps (stale entries are skipped) keeps it
O(E log E) in practice.
"""
from __future__ import annotations

import heapq

import numpy as np


def average_linkage(n: int, edges: np.ndarray, sims: np.ndarray, threshold: float) -> np.ndarray:
    """Cluster label (0..k-1) per node.

    edges: (m, 2) node pairs, sims: (m,) similarities in [0, 1]. Two clusters merge while
    their average similarity is at least `threshold`; the same partition as scipy's
    average linkage cut at distance 1 - threshold on the dense matrix with 0 off the graph.
    """
    return average_linkage_cuts(n, edges, sims, [threshold])[0]


def average_linkage_cuts(n: int, edges: np.ndarray, sims: np.ndarray,
                         thresholds: list[float]) -> list[np.ndarray]:
    """`average_linkage` at several thresholds in one pass: merges come in decreasing order
    of similarity, so the partition at a higher threshold is the state the merging passes
    through on its way down to a lower one."""
    cuts = sorted(set(thresholds), reverse=True)
    at: dict[float, np.ndarray] = {}
    size = [1] * n
    adj: list[dict[int, float]] = [dict() for _ in range(n)]
    for (i, j), s in zip(edges.tolist(), sims.tolist()):
        if i == j or s <= 0:
            continue
        adj[i][j] = max(adj[i].get(j, 0.0), s)  # a pair listed twice counts once
        adj[j][i] = adj[i][j]
    version = [0] * n
    alive = [True] * n
    heap = [(-s, i, j, 0, 0) for i in range(n) for j, s in adj[i].items() if i < j]
    heapq.heapify(heap)
    parent = list(range(n))

    while heap and cuts:
        neg, a, b, va, vb = heapq.heappop(heap)
        while cuts and -neg < cuts[0]:
            at[cuts.pop(0)] = _labels(parent, n)
        if not cuts:
            break
        if not (alive[a] and alive[b]) or version[a] != va or version[b] != vb:
            continue
        if size[a] < size[b]:
            a, b = b, a
        adj[a].pop(b, None)
        adj[b].pop(a, None)
        size[a] += size[b]
        alive[b] = False
        parent[b] = a
        for c, s in adj[b].items():
            adj[c].pop(b, None)
            adj[a][c] = adj[a].get(c, 0.0) + s
            adj[c][a] = adj[a][c]
        adj[b] = {}
        version[a] += 1
        for c, s in adj[a].items():
            heapq.heappush(heap, (-s / (size[a] * size[c]), a, c, version[a], version[c])
                           if a < c else (-s / (size[a] * size[c]), c, a, version[c], version[a]))
    for t in cuts:
        at[t] = _labels(parent, n)
    return [at[t] for t in thresholds]


def _labels(parent: list[int], n: int) -> np.ndarray:
    root = np.arange(n)
    for i in range(n):
        r = i
        while parent[r] != r:
            r = parent[r]
        root[i] = r
    _, labels = np.unique(root, return_inverse=True)
    return labels
