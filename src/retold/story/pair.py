"""Same story from one pair alone: the story score of ``retold compare A B`` (no corpus).

Without a corpus there is no inverse document frequency and no neighbourhood, so the score
reads only what the two documents offer:

- ``content``: cosine of the two bags of content words (function words dropped), each word
  counted by weight and the counts saturated by a square root, so a word repeated ten times
  does not drown the rest. Capitalised words and figures weigh NAME_WEIGHT (names, places and
  numbers tell one event from another; "shooting" does not), the first LEAD_TOKENS content
  words of the text count LEAD_WEIGHT times (a news lead says what happened), and each
  content word of the title (before a " - Site name" suffix) adds TITLE_WEIGHT.
- ``dated``, ``log_days``: when both documents carry a date, 1 and log(1 + days apart). Two
  reports of one event mostly appear within days of each other; a date close by is evidence
  for, one months away evidence against, and no date is neither.

They are combined by a logistic model whose four coefficients were fitted on labelled pairs
(ECB+ train topics, GVA incidents of one half; ``python -m retold.eval.pairstory --fit``) and
ship in ``retold/data/pair_story.json``; the score is the model's probability that the pair
reports one story, in [0, 1]. ``Config.story_threshold`` is its best-F1 cut on those pairs.
"""
from __future__ import annotations

import json
import math
import re
import weakref
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

import numpy as np

from ..align.order import common_sorted
from ..explain.direction import parse_date
from ..text.normalise import tokenize
from ..text.stopwords import STOPWORDS

if TYPE_CHECKING:
    from ..compare import Profile

NAME_WEIGHT = 3.0  # a capitalised word or a figure counts this many times a common word
LEAD_TOKENS = 40  # content words at the start of the text that form its lead
LEAD_WEIGHT = 2.0  # ... and count this many times
TITLE_WEIGHT = 3.0  # each content word of the title adds this much
FEATURES = ("content", "dated", "log_days")
_SITE_SUFFIX = re.compile(r"\s[-|–—]\s")
_VIEWS: dict[int, "StoryView"] = {}  # story_view per live profile (a run reuses profiles across pairs)


@dataclass(frozen=True)
class StoryView:
    """What the pair score reads of one document.

    Attributes
    ----------
    words : ndarray of uint64
        Sorted distinct content-word hashes.
    weights : ndarray of float
        Their saturated weights, scaled to unit length.
    day : float or None
        Publication day number (proleptic ordinal plus the hour as a fraction), if dated.
    """

    words: np.ndarray
    weights: np.ndarray
    day: float | None


def _title_tokens(title: str | None) -> np.ndarray:
    """Hashes of the content words of a title, a trailing " - Site name" left out."""
    if not title:
        return np.zeros(0, dtype=np.uint64)
    toks = tokenize(_SITE_SUFFIX.split(title)[0])
    keep = [k for k, key in enumerate(toks.keys)
            if key[:1].isdigit() or (key not in STOPWORDS and len(key) >= 3)]
    return toks.hashes[keep]


def _day(date: str | None) -> float | None:
    d = parse_date(date)
    return None if d is None else d.toordinal() + d.hour / 24.0


def story_view(p: "Profile") -> StoryView:
    """The pair-score view of a profiled document (``retold.compare.profile``).

    Parameters
    ----------
    p : Profile
        Reads its tokens, content weights (0 function word, 2 capitalised word or figure,
        1 other), and the document's title and date.

    Returns
    -------
    StoryView
    """
    w = np.where(p.weights == 2, NAME_WEIGHT, p.weights.astype(np.float64))
    content = np.flatnonzero(w > 0)
    w[content[:LEAD_TOKENS]] *= LEAD_WEIGHT
    title = _title_tokens(p.doc.title)
    hashes = np.concatenate([p.tokens.hashes[content], title])
    vals = np.concatenate([w[content], np.full(len(title), TITLE_WEIGHT)])
    words, inv = np.unique(hashes, return_inverse=True)
    sums = np.sqrt(np.bincount(inv, weights=vals, minlength=len(words)))
    norm = float(np.sqrt(sums @ sums))
    return StoryView(words, sums / norm if norm else sums, _day(p.doc.date))


def view_features(a: StoryView, b: StoryView) -> dict[str, float]:
    """The pair's features, by name (FEATURES).

    Parameters
    ----------
    a, b : StoryView
        The two documents.

    Returns
    -------
    dict of str to float
        ``content`` cosine in [0, 1]; ``dated`` 1.0 when both sides are dated, else 0.0;
        ``log_days`` log(1 + days apart), 0.0 if undated.
    """
    ia, ib = common_sorted(a.words, b.words)
    content = float(a.weights[ia] @ b.weights[ib]) if len(ia) else 0.0
    dated = a.day is not None and b.day is not None
    return {"content": min(1.0, max(0.0, content)), "dated": 1.0 if dated else 0.0,
            "log_days": math.log1p(abs(a.day - b.day)) if dated else 0.0}


@lru_cache(maxsize=1)
def coefficients() -> dict[str, float]:
    """The fitted logistic model: ``intercept`` and one coefficient per feature (FEATURES),
    read from ``retold/data/pair_story.json``."""
    text = resources.files("retold").joinpath("data", "pair_story.json").read_text(encoding="utf-8")
    coef = json.loads(text)["coefficients"]
    return {k: float(coef[k]) for k in ("intercept", *FEATURES)}


def story_probability(features: dict[str, float], coef: dict[str, float] | None = None) -> float:
    """Logistic combination of the pair features: the probability-like same-story score.

    Parameters
    ----------
    features : dict of str to float
        As ``view_features`` returns them.
    coef : dict of str to float, optional
        Intercept and coefficients (default: the shipped ``coefficients()``).

    Returns
    -------
    float
        In [0, 1].
    """
    c = coef or coefficients()
    z = c["intercept"] + sum(c[k] * features[k] for k in FEATURES)
    return 1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0


def _cached_view(p: "Profile") -> StoryView:
    """story_view(p), computed once per profile object while it lives."""
    key = id(p)
    view = _VIEWS.get(key)
    if view is None:
        view = _VIEWS[key] = story_view(p)
        weakref.finalize(p, _VIEWS.pop, key, None)
    return view


def pair_story_score(pa: "Profile", pb: "Profile") -> float:
    """How likely two documents report the same story, from the pair alone (no corpus).

    Parameters
    ----------
    pa, pb : Profile
        The two profiled documents (``retold.compare.profile``).

    Returns
    -------
    float
        A probability-like score in [0, 1]; ``Config.story_threshold`` is where the pair
        becomes ``same_story`` when no stronger relation holds.

    Examples
    --------
    >>> from retold.compare import profile
    >>> from retold.config import Config
    >>> from retold.model import Document
    >>> a = profile(Document("a", "Police said Jo Smith was shot in Dayton on Friday."), Config())
    >>> b = profile(Document("b", "Jo Smith, 24, was shot dead in Dayton, police said."), Config())
    >>> 0.0 <= pair_story_score(a, b) <= 1.0
    True
    """
    if len(pa.tokens) == 0 or len(pb.tokens) == 0:
        return 0.0
    return story_probability(view_features(_cached_view(pa), _cached_view(pb)))
