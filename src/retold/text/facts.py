"""Facts of a text: the names and numbers that tell one event from another.

A rewrite keeps the facts and changes the wording; a template (two dividend notices from one
wire form, two police-blotter items) keeps the wording and changes the facts. The tokens read
here as facts are figures (digits) and names: capitalised words that do not start a
sentence and are not function words. Sentence-initial words are left out because a
capital there says nothing ("Police said ...").
"""
from __future__ import annotations

import difflib

import numpy as np

from .normalise import Tokens
from .stopwords import STOPWORDS

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
    out = np.zeros(n, dtype=bool)
    initial = np.zeros(n, dtype=bool)
    starts = np.asarray(sentence_starts, dtype=np.int64)
    initial[starts[(starts >= 0) & (starts < n)]] = True
    for k, key in enumerate(toks.keys):
        if key[:1].isdigit():
            out[k] = True
        elif not initial[k] and len(key) >= 2 and key not in STOPWORDS and text[toks.starts[k]].isupper():
            out[k] = True
    return out


def shared_facts(fa: set[str], fb: set[str]) -> int:
    """How many facts of `fa` are found in `fb`: figures exactly, names also loosely
    (a transliteration or a typo: Jansha / Jansa)."""
    shared = len(fa & fb)
    ra, rb = sorted(fa - fb), sorted(fb - fa)
    if ra and rb and len(ra) <= MAX_FUZZY and len(rb) <= MAX_FUZZY:
        used: set[str] = set()
        for x in ra:
            if x[:1].isdigit():
                continue
            for y in rb:
                if y in used or y[:1].isdigit() or abs(len(x) - len(y)) > max(2, len(x) // 3):
                    continue
                if difflib.SequenceMatcher(None, x, y, autojunk=False).ratio() >= NAME_MATCH:
                    used.add(y)
                    shared += 1
                    break
    return shared
