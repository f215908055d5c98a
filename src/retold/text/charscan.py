"""The tokeniser's scan, compiled (numba): where each token of a text starts and ends.

Tokens are `normalise.TOKEN_RE`'s (numbers with their separators, words with inner
apostrophes); the scan finds the same ones by walking the text's code points with the regex
engine's own character classes (`char_classes`). `normalise.tokenize` uses it with a table from each raw
token to its vocabulary entry (`scan_ids`), so a text's tokens, spans and vocabulary entries
come out of one compiled pass and only a token the process has not seen before is looked at
in Python; `tokenscan` uses it to hash the keys of many texts at once.

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

from .normalise import TOKEN_RE
from .shingle import mix64_one

# The scan's character classes and rules must be the regex's: check it has not moved on.
assert TOKEN_RE.pattern == r"\d+(?:[.,:/]\d+)*|\w+(?:['’]\w+)*", "charscan mirrors TOKEN_RE: update both"

_WORD, _DIGIT = np.uint8(1), np.uint8(2)
_FNV_OFFSET = np.uint64(0xCBF29CE484222325)
_FNV_PRIME = np.uint64(0x100000001B3)
_POLY = np.uint64(0x9E3779B97F4A7C15)  # the second, independent hash of a raw token
_EMPTY = -1  # no entry
_FREE = np.uint64(0xFFFFFFFFFFFFFFFF)  # a free slot of the table (an entry is far below it)


@lru_cache(maxsize=2)
def char_classes(limit: int = 0x110000) -> np.ndarray:
    """uint8 per code point below `limit`: 1 if the regex's \\w matches it, 2 if \\d does
    too. Asked of Python's own `re`, so the scan splits exactly as `TOKEN_RE` does. The
    basic plane's table takes 30 ms to make; all of Unicode's takes 0.5 s, so it is asked only
    for texts with a character beyond the basic plane and kept on disk beside numba's cache
    (per Unicode version)."""
    if limit <= 0x10000:
        return _classes(limit)
    cache = Path(__file__).parent / "__pycache__" / f"charscan-classes-{unicodedata.unidata_version}.npy"
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


@njit(cache=True, inline="always")
def next_token(cps, i, cls):
    """The span (start, end) of the first token at or after i; (len, len) when none is left."""
    end = len(cps)
    while i < end and not cls[cps[i]] & _WORD:
        i += 1
    return (i, _token_end(cps, i, end, cls)) if i < end else (end, end)


def classes_for(cps: np.ndarray) -> np.ndarray:
    """The class table a text's code points need: the basic plane's unless one lies beyond."""
    return char_classes(0x10000 if not len(cps) or int(cps.max()) < 0x10000 else 0x110000)


@njit(cache=True)
def _raw_hashes(cps, i, j):
    """Two independent 64-bit hashes of the raw token cps[i:j] (case, accents and
    apostrophes kept): together, the token's identity in the table."""
    h1 = _FNV_OFFSET
    h2 = np.uint64(0)
    for p in range(i, j):
        c = np.uint64(cps[p])
        h1 = (h1 ^ c) * _FNV_PRIME
        h2 = (h2 + c + np.uint64(1)) * _POLY
    return mix64_one(h1), h2


@njit(cache=True, inline="always")
def _find(slots, h1, h2):
    mask = np.uint64(slots.shape[0] - 1)
    s = h1 & mask
    while True:
        v = slots[s, 2]
        if v == _FREE:
            return _EMPTY
        if slots[s, 0] == h1 and slots[s, 1] == h2:
            return np.int64(v)
        s = (s + np.uint64(1)) & mask


@njit(cache=True)
def scan_ids(cps, cls, slots, starts, ends, ids, h1s, h2s):
    """Every token of one text: its span, its entry in the table (`RawTable.slots`; -1
    where the table has not got it) and its two raw hashes (to add it). Returns the number
    of tokens; the output arrays hold at least as many entries as the text can have tokens
    (`max_tokens`)."""
    k, i, j = 0, 0, 0
    while True:
        i, j = next_token(cps, j, cls)
        if i == j:
            return k
        h1, h2 = _raw_hashes(cps, i, j)
        ids[k] = _find(slots, h1, h2)
        h1s[k], h2s[k] = h1, h2
        starts[k], ends[k] = i, j
        k += 1


def max_tokens(n_chars: int) -> int:
    """The most tokens a text of `n_chars` code points can hold: one per character ("9a" is
    a number and a word): a loose bound, safe as the scan writes unchecked."""
    return n_chars


@njit(cache=True)
def table_put(slots, h1s, h2s, ids):
    """Add raw tokens (their two hashes) with their entries; one already there stays."""
    mask = np.uint64(slots.shape[0] - 1)
    added = 0
    for t in range(len(ids)):
        s = h1s[t] & mask
        while slots[s, 2] != _FREE and not (slots[s, 0] == h1s[t] and slots[s, 1] == h2s[t]):
            s = (s + np.uint64(1)) & mask
        if slots[s, 2] == _FREE:
            slots[s, 0], slots[s, 1], slots[s, 2] = h1s[t], h2s[t], np.uint64(ids[t])
            added += 1
    return added


class RawTable:
    """Raw token -> vocabulary entry, as open addressing over two 64-bit hashes of the token
    (a false match needs both to collide: about 2^-128 a pair), kept at most half full. A
    slot is one row (hash, hash, entry), so a probe reads one cache line: with three arrays it
    read three, and the lookups took two fifths of the scan at 21k documents."""

    def __init__(self, size: int = 1 << 15) -> None:
        self.slots = np.full((size, 3), _FREE, dtype=np.uint64)
        self.count = 0

    def add(self, h1s: np.ndarray, h2s: np.ndarray, ids: np.ndarray) -> None:
        if 2 * (self.count + len(ids)) > len(self.slots):
            size = len(self.slots)
            while 2 * (self.count + len(ids)) > size:
                size *= 2
            old = self.slots[self.slots[:, 2] != _FREE]
            self.__init__(size)
            self.count = table_put(self.slots, old[:, 0].copy(), old[:, 1].copy(), old[:, 2].astype(np.int64))
        self.count += table_put(self.slots, h1s, h2s, ids)
