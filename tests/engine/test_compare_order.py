import numpy as np
import pyarrow as pa

from retold.engine import stages
from retold.engine.local import _by_documents


def test_compare_order_keeps_each_group_of_linked_documents_together():
    # two groups of documents whose candidate pairs come interleaved (as sorting by first
    # document leaves them when their numbers alternate)
    rng = np.random.default_rng(5)
    evens = np.arange(0, 40, 2)
    odds = np.arange(1, 40, 2)
    pairs = np.array([sorted(rng.choice(g, 2, replace=False)) for _ in range(60) for g in (evens, odds)])
    order = stages.compare_order(pairs, 40)
    assert sorted(order.tolist()) == list(range(len(pairs)))  # a permutation
    group = pairs[order, 0] % 2
    assert (np.diff(group) != 0).sum() == 1  # one group's pairs, then the other's
    assert stages.compare_order(np.zeros((0, 2), dtype=np.int64), 0).tolist() == []


def test_tables_read_the_same_whatever_order_pairs_were_compared_in():
    index = pa.array(["d0", "d1", "d2"])  # the documents in input order
    rows = [("d2", "d1", 1), ("d0", "d2", 2), ("d1", "d0", 3), ("d0", "d2", 4)]
    tbl = pa.table({"a": [r[0] for r in rows], "b": [r[1] for r in rows], "k": [r[2] for r in rows]})
    assert _by_documents(tbl, index).column("k").to_pylist() == [3, 2, 4, 1]
    shuffled = tbl.take(pa.array([3, 0, 2, 1]))  # the same rows compared in another order
    assert _by_documents(shuffled, index).column("k").to_pylist() == [3, 4, 2, 1]  # a pair's rows keep theirs
