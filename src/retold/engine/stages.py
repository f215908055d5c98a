"""Stage functions: pure, batch in, batch out. Engines decide where they run."""
from __future__ import annotations

import gc
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..cluster.components import FAMILY_RELATIONS, STORY_RELATIONS, components, group_ids
from ..config import Config
from ..corpus import Corpus, lazy_values, subset, value, values
from ..explain.direction import parse_date
from ..model import Comparison, Document
from ..sketch.anchors import anchor_candidates
from ..sketch.formula import (PART_ROWS, blank, covered_by, formula_grams, site_lasting_grams, syndicated_grams,
                              union_sorted)
from ..sketch.lsh import lsh_candidates, recall_params
from ..sketch.jaccard import ngram_sets, pair_jaccards
from ..sketch.minhash import set_signatures, signatures
from ..sketch.ragged import Ragged, select
from ..text.boilerplate import chrome_mask, line_hashes, repeated_lines
from ..text.normalise import content_hash, tokenize
from ..text.shingle import shingles
from ..text.tokenscan import content_hashes, scan_texts
from ..text.titles import learn_title_chrome, strip_title
from ..errors import Err, RetoldError
from .storycache import representatives

if TYPE_CHECKING:
    from ..story import StoryModel
# compare and story are imported where they are used: near-duplicate mode needs neither, and
# they were a third of its start-up


@dataclass
class SketchBatch:
    content_hashes: list[str]
    signatures: np.ndarray  # (n, num_perm) uint32
    # per document (a list, or a `Ragged` over one flat array as the engine holds them):
    anchors: Sequence[np.ndarray]  # unique anchor n-gram hashes
    lines: Sequence[np.ndarray]  # hash of each non-blank line (numbers blanked), for chrome


def sketch(texts: list[str], cfg: Config) -> SketchBatch:
    hashes, sets, anchor_sets, lines = [], [], [], []
    for text in texts:
        toks = tokenize(text)
        hashes.append(content_hash(toks))
        lines.append(line_hashes(text, toks))
        sh = np.unique(shingles(toks.hashes, cfg.shingle_n))
        sets.append(sh)
        anchor_sets.append(sh if cfg.anchor_n == cfg.shingle_n else np.unique(shingles(toks.hashes, cfg.anchor_n)))
    return SketchBatch(hashes, signatures(sets, cfg.num_perm, cfg.seed), anchor_sets, lines)


def site_chrome(sources: list[str | None], batch: SketchBatch, cfg: Config) -> dict[str, set[int]]:
    """Lines repeated across documents of one source: that source's chrome."""
    return repeated_lines(sources, batch.lines, cfg.boilerplate_min_docs)


@dataclass
class Candidates:
    pairs: np.ndarray  # (m, 2) document indices, a < b, representatives only
    anchors: np.ndarray  # shared rare anchors per pair
    exact_pairs: np.ndarray  # (k, 2) representative -> member of an exact-duplicate group


def exact_groups(content_hashes: list[str], dates: list[str | None],
                 ids: list[str] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Representative index per document (itself when unique). The representative of a
    group is its earliest-dated member; among members equally dated or undated, the smallest
    id (so that the input order does not choose it), or the first seen when `ids` is None."""
    rep = np.arange(len(content_hashes), dtype=np.int64)
    first: dict[str, int] = {}

    def before(i: int, r: int) -> bool:
        if dates[i] != dates[r]:
            return bool(dates[i]) and (not dates[r] or dates[i] < dates[r])
        return ids is not None and ids[i] < ids[r]
    for i, h in enumerate(content_hashes):
        if h not in first:
            first[h] = i
        elif before(i, first[h]):
            first[h] = i
    for i, h in enumerate(content_hashes):
        rep[i] = first[h]
    members = np.flatnonzero(rep != np.arange(len(rep)))
    exact = np.stack([rep[members], members], axis=1) if len(members) else np.zeros((0, 2), dtype=np.int64)
    return rep, exact


def canonical_reps(rep: np.ndarray, ids: list[str] | None) -> np.ndarray:
    """The exact-group representatives (`representatives`) ordered by document id when ids
    are given: the candidate searches break ties by row (the anchor cap keeps the lower rows
    among equally anchored partners, an oversized LSH bucket is a star from its first row),
    so rows in id order make the candidates the same in any input order."""
    reps = representatives(rep)
    if ids is None:
        return reps
    return reps[np.argsort(np.array([ids[i] for i in reps], dtype=object), kind="stable")]


def to_documents(reps: np.ndarray, pairs: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of rows of `reps` as document-index pairs (a < b) sorted by (a, b), with the
    value of each pair carried along."""
    docs = np.sort(reps[pairs], axis=1)
    order = np.lexsort((docs[:, 1], docs[:, 0]))
    return docs[order], values[order]


def candidates(batch: SketchBatch, dates: list[str | None], cfg: Config,
               ids: list[str] | None = None) -> Candidates:
    """Candidate pairs: rows sharing an LSH band, or at least `min_anchors` rare anchors
    (each row keeping its `max_candidates_per_doc` best-anchored partners), among the
    exact-group representatives; the same pairs in any input order when `ids` is given."""
    rep, exact = exact_groups(batch.content_hashes, dates, ids)
    reps = canonical_reps(rep, ids)
    lsh = lsh_candidates(batch.signatures[reps], cfg.near_threshold, cfg.max_bucket, cfg.lsh_fp_weight)
    anc_pairs, anc_counts = anchor_candidates(select(batch.anchors, reps), cfg.anchor_max_df,
                                              cfg.min_anchors, cfg.max_candidates_per_doc)
    allp = np.concatenate([lsh.reshape(-1, 2), anc_pairs]).astype(np.int64)
    allc = np.concatenate([np.zeros(len(lsh), dtype=np.int64), anc_counts])
    if len(allp) == 0:
        return Candidates(np.zeros((0, 2), dtype=np.int64), np.zeros(0, dtype=np.int64), exact)
    # one row per pair, keeping its anchor count (0 when only LSH found it)
    keys = allp[:, 0] * len(reps) + allp[:, 1]
    order = np.lexsort((-allc, keys))
    keys, allp, allc = keys[order], allp[order], allc[order]
    first = np.concatenate(([True], keys[1:] != keys[:-1]))
    return Candidates(*to_documents(reps, allp[first], allc[first]), exact)


@dataclass
class DedupSketch:
    """What near-duplicate mode needs of each document: its content hash, its MinHash
    signature and its word n-gram set (`sketch.jaccard.ngram_sets`: sorted distinct hashes),
    for the exact Jaccard of a candidate pair."""

    content_hashes: list[str]
    signatures: np.ndarray  # (n, num_perm) uint32
    sets: np.ndarray  # uint64, every document's n-gram set, flat
    starts: np.ndarray  # int64 (n + 1,): document d's set is sets[starts[d]:starts[d + 1]]
    # int64 (n,) or None: when given, `starts` holds n begins and document d's set is
    # sets[starts[d]:ends[d]] (shards laid out in the order workers finished them)
    ends: np.ndarray | None = None

    @staticmethod
    def concat(parts: list["DedupSketch"]) -> "DedupSketch":
        """One sketch of shards made in order (each with its sets in one run, no `ends`)."""
        shift = np.cumsum([0] + [len(p.sets) for p in parts[:-1]], dtype=np.int64)
        starts = np.concatenate([[0]] + [p.starts[1:] + k for p, k in zip(parts, shift)]).astype(np.int64)
        return DedupSketch([h for p in parts for h in p.content_hashes],
                           np.concatenate([p.signatures for p in parts]),
                           np.concatenate([p.sets for p in parts]), starts)


def dedup_sketch(texts: list[str], cfg: Config) -> DedupSketch:
    """Tokenise and hash once (compiled scan, `text.tokenscan`): content hash, signature and
    n-gram set of each text."""
    tokens, offsets = scan_texts(texts)
    sets, starts = ngram_sets(tokens, offsets, cfg.shingle_n)
    return DedupSketch(content_hashes(tokens, offsets), set_signatures(sets, starts, cfg.num_perm, cfg.seed),
                       sets, starts)


def load_dedup_kernels(cfg: Config) -> None:
    """Run `near_duplicates` and `families` once on three made-up documents, so that their
    compiled functions are loaded from numba's cache (0.3 s at first call, most of it in
    `lsh_candidates`) while the parent would only wait for the workers' last shards, not
    after them, on the serial path."""
    sig = np.zeros((3, cfg.num_perm), dtype=np.uint32)
    sets = np.array([1, 2, 1, 2, 3], dtype=np.uint64)
    sk = DedupSketch(["a", "a", "b"], sig, sets, np.array([0, 2, 2]), np.array([2, 2, 5]))
    near, _ = near_duplicates(sk, np.array([0, 0, 2]), cfg, ["x", "y", "z"])
    families(["x", "y", "z"], near)


def near_duplicates(sk: DedupSketch, rep: np.ndarray, cfg: Config,
                    ids: list[str] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of exact-group representatives whose n-gram Jaccard is at least `near_threshold`:
    LSH banded for recall (`dedup_lsh_recall` at the threshold itself) proposes them from the
    signatures, the n-gram sets decide (no false positive is left). With `ids`, the same
    pairs in any input order (`canonical_reps`).
    Returns (m, 2) document indices (a < b, sorted) and their Jaccard."""
    reps = canonical_reps(rep, ids)
    params = recall_params(cfg.near_threshold, cfg.num_perm, cfg.dedup_lsh_recall)
    cand = lsh_candidates(sk.signatures, cfg.near_threshold, cfg.max_bucket, params=params, rows=reps,
                          radix=True)
    cand = np.asarray(cand, dtype=np.int64).reshape(-1, 2)
    if len(cand) == 0:
        return np.zeros((0, 2), dtype=np.int64), np.zeros(0)
    cand, _ = to_documents(reps, cand, np.zeros(len(cand)))
    sims = pair_jaccards(sk.sets, sk.starts, cand, sk.ends)
    keep = sims >= cfg.near_threshold
    return cand[keep], sims[keep]


WHOLE_COPY_RELATIONS = ("exact", "near_duplicate", "rewrite")
# the collector's thresholds while pairs are compared: the cached profiles are a million
# objects the default thresholds have it walk again and again for the few cycles a pair
# makes (160 objects in 8,000 pairs); with (50,000, 50, 100) 8,000 pairs of a 1M slice took
# 7.4 s, not 8.4 (no collector at all: 7.1): README Speed
COMPARE_GC = (50_000, 50, 100)
PROFILE_CACHE = 2048  # documents whose per-pair work is kept per worker (at 114k: 1.05 profiles a
# document, as with 4096, at half the memory of the compare workers)


def compare_order(pairs: np.ndarray, n_docs: int) -> np.ndarray:
    """The order to compare candidate pairs in: a permutation of `pairs` ((m, 2) document
    indexes) that keeps pairs sharing documents together, so a worker profiles each document
    about once while it is cached (`compare_pairs`). Documents are numbered by reverse
    Cuthill-McKee on the candidate graph (which puts linked documents near each other) and the
    pairs sorted by their two numbers. On the 21k news run a document is profiled 1.2 times
    instead of 1.6 (README Speed); the results do not depend on the order."""
    if len(pairs) == 0:
        return np.zeros(0, dtype=np.int64)
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import reverse_cuthill_mckee
    g = coo_matrix((np.ones(len(pairs), dtype=np.int8), (pairs[:, 0], pairs[:, 1])), shape=(n_docs, n_docs)).tocsr()
    g = (g + g.T).tocsr()
    pos = np.empty(n_docs, dtype=np.int64)
    pos[reverse_cuthill_mckee(g, symmetric_mode=True)] = np.arange(n_docs)
    q = np.sort(pos[pairs], axis=1)
    return np.lexsort((q[:, 1], q[:, 0]))


def compare_pairs(docs: list[Document], pairs: np.ndarray, anchors: np.ndarray, cfg: Config,
                  token_cache: dict | None = None,
                  chrome: dict[str, set[int]] | None = None,
                  formula: np.ndarray | None = None) -> list[Comparison]:
    """Compare each pair; per-document profiles are computed once and cached (bounded)."""
    cache = token_cache if token_cache is not None else {}
    with compare_collector():
        return _compare_each(docs, pairs, anchors, cfg, cache, chrome, formula)


@contextmanager
def compare_collector():
    """The collector's thresholds at COMPARE_GC inside the block, restored after it: around
    the comparing of pairs, and around a compare worker's whole task (the tables it builds
    of a chunk's results would otherwise set off full passes over the cached profiles)."""
    was = gc.get_threshold()
    gc.set_threshold(*COMPARE_GC)
    try:
        yield
    finally:
        gc.set_threshold(*was)


def _compare_each(docs, pairs, anchors, cfg, cache, chrome, formula) -> list[Comparison]:
    from ..compare import compare_profiles
    out = []
    for (i, j), k in zip(pairs.tolist(), anchors.tolist()):
        i, j = oriented(docs, i, j)
        if len(cache) > PROFILE_CACHE and (i not in cache or j not in cache):
            cache.clear()  # bounded memory; pairs come sorted by a, so a stays hot
        pi, pj = (cache[x] if x in cache else cache.setdefault(x, _profile(docs[x], cfg, chrome, formula))
                  for x in (i, j))
        c = compare_profiles(pi, pj, cfg, anchors=k, formula=formula)
        if c.direction.source == "b":
            # no date told (oriented put the earlier-dated first), the text did: b came
            # first, so its edits are read from b
            c = compare_profiles(pj, pi, cfg, anchors=k, formula=formula)
        out.append(c)
    return out


def _profile(doc: Document, cfg: Config, chrome: dict[str, set[int]] | None,
             formula: np.ndarray | None = None):
    from ..compare import profile
    return profile(doc, cfg, (chrome or {}).get(doc.source or ""), formula)


def formula(batch: SketchBatch, rep: np.ndarray, model: StoryModel, sources: list[str | None],
            cfg: Config, site_labels: np.ndarray | None = None, mapper=None) -> np.ndarray:
    """N-grams the corpus knows as formula (sketch/formula.py), counted over the story
    groups of `model` (one row per exact-group representative, in document order): across
    sites over a loose cut of the stories (`formula_story_link`), within one site over the
    stories as reported (`story_link`; `site_labels` when they are already cut). `mapper`: an
    ordered map for the ranges of the hash space (`formula_grams`)."""
    from ..story import batch_stories
    reps = representatives(rep)
    site = _site_codes([sources[i] for i in reps])
    if site_labels is None:
        site_labels = batch_stories(model, cfg.story_link, also=[cfg.formula_story_link])
    return formula_grams(select(batch.anchors, reps), batch_stories(model, cfg.formula_story_link),
                         cfg.formula_min_stories, site, cfg.formula_min_site_stories,
                         cfg.formula_min_sources, site_labels,
                         model.days, cfg.formula_min_span_days, cfg.formula_min_weeks, 7.0, mapper)


def one_formula_part(batch: SketchBatch) -> bool:
    """Whether every rule of `formula` and `syndicated` reads its n-grams (at most every
    document's) in one range of the hash space (`sketch.formula.PART_ROWS`): one thread each."""
    lengths = batch.anchors.lengths if isinstance(batch.anchors, Ragged) else \
        np.fromiter(map(len, batch.anchors), dtype=np.int64, count=len(batch.anchors))
    return int(lengths.sum()) <= PART_ROWS


def _site_codes(sources: list[str | None]) -> np.ndarray:
    codes: dict[str, int] = {}
    return np.array([codes.setdefault(s, len(codes)) if s else -1 for s in sources], dtype=np.int64)


def syndicated(batch: SketchBatch, rep: np.ndarray, sources: list[str | None], days: np.ndarray,
               cfg: Config, dates: list[str | None] | None = None, mapper=None) -> np.ndarray:
    """N-grams on `formula_min_sources` or more sites, or in two or more documents of one site,
    over more than `formula_min_span_days` days: read past by the story model, so that a widget
    shared by several sites, or one site's tip line or paywall notice, does not make unrelated
    reports one story. `days`: per representative (StoryModel.days); `dates`: every
    document's date (none: the per-site rule sees no dates and finds nothing); `mapper`: as
    `formula` takes it."""
    from ..story import day_numbers
    reps = representatives(rep)
    syndicated = syndicated_grams(select(batch.anchors, reps), _site_codes([sources[i] for i in reps]),
                                  cfg.formula_min_sources, days, cfg.formula_min_span_days, mapper)
    # every document with its own site and date, not its exact group's representative (which
    # one represents the group depends on the input order)
    own_days = day_numbers(dates) if dates is not None else np.full(len(rep), np.nan)
    return union_sorted(syndicated, site_lasting_grams(batch.anchors, _site_codes(list(sources)),
                                                       own_days, cfg.formula_min_span_days, mapper))


def story_documents(docs: Sequence[Document], cfg: Config) -> Corpus:
    """Documents as the story model reads their titles: without the segments a site puts on
    every title (text/titles.py), learnt from the titles of each source in the corpus."""
    docs = Corpus.from_documents(docs)
    sources, titles = docs.column("source").tolist(), docs.column("title").tolist()
    chrome = learn_title_chrome(sources, titles, cfg.title_chrome_min_titles)
    changed = {}
    for i, (source, title) in enumerate(zip(sources, titles)):
        stripped = strip_title(title, chrome.get(source or ""))
        if stripped != title:
            changed[i] = stripped
    return docs.with_values("title", changed) if changed else docs


def article_texts(docs: list[Document], chrome: dict[str, set[int]], formula: np.ndarray,
                  cfg: Config) -> list[Document]:
    """Documents with their site chrome and formula blanked out (same offsets): what the
    story model should read, so shared widgets and police formulas do not make unrelated
    events look alike."""
    out = []
    for d in docs:
        toks = tokenize(d.text)
        mask = covered_by(shingles(toks.hashes, cfg.shingle_n), formula, len(toks), cfg.shingle_n)
        lines = chrome.get(d.source or "")
        if lines:
            mask |= chrome_mask(d.text, toks, lines)
        out.append(Document(d.doc_id, blank(d.text, toks.starts, toks.ends, mask), d.title, d.date,
                            d.source, d.url))
    return out


def earlier(x: str | None, y: str | None) -> bool:
    dx, dy = parse_date(x), parse_date(y)
    return bool(dx and dy and dx < dy)


def oriented(docs: list[Document], i: int, j: int) -> tuple[int, int]:
    """The pair (i, j) as compared: the earlier-dated document first (edits then read as
    changes made by the copy), else the smaller id, never the input order (comparison is not
    symmetric: evidence characters are counted on the first side). `compare_pairs` turns an
    undated pair round when the text says the second came first."""
    return (j, i) if turned(value(docs, "date", i), value(docs, "date", j),
                            value(docs, "doc_id", i), value(docs, "doc_id", j)) else (i, j)


def turned(date_i: str | None, date_j: str | None, id_i: str, id_j: str) -> bool:
    """Whether `oriented` puts the pair (i, j) the other way round, from its dates and ids."""
    return earlier(date_j, date_i) or (not earlier(date_i, date_j) and id_j < id_i)


@dataclass
class StoryBatch:
    """The corpus story model, over exact-group representatives."""

    reps: np.ndarray  # document index of each model row
    labels: np.ndarray  # story label per model row
    model: StoryModel  # graph edges and weights, and what scores any pair; kept in memory


def story_features(docs: list[Document], rep: np.ndarray, cfg: Config, earlier=None,
                   unchanged: np.ndarray | None = None, mapper=None, features: list | None = None):
    """The event features of the exact-group representatives (`story.FeatureRows`, one row per
    representative, in document order). With `earlier` (the FeatureRows a story model of the
    same documents read) and `unchanged` (per document: same text as there), those of
    unchanged documents are taken from it, not computed again; `features` (per document,
    None where unknown) gives those of other documents (an incremental run's stored ones).
    `mapper`: an ordered map (a worker pool's imap) the others are computed with."""
    from ..story import features_of
    reps = representatives(rep)
    sub = subset(docs, reps)
    known = None
    if earlier is not None and unchanged is not None:
        known = [earlier.ref(r) if unchanged[i] else None for r, i in enumerate(reps.tolist())]
    if features is not None:
        known = [features[i] if k is None else k for i, k in zip(reps.tolist(), known or [None] * len(reps))]
    return features_of(_texts(sub), lazy_values(sub, "title"), cfg, known, mapper)


def story_model(docs: list[Document], rep: np.ndarray, cfg: Config, features=None, threads=None,
                graph_only: bool = False) -> StoryModel:
    """The corpus story model over exact-group representatives, from their `story_features`
    (computed here, in this process, when not given); `threads`: an ordered map over threads
    for its neighbour search (`story.build_model`'s search_map); `graph_only`: as there."""
    from ..story import build_model
    reps = representatives(rep)
    sub = subset(docs, reps)
    rows = features if features is not None else story_features(docs, rep, cfg)
    return build_model(_texts(sub), lazy_values(sub, "title"), lazy_values(sub, "date"), cfg, rows,
                       keys=lazy_values(sub, "doc_id"), search_map=threads, graph_only=graph_only)


def stories(docs: list[Document], rep: np.ndarray, cfg: Config, features=None, threads=None) -> StoryBatch:
    """The story model (`story_model`, over `features` when given; `threads` as there) and the
    story label of each representative."""
    from ..story import batch_stories, stream_model, stream_stories
    reps = representatives(rep)
    sub = subset(docs, reps)
    texts, titles, dates = _texts(sub), lazy_values(sub, "title"), lazy_values(sub, "date")
    model = story_model(docs, rep, cfg, features, threads)
    if cfg.story_mode == "stream":
        nb, arrival = stream_model(texts, titles, dates, cfg, model)
        labels = stream_stories(nb, arrival, cfg.story_stream_link)
    elif cfg.story_mode == "batch":
        labels = batch_stories(model, cfg.story_link, also=[cfg.formula_story_link])  # formula's cut
    else:
        raise RetoldError(Err.E030, "story_mode", f"{cfg.story_mode!r}; use batch or stream")
    return StoryBatch(reps, labels, model)


def _texts(docs: Sequence[Document]) -> Sequence[str]:
    """The texts of a list or a corpus, as a sequence: a corpus's decode when read, so the
    stories stage never holds every text as a Python string."""
    return lazy_values(docs, "text")


def families(doc_ids: list[str], ties: np.ndarray) -> list[str]:
    """family_id per document when every pair of `ties` ((m, 2) document indices) is a
    family relation (dedup mode's exact and near-duplicate pairs; `cluster` picks them
    out of typed edges)."""
    return group_ids(doc_ids, components(len(doc_ids), ties), "fam")


@dataclass
class TypedEdges:
    """Typed pairs as columns: document indices `i` and `j` and each pair's relation name (a
    sequence or an Arrow array): at a million documents the pairs table's own columns, not a
    Python tuple per pair."""
    i: np.ndarray
    j: np.ndarray
    relation: Sequence[str]


def cluster(doc_ids: list[str], edges: "TypedEdges | Sequence[tuple[int, int, str]]",
            story_groups: np.ndarray | None = None) -> tuple[list[str], list[str]]:
    """family_id and story_id per document from typed `edges` (`TypedEdges`, or (i, j,
    relation) triples). With story_groups ((m, 2) document pairs tying each group of the story
    model together), a story is the union of those groups and every whole-text copy (exact,
    near_duplicate, rewrite): a copy of an article tells its story. A reuse does not tie
    stories: an article quoting a passage of another may be about something else (the demo's
    reuse copies are). Without story_groups, stories are the components of all related pairs."""
    import pyarrow as pa
    import pyarrow.compute as pc
    if not isinstance(edges, TypedEdges):
        edges = list(edges)
        edges = TypedEdges([e[0] for e in edges], [e[1] for e in edges], [e[2] for e in edges])
    i, j, rel = np.asarray(edges.i, dtype=np.int64), np.asarray(edges.j, dtype=np.int64), edges.relation
    rel = rel if isinstance(rel, (pa.Array, pa.ChunkedArray)) else pa.array(list(rel), pa.string())

    def typed(names: tuple[str, ...]) -> np.ndarray:
        keep = np.asarray(pc.is_in(rel, value_set=pa.array(names, pa.string())).to_numpy(
            zero_copy_only=False), dtype=bool) if len(i) else np.zeros(0, dtype=bool)
        return np.stack([i[keep], j[keep]], axis=1)

    n = len(doc_ids)
    fam = typed(FAMILY_RELATIONS)
    if story_groups is None:
        sto = typed(STORY_RELATIONS)
    else:
        sto = np.concatenate([typed(WHOLE_COPY_RELATIONS), story_groups.astype(np.int64).reshape(-1, 2)])
    return group_ids(doc_ids, components(n, fam), "fam"), group_ids(doc_ids, components(n, sto), "story")


def chain_edges(labels: np.ndarray, nodes: np.ndarray) -> np.ndarray:
    """(m, 2) node pairs linking the members of each label group in a chain."""
    order = np.argsort(labels, kind="stable")
    lab, nod = labels[order], nodes[order]
    same = lab[1:] == lab[:-1]
    return np.stack([nod[:-1][same], nod[1:][same]], axis=1)
