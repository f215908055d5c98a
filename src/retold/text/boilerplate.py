"""Site chrome found from the corpus itself: a line (menu bar, date line, disclaimer,
newsletter box) that recurs in several documents of one source is the site's, not the
article's. Numbers and date words are blanked first (token shapes), so a site's
"Posted on Jan 12, 2013" and "Posted on Aug 15, 2013" lines agree.

A document with no source (neither a `source` field nor a url to take the site from,
io/sites.py) is a site of its own: documents of unknown origin are not pages of one site,
and a paragraph quoted in three of them is reused text, not chrome. They learn no chrome.
"""
from __future__ import annotations

from collections import defaultdict

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


def repeated_lines(sources: list[str | None], lines: list[np.ndarray], min_docs: int) -> dict[str, set[int]]:
    """Per source, the line hashes found in at least `min_docs` of its documents. Documents
    without a source (None or blank) are each their own site, so they have no repeated lines."""
    seen: dict[tuple[str, int], int] = defaultdict(int)
    for src, hs in zip(sources, lines):
        if not src or not src.strip():
            continue
        for h in set(hs.tolist()):
            seen[(src, h)] += 1
    out: dict[str, set[int]] = defaultdict(set)
    for (src, h), n in seen.items():
        if n >= min_docs:
            out[src].add(h)
    return dict(out)


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
