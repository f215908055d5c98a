"""Formula learnt from the corpus: phrasing spread over many stories, a site's stories, or
many sites over months, counts as no evidence of copying."""
import json

import numpy as np

import retold
from retold.config import Config
from retold.sketch.formula import covered_by, covered_by_rank, formula_grams, site_lasting_grams, syndicated_grams
from retold.text.normalise import tokenize
from retold.text.shingle import shingles


def g(*xs):
    return np.array(xs, dtype=np.uint64)


def test_spread_over_stories_not_documents():
    # gram 7 is in five documents of one story (a reprinted article): specific;
    # gram 9 is in three documents of three stories (a formula)
    docs = [g(7, 1), g(7, 2), g(7, 3), g(7), g(7, 9), g(9, 4), g(9, 5)]
    stories = np.array([0, 0, 0, 0, 0, 1, 2])
    assert formula_grams(docs, stories, 3).tolist() == [9]


def test_a_sites_own_phrase_across_two_of_its_stories():
    docs = [g(5), g(5), g(6), g(6)]
    stories = np.array([0, 1, 0, 1])
    sources = np.array([0, 0, 1, 2])  # 5: one site, two stories; 6: two sites
    assert formula_grams(docs, stories, 3, sources, 2).tolist() == [5]
    # documents without a source are each a site of their own
    assert formula_grams(docs, stories, 3, np.array([-1, -1, 1, 2]), 2).tolist() == []


def test_syndicated_widget_needs_many_sites_months_other_stories_and_repeats():
    docs = [g(8, 1), g(8, 2), g(8, 3), g(4), g(4), g(4)]
    sources = np.array([0, 1, 2, 3, 4, 5])
    days = np.array([0.0, 200.0, 400.0, 0.0, 1.0, 2.0])  # gram 4 spreads in days: a reprint
    assert syndicated_grams(docs, sources, 3, days, 30.0).tolist() == [8]
    one_story = np.zeros(6, dtype=np.int64)
    assert formula_grams(docs, one_story, 3, sources, 0, 3, None, days, 30.0).tolist() == []
    two_stories = np.array([0, 1, 1, 2, 2, 2])
    # once per site: a case's background paragraph reprinted by three sites, one of them with
    # a follow-up months later that the stories split off; not formula
    assert formula_grams(docs, two_stories, 3, sources, 0, 3, None, days, 30.0).tolist() == []
    # a widget also repeats beside another article of one of its sites
    docs.append(g(8, 9))
    sources, days = np.append(sources, 1), np.append(days, 300.0)
    two_stories = np.append(two_stories, 3)
    assert formula_grams(docs, two_stories, 3, sources, 0, 3, None, days, 30.0).tolist() == [8]


def test_a_sites_wording_months_apart_is_read_past_by_the_story_model():
    # gram 3: one site's tip line in two reports five months apart; gram 4: one site's two
    # reports of one event a day apart; gram 5: two sites months apart (a reprint: not one site);
    # gram 6: undated on one site
    docs = [g(3, 4), g(4), g(3), g(5), g(5), g(6), g(6)]
    sources = np.array([0, 0, 0, 1, 2, 3, 3])
    days = np.array([0.0, 1.0, 150.0, 0.0, 90.0, np.nan, np.nan])
    assert site_lasting_grams(docs, sources, days, 30.0).tolist() == [3]
    assert site_lasting_grams(docs, np.full(7, -1), days, 30.0).tolist() == []  # no source: no site


def test_covered_by_cover_every_token_of_a_formula_gram():
    toks = tokenize("anyone with information is asked to call police at once")
    grams = shingles(toks.hashes, 5)
    mask = covered_by(grams, np.sort(grams[[1]]), len(toks), 5)
    assert mask.tolist() == [False, True, True, True, True, True, False, False, False, False]


def test_covered_by_rank_is_covered_by_over_a_subset_of_the_texts_grams():
    # texts of every length around the n-gram size (a text shorter than n is one gram), with
    # repeated grams, against random subsets of their distinct grams
    rng = np.random.default_rng(7)
    for n_tokens in [1, 2, 4, 5, 6, 9, 40, 300]:
        for n in (3, 5):
            hashes = rng.integers(0, 6, n_tokens).astype(np.uint64)  # few words: grams repeat
            grams = shingles(hashes, n)
            unique = np.unique(grams)
            rank = np.searchsorted(unique, grams)
            for _ in range(5):
                flags = rng.random(len(unique)) < 0.3
                want = covered_by(grams, unique[flags], n_tokens, n)
                assert covered_by_rank(rank, flags, n_tokens, n).tolist() == want.tolist()
    assert covered_by_rank(np.zeros(0, np.int64), np.zeros(0, bool), 3, 5).tolist() == [False] * 3


FORMULA = "Anyone with information about the shooting is asked to call the tip line at 555-0100."
COPIED = ("The mayor of Riverton announced on Tuesday that the old tannery on Mill Street will "
          "become a public library with a rooftop garden and a maker space for children.")


EVENTS = [
    "A man was wounded in Ashford late on Saturday after an argument outside a bar.",
    "Two teenagers were hurt when shots were fired at a birthday party in Belmont.",
    "A delivery driver was robbed at gunpoint near the Carver rail station on Monday.",
    "Officers found a woman with a gunshot wound in a parked car in Dunmore overnight.",
    "A shop owner in Easton fired at burglars who broke in through the back door.",
    "Three people were taken to hospital after a drive-by shooting in Fairview.",
]


def _story(k: int) -> str:
    return f"{EVENTS[k]} Detectives are still looking for witnesses.\n\n{FORMULA}"


def test_run_learns_the_formula_and_compare_reads_it_from_the_store(tmp_path):
    recs = [{"id": f"s{k}", "text": _story(k), "source": f"site{k}.example",
             "date": f"2020-0{k + 1}-01"} for k in range(6)]
    recs.append({"id": "lib", "text": COPIED + "\n\nIt opens in May.", "source": "a.example"})
    recs.append({"id": "lib-copy", "text": "From our partners.\n\n" + COPIED, "source": "b.example"})
    src = tmp_path / "docs.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in recs))
    store = tmp_path / "retold.duckdb"
    r = retold.run([src], out=tmp_path / "run", store=store)
    rel = {frozenset((p["a"], p["b"])): p["relation"] for p in r.table("pairs").to_pylist()}
    # the tip line is in six stories: two reports sharing it are not a reuse
    assert not any(rel.get(frozenset((f"s{i}", f"s{j}"))) in ("reuse", "rewrite", "near_duplicate")
                   for i in range(6) for j in range(i + 1, 6))
    # a real copied passage still is
    assert rel[frozenset(("lib", "lib-copy"))] in ("reuse", "near_duplicate")
    a, b = _story(0), _story(1)
    assert retold.compare(a, b).relation == "reuse"  # alone, the shared line looks copied
    assert retold.compare(a, b, store=store).relation != "reuse"


def test_recurring_report_counts_its_weeks_when_asked():
    # gram 3 comes back in one story over five weeks (a weekly tender); gram 2 in one week
    docs = [g(3, 2), g(3, 2), g(3), g(3), g(3)]
    stories = np.zeros(5, dtype=np.int64)
    days = np.array([0.0, 1.0, 8.0, 15.0, 29.0])
    assert formula_grams(docs, stories, 3, None, 0, 0, None, days, 30.0, 4, 7.0).tolist() == [3]
    assert formula_grams(docs, stories, 3, None, 0, 0, None, days, 30.0, 0, 7.0).tolist() == []


def test_the_rules_give_the_same_grams_over_parts_of_the_hash_space(monkeypatch, tmp_path):
    from retold.sketch import formula as mod
    rng = np.random.default_rng(11)
    # 400 documents drawing from a small pool of grams spread over the whole hash space, so
    # that every rule finds some, with sources, dates and stories of their own
    pool = rng.integers(0, 2**64 - 1, size=600, dtype=np.uint64)
    docs = [np.unique(rng.choice(pool, size=int(rng.integers(1, 30)))) for _ in range(400)]
    for k in (0, 7, 8, 200, 399):  # documents without grams (first, last, two in a row) keep their places
        docs[k] = np.zeros(0, dtype=np.uint64)
    stories = rng.integers(0, 60, size=400)
    sources = rng.integers(-1, 12, size=400)
    days = np.where(rng.random(400) < 0.1, np.nan, rng.uniform(0, 400, size=400))

    def every_rule():
        return (mod.formula_grams(docs, stories, 3, sources, 2, 3, None, days, 30.0, 2, 7.0),
                mod.syndicated_grams(docs, sources, 3, days, 30.0),
                mod.site_lasting_grams(docs, sources, days, 30.0))
    whole = every_rule()
    monkeypatch.setattr(mod, "PART_ROWS", 50)  # about 6,000 rows: 128 parts
    parts = every_rule()
    for w, p in zip(whole, parts):
        assert len(w) > 5  # each rule found something to compare
        assert np.array_equal(w, p)
    # the engine's sketch (one flat array), read in place; and rows of a bigger sketch whose
    # other documents' grams lie between the chosen ones and must not be read
    from retold.sketch.ragged import Ragged
    lists = docs
    docs = Ragged.of(lists)
    assert all(np.array_equal(a, b) for a, b in zip(docs, lists))
    for w, p in zip(whole, every_rule()):
        assert np.array_equal(w, p)
    # read a block of hashes at a time, from the heap and from a read-only map of a run file
    # (io/mapped.py) whose pages each block gives back
    from retold.io import mapped
    monkeypatch.setattr(mod, "GATHER_ROWS", 97)
    for w, p in zip(whole, every_rule()):
        assert np.array_equal(w, p)
    docs.flat.astype("<u8").tofile(tmp_path / "grams.u64")
    docs = Ragged(mapped.map_raw(tmp_path / "grams.u64", "<u8"), docs.lengths)
    for w, p in zip(whole, every_rule()):
        assert np.array_equal(w, p)
    monkeypatch.setattr(mod, "GATHER_ROWS", 1 << 22)
    noise = [rng.choice(pool, size=5) for _ in range(400)]  # other documents: would add grams
    bigger = Ragged.of([g for pair in zip(noise, lists) for g in pair])
    docs = bigger.rows(np.arange(1, 800, 2))
    assert not docs.packed()
    for w, p in zip(whole, every_rule()):
        assert np.array_equal(w, p)
    order = np.arange(400)[::-1]  # rows out of order: joined first, then read the same
    docs = bigger.rows(np.arange(1, 800, 2)[order])
    reversed_rules = every_rule()
    docs = [lists[k] for k in order]
    for w, p in zip(every_rule(), reversed_rules):
        assert np.array_equal(w, p)
    docs = bigger.rows(np.arange(1, 800, 2))
    monkeypatch.setattr(mod, "PART_ROWS", 10**9)  # one part, the same reading
    for w, p in zip(whole, every_rule()):
        assert np.array_equal(w, p)
