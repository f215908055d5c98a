"""Site chrome found from the corpus itself: a line (menu bar, date line, disclaimer,
newsletter box) that recurs in several documents of one source is the site's, not the
article's. Numbers and date words are blanked first (token shapes), so a site's
"Posted on Jan 12, 2013" and "Posted on Aug 15, 2013" lines agree.

A document with no source (neither a `source` field nor a url to take the site from,
io/sites.py) is a site of its own: documents of unknown origin are not pages of one site,
and a paragraph quoted in three of them is reused text, not chrome. They learn no chrome.
"""
from __future__ import annotations

from collections.abc import Sequence
from functools import partial

import numpy as np
from numba import njit

from .normalise import DATE_WORDS, Tokens  # noqa: F401  (DATE_WORDS re-exported)
from .shingle import mix64_one

_POS = np.uint64(0x9E3779B97F4A7C15)


def token_lines(text: str, toks: Tokens) -> tuple[np.ndarray, np.ndarray]:
    """Line number of every token, and the index of the first token of each line that has
    tokens."""
    if len(toks) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return _lines(np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32), toks.starts)


@njit(cache=True)
def _lines(chars, starts):
    # one walk over the characters (tokens come in text order): the numpy version made a
    # dozen calls a text, and the profile of every compared document asks for it
    line_of = np.empty(len(starts), dtype=np.int64)
    first = np.empty(len(starts), dtype=np.int64)
    line, c, n_first = 0, 0, 0
    for t in range(len(starts)):
        while c < starts[t]:
            if chars[c] == 10:
                line += 1
            c += 1
        line_of[t] = line
        if t == 0 or line != line_of[t - 1]:
            first[n_first] = t
            n_first += 1
    return line_of, first[:n_first]


def line_hashes(text: str, toks: Tokens, lines: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """One order-sensitive hash per line that has tokens, over its token shapes (`lines`:
    `token_lines(text, toks)` when known)."""
    line_of, first = lines if lines is not None else token_lines(text, toks)
    if len(first) == 0:
        return np.zeros(0, dtype=np.uint64)
    return _hash_lines(toks.shapes, first)


@njit(cache=True)
def _hash_lines(shapes, first):
    # per line, the XOR of mix64(shape ^ position in the line x _POS) over its tokens
    out = np.zeros(len(first), dtype=np.uint64)
    for k in range(len(first)):
        end = first[k + 1] if k + 1 < len(first) else len(shapes)
        acc = np.uint64(0)
        for t in range(first[k], end):
            acc ^= mix64_one(shapes[t] ^ (np.uint64(t - first[k]) * _POS))
        out[k] = acc
    return out


def repeated_lines(sources: list[str | None], lines: Sequence[np.ndarray], min_docs: int) -> dict[str, set[int]]:
    """Per source, the line hashes found in at least `min_docs` of its documents. Documents
    without a source (None or blank) are each their own site, so they have no repeated lines.

    `lines`: each document's line hashes (a `Ragged` is read in place). The (line, document)
    rows are counted a range of hash values at a time, sorted, in compiled code (a dict keyed
    by (source, line) took 17.8 s at a million documents, this 3.8 s; 2026-12-02)."""
    from ..sketch.formula import by_hash_ranges  # the sketch package imports this one
    names: list[str] = []
    index: dict[str, int] = {}
    code = np.full(len(sources), -1, dtype=np.int64)
    for i, src in enumerate(sources):
        if src and src.strip():
            c = index.get(src)
            if c is None:
                c = index[src] = len(names)
                names.append(src)
            code[i] = c
    if not names:
        return {}
    # each part's rows come back as (line hash, source) pairs, flattened
    found = by_hash_ranges(lines, partial(_repeated_rows, code=code, min_docs=min_docs)).reshape(-1, 2)
    out: dict[str, set[int]] = {}
    for h, c in zip(found[:, 0].tolist(), found[:, 1].tolist()):
        out.setdefault(names[c], set()).add(h)
    return out


def _repeated_rows(flat: np.ndarray, doc: np.ndarray, *, code: np.ndarray, min_docs: int) -> np.ndarray:
    from ..sketch.radix import radix_sort
    keep = code[doc] >= 0
    flat, doc = flat[keep], doc[keep]
    flat, order = radix_sort(flat)
    doc = doc[order].astype(np.int64)
    return _count_repeated(flat, code[doc], doc, min_docs)


@njit(cache=True)
def _count_repeated(hashes, src, doc, min_docs):
    # runs of one line hash, their rows in document order: count each source's distinct
    # documents; a (hash, source) pair reaching min_docs is written as two values
    out = np.empty(2 * len(hashes), dtype=np.uint64)
    m = 0
    a = 0
    while a < len(hashes):
        b = a + 1
        while b < len(hashes) and hashes[b] == hashes[a]:
            b += 1
        if b - a >= min_docs:
            # (source, document) of the run, by source: one count per distinct document
            key = np.empty(b - a, dtype=np.int64)
            for r in range(a, b):
                key[r - a] = src[r] * (np.int64(1) << 32) + doc[r]
            key.sort()
            count = 0
            for r in range(len(key)):
                if r > 0 and key[r] == key[r - 1]:
                    continue  # a line twice in one document
                if r == 0 or (key[r] >> 32) != (key[r - 1] >> 32):
                    count = 0
                count += 1
                if count == min_docs:
                    out[m] = hashes[a]
                    out[m + 1] = np.uint64(key[r] >> 32)
                    m += 2
        a = b
    return out[:m].copy()


def chrome_mask(text: str, toks: Tokens, chrome: set[int]) -> np.ndarray:
    """Per token: does it sit on a line known as this source's chrome?"""
    if not chrome or len(toks) == 0:
        return np.zeros(len(toks), dtype=bool)
    line_of, first = token_lines(text, toks)
    hashes = line_hashes(text, toks, (line_of, first))
    is_chrome = np.fromiter((h in chrome for h in hashes.tolist()), dtype=bool, count=len(hashes))
    # line number -> position among lines with tokens
    rank = np.cumsum(np.concatenate(([True], line_of[1:] != line_of[:-1]))) - 1
    return is_chrome[rank]
