"""What identifies an event in a news text, as weighted features of one document.

Three kinds, prefixed so the vectoriser can weigh them apart:
- ``w:`` content words (function words dropped, a light suffix strip so "shooting" and
  "shootings" meet),
- ``e:`` names: capitalised words that do not start a sentence, and pairs of adjacent ones
  ("e:cedar_rapids"); counted on top of their ``w:`` feature, so a name weighs more than a
  common word (who and where tell two shootings apart, "shooting" does not),
- ``n:`` numbers, digits or number words ("three" and "3" meet): victim counts, ages,
  amounts, years.
Pure functions of the text; the corpus weighting lives in vectors.py. `_starts_sentence` and
`_info` state the rules; the loop over a text's tokens is compiled (`_events`, tested against
a plain loop over the same rules), with what each vocabulary entry gives worked out once per
process (`_Entries`): two to three times the old loop's speed.
"""
from __future__ import annotations

from collections import Counter
from functools import lru_cache

import numpy as np
from numba import njit

from ..text.normalise import _VOCAB, FLAG_UPPER
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


def _info(key: str) -> tuple[int, str | None, str | None]:
    """key -> (kind, number feature or None, word feature or None); kind 0: a figure, 1: a
    word that is no feature (a function word, too short), 2: a content word."""
    if key[0].isdigit():
        return 0, "n:" + key.replace(",", ""), None
    num = "n:" + NUMBER_WORDS[key] if key in NUMBER_WORDS else None
    return (1, num, None) if key in STOPWORDS or len(key) < 3 else (2, num, "w:" + stem(key))


class _Entries:
    """What each vocabulary entry (`normalise`'s raw-token ids) gives the features, in flat
    arrays for the compiled loop: its kind, the ids of its number, word and name features
    (-1: none) and whether the raw token is all capitals. An entry is filled the first time
    a text shows it. Feature ids index `strings`; all start afresh with the vocabulary, or
    when the name pairs have made `MAX` strings (bounded memory per worker)."""

    MAX = 1 << 19  # with the raw tokens' 1 << 18 (text/normalise.py, where it was measured)

    def __init__(self) -> None:
        self.reset(None)

    def reset(self, owner) -> None:
        self.owner = owner  # the vocabulary's key list these ids belong to
        self.kind = np.full(0, -1, dtype=np.int8)  # -1: not filled yet
        self.num = self.word = self.name = np.zeros(0, dtype=np.int64)
        self.caps = np.zeros(0, dtype=np.bool_)
        self.ids: dict[str, int] = {}
        self.pairs: dict[tuple[int, int], int] = {}  # (entry, entry) of two names in a row -> feature id
        self.strings: list[str] = []
        self.named = np.zeros(1024, dtype=np.bool_)  # per feature id: a name feature (weighs name_weight)
        self.slot = np.full(1024, -1, dtype=np.int64)  # scratch for `_tally`, all -1 between calls

    def fid(self, feature: str) -> int:
        got = self.ids.get(feature)
        if got is None:
            got = self.ids[feature] = len(self.strings)
            self.strings.append(feature)
            if got >= len(self.named):
                self.named = np.concatenate([self.named, np.zeros(len(self.named), dtype=np.bool_)])
                self.slot = np.concatenate([self.slot, np.full(len(self.slot), -1, dtype=np.int64)])
            self.named[got] = feature.startswith("e:")
        return got

    def fill(self, text: str, ids: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> None:
        """Fill the entries of a text's tokens (entry, start, end) not filled yet."""
        vocab = _VOCAB
        if self.owner is not vocab.keys or len(self.strings) > self.MAX:
            self.reset(vocab.keys)
        top = int(ids.max()) + 1
        if top > len(self.kind):
            grow = max(top, 2 * len(self.kind)) - len(self.kind)
            self.kind = np.concatenate([self.kind, np.full(grow, -1, dtype=np.int8)])
            self.num, self.word, self.name = (np.concatenate([a, np.full(grow, -1, dtype=np.int64)])
                                              for a in (self.num, self.word, self.name))
            self.caps = np.concatenate([self.caps, np.zeros(grow, dtype=np.bool_)])
        unknown = np.flatnonzero(self.kind[ids] < 0)
        for k in unknown.tolist():
            i = int(ids[k])
            if self.kind[i] >= 0:  # met earlier in this text
                continue
            kind, num, word = _info(vocab.keys[i])
            self.kind[i] = kind
            self.num[i] = -1 if num is None else self.fid(num)
            self.word[i] = -1 if word is None else self.fid(word)
            self.name[i] = self.fid("e:" + vocab.keys[i]) if kind == 2 else -1
            self.caps[i] = text[starts[k]:ends[k]].isupper()

    def pair(self, a: int, b: int) -> int:
        got = self.pairs.get((a, b))
        if got is None:
            keys = _VOCAB.keys
            got = self.pairs[(a, b)] = self.fid("e:" + keys[a] + "_" + keys[b])
        return got


_ENTRIES = _Entries()
# the characters `_starts_sentence` reads: whitespace (str.isspace) and the openers it skips
_SPACE = np.array([chr(c).isspace() for c in range(0x10000)], dtype=np.bool_)
_OPENER_POINTS = np.array(sorted(map(ord, _OPENERS)), dtype=np.uint32)
_PAIR = -1  # an event whose feature is a pair of names, resolved in Python


@njit(cache=True)
def _sentence_start(cps, a, b, space, openers):
    """`_starts_sentence` of the gap cps[a:b]: a line break in it, or its last character,
    past trailing whitespace and then trailing openers, ends a sentence."""
    for p in range(a, b):
        if cps[p] == 10:
            return True
    e = b
    while e > a and cps[e - 1] < 0x10000 and space[cps[e - 1]]:
        e -= 1
    while e > a:
        c = cps[e - 1]
        hit = False
        for o in openers:
            if c == o:
                hit = True
        if not hit:
            break
        e -= 1
    if e == a:
        return False
    c = cps[e - 1]
    return c == 46 or c == 33 or c == 63 or c == 58  # . ! ? :


@njit(cache=True)
def _events(ids, upper, starts, ends, cps, space, openers, kind, num, word, name, caps, name_weight,
            out_fid, out_w, out_a, out_b):
    """The features of a text's tokens in text order (module docstring): feature id and
    weight per event; a pair of names is `_PAIR` with its two entries in out_a, out_b."""
    m = 0
    prev_name = -2
    for k in range(len(ids)):
        i = ids[k]
        if num[i] >= 0:
            out_fid[m], out_w[m] = num[i], 1.0
            m += 1
        if kind[i] != 2:
            prev_name = -2
            continue
        out_fid[m], out_w[m] = word[i], 1.0
        m += 1
        # sentence starts only matter for capitalised words: test those alone
        if upper[k] and not caps[i] and not (k == 0 or _sentence_start(cps, ends[k - 1], starts[k], space, openers)):
            out_fid[m], out_w[m] = name[i], name_weight
            m += 1
            if prev_name == k - 1:
                out_fid[m], out_w[m], out_a[m], out_b[m] = _PAIR, name_weight, ids[k - 1], i
                m += 1
            prev_name = k
        else:
            prev_name = -2
    return m


@njit(cache=True)
def _tally(fid, w, slot):
    """Distinct features in order of first use, each one's weights summed one by one in
    text order (as adding to a Counter does: the same floats) and its count."""
    uniq = np.empty(len(fid), dtype=np.int64)
    total = np.zeros(len(fid))
    count = np.zeros(len(fid), dtype=np.int64)
    u = 0
    for t in range(len(fid)):
        s = slot[fid[t]]
        if s < 0:
            s = u
            slot[fid[t]] = u
            uniq[u] = fid[t]
            u += 1
        total[s] += w[t]
        count[s] += 1
    for q in range(u):
        slot[uniq[q]] = -1
    return uniq[:u], total[:u], count[:u]


def event_features(text: str, title: str | None = None, name_weight: float = 3.0) -> Counter:
    """Feature -> count (names count `name_weight` extra) for one document."""
    uniq, values = feature_ids(text, title, name_weight)
    e = _ENTRIES
    # a count stays an int, as adding to a Counter makes it
    return Counter(dict(zip(map(e.strings.__getitem__, uniq.tolist()),
                            [v if nm else int(v) for nm, v in zip(e.named[uniq].tolist(), values.tolist())])))


def feature_ids(text: str, title: str | None = None, name_weight: float = 3.0) -> tuple[np.ndarray, np.ndarray]:
    """`event_features` as ids into this process's feature strings (`_ENTRIES.strings`, in
    order of first use in the text) and their values, without a string per feature. The ids
    hold until the strings start afresh (`_Entries.reset`: a new list)."""
    # the title and the text as one text, the title's line first: a line break makes the
    # text's first word start a sentence, as each part's first word does on its own
    parts = [p for p in (title, text) if p]
    if not parts:
        return _NO_IDS, _NO_VALUES
    part = "\n".join(parts)
    ids, starts, ends = _VOCAB.scan(part)  # the tokens without their keys (not needed here)
    n = len(ids)
    if n == 0:
        return _NO_IDS, _NO_VALUES
    e = _ENTRIES
    e.fill(part, ids, starts, ends)
    cps = np.frombuffer(part.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    fid, w = np.empty(4 * n, dtype=np.int64), np.empty(4 * n)
    a, b = np.empty(4 * n, dtype=np.int64), np.empty(4 * n, dtype=np.int64)
    upper = (_VOCAB.flags[ids] & FLAG_UPPER) > 0
    m = _events(ids, upper, starts, ends, cps, _SPACE, _OPENER_POINTS,
                e.kind, e.num, e.word, e.name, e.caps, float(name_weight), fid, w, a, b)
    fid, w = fid[:m], w[:m]
    for t in np.flatnonzero(fid == _PAIR).tolist():
        fid[t] = e.pair(int(a[t]), int(b[t]))
    uniq, total, count = _tally(fid, w, e.slot)
    # a name's weights summed, any other feature counted (as a Counter adds them)
    return uniq, np.where(e.named[uniq], total, count.astype(np.float64))


_NO_IDS = np.zeros(0, dtype=np.int64)
_NO_VALUES = np.zeros(0, dtype=np.float64)
