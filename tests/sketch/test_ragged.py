import pickle

import numpy as np

from retold.sketch.ragged import Ragged, select


def _arrays():
    rng = np.random.default_rng(3)
    return [rng.integers(0, 2**63, size=int(n), dtype=np.int64).astype(np.uint64)
            for n in (3, 0, 5, 1, 0, 4)]


def test_a_ragged_is_the_sequence_of_its_arrays_as_views():
    arrays = _arrays()
    r = Ragged.of(arrays)
    assert len(r) == 6 and r.packed()
    assert all(np.array_equal(a, b) for a, b in zip(r, arrays))
    assert all(np.array_equal(r[i], arrays[i]) for i in range(-6, 6))
    assert np.shares_memory(r[2], r.flat)  # a view, not a copy
    tail = r[3:]
    assert [len(x) for x in tail] == [1, 0, 4] and not tail.packed()


def test_rows_select_documents_without_copying_and_pickle_their_own_values():
    arrays = _arrays()
    r = Ragged.of(arrays)
    sel = r.rows([5, 0, 2])
    assert sel.flat is r.flat
    assert [x.tolist() for x in sel] == [arrays[k].tolist() for k in (5, 0, 2)]
    back = pickle.loads(pickle.dumps(sel))
    assert back.packed() and len(back.flat) == 4 + 3 + 5  # the chosen documents' values only
    assert [x.tolist() for x in back] == [x.tolist() for x in sel]
    assert [x.tolist() for x in select(arrays, [5, 0])] == [arrays[5].tolist(), arrays[0].tolist()]
    assert isinstance(select(r, [1]), Ragged)


def test_a_ragged_needs_a_start_per_length():
    try:
        Ragged(np.zeros(3, np.uint64), np.array([1, 2]), np.array([0]))
    except ValueError as e:
        assert "1 starts for 2 lengths" in str(e)
    else:
        raise AssertionError("mismatched starts accepted")
