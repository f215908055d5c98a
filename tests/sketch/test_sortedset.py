"""Membership in a large sorted hash set through its bucket index: the same answers as a plain
search, whatever the values' spread (the whole hash space, one hash range, clusters)."""
import gc

import numpy as np
import pytest

from retold.sketch import sortedset
from retold.sketch.formula import covered_by
from retold.sketch.sortedset import INDEX_MIN, NO_INDEX, contains, index, index_of, member

RNG = np.random.default_rng(11)
TOP = np.iinfo(np.uint64).max


def spread(n):
    return np.unique(RNG.integers(0, TOP, n, dtype=np.uint64, endpoint=True))


def one_range(n):
    # a hash range's subset (formula learns one range of the hash space at a time): the top
    # six bits are the same for every value
    return np.unique(RNG.integers(0, 2**58, n, dtype=np.uint64) + np.uint64(45 << 58))


def clustered(n):
    return np.unique(np.concatenate([RNG.integers(0, 1000, max(1, n // 2), dtype=np.uint64), spread(max(1, n // 2))]))


def queries(values):
    edges = np.array([0, TOP, int(values[0]) - 1 if values[0] else 0, min(TOP, int(values[-1]) + 1)],
                     dtype=np.uint64)
    return np.concatenate([values[::3], values[::5] + np.uint64(1), values[::7] - np.uint64(1),
                           spread(5000), RNG.integers(0, 2000, 500, dtype=np.uint64), edges])


@pytest.mark.parametrize("make", [spread, one_range, clustered])
@pytest.mark.parametrize("n", [7, INDEX_MIN + 5, 300_000])
def test_member_is_isin(make, n):
    values = make(n)
    q = queries(values)
    assert (member(q, values) == np.isin(q, values)).all()
    assert (index_of(values).starts.size > 0) == (len(values) >= INDEX_MIN)


@pytest.mark.parametrize("make", [spread, one_range])
def test_buckets_stay_small_over_the_values_own_range(make):
    values = make(200_000)
    ix = index(values)
    sizes = np.diff(ix.starts)
    assert sizes.sum() == len(values)
    assert sizes.mean() <= sortedset.BUCKET_VALUES and sizes.max() <= 40


def test_covered_by_is_the_same_through_the_index():
    values = spread(INDEX_MIN * 4)
    for _ in range(50):
        grams = RNG.integers(0, TOP, 300, dtype=np.uint64, endpoint=True)
        grams[::9] = values[RNG.integers(0, len(values), len(grams[::9]))]
        hit = np.isin(grams, values)
        want = np.zeros(304, dtype=bool)
        for k in np.flatnonzero(hit):
            want[k:k + 5] = True
        assert (covered_by(grams, values, 304, 5) == want).all()


def test_an_index_goes_with_its_array():
    values = spread(INDEX_MIN)
    key = id(values)
    index_of(values)
    assert key in sortedset._INDEXES
    del values
    gc.collect()
    assert key not in sortedset._INDEXES


def test_empty_and_small_sets():
    assert member(np.array([1], dtype=np.uint64), np.zeros(0, dtype=np.uint64)).tolist() == [False]
    assert index(np.zeros(0, dtype=np.uint64)) is NO_INDEX
    assert index_of(np.array([1, 5], dtype=np.uint64)) is NO_INDEX


@pytest.mark.parametrize("make", [spread, one_range, clustered])
@pytest.mark.parametrize("n", [1, 2, 3, 40])
def test_an_index_of_a_few_values_answers_far_queries(make, n):
    # a few values span a narrow range: a query far above them is past the last bucket
    values = make(n)[:n]
    ix = index(values)
    q = queries(values)
    assert (contains(values, ix.starts, ix.base, ix.shift, q) == np.isin(q, values)).all()
