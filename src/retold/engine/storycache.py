"""Story event features kept in the store (io/storyfeatures.py): which an incremental run
can take from there, and the rows a run leaves for the next one.

The story model's first pass reads each document's title and text: a stored row of the same
title and text holds its features. The second pass reads the article text (chrome lines and
read-past n-grams blanked), which depends on the union: a stored row's article features are
taken when the document's `article_context` is the one they were made in, and the article
text is made again otherwise. Pure functions; the engine (engine/local.py) runs the passes.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..io import mapped
from ..io.storyfeatures import article_contexts, decode, to_table
from ..io.writers import PART_ROWS
from ..corpus import subset, value, values
from ..model import Document
from ..sketch.ragged import select
from ..story.featurerows import FeatureRows

CONTEXT_ROWS = 131_072  # representatives whose article contexts are made at a time


@dataclass
class ArticlePlan:
    """The second story pass of one run, per union document."""

    context: list[str | None]  # article_context of each representative (None: not kept)
    reuse: np.ndarray  # bool: article features taken from the store
    known: list  # FeatureRef to the stored article features where reused and not None, else None
    unchanged: np.ndarray  # bool: article text = text (where reused: as stored)


def representatives(rep: np.ndarray) -> np.ndarray:
    """Indices of the exact-group representatives (the story model's rows)."""
    return np.flatnonzero(rep == np.arange(len(rep)))


def stored_first(story_rows: dict | None, story_of: np.ndarray | None, rep: np.ndarray) -> list | None:
    """Per document, its stored first-pass features (representatives with a row), else None.

    Parameters
    ----------
    story_rows : dict or None
        The stored rows as columns (`StoreContext.story_rows`).
    story_of : numpy.ndarray or None
        Per document its row, -1 for none.
    rep : numpy.ndarray
        Exact-group representative per document.

    Returns
    -------
    list or None
        A `FeatureRef` per document with stored features, else None; None when nothing is
        stored.
    """
    if story_rows is None or story_of is None:
        return None
    out: list = [None] * len(rep)
    have = [i for i in representatives(rep).tolist() if story_of[i] >= 0]
    # decoded one at a time into flat rows: a Counter per stored document would hold 15 KB each
    stored = FeatureRows.build(decode(story_rows["features"][story_of[i]]) for i in have)
    for r, i in enumerate(have):
        out[i] = stored.ref(r)
    return out


def plan_article(docs: list[Document], anchors: list[np.ndarray], lines: list[np.ndarray], rep: np.ndarray,
                 unseen: np.ndarray, chrome: dict[str, set[int]], keep: bool,
                 story_rows: dict | None = None, story_of: np.ndarray | None = None) -> ArticlePlan:
    """Which representatives' article features come from the store.

    Parameters
    ----------
    docs : list of Document
        The union.
    anchors, lines : list of numpy.ndarray
        The sketch's n-grams and line hashes per document.
    rep : numpy.ndarray
        Exact-group representative per document.
    unseen : numpy.ndarray
        The n-grams the second pass reads past, sorted.
    chrome : dict
        The run's chrome line hashes per source.
    keep : bool
        Whether article features can be kept at all (the sketch's n-grams are the ones the
        article text blanks, and no embedding reads the article text).
    story_rows, story_of
        The stored rows and each document's row (-1: none), as in `stored_first`.

    Returns
    -------
    ArticlePlan
    """
    n = len(docs)
    context: list[str | None] = [None] * n
    reuse = np.zeros(n, dtype=bool)
    known: list = [None] * n
    unchanged = np.ones(n, dtype=bool)
    if not keep:
        return ArticlePlan(context, reuse, known, unchanged)
    stored = []  # (document, its stored article features)
    reps = representatives(rep).tolist()
    made: list[str] = []
    for lo in range(0, len(reps), CONTEXT_ROWS):  # a block at a time: the sketch is read in place
        part = reps[lo:lo + CONTEXT_ROWS]
        made += article_contexts(select(anchors, part), select(lines, part), unseen,
                                 [chrome.get(value(docs, "source", i) or "") for i in part])
        mapped.release()  # the block's n-gram pages (1.4 GB mapped in at once at 1M documents)
    for i, ctx in zip(reps, made):
        context[i] = ctx
        k = -1 if story_of is None else int(story_of[i])
        if k >= 0 and story_rows["article_ctx"][k] == context[i]:
            reuse[i] = True
            art = story_rows["article"][k]
            unchanged[i] = art is None
            if art is not None:
                stored.append((i, art))
    rows = FeatureRows.build(decode(art) for _, art in stored)
    for r, (i, _) in enumerate(stored):
        known[i] = rows.ref(r)
    return ArticlePlan(context, reuse, known, unchanged)


def rows(docs: list[Document], rep: np.ndarray, first: list, second: list, plan: ArticlePlan, key: str,
         part_rows: int = PART_ROWS):
    """The story feature rows of the representatives whose features were not all taken from
    the store (`plan.reuse` False), for stages/story_features.parquet.

    Parameters
    ----------
    docs : list of Document
        The union.
    rep : numpy.ndarray
        Exact-group representative per document.
    first, second : FeatureRows
        Features of each model row (representative) in the first and second pass.
    plan : ArticlePlan
        The run's second pass (`unchanged` filled in for every representative).
    key : str
        `io.storyfeatures.story_key` of the run.
    part_rows : int
        Rows per table yielded.

    Yields
    ------
    pyarrow.Table
        `part_rows` rows at a time, in `io.storyfeatures.SCHEMA` (the JSON of a whole run's
        features, as Python strings, was 0.4 GB at 114k documents).
    """
    reps = representatives(rep)
    write = [(r, i) for r, i in enumerate(reps.tolist()) if not plan.reuse[i]]
    for lo in range(0, len(write), part_rows):
        part = write[lo:lo + part_rows]
        sub = subset(docs, [i for _, i in part])
        yield to_table(values(sub, "doc_id"), values(sub, "title"), values(sub, "text"), (first[r] for r, _ in part),
                       [plan.context[i] for _, i in part],
                       (None if plan.unchanged[i] else second[r] for r, i in part), key)
