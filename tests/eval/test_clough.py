"""Relation level on Clough & Stevenson's plagiarised short answers (95 answers, classes cut /
light / heavy / non): retold's own relation, and a depth <= 3 tree over two named measures of
how much was copied and how much of it was changed ("copied", "kept") under stratified 5-fold
CV. Method: retold/eval/clough.py."""
import numpy as np
import pytest

from retold.eval import clough

from .conftest import pin, shared

# Measured 2026-11-26, aligner with 15-token gapped chains (README "Quality"):
#   retold relation: derived (near_duplicate / reuse / rewrite) vs non (same_story /
#     unrelated) accuracy 0.968; non answers called derived 0 of 38
#   tree over copied + kept, 5-fold stratified CV, seed 13: 4-class 0.821 (78 of 95), derived
#     vs non 0.968; without the six off-source cut answers 0.843 (75 of 89); 10 other seeds:
#     mean 0.807, min 0.779, max 0.832. The same tree over retold's named scores alone: 0.684
#     (mean 0.676). Issue 4's goal is 0.85: not reached; light answers called heavy (9 of 19)
#     are most of what is left (README "Quality").
#   cut answers copying off-source text: g2pE_taskc, g4pD_taskb (nothing from the source),
#     g4pE_taskc, g1pD_taskb, g1pA_taskd, g2pA_taskd (most of it)
# Floors sit about one answer (0.0105) below, two for the CV tree whose folds are small.
# 2026-11-29: 0.895 (issue 9). Passages must be dense (passage_min_identity) and a paraphrase
# whose parallel sentences drop or recase the source's names reads as a template (4 answers);
# 5 heavy/light answers with no dense passage left are same_story. README "Quality".
# 2026-11-29 afternoon: 0.874 with fact_cover: three more light/heavy answers read as a template,
# since the source sentences they paraphrase name people and places the answer leaves out.
# 2026-11-29 evening: hard-wrapped text (11 answers here) is split into its sentences, no longer
# one unit per line; the eval's per-sentence "kept" moved for those answers: tree 4-class 0.789
# (75 of 95), on-source 0.809, other seeds mean 0.777. retold's relation is unchanged (0.874).
RELATION_2CLASS_FLOOR = 0.87
NON_CALLED_DERIVED_CEILING = 1
TREE_4CLASS_FLOOR = 0.768
TREE_ON_SOURCE_FLOOR = 0.787
TREE_2CLASS_FLOOR = 0.946
TREE_SEEDS_MEAN_FLOOR = 0.765
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
          f"(on-source {rep['tree_accuracy_on_source']:.3f}) 2-class {rep['tree_2class_accuracy']:.3f}; "
          f"other seeds {spread:.3f}; retold scores alone {rep['scores_tree_accuracy']:.3f}")
    print(clough.format_matrix(rep["tree_confusion"], clough.CLASSES, clough.CLASSES))
    return rep


def test_retold_relation_separates_derived_from_non(report):
    pin("Clough: retold relation, derived vs non", report["relation_2class_accuracy"], RELATION_2CLASS_FLOOR)
    m = report["relation_confusion"]
    non = m[clough.CLASSES.index("non")]
    derived_cols = [clough.RELATIONS.index(r) for r in ("exact", "near_duplicate", "reuse", "rewrite")]
    assert non[clough.RELATIONS.index("template")] == 0
    assert non[derived_cols].sum() <= NON_CALLED_DERIVED_CEILING


def test_tree_over_edit_features(report):
    assert report["features"] == ("copied", "kept")
    pin("Clough: CV tree, 4 classes", report["tree_accuracy"], TREE_4CLASS_FLOOR)
    pin("Clough: CV tree, 4 classes, on-source answers", report["tree_accuracy_on_source"], TREE_ON_SOURCE_FLOOR)
    assert report["tree_answers_on_source"] == 95 - len(OFF_SOURCE)
    pin("Clough: CV tree, derived vs non", report["tree_2class_accuracy"], TREE_2CLASS_FLOOR)
    pin("Clough: CV tree, mean over other seeds", np.mean(report["tree_accuracy_other_seeds"]), TREE_SEEDS_MEAN_FLOOR)
    assert all(d <= 3 for d, _ in report["tree_params_per_fold"])
    assert "copied <=" in report["tree_all"] and "kept <=" in report["tree_all"]


def test_edit_features_order_the_classes(report):
    # the classes are ordered by how much was copied and how much of it was kept
    med = report["class_medians"]
    assert med["cut"]["copied"] > med["light"]["copied"] > med["heavy"]["copied"] > med["non"]["copied"]
    assert med["cut"]["kept"] > med["light"]["kept"] > med["heavy"]["kept"] > med["non"]["kept"]


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


# --- the edit features -------------------------------------------------------------------------

SOURCE = ("The quick brown fox jumps over the lazy dog near the river bank. "
          "A small bird sings its song from the top of the old oak tree every morning. "
          "Farmers in the valley grow wheat and barley on their wide and sunny fields.")


def test_tiles_take_the_longest_run_first_and_use_each_token_once():
    a = ["x", "c", "d", "e", "f", "y", "a", "b", "c"]
    b = ["a", "b", "c", "d", "e", "f"]
    assert clough.tiles(a, b, 3) == [(1, 2, 4)]  # "a b c" is left with "a b": too short
    assert clough.tiles(a, b, 2) == [(1, 2, 4), (6, 0, 2)]
    assert clough.tiles(a, [], 2) == [] and clough.tiles(a, ["p", "q", "r"], 1) == []


def test_edit_features_tell_copy_edit_and_own_words_apart():
    copy = clough.edit_features(SOURCE, SOURCE)
    assert copy["copied"] == 1.0 and copy["kept"] == 1.0 and copy["long_runs"] == 1.0
    assert copy["order"] == 1.0 and copy["edited"] == 0.0
    light = clough.edit_features(
        "The quick brown fox leaps over the lazy dog close to the river bank. "
        "A little bird sings its song from the top of the old oak tree each morning. "
        "Farmers in the valley grow wheat and barley on their broad and bright fields.", SOURCE)
    assert 0.6 < light["kept"] < 0.9 and light["edited"] == 1.0 and light["copied"] > 0.5
    assert light["long_runs"] < copy["long_runs"]
    sents = [x.rstrip(".") + "." for x in SOURCE.split(". ")]
    reordered = clough.edit_features(" ".join(reversed(sents)), SOURCE)  # sentences kept, order not
    assert reordered["copied"] > 0.95 and reordered["kept"] > 0.95 and reordered["order"] < 0
    own = clough.edit_features("Compilers translate programs written in one language into machine code, "
                               "checking types and optimising loops on the way.", SOURCE)
    assert own["copied"] == 0.0 and own["kept"] == 0.0 and own["from_source"] == 0.0
