"""Pair -> relation level, from named scores and the thresholds in Config."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .align.order import common_sorted
from .config import Config
from .model import Scores
from .text.normalise import FLAG_RAW_DIGIT, FLAG_UPPER, FLAG_WEIGHED, Tokens


def content_weights(tokens: Tokens, text: str) -> np.ndarray:
    """Weight of each token when comparing what texts are about: 0 for function words,
    2 for names and numbers (they identify an event better than common words), else 1."""
    f = tokens.flags  # per vocabulary entry: the same tests on the key and the raw token
    weighed = (f & FLAG_WEIGHED) > 0
    strong = (f & (FLAG_UPPER | FLAG_RAW_DIGIT)) > 0
    return np.where(weighed, np.where(strong, 2, 1), 0).astype(np.int8)


def bag(hashes: np.ndarray, weights: np.ndarray) -> tuple[tuple[np.ndarray, np.ndarray], np.ndarray, np.ndarray]:
    """Bag of content words as (sorted distinct word hashes, summed weights), with the content
    tokens' indexes (weight > 0) and each one's row in the bag, which `residual_bag` reads."""
    tokens = np.flatnonzero(weights > 0)
    words, index = np.unique(hashes[tokens], return_inverse=True)
    return (words, np.bincount(index, weights=weights[tokens].astype(np.float64), minlength=len(words))), \
        tokens, index


def residual_bag(words: np.ndarray, tokens: np.ndarray, index: np.ndarray, weights: np.ndarray,
                 covered: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The bag of the content words outside `covered`, from a text's `bag` (its words, tokens
    and rows): the sums a bag of those tokens alone would add, in the same order, without
    sorting the words again for every pair."""
    keep = ~covered[tokens]
    sums = np.bincount(index[keep], weights=weights[tokens[keep]].astype(np.float64), minlength=len(words))
    held = sums > 0
    return words[held], sums[held]


def bag_cosine(x: tuple[np.ndarray, np.ndarray], y: tuple[np.ndarray, np.ndarray]) -> float:
    (ux, wx), (uy, wy) = x, y
    if len(ux) == 0 or len(uy) == 0:
        return 0.0
    ix, iy = common_sorted(ux, uy)
    dot = float(wx[ix] @ wy[iy])
    return dot / float(np.sqrt((wx @ wx) * (wy @ wy)))


def shingle_overlap(sa: np.ndarray, sb: np.ndarray, unique: bool = False) -> tuple[float, float, float]:
    """Exact Jaccard and the two containments of two shingle sets (`unique`: both are sorted
    and distinct already)."""
    ua, ub = (sa, sb) if unique else (np.unique(sa), np.unique(sb))
    return overlap_scores(len(ua), len(ub), len(common_sorted(ua, ub)[0]))


def overlap_scores(n_a: int, n_b: int, inter: int) -> tuple[float, float, float]:
    """Jaccard and the two containments of two sets of n_a and n_b items, `inter` shared."""
    if n_a == 0 or n_b == 0:
        return 0.0, 0.0, 0.0
    return inter / (n_a + n_b - inter), inter / n_a, inter / n_b


@dataclass
class Evidence:
    """What a pair shares beyond its scores: specific text (inside shared word n-grams that
    are neither site chrome nor formula) within aligned passages."""

    exact: bool = False
    chars: int = 0  # characters of shared specific text
    coverage_a: float = 0.0  # share of a's article tokens that are shared specific text
    coverage_b: float = 0.0
    length_ratio: float = 1.0  # article sentences of the shorter side over the longer's
    same_source: bool = False  # both documents name one source (site, wire)
    facts_both: bool = True  # both sides have enough facts for fact_cover to say "refilled"
    lead_kept: bool = True  # the later side's lead re-tells the earlier (compare._lead_kept)
    days_apart: float | None = None  # publication dates' distance (None: a date is missing)


def relation(s: Scores, ev: Evidence, cfg: Config) -> str:
    """The decision, in order of strength. Each test names the evidence it uses.

    A copy keeps the facts (names, figures) of what it copies; wording that lines up while
    the facts differ is a template filled in for another event, never a copy.
    """
    if ev.exact:
        return "exact"
    same_facts = s.facts >= cfg.copy_facts
    aligned = (s.resemblance >= cfg.near_resemblance or (
        min(s.coverage_a, s.coverage_b) >= cfg.near_coverage and s.identity >= cfg.near_identity))
    if aligned and same_facts:
        return "near_duplicate"
    # a rewrite re-tells one item: the facts of what lines up are found in the other article;
    # a form filled in again keeps its labels and changes them. Too few facts decide neither.
    known = s.fact_cover is not None
    retold = same_facts and known and s.fact_cover >= cfg.rewrite_facts
    # One source's recurring report (a wire's weekly figures, a site's blotter) is its own form
    # filled in again as soon as the facts are not kept; across sources, text that names other
    # people (two agencies' releases on one case) is still shared text unless most facts differ.
    cut = cfg.rewrite_facts if ev.same_source else cfg.template_facts
    refilled = not same_facts or (known and ev.facts_both and s.fact_cover < cut)
    # Within one source a new item of a running story re-tells the last one's background
    # under its own lead; a version or an update of an item re-tells its lead too. (Across
    # sources a spinner rewords the lead past recognition, so it is not asked for there.)
    retold = retold and (ev.lead_kept or not ev.same_source)
    # A source issues the versions of an item (an update, a correction, a fuller take) within a
    # day; its item days later that re-tells the earlier one is new news with the old as
    # background. A reposter across sites may copy at any time, so this is not asked there.
    retold = retold and not (ev.same_source and ev.days_apart is not None
                             and ev.days_apart > cfg.rewrite_version_days)
    # One source's second version of an item re-tells most of it; its new item re-tells a part.
    parallel = cfg.rewrite_version_parallel if ev.same_source else cfg.rewrite_parallel
    if (ev.chars > 0 and s.parallel >= parallel and s.reworded >= cfg.rewrite_reworded
            and s.story >= cfg.rewrite_story and retold and ev.length_ratio >= cfg.rewrite_length_ratio):
        return "rewrite"
    if refilled and (aligned or s.parallel >= cfg.template_parallel):
        return "template"  # the same form filled in again: this week's figures, another firm
    # a shared passage: a long one, or one that is much of a side but more than a name or a
    # price phrase (unless it is nearly all of a short side: a brief quoted whole)
    cover = max(ev.coverage_a, ev.coverage_b)
    if ev.chars >= cfg.reuse_min_chars or (cover >= cfg.reuse_coverage and (
            ev.chars >= cfg.reuse_coverage_chars or cover >= cfg.near_coverage)):
        return "reuse"
    if s.story >= cfg.story_threshold:
        return "same_story"
    return "unrelated"
