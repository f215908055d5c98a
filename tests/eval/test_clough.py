"""Relation level on Clough & Stevenson's plagiarised short answers (95 answers, classes cut /
light / heavy / non): retold's own relation, and a depth <= 3 tree over retold's named scores
under stratified 5-fold CV. Method: retold/eval/clough.py."""
import numpy as np
import pytest

from retold.eval import clough

from .conftest import shared

# Measured 2026-11-25, aligner with 15-token gapped chains (README "Quality"):
#   retold relation: derived (near_duplicate / reuse / rewrite) vs non (same_story /
#     unrelated) accuracy 0.968 (0.958 before); non answers called derived 0 of 38
#   tree, 5-fold stratified CV, seed 13: 4-class 0.684, derived vs non 0.947
#     (10 other seeds: mean 0.676, min 0.653, max 0.705). Before the aligner change the tree
#     reached 0.726 (mean 0.737): dropping short gapped chains took light/heavy evidence away,
#     the price of PAN precision (all tolerant 0.893 -> 0.917). Issue 4 must add scores of how
#     much aligned text was changed to win it back.
#   cut answers copying off-source text: g2pE_taskc, g4pD_taskb (nothing from the source),
#     g4pE_taskc, g1pD_taskb, g1pA_taskd, g2pA_taskd (most of it)
# Goal for later: 4-class >= 0.85 (logistic regression baseline 0.761).
# Floors sit about one answer (0.0105) below, two for the CV tree whose folds are small.
RELATION_2CLASS_FLOOR = 0.957
NON_CALLED_DERIVED_CEILING = 1
TREE_4CLASS_FLOOR = 0.663
TREE_2CLASS_FLOOR = 0.936
TREE_SEEDS_MEAN_FLOOR = 0.66
OFF_SOURCE = {"g2pE_taskc.txt", "g4pD_taskb.txt", "g4pE_taskc.txt", "g1pD_taskb.txt",
              "g1pA_taskd.txt", "g2pA_taskd.txt"}


@pytest.fixture(scope="module")
def report():
    answers = clough.load(shared("clough-stevenson-short-answers"))
    assert len(answers) == 95
    assert sorted(np.unique([a.label for a in answers], return_counts=True)[1]) == [19, 19, 19, 38]
    rep = clough.evaluate(clough.compare_all(answers))
    print("\n" + clough.format_matrix(rep["relation_confusion"], clough.CLASSES, clough.RELATIONS))
    spread = np.mean(rep["tree_accuracy_other_seeds"])
    print(f"relation 2-class {rep['relation_2class_accuracy']:.3f}; tree 4-class {rep['tree_accuracy']:.3f} "
          f"2-class {rep['tree_2class_accuracy']:.3f}; other seeds {spread:.3f}")
    print(clough.format_matrix(rep["tree_confusion"], clough.CLASSES, clough.CLASSES))
    return rep


def test_retold_relation_separates_derived_from_non(report):
    assert report["relation_2class_accuracy"] >= RELATION_2CLASS_FLOOR
    m = report["relation_confusion"]
    non = m[clough.CLASSES.index("non")]
    derived_cols = [clough.RELATIONS.index(r) for r in ("exact", "near_duplicate", "reuse", "rewrite")]
    assert non[derived_cols].sum() <= NON_CALLED_DERIVED_CEILING


def test_tree_over_named_scores(report):
    assert report["tree_accuracy"] >= TREE_4CLASS_FLOOR
    assert report["tree_2class_accuracy"] >= TREE_2CLASS_FLOOR
    assert np.mean(report["tree_accuracy_other_seeds"]) >= TREE_SEEDS_MEAN_FLOOR
    assert all(d <= 3 for d, _ in report["tree_params_per_fold"])


def test_off_source_cut_answers(report):
    listed = {f for f, share, _ in report["off_source_cut"] if share >= clough.OFF_SOURCE}
    assert listed == OFF_SOURCE
    # retold's containment agrees: each of them has under a third of its word n-grams in the source
    assert all(cont < 0.33 for f, share, cont in report["off_source_cut"] if f in OFF_SOURCE)


# --- the learner itself ------------------------------------------------------------------------


def test_stratified_folds_are_balanced_and_fixed():
    y = np.array([0] * 19 + [1] * 19 + [2] * 19 + [3] * 38)
    fold = clough.stratified_folds(y, 5, seed=13)
    for c in range(4):
        sizes = np.bincount(fold[y == c], minlength=5)
        assert sizes.max() - sizes.min() <= 1
    assert (fold == clough.stratified_folds(y, 5, seed=13)).all()


def test_tree_learns_thresholds_and_respects_depth():
    rng = np.random.RandomState(0)
    X = rng.rand(200, 3)
    y = (X[:, 1] > 0.5).astype(int) + 2 * (X[:, 2] > 0.3).astype(int)  # 4 classes, two cuts
    tree = clough.fit_tree(X, y, 4, max_depth=2)
    assert (clough.predict(tree, X) == y).all()
    assert {tree.feature, tree.left.feature, tree.right.feature} == {1, 2}
    stump = clough.fit_tree(X, y, 4, max_depth=1)
    assert stump.left.feature == -1 and stump.right.feature == -1
    pred, chosen = clough.cross_validate(X, y)
    assert (pred == y).mean() > 0.95 and all(d >= 2 for d, _ in chosen)
