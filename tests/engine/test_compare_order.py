import numpy as np
import pyarrow as pa

from retold.engine import stages


def _by_documents(tbl: pa.Table, ids: pa.Array) -> pa.Table:
    """The order the run folder's tables promise, sorted in memory (the oracle of the tests
    below): by the input index of a pair's lower document, then of its higher one, a pair's
    own rows in the order they came."""
    index = {d: k for k, d in enumerate(ids.to_pylist())}
    ia = np.array([index[d] for d in tbl.column("a").to_pylist()], dtype=np.int64)
    ib = np.array([index[d] for d in tbl.column("b").to_pylist()], dtype=np.int64)
    return tbl.take(pa.array(np.lexsort((np.arange(len(ia)), np.maximum(ia, ib), np.minimum(ia, ib)))))


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


def test_tables_read_the_same_whatever_order_pairs_were_compared_in(tmp_path):
    import pyarrow.parquet as pq

    from retold.engine.tablesort import write_by_documents
    ids = ["d0", "d1", "d2"]  # the documents in input order
    rows = [("d2", "d1", 1), ("d0", "d2", 2), ("d1", "d0", 3), ("d0", "d2", 4)]
    tbl = pa.table({"a": [r[0] for r in rows], "b": [r[1] for r in rows], "k": [r[2] for r in rows]})
    shuffled = tbl.take(pa.array([3, 0, 2, 1]))  # the same rows compared in another order
    for t, want in ((tbl, [3, 2, 4, 1]), (shuffled, [3, 4, 2, 1])):  # a pair's rows keep theirs
        pq.write_table(t, tmp_path / "chunk-00000.x.parquet")
        write_by_documents([tmp_path / "chunk-00000.x.parquet"], ids, t.schema, tmp_path / "x.parquet", tmp_path)
        assert pq.read_table(tmp_path / "x.parquet").column("k").to_pylist() == want
        assert _by_documents(t, pa.array(ids)).column("k").to_pylist() == want


def test_chunk_files_sorted_out_of_core_as_in_memory(tmp_path):
    import pyarrow.parquet as pq
    import pytest

    from retold.engine.tablesort import write_by_documents
    ids = ["d0", "d1", "d2", "d3"]
    rows = [("d2", "d1", 1), ("d0", "d2", 2), ("d3", "d0", 3), ("d0", "d2", 4), ("d1", "d3", 5), ("d3", "d0", 6)]
    schema = pa.schema([("a", pa.string()), ("b", pa.string()), ("k", pa.int64())])
    tbl = pa.table({"a": [r[0] for r in rows], "b": [r[1] for r in rows], "k": [r[2] for r in rows]},
                   schema=schema)
    want = _by_documents(tbl, pa.array(ids)).column("k").to_pylist()
    assert want == [2, 4, 3, 6, 1, 5]
    head = pa.table({"a": ["d1"], "b": ["d1"], "k": [0]}, schema=schema)  # written first, as it is
    # the same rows cut into chunk files two ways (one chunk's files named after the other's)
    for cut in ([0, 2, 5, 6], [0, 6]):
        folder = tmp_path / f"cut{len(cut)}"
        (folder / "stages").mkdir(parents=True)
        files = []
        for k, (lo, hi) in enumerate(zip(cut, cut[1:])):
            files.append(folder / f"chunk-{k:05d}.x.parquet")
            pq.write_table(tbl.slice(lo, hi - lo), files[-1])
        write_by_documents(files[::-1], ids, schema, folder / "x.parquet", folder / "stages", head)
        got = pq.read_table(folder / "x.parquet")
        assert got.schema == schema
        assert got.column("k").to_pylist() == [0] + want
        assert list((folder / "stages").iterdir()) == []  # the spill folder is gone
    write_by_documents([], ids, schema, tmp_path / "none.parquet", tmp_path, None)
    assert pq.read_table(tmp_path / "none.parquet").num_rows == 0
    with pytest.raises(RuntimeError, match="names a document"):  # never drops a row silently
        write_by_documents(files, ids[:3], schema, tmp_path / "lost.parquet", tmp_path)


def test_out_of_core_sort_with_many_ranges_and_groups(tmp_path, monkeypatch):
    """Ranges of a few rows and groups of a few files (as a big corpus cuts them): the same
    order as the in-memory sort, every row once."""
    import random

    import pyarrow.parquet as pq

    from retold.engine import tablesort
    monkeypatch.setattr(tablesort, "BUCKET_ROWS", 5)
    monkeypatch.setattr(tablesort, "GROUP_ROWS", 7)
    monkeypatch.setattr(tablesort, "KEY_GROUP_ROWS", 20)
    rng = random.Random(4)
    ids = [f"doc{i:03d}" for i in range(40)]
    rng.shuffle(ids)  # input order is not id order
    rows = [(rng.choice(ids), rng.choice(ids), k) for k in range(300)]
    schema = pa.schema([("a", pa.string()), ("b", pa.string()), ("k", pa.int64())])
    tbl = pa.table({"a": [r[0] for r in rows], "b": [r[1] for r in rows], "k": [r[2] for r in rows]},
                   schema=schema)
    files = []
    for n, lo in enumerate(range(0, 300, 13)):
        files.append(tmp_path / f"chunk-{n:05d}.x.parquet")
        pq.write_table(tbl.slice(lo, 13 if n != 3 else 0), files[-1])  # one file of no rows
    tbl = pa.concat_tables([pq.read_table(f) for f in files])
    tablesort.write_by_documents(files, ids, schema, tmp_path / "x.parquet", tmp_path)
    got = pq.read_table(tmp_path / "x.parquet").column("k").to_pylist()
    assert got == _by_documents(tbl, pa.array(ids)).column("k").to_pylist()
    assert len(tablesort._ranges(np.bincount([min(ids.index(a), ids.index(b)) for a, b, _ in rows],
                                             minlength=40))) > 10


def test_compare_collector_raises_the_thresholds_only_inside_its_block():
    import gc

    was = gc.get_threshold()
    with stages.compare_collector():
        assert gc.get_threshold() == stages.COMPARE_GC
    assert gc.get_threshold() == was
    try:
        with stages.compare_collector():
            raise KeyError("a failing pair")
    except KeyError:
        pass
    assert gc.get_threshold() == was
    assert stages.COMPARE_GC != was  # the block changes something
