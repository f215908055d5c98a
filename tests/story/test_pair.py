import math

import pytest

from retold import compare
from retold.compare import profile
from retold.config import Config
from retold.model import Document
from retold.story.pair import (FEATURES, coefficients, pair_story_score, story_probability, story_view,
                               view_features)

CFG = Config()
A = ("Firefighters battled a blaze at the Maple Grove paper mill in Tarnow on Tuesday. "
     "Officials said 3 workers were hurt and the mill was evacuated.")
B = ("Three workers were hurt on Tuesday when fire broke out at the Maple Grove mill, "
     "Tarnow officials said. Firefighters evacuated the mill.")
C = ("The Hawks beat the Falcons 102 to 97 in Atlanta on Sunday night. "
     "Jordan Miles scored 31 points for the Hawks.")


def _p(text, title=None, date=None):
    return profile(Document("x", text, title, date), CFG)


def test_score_is_a_probability_that_ranks_stories():
    same, other = pair_story_score(_p(A), _p(B)), pair_story_score(_p(A), _p(C))
    assert 0.0 <= other < CFG.story_threshold <= same <= 1.0
    assert pair_story_score(_p(A), _p(A)) > 0.99
    assert pair_story_score(_p(B), _p(A)) == same  # symmetric


def test_empty_text_scores_zero():
    assert pair_story_score(_p(""), _p(A)) == 0.0


def test_features_names_lead_and_title():
    f = view_features(story_view(_p(A)), story_view(_p(B)))
    assert set(f) == set(FEATURES)
    assert 0.3 < f["content"] < 1.0
    assert f["dated"] == 0.0 and f["log_days"] == 0.0
    # a shared name weighs more than a shared common word
    name = view_features(story_view(_p("Tarnow mill fire")), story_view(_p("Tarnow lake walk")))
    word = view_features(story_view(_p("Tarnow mill fire")), story_view(_p("Dunmore mill walk")))
    assert name["content"] > word["content"]
    titled = view_features(story_view(_p(A, title="Fire at Tarnow mill - The Daily Bugle")),
                           story_view(_p(B, title="Tarnow mill fire | News")))
    assert titled["content"] > f["content"]  # the title's words count, the site name does not


def test_dates_close_help_dates_far_apart_hurt():
    undated = pair_story_score(_p(A), _p(B))
    close = pair_story_score(_p(A, date="2014-03-04"), _p(B, date="2014-03-05"))
    far = pair_story_score(_p(A, date="2014-03-04"), _p(B, date="2016-09-01"))
    assert far < undated < close
    f = view_features(story_view(_p(A, date="2014-03-04")), story_view(_p(B, date="2014-03-14")))
    assert f["dated"] == 1.0 and f["log_days"] == pytest.approx(math.log(11))


def test_shipped_coefficients_and_logistic():
    c = coefficients()
    assert set(c) == {"intercept", *FEATURES}
    assert c["content"] > 0 and c["dated"] > 0 and c["log_days"] < 0
    zero = {k: 0.0 for k in FEATURES}
    assert story_probability(zero) == pytest.approx(1 / (1 + math.exp(-c["intercept"])))
    assert story_probability(zero, {"intercept": -1e6, **{k: 0.0 for k in FEATURES}}) == 0.0


def test_compare_reports_the_pair_score_and_same_story():
    r = compare(Document("a", A), Document("b", B))
    assert r.relation == "same_story"
    assert r.scores.story == round(pair_story_score(_p(A), _p(B)), 4)
    assert compare(A, C).relation == "unrelated"
