"""What identifies an event in a news text, as weighted features of one document.

Three kinds, prefixed so the vectoriser can weigh them apart:
- ``w:`` content words (function words dropped, a light suffix strip so "shooting" and
  "shootings" meet),
- ``e:`` names: capitalised words that do not start a sentence, and pairs of adjacent ones
  ("e:cedar_rapids"); counted on top of their ``w:`` feature, so a name weighs more than a
  common word (who and where tell two shootings apart, "shooting" does not),
- ``n:`` numbers, digits or number words ("three" and "3" meet): victim counts, ages,
  amounts, years.
Pure functions of the text; the corpus weighting lives in vectors.py.
"""
from __future__ import annotations

from collections import Counter
from functools import lru_cache

from ..text.normalise import tokenize
from ..text.stopwords import STOPWORDS

NUMBER_WORDS = {w: str(i) for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty".split())}
_SUFFIXES = ("ing", "ed")
_OPENERS = "\"'“”‘’([«»"


@lru_cache(maxsize=1 << 18)
def stem(key: str) -> str:
    """Plural, then -ing/-ed, off words long enough to keep a stem of 4 letters."""
    if key.endswith("s") and not key.endswith("ss") and len(key) >= 5:
        key = key[:-1]
    for suf in _SUFFIXES:
        if key.endswith(suf) and len(key) - len(suf) >= 4:
            return key[:-len(suf)]
    return key


def _starts_sentence(gap: str) -> bool:
    """Is a token preceded by `gap` (the text since the previous token) sentence-initial?"""
    if "\n" in gap:
        return True
    g = gap.strip().rstrip(_OPENERS)
    return bool(g) and g[-1] in ".!?:"


# key -> (kind, number feature or None, word feature or None); kind 0: a figure, 1: a word that
# is no feature (a function word, too short), 2: a content word. The same keys come back in
# every document: building their feature strings once halves the loop below.
_INFO: dict[str, tuple[int, str | None, str | None]] = {}
_INFO_MAX = 1 << 18  # keys remembered, as many as `stem` caches (bounded memory per worker)


def _info(key: str) -> tuple[int, str | None, str | None]:
    got = _INFO.get(key)
    if got is None:
        if key[0].isdigit():
            got = (0, "n:" + key.replace(",", ""), None)
        else:
            num = "n:" + NUMBER_WORDS[key] if key in NUMBER_WORDS else None
            got = (1, num, None) if key in STOPWORDS or len(key) < 3 else (2, num, "w:" + stem(key))
        if len(_INFO) < _INFO_MAX:
            _INFO[key] = got
    return got


def event_features(text: str, title: str | None = None, name_weight: float = 3.0) -> Counter:
    """Feature -> count (names count `name_weight` extra) for one document."""
    out: Counter = Counter()
    for part in (title, text):
        if not part:
            continue
        toks = tokenize(part)
        starts, ends = toks.starts.tolist(), toks.ends.tolist()
        prev_name = None  # (token index, key) of a name just before
        for k, key in enumerate(toks.keys):
            kind, num, word = _info(key)
            if num is not None:
                out[num] += 1
            if kind != 2:
                prev_name = None
                continue
            out[word] += 1
            s = starts[k]
            # sentence starts only matter for capitalised words: test those alone
            if (part[s].isupper() and not part[s:ends[k]].isupper()
                    and not (k == 0 or _starts_sentence(part[ends[k - 1]:s]))):
                out["e:" + key] += name_weight
                if prev_name is not None and prev_name[0] == k - 1:
                    out["e:" + prev_name[1] + "_" + key] += name_weight
                prev_name = (k, key)
            else:
                prev_name = None
    return out
