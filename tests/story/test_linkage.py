import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform

from retold.story.linkage import average_linkage, average_linkage_cuts


def _same_partition(a, b):
    pairs_a = {(i, j) for i in range(len(a)) for j in range(i) if a[i] == a[j]}
    pairs_b = {(i, j) for i in range(len(b)) for j in range(i) if b[i] == b[j]}
    return pairs_a == pairs_b


def test_matches_scipy_average_linkage_on_a_sparse_graph():
    rng = np.random.default_rng(3)
    n = 60
    sim = np.zeros((n, n))
    groups = rng.integers(0, 12, n)
    for i in range(n):
        for j in range(i):
            if groups[i] == groups[j]:
                sim[i, j] = rng.uniform(0.3, 0.9)
            elif rng.random() < 0.1:
                sim[i, j] = rng.uniform(0.0, 0.35)
    sim = sim + sim.T
    iu = np.triu_indices(n, 1)
    keep = sim[iu] > 0
    edges = np.stack([iu[0][keep], iu[1][keep]], axis=1)
    dist = 1 - sim
    np.fill_diagonal(dist, 0)
    tree = linkage(squareform(dist, checks=False), "average")
    for t in (0.15, 0.3, 0.5):
        ours = average_linkage(n, edges, sim[iu][keep], t)
        ref = fcluster(tree, 1 - t, "distance")
        assert _same_partition(ours, ref), t


def test_no_edges_means_singletons_and_threshold_stops_merges():
    assert average_linkage(3, np.zeros((0, 2), dtype=np.int64), np.zeros(0), 0.2).tolist() == [0, 1, 2]
    edges = np.array([[0, 1], [1, 2]])
    # 0-1 merge at 0.9; {0,1} to 2 averages (0 + 0.5) / 2 = 0.25
    assert len(set(average_linkage(3, edges, np.array([0.9, 0.5]), 0.3).tolist())) == 2
    assert len(set(average_linkage(3, edges, np.array([0.9, 0.5]), 0.2).tolist())) == 1


def test_several_cuts_in_one_pass_are_the_cuts_made_one_by_one():
    rng = np.random.default_rng(11)
    n = 200
    edges = rng.integers(0, n, size=(900, 2))
    sims = rng.uniform(0.0, 1.0, size=900)
    thresholds = [0.12, 0.6, 0.08, 0.3]  # any order; each answer in the order asked
    together = average_linkage_cuts(n, edges, sims, thresholds)
    for t, labels in zip(thresholds, together):
        assert labels.tolist() == average_linkage(n, edges, sims, t).tolist()
    assert len(set(together[1].tolist())) > len(set(together[2].tolist()))  # the cuts differ
