"""Formula: wording that recurs across many unrelated documents.

Police-blotter phrases ("anyone with information is asked to call"), a hospital's name in
every shooting report of one city, wire templates ("said its board declared a quarterly
dividend of"), bylines, tip and copyright lines: two documents that share them share a
house style, not a text. Like the banality filters of text-reuse tools, retold learns such
phrasing from the corpus itself, with no word lists: a word n-gram found in documents of
`formula_min_stories` or more different stories (groups of the corpus story model) is
formula. Counting stories rather than documents keeps a wire story reprinted by twenty
sites specific (its reprints tell one story), while a phrase repeated across unrelated
events is not.
"""
from __future__ import annotations

from collections.abc import Sequence
from functools import partial

import numpy as np
from numba import njit

from ..io import mapped
from .radix import radix_sort
from .ragged import Ragged
from .sortedset import covered, index_of, member

EMPTY = np.zeros(0, dtype=np.uint64)


def formula_grams(doc_grams: Sequence[np.ndarray], stories: np.ndarray, min_stories: int,
                  sources: np.ndarray | None = None, min_site_stories: int = 0,
                  min_sources: int = 0, site_stories: np.ndarray | None = None,
                  days: np.ndarray | None = None, min_span_days: float = 30.0,
                  min_windows: int = 0, window_days: float = 7.0, mapper=None) -> np.ndarray:
    """Sorted n-gram hashes that are formula: found in documents of at least `min_stories`
    distinct stories; or of `min_site_stories` distinct stories of one source (a site's own
    tip line, newsletter box or video list recurs across its unrelated articles); or on
    `min_sources` sources over more than `min_span_days` days, in two stories and in two
    documents of one of those sources (a widget or credit line syndicated to many sites stays
    for months and sits beside several of a site's unrelated articles; a reprinted article
    spreads in days, a follow-up tells the same story, and a case's background paragraph
    reprinted over months appears once per site).

    Parameters
    ----------
    doc_grams : sequence of ndarray of uint64
        The distinct n-gram hashes of each document (a `Ragged` is read in place).
    stories : ndarray of int
        The story group of each document (for the rules across sources: a loose cut, so
        that copies of one report split in two stories are not taken for formula).
    min_stories : int
        Distinct stories an n-gram must reach, across sources, to count as formula.
    sources : ndarray of int, optional
        The source (site) of each document as an integer code; -1 for none (a document
        without a source is a site of its own).
    min_site_stories : int
        Distinct stories of one source that make an n-gram formula; 0 turns the rule off.
    min_sources : int
        Distinct sources that, over `min_span_days`, make an n-gram formula; 0: off.
    site_stories : ndarray of int, optional
        The story groups counted within one source (default: `stories`).
    days : ndarray of float, optional
        Publication day of each document (nan: undated); without it the rule across many
        sources is off.
    min_span_days : float
        Days between the first and last dated documents of a syndicated n-gram.
    min_windows : int
        Distinct (story, `window_days`-day window) pairs that make an n-gram formula: the
        wording of a report that recurs week after week; 0 turns the rule off.
    window_days : float
        Width of those windows.
    mapper : callable, optional
        An ordered map(function, items) to count the ranges of the hash space on (a thread
        pool: the counting is numpy sorts and compiled loops that release the GIL).
    """
    return by_hash_ranges(doc_grams, partial(
        _formula_rows, stories=stories, min_stories=min_stories, sources=sources,
        min_site_stories=min_site_stories, min_sources=min_sources, site_stories=site_stories,
        days=days, min_span_days=min_span_days, min_windows=min_windows, window_days=window_days), mapper)


def _formula_rows(flat: np.ndarray, doc: np.ndarray, *, stories, min_stories, sources, min_site_stories,
                  min_sources, site_stories, days, min_span_days, min_windows, window_days) -> np.ndarray:
    """`formula_grams` over rows (n-gram, document) holding every row of their n-grams."""
    # every row in gram order once: each count below reads runs of equal grams, and a subset
    # of sorted rows stays sorted
    flat, by_gram = radix_sort(flat)
    doc = doc[by_gram]

    def per_row(values, dtype=np.int64):
        return np.asarray(values, dtype=dtype)[doc]
    story = per_row(stories)
    found = _spread_at_least(flat, story, np.zeros(len(flat), dtype=np.int64), min_stories, True)
    if sources is not None and (min_site_stories > 0 or min_sources > 0):
        site = per_row(sources)
        known = site >= 0
        if min_site_stories > 0:
            own = story if site_stories is None else per_row(site_stories)
            found = union_sorted(found, _spread_at_least(flat[known], own[known], site[known],
                                                         min_site_stories, True))
        if min_sources > 0 and days is not None:
            wide = _syndicated(flat, site, per_row(days, np.float64), min_sources, min_span_days, True)
            # ... and repeated on one of those sites: a widget sits beside many of a site's
            # articles, a reprinted background paragraph once per site that reprints it
            # (counted over the rows of `wide` grams only: sorting every gram again costs memory)
            sel = known & member(flat, wide)
            wide = _spread_at_least(flat[sel], doc[sel], site[sel], 2, True)
            spread = _spread_at_least(flat, story, np.zeros_like(story), 2, True)
            found = union_sorted(found, np.intersect1d(wide, spread, assume_unique=True))
    if days is not None and min_windows > 0:
        # a recurring report (a weekly tender, a daily market close) is one "story" to the
        # story model, but its wording comes back week after week: count the weeks of a story
        d = np.asarray(days, dtype=np.float64)
        week = np.where(np.isnan(d), -1, np.floor(np.nan_to_num(d) / window_days)).astype(np.int64)
        window = np.asarray(stories, dtype=np.int64) * 1_000_003 + week
        found = union_sorted(found, _spread_at_least(flat, per_row(window), np.zeros(len(flat), dtype=np.int64),
                                                     min_windows, True))
    return found


def union_sorted(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Sorted distinct values of two arrays (np.union1d hashes them: 5x slower)."""
    return _distinct(np.concatenate((a, b)))


def _distinct(values: np.ndarray) -> np.ndarray:
    """np.unique by sorting (numpy's hashing unique is slower on large uint64 arrays)."""
    values = np.sort(values)
    keep = np.ones(len(values), dtype=bool)
    keep[1:] = values[1:] != values[:-1]
    return values[keep]


def _lasting(grams: np.ndarray, days: np.ndarray, min_span: float, presorted: bool = False) -> np.ndarray:
    """Grams whose dated documents lie more than `min_span` days apart (`presorted`: the rows
    are in gram order)."""
    dated = ~np.isnan(days)
    g, d = grams[dated], days[dated]
    if len(g) == 0:
        return EMPTY
    if not presorted:
        g, order = radix_sort(g)
        d = d[order]
    head = np.concatenate(([0], np.flatnonzero(g[1:] != g[:-1]) + 1))
    span = np.maximum.reduceat(d, head) - np.minimum.reduceat(d, head)
    return g[head[span > min_span]]


def syndicated_grams(doc_grams: Sequence[np.ndarray], sources: np.ndarray, min_sources: int,
                     days: np.ndarray, min_span_days: float, mapper=None) -> np.ndarray:
    """Sorted n-gram hashes found on at least `min_sources` distinct sources (-1: none) in
    documents dated more than `min_span_days` apart: what a widget or a credit line looks
    like before the stories say whether the articles beside it are related (`mapper`: as
    `formula_grams` takes it)."""
    if min_sources <= 0:
        return EMPTY
    return by_hash_ranges(doc_grams, partial(_syndicated_rows, sources=sources, days=days,
                                        min_sources=min_sources, min_span_days=min_span_days), mapper)


def _syndicated_rows(flat, doc, *, sources, days, min_sources, min_span_days) -> np.ndarray:
    flat, by_gram = radix_sort(flat)  # once, for both counts
    doc = doc[by_gram]
    return _syndicated(flat, np.asarray(sources, dtype=np.int64)[doc],
                       np.asarray(days, dtype=np.float64)[doc], min_sources, min_span_days, True)


def site_lasting_grams(doc_grams: Sequence[np.ndarray], sources: np.ndarray, days: np.ndarray,
                       min_span_days: float, mapper=None) -> np.ndarray:
    """Sorted n-gram hashes found in documents of one source (-1: none) dated more than
    `min_span_days` apart: a site's tip line, paywall notice or video list, before the stories
    say whether the articles beside it are related. Such wording is read past by the story
    model, so that it cannot make two of the site's unrelated reports one story (and then,
    being in one story, escape the per-site formula rule; `mapper`: as `formula_grams` takes
    it)."""
    return by_hash_ranges(doc_grams, partial(_site_lasting_rows, sources=sources, days=days,
                                        min_span_days=min_span_days), mapper)


def _site_lasting_rows(flat, doc, *, sources, days, min_span_days) -> np.ndarray:
    site = np.asarray(sources, dtype=np.int64)[doc]
    d = np.asarray(days, dtype=np.float64)[doc]
    known = site >= 0
    flat, site, d = flat[known], site[known], d[known]
    with np.errstate(over="ignore"):  # one key per (gram, site); a collision only blanks more
        key = flat ^ (site.astype(np.uint64) * _SITE_MIX)
    lasting = _lasting(key, d, min_span_days)
    if len(lasting) == 0:
        return EMPTY
    # `lasting` is sorted: looked up per row (np.isin would sort the rows once more)
    return _distinct(flat[member(key, lasting)])


_SITE_MIX = np.uint64(0xD6E8FEB86659FD93)


PART_ROWS = 4_000_000  # (n-gram, document) rows a formula rule sorts and spreads at a time
GATHER_ROWS = 1 << 22  # n-gram hashes read (then given back, when mapped) at a time: 32 MB


def by_hash_ranges(doc_grams: Sequence[np.ndarray], rule, mapper=None) -> np.ndarray:
    """`rule(flat, doc)` (sorted n-grams of rows given as n-gram hashes and their documents)
    over ranges of the hash space, `PART_ROWS` rows or so at a time, joined in order. Every
    rule counts the rows of one n-gram at a time, so the ranges are independent, and the
    sort and per-row arrays of a rule are never made for the whole corpus (formula took
    2 GB of them at 101k documents). A `Ragged` (the engine's sketch, or rows of it) is read
    in place: a row's range comes from a byte view of its hash, its document from where it
    lies; a list of arrays is joined first (1.5 GB at a million documents). `mapper`: an
    ordered map to run the ranges on (it should hold only a few at once)."""
    if isinstance(doc_grams, Ragged) and _in_order(doc_grams):
        grams = doc_grams
    else:  # a list, or rows of a sketch out of order: joined in order (Ragged.of keeps a Ragged)
        grams = Ragged.of(list(doc_grams))
    flat, starts, lengths = grams.flat, grams.starts, grams.lengths
    total = int(lengths.sum())
    if total == 0:
        return EMPTY
    parts = 1
    while parts < 256 and total > parts * PART_ROWS:
        parts *= 2
    packed = grams.packed()
    part = None
    if parts > 1:
        # the top byte of each hash, read in place (flat >> 56 would be a second whole-corpus
        # array), a block at a time: the engine's n-grams are a read-only map of a run file
        # (io/mapped.py) whose pages each block gives back
        part = np.empty(len(flat), dtype=np.uint8)
        for lo in range(0, len(flat), GATHER_ROWS):
            block = flat[lo:lo + GATHER_ROWS]
            top = block.view(np.uint8)[7::8] if np.little_endian else block.view(np.uint8)[0::8]
            np.floor_divide(top, np.uint8(256 // parts), out=part[lo:lo + len(block)])
            mapped.release_array(block)

    def one(p: int) -> np.ndarray:
        if part is None:
            pos = np.arange(len(flat))
            values = flat[pos]  # a copy: a rule may sort what it is given in place
        else:
            pos_parts, value_parts = [], []
            for lo in range(0, len(flat), GATHER_ROWS):
                at = np.flatnonzero(part[lo:lo + GATHER_ROWS] == p)
                block = flat[lo:lo + GATHER_ROWS]
                value_parts.append(block[at])
                mapped.release_array(block)
                pos_parts.append(at + lo)
            pos, values = np.concatenate(pos_parts), np.concatenate(value_parts)
        doc = np.searchsorted(starts, pos, side="right") - 1
        if not packed:  # rows of a bigger sketch: values between the chosen documents are not read
            at = np.maximum(doc, 0)
            inside = (doc >= 0) & (pos < starts[at] + lengths[at])
            values, doc = values[inside], doc[inside]
        return rule(values, doc.astype(np.int32))
    # each part's n-grams are below the next part's
    return np.concatenate(list((mapper or map)(one, range(parts))))


def _in_order(grams: Ragged) -> bool:
    """Whether the documents' values lie in `flat` in document order without overlapping
    (any Ragged made by the engine, and rows of it taken in ascending order)."""
    if len(grams) < 2:
        return True
    ends = grams.starts[:-1] + grams.lengths[:-1]
    return bool(np.all(ends <= grams.starts[1:]))


def _syndicated(flat: np.ndarray, site: np.ndarray, days: np.ndarray, min_sources: int,
                min_span: float, presorted: bool = False) -> np.ndarray:
    """Grams on `min_sources` known sites whose dated documents lie over `min_span` days apart
    (flat arrays: one row per document and gram; `presorted`: in gram order)."""
    known = site >= 0
    zero = np.zeros(int(known.sum()), dtype=np.int64)
    wide = _spread_at_least(flat[known], site[known], zero, min_sources, presorted)
    return np.intersect1d(wide, _lasting(flat, days, min_span, presorted), assume_unique=True)


def blank(text: str, starts: np.ndarray, ends: np.ndarray, mask: np.ndarray) -> str:
    """The text with the masked tokens replaced by spaces (same length, same offsets)."""
    sel = np.flatnonzero(mask)
    if len(sel) == 0:
        return text
    # runs of consecutive masked tokens become one stretch of spaces (same length)
    brk = np.flatnonzero(np.diff(sel) != 1)
    first = np.concatenate(([sel[0]], sel[brk + 1]))
    last = np.concatenate((sel[brk], [sel[-1]]))
    out, pos = [], 0
    for a, b in zip(starts[first].tolist(), ends[last].tolist()):
        out.append(text[pos:a])
        out.append(" " * (b - a))
        pos = b
    out.append(text[pos:])
    return "".join(out)


def _spread_at_least(grams: np.ndarray, story: np.ndarray, site: np.ndarray, k: int,
                     presorted: bool = False) -> np.ndarray:
    """Grams found in at least k distinct stories of one site (site all zeros: overall);
    `presorted`: the rows are already in gram order."""
    if len(grams) == 0:
        return EMPTY
    if not presorted:
        grams, order = radix_sort(grams)
        story, site = story[order], site[order]
    return _spread_sorted(np.ascontiguousarray(grams, dtype=np.uint64), np.ascontiguousarray(story, dtype=np.int64),
                          np.ascontiguousarray(site, dtype=np.int64), int(k))


@njit(cache=True, nogil=True)
def _spread_sorted(grams, story, site, k):
    # one pass over the runs of equal grams; only a run of k rows or more can qualify, and
    # most grams occur once (a lexsort of all three keys took 4.6 s of a 21k-document run)
    found = np.empty(len(grams), dtype=np.uint64)
    m = 0
    n = len(grams)
    a = 0
    while a < n:
        b = a + 1
        while b < n and grams[b] == grams[a]:
            b += 1
        if b - a >= k:
            st = story[a:b]
            si = site[a:b]
            o = np.argsort(st, kind="mergesort")
            o = o[np.argsort(si[o], kind="mergesort")]  # by site, then story
            distinct = 0
            for r in range(len(o)):
                x = o[r]
                if r == 0 or si[x] != si[o[r - 1]]:
                    distinct = 1
                elif st[x] != st[o[r - 1]]:
                    distinct += 1
                if distinct >= k:
                    found[m] = grams[a]
                    m += 1
                    break
        a = b
    return found[:m].copy()


def covered_by(grams: np.ndarray, hashes: np.ndarray, n_tokens: int, n: int) -> np.ndarray:
    """Per token: covered by an n-gram whose hash is in `hashes` (sorted)? `grams` are the
    text's n-gram hashes in position order (gram k covers tokens k .. k+n-1). Used for the
    formula n-grams and for the n-grams two texts share; a large set is looked up through its
    bucket index (`sortedset`)."""
    if len(hashes) == 0 or len(grams) == 0:
        return np.zeros(n_tokens, dtype=bool)
    ix = index_of(hashes)
    return covered(grams, hashes, ix.starts, ix.base, ix.shift, n_tokens, min(n, n_tokens))


def covered_by_rank(rank: np.ndarray, flags: np.ndarray, n_tokens: int, n: int) -> np.ndarray:
    """`covered_by` when the set is a subset of the text's own distinct n-grams: `rank` gives
    each n-gram position its row in the text's sorted distinct n-grams, `flags` (per row)
    which of them are in the set. A gather instead of a search per n-gram: a compared pair
    asks it four times (the n-grams the two texts share, and those of them not formula)."""
    if len(rank) == 0:
        return np.zeros(n_tokens, dtype=bool)
    return _spread_flags(rank, flags, n_tokens, min(n, n_tokens))


@njit(cache=True, nogil=True)
def _spread_flags(rank, flags, n_tokens, span):
    # covered()'s spreading (sketch/sortedset.py), reading a flag where that kernel searches
    mask = np.zeros(n_tokens, dtype=np.bool_)
    reach = 0  # tokens before this are settled
    for k in range(len(rank)):
        if flags[rank[k]]:
            for t in range(max(k, reach), min(k + span, n_tokens)):
                mask[t] = True
            reach = max(reach, min(k + span, n_tokens))
    return mask
