"""Stories: group independent reports of the same event.

features (per document) -> vectors (TF-IDF over the corpus) -> neighbours (sub-quadratic
top-k search, time-aware) -> graph (direct + shared-neighbour similarity) -> linkage
(batch, average linkage on the sparse graph) or stream (online assignment in date order).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np
import scipy.sparse as sp

from ..config import Config
from ..explain.direction import parse_date
from ..io.mapped import release_array
from .featurerows import FeatureRef, FeatureRows, FeatureVocab
from .features import _ENTRIES, event_features, feature_ids
from .graph import story_graph
from .linkage import average_linkage_cuts
from .neighbours import (Neighbours, Specificity, direct_similarity, evidence_factor, pair_cosine,
                         specific_features, story_neighbours, time_factor)
from .stream import stream_stories
from .vectors import StoryVectors, vectorize

__all__ = ["StoryModel", "build_model", "batch_stories", "stream_model", "stream_stories",
           "stream_extend", "pair_story_scores", "day_numbers"]


@dataclass
class StoryModel:
    """The corpus story model. Its vectors and profiles have a row per document in the
    model's own order (`rows` maps a document's input position to its row: a model built in
    key order is not copied back to input order, at a million documents a copy of the matrix
    was 1.1 GB beside it); days, dense, edges and cuts are in input order."""
    vectors: StoryVectors | None  # None in a graph-only model (build_model)
    days: np.ndarray  # publication day number per document, NaN when unknown
    edges: np.ndarray  # (m, 2) story graph edges, i < j
    weights: np.ndarray  # (m,) story similarity of each edge
    profiles: sp.csr_matrix | None  # neighbour profile per model row (unit rows)
    dense: np.ndarray | None = None  # centred embeddings (story_embed_weight > 0, embed extra)
    features: FeatureRows | None = None  # event features per document (a second pass reuses them)
    rows: np.ndarray | None = None  # model row of each document; None: the input order
    cuts: dict = field(default_factory=dict)  # threshold -> batch story labels, once computed

    def row(self, docs: np.ndarray) -> np.ndarray:
        """The model rows (of `vectors` and `profiles`) of documents given by input position."""
        return docs if self.rows is None else self.rows[docs]

    def in_model_order(self, values: np.ndarray | None) -> np.ndarray | None:
        """Per-document `values` (input order) in the model's row order."""
        if values is None or self.rows is None:
            return values
        out = np.empty_like(values)
        out[self.rows] = values
        return out

    def to_input(self, nb: Neighbours) -> Neighbours:
        """Neighbours found over the model's rows, by input position (rows and indices)."""
        if self.rows is None:
            return nb
        order = np.empty_like(self.rows)
        order[self.rows] = np.arange(len(self.rows))  # the document at each model row
        index = np.where(nb.index >= 0, order[np.maximum(nb.index, 0)], -1)[self.rows]
        return Neighbours(index, nb.sim[self.rows])


def day_numbers(dates: Sequence[str | None]) -> np.ndarray:
    out = np.full(len(dates), np.nan)
    for i, d in enumerate(dates):
        p = parse_date(d)
        if p is not None:
            out[i] = p.toordinal() + p.hour / 24.0
    return out


def _vectors(texts: Sequence[str], titles: Sequence[str | None], cfg: Config,
             features: Sequence | None = None) -> StoryVectors:
    return vectorize(features_of(texts, titles, cfg, features))


FEATURE_CHUNK = 500  # documents per task when a mapper spreads the features over workers


def features_chunk(texts: Sequence[str], titles: Sequence[str | None], name_weight: float) -> FeatureRows:
    """A chunk's features as rows of the worker's own vocabulary (the parent renumbers the
    chunk's distinct features, not every document's): what `FeatureRows.build` makes of each
    document's `event_features`, numbered by first use, from their ids (`feature_ids`)
    without a string or a dict per feature."""
    strings = _ENTRIES.strings
    made = [feature_ids(t, h, name_weight) for t, h in zip(texts, titles)]
    if _ENTRIES.strings is not strings:  # the ids started afresh inside the chunk
        return FeatureRows.build(event_features(t, h, name_weight) for t, h in zip(texts, titles))
    lengths = [len(u) for u, _ in made]
    flat = np.concatenate([u for u, _ in made]) if made else np.zeros(0, dtype=np.int64)
    distinct, first = np.unique(flat, return_index=True)
    by_use = np.argsort(first, kind="stable")  # the chunk's features in order of first use
    local = np.empty(len(distinct), dtype=np.int64)
    local[by_use] = np.arange(len(distinct))
    vocab = FeatureVocab([strings[f] for f in distinct[by_use].tolist()])
    ids = local[np.searchsorted(distinct, flat)].astype(np.int32)
    return FeatureRows._joined(vocab, lengths, [ids], [v for _, v in made])


def _features_chunk(task: tuple[list[str], list[str | None], float]) -> FeatureRows:
    return features_chunk(*task)


def features_of(texts: Sequence[str], titles: Sequence[str | None], cfg: Config,
                known: Sequence | None = None, mapper: Callable | None = None) -> FeatureRows:
    """Event features of each document as `FeatureRows`. `known`: rows of every document
    (returned as they are), or per document None or its features (a mapping feature ->
    weight, or a `FeatureRef`: the engine passes the features of texts a second story pass
    left unchanged, and stored ones), used as they are.
    `mapper(function, tasks)`: an ordered map (a worker pool's imap) to spread the work; the
    tasks come as an iterator."""
    if isinstance(known, FeatureRows):  # every document's, already made
        if len(known) != len(texts):
            raise ValueError(f"features for {len(known)} documents, {len(texts)} given")
        return known
    known = list(known) if known is not None else [None] * len(texts)
    # the vocabulary of the rows referred to, so their rows are copied as ids
    vocab = next((k.rows.vocab for k in known if isinstance(k, FeatureRef)), None)
    vocab = FeatureVocab() if vocab is None else vocab
    todo = [i for i, f in enumerate(known) if f is None]
    # made as the map takes them: the texts of a corpus (engine) are decoded a chunk at a time,
    # never all held as Python strings at once
    tasks = (([texts[i] for i in todo[k:k + FEATURE_CHUNK]], [titles[i] for i in todo[k:k + FEATURE_CHUNK]],
              cfg.story_name_weight) for k in range(0, len(todo), FEATURE_CHUNK))
    done = (mapper or map)(_features_chunk, tasks)
    made = FeatureRows.concat(done, vocab)
    if len(todo) == len(known):  # none was known: no second copy
        return made
    for r, i in enumerate(todo):
        known[i] = made.ref(r)
    return FeatureRows.build(known, vocab)


def _dense(texts: Sequence[str], titles: Sequence[str | None], cfg: Config) -> np.ndarray | None:
    """Centred embeddings when story_embed_weight asks for them (the embed extra)."""
    if cfg.story_embed_weight <= 0:
        return None
    from .embed import centered, embed
    return centered(embed(list(texts), titles=list(titles)))


def specificity(cfg: Config) -> Specificity:
    """The story_specific_* options."""
    return Specificity(cfg.story_specific_df, cfg.story_specific_count, cfg.story_specific_floor,
                       cfg.story_specific_after_days)


def _search(vec: StoryVectors, days: np.ndarray, cfg: Config, order: np.ndarray | None,
            dense: np.ndarray | None = None, mapper: Callable | None = None) -> Neighbours:
    n = vec.matrix.shape[0]
    max_df = min(cfg.story_max_index_df, max(cfg.story_min_index_df, int(cfg.story_max_df * n)))
    return story_neighbours(vec.matrix, vec.df, days, cfg.story_k, tau=cfg.story_tau_days,
                            floor=cfg.story_time_floor, query_terms=cfg.story_query_terms,
                            max_df=max_df, candidates=cfg.story_candidates, order=order,
                            dense=dense, dense_weight=cfg.story_embed_weight, specificity=specificity(cfg),
                            mapper=mapper)


def build_model(texts: Sequence[str], titles: Sequence[str | None], dates: Sequence[str | None],
                cfg: Config, features: Sequence | None = None, mapper: Callable | None = None,
                keys: Sequence[str] | None = None, search_map: Callable | None = None,
                graph_only: bool = False) -> StoryModel:
    """The corpus story model; `features`: every document's event features (`FeatureRows`), or
    those known per document (None where they must be computed); `mapper`: an ordered map to
    compute them on workers; `search_map`: an ordered map over threads for the neighbour
    search's blocks (`neighbours.story_neighbours`; the model does not depend on it);
    `keys`: a unique key per document (its id). With keys the model is built in key order
    (its vectors and profiles keep that row order, `StoryModel.rows`), so the same documents
    in another order give the same model (neighbour search breaks ties by position, and the
    vocabulary follows first use).
    `graph_only`: the model without its TF-IDF vectors, neighbours and profiles (None), for a
    caller that reads only the graph, days and features (formula's first model): they are
    dropped as soon as the graph is made."""
    feats = features_of(texts, titles, cfg, features, mapper)
    # the keys as a list only while they are sorted (a corpus column decodes them on access)
    perm = np.argsort(np.asarray(_as_list(keys), dtype=object), kind="stable") if keys is not None \
        else np.arange(len(texts))
    vec = vectorize(feats, perm)
    for a in (feats.ids, feats.weights):  # read once here: a mapped one's pages go back (io/mapped.py)
        release_array(a)
    days = day_numbers(dates)
    dense = _dense(texts, titles, cfg)
    nb = _search(vec, days[perm], cfg, None, None if dense is None else dense[perm], search_map)
    if graph_only:
        vec = None  # the graph reads the neighbours only
    edges, weights, prof = story_graph(nb, cfg.story_mix, cfg.story_edge_floor)
    del nb  # read by nothing after the graph
    e = perm[edges] if len(edges) else edges
    e = np.sort(e, axis=1)
    order = np.lexsort((e[:, 1], e[:, 0])) if len(e) else np.arange(0)
    rows = None
    if keys is not None:
        rows = np.empty_like(perm)
        rows[perm] = np.arange(len(perm))
    return StoryModel(vec, days, e[order], weights[order], None if graph_only else prof, dense, feats, rows)


def _as_list(seq: Sequence) -> list:
    """`seq` as a list (one Arrow call for a corpus column, `corpus.Column.tolist`)."""
    return seq.tolist() if hasattr(seq, "tolist") else list(seq)


def batch_stories(model: StoryModel, threshold: float, also: Sequence[float] = ()) -> np.ndarray:
    """Story label per document: average linkage over the story graph, cut at `threshold`.
    The cuts at `also` are made in the same pass and kept on the model for later calls."""
    todo = [t for t in (threshold, *also) if t not in model.cuts]
    if todo:
        model.cuts.update(zip(todo, average_linkage_cuts(len(model.days), model.edges, model.weights, todo)))
    return model.cuts[threshold]


def arrival_order(days: np.ndarray) -> np.ndarray:
    """Rank of each document in date order (undated ones last, in input order)."""
    key = np.where(np.isnan(days), np.inf, days)
    order = np.argsort(key, kind="stable")
    rank = np.empty(len(days), dtype=np.int64)
    rank[order] = np.arange(len(days))
    return rank


def stream_model(texts: Sequence[str], titles: Sequence[str | None], dates: Sequence[str | None],
                 cfg: Config, model: StoryModel | None = None) -> tuple[Neighbours, np.ndarray]:
    """Causal neighbours (each document sees only earlier ones) and the arrival order.
    A batch `model` of the same documents lends its vectors and embeddings."""
    if model is None:
        days = day_numbers(dates)
        arrival = arrival_order(days)
        return _search(_vectors(texts, titles, cfg), days, cfg, arrival, _dense(texts, titles, cfg)), arrival
    arrival = arrival_order(model.days)
    nb = _search(model.vectors, model.in_model_order(model.days), cfg, model.in_model_order(arrival),
                 model.in_model_order(model.dense))
    return model.to_input(nb), arrival


def stream_extend(model: StoryModel, known: np.ndarray, cfg: Config) -> np.ndarray:
    """Stories of an incremental run: documents with a `known` label (>= 0: stored stories)
    keep it; the others arrive after all of them, in date order, and each joins the stored or
    new story it is most similar to (`stream_stories` at `story_stream_link`) or opens one.

    Parameters
    ----------
    model : StoryModel
        The story model over every document (stored and new).
    known : numpy.ndarray
        Label per model row, -1 for a new document.
    cfg : Config
        story_* options of the neighbour search and `story_stream_link`.

    Returns
    -------
    numpy.ndarray
        Label per model row.
    """
    known = np.asarray(known, dtype=np.int64)
    new = known < 0
    # stored documents first (they are all "earlier" than this batch), then new ones by date
    key = np.where(new, 1.0, 0.0) * 1e9 + np.where(np.isnan(model.days), 1e8, model.days) * new
    arrival = np.empty(len(known), dtype=np.int64)
    arrival[np.argsort(key, kind="stable")] = np.arange(len(known))
    nb = _search(model.vectors, model.in_model_order(model.days), cfg, model.in_model_order(arrival),
                 model.in_model_order(model.dense))
    return stream_stories(model.to_input(nb), arrival, cfg.story_stream_link, known)


def pair_story_scores(model: StoryModel, pairs: np.ndarray, cfg: Config) -> np.ndarray:
    """Story similarity of arbitrary document pairs, defined as on the graph's edges: the
    pair's own cosine x time factor x specific-evidence factor blended with its
    shared-neighbour similarity."""
    if len(pairs) == 0:
        return np.zeros(0)
    i, j = pairs[:, 0], pairs[:, 1]
    ri, rj = model.row(i), model.row(j)  # rows of the vectors and profiles
    spec = specificity(cfg)
    rare = specific_features(model.vectors.matrix, model.vectors.df, spec.max_df)
    direct = direct_similarity(model.vectors.matrix, ri, rj, model.in_model_order(model.dense),
                               cfg.story_embed_weight) * time_factor(
        model.days[i], model.days[j], cfg.story_tau_days, cfg.story_time_floor) * evidence_factor(
        rare, model.in_model_order(model.days), ri, rj, spec)
    shared = pair_cosine(model.profiles, ri, rj)
    return np.clip((1 - cfg.story_mix) * direct + cfg.story_mix * shared, 0.0, 1.0)
