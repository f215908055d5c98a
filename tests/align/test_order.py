"""The compiled sort, search and set helpers give numpy's answers."""
from __future__ import annotations

import numpy as np

from retold.align.order import common_sorted, first_at_least, stable_order


def test_stable_order_is_numpys_lexsort():
    rng = np.random.default_rng(4)
    for n in (0, 1, 2, 3, 7, 64, 500):
        for span in (2, 5, 1000):  # few distinct keys make ties, where stability shows
            p = rng.integers(-span, span, n)
            s = rng.integers(0, 3, n)
            assert stable_order(p, s).tolist() == np.lexsort((s, p)).tolist()
            f = rng.integers(0, span, n) / span  # float keys, as the sentence matcher's scores
            assert stable_order(-f, s).tolist() == np.lexsort((s, -f)).tolist()


def test_binary_search_and_common_values_are_numpys():
    rng = np.random.default_rng(8)
    for n, m in ((0, 0), (0, 5), (5, 0), (1, 1), (40, 30), (300, 900)):
        a = np.unique(rng.integers(0, 2 * (n + m) + 1, n).astype(np.uint64))
        b = np.unique(rng.integers(0, 2 * (n + m) + 1, m).astype(np.uint64))
        _, want_a, want_b = np.intersect1d(a, b, assume_unique=True, return_indices=True)
        got_a, got_b = common_sorted(a, b)
        assert got_a.tolist() == want_a.tolist() and got_b.tolist() == want_b.tolist()
        for x in rng.integers(0, 2 * (n + m) + 2, 20).astype(np.uint64):
            assert first_at_least(a, x) == int(np.searchsorted(a, x, "left"))
    big = np.array([1, 2**63, 2**64 - 1], dtype=np.uint64)  # hashes use all 64 bits
    assert common_sorted(big, big[1:])[0].tolist() == [1, 2]
