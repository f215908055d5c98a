"""The tokeniser compiled: the token key hashes of many texts in one pass (numba).

`normalise.tokenize` splits with a regex and looks each token up in a Python vocabulary:
right for stages that need the keys themselves, but most of a near-duplicate run's time.
Here the same tokens (`normalise.TOKEN_RE`: numbers with their separators, words with inner
apostrophes) are found by a compiled scan over the texts' code points, and a token made only
of ASCII characters is hashed as it is scanned (its key is the lower-cased token without
apostrophes). Any other token is keyed in Python (`normalise.token_key`: NFKC, casefold, no
diacritics) and its key hashed by the same function, so a key has one hash whichever path
it took. The hash (FNV-1a over the key's code points, then splitmix64) is not the blake2b
hash of `normalise`: the two never meet in one table (near-duplicate mode uses only this
one; `tests/text/test_tokenscan.py` checks the tokens and keys agree with `tokenize`).

Compiled once per machine (numba's on-disk cache, beside this file), so only a first run
pays for it.
"""
from __future__ import annotations

import os
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import numpy as np
from numba import njit

from .normalise import TOKEN_RE, token_key
from .shingle import _M1, _M2, mix64_one

_WORD, _DIGIT = np.uint8(1), np.uint8(2)
_FNV_OFFSET = np.uint64(0xCBF29CE484222325)
_FNV_PRIME = np.uint64(0x100000001B3)
_SEPARATOR = "\x00"  # between texts: not a word character, so no token spans two texts

# The scanner's character classes must be the regex's: check the pattern has not moved on.
assert TOKEN_RE.pattern == r"\d+(?:[.,:/]\d+)*|\w+(?:['’]\w+)*", "tokenscan mirrors TOKEN_RE: update both"


@lru_cache(maxsize=2)
def char_classes(limit: int = 0x110000) -> np.ndarray:
    """uint8 per code point below `limit`: 1 if the regex's \\w matches it, 2 if \\d does
    too. Asked of Python's own `re`, so the scan splits exactly as `TOKEN_RE` does. The
    basic plane's table takes 30 ms to make; all of Unicode's takes 0.5 s, so it is asked only
    for texts with a character beyond the basic plane and kept on disk beside numba's cache
    (per Unicode version)."""
    if limit <= 0x10000:
        return _classes(limit)
    cache = Path(__file__).parent / "__pycache__" / f"tokenscan-classes-{unicodedata.unidata_version}.npy"
    try:
        table = np.load(cache)
        if len(table) == limit:
            return table
    except (OSError, ValueError):
        pass
    table = _classes(limit)
    try:  # best effort: a read-only install just makes it again next time
        cache.parent.mkdir(exist_ok=True)
        tmp = cache.with_suffix(f".{os.getpid()}.tmp.npy")
        np.save(tmp, table)
        os.replace(tmp, cache)
    except OSError:
        pass
    return table


def _classes(limit: int) -> np.ndarray:
    every = "".join(map(chr, range(limit)))
    word = re.sub(r"\w", "\x01", re.sub(r"\W", "\x00", every))
    digit = re.sub(r"\d", "\x02", re.sub(r"\D", "\x00", every))
    return (np.frombuffer(word.encode("latin-1"), dtype=np.uint8)
            | np.frombuffer(digit.encode("latin-1"), dtype=np.uint8))


@njit(cache=True)
def key_hash_points(points: np.ndarray) -> np.uint64:
    """The hash of one key given as its code points."""
    h = _FNV_OFFSET
    for c in points:
        h = (h ^ np.uint64(c)) * _FNV_PRIME
    return mix64_one(h)


@njit(cache=True)
def _token_end(cps, i, end, cls):
    """Where the token starting at i (a word character) ends, as `TOKEN_RE` decides: a
    number takes separator + digits while a digit follows; a word takes apostrophe + word
    characters while a word character follows."""
    if cls[cps[i]] & _DIGIT:
        i += 1
        while i < end and cls[cps[i]] & _DIGIT:
            i += 1
        while i + 1 < end and (cps[i] == 46 or cps[i] == 44 or cps[i] == 58 or cps[i] == 47) \
                and cls[cps[i + 1]] & _DIGIT:
            i += 2
            while i < end and cls[cps[i]] & _DIGIT:
                i += 1
        return i
    i += 1
    while i < end and cls[cps[i]] & _WORD:
        i += 1
    while i + 1 < end and (cps[i] == 39 or cps[i] == 0x2019) and cls[cps[i + 1]] & _WORD:
        i += 2
        while i < end and cls[cps[i]] & _WORD:
            i += 1
    return i


@njit(cache=True)
def _scan(cps, cls, hashes, starts, ends, other):
    """Fill each token's span and, for an all-ASCII token, its key hash, `other` where
    Python must key it (a character outside ASCII); returns the number of tokens. The
    arrays are as long as `cps` (a bound no text reaches; pages never written cost no memory)."""
    k, i, end = 0, 0, len(cps)
    while i < end:
        if not cls[cps[i]] & _WORD:
            i += 1
            continue
        j = _token_end(cps, i, end, cls)
        h = _FNV_OFFSET
        ascii_only = True
        for p in range(i, j):
            c = cps[p]
            if c >= 128:
                ascii_only = False
                break
            if c == 39:  # the key has no apostrophes
                continue
            if 65 <= c <= 90:
                c += 32
            h = (h ^ np.uint64(c)) * _FNV_PRIME
        hashes[k] = mix64_one(h) if ascii_only else np.uint64(0)
        other[k] = not ascii_only
        starts[k], ends[k] = i, j
        k += 1
        i = j
    return k


_MASK = (1 << 64) - 1


@lru_cache(maxsize=1 << 20)
def key_hash(key: str) -> int:
    """`key_hash_points` of a key given as a string, in plain Python (a call into compiled
    code costs more than this for a word; cached: the non-ASCII tokens are few keys)."""
    h = int(_FNV_OFFSET)
    for ch in key:
        h = ((h ^ ord(ch)) * int(_FNV_PRIME)) & _MASK
    h ^= h >> 30
    h = (h * int(_M1)) & _MASK
    h ^= h >> 27
    h = (h * int(_M2)) & _MASK
    return h ^ (h >> 31)


def scan_texts(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Token key hashes of every text, flat, and where each text's tokens start.

    Returns (hashes uint64, offsets int64 of length len(texts) + 1): text t's tokens are
    hashes[offsets[t]:offsets[t + 1]], the same tokens `normalise.tokenize(texts[t])` finds,
    with keys hashed by `key_hash`."""
    joined = _SEPARATOR.join(texts)
    cps = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    cls = char_classes(0x10000 if not len(cps) or int(cps.max()) < 0x10000 else 0x110000)
    hashes = np.empty(len(cps), dtype=np.uint64)
    starts = np.empty(len(cps), dtype=np.int64)
    ends = np.empty(len(cps), dtype=np.int64)
    other = np.empty(len(cps), dtype=np.bool_)
    n = _scan(cps, cls, hashes, starts, ends, other)
    hashes, starts = hashes[:n].copy(), starts[:n]
    for k in np.flatnonzero(other[:n]).tolist():
        hashes[k] = key_hash(token_key(joined[starts[k]:ends[k]]))
    # text t starts after t separators and the lengths of the texts before it
    text_starts = np.cumsum([0] + [len(t) + 1 for t in texts[:-1]], dtype=np.int64) if texts else np.zeros(0, np.int64)
    offsets = np.empty(len(texts) + 1, dtype=np.int64)
    offsets[:-1] = np.searchsorted(starts, text_starts)
    offsets[-1] = n
    return hashes, offsets
