import numpy as np

from retold.classify import Evidence, relation
from retold.cluster.components import components, group_ids
from retold.config import Config
from retold.engine.stages import cluster, exact_groups
from retold.model import Scores


def test_components_and_stable_readable_ids():
    labels = components(5, np.array([[0, 1], [1, 2]]))
    assert labels[0] == labels[1] == labels[2] and labels[3] != labels[4] != labels[0]
    ids = group_ids(["d", "b", "c", "x", "y"], labels, "fam")
    assert ids[:3] == ["fam:b"] * 3 and ids[3] == "fam:x"


def test_same_story_links_stories_but_not_families():
    fam, story = cluster(["a", "b", "c"], [(0, 1, "rewrite"), (1, 2, "same_story")])
    assert fam[0] == fam[1] != fam[2]
    assert story[0] == story[1] == story[2]


def test_exact_group_representative_is_the_earliest_dated():
    rep, pairs = exact_groups(["h1", "h2", "h1", "h1"], [None, None, "2020-01-02", "2020-01-01"])
    assert rep.tolist() == [3, 1, 3, 3]
    assert sorted(map(tuple, pairs.tolist())) == [(3, 0), (3, 2)]


def test_exact_group_representative_does_not_follow_the_input_order():
    """Undated or equally dated copies: the smallest id represents the group, whatever the
    order the documents came in (dated ones still win over undated)."""
    docs = [("web/b", "h1", None), ("web/a", "h1", None), ("web/c", "h1", None),
            ("x", "h2", "2020-01-05"), ("y", "h2", "2020-01-05"), ("z", "h2", None)]
    for order in ([0, 1, 2, 3, 4, 5], [2, 0, 1, 5, 4, 3], [1, 2, 0, 4, 5, 3]):
        ids = [docs[k][0] for k in order]
        rep, _ = exact_groups([docs[k][1] for k in order], [docs[k][2] for k in order], ids)
        assert {ids[i]: ids[r] for i, r in enumerate(rep.tolist())} == {
            "web/a": "web/a", "web/b": "web/a", "web/c": "web/a", "x": "x", "y": "x", "z": "x"}


def test_relation_rules_in_order():
    cfg = Config()
    assert relation(Scores(), Evidence(exact=True), cfg) == "exact"
    assert relation(Scores(resemblance=0.85), Evidence(chars=500), cfg) == "near_duplicate"
    spun = Scores(resemblance=0.05, coverage_a=0.1, coverage_b=0.1, parallel=0.8, reworded=0.6, story=0.7,
                  fact_cover=0.9)
    assert relation(spun, Evidence(chars=150, coverage_a=0.1, coverage_b=0.1), cfg) == "rewrite"
    # too few facts to tell a re-told item from a form filled in again: neither is claimed
    unknown = Scores(**{**vars(spun), "fact_cover": None})
    assert relation(unknown, Evidence(chars=150, coverage_a=0.1, coverage_b=0.1), cfg) == "reuse"
    # the same wording around other facts is a template
    refilled = Scores(**{**vars(spun), "fact_cover": 0.3})
    assert relation(refilled, Evidence(chars=150, coverage_a=0.1, coverage_b=0.1), cfg) == "template"
    # a third of the facts changed: one source's form filled in again, but across sources
    # (two agencies on one case, naming other people) still shared text
    partly = Scores(**{**vars(spun), "fact_cover": 0.65})
    assert relation(partly, Evidence(chars=150, coverage_a=0.1, coverage_b=0.1, same_source=True), cfg) == "template"
    assert relation(partly, Evidence(chars=150, coverage_a=0.1, coverage_b=0.1), cfg) == "reuse"
    # a short text naming two of a long source's many facts is not that source filled in again
    assert relation(refilled, Evidence(chars=150, coverage_a=0.1, coverage_b=0.1, facts_both=False),
                    cfg) == "reuse"
    quoted = Scores(resemblance=0.05, coverage_a=0.3, coverage_b=0.1, parallel=0.3, reworded=0.0, story=0.2)
    assert relation(quoted, Evidence(chars=300, coverage_a=0.3, coverage_b=0.1), cfg) == "reuse"
    assert relation(Scores(story=0.9), Evidence(), cfg) == "same_story"
    assert relation(Scores(story=0.1), Evidence(), cfg) == "unrelated"


def test_a_phrase_is_not_a_shared_passage():
    """In a short item a name or price phrase covers a fifth of it; reuse asks for a passage of
    reuse_coverage_chars (80 characters: about a sentence) unless it is nearly a whole side."""
    cfg = Config()
    s = Scores(resemblance=0.03, parallel=0.2, story=0.9)
    phrase = Evidence(chars=55, coverage_a=0.2, coverage_b=0.05)  # "guaranteed by the crown ..."
    assert relation(s, phrase, cfg) == "same_story"
    sentence = Evidence(chars=95, coverage_a=0.2, coverage_b=0.05)
    assert relation(s, sentence, cfg) == "reuse"
    brief = Evidence(chars=55, coverage_a=0.85, coverage_b=0.3)  # a two-line brief quoted whole
    assert relation(s, brief, cfg) == "reuse"
    assert relation(s, Evidence(chars=55, coverage_a=0.2), cfg.replace(reuse_coverage_chars=50)) == "reuse"


def test_template_keeps_the_wording_and_changes_the_facts():
    """Aligned end to end, or sentence by sentence, but with other names and figures: a
    form filled in twice, never a copy (and never a family)."""
    cfg = Config()
    form = Scores(resemblance=0.3, coverage_a=0.9, coverage_b=0.9, identity=0.95, parallel=0.9,
                  reworded=0.5, story=0.6, facts=0.1)
    assert relation(form, Evidence(chars=0), cfg) == "template"
    assert relation(Scores(resemblance=0.9, facts=0.2), Evidence(), cfg) == "template"
    # the same scores with the facts kept are a copy
    kept = Scores(**{**vars(form), "facts": 0.9})
    assert relation(kept, Evidence(chars=400, coverage_a=0.5, coverage_b=0.5), cfg) == "near_duplicate"
    # a reworded copy needs shared specific text, not formula alone
    spun = Scores(resemblance=0.05, parallel=0.8, reworded=0.6, story=0.7, facts=0.9)
    assert relation(spun, Evidence(chars=0), cfg) != "rewrite"


def test_reuse_links_families_only_through_copies():
    fam, story = cluster(["a", "b", "c", "d"], [(0, 1, "rewrite"), (1, 2, "reuse"), (2, 3, "template")])
    assert fam[0] == fam[1] and fam[2] != fam[1] and fam[3] != fam[2]


def test_components_group_as_scipy_does():
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components
    rng = np.random.default_rng(0)
    for _ in range(200):
        n, m = int(rng.integers(1, 60)), int(rng.integers(1, 80))
        edges = rng.integers(0, n, size=(m, 2))
        got = components(n, edges)
        _, want = connected_components(coo_matrix((np.ones(m), (edges[:, 0], edges[:, 1])), shape=(n, n)),
                                       directed=False)
        # the same partition (labels themselves mean nothing)
        assert np.array_equal(got[:, None] == got[None, :], want[:, None] == want[None, :])
