import numpy as np

from retold.classify import relation
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


def test_relation_rules_in_order():
    cfg = Config()
    assert relation(Scores(), True, 0, cfg) == "exact"
    assert relation(Scores(resemblance=0.85), False, 500, cfg) == "near_duplicate"
    spun = Scores(resemblance=0.05, coverage_a=0.1, coverage_b=0.1, parallel=0.8, reworded=0.6, story=0.7)
    assert relation(spun, False, 150, cfg) == "rewrite"
    quoted = Scores(resemblance=0.05, coverage_a=0.3, coverage_b=0.1, parallel=0.3, reworded=0.0, story=0.2)
    assert relation(quoted, False, 300, cfg) == "reuse"
    assert relation(Scores(story=0.9), False, 0, cfg) == "same_story"
    assert relation(Scores(story=0.1), False, 0, cfg) == "unrelated"
