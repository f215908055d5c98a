"""Pair -> relation level, from named scores and the thresholds in Config."""
from __future__ import annotations

from collections import Counter
from math import sqrt

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


def cosine(a: Counter, b: Counter) -> float:
    if not a or not b:
        return 0.0
    if len(a) > len(b):
        a, b = b, a
    dot = sum(v * b.get(k, 0) for k, v in a.items())
    na = sqrt(sum(v * v for v in a.values()))
    nb = sqrt(sum(v * v for v in b.values()))
    return dot / (na * nb) if na and nb else 0.0


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
    if s.resemblance >= cfg.near_resemblance or min(s.coverage_a, s.coverage_b) >= cfg.near_coverage:
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
