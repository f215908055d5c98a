"""The radix sort gives numpy's stable sort: the same order, ties in index order."""
import numpy as np
import pytest

from retold.sketch.radix import radix_sort


@pytest.mark.parametrize("n", [0, 1, 2, 3, 257, 5000])
def test_random_keys_sort_as_numpy_stable(n):
    keys = np.random.default_rng(n).integers(0, 2**64, size=n, dtype=np.uint64)
    values, order = radix_sort(keys)
    assert order.dtype == np.int32
    assert np.array_equal(order, np.argsort(keys, kind="stable"))
    assert np.array_equal(values, np.sort(keys))


def test_ties_keep_index_order_and_constant_bytes_are_skipped_right():
    rng = np.random.default_rng(7)
    # few distinct values sharing their top and bottom bytes: skipped passes, many ties
    base = rng.integers(0, 40, size=20_000).astype(np.uint64) << np.uint64(16)
    keys = base | np.uint64(0xAB) | (np.uint64(0x3F) << np.uint64(56))
    values, order = radix_sort(keys)
    assert np.array_equal(order, np.argsort(keys, kind="stable"))
    assert np.array_equal(values, keys[order])
    # equal keys: the identity
    same = np.full(100, 5, dtype=np.uint64)
    assert np.array_equal(radix_sort(same)[1], np.arange(100))


def test_extreme_values_and_input_untouched():
    keys = np.array([2**64 - 1, 0, 2**63, 1, 2**64 - 1, 0], dtype=np.uint64)
    before = keys.copy()
    values, order = radix_sort(keys)
    assert values.tolist() == [0, 0, 1, 2**63, 2**64 - 1, 2**64 - 1]
    assert order.tolist() == [1, 5, 3, 2, 0, 4]
    assert np.array_equal(keys, before)
