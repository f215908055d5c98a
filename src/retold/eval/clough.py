"""Relation level on the Clough & Stevenson corpus of plagiarised short answers (95 answers).

Data: ``../shared/data/clough-stevenson-short-answers`` beside the repo (see its SOURCE.md).
Each answer (200-300 words) answers one of five questions and is labelled against the
Wikipedia source text of its task: ``cut`` (cut and paste), ``light`` (light revision),
``heavy`` (heavy revision) or ``non`` (written independently). Files are read as UTF-8;
the 27 that are not valid UTF-8 are Windows-1252 (curly quotes, dashes) and are decoded as
such (``errors="replace"`` as a last resort).

For every answer retold is run through its public API: ``retold.compare(answer, source)``
(answer = side a, source = side b). Reported:

(a) the confusion matrix of retold's own relation (as shipped) against the gold class;
(b) an explainable classifier over retold's named scores: a CART-style decision tree (Gini
    impurity, axis-parallel thresholds at midpoints between observed values, depth <= 3),
    written here in numpy. Its depth and minimum leaf size are chosen inside each training
    fold by an inner stratified 4-fold CV, so the outer score is an honest estimate. The
    outer loop is stratified 5-fold CV with a fixed seed (``SEED``); reported: 4-class
    accuracy, confusion matrix, the 2-class (derived = cut/light/heavy vs non) accuracy of
    the same predictions, the mean 4-class accuracy over 10 other seeds (to show the spread),
    and the tree fitted on all 95 answers (for reading, not for scoring);
(c) the "cut" answers that copy text which is not in their task's source file: each
    answer's sentences (4 or more words) whose word 4-grams are less than half found in the
    source are "off-source"; an answer is listed when off-source sentences hold at least
    half of its sentence characters (``partly`` from 0.2). These cannot be aligned to the
    source by any aligner; retold's containment_a for them is low too.

Run: ``python -m retold.eval.clough``.
"""
from __future__ import annotations

import argparse
import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "clough-stevenson-short-answers"
CLASSES = ("cut", "light", "heavy", "non")
RELATIONS = ("exact", "near_duplicate", "reuse", "rewrite", "same_story", "unrelated")
SEED = 13
FOLDS = 5
DEPTHS = (1, 2, 3)
MIN_LEAVES = (1, 3, 6)
OFF_SOURCE = 0.5  # share of off-source sentence characters that lists a cut answer
OFF_SOURCE_PARTLY = 0.2

FEATURES = (
    "resemblance", "containment_a", "containment_b", "coverage_a", "coverage_b", "story",
    "residual", "parallel", "reworded", "verbatim", "anchors", "passages", "passage_chars",
    "longest_passage", "identity",
)


@dataclass
class Answer:
    file: str
    task: str
    label: str
    text: str
    source: str
    relation: str = ""
    features: dict[str, float] = field(default_factory=dict)


def read_text(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def load(root: str | Path = DATA) -> list[Answer]:
    root = Path(root)
    corpus = root / "corpus-20090418"
    sources = {t: read_text(corpus / f"orig_task{t}.txt") for t in "abcde"}
    out = []
    with open(root / "file_list.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            task = row["Task"].strip().lower()
            out.append(Answer(row["File"], task, row["Category"].strip().lower(),
                              read_text(corpus / row["File"]), sources[task]))
    return out


def features_of(cmp) -> dict[str, float]:
    """retold's named scores for one comparison, plus what its passages say."""
    s = cmp.scores
    lens = [p.a_end - p.a_start for p in cmp.passages]
    chars = float(sum(lens))
    return {
        "resemblance": s.resemblance, "containment_a": s.containment_a,
        "containment_b": s.containment_b, "coverage_a": s.coverage_a, "coverage_b": s.coverage_b,
        "story": s.story, "residual": s.residual, "parallel": s.parallel, "reworded": s.reworded,
        # sentences with a counterpart that were kept (nearly) word for word
        "verbatim": max(0.0, s.parallel - s.reworded),
        "anchors": float(s.anchors), "passages": float(len(cmp.passages)),
        "passage_chars": chars, "longest_passage": float(max(lens, default=0)),
        # character-weighted identity of the aligned passages (0 without passages)
        "identity": (sum(p.identity * n for p, n in zip(cmp.passages, lens)) / chars) if chars else 0.0,
    }


def compare_all(answers: list[Answer], config=None) -> list[Answer]:
    import retold

    for a in answers:
        c = retold.compare(retold.Document(a.file, a.text), retold.Document(f"orig_task{a.task}", a.source),
                           config)
        a.relation = c.relation
        a.features = features_of(c)
    return answers


# --- a small CART tree ---------------------------------------------------------------------


@dataclass
class Node:
    counts: np.ndarray  # class counts of the training rows that reached it
    feature: int = -1  # -1: leaf
    threshold: float = 0.0  # go left when x[feature] <= threshold
    left: "Node | None" = None
    right: "Node | None" = None

    @property
    def label(self) -> int:
        return int(np.argmax(self.counts))  # ties go to the lower class index


def _gini(counts: np.ndarray) -> float:
    n = counts.sum()
    return 0.0 if n == 0 else 1.0 - float(((counts / n) ** 2).sum())


def _best_split(X: np.ndarray, y: np.ndarray, k: int, min_leaf: int):
    """(weighted Gini, feature, threshold) of the best split, or None if nothing improves."""
    n = len(y)
    onehot = np.eye(k)[y]
    parent = _gini(onehot.sum(axis=0)) * n
    best = None
    sizes = np.arange(1, n)[:, None]  # rows on the left of a cut after row i
    for f in range(X.shape[1]):
        order = np.argsort(X[:, f], kind="stable")
        xs = X[order, f]
        left = np.cumsum(onehot[order], axis=0)[:-1]  # counts left of the cut after row i
        right = left[-1] + onehot[order][-1] - left
        imp = (sizes[:, 0] - (left ** 2).sum(axis=1) / sizes[:, 0]
               + (n - sizes[:, 0]) - (right ** 2).sum(axis=1) / (n - sizes[:, 0]))
        ok = (xs[:-1] != xs[1:]) & (sizes[:, 0] >= min_leaf) & (n - sizes[:, 0] >= min_leaf)
        if not ok.any():
            continue
        imp = np.where(ok, imp, np.inf)
        i = int(np.argmin(imp))  # first of equal cuts: the lowest threshold
        if imp[i] < parent - 1e-9 and (best is None or imp[i] < best[0] - 1e-9):
            best = (float(imp[i]), f, float((xs[i] + xs[i + 1]) / 2))
    return best


def fit_tree(X: np.ndarray, y: np.ndarray, k: int, max_depth: int = 3, min_leaf: int = 1) -> Node:
    node = Node(np.bincount(y, minlength=k).astype(float))
    if max_depth == 0 or len(np.unique(y)) < 2:
        return node
    split = _best_split(X, y, k, min_leaf)
    if split is None:
        return node
    _, f, t = split
    mask = X[:, f] <= t
    node.feature, node.threshold = f, t
    node.left = fit_tree(X[mask], y[mask], k, max_depth - 1, min_leaf)
    node.right = fit_tree(X[~mask], y[~mask], k, max_depth - 1, min_leaf)
    if (node.left.feature < 0 and node.right.feature < 0 and node.left.label == node.right.label):
        node.feature, node.left, node.right = -1, None, None  # a split that changes no answer
    return node


def predict(node: Node, X: np.ndarray) -> np.ndarray:
    out = np.empty(len(X), dtype=int)
    for r, x in enumerate(X):
        n = node
        while n.feature >= 0:
            n = n.left if x[n.feature] <= n.threshold else n.right
        out[r] = n.label
    return out


def describe(node: Node, names: tuple[str, ...] = FEATURES, classes: tuple[str, ...] = CLASSES,
             indent: str = "") -> str:
    if node.feature < 0:
        counts = ", ".join(f"{c} {int(v)}" for c, v in zip(classes, node.counts) if v)
        return f"{indent}-> {classes[node.label]}  ({counts})\n"
    name, t = names[node.feature], node.threshold
    return (f"{indent}if {name} <= {t:.4g}:\n" + describe(node.left, names, classes, indent + "    ")
            + f"{indent}else ({name} > {t:.4g}):\n" + describe(node.right, names, classes, indent + "    "))


def stratified_folds(y: np.ndarray, k: int, seed: int) -> np.ndarray:
    """Fold number per row: each class shuffled (fixed seed) and dealt round robin."""
    rng = np.random.RandomState(seed)
    fold = np.empty(len(y), dtype=int)
    offset = 0
    for c in np.unique(y):
        idx = np.flatnonzero(y == c)
        idx = idx[rng.permutation(len(idx))]
        fold[idx] = (np.arange(len(idx)) + offset) % k
        offset += len(idx)
    return fold


def _choose(X: np.ndarray, y: np.ndarray, k: int, seed: int) -> tuple[int, int]:
    """Depth and minimum leaf by inner stratified 4-fold CV (ties: the simpler tree)."""
    fold = stratified_folds(y, 4, seed)
    best = None
    for d in DEPTHS:
        for m in MIN_LEAVES[::-1]:
            correct = 0
            for f in range(4):
                tr, te = fold != f, fold == f
                correct += int((predict(fit_tree(X[tr], y[tr], k, d, m), X[te]) == y[te]).sum())
            if best is None or correct > best[0]:
                best = (correct, d, m)
    return best[1], best[2]


def cross_validate(X: np.ndarray, y: np.ndarray, k: int = len(CLASSES), seed: int = SEED,
                   folds: int = FOLDS) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """Out-of-fold predictions of the tuned tree, and the (depth, min_leaf) of each fold."""
    fold = stratified_folds(y, folds, seed)
    pred = np.empty(len(y), dtype=int)
    chosen = []
    for f in range(folds):
        tr, te = fold != f, fold == f
        d, m = _choose(X[tr], y[tr], k, seed + 1 + f)
        chosen.append((d, m))
        pred[te] = predict(fit_tree(X[tr], y[tr], k, d, m), X[te])
    return pred, chosen


def confusion(gold: list[str], pred: list[str], rows: tuple[str, ...], cols: tuple[str, ...]) -> np.ndarray:
    m = np.zeros((len(rows), len(cols)), dtype=int)
    for g, p in zip(gold, pred):
        m[rows.index(g), cols.index(p)] += 1
    return m


# --- off-source "cut" answers -----------------------------------------------------------------

_WORD = re.compile(r"\w+")
_SENT = re.compile(r"(?<=[.!?])\s+|\n+")


def _grams(text: str, n: int = 4) -> set[tuple[str, ...]]:
    w = [x.lower() for x in _WORD.findall(text)]
    return {tuple(w[i:i + n]) for i in range(len(w) - n + 1)}


def off_source_share(answer: str, source: str) -> float:
    """Share of the answer's sentence characters in sentences mostly absent from the source."""
    src = _grams(source)
    sents = [s for s in _SENT.split(answer) if len(_WORD.findall(s)) >= 4]
    total = sum(len(s) for s in sents)
    off = 0
    for s in sents:
        g = _grams(s)
        if len(g & src) < 0.5 * len(g):
            off += len(s)
    return off / total if total else 0.0


def off_source_cut(answers: list[Answer]) -> list[tuple[str, float, float]]:
    """(file, off-source share, retold containment_a) of cut answers from 0.2 up, worst first."""
    rows = [(a.file, off_source_share(a.text, a.source), a.features.get("containment_a", float("nan")))
            for a in answers if a.label == "cut"]
    return sorted([r for r in rows if r[1] >= OFF_SOURCE_PARTLY], key=lambda r: (-r[1], r[0]))


# --- the whole evaluation ---------------------------------------------------------------------


def evaluate(answers: list[Answer] | None = None, seed: int = SEED, spread_seeds: int = 10) -> dict:
    answers = compare_all(load()) if answers is None else answers
    gold = [a.label for a in answers]
    y = np.array([CLASSES.index(g) for g in gold])
    X = np.array([[a.features[f] for f in FEATURES] for a in answers], dtype=float)
    rel = confusion(gold, [a.relation for a in answers], CLASSES, RELATIONS)
    pred, chosen = cross_validate(X, y, seed=seed)
    names = [CLASSES[p] for p in pred]
    derived = lambda c: c != "non"  # noqa: E731
    spread = [float((cross_validate(X, y, seed=s)[0] == y).mean())
              for s in range(seed + 100, seed + 100 + spread_seeds)]
    # retold's own relation read as derived (anything but same_story / unrelated) vs non
    rel_derived = [a.relation not in ("same_story", "unrelated") for a in answers]
    d, m = _choose(X, y, len(CLASSES), seed)
    return {
        "answers": len(answers),
        "relation_confusion": rel,
        "relation_2class_accuracy": float(np.mean([r == derived(g) for r, g in zip(rel_derived, gold)])),
        "tree_accuracy": float((pred == y).mean()),
        "tree_confusion": confusion(gold, names, CLASSES, CLASSES),
        "tree_2class_accuracy": float(np.mean([derived(p) == derived(g) for p, g in zip(names, gold)])),
        "tree_params_per_fold": chosen,
        "tree_accuracy_other_seeds": spread,
        "tree_all": describe(fit_tree(X, y, len(CLASSES), d, m)),
        "tree_all_params": (d, m),
        "off_source_cut": off_source_cut(answers),
    }


def format_matrix(m: np.ndarray, rows: tuple[str, ...], cols: tuple[str, ...]) -> str:
    lines = ["| gold \\ predicted | " + " | ".join(cols) + " |", "|---" * (len(cols) + 1) + "|"]
    for r, row in zip(rows, m):
        lines.append(f"| {r} | " + " | ".join(str(int(v)) for v in row) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(DATA))
    ap.add_argument("--seed", type=int, default=SEED)
    args = ap.parse_args(argv)
    rep = evaluate(compare_all(load(args.data)), seed=args.seed)
    print("retold relation vs gold:")
    print(format_matrix(rep["relation_confusion"], CLASSES, RELATIONS))
    print(f"retold relation, derived vs non: {rep['relation_2class_accuracy']:.3f}")
    print(f"\ntree, {FOLDS}-fold stratified CV (seed {args.seed}): 4-class {rep['tree_accuracy']:.3f}, "
          f"derived vs non {rep['tree_2class_accuracy']:.3f}; (depth, min_leaf) per fold "
          f"{rep['tree_params_per_fold']}")
    sp = rep["tree_accuracy_other_seeds"]
    print(f"4-class over {len(sp)} other seeds: mean {np.mean(sp):.3f}, min {min(sp):.3f}, max {max(sp):.3f}")
    print(format_matrix(rep["tree_confusion"], CLASSES, CLASSES))
    print(f"\ntree on all answers (depth, min_leaf) = {rep['tree_all_params']}:\n{rep['tree_all']}")
    print("cut answers copying text absent from the source (off-source share, retold containment_a):")
    for f, share, cont in rep["off_source_cut"]:
        tag = "" if share >= OFF_SOURCE else "  (partly)"
        print(f"  {f}  {share:.2f}  {cont:.2f}{tag}")


if __name__ == "__main__":
    main()
