import numpy as np
import scipy.sparse as sp

from retold.story import graph as mod
from retold.story.neighbours import Neighbours


def _whole_product(nb, mix, floor):
    """The graph as one product over every row (how it was made before it went by blocks)."""
    n, k = nb.index.shape
    valid = nb.index >= 0
    direct = sp.csr_matrix((nb.sim[valid], (np.repeat(np.arange(n), k)[valid.ravel()], nb.index[valid])),
                           shape=(n, n))
    direct = direct.maximum(direct.T)
    prof = mod.neighbour_profiles(nb)
    blend = sp.triu((1.0 - mix) * direct + mix * (prof @ prof.T), k=1).tocoo()
    keep = blend.data >= floor
    return np.stack([blend.row[keep], blend.col[keep]], axis=1).astype(np.int64), np.minimum(blend.data[keep], 1.0)


def _sorted(edges, weights):
    order = np.lexsort((edges[:, 1], edges[:, 0]))
    return edges[order], weights[order]


def test_the_graph_made_by_blocks_of_rows_is_the_whole_product_to_the_bit(monkeypatch):
    rng = np.random.default_rng(5)
    n, k = 2000, 8
    index = rng.integers(0, n, size=(n, k))
    index[rng.random((n, k)) < 0.2] = -1  # documents with fewer neighbours
    index[index == np.arange(n)[:, None]] = -1
    nb = Neighbours(index, rng.random((n, k)))
    want_e, want_w = _sorted(*_whole_product(nb, 0.5, 0.02))
    monkeypatch.setattr(mod, "GRAPH_ROWS", 97)  # many blocks, the last one short
    edges, weights, prof = mod.story_graph(nb, 0.5, 0.02)
    got_e, got_w = _sorted(edges, weights)
    assert len(want_e) > 10_000
    assert np.array_equal(got_e, want_e) and np.array_equal(got_w, want_w)
    assert (got_e[:, 0] < got_e[:, 1]).all() and prof.shape == (n, n)
