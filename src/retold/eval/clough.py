"""Relation level on the Clough & Stevenson corpus of plagiarised short answers (95 answers).

Data: ``../shared/data/clough-stevenson-short-answers`` beside the repo (see its SOURCE.md).
Each answer (200-300 words) answers one of five questions and is labelled against the
Wikipedia source text of its task: ``cut`` (cut and paste), ``light`` (light revision),
``heavy`` (heavy revision) or ``non`` (written independently). Files are read as UTF-8;
the 27 that are not valid UTF-8 are Windows-1252 (curly quotes, dashes) and are decoded as
such (``errors="replace"`` as a last resort).

For every answer retold is run through its public API: ``retold.compare(answer, source)``
(answer = side a, source = side b), and the answer is measured against its own task's source
for how much of it was copied and how much of the copied text was changed (``edit_features``;
tokens are retold's token keys, sentences retold's sentence spans):

- ``copied``: share of the answer's tokens inside runs of at least 3 tokens that also occur in
  the source (greedy string tiling: longest shared run first, each token of either side used
  once);
- ``kept``: for each answer sentence, the share of its tokens that the source has in the same
  order (difflib matching blocks of 2 tokens or more against the whole source); over the
  sentences that keep at least half their tokens ("from the source"), the token-weighted mean.
  1.0 = the copied sentences were left as they are; 0.75 = a quarter of their words changed;
- also measured, for comparison (``--ablation``): ``long_runs`` (share of copied tokens in runs
  of 8 or more), ``mean_run``, ``order`` (Kendall tau of the runs' source positions),
  ``in_order`` (LCS of the token lists / answer tokens), ``edited`` and ``from_source``
  (shares of answer tokens in sentences that keep 50-90 % / at least 50 %), ``vocabulary``
  (share of the answer's content words in the source) and ``contain_1`` .. ``contain_5``
  (word n-gram containment of the answer in the source).

Reported:

(a) the confusion matrix of retold's own relation (as shipped) against the gold class;
(b) an explainable classifier: a CART-style decision tree (Gini impurity, axis-parallel
    thresholds at midpoints between observed values, depth <= 3), written here in numpy, over
    ``TREE_FEATURES`` (``copied`` and ``kept``). Its depth and minimum leaf size are chosen
    inside each training fold by an inner stratified 4-fold CV, so the outer score is an
    honest estimate. The outer loop is stratified 5-fold CV with a fixed seed (``SEED``);
    reported: 4-class accuracy, confusion matrix, the same accuracy without the off-source cut
    answers of (c) (same out-of-fold predictions, nothing refitted), the 2-class (derived =
    cut/light/heavy vs non) accuracy, the mean 4-class accuracy over 10 other seeds (to show
    the spread), the same tree over retold's named scores alone (``FEATURES``, the baseline),
    and the tree fitted on all 95 answers (for reading, not for scoring);
(c) the "cut" answers that copy text which is not in their task's source file: each
    answer's sentences (4 or more words) whose word 4-grams are less than half found in the
    source are "off-source"; an answer is listed when off-source sentences hold at least
    half of its sentence characters (``partly`` from 0.2). These cannot be aligned to the
    source by any aligner; retold's containment_a for them is low too.

Run: ``python -m retold.eval.clough`` (or ``retold eval clough``); ``--ablation`` adds the
tree over other feature sets.
"""
from __future__ import annotations

import argparse
import csv
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..model import RELATIONS  # every level the product can report

DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "clough-stevenson-short-answers"
CLASSES = ("cut", "light", "heavy", "non")
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
MIN_RUN = 3  # tokens: shortest run counted as copied
LONG_RUN = 8  # tokens: a run this long was left intact
KEPT_BLOCK = 2  # tokens: shortest in-order match counted as kept in a sentence
FROM_SOURCE = 0.5  # a sentence keeping this share of its tokens comes from the source
EDITED_TOP = 0.9  # ... and below this share it was edited
EDIT_FEATURES = (
    "copied", "kept", "long_runs", "mean_run", "order", "in_order", "edited", "from_source",
    "vocabulary", "contain_1", "contain_2", "contain_3", "contain_4", "contain_5",
)
TREE_FEATURES = ("copied", "kept")
ABLATION = {  # feature sets for --ablation (the tree as in (b) over each)
    "copied + kept": TREE_FEATURES,
    "retold scores": FEATURES,
    "retold scores + copied + kept": FEATURES + TREE_FEATURES,
    "all edit features": EDIT_FEATURES,
    "kept": ("kept",),
    "copied": ("copied",),
    "coverage_a + kept": ("coverage_a", "kept"),
    "copied + edited": ("copied", "edited"),
    "copied + long_runs": ("copied", "long_runs"),
    "copied + kept + long_runs": ("copied", "kept", "long_runs"),
    "copied + mean_run + order": ("copied", "mean_run", "order"),
    "in_order + long_runs + vocabulary + edited": ("in_order", "long_runs", "vocabulary", "edited"),
    "contain_1..5 + in_order": ("contain_1", "contain_2", "contain_3", "contain_4", "contain_5", "in_order"),
}


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
        a.features = {**features_of(c), **edit_features(a.text, a.source)}
    return answers


# --- how much of the copied text was changed -----------------------------------------------


def _keys(text: str) -> list[str]:
    from retold.text.normalise import tokenize

    return list(tokenize(text).keys)


def tiles(a: list[str], b: list[str], min_len: int = MIN_RUN) -> list[tuple[int, int, int]]:
    """Greedy string tiling of two token lists: (start in a, start in b, length) of the
    longest run shared by both that uses no token already tiled, again and again, down to
    ``min_len`` tokens. Longest first; ties go to the earliest in a, then in b."""
    import heapq

    if not a or not b:
        return []
    ids: dict[str, int] = {}
    ia = np.array([ids.setdefault(t, len(ids)) for t in a])
    ib = np.array([ids.setdefault(t, len(ids)) for t in b])
    eq = ia[:, None] == ib[None, :]
    run = np.zeros((len(a) + 1, len(b) + 1), dtype=np.int32)  # shared run ending at (i-1, j-1)
    for i in range(len(a)):
        run[i + 1, 1:] = (run[i, :-1] + 1) * eq[i]
    # maximal runs: the diagonal does not go on after them
    nxt = np.zeros_like(run)
    nxt[:-1, :-1] = run[1:, 1:]
    ends = np.argwhere((run[1:, 1:] >= min_len) & (nxt[1:, 1:] == 0))
    heap = [(-int(run[i + 1, j + 1]), int(i) - int(run[i + 1, j + 1]) + 1, int(j) - int(run[i + 1, j + 1]) + 1)
            for i, j in ends]
    heapq.heapify(heap)
    free_a, free_b = np.ones(len(a), bool), np.ones(len(b), bool)
    out = []
    while heap:
        k, i, j = heapq.heappop(heap)
        k = -k
        ok = free_a[i:i + k] & free_b[j:j + k]
        if ok.all():
            out.append((i, j, k))
            free_a[i:i + k] = False
            free_b[j:j + k] = False
            continue
        # a tile taken before cut this run: its untouched pieces go back
        edges = np.flatnonzero(np.diff(np.concatenate(([0], ok.astype(np.int8), [0]))))
        for s0, s1 in zip(edges[::2], edges[1::2]):
            if s1 - s0 >= min_len:
                heapq.heappush(heap, (-(int(s1) - int(s0)), i + int(s0), j + int(s0)))
    return out


def _kendall(x: list[int]) -> float:
    """Kendall tau of a sequence against its own order (1: same order, -1: reversed)."""
    x = np.asarray(x)
    if len(x) < 2:
        return 1.0
    s = np.sign(x[None, :] - x[:, None])[np.triu_indices(len(x), 1)]
    n = int((s != 0).sum())
    return float(s.sum() / n) if n else 0.0


def _containment(a: list[str], b: list[str], n: int) -> float:
    grams = [tuple(a[i:i + n]) for i in range(len(a) - n + 1)]
    have = {tuple(b[i:i + n]) for i in range(len(b) - n + 1)}
    return sum(g in have for g in grams) / len(grams) if grams else 0.0


def edit_features(answer: str, source: str) -> dict[str, float]:
    """How much of ``answer`` was copied from ``source`` and how much of that was changed
    (module docstring lists the features). Answer side only: shares of answer tokens."""
    from retold.text.sentences import sentences
    from retold.text.stopwords import STOPWORDS

    a, b = _keys(answer), _keys(source)
    f = dict.fromkeys(EDIT_FEATURES, 0.0)
    if not a or not b:
        return f
    t = tiles(a, b)
    copied = sum(k for _, _, k in t)
    f["copied"] = copied / len(a)
    if t:
        f["long_runs"] = sum(k for _, _, k in t if k >= LONG_RUN) / copied
        f["mean_run"] = copied / len(t)
        f["order"] = _kendall([j for _, j, _ in sorted(t)])
    matcher = difflib.SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(b)  # the source is indexed once
    matcher.set_seq1(a)
    f["in_order"] = sum(m.size for m in matcher.get_matching_blocks()) / len(a)
    share, weight = [], []
    for span in sentences(answer):
        s = _keys(answer[span.start:span.end])
        if len(s) < MIN_RUN:
            continue
        matcher.set_seq1(s)
        share.append(sum(m.size for m in matcher.get_matching_blocks() if m.size >= KEPT_BLOCK) / len(s))
        weight.append(len(s))
    share, weight = np.array(share), np.array(weight, dtype=float)
    src = share >= FROM_SOURCE
    if src.any():
        f["kept"] = float((share[src] * weight[src]).sum() / weight[src].sum())
        f["from_source"] = float(weight[src].sum() / weight.sum())
        f["edited"] = float(weight[src & (share < EDITED_TOP)].sum() / weight.sum())
    content = {w for w in a if w not in STOPWORDS and len(w) >= 3}
    f["vocabulary"] = len(content & set(b)) / len(content) if content else 0.0
    for n in range(1, 6):
        f[f"contain_{n}"] = _containment(a, b, n)
    return f


# --- a small CART tree ---------------------------------------------------------------------


@dataclass
class Node:
    counts: np.ndarray  # class counts of the training rows that reached it
    feature: int = -1  # -1: leaf
    threshold: float = 0.0  # go left when x[feature] <= threshold
    left: Node | None = None
    right: Node | None = None

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


def _matrix(answers: list[Answer], names: tuple[str, ...]) -> np.ndarray:
    return np.array([[a.features[f] for f in names] for a in answers], dtype=float)


def evaluate(answers: list[Answer] | None = None, seed: int = SEED, spread_seeds: int = 10,
             features: tuple[str, ...] = TREE_FEATURES) -> dict:
    answers = compare_all(load()) if answers is None else answers
    gold = [a.label for a in answers]
    y = np.array([CLASSES.index(g) for g in gold])
    X = _matrix(answers, features)
    rel = confusion(gold, [a.relation for a in answers], CLASSES, RELATIONS)
    pred, chosen = cross_validate(X, y, seed=seed)
    names = [CLASSES[p] for p in pred]
    derived = lambda c: c != "non"
    spread = [float((cross_validate(X, y, seed=s)[0] == y).mean())
              for s in range(seed + 100, seed + 100 + spread_seeds)]
    # retold's own relation read as derived (a copy of some kind) vs non: a template shares
    # a form, not a text, so it is not derived
    rel_derived = [a.relation not in ("template", "same_story", "unrelated") for a in answers]
    d, m = _choose(X, y, len(CLASSES), seed)
    off = off_source_cut(answers)
    off_files = {f for f, share, _ in off if share >= OFF_SOURCE}
    on = np.array([a.file not in off_files for a in answers])
    base = cross_validate(_matrix(answers, FEATURES), y, seed=seed)[0]
    return {
        "answers": len(answers),
        "features": features,
        "relation_confusion": rel,
        "relation_2class_accuracy": float(np.mean([r == derived(g) for r, g in zip(rel_derived, gold)])),
        "tree_accuracy": float((pred == y).mean()),
        "tree_confusion": confusion(gold, names, CLASSES, CLASSES),
        # the same out-of-fold predictions, without the cut answers that copy off-source text
        "tree_accuracy_on_source": float((pred[on] == y[on]).mean()),
        "tree_answers_on_source": int(on.sum()),
        "tree_2class_accuracy": float(np.mean([derived(p) == derived(g) for p, g in zip(names, gold)])),
        "tree_params_per_fold": chosen,
        "tree_accuracy_other_seeds": spread,
        "tree_all": describe(fit_tree(X, y, len(CLASSES), d, m), features),
        "tree_all_params": (d, m),
        "scores_tree_accuracy": float((base == y).mean()),  # baseline: retold's named scores alone
        "scores_tree_confusion": confusion(gold, [CLASSES[p] for p in base], CLASSES, CLASSES),
        "class_medians": {c: {f: float(np.median([a.features[f] for a in answers if a.label == c]))
                              for f in features} for c in CLASSES},
        "off_source_cut": off,
    }


def ablation(answers: list[Answer], sets: dict[str, tuple[str, ...]] = ABLATION, seed: int = SEED,
             spread_seeds: int = 10) -> list[tuple[str, float, float]]:
    """(name, 4-class accuracy at ``seed``, mean over ``spread_seeds`` other seeds) of the tree
    of (b) over each feature set."""
    y = np.array([CLASSES.index(a.label) for a in answers])
    out = []
    for name, feats in sets.items():
        X = _matrix(answers, feats)
        acc = [float((cross_validate(X, y, seed=s)[0] == y).mean())
               for s in [seed, *range(seed + 100, seed + 100 + spread_seeds)]]
        out.append((name, acc[0], float(np.mean(acc[1:]))))
    return out


def format_matrix(m: np.ndarray, rows: tuple[str, ...], cols: tuple[str, ...]) -> str:
    lines = ["| gold \\ predicted | " + " | ".join(cols) + " |", "|---" * (len(cols) + 1) + "|"]
    for r, row in zip(rows, m):
        lines.append(f"| {r} | " + " | ".join(str(int(v)) for v in row) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(DATA))
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--ablation", action="store_true", help="also the tree over other feature sets (slow)")
    args = ap.parse_args(argv)
    answers = compare_all(load(args.data))
    rep = evaluate(answers, seed=args.seed)
    print("retold relation vs gold:")
    print(format_matrix(rep["relation_confusion"], CLASSES, RELATIONS))
    print(f"retold relation, derived vs non: {rep['relation_2class_accuracy']:.3f}")
    print("\nmedian per class: " + "; ".join(
        f"{c} " + ", ".join(f"{f} {v:.2f}" for f, v in rep["class_medians"][c].items()) for c in CLASSES))
    print(f"\ntree over {', '.join(rep['features'])}, {FOLDS}-fold stratified CV (seed {args.seed}): "
          f"4-class {rep['tree_accuracy']:.3f}, derived vs non {rep['tree_2class_accuracy']:.3f}; "
          f"without the off-source cut answers ({rep['tree_answers_on_source']} answers) "
          f"{rep['tree_accuracy_on_source']:.3f}; (depth, min_leaf) per fold {rep['tree_params_per_fold']}")
    sp = rep["tree_accuracy_other_seeds"]
    print(f"4-class over {len(sp)} other seeds: mean {np.mean(sp):.3f}, min {min(sp):.3f}, max {max(sp):.3f}")
    print(format_matrix(rep["tree_confusion"], CLASSES, CLASSES))
    print(f"\ntree on all answers (depth, min_leaf) = {rep['tree_all_params']}:\n{rep['tree_all']}")
    print(f"baseline, the same tree over retold's named scores alone: 4-class {rep['scores_tree_accuracy']:.3f}")
    print(format_matrix(rep["scores_tree_confusion"], CLASSES, CLASSES))
    print("\ncut answers copying text absent from the source (off-source share, retold containment_a):")
    for f, share, cont in rep["off_source_cut"]:
        tag = "" if share >= OFF_SOURCE else "  (partly)"
        print(f"  {f}  {share:.2f}  {cont:.2f}{tag}")
    if args.ablation:
        print(f"\nablation: the tree over other feature sets (4-class, seed {args.seed} / mean of 10 other seeds)")
        for name, acc, mean in ablation(answers, seed=args.seed):
            print(f"  {acc:.3f} / {mean:.3f}  {name}")


if __name__ == "__main__":
    main()
