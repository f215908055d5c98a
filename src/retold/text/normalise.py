"""Token keys and normalised text, with a map back to the original characters.

Every later stage works on token keys (NFKC, case-folded, accents and apostrophes
dropped), so "Janša", "JANSA" and "Jansa" are one key and "Ra'isi" equals "Raisi"; the
token start/end arrays keep the way back to the original text for every span we report.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .stopwords import STOPWORDS

# Numbers keep their separators ("1,200", "3.5", "10:30") so a changed figure is one token.
TOKEN_RE = re.compile(r"\d+(?:[.,:/]\d+)*|\w+(?:['’]\w+)*", re.UNICODE)
_APOSTROPHES = str.maketrans("", "", "'’")


# Small caches: the vocabulary below keys each raw token once per process (no repeat reaches
# token_key from it); they serve the compiled scan's non-ASCII tokens and keys that several
# raw tokens share ("The", "the"). At 2^20 entries (about 0.16 GB each when full) the two
# held some 0.3 GB per worker once a large corpus filled the vocabulary.
KEY_CACHE = 1 << 16


@lru_cache(maxsize=KEY_CACHE)
def token_key(token: str) -> str:
    """Canonical form of one token: NFKC, casefold, no diacritics, no apostrophes."""
    t = unicodedata.normalize("NFKC", token).casefold()
    if not t.isascii():
        t = "".join(c for c in unicodedata.normalize("NFKD", t) if not unicodedata.combining(c))
    return t.translate(_APOSTROPHES)


@lru_cache(maxsize=KEY_CACHE)
def _key_hash(key: str) -> int:
    # blake2b is stable across processes and machines, unlike hash().
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "little")


@dataclass
class Tokens:
    """Tokens of one text: keys, 64-bit key hashes and character spans in the text."""

    keys: list[str]
    hashes: np.ndarray  # uint64
    starts: np.ndarray  # int64, character offsets into the original text
    ends: np.ndarray
    shapes: np.ndarray | None = None  # uint64: the hash, or one constant for numbers and date words
    flags: np.ndarray | None = None  # uint8 per token: the FLAG_* bits of its vocabulary entry
    ids: np.ndarray | None = None  # int64: each token's entry in this process's vocabulary (until it resets)

    def __len__(self) -> int:
        return len(self.keys)

    def char_span(self, i: int, j: int) -> tuple[int, int]:
        """Characters covered by tokens i..j-1."""
        if j <= i:
            pos = int(self.starts[i]) if i < len(self.keys) else (int(self.ends[-1]) if len(self.keys) else 0)
            return pos, pos
        return int(self.starts[i]), int(self.ends[j - 1])


# Per-token facts that depend only on the raw token, kept once per vocabulary entry so that a
# text's are one numpy gather (the stages ask them of every token of every profile).
FLAG_FIGURE = 1  # the key starts with a digit
FLAG_UPPER = 2  # the raw token starts with a capital
FLAG_CONTENT = 4  # a content word: not a function word, three letters or more, or a number
FLAG_WORD = 8  # two letters or more and not a function word (a name may be this short: "Xi")
FLAG_WEIGHED = 16  # counts in content weights: not a function word, and three letters or all digits
FLAG_RAW_DIGIT = 32  # the raw token starts with a digit


def _flags(token: str, key: str) -> int:
    stop = key in STOPWORDS
    f = FLAG_FIGURE if key[:1].isdigit() else 0
    f |= FLAG_UPPER if token[:1].isupper() else 0
    f |= FLAG_CONTENT if not stop and (len(key) >= 3 or key[:1].isdigit()) else 0
    f |= FLAG_WORD if len(key) >= 2 and not stop else 0
    f |= FLAG_WEIGHED if not (stop or (len(key) < 3 and not key.isdigit())) else 0
    f |= FLAG_RAW_DIGIT if token[:1].isdigit() else 0
    return f


NUMBER_SHAPE = 0x5A17  # the shape of any number or date word: "Jan 12" and "Aug 15" agree
DATE_WORDS = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday "
    "saturday sunday mon tue wed thu fri sat sun".split())


class _Vocabulary:
    """Raw token -> id, with the key, hash and shape of each id in flat arrays, so a text's
    hashes are one numpy gather. Per process; ids never leave it. The compiled scan
    (`charscan`) finds a text's tokens and their ids through a table of raw-token hashes;
    only a token the process has not seen is looked at in Python."""

    # distinct raw tokens before starting afresh (bounded memory). This and story/features
    # _Entries.MAX = 1 << 19 (until 2026-12-03 2M and 1 << 21): a worker's features of 500k
    # documents of the 1M corpus grew it 263 MB, not 494, in the same CPU time, same features
    MAX = 1 << 18

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.index: dict[str, int] = {}
        self.keys: list[str] = []
        # the keys again as an object array: a text's keys are one gather (4.6x a list's
        # item lookups for a 500-token text)
        self.key_array = np.empty(1024, dtype=object)
        self.hashes = np.zeros(1024, dtype=np.uint64)
        self.shapes = np.zeros(1024, dtype=np.uint64)
        self.flags = np.zeros(1024, dtype=np.uint8)
        self.table = None  # charscan.RawTable, made on the first scan

    def learn(self, token: str) -> int:
        i = len(self.keys)
        if i >= len(self.hashes):
            self.hashes = np.concatenate([self.hashes, np.zeros_like(self.hashes)])
            self.shapes = np.concatenate([self.shapes, np.zeros_like(self.shapes)])
            self.flags = np.concatenate([self.flags, np.zeros_like(self.flags)])
            self.key_array = np.concatenate([self.key_array, np.empty(len(self.key_array), dtype=object)])
        key = token_key(token)
        h = _key_hash(key)
        self.keys.append(key)
        self.key_array[i] = key
        self.hashes[i] = h
        self.shapes[i] = NUMBER_SHAPE if (key[:1].isdigit() or key in DATE_WORDS) else h
        self.flags[i] = _flags(token, key)
        self.index[token] = i
        return i

    def scan(self, text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The id, start and end (character offsets) of every token of `text`."""
        from . import charscan
        if self.table is None:
            self.table = charscan.RawTable()
        cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        m = charscan.max_tokens(len(cps))
        starts, ends = np.empty(m, dtype=np.int64), np.empty(m, dtype=np.int64)
        ids = np.empty(m, dtype=np.int64)
        h1s, h2s = np.empty(m, dtype=np.uint64), np.empty(m, dtype=np.uint64)
        cls = charscan.char_classes(0x10000) if text.isascii() else charscan.classes_for(cps)
        n = charscan.scan_ids(cps, cls, self.table.slots, starts, ends, ids, h1s, h2s)
        # copies, not views: a view would keep the arrays sized for every character alive
        ids, starts, ends = ids[:n].copy(), starts[:n].copy(), ends[:n].copy()
        new = np.flatnonzero(ids < 0)
        if len(new):
            if self.keys and len(self.keys) + len(new) > self.MAX:
                self.reset()  # the ids above were of the old table: scan again
                return self.scan(text)
            for k in new.tolist():
                token = text[starts[k]:ends[k]]
                i = self.index.get(token)
                ids[k] = self.learn(token) if i is None else i
            self.table.add(h1s[new], h2s[new], ids[new])
        return ids, starts, ends


_VOCAB = _Vocabulary()


def tokenize(text: str) -> Tokens:
    """The tokens of `text` (`TOKEN_RE`): keys, hashes, spans, shapes and flags."""
    v = _VOCAB
    ids, starts, ends = v.scan(text)
    keys = v.key_array[ids].tolist()
    return Tokens(keys, v.hashes[ids], starts, ends, v.shapes[ids], v.flags[ids], ids)


def token_hashes(text: str) -> np.ndarray:
    """The hash of each token of `text` (what `tokenize(text).hashes` holds), without the
    spans, keys and shapes."""
    v = _VOCAB
    ids, _, _ = v.scan(text)
    return v.hashes[ids]


def normalise(text: str) -> tuple[str, np.ndarray]:
    """Normalised text (token keys joined by one space) and, for each of its characters,
    the offset of the original character it came from."""
    toks = tokenize(text)
    parts: list[str] = []
    offsets: list[np.ndarray] = []
    for k, (key, s, e) in enumerate(zip(toks.keys, toks.starts, toks.ends)):
        if k:
            parts.append(" ")
            offsets.append(np.array([s - 1 if s > 0 else 0], dtype=np.int64))
        parts.append(key)
        # Folding may change a token's length; clamp so every char maps inside the token.
        offsets.append(np.minimum(s + np.arange(len(key), dtype=np.int64), e - 1))
    norm = "".join(parts)
    omap = np.concatenate(offsets) if offsets else np.zeros(0, dtype=np.int64)
    return norm, omap


def content_hash(tokens: Tokens) -> str:
    """Hash of the normalised token sequence: equal for exact duplicates."""
    return hash_of_tokens(tokens.hashes)


def hash_of_tokens(hashes: np.ndarray) -> str:
    """`content_hash` from the token hashes alone."""
    return hashlib.blake2b(hashes.tobytes(), digest_size=16).hexdigest()
