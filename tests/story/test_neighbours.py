import numpy as np
import scipy.sparse as sp

from retold.story.neighbours import story_neighbours, time_factor, top_terms


def _corpus(n=300, vocab=2000, seed=5):
    rng = np.random.default_rng(seed)
    rows, cols, vals = [], [], []
    topics = rng.integers(0, 30, n)
    for i in range(n):
        words = np.concatenate([rng.integers(0, vocab, 25), topics[i] * 50 + rng.integers(0, 50, 15)])
        for w in np.unique(words):
            rows.append(i)
            cols.append(w)
            vals.append(rng.uniform(0.5, 2.0))
    x = sp.csr_matrix((vals, (rows, cols)), shape=(n, vocab + 1600))
    x = sp.csr_matrix(sp.diags(1 / np.sqrt(np.asarray(x.multiply(x).sum(1)).ravel())) @ x)
    return x, np.bincount(x.indices, minlength=x.shape[1])


def test_retrieval_finds_most_of_the_exact_top_k():
    x, df = _corpus()
    days = np.full(x.shape[0], np.nan)
    k = 5
    nb = story_neighbours(x, df, days, k, tau=3, floor=0.3, query_terms=30, max_df=40, candidates=30)
    dense = (x @ x.T).toarray()
    np.fill_diagonal(dense, -1)
    exact = np.argsort(-dense, axis=1)[:, :k]
    hit = np.mean([len(set(nb.index[i]) & set(exact[i])) / k for i in range(x.shape[0])])
    assert hit > 0.9
    # reported similarities are exact cosines, best first
    i = 0
    assert np.allclose(nb.sim[i], dense[i, nb.index[i]])
    assert np.all(np.diff(nb.sim[i]) <= 1e-12)


def test_time_factor_decays_to_floor_and_ignores_unknown_dates():
    f = time_factor(np.array([0.0, 0.0, np.nan]), np.array([0.0, 100.0, 5.0]), tau=3, floor=0.3)
    assert f[0] == 1.0 and abs(f[1] - 0.3) < 1e-6 and f[2] == 1.0


def test_causal_order_only_looks_back():
    x, df = _corpus(n=120)
    order = np.random.default_rng(1).permutation(120)
    nb = story_neighbours(x, df, np.full(120, np.nan), 4, tau=3, floor=0.3, order=order)
    for i in range(120):
        for j in nb.index[i]:
            if j >= 0:
                assert order[j] < order[i]
    assert (nb.index[np.argmin(order)] == -1).all()  # the first arrival has no past


def test_top_terms_keeps_the_largest_per_row():
    x = sp.csr_matrix(np.array([[0.1, 0.5, 0.3, 0.0], [0.9, 0.0, 0.0, 0.2]]))
    t = top_terms(x, 2).toarray()
    assert t.tolist() == [[0.0, 0.5, 0.3, 0.0], [0.9, 0.0, 0.0, 0.2]]


def test_query_rows_and_feature_index_are_scipys_selections_entry_for_entry():
    """The search's query rows and inverted index, made without copies, hold what scipy's
    column selections and transpose hold, in the same order (the products add in it), ties
    among a row's largest weights falling as numpy's argpartition lets them."""
    from retold.story.neighbours import feature_index, query_rows
    x, df = _corpus()
    x.data = np.round(x.data, 1)  # many equal weights: ties at the cut
    x = sp.csr_matrix(x[:, ::-1][:, ::-1])  # rows' entries out of column order, as vectorize leaves them
    for m, max_df in ((5, 10), (40, 1000), (1, 0)):
        keep_cols = np.flatnonzero(df <= max_df)
        for got, want in ((query_rows(x, m, keep_cols), sp.csr_matrix(top_terms(x, m)[:, keep_cols])),
                          (feature_index(x, keep_cols), sp.csr_matrix(x[:, keep_cols].T))):
            assert got.shape == want.shape
            for a, b in ((got.indptr, want.indptr), (got.indices, want.indices), (got.data, want.data)):
                assert a.dtype == b.dtype and np.array_equal(a, b)
