"""Story features kept in the store (engine/storycache.py): which a run takes from there."""
from __future__ import annotations

from collections import Counter

import numpy as np

from retold.config import Config
from retold.engine import stages, storycache
from retold.io.storyfeatures import decode, to_table
from retold.model import Document

TEXTS = ["Police said the fire started at the mill on Monday. Anyone with information should call.\nSubscribe now",
         "The mill fire on Monday was put out by noon, police said.\nSubscribe now"]


def _docs():
    return [Document(f"d{i}", t, "Mill fire", "2024-01-0" + str(i + 1), "site.example", None)
            for i, t in enumerate(TEXTS)]


def _stored(docs, batch, unseen, chrome, article):
    plan = storycache.plan_article(docs, batch.anchors, batch.lines, np.arange(len(docs)), unseen, chrome, True)
    plan.unchanged[:] = [a is None for a in article]
    first = [Counter({"w:mill": 1.0}) for _ in docs]
    return to_table([d.doc_id for d in docs], [d.title for d in docs], [d.text for d in docs], first,
                    plan.context, article, "k").to_pydict()


def test_stored_article_features_are_taken_while_the_document_s_context_is_the_same():
    docs = _docs()
    batch = stages.sketch([d.text for d in docs], Config())
    unseen = np.sort(batch.anchors[0][:2])  # two n-grams of the first document are read past
    rows = _stored(docs, batch, unseen, {}, [Counter({"w:police": 2.0}), None])
    of = np.arange(len(docs))
    plan = storycache.plan_article(docs, batch.anchors, batch.lines, of, unseen, {}, True, rows, of)
    assert plan.reuse.tolist() == [True, True]
    assert plan.known[0].as_dict() == {"w:police": 2.0} and plan.known[1] is None
    assert plan.unchanged.tolist() == [False, True]
    # the first document's last line became chrome: its article text is made again
    chrome = {"site.example": {int(batch.lines[0][-1])}}
    plan = storycache.plan_article(docs, batch.anchors, batch.lines, of, unseen, chrome, True, rows, of)
    assert plan.reuse.tolist() == [False, bool(int(batch.lines[0][-1]) not in batch.lines[1].tolist())]
    # another read-past n-gram of the second document's: made again too
    more = np.sort(np.concatenate([unseen, batch.anchors[1][:1]]))
    plan = storycache.plan_article(docs, batch.anchors, batch.lines, of, more, {}, True, rows, of)
    assert not plan.reuse[1]
    # nothing is kept where the sketch's n-grams are not the blanked ones
    assert not storycache.plan_article(docs, batch.anchors, batch.lines, of, unseen, {}, False, rows, of).reuse.any()


def test_features_keep_their_order_through_a_row():
    f = Counter()
    for k in ("w:zeta", "e:alpha", "n:3", "w:beta"):
        f[k] += 1.5
    assert list(decode(to_table(["a"], [None], ["x"], [f], ["c"], [None], "k").column("features")[0].as_py())) \
        == ["w:zeta", "e:alpha", "n:3", "w:beta"]


def test_article_contexts_in_one_pass_are_each_documents_article_context():
    import numpy as np

    from retold.io.storyfeatures import article_context, article_contexts
    from retold.sketch.ragged import Ragged

    rng = np.random.default_rng(8)
    pool = rng.integers(0, 2**64 - 1, size=400, dtype=np.uint64)
    grams = [np.unique(rng.choice(pool, size=int(rng.integers(0, 40)))) for _ in range(60)]
    grams[5] = grams[5][::-1].copy()  # a set not in order: still the same digest
    lines = [rng.choice(pool, size=int(rng.integers(0, 6))) for _ in range(60)]
    chromes = [None if k % 3 == 0 else set(rng.choice(pool, size=30).tolist()) for k in range(60)]
    unseen = np.unique(rng.choice(pool, size=150))
    want = [article_context(g, ln, unseen, c) for g, ln, c in zip(grams, lines, chromes)]
    assert len(set(want)) > 30  # the documents differ in what is read past
    assert article_contexts(grams, lines, unseen, chromes) == want
    # rows of the engine's sketch, other documents' n-grams between them
    bigger = Ragged.of([g for pair in zip(grams, grams[::-1]) for g in pair])
    rows = bigger.rows(np.arange(0, 120, 2))
    assert article_contexts(rows, lines, unseen, chromes) == want
    empty = np.zeros(0, np.uint64)
    assert article_contexts(grams, lines, empty, chromes) == [article_context(g, ln, empty, c)
                                                             for g, ln, c in zip(grams, lines, chromes)]


def test_the_article_contexts_are_the_same_made_a_block_at_a_time(monkeypatch):
    docs = [Document(f"d{i}", TEXTS[i % 2] + f" Update {i}.", "Mill fire", "2024-01-01", "site.example", None)
            for i in range(7)]
    batch = stages.sketch([d.text for d in docs], Config())
    unseen = np.unique(np.concatenate(list(batch.anchors)))[::3]
    chrome = {"site.example": {int(h) for h in batch.lines[0][-1:]}}
    whole = storycache.plan_article(docs, batch.anchors, batch.lines, np.arange(7), unseen, chrome, True)
    monkeypatch.setattr(storycache, "CONTEXT_ROWS", 2)
    blocks = storycache.plan_article(docs, batch.anchors, batch.lines, np.arange(7), unseen, chrome, True)
    assert blocks.context == whole.context and len(set(whole.context)) > 1
