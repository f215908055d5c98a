"""Pairs published apart must share specific facts to keep their story similarity."""
import dataclasses

import numpy as np
import scipy.sparse as sp

from retold import story as S
from retold.config import Config
from retold.story.neighbours import Specificity, evidence_factor, specific_features


def test_evidence_factor_asks_only_pairs_published_apart():
    # 60 documents: features 0-1 in the first 2 (specific), feature 2 in 4 (weight (2/4)^2),
    # feature 3 in all 60 (weight under SPECIFIC_MIN_WEIGHT: left out)
    x = np.zeros((60, 4))
    x[:2, :2] = 1
    x[:4, 2] = 1
    x[:, 3] = 1
    x = sp.csr_matrix(x)
    rare = specific_features(x, np.asarray((x > 0).sum(axis=0)).ravel(), max_df=2)
    assert rare.shape[1] == 3
    spec = Specificity(max_df=2, count=2.0, floor=0.3, after_days=1.0)
    days = np.full(60, 40.0)
    days[0], days[59] = 0.0, np.nan
    rows, cols = np.array([0, 0, 0, 1, 0]), np.array([1, 3, 50, 2, 59])
    f = evidence_factor(rare, days, rows, cols, spec)
    assert f[0] == 1.0  # apart, two specific features shared (and more)
    assert abs(f[1] - (0.3 + 0.7 * 0.25 / 2)) < 1e-12  # apart, a feature of 4 documents shared
    assert abs(f[2] - 0.3) < 1e-12  # apart, only the feature of every document: the floor
    assert f[3] == 1.0  # same day: not asked
    assert f[4] == 1.0  # undated: not asked
    half = evidence_factor(rare, days, rows[:1], cols[:1], dataclasses.replace(spec, count=4.5))
    assert abs(half[0] - (0.3 + 0.7 * 2.25 / 4.5)) < 1e-12


def _beat(n_filler=40):
    """One neighbourhood's shootings over a year, each its own victim, block and wording (the
    beat's shared formula is blanked before the story model reads a text), and one case told
    again at its trial months later: the victim's name and the block kept."""
    first = ["Darnell", "Tyrese", "Marcus", "Jalen", "Andre", "Corey", "Devon", "Malik"]
    last = ["Okafor", "Whitlock", "Pemberton", "Ashworth", "Fairbanks", "Lindqvist"]
    victims = [f"{f} {g}" for g in last for f in first]
    verbs = ["was wounded", "was killed", "was hurt", "was struck", "was injured"]
    places = ["outside a store", "on a porch", "in an alley", "in a parked car", "near a school",
              "at a bus stop", "during a party"]
    times = ["early Sunday", "late Friday", "Tuesday night", "Monday afternoon", "Saturday evening"]
    texts, dates = [], []
    for k in range(n_filler):
        texts.append(f"{victims[k]}, {18 + k % 30}, {verbs[k % 5]} {places[k % 7]} in the "
                     f"{3100 + 100 * k} block of {last[(k + 1) % 6]} Avenue in East Garfield Park "
                     f"{times[k % 5]}, police said.")
        dates.append(f"2016-{1 + k % 12:02d}-{1 + (7 * k) % 27:02d}")
    texts.append(f"Opening statements began in the trial of the man charged with shooting "
                 f"{victims[0]} in the 3100 block of {last[1]} Avenue in East Garfield Park. "
                 f"Prosecutors told jurors the shooting followed an argument.")
    dates.append("2016-05-20")
    return texts, dates


def test_look_alike_reports_apart_weigh_less_than_a_case_told_again():
    texts, dates = _beat()
    pairs = np.array([[0, 1], [0, len(texts) - 1]])  # two victims' reports; one case at trial
    scores = {}
    for floor in (1.0, Config().story_specific_floor):
        cfg = dataclasses.replace(Config(), story_specific_floor=floor)
        model = S.build_model(texts, [None] * len(texts), dates, cfg)
        scores[floor] = S.pair_story_scores(model, pairs, cfg)
    spec = S.specificity(cfg)
    factor = evidence_factor(specific_features(model.vectors.matrix, model.vectors.df, spec.max_df),
                             model.days, pairs[:, 0], pairs[:, 1], spec)
    # the look-alikes share the place and some beat words, the trial report the victim and block
    assert factor[0] < 0.7 and factor[1] > 0.9
    # so the look-alike pair loses a fifth of its story similarity, the trial report little
    assert scores[cfg.story_specific_floor][0] < 0.8 * scores[1.0][0]
    assert scores[cfg.story_specific_floor][1] > 0.9 * scores[1.0][1]
    assert scores[cfg.story_specific_floor][1] > scores[cfg.story_specific_floor][0]
