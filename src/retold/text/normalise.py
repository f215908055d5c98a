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

# Numbers keep their separators ("1,200", "3.5", "10:30") so a changed figure is one token.
TOKEN_RE = re.compile(r"\d+(?:[.,:/]\d+)*|\w+(?:['’]\w+)*", re.UNICODE)
_APOSTROPHES = str.maketrans("", "", "'’")


@lru_cache(maxsize=1 << 20)
def token_key(token: str) -> str:
    """Canonical form of one token: NFKC, casefold, no diacritics, no apostrophes."""
    t = unicodedata.normalize("NFKC", token).casefold()
    if not t.isascii():
        t = "".join(c for c in unicodedata.normalize("NFKD", t) if not unicodedata.combining(c))
    return t.translate(_APOSTROPHES)


@lru_cache(maxsize=1 << 20)
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

    def __len__(self) -> int:
        return len(self.keys)

    def char_span(self, i: int, j: int) -> tuple[int, int]:
        """Characters covered by tokens i..j-1."""
        if j <= i:
            pos = int(self.starts[i]) if i < len(self.keys) else (int(self.ends[-1]) if len(self.keys) else 0)
            return pos, pos
        return int(self.starts[i]), int(self.ends[j - 1])


_SPLIT_RE = re.compile(f"({TOKEN_RE.pattern})", re.UNICODE)
_SEEN: dict[str, tuple[str, int]] = {}  # raw token -> (key, hash), per process
_SEEN_MAX = 2_000_000


def _learn(token: str) -> tuple[str, int]:
    if len(_SEEN) >= _SEEN_MAX:
        _SEEN.clear()
    key = token_key(token)
    kh = _SEEN[token] = (key, _key_hash(key))
    return kh


def tokenize(text: str) -> Tokens:
    # One regex split (separators and tokens alternate) and a cumulative sum of part
    # lengths give every span at once: far cheaper than a Match object per token.
    parts = _SPLIT_RE.split(text)
    toks = parts[1::2]
    lens = np.fromiter(map(len, parts), dtype=np.int64, count=len(parts))
    ends_all = np.cumsum(lens)
    starts = (ends_all - lens)[1::2]
    ends = ends_all[1::2]
    seen = _SEEN
    kh = [seen.get(t) or _learn(t) for t in toks]
    keys = [k for k, _ in kh]
    hashes = np.fromiter((h for _, h in kh), dtype=np.uint64, count=len(kh))
    return Tokens(keys, hashes, starts, ends)


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
    h = hashlib.blake2b(digest_size=16)
    h.update("\x1f".join(tokens.keys).encode())
    return h.hexdigest()
