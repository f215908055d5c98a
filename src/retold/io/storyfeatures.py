"""Per-document story event features as rows: what the store's `story_features` table holds,
so an incremental run (engine/incremental.py) reads a stored document's features instead of
computing them again from its text.

A row holds the event features (`story.features.event_features`) of a document's title and
text (`features`, the story model's first pass) and of its article text, the text with its
site chrome lines and the n-grams the second pass reads past blanked (`article`; null where
blanking left the text as it was). Both are JSON objects, feature -> weight, in the order the
features were found (the story vocabulary follows first use). A row is valid for the title
and text whose MD5 it carries (`text_md5`, `story_digest`) and for the options and version
named by `key` (`story_key`). The article text is a function of the text, of which of its
n-grams are read past and of which of its lines are chrome, so the article features are
valid for another run whose `article_context` of the document is the same (`article_ctx`).
"""
from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import orjson
import pyarrow as pa
from numba import njit

from ..schema import STORY_FEATURES as SCHEMA
from ..sketch import hashtable
from ..sketch.ragged import Ragged

STORY_FILE = "story_features.parquet"  # stages/: the features a run computed, for the store


def story_key(cfg, version: str) -> str:
    """What a document's story features depend on besides its title and text.

    Parameters
    ----------
    cfg : Config
        The run's options (story_name_weight; shingle_n, the n of the blanked n-grams).
    version : str
        The retold version.

    Returns
    -------
    str
        A readable key, equal for two runs whose features of one document are equal.
    """
    return f"retold={version};story_name_weight={cfg.story_name_weight!r};shingle_n={cfg.shingle_n}"


def story_digest(title: str | None, text: str) -> str:
    """The MD5 (hex) of a document's title and text, as DuckDB's
    md5(coalesce(title, '') || chr(0) || text) gives it."""
    return hashlib.md5(((title or "") + "\0" + text).encode("utf-8")).hexdigest()


def article_context(grams: np.ndarray, lines: np.ndarray, unseen: np.ndarray, chrome: set[int] | None) -> str:
    """What a document's article text depends on besides its text: which of its n-grams are
    read past and which of its lines are its site's chrome, as an MD5 (hex).

    Parameters
    ----------
    grams : numpy.ndarray
        The document's distinct n-gram hashes at the n the article text blanks (uint64).
    lines : numpy.ndarray
        Its line hashes, as chrome reads them (uint64).
    unseen : numpy.ndarray
        The n-grams read past, sorted (uint64).
    chrome : set of int or None
        The chrome line hashes of the document's source.

    Returns
    -------
    str
    """
    grams = np.asarray(grams, np.uint64)
    if len(unseen) and len(grams):
        pos = np.minimum(np.searchsorted(unseen, grams), len(unseen) - 1)
        hit = np.unique(grams[unseen[pos] == grams])
    else:
        hit = np.zeros(0, np.uint64)
    return _context_digest(hit, lines, chrome)


def article_contexts(grams: Sequence[np.ndarray], lines: Sequence[np.ndarray], unseen: np.ndarray,
                     chromes: Sequence[set[int] | None]) -> list[str]:
    """`article_context` of each document (the same strings), its n-grams looked up in
    `unseen` by one compiled pass over a hash table (`sketch/hashtable.py`): a binary search
    per document took 66 us a document at a million documents (6M n-grams read past).

    Parameters
    ----------
    grams, lines : sequence of numpy.ndarray
        Per document, as `article_context` takes them (a `Ragged` is read in place).
    unseen : numpy.ndarray
        The n-grams read past, sorted (uint64).
    chromes : sequence of set of int or None
        Per document, the chrome line hashes of its source.

    Returns
    -------
    list of str
    """
    g = grams if isinstance(grams, Ragged) else Ragged.of(grams)
    found, unordered = _found(g.flat, g.starts, g.lengths, hashtable.build(np.asarray(unseen, np.uint64)))
    out = []
    for d, (s, n) in enumerate(zip(g.starts.tolist(), g.lengths.tolist())):
        hit = g.flat[s:s + n][found[s:s + n]]
        if unordered[d]:  # the sketch's sets are sorted and distinct: np.unique leaves them be
            hit = np.unique(hit)
        out.append(_context_digest(hit, lines[d], chromes[d]))
    return out


@njit(cache=True, nogil=True)
def _found(flat, starts, lengths, table):
    """Per value of the documents' rows of `flat`: is it in the table? (other positions:
    False); and per document: are its values not strictly increasing?"""
    out = np.zeros(len(flat), dtype=np.bool_)
    unordered = np.zeros(len(starts), dtype=np.bool_)
    for d in range(len(starts)):
        for t in range(starts[d], starts[d] + lengths[d]):
            out[t] = hashtable.find(table, flat[t]) >= 0
            if t > starts[d] and flat[t] <= flat[t - 1]:
                unordered[d] = True
    return out, unordered


def _context_digest(hit: np.ndarray, lines: np.ndarray, chrome: set[int] | None) -> str:
    chrome_hit = sorted(set(np.asarray(lines, np.uint64).tolist()) & chrome) if chrome else []
    h = hashlib.md5(np.asarray(hit, np.uint64).astype("<u8").tobytes())
    h.update(b"|" + np.asarray(chrome_hit, "<u8").tobytes())
    return h.hexdigest()


def to_table(doc_ids: list[str], titles: list[str | None], texts: list[str], features: Iterable[Mapping],
             article_ctx: list[str], article: Iterable[Mapping | None], key: str) -> pa.Table:
    """Story feature rows of some documents.

    Parameters
    ----------
    doc_ids, titles, texts : list
        The documents' ids, titles and texts.
    features : iterable of mapping
        Event features (feature -> weight) of each title and text (read once, in order).
    article_ctx : list of str
        `article_context` of each document in the run.
    article : iterable of mapping or None
        Event features of each article text (None: the article text is the text).
    key : str
        `story_key` of the run.

    Returns
    -------
    pyarrow.Table
        One row per document, in `SCHEMA`.
    """
    return pa.table({
        "doc_id": pa.array(doc_ids, pa.string()),
        "key": pa.array([key] * len(doc_ids), pa.string()),
        "text_md5": pa.array([story_digest(h, t) for h, t in zip(titles, texts)], pa.string()),
        "features": pa.array([_json(f) for f in features], pa.string()),
        "article_ctx": pa.array(article_ctx, pa.string()),
        "article": pa.array([None if a is None else _json(a) for a in article], pa.string()),
    }, schema=SCHEMA)


def _json(features: Mapping) -> str:
    # orjson: a sixth of json's time for the 40,000 cells of a 21k-document run
    return orjson.dumps(features).decode()


def decode(value: str) -> Counter:
    """The features of one JSON cell, in their stored order."""
    return Counter(orjson.loads(value))
