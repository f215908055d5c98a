"""Site chrome found from the corpus itself: a line (menu bar, date line, disclaimer,
newsletter box) that recurs in several documents of one source is the site's, not the
article's. Numbers are blanked first, so "Updated 21 November 2013" lines of one site agree.
"""
from __future__ import annotations

import hashlib
import re
from collections import defaultdict

import numpy as np

from .normalise import Tokens

_DIGITS = re.compile(r"\d+")
DATE_WORDS = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday "
    "saturday sunday mon tue wed thu fri sat sun".split())


def line_spans(text: str) -> list[tuple[int, int]]:
    """Non-blank lines as (start, end) character spans."""
    out, pos = [], 0
    for line in text.split("\n"):
        if line.strip():
            out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def _shape(key: str) -> str:
    return "0" if key in DATE_WORDS else _DIGITS.sub("0", key)


def line_hashes(text: str, toks: Tokens) -> np.ndarray:
    """One hash per non-blank line: its token keys with numbers and date words blanked
    (a site's "Posted on Jan 12, 2013" and "Posted on Aug 15, 2013" lines are one line)."""
    out = []
    for s, e in line_spans(text):
        i, j = np.searchsorted(toks.starts, [s, e])
        shape = " ".join(_shape(k) for k in toks.keys[i:j])
        out.append(int.from_bytes(hashlib.blake2b(shape.encode(), digest_size=8).digest(), "little"))
    return np.array(out, dtype=np.uint64)


def repeated_lines(sources: list[str | None], lines: list[np.ndarray], min_docs: int) -> dict[str, set[int]]:
    """Per source, the line hashes found in at least `min_docs` of its documents."""
    seen: dict[tuple[str, int], int] = defaultdict(int)
    for src, hs in zip(sources, lines):
        for h in set(hs.tolist()):
            seen[(src or "", h)] += 1
    out: dict[str, set[int]] = defaultdict(set)
    for (src, h), n in seen.items():
        if n >= min_docs:
            out[src].add(h)
    return dict(out)


def chrome_mask(text: str, toks: Tokens, chrome: set[int]) -> np.ndarray:
    """Per token: does it sit on a line known as this source's chrome?"""
    mask = np.zeros(len(toks), dtype=bool)
    if not chrome:
        return mask
    for (s, e), h in zip(line_spans(text), line_hashes(text, toks).tolist()):
        if h in chrome:
            i, j = np.searchsorted(toks.starts, [s, e])
            mask[i:j] = True
    return mask
