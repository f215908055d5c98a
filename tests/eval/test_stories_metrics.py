"""Story clustering metrics (retold/eval/stories.py) on tiny partitions scored by hand."""
import random

import pytest
from sklearn.metrics import adjusted_rand_score

from retold.eval import stories
from retold.eval.stories import StoryDoc, ari, bcubed, pairwise, score, tune_threshold

# gold {0,1,2} {3,4}; pred {0,1} {2,3,4}
GOLD = ["a", "a", "a", "b", "b"]
PRED = [1, 1, 2, 2, 2]


def test_bcubed_hand_computed():
    # precision per item: 1, 1, 1/3, 2/3, 2/3 -> 11/15; recall: 2/3, 2/3, 1/3, 1, 1 -> 11/15
    p, r, f = bcubed(PRED, GOLD)
    assert p == pytest.approx(11 / 15) and r == pytest.approx(11 / 15) and f == pytest.approx(11 / 15)


def test_bcubed_one_big_cluster():
    # every item's cluster is half its gold label: P 1/2, R 1, F1 2/3
    assert bcubed(["x"] * 4, ["a", "a", "b", "b"]) == pytest.approx((0.5, 1.0, 2 / 3))


def test_bcubed_singletons():
    # R: 1/2, 1/2, 1 -> 2/3; F1 = 2 * 1 * 2/3 / (5/3) = 0.8
    assert bcubed([1, 2, 3], ["a", "a", "b"]) == pytest.approx((1.0, 2 / 3, 0.8))


def test_pairwise_hand_computed():
    # pred pairs (0,1) (2,3) (2,4) (3,4); gold pairs (0,1) (0,2) (1,2) (3,4); shared 2
    assert pairwise(PRED, GOLD) == pytest.approx((0.5, 0.5, 0.5))
    # 6 predicted pairs, 2 gold pairs, both found
    assert pairwise(["x"] * 4, ["a", "a", "b", "b"]) == pytest.approx((1 / 3, 1.0, 0.5))


def test_pairwise_no_predicted_pairs_is_vacuous_precision():
    assert pairwise([1, 2, 3], ["a", "a", "b"]) == (1.0, 0.0, 0.0)


def test_ari_hand_computed():
    # index 2, expected 4 * 4 / 10 = 1.6, max 4: (2 - 1.6) / (4 - 1.6) = 1/6
    assert ari(PRED, GOLD) == pytest.approx(1 / 6)
    # expected pairs 6 * 2 / 6 = 2 = index: chance level
    assert ari(["x"] * 4, ["a", "a", "b", "b"]) == pytest.approx(0.0)


def test_ari_matches_sklearn():
    rng = random.Random(7)
    cases = [([1, 2, 3], [4, 5, 6]), ([1, 1, 1], [2, 2, 2]), ([1], [1]), ([1, 2], [3, 3])]
    for _ in range(50):
        n = rng.randint(2, 40)
        cases.append(([rng.randint(0, 5) for _ in range(n)], [rng.randint(0, 8) for _ in range(n)]))
    for pred, gold in cases:
        assert ari(pred, gold) == pytest.approx(adjusted_rand_score(gold, pred), abs=1e-12)


def test_perfect_up_to_renaming():
    s = score([7, 7, 9, 9, 3], ["a", "a", "b", "b", "c"])
    assert (s.bcubed_f1, s.pair_f1, s.ari) == (1.0, 1.0, 1.0)
    assert (s.n_docs, s.n_gold, s.n_pred) == (5, 3, 3)


def test_score_bundles_the_metrics():
    s = score(PRED, GOLD)
    assert (s.bcubed_p, s.bcubed_r, s.bcubed_f1) == bcubed(PRED, GOLD)
    assert (s.pair_p, s.pair_r, s.pair_f1) == pairwise(PRED, GOLD)
    assert (s.ari, s.n_docs, s.n_gold, s.n_pred) == (ari(PRED, GOLD), 5, 2, 2)


def test_bad_input():
    with pytest.raises(ValueError):
        bcubed([1, 2], ["a"])
    with pytest.raises(ValueError):
        pairwise([], [])


def test_tune_threshold_picks_best_bcubed():
    cuts = {0.1: [1, 2, 3, 4, 5], 0.5: PRED, 0.7: [1, 1, 1, 2, 2], 0.9: [1] * 5}
    assert tune_threshold(cuts.__getitem__, GOLD, sorted(cuts)) == (0.7, 1.0)


def test_baseline_on_tiny_docs():
    docs = [StoryDoc(str(i), t, None, None, lab, None) for i, (t, lab) in enumerate([
        ("earthquake hits coastal city of Lima", "q"), ("strong earthquake shakes Lima coast", "q"),
        ("senator resigns after budget scandal", "s"), ("budget scandal forces senator to resign", "s")])]
    labels = stories.tfidf_agglomerative(docs, 0.9)
    assert labels[0] == labels[1] != labels[2] == labels[3]
    assert len(set(stories.tfidf_agglomerative(docs, 0.0))) == 4


def test_missing_data_names_the_path(tmp_path):
    with pytest.raises(FileNotFoundError, match="ecbplus"):
        stories.load_ecbplus(tmp_path)
    with pytest.raises(FileNotFoundError, match="articles.jsonl"):
        stories.load_gva(tmp_path, clean=True)
