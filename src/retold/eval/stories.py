"""Story level: grouping news documents into stories (reports of the same real-world event).

Data: ``../shared/data/stories`` beside the repo (research use only; see its SOURCE.md files).

- ECB+ (982 docs, 86 sub-topics; label ``subtopic``). Each topic holds two events of the same
  kind, so the sister sub-topic is a hard near-miss. Text is tokenized (spaces around
  punctuation) and kept as is. Protocol: the threshold is tuned on the ``split_cv2015 == train``
  docs and reported on the dev + test docs, clustered together as one pile.
- GVA (6,335 article rows, 3,659 incidents; label ``incident_id``), and GVA clean (5,815 rows,
  without ``boilerplate_suspect`` and ``doc_in_multiple_incidents`` rows). Every article covers
  a US shooting, so topic alone does not separate stories. No split is given, so incidents are
  split deterministically by ``int(md5(incident_id)) % 2``: half 0 tunes the threshold; the
  scores are reported on all docs (which include the tuning half, as the issue asks) and on
  half 1 alone (held out). (The issue's earlier GVA clean figure, B-cubed F1 0.808 / pairwise
  0.373, was the baseline cut at 0.81, the threshold tuned on GVC, not one tuned on GVA.)
- GVC (the 510 manually validated GVA docs, 241 events; label ``gvc_event_id``). Protocol:
  tuned on the train + dev event docs, reported on the test event docs.

Every pile (tuning or report) is clustered on its own, so tuning never sees docs outside
the tuning pile. The tuned threshold maximises B-cubed F1 on the tuning pile. Also reported, as
an upper bound and not as a result, is the best B-cubed F1 over the grid on the report pile.

A method plugs in as ``cluster_fn(docs) -> cluster_at(threshold) -> labels``: ``cluster_fn``
does the expensive work once per pile; ``cluster_at`` cuts cheaply. ``threshold`` is whatever
the method's knob is (a cosine distance for the TF-IDF baseline, a similarity in [0, 1] for
retold), so each method brings its own grid.

Run: ``python -m retold.eval.stories [--data DIR] [--dataset ecbplus|gva|gva-clean|gvc|all]``.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import time
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Hashable, Sequence

import numpy as np

DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "stories"
DATASETS = ("ecbplus", "gva", "gva-clean", "gvc")
# Baseline knob: cosine distance. 0.01 steps; cutting a linkage is cheap.
BASELINE_GRID = tuple(round(0.01 * i, 2) for i in range(1, 100))

Labels = Sequence[Hashable]
ClusterAt = Callable[[float], Labels]
ClusterFn = Callable[[list["StoryDoc"]], ClusterAt]


# ---------------------------------------------------------------- data


@dataclass
class StoryDoc:
    doc_id: str
    text: str
    title: str | None
    date: str | None  # ISO date
    label: str  # gold story (cluster) id
    split: str | None


def _data_file(root: str | Path, folder: str, name: str) -> Path:
    # Accept the stories/ folder or the dataset folder itself.
    root = Path(root)
    for path in (root / folder / name, root / name):
        if path.is_file():
            return path
    raise FileNotFoundError(f"story data missing: {root / folder / name}")


def _read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def load_ecbplus(root: str | Path = DATA) -> list[StoryDoc]:
    rows = _read_jsonl(_data_file(root, "ecbplus", "docs.jsonl"))
    return [StoryDoc(r["doc_id"], r["text"], None, None, r["subtopic"], r["split_cv2015"]) for r in rows]


def _gva_rows(root: str | Path) -> list[dict]:
    return _read_jsonl(_data_file(root, "gva-gun-violence-incidents", "articles.jsonl"))


def load_gva(root: str | Path = DATA, clean: bool = False) -> list[StoryDoc]:
    """One StoryDoc per (doc, incident) row: 6,335, or 5,815 with ``clean``.

    A doc cited by two incidents keeps both rows (so all 6,335 articles count), each with
    the id ``doc_id#incident_id`` to stay unique."""
    rows = _gva_rows(root)
    seen = Counter(r["doc_id"] for r in rows)
    out = []
    for r in rows:
        if clean and (r["boilerplate_suspect"] or r["doc_in_multiple_incidents"]):
            continue
        doc_id = r["doc_id"] if seen[r["doc_id"]] == 1 else f"{r['doc_id']}#{r['incident_id']}"
        out.append(StoryDoc(doc_id, r["text"] or "", r["title"] or None, r["dct"], str(r["incident_id"]), None))
    return out


def load_gvc(root: str | Path = DATA) -> list[StoryDoc]:
    """The 510 GVC docs, labelled by their validated GVC event (which may differ from the GVA incident)."""
    out, seen = [], set()
    for r in _gva_rows(root):
        if r["gvc_event_id"] is None or r["doc_id"] in seen:
            continue  # a GVC doc cited by two incidents appears twice, with the same event
        seen.add(r["doc_id"])
        out.append(StoryDoc(r["doc_id"], r["text"] or "", r["title"] or None, r["dct"],
                            str(r["gvc_event_id"]), r["gvc_split"]))
    return out


def gva_half(incident_id: str) -> int:
    # md5 rather than hash(): Python's str hash is salted per process.
    return int(hashlib.md5(incident_id.encode()).hexdigest(), 16) % 2


# ---------------------------------------------------------------- metrics


def _codes(labels: Labels) -> np.ndarray:
    index: dict = {}
    return np.fromiter((index.setdefault(x, len(index)) for x in labels), dtype=np.int64, count=len(labels))


def _contingency(pred: Labels, gold: Labels) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Non-zero cells n_ij of the pred x gold table with their row/column ids, and the
    pred (a) and gold (b) cluster sizes. Everything below is a sum over these: O(n)."""
    if len(pred) != len(gold):
        raise ValueError(f"pred has {len(pred)} labels, gold {len(gold)}")
    if len(gold) == 0:
        raise ValueError("no items to score")
    p, g = _codes(pred), _codes(gold)
    ng = int(g.max()) + 1
    keys, n_ij = np.unique(p * ng + g, return_counts=True)
    return n_ij.astype(np.float64), keys // ng, keys % ng, np.bincount(p).astype(np.float64), \
        np.bincount(g).astype(np.float64)


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def bcubed(pred: Labels, gold: Labels) -> tuple[float, float, float]:
    """Per-item B-cubed: item precision = share of its predicted cluster with its gold label,
    recall = share of its gold cluster in its predicted cluster; P and R are averaged over
    items and F1 is their harmonic mean (Amigo et al. 2009)."""
    n_ij, i, j, a, b = _contingency(pred, gold)
    n = a.sum()
    p = float((n_ij ** 2 / a[i]).sum() / n)
    r = float((n_ij ** 2 / b[j]).sum() / n)
    return p, r, _f1(p, r)


def _pairs(x: np.ndarray) -> float:
    return float((x * (x - 1) / 2).sum())


def pairwise(pred: Labels, gold: Labels) -> tuple[float, float, float]:
    """Pair-counting P/R/F1 over item pairs put in one cluster. With no predicted (gold)
    pairs, precision (recall) is vacuous and counts as 1.0."""
    n_ij, _, _, a, b = _contingency(pred, gold)
    tp, pp, gp = _pairs(n_ij), _pairs(a), _pairs(b)
    p = tp / pp if pp else 1.0
    r = tp / gp if gp else 1.0
    return p, r, _f1(p, r)


def ari(pred: Labels, gold: Labels) -> float:
    """Adjusted Rand index (Hubert & Arabie), as sklearn.metrics.adjusted_rand_score."""
    n_ij, _, _, a, b = _contingency(pred, gold)
    n = a.sum()
    index, sa, sb = _pairs(n_ij), _pairs(a), _pairs(b)
    expected = sa * sb / (n * (n - 1) / 2) if n > 1 else 0.0
    span = (sa + sb) / 2 - expected
    # Both partitions all singletons or one cluster: identical by construction.
    return float((index - expected) / span) if span else 1.0


@dataclass
class ClusterScores:
    bcubed_p: float
    bcubed_r: float
    bcubed_f1: float
    pair_p: float
    pair_r: float
    pair_f1: float
    ari: float
    n_docs: int
    n_gold: int
    n_pred: int


def score(pred: Labels, gold: Labels) -> ClusterScores:
    return ClusterScores(*bcubed(pred, gold), *pairwise(pred, gold), ari(pred, gold),
                         len(gold), len(set(gold)), len(set(pred)))


# ---------------------------------------------------------------- baseline


def _doc_text(d: StoryDoc) -> str:
    return f"{d.title}\n{d.text}" if d.title else d.text


def tfidf_linkage(docs: list[StoryDoc], block: int = 1024) -> np.ndarray:
    """Average-linkage tree over cosine distances of sublinear TF-IDF vectors
    (English stop words dropped; title prepended when there is one)."""
    from scipy.cluster.hierarchy import linkage
    from sklearn.feature_extraction.text import TfidfVectorizer

    n = len(docs)
    if n < 2:
        raise ValueError("need at least 2 docs to build a linkage")
    X = TfidfVectorizer(sublinear_tf=True, stop_words="english", min_df=1).fit_transform(
        [_doc_text(d) for d in docs])  # rows are L2-normalised: X X^T is the cosine
    # Fill the condensed matrix block by block: the full n x n matrix is never held.
    cond = np.empty(n * (n - 1) // 2, dtype=np.float64)
    for lo in range(0, n, block):
        sims = (X[lo:lo + block] @ X.T).toarray()
        for k, row in enumerate(sims):
            i = lo + k
            start = i * n - i * (i + 1) // 2
            cond[start:start + n - i - 1] = 1.0 - row[i + 1:]
    np.clip(cond, 0.0, 2.0, out=cond)  # float error can dip just below 0
    return linkage(cond, method="average")


def cut(tree: np.ndarray, threshold: float) -> list[int]:
    """Flat clusters whose members merge at cosine distance <= threshold."""
    from scipy.cluster.hierarchy import fcluster

    return fcluster(tree, t=threshold, criterion="distance").tolist()


def tfidf_method(docs: list[StoryDoc]) -> ClusterAt:
    """The baseline as a pluggable method: build the tree once, cut at any distance."""
    if len(docs) < 2:
        return lambda threshold: [0] * len(docs)
    tree = tfidf_linkage(docs)
    return lambda threshold: cut(tree, threshold)


def tfidf_agglomerative(docs: list[StoryDoc], threshold: float) -> list[int]:
    """Same partition as sklearn AgglomerativeClustering(metric='cosine', linkage='average',
    distance_threshold=threshold) up to merges at exactly the threshold."""
    return tfidf_method(docs)(threshold)


# ---------------------------------------------------------------- retold


# retold's knob: the story similarity in [0, 1] at which stories merge.
RETOLD_GRID = tuple(round(0.01 * i, 2) for i in range(3, 60))


def retold_method(cfg=None) -> ClusterFn:
    """retold's batch story clustering (retold.story) as a pluggable method."""
    from ..config import Config
    from ..story import batch_stories, build_model

    cfg = cfg or Config()

    def fn(docs: list[StoryDoc]) -> ClusterAt:
        model = build_model([d.text for d in docs], [d.title for d in docs], [d.date for d in docs], cfg)
        return lambda threshold: batch_stories(model, threshold).tolist()
    return fn


def retold_stream_method(cfg=None) -> ClusterFn:
    """retold's online assignment: documents in date order join a story or open one."""
    from ..config import Config
    from ..story import stream_model, stream_stories

    cfg = cfg or Config()

    def fn(docs: list[StoryDoc]) -> ClusterAt:
        nb, arrival = stream_model([d.text for d in docs], [d.title for d in docs], [d.date for d in docs], cfg)
        return lambda threshold: stream_stories(nb, arrival, threshold).tolist()
    return fn


# ---------------------------------------------------------------- protocol


def tune_threshold(cluster_at: ClusterAt, gold: Labels, grid: Sequence[float]) -> tuple[float, float]:
    """The grid value with the highest B-cubed F1 (the first one on ties)."""
    best_t, best_f = None, -1.0
    for t in grid:
        f = bcubed(cluster_at(t), gold)[2]
        if f > best_f:
            best_t, best_f = t, f
    if best_t is None:
        raise ValueError("empty threshold grid")
    return best_t, best_f


def load_dataset(name: str, root: str | Path = DATA) -> list[StoryDoc]:
    if name == "ecbplus":
        return load_ecbplus(root)
    if name in ("gva", "gva-clean"):
        return load_gva(root, clean=name == "gva-clean")
    if name == "gvc":
        return load_gvc(root)
    raise ValueError(f"unknown dataset {name!r}; expected one of {DATASETS}")


def protocol(name: str, docs: list[StoryDoc]) -> tuple[str, list[StoryDoc], dict[str, list[StoryDoc]]]:
    """(description, tuning docs, report piles by name) for a dataset."""
    if name == "ecbplus":
        return ("tune on split_cv2015=train; report dev+test clustered together",
                [d for d in docs if d.split == "train"],
                {"dev+test": [d for d in docs if d.split in ("dev", "test")]})
    if name in ("gva", "gva-clean"):
        return ("tune on incidents with md5(incident_id)%2==0; report all docs and the other half",
                [d for d in docs if gva_half(d.label) == 0],
                {"all": docs, "half1": [d for d in docs if gva_half(d.label) == 1]})
    if name == "gvc":
        return ("tune on train+dev event docs; report test event docs",
                [d for d in docs if d.split in ("train", "dev")],
                {"test": [d for d in docs if d.split == "test"]})
    raise ValueError(f"unknown dataset {name!r}; expected one of {DATASETS}")


def evaluate(method_name: str, cluster_fn: ClusterFn, dataset_name: str, root: str | Path = DATA,
             grid: Sequence[float] = BASELINE_GRID) -> dict:
    """Run a dataset's protocol for one method; returns a JSON-able dict."""
    t0 = time.perf_counter()
    desc, tune_docs, reports = protocol(dataset_name, load_dataset(dataset_name, root))
    gold = [d.label for d in tune_docs]
    threshold, tune_f1 = tune_threshold(cluster_fn(tune_docs), gold, grid)
    out = {"method": method_name, "dataset": dataset_name, "protocol": desc,
           "grid": [min(grid), max(grid), len(grid)], "threshold": threshold,
           "tune": {"n_docs": len(tune_docs), "n_gold": len(set(gold)), "bcubed_f1": tune_f1,
                    "seconds": time.perf_counter() - t0},
           "report": {}, "oracle": {}}
    for split, pile in reports.items():
        t1 = time.perf_counter()
        cluster_at = cluster_fn(pile)
        labels = cluster_at(threshold)
        seconds = time.perf_counter() - t1  # one pile at the tuned knob: what a user would pay
        gold = [d.label for d in pile]
        out["report"][split] = {**asdict(score(labels, gold)), "seconds": seconds}
        t_best, f_best = tune_threshold(cluster_at, gold, grid)
        out["oracle"][split] = {"threshold": t_best, "bcubed_f1": f_best}
    out["seconds"] = time.perf_counter() - t0
    return out


def format_table(results: list[dict]) -> str:
    head = (f"{'dataset':<10} {'report':<9} {'thr':>5} {'docs':>5} {'gold':>5} {'pred':>5} "
            f"{'B3 P':>6} {'B3 R':>6} {'B3 F1':>6} {'pr P':>6} {'pr R':>6} {'pr F1':>6} {'ARI':>6} "
            f"{'secs':>6} {'oracle':>12}")
    lines = [head]
    for res in results:
        for split, s in res["report"].items():
            o = res["oracle"][split]
            lines.append(
                f"{res['dataset']:<10} {split:<9} {res['threshold']:>5.2f} {s['n_docs']:>5} {s['n_gold']:>5} "
                f"{s['n_pred']:>5} {s['bcubed_p']:>6.3f} {s['bcubed_r']:>6.3f} {s['bcubed_f1']:>6.3f} "
                f"{s['pair_p']:>6.3f} {s['pair_r']:>6.3f} {s['pair_f1']:>6.3f} {s['ari']:>6.3f} "
                f"{s['seconds']:>6.1f} {o['bcubed_f1']:>6.3f}@{o['threshold']:<4.2f}")
    return "\n".join(lines)


METHODS = ("retold", "retold-stream", "tfidf")


def _method(name: str) -> tuple[ClusterFn, Sequence[float], str]:
    if name == "retold":
        return retold_method(), RETOLD_GRID, "retold (story graph + average linkage)"
    if name == "retold-stream":
        return retold_stream_method(), RETOLD_GRID, "retold stream (online, date order)"
    if name == "tfidf":
        return tfidf_method, BASELINE_GRID, "TF-IDF + average-linkage cosine baseline"
    raise ValueError(f"unknown method {name!r}; expected one of {METHODS}")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(DATA), help="the stories/ folder")
    ap.add_argument("--dataset", default="all", choices=(*DATASETS, "all"))
    ap.add_argument("--method", default="all", choices=(*METHODS, "all"),
                    help="retold, retold-stream, tfidf (the baseline), or all side by side")
    ap.add_argument("--json", action="store_true", help="also print the full results as JSON")
    args = ap.parse_args(argv)
    names = DATASETS if args.dataset == "all" else (args.dataset,)
    methods = METHODS if args.method == "all" else (args.method,)
    results = []
    for method in methods:
        fn, grid, title = _method(method)
        rows = []
        for name in names:
            res = evaluate(method, fn, name, args.data, grid)
            rows.append(res)
            print(f"{method} {name}: tuned {res['threshold']:.2f} on {res['tune']['n_docs']} docs "
                  f"(B3 F1 {res['tune']['bcubed_f1']:.3f}); {res['seconds']:.1f}s in all", flush=True)
        print(f"\n{title} (secs: one report pile at the tuned threshold; "
              "oracle: best B3 F1 @ threshold chosen on the report pile itself)")
        print(format_table(rows), flush=True)
        results.extend(rows)
    if args.json:
        print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
