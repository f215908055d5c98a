"""Event features held as flat rows (story/featurerows.py) and the TF-IDF vectors made from
them (story/vectors.py): the same numbers, in the same columns, as per-document Counters."""
from __future__ import annotations

import json
import random
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

from retold.config import Config
from retold.story import features_of
from retold.story.featurerows import FeatureRef, FeatureRows, FeatureVocab
from retold.story.features import event_features
from retold.story import vectors
from retold.story.vectors import vectorize

DEMO = Path(__file__).resolve().parents[2] / "demo" / "corpus" / "docs.jsonl"


def _demo(n: int = 80) -> tuple[list[str], list[str | None]]:
    rows = [json.loads(line) for line in DEMO.read_text(encoding="utf-8").splitlines()[:n]]
    return [r["text"] for r in rows], [r.get("title") for r in rows]


def _reference(features: list[Counter]) -> tuple[sp.csr_matrix, np.ndarray]:
    """TF-IDF as one dict per document gives it: columns numbered by first use."""
    vocab: dict[str, int] = {}
    indptr, indices, data = [0], [], []
    for f in features:
        for key, count in f.items():
            indices.append(vocab.setdefault(key, len(vocab)))
            data.append(count)
        indptr.append(len(indices))
    n = len(features)
    x = sp.csr_matrix((np.asarray(data, float), np.asarray(indices, np.int64), np.asarray(indptr, np.int64)),
                      shape=(n, len(vocab)))
    x.sum_duplicates()
    df = np.bincount(x.indices, minlength=len(vocab))
    x.data = (1 + np.log(x.data)) * (np.log((n + 1) / (df + 1)) + 1)[x.indices]
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1 / norms) @ x), df


def test_rows_give_back_each_documents_features_in_their_order():
    texts, titles = _demo()
    counters = [event_features(t, h) for t, h in zip(texts, titles)] + [Counter()]
    rows = FeatureRows.build(counters)
    assert len(rows) == len(counters)
    for r, c in zip(range(len(rows)), counters):
        assert list(rows[r].items()) == [(k, float(v)) for k, v in c.items()]
    assert len(rows.vocab) == len({k for c in counters for k in c})  # one id per feature
    assert rows.ids.nbytes + rows.weights.nbytes < 16 * sum(map(len, counters)) + 1


@pytest.mark.parametrize("norm_rows", [65_536, 3])
def test_vectors_equal_the_per_document_counters_in_any_row_order(norm_rows, monkeypatch):
    monkeypatch.setattr(vectors, "NORM_ROWS", norm_rows)  # the norms a block of rows at a time
    texts, titles = _demo()
    counters = [event_features(t, h) for t, h in zip(texts, titles)] + [Counter()]
    rows = FeatureRows.build(counters)
    order = np.arange(len(counters))
    random.Random(3).shuffle(order)
    for o in (None, order):
        got = vectorize(rows, o)
        want, df = _reference(counters if o is None else [counters[i] for i in o])
        assert np.array_equal(got.df, df)
        assert np.array_equal(got.matrix.indptr, want.indptr) and np.array_equal(got.matrix.indices, want.indices)
        assert np.array_equal(got.matrix.data, want.data)  # bit for bit: the same sums in the same order


def test_known_rows_are_taken_as_they_are_from_any_vocabulary():
    texts, titles = _demo(30)
    cfg = Config()
    everything = features_of(texts, titles, cfg)
    other = FeatureRows.build([event_features(texts[5], titles[5])])  # its own vocabulary
    known: list = [None] * len(texts)
    known[2] = everything.ref(2)
    known[5] = FeatureRef(other, 0)
    known[7] = {"w:invented": 2.0}  # a stored row: used as given, not computed
    calls = []

    def mapper(f, tasks):
        tasks = list(tasks)  # an iterator: made as the map takes them
        calls.append(sum(len(t[0]) for t in tasks))
        return map(f, tasks)
    got = features_of(texts, titles, cfg, known, mapper)
    assert calls == [len(texts) - 3]
    assert got.vocab is everything.vocab  # the referred rows' vocabulary: copied as ids
    for i in range(len(texts)):
        assert got[i] == ({"w:invented": 2.0} if i == 7 else everything[i]), i
    assert FeatureVocab().ids(["a", "b", "a"]) == [0, 1, 0]


def test_chunks_made_in_other_vocabularies_join_as_one_table():
    """What the workers send (a chunk's rows in the worker's own vocabulary, pickled) joins
    into the rows one vocabulary gives the same documents."""
    import pickle
    texts, titles = _demo(60)
    counters = [event_features(t, h) for t, h in zip(texts, titles)]
    chunks = [pickle.loads(pickle.dumps(FeatureRows.build(counters[k:k + 25]))) for k in range(0, 60, 25)]
    whole = FeatureRows.build(counters)
    joined = FeatureRows.concat(chunks)
    assert len(joined) == 60 and joined.ids.dtype == np.int32
    assert [joined[i] for i in range(60)] == [whole[i] for i in range(60)]
    assert joined.vocab.keys == whole.vocab.keys  # numbered in the same first-use order


def _same_rows(x: FeatureRows, y: FeatureRows) -> None:
    assert x.vocab.keys == y.vocab.keys
    assert x.indptr.tolist() == y.indptr.tolist()
    assert x.ids.tolist() == y.ids.tolist()
    assert x.weights.tolist() == y.weights.tolist()


def test_a_chunk_from_feature_ids_is_the_rows_of_its_counters(monkeypatch):
    from retold.story import features_chunk
    from retold.story import features as fmod
    texts, titles = _demo(120)
    texts[3], titles[3] = "", None  # a document with no features keeps its (empty) row
    want = FeatureRows.build(event_features(t, h, 3.0) for t, h in zip(texts, titles))
    _same_rows(features_chunk(texts, titles, 3.0), want)
    # the ids start afresh inside a chunk (the worker's feature strings grew past their cap):
    # the chunk is made from the strings instead
    monkeypatch.setattr(fmod._Entries, "MAX", 50)
    got = features_chunk(texts, titles, 3.0)
    assert len(fmod._ENTRIES.strings) < 5000  # it did start afresh
    _same_rows(got, want)


def test_weights_are_narrowed_only_when_every_value_stays_the_same():
    counts = FeatureRows.build([{"w:a": 1.0, "e:B": 3.0}, {"w:a": 2.0, "n:1987": 6.0}])
    assert counts.weights.dtype == np.float32
    assert [counts[0], counts[1]] == [{"w:a": 1.0, "e:B": 3.0}, {"w:a": 2.0, "n:1987": 6.0}]
    fine = FeatureRows.build([{"w:a": 0.1, "e:B": 3.0}])  # 0.1 has no float32 of the same value
    assert fine.weights.dtype == np.float64 and fine[0] == {"w:a": 0.1, "e:B": 3.0}
    # the matrix is the same whichever way the weights are held
    wide = FeatureRows(counts.vocab, counts.indptr, counts.ids, counts.weights.astype(np.float64))
    wide.weights = counts.weights.astype(np.float64)
    a, b = vectorize(counts).matrix, vectorize(wide).matrix
    assert np.array_equal(a.data, b.data) and np.array_equal(a.indices, b.indices)
