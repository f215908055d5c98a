"""Facts of a text: the names and numbers that tell one event from another.

A rewrite keeps the facts and changes the wording; a template (two dividend notices from one
wire form, two police-blotter items) keeps the wording and changes the facts. The tokens read
here as facts are figures (digits) and names: capitalised words that do not start a
sentence and are not function words. Sentence-initial words are left out because a
capital there says nothing ("Police said ...").
"""
from __future__ import annotations

import difflib
import json
from functools import lru_cache
from importlib import resources

import numpy as np
from rapidfuzz import fuzz, process

from ..align.matcher import as_codes, ratio
from .normalise import FLAG_FIGURE, FLAG_UPPER, FLAG_WORD, Tokens

NAME_MATCH = 0.75  # character similarity at which two names are one (Jansha / Jansa)
MAX_FUZZY = 60  # facts per side beyond which only exact keys are compared (cost)


def fact_mask(text: str, toks: Tokens, sentence_starts: np.ndarray) -> np.ndarray:
    """Per token: is it a fact (a figure, or a name inside a sentence)?

    Parameters
    ----------
    text : str
        The text the token spans point into.
    toks : Tokens
        Its tokens.
    sentence_starts : ndarray of int
        Token index of the first token of each sentence.
    """
    n = len(toks)
    if n == 0:
        return np.zeros(0, dtype=bool)
    initial = np.zeros(n, dtype=bool)
    starts = np.asarray(sentence_starts, dtype=np.int64)
    initial[starts[(starts >= 0) & (starts < n)]] = True
    f = toks.flags
    figure = (f & FLAG_FIGURE) > 0
    upper = (f & FLAG_UPPER) > 0  # the raw token's first character: the text's at its start
    word = (f & FLAG_WORD) > 0
    return figure | (upper & word & ~initial)


def mentions(fact: str, words: list[str]) -> bool:
    """Does one of `words` name this fact loosely? Figures must match exactly (elsewhere);
    a name may be respelt or transliterated (Jansha / Jansa, Okafor / Okaffor)."""
    if fact[:1].isdigit() or len(fact) < 4:
        return False
    pool = [w for w in words if abs(len(w) - len(fact)) <= max(2, len(fact) // 3)
            and not w[:1].isdigit()][:MAX_FUZZY * 4]
    # difflib's ratio (matching blocks) decides, as it always has; rapidfuzz's (the longest common
    # subsequence, which those blocks never exceed) is at least as high and far cheaper, so it
    # picks the few words worth asking
    for w, _, _ in process.extract_iter(fact, pool, scorer=fuzz.ratio, score_cutoff=NAME_MATCH * 100 - 1e-6):
        if _ratio(w, fact) >= NAME_MATCH:
            return True
    return False


def _ratio(w: str, fact: str) -> float:
    """difflib.SequenceMatcher(None, w, fact).ratio(): compiled when difflib would use no junk
    (its automatic junk needs 200 letters in `fact`)."""
    if len(fact) >= 200:
        return difflib.SequenceMatcher(None, w, fact).ratio()
    return ratio(as_codes(w), as_codes(fact))


@lru_cache(maxsize=1)
def _numbers() -> tuple[dict[str, float], dict[str, float]]:
    data = json.loads(resources.files("retold").joinpath("data", "numbers.json").read_text(encoding="utf-8"))
    return data["words"], data["scales"]


def _value(key: str, words: dict[str, float]) -> float | None:
    """The number a token key states: digits (with thousands commas), a fraction, a number word."""
    if not key[:1].isdigit():
        return words.get(key)
    key = key.replace(",", "")
    num, _, den = key.partition("/")
    try:
        return float(num) / float(den) if den else float(num)
    except (ValueError, ZeroDivisionError):
        return None


def figure_values(keys: list[str], idx=None) -> set[float]:
    """The values the figures of a text state, each also times the scale word after it, so
    "two mln" and "2,000,000" state one value. `idx`: the token positions to read (default: all;
    number words count only there, a figure's own scale word is read wherever it is)."""
    words, scales = _numbers()
    out: set[float] = set()
    for i in range(len(keys)) if idx is None else idx:
        v = _value(keys[i], words)
        if v is None:
            continue
        out.add(round(float(v), 6))
        if i + 1 < len(keys) and keys[i + 1] in scales:
            out.add(round(v * scales[keys[i + 1]], 6))
    return out
