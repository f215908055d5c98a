"""Single-pair story score: does `retold compare A B` (no corpus) rank pairs the way people
judge "same story"?

Pairs are drawn with a fixed seed from labelled news (``../shared/data/stories``; research use
only): every same-story pair of a split, and NEG_PER_POS different-story pairs per same-story
pair, half of them hard, half random.

- ECB+ (label: sub-topic, one event). Every topic holds two look-alike events, so the hard
  negatives are pairs across the two sub-topics of one topic. Tuning: the cv2015 train topics;
  report: dev + test.
- GVA clean (label: incident). Every article reports a US shooting. Hard negatives are pairs of
  different incidents from one host (one city's station or paper), sharing an uncommon title
  word (a place or a name: in at most 1% of the split's titles), or published within
  CLOSE_DAYS of each other (so that a close date is not taken for proof), a third each.
  Tuning: incidents with ``md5(incident_id) % 2 == 0``; report: the other half.

Each score is measured by ROC AUC and by its best F1 over thresholds; the report splits are also
scored at the threshold tuned on the tuning splits, which is what ``story_threshold`` ships.

Run: ``python -m retold.eval.pairstory [--data DIR] [--json FILE]``.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from ..story import day_numbers
from .stories import DATA, StoryDoc, _gva_rows, gva_half, load_ecbplus

SEED = 20261127
NEG_PER_POS = 2  # different-story pairs per same-story pair, half hard
CLOSE_DAYS = 3  # hard GVA negatives: different incidents published this close
TITLE_WORD_MAX_SHARE = 0.01  # a title word in at most this share of a split's titles is uncommon
SPLITS = ("ecbplus-train", "gva-half0", "ecbplus-devtest", "gva-half1")
TUNING = ("ecbplus-train", "gva-half0")
REPORT = ("ecbplus-devtest", "gva-half1")


@dataclass
class PairSet:
    name: str
    docs: list[StoryDoc]
    pairs: np.ndarray  # (m, 2) indexes into docs
    y: np.ndarray  # (m,) 1 same story, 0 not
    kind: list[str]  # "same", "hard-topic", "hard-host", "hard-title", "hard-date", "random"


_HOST = re.compile(r"https?://(?:web\.archive\.org/web/[^/]+/)?(?:https?://)?([^/]+)")


def host(url: str | None) -> str | None:
    """The site of a URL, through a web.archive.org capture ("www." and the port dropped)."""
    m = _HOST.search(url or "")
    if not m:
        return None
    return re.sub(r"^www\.", "", re.sub(r":\d+$", "", m.group(1).lower()))


def load_gva_hosts(root: str | Path = DATA) -> tuple[list[StoryDoc], list[str | None]]:
    """GVA clean as in ``stories.load_gva(clean=True)``, with each row's host."""
    rows = [r for r in _gva_rows(root) if not (r["boilerplate_suspect"] or r["doc_in_multiple_incidents"])]
    docs = [StoryDoc(r["doc_id"], r["text"] or "", r["title"] or None, r["dct"], str(r["incident_id"]), None)
            for r in rows]
    return docs, [host(r["uri"]) for r in rows]


def _positives(labels: Sequence[str]) -> list[tuple[int, int]]:
    groups: dict[str, list[int]] = defaultdict(list)
    for i, lab in enumerate(labels):
        groups[lab].append(i)
    return [(g[x], g[y]) for g in groups.values() for x in range(len(g)) for y in range(x + 1, len(g))]


def _pool_pairs(groups: dict, labels: Sequence[str]) -> list[tuple[int, int]]:
    """Pairs of different labels inside each group (deduplicated, sorted)."""
    out = set()
    for members in groups.values():
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                i, j = members[x], members[y]
                if labels[i] != labels[j]:
                    out.add((min(i, j), max(i, j)))
    return sorted(out)


def _sample(pool: list[tuple[int, int]], n: int, rng: np.random.Generator,
            taken: set[tuple[int, int]]) -> list[tuple[int, int]]:
    pool = [p for p in pool if p not in taken]
    if n >= len(pool):
        return pool
    return [pool[k] for k in sorted(rng.choice(len(pool), size=n, replace=False).tolist())]


def _random(n: int, labels: Sequence[str], rng: np.random.Generator,
            taken: set[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    m = len(labels)
    while len(out) < n:
        i, j = (int(x) for x in rng.integers(0, m, size=2))
        p = (min(i, j), max(i, j))
        if i == j or labels[i] == labels[j] or p in taken:
            continue
        taken.add(p)
        out.append(p)
    return out


def _build(name: str, docs: list[StoryDoc], hard: list[tuple[str, list[tuple[int, int]]]],
           rng: np.random.Generator) -> PairSet:
    """All same-story pairs; NEG_PER_POS negatives per positive, half from the hard pools
    (split evenly between them, a pool short of pairs leaving its share to the next) and the
    rest random."""
    labels = [d.label for d in docs]
    pos = _positives(labels)
    taken: set[tuple[int, int]] = set(pos)
    pairs, kind = list(pos), ["same"] * len(pos)
    want = NEG_PER_POS * len(pos)
    n_hard = want // 2
    left = len(hard)
    for k, pool in hard:
        got = _sample(pool, n_hard // left, rng, taken)
        taken.update(got)
        pairs += got
        kind += [k] * len(got)
        n_hard -= len(got)
        left -= 1
    rnd = _random(want - (len(pairs) - len(pos)), labels, rng, taken)
    pairs += rnd
    kind += ["random"] * len(rnd)
    y = np.array([k == "same" for k in kind], dtype=np.int8)
    return PairSet(name, docs, np.array(pairs, dtype=np.int64).reshape(-1, 2), y, kind)


def ecbplus_pairs(docs: list[StoryDoc], name: str, seed: int = SEED) -> PairSet:
    topic = defaultdict(list)
    for i, d in enumerate(docs):
        topic[d.label.split("_")[0]].append(i)
    hard = _pool_pairs(topic, [d.label for d in docs])
    return _build(name, docs, [("hard-topic", hard)], np.random.default_rng(seed))


def _title_words(title: str | None) -> set[str]:
    # the site's name after the last separator is not the story's
    t = re.split(r"\s[-|–—]\s", title or "")[0]
    return {w.lower() for w in re.findall(r"[A-Z][A-Za-z'’]{3,}", t)}


def gva_pairs(docs: list[StoryDoc], hosts: list[str | None], name: str, seed: int = SEED) -> PairSet:
    labels = [d.label for d in docs]
    by_host = defaultdict(list)
    for i, h in enumerate(hosts):
        if h:
            by_host[h].append(i)
    words = [_title_words(d.title) for d in docs]
    df = Counter(w for ws in words for w in ws)
    cap = max(2, int(TITLE_WORD_MAX_SHARE * len(docs)))
    by_word = defaultdict(list)
    for i, ws in enumerate(words):
        for w in ws:
            if df[w] <= cap:
                by_word[w].append(i)
    days = day_numbers([d.date for d in docs])
    order = [i for i in np.argsort(days, kind="stable").tolist() if not np.isnan(days[i])]
    close = set()
    for x, i in enumerate(order):
        for j in order[x + 1:]:
            if days[j] - days[i] > CLOSE_DAYS:
                break
            if labels[i] != labels[j]:
                close.add((min(i, j), max(i, j)))
    return _build(name, docs, [("hard-host", _pool_pairs(by_host, labels)),
                               ("hard-title", _pool_pairs(by_word, labels)),
                               ("hard-date", sorted(close))], np.random.default_rng(seed))


def pair_sets(root: str | Path = DATA, seed: int = SEED) -> dict[str, PairSet]:
    """The four pair sets, by name (SPLITS). Documents with no text are left out."""
    ecb = [d for d in load_ecbplus(root) if d.text.strip()]
    gva, hosts = load_gva_hosts(root)
    keep = [k for k, d in enumerate(gva) if d.text.strip()]
    gva, hosts = [gva[k] for k in keep], [hosts[k] for k in keep]
    out = {}
    out["ecbplus-train"] = ecbplus_pairs([d for d in ecb if d.split == "train"], "ecbplus-train", seed)
    out["ecbplus-devtest"] = ecbplus_pairs([d for d in ecb if d.split in ("dev", "test")], "ecbplus-devtest", seed)
    for h in (0, 1):
        sel = [k for k, d in enumerate(gva) if gva_half(d.label) == h]
        out[f"gva-half{h}"] = gva_pairs([gva[k] for k in sel], [hosts[k] for k in sel], f"gva-half{h}", seed)
    return out


# ---------------------------------------------------------------- metrics


def roc_auc(y: np.ndarray, s: np.ndarray) -> float:
    """Probability that a random positive scores above a random negative (ties count half)."""
    from scipy.stats import rankdata
    y = np.asarray(y).astype(bool)
    r = rankdata(s)
    n1, n0 = int(y.sum()), int((~y).sum())
    return float((r[y].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def f1_at(y: np.ndarray, s: np.ndarray, t: float) -> tuple[float, float, float]:
    """Precision, recall, F1 of calling a pair same-story when its score is >= t."""
    y = np.asarray(y).astype(bool)
    pred = np.asarray(s) >= t
    tp = int((pred & y).sum())
    p = tp / max(1, int(pred.sum()))
    r = tp / max(1, int(y.sum()))
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def best_f1(y: np.ndarray, s: np.ndarray, grid: Sequence[float] | None = None) -> tuple[float, float]:
    """(threshold, F1) with the highest F1: over `grid`, or over every distinct score (a
    threshold just at a score calls that pair same-story)."""
    y = np.asarray(y).astype(bool)
    s = np.asarray(s, dtype=np.float64)
    if grid is not None:
        fs = [f1_at(y, s, float(t))[2] for t in grid]
        k = int(np.argmax(fs))
        return float(grid[k]), float(fs[k])
    order = np.argsort(-s, kind="stable")
    ss, yy = s[order], y[order]
    tp = np.cumsum(yy)
    n_pred = np.arange(1, len(ss) + 1)
    last = np.r_[ss[1:] != ss[:-1], True]  # the last pair of each run of equal scores
    f = 2 * tp / (n_pred + y.sum())
    f = np.where(last, f, -1.0)
    k = int(np.argmax(f))
    return float(ss[k]), float(f[k])


def auc_hard(ps: PairSet, s: np.ndarray) -> float:
    """ROC AUC of same-story pairs against the hard negatives alone."""
    keep = np.array([k != "random" for k in ps.kind])
    return roc_auc(ps.y[keep], s[keep])


# ---------------------------------------------------------------- scores


OLD_THRESHOLD = 0.3  # story_threshold of the content cosine this score replaces
GRID = tuple(round(0.01 * i, 2) for i in range(1, 100))


def pair_features(ps: PairSet) -> tuple[np.ndarray, np.ndarray]:
    """For every pair: the former score (content-word cosine, classify.bag_cosine) and the
    features of the pair score (story/pair.py FEATURES, one column each)."""
    from ..classify import bag_cosine
    from ..compare import profile
    from ..config import Config
    from ..model import Document
    from ..story.pair import FEATURES, story_view, view_features

    cfg = Config()
    profs = [profile(Document(d.doc_id, d.text, d.title, d.date), cfg) for d in ps.docs]
    views = [story_view(p) for p in profs]
    old = np.array([bag_cosine(profs[i].bag, profs[j].bag) for i, j in ps.pairs.tolist()])
    feats = np.array([[f[k] for k in FEATURES] for f in
                      (view_features(views[i], views[j]) for i, j in ps.pairs.tolist())]).reshape(-1, len(FEATURES))
    return old, feats


def fit_logistic(x: np.ndarray, y: np.ndarray, w: np.ndarray, l2: float = 1.0,
                 iters: int = 100) -> np.ndarray:
    """Weighted logistic regression by Newton's method: minimises the weighted log loss plus
    ``l2 / 2`` times the squared coefficients (not the intercept), the objective of
    scikit-learn's ``LogisticRegression(C=1 / l2)``. Returns [intercept, coefficients...]."""
    a = np.column_stack([np.ones(len(x)), x])
    beta = np.zeros(a.shape[1])
    pen = np.full(a.shape[1], l2)
    pen[0] = 0.0
    for _ in range(iters):
        p = 1.0 / (1.0 + np.exp(-(a @ beta)))
        grad = a.T @ (w * (p - y)) + pen * beta
        hess = (a * (w * p * (1 - p))[:, None]).T @ a + np.diag(pen)
        step = np.linalg.solve(hess, grad)
        beta -= step
        if np.abs(step).max() < 1e-10:
            break
    return beta


def fit(feats: dict[str, np.ndarray], sets: dict[str, PairSet]) -> tuple[dict[str, float], float]:
    """Coefficients fitted on the tuning splits (each split weighing as much as the other)
    and the threshold with the best F1 over their pooled pairs."""
    from ..story.pair import FEATURES, story_probability

    x = np.vstack([feats[n] for n in TUNING])
    y = np.concatenate([sets[n].y for n in TUNING]).astype(np.float64)
    w = np.concatenate([np.full(len(sets[n].y), len(y) / (len(TUNING) * len(sets[n].y))) for n in TUNING])
    beta = fit_logistic(x, y, w)
    coef = {"intercept": float(beta[0]), **{k: float(b) for k, b in zip(FEATURES, beta[1:])}}
    s = np.array([story_probability(dict(zip(FEATURES, row)), coef) for row in x])
    threshold, _ = best_f1(y, s, GRID)
    return coef, threshold


def scores(feats: np.ndarray, coef: dict[str, float] | None = None) -> np.ndarray:
    from ..story.pair import FEATURES, story_probability
    return np.array([story_probability(dict(zip(FEATURES, row)), coef) for row in feats])


def evaluate(sets: dict[str, PairSet], old: dict[str, np.ndarray], new: dict[str, np.ndarray],
             threshold: float) -> dict[str, dict]:
    """Old (content cosine at OLD_THRESHOLD) against new (pair score at `threshold`), per split."""
    out = {}
    for name in SPLITS:
        ps = sets[name]
        row = {"pairs": len(ps.y), "same": int(ps.y.sum()), "kinds": dict(Counter(ps.kind))}
        for tag, s, t in (("old", old[name], OLD_THRESHOLD), ("new", new[name], threshold)):
            p, r, f = f1_at(ps.y, s, t)
            bt, bf = best_f1(ps.y, s, GRID)
            row[tag] = {"auc": roc_auc(ps.y, s), "auc_hard": auc_hard(ps, s), "threshold": t,
                        "precision": p, "recall": r, "f1": f, "best_f1": bf, "best_threshold": bt}
        out[name] = row
    return out


def format_table(res: dict[str, dict]) -> str:
    lines = ["| split | pairs (same) | AUC old / new | AUC vs hard old / new | F1 at threshold old / new "
             "| best F1 old / new (at) |", "|---|---|---|---|---|---|"]
    for name, r in res.items():
        o, n = r["old"], r["new"]
        lines.append(f"| {name}{' (tuning)' if name in TUNING else ''} | {r['pairs']} ({r['same']}) "
                     f"| {o['auc']:.3f} / **{n['auc']:.3f}** | {o['auc_hard']:.3f} / {n['auc_hard']:.3f} "
                     f"| {o['f1']:.3f} / **{n['f1']:.3f}** "
                     f"| {o['best_f1']:.3f} ({o['best_threshold']:.2f}) / {n['best_f1']:.3f} ({n['best_threshold']:.2f}) |")
    return "\n".join(lines)


DATA_FILE = Path(__file__).resolve().parents[1] / "data" / "pair_story.json"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m retold.eval.pairstory", description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(DATA), help="the stories/ folder")
    ap.add_argument("--fit", action="store_true",
                    help=f"refit the coefficients on the tuning splits and write {DATA_FILE.name}")
    ap.add_argument("--json", help="also write every figure to this file")
    args = ap.parse_args(argv)
    sets = pair_sets(args.data)
    old, feats = {}, {}
    for name, ps in sets.items():
        old[name], feats[name] = pair_features(ps)
        print(f"{name}: {len(ps.y)} pairs", file=sys.stderr, flush=True)
    if args.fit:
        from ..story.pair import FEATURES
        coef, threshold = fit(feats, sets)
        DATA_FILE.parent.mkdir(parents=True, exist_ok=True)
        DATA_FILE.write_text(json.dumps({
            "about": "Same-story pair score (retold/story/pair.py): logistic coefficients fitted by "
                     "python -m retold.eval.pairstory --fit on ECB+ train-topic pairs and GVA clean "
                     "half-0 pairs; story_threshold is the best-F1 cut on those pairs.",
            "features": list(FEATURES), "coefficients": {k: round(v, 4) for k, v in coef.items()},
            "threshold": threshold, "seed": SEED, "neg_per_pos": NEG_PER_POS}, indent=1) + "\n",
            encoding="utf-8")
        from ..story.pair import coefficients
        coefficients.cache_clear()
        print(f"wrote {DATA_FILE}: {coef}, threshold {threshold}", file=sys.stderr)
    else:
        from ..config import Config
        threshold = Config().story_threshold
    new = {n: scores(f) for n, f in feats.items()}
    res = evaluate(sets, old, new, threshold)
    print(f"Single-pair story score: old = content-word cosine at {OLD_THRESHOLD}, "
          f"new = pair score (story/pair.py) at {threshold}")
    print(format_table(res))
    if args.json:
        Path(args.json).write_text(json.dumps(res, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
