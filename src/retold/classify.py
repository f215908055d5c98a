"""Pair -> relation level, from named scores and the thresholds in Config."""
from __future__ import annotations

import numpy as np

from .config import Config
from .model import Scores
from .text.normalise import Tokens
from .text.stopwords import STOPWORDS


def content_weights(tokens: Tokens, text: str) -> np.ndarray:
    """Weight of each token when comparing what texts are about: 0 for function words,
    2 for names and numbers (they identify an event better than common words), else 1."""
    w = np.zeros(len(tokens), dtype=np.int8)
    for k, key in enumerate(tokens.keys):
        if key in STOPWORDS or (len(key) < 3 and not key.isdigit()):
            continue
        first = text[tokens.starts[k]]
        w[k] = 2 if (first.isupper() or first.isdigit()) else 1
    return w


def bag(hashes: np.ndarray, weights: np.ndarray, mask: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Bag of content words as (sorted distinct word hashes, summed weights)."""
    sel = weights > 0 if mask is None else (weights > 0) & mask
    u, inv = np.unique(hashes[sel], return_inverse=True)
    return u, np.bincount(inv, weights=weights[sel].astype(np.float64), minlength=len(u))


def bag_cosine(x: tuple[np.ndarray, np.ndarray], y: tuple[np.ndarray, np.ndarray]) -> float:
    (ux, wx), (uy, wy) = x, y
    if len(ux) == 0 or len(uy) == 0:
        return 0.0
    _, ix, iy = np.intersect1d(ux, uy, assume_unique=True, return_indices=True)
    dot = float(wx[ix] @ wy[iy])
    return dot / float(np.sqrt((wx @ wx) * (wy @ wy)))


def shingle_overlap(sa: np.ndarray, sb: np.ndarray) -> tuple[float, float, float]:
    """Exact Jaccard and the two containments of two shingle sets."""
    ua, ub = np.unique(sa), np.unique(sb)
    if len(ua) == 0 or len(ub) == 0:
        return 0.0, 0.0, 0.0
    inter = len(np.intersect1d(ua, ub, assume_unique=True))
    return inter / (len(ua) + len(ub) - inter), inter / len(ua), inter / len(ub)


def relation(s: Scores, exact: bool, aligned_chars: int, cfg: Config) -> str:
    """The decision, in order of strength. Each test names the evidence it uses."""
    if exact:
        return "exact"
    if s.resemblance >= cfg.near_resemblance or (
            min(s.coverage_a, s.coverage_b) >= cfg.near_coverage and s.identity >= cfg.near_identity):
        return "near_duplicate"
    has_passage = aligned_chars > 0
    if (has_passage and s.parallel >= cfg.rewrite_parallel and s.reworded >= cfg.rewrite_reworded
            and s.story >= cfg.rewrite_story):
        return "rewrite"
    if max(s.coverage_a, s.coverage_b) >= cfg.reuse_coverage or aligned_chars >= cfg.reuse_min_chars:
        return "reuse"
    if s.story >= cfg.story_threshold:
        return "same_story"
    return "unrelated"
