"""Where else did this text appear? `retold query` and the query box of `retold serve`.

`query(text, store)` finds candidates in the store's query index (`index.py`: LSH bands,
winnowed rare n-grams, story vectors), compares each with the text through the library's
own compare (`compare.profile` / `compare.compare_profiles`, with the store's formula), and
returns every stored document that shares passages with the text, rewrites it or tells the
same story, ranked: documents sharing text with it first (the more of the query they carry
verbatim, the higher), then templates, then the same story.
"""
from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, Callable

from ..classify import content_weights
from ..compare import compare_profiles, profile
from ..config import Config
from ..explain.direction import parse_date
from ..model import Comparison, Document
from ..story.pair import StoryView, story_probability, story_view, view_features
from ..text.normalise import tokenize
from .index import QueryIndex, build_index, index_path
from .pool import ComparePool, formula_key
from .storeread import formula as store_formula
from .storeread import read_store, rows

__all__ = ["query", "QueryResult", "QueryIndex", "ComparePool", "build_index", "index_path", "RANK", "QUERY_ID"]

QUERY_ID = "query"
# What a reader of "where else did this appear" wants first: whole copies, then passages.
RANK = ("exact", "near_duplicate", "rewrite", "reuse", "template", "same_story")
TEXT_RELATIONS = ("exact", "near_duplicate", "rewrite", "reuse")
MAX_COMPARE = 40  # candidates compared at most per query (the index ranks them)
STORY_CANDIDATES = 20  # documents the story search proposes at most
# story cosine (index.py) below which a document that shares no wording is not compared: on
# the demo corpus, candidates under 0.12 were 4 same-story documents in 8,500 (the rest
# unrelated), 0.12-0.2 one in five, above 0.3 nearly all
STORY_FLOOR = 0.12
STORY_SLACK = 3  # story-only candidates compared beyond what the list still has room for
MISS_RUN = 10  # shared-wording candidates compared in a row without a copy before stopping


@dataclass
class QueryResult:
    """The answer to one query; `to_dict()` is the `retold query --json` object."""

    chars: int
    matches: list[dict[str, Any]]
    candidates: int
    compared: int
    documents: int
    seconds: float
    first: dict[str, Any] | None = None
    counts: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict: query size, counts, first seen, and the ranked matches."""
        return {"query": {"id": QUERY_ID, "chars": self.chars},
                "store_documents": self.documents, "candidates": self.candidates,
                "compared": self.compared, "seconds": round(self.seconds, 4),
                "counts": self.counts, "first": self.first, "matches": self.matches}


def _doc_meta(con, ids: list[str]) -> dict[str, dict[str, Any]]:
    """The stored rows (document and its family/story) of `ids`. Two lookups with one
    placeholder per id: DuckDB answers them from the doc_id indexes (a join over an unnested
    list scanned the tables: 26 ms against 7 ms for 22 ids of a 100k store)."""
    if not ids:
        return {}
    marks = ", ".join("?" * len(ids))  # only the number of ids goes into the SQL, never text
    got = rows(con, "SELECT doc_id, text, title, date, source, url FROM documents "
                    f"WHERE doc_id IN ({marks})", list(ids))
    fam = {r["doc_id"]: r for r in rows(con, "SELECT doc_id, family_id, story_id FROM families "
                                             f"WHERE doc_id IN ({marks})", list(ids))}
    for r in got:
        f = fam.get(r["doc_id"], {})
        r["family_id"], r["story_id"] = f.get("family_id"), f.get("story_id")
    return {r["doc_id"]: r for r in got}


def _group(relation: str) -> int:
    """Shared text first (exact, reprint, rewrite, reuse), then templates, then stories."""
    if relation in TEXT_RELATIONS:
        return 0
    return 1 if relation == "template" else 2


def _strength(c: Comparison) -> float:
    """How much of the query the document carries, and how faithfully: the share of the
    query inside aligned passages times their word identity (a verbatim paragraph ranks
    above a reworded copy of half of it); exact copies score 1."""
    if c.relation == "exact":
        return 1.0
    s = c.scores
    return max(s.coverage_a * (s.identity or 0.0), s.containment_a)


def _first_words(c: Comparison, doc_id: str) -> str:
    side = c.direction.source
    if side == "a":
        return QUERY_ID
    if side == "b":
        return doc_id
    return "unknown"


def _match(c: Comparison, meta: dict[str, Any], cand: dict[str, Any]) -> dict[str, Any]:
    d = c.to_dict()
    return {
        "doc": {"id": meta["doc_id"], "title": meta.get("title"), "date": meta.get("date"),
                "source": meta.get("source"), "url": meta.get("url"),
                "chars": len(meta.get("text") or "")},
        "family_id": meta.get("family_id"), "story_id": meta.get("story_id"),
        "relation": c.relation, "scores": dict(d["scores"], coverage_query=c.scores.coverage_a,
                                               coverage_doc=c.scores.coverage_b,
                                               identity=c.scores.identity, facts=c.scores.facts),
        "passages": d["passages"], "edits": d["edits"],
        "direction": dict(d["direction"], first=_first_words(c, meta["doc_id"])),
        "found_by": [k for k, on in (("lsh", cand["lsh"]), ("anchors", cand["anchors"] > 0),
                                     ("story", cand["story"] > 0)) if on],
    }


_PROFILES: "OrderedDict[tuple, Any]" = OrderedDict()
_VIEWS: "OrderedDict[tuple, StoryView]" = OrderedDict()
_PROFILES_LOCK = threading.Lock()
PROFILE_CACHE = 512  # stored documents whose compare profile a process keeps (a server's hot set)


def _stored_profile(doc: Document, cfg: Config, formula):
    """`compare.profile` of a stored document, remembered (least recently used dropped): the
    same documents come back query after query in a server."""
    key = (doc.doc_id, hash(doc.text), doc.title, doc.date, doc.source, id(cfg), formula_key(formula))
    with _PROFILES_LOCK:
        got = _PROFILES.get(key)
        if got is not None:
            _PROFILES.move_to_end(key)
            return got
    got = profile(doc, cfg, None, formula)
    with _PROFILES_LOCK:
        _PROFILES[key] = got
        while len(_PROFILES) > PROFILE_CACHE:
            _PROFILES.popitem(last=False)
    return got


def _light_view(m: dict[str, Any]) -> StoryView:
    """The pair-story view (`story.pair.story_view`) of a stored document from its tokens and
    content weights alone: what the story score needs, at a fraction of a full profile."""
    text = m.get("text") or ""
    key = (m["doc_id"], hash(text), m.get("title"), m.get("date"))
    with _PROFILES_LOCK:
        got = _VIEWS.get(key)
        if got is not None:
            _VIEWS.move_to_end(key)
            return got
    toks = tokenize(text)
    light = SimpleNamespace(tokens=toks, weights=content_weights(toks, text),
                            doc=Document(m["doc_id"], text, m.get("title"), m.get("date")))
    got = story_view(light)
    with _PROFILES_LOCK:
        _VIEWS[key] = got
        while len(_VIEWS) > 8 * PROFILE_CACHE:
            _VIEWS.popitem(last=False)
    return got


def query(text: str, store: str | os.PathLike[str], limit: int = 20, config: Config | None = None,
          index: QueryIndex | None = None, title: str | None = None,
          max_compare: int = MAX_COMPARE, reader: Callable[[], Any] | None = None,
          pool: "ComparePool | None" = None) -> QueryResult:
    """Every stored document that shares passages with `text`, rewrites it or tells its
    story, ranked, with aligned passages, typed differences and who was first.

    Parameters
    ----------
    text : str
        The text to look for (a paragraph or a whole article).
    store : path-like
        A DuckDB store written by `retold run --store`.
    limit : int
        Matches returned at most.
    config : Config, optional
        Options (defaults otherwise); the same thresholds as `retold compare`.
    index : QueryIndex, optional
        An open index (the web app keeps one); otherwise the one beside the store is opened
        and brought up to date.
    title : str, optional
        A title for the text (helps the story search).
    max_compare : int
        Candidates compared at most.
    reader : callable, optional
        Returns a context manager yielding a read-only connection to the store (a server
        passes its `StoreView.read`); default: a fresh read-only connection.
    pool : ComparePool, optional
        Worker processes to compare the candidates on (`retold serve` keeps one); the
        answer is the same as without.

    Returns
    -------
    QueryResult
        `matches` ranked: documents sharing text with the query (exact, near_duplicate,
        rewrite, reuse) by how much of the query they carry and how faithfully, then
        templates, then documents telling the same story by story score; `first` names
        the earliest dated stored document that shares text with the query.
    """
    t0 = time.perf_counter()
    cfg = config or Config()
    if index is None:
        index = QueryIndex.open(store, cfg, reader=reader)
    with (reader or (lambda: read_store(store)))() as con:
        formula = index.formula if index.formula is not None else store_formula(con)
        cands = index.candidates(text, title, formula if len(formula) else None,
                                 max_story_docs=STORY_CANDIDATES, story_floor=STORY_FLOOR)
        n_cands = len(cands)
        # shared wording first (an LSH band or two rare n-grams: where copies are), then the
        # rest by story similarity (one shared n-gram is mostly a story, rarely a copy)
        strong = [c for c in cands if c["lsh"] or c["anchors"] >= 2][:max_compare]
        weak = sorted((c for c in cands if not (c["lsh"] or c["anchors"] >= 2)),
                      key=lambda c: (-c["story"], -c["anchor_weight"], c["doc_id"]))
        weak = weak[:max(0, max_compare - len(strong))]
        meta = _doc_meta(con, [c["doc_id"] for c in strong + weak])
    fm = formula if len(formula) else None
    # with a pool the workers profile the query; here only the story search may need it
    qprof = None if pool is not None else profile(Document(QUERY_ID, text, title=title), cfg, None, fm)
    found = []
    compared = 0

    def compare(batch: list[dict[str, Any]]) -> list[tuple[dict[str, Any], Comparison]]:
        """Compare the query with each candidate of `batch` still in the store (on the pool
        when there is one), in order."""
        nonlocal compared
        docs, kept = [], []
        for cand in batch:
            m = meta.get(cand["doc_id"])
            if m is None:  # gone from the store since the index was refreshed
                continue
            kept.append(cand)
            docs.append(Document(m["doc_id"], m.get("text") or "", m.get("title"), m.get("date"),
                                 m.get("source"), m.get("url")))
        compared += len(docs)
        if pool is not None:
            comps = pool.compare(text, title, fm, docs, [c["anchors"] for c in kept])
        else:
            comps = [compare_profiles(qprof, _stored_profile(d, cfg, fm), cfg, anchors=c["anchors"] or None,
                                      formula=fm) for d, c in zip(docs, kept)]
        return list(zip(kept, comps))

    def add(cand: dict[str, Any], c: Comparison) -> None:
        if c.relation == "unrelated":
            return
        m = meta[cand["doc_id"]]
        when = parse_date(m.get("date"))
        found.append((_group(c.relation), -round(_strength(c), 2),
                      RANK.index(c.relation) if c.relation in RANK else len(RANK),
                      # equally strong: the earliest first (undated last), then the story score
                      (when is None, when.isoformat() if when else ""), -c.scores.story, m["doc_id"],
                      c, m, cand))

    # ranked by shared rare wording: after MISS_RUN in a row that share no text with the query,
    # the weaker ones below them will not either. A pool compares a round of candidates at
    # once; the run of misses is counted in order, so the answer is the one-by-one answer.
    step = max(MISS_RUN, 2 * pool.workers) if pool is not None else 1
    misses = 0
    for lo in range(0, len(strong), step):
        for cand, c in compare(strong[lo:lo + step]):
            if misses >= MISS_RUN:
                compared -= 1  # compared past the stop: not part of the answer
                continue
            add(cand, c)
            misses = 0 if c.relation in TEXT_RELATIONS else misses + 1
        if misses >= MISS_RUN:
            break
    # documents that only tell the same story rank below every copy: compare no more of them
    # than can still make the list, and one sharing no wording at all only when the pair story
    # score (the measure compare decides same_story by) reaches story_threshold
    budget = max(0, limit - len(found)) + STORY_SLACK
    qview = None
    chosen = []
    for cand in weak:
        if budget <= 0:
            break
        m = meta.get(cand["doc_id"])
        if m is None:
            continue
        if cand["anchors"] == 0:
            if qview is None:
                qview = story_view(qprof or profile(Document(QUERY_ID, text, title=title), cfg, None, fm))
            if story_probability(view_features(qview, _light_view(m))) < cfg.story_threshold:
                continue
        budget -= 1
        chosen.append(cand)
    for cand, c in compare(chosen):
        add(cand, c)
    found.sort(key=lambda f: f[:6])
    counts: dict[str, int] = {}
    for f in found:
        counts[f[6].relation] = counts.get(f[6].relation, 0) + 1
    matches = [_match(c, m, cand) for *_, c, m, cand in found[:max(0, limit)]]
    first = None
    dated = [(parse_date(m.get("date")), m) for *_, c, m, _cand in found
             if c.relation in TEXT_RELATIONS and parse_date(m.get("date")) is not None]
    if dated:
        when, m = min(dated, key=lambda x: (x[0], x[1]["doc_id"]))
        first = {"id": m["doc_id"], "date": m.get("date"), "source": m.get("source"),
                 "title": m.get("title")}
    return QueryResult(len(text), matches, n_cands, compared, len(index), time.perf_counter() - t0,
                       first, counts)
