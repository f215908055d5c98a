"""Site chrome in titles: the parts of a headline a site puts on every page.

Web titles carry the site's name and tagline ("... - KSLA News 12 Shreveport, Louisiana News
Weather & Sports", "... | WMC Action News 5 - Memphis, Tennessee"). Read as part of the
headline, those names make every report of one site look like one story to the story model.
A title is cut into segments at separators written with spaces around them (" - ", " | ",
" : ", " — "); a segment found in `min_titles` or more titles of one source is that site's
chrome. Learnt per corpus, no list of site names. Pure functions.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import Sequence

# a separator needs a space on each side, so "Fort-Worth", "9:30" and "Police: man shot" are not cut
SEPARATOR = re.compile(r"\s+[-|–—•·:]+\s+")


def _key(segment: str) -> str:
    return " ".join(segment.split()).casefold()


def title_segments(title: str) -> list[str]:
    """The title cut at its separators, each segment stripped, empty ones dropped."""
    return [s.strip() for s in SEPARATOR.split(title) if s.strip()]


def learn_title_chrome(sources: Sequence[str | None], titles: Sequence[str | None],
                       min_titles: int) -> dict[str, frozenset[str]]:
    """Per source, the segment keys found in at least `min_titles` of its titles.

    Parameters
    ----------
    sources, titles : sequence
        Source and title of each document (None: unknown / no title).
    min_titles : int
        Titles of one source a segment must be in to count as that site's chrome.

    Returns
    -------
    dict
        source -> frozenset of segment keys (whitespace folded, case folded); sources with
        none are left out.
    """
    counts: dict[str, Counter] = defaultdict(Counter)
    for source, title in zip(sources, titles):
        if source and title:
            counts[source].update({_key(s) for s in title_segments(title)})
    out = {}
    for source, c in counts.items():
        keys = frozenset(k for k, v in c.items() if v >= min_titles)
        if keys:
            out[source] = keys
    return out


def strip_title(title: str | None, chrome: frozenset[str] | None) -> str | None:
    """The title without its site's chrome segments (None when nothing else is left)."""
    if not title or not chrome:
        return title
    segments = title_segments(title)
    kept = [s for s in segments if _key(s) not in chrome]
    if len(kept) == len(segments):
        return title
    return " - ".join(kept) or None
