"""Incremental runs: `retold run NEW --store FILE` on a store that already holds documents.

The stored documents are read back from the store (their cleaned texts are in `documents`,
their sketches in `sketches`: a stored document is sketched again only when its stored
sketch is missing, of another text or of other sketch options), so candidates, site chrome,
the story model and formula are those of the union. Compared again: every candidate
pair with a new document, and every candidate pair of two stored documents whose context
changed (a line of theirs became chrome or stopped being it, or an n-gram of theirs did as
formula: a pair's relation depends on nothing else); a stored pair that is no longer a
candidate is dropped. So the stored pairs
are those one run on the union would give, and so are the families (components of the copy
pairs). Stories follow the stream assignment (stored documents keep their story, new ones
join one or open one). Kept in the store for this: the texts, the chrome line hashes per
source (`chrome`), the formula and the per-document sketches (io/sketches.py).

`load` reads the store; the other functions are pure.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..cluster.components import FAMILY_RELATIONS
from ..io.sketches import SketchRows, from_table
from ..io.storyfeatures import story_digest
from ..model import Document
from . import stages


@dataclass
class StoreContext:
    """What an incremental run takes from the store."""

    docs: list[Document]  # the union: stored documents the run does not carry, then the run's
    new: np.ndarray  # bool per union document: to be compared (not in the store as it is)
    family_edges: list[tuple[int, int, str]]  # stored pairs between stored documents (not same_story)
    chrome: dict[str, set[int]]  # the stored chrome line hashes per source
    formula: np.ndarray  # the stored formula n-grams, sorted
    story_ids: list[str | None]  # stored story_id per union document (None: new)
    digest: str  # identifies the stored state (the run's stage files depend on it)
    sketches: SketchRows | None = None  # stored sketches valid for this run (io/sketches.py)
    sketch_of: np.ndarray | None = None  # per union document: its row in `sketches`, -1: none
    story_rows: dict | None = None  # stored story features valid for this run: column -> list
    story_of: np.ndarray | None = None  # per union document: its row in `story_rows`, -1: none


def load(path: str | Path, run_docs: list[Document], wait: float = 0.0, sketch_key: str | None = None,
         num_perm: int = 128, story_key: str | None = None) -> StoreContext | None:
    """The store's documents, copy pairs and stories around the run's documents; None when
    the store is missing or empty (the run is then a plain run).

    Parameters
    ----------
    path : str or Path
        The --store DuckDB file.
    run_docs : list of Document
        The run's own documents, as ingested.
    wait : float
        Seconds to wait for a store another process is writing.
    sketch_key : str, optional
        The run's `io.sketches.sketch_key`: stored sketches made with it are read (None:
        none is, every document is sketched).
    num_perm : int
        MinHash permutations of the run (the width of a stored signature).
    story_key : str, optional
        The run's `io.storyfeatures.story_key`: stored story features made with it are read.

    Returns
    -------
    StoreContext or None

    Raises
    ------
    RetoldError
        E050 when another process still holds the store after `wait`.
    """
    from ..io.store import Store
    path = Path(path)
    if not path.exists():
        return None
    with Store(path, read_only=True, wait=wait) as s:
        if not holds_documents(s):
            return None
        stored = s.documents().to_pylist()
        pairs = s.con.execute("SELECT a, b, relation FROM pairs WHERE relation <> 'same_story'").fetchall()
        stories = dict(s.con.execute("SELECT doc_id, story_id FROM families").fetchall())
        chrome: dict[str, set[int]] = {}
        for source, h in s.chrome():
            chrome.setdefault(source, set()).add(int(h))
        formula = s.formula()
        rows = from_table(s.sketches(sketch_key), num_perm) if sketch_key is not None else None
        story = s.story_features(story_key).to_pydict() if story_key is not None else None
    ctx = merge(stored, pairs, stories, run_docs, chrome, formula)
    if rows is not None:
        attach_sketches(ctx, rows)
    if story is not None:
        attach_story_features(ctx, story, len(run_docs))
    return ctx


def attach_story_features(ctx: StoreContext, rows: dict, n_run: int) -> None:
    """Point each union document that is not new at its stored story features, if it has
    some of its title and text (the store checked its own; a run document with a stored
    text may bring another title)."""
    row = {d: k for k, d in enumerate(rows["doc_id"])}
    first_run = len(ctx.docs) - n_run
    of = np.full(len(ctx.docs), -1, dtype=np.int64)
    for i, d in enumerate(ctx.docs):
        k = row.get(d.doc_id, -1)
        if k < 0 or ctx.new[i]:
            continue
        if i >= first_run and rows["text_md5"][k] != story_digest(d.title, d.text):
            continue
        of[i] = k
    ctx.story_rows, ctx.story_of = rows, of


def attach_sketches(ctx: StoreContext, rows: SketchRows) -> None:
    """Point each union document that is not new at its stored sketch, if it has one."""
    row = {d: k for k, d in enumerate(rows.doc_ids)}
    ctx.sketches = rows
    ctx.sketch_of = np.array([-1 if ctx.new[i] else row.get(d.doc_id, -1) for i, d in enumerate(ctx.docs)],
                             dtype=np.int64)


def fill_sketch(n: int, rows: SketchRows | None, sketch_of: np.ndarray | None, fresh: stages.SketchBatch,
                todo: np.ndarray) -> stages.SketchBatch:
    """The union's sketch: stored rows where `sketch_of` points at one, `fresh` (the sketch
    of the documents `todo`, in that order) for the others.

    Parameters
    ----------
    n : int
        Documents of the union.
    rows : SketchRows or None
        The stored sketches (None: every document is in `todo`).
    sketch_of : numpy.ndarray or None
        Per document its row in `rows`, -1 where it was sketched now.
    fresh : SketchBatch
        The sketch of the documents `todo`.
    todo : numpy.ndarray
        Indices of the documents sketched now, ascending.

    Returns
    -------
    SketchBatch
        One entry per document, in union order.
    """
    if len(todo) == n:
        return fresh
    where = np.full(n, -1, dtype=np.int64)
    where[todo] = np.arange(len(todo))
    num_perm = fresh.signatures.shape[1] if len(todo) else rows.signatures.shape[1]
    sig = np.empty((n, num_perm), dtype=np.uint32)
    stored = np.flatnonzero(where < 0)
    sig[todo] = fresh.signatures
    sig[stored] = rows.signatures[sketch_of[stored]]
    hashes, anchors, lines = [], [], []
    for i, k in enumerate(where.tolist()):
        src, k = (fresh, k) if k >= 0 else (rows, int(sketch_of[i]))
        hashes.append(src.content_hashes[k])
        anchors.append(src.anchors[k])
        lines.append(src.lines[k])
    return stages.SketchBatch(hashes, sig, anchors, lines)


def holds_documents(store) -> bool:
    """Whether an open Store has any document (a file made by DuckDB alone has no tables)."""
    tables = {r[0] for r in store.con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'").fetchall()}
    return "documents" in tables and store.con.execute("SELECT count(*) FROM documents").fetchall()[0][0] > 0


def merge(stored: list[dict], pairs: list[tuple[str, str, str]], stories: dict[str, str],
          run_docs: list[Document], chrome: dict[str, set[int]] | None = None,
          formula: np.ndarray | None = None) -> StoreContext:
    """The union of stored rows and the run's documents (a run document whose id is stored
    with the same text is not new: adding it again changes nothing)."""
    text_of = {r["doc_id"]: r["text"] for r in stored}
    mine = {d.doc_id for d in run_docs}
    docs = [Document(r["doc_id"], r["text"], r["title"], r["date"], r["source"], r["url"],
                     origin=r.get("origin")) for r in stored if r["doc_id"] not in mine]
    docs += run_docs
    new = np.array([d.doc_id in mine and text_of.get(d.doc_id) != d.text for d in docs], dtype=bool)
    index = {d.doc_id: i for i, d in enumerate(docs)}
    edges = [(index[a], index[b], r) for a, b, r in pairs if a in index and b in index]
    story_ids = [None if new[i] else stories.get(d.doc_id) for i, d in enumerate(docs)]
    h = hashlib.sha1()
    for r in sorted(stored, key=lambda r: r["doc_id"]):
        h.update(r["doc_id"].encode() + b"\0" + (r["text"] or "").encode() + b"\0")
    return StoreContext(docs, new, edges, chrome or {}, np.zeros(0, np.uint64) if formula is None else formula,
                        story_ids, h.hexdigest()[:16])


def changed(docs: list[Document], lines: list[np.ndarray], grams: list[np.ndarray],
            chrome: dict[str, set[int]], formula: np.ndarray, ctx: StoreContext,
            same_n: bool = True) -> np.ndarray:
    """Per document: is its compare context not the one its stored pairs were compared in?
    One of its lines (`lines`: its line hashes, as chrome reads them) became its site's
    chrome or stopped being it, or it holds an n-gram that became formula or stopped being
    one (`grams`: its n-grams at the formula's n; `same_n` False: they are not, and any
    formula change counts for every document). Compare reads chrome and formula through
    nothing else (compare.profile: chrome_mask over the lines, covered_by over the n-grams)."""
    sources = {d.source or "" for d in docs}
    flipped = {src: chrome.get(src, set()) ^ ctx.chrome.get(src, set()) for src in sources}
    flip = np.setxor1d(np.asarray(formula, np.uint64), np.asarray(ctx.formula, np.uint64))
    out = np.array([bool(flipped[d.source or ""]) and not flipped[d.source or ""].isdisjoint(ln.tolist())
                    for d, ln in zip(docs, lines)], dtype=bool)
    if len(flip):
        out |= np.array([not same_n or bool(np.isin(g, flip, assume_unique=True).any()) for g in grams], bool)
    return out


def to_compare(cand: stages.Candidates, ctx: StoreContext, moved: np.ndarray) -> np.ndarray:
    """Which candidate pairs an incremental run compares: those with a new document or a
    document whose context moved (`changed`); the others are in the store as they are."""
    touch = ctx.new | moved
    return touch[cand.pairs[:, 0]] | touch[cand.pairs[:, 1]] if len(cand.pairs) else np.zeros(0, bool)


def select(cand: stages.Candidates, keep: np.ndarray, new: np.ndarray) -> stages.Candidates:
    """The candidates kept by `keep`, and the exact pairs with a new document."""
    ex = cand.exact_pairs
    keep_ex = new[ex[:, 0]] | new[ex[:, 1]] if len(ex) else np.zeros(0, bool)
    return stages.Candidates(cand.pairs[keep], cand.anchors[keep], ex[keep_ex])


def stale_pairs(ctx: StoreContext, cand: stages.Candidates, compared: np.ndarray
                ) -> tuple[list[tuple[int, int, str]], list[tuple[int, int]]]:
    """The stored pairs that still stand (as family edges) and those to drop from the store:
    a pair compared again (its new result replaces it), no longer a candidate, or an exact
    pair no longer from its group's representative (a new, earlier copy represents it now:
    its own exact pairs tie the group)."""
    cands = {(min(i, j), max(i, j)) for i, j in cand.pairs.tolist()}
    exact = {(min(i, j), max(i, j)) for i, j in cand.exact_pairs.tolist()}
    again = {(min(i, j), max(i, j)) for i, j in cand.pairs[compared].tolist()}
    keep, drop = [], []
    for i, j, r in ctx.family_edges:
        k = (min(i, j), max(i, j))
        # a pair of a document whose text changed is stale too
        if k in again or k not in (exact if r == "exact" else cands) or ctx.new[i] or ctx.new[j]:
            drop.append(k)
        elif r in FAMILY_RELATIONS:
            keep.append((i, j, r))
    return keep, drop


def known_labels(story_ids: list[str | None], rep: np.ndarray, reps: np.ndarray) -> np.ndarray:
    """Per story-model row (an exact-group representative): its stored story as a number,
    -1 for a new document (a stored document's group takes the story of any stored member)."""
    code: dict[str, int] = {}
    per_doc = np.array([-1 if s is None else code.setdefault(s, len(code)) for s in story_ids], dtype=np.int64)
    row_of = np.full(len(rep), -1, dtype=np.int64)
    row_of[reps] = np.arange(len(reps))
    out = np.full(len(reps), -1, dtype=np.int64)
    for i in np.flatnonzero(per_doc >= 0).tolist():
        out[row_of[rep[i]]] = max(out[row_of[rep[i]]], per_doc[i])
    return out
