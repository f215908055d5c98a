"""The token key hashes of many texts in one compiled pass (numba): near-duplicate mode.

`normalise.tokenize` gives each token its key, spans and vocabulary entry: right for stages
that need the keys themselves, more than near-duplicate mode needs. Here the same tokens
(`charscan`'s scan of `normalise.TOKEN_RE`) are found over many texts at once, and a token
made only of ASCII characters is hashed as it is scanned (its key is the lower-cased token
without apostrophes). Any other token is keyed in Python (`normalise.token_key`: NFKC, casefold, no
diacritics) and its key hashed by the same function, so a key has one hash whichever path
it took. The hash (FNV-1a over the key's code points, then splitmix64) is not the blake2b
hash of `normalise`: the two never meet in one table (near-duplicate mode uses only this
one; `tests/text/test_tokenscan.py` checks the tokens and keys agree with `tokenize`).

Compiled once per machine (numba's on-disk cache, beside this file), so only a first run
pays for it.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
from numba import njit

from .charscan import _FNV_OFFSET, _FNV_PRIME, classes_for, next_token
from .normalise import KEY_CACHE, token_key
from .shingle import _M1, _M2, mix64_one

_SEPARATOR = "\x00"  # between texts: not a word character, so no token spans two texts


@njit(cache=True)
def key_hash_points(points: np.ndarray) -> np.uint64:
    """The hash of one key given as its code points."""
    h = _FNV_OFFSET
    for c in points:
        h = (h ^ np.uint64(c)) * _FNV_PRIME
    return mix64_one(h)


@njit(cache=True)
def _scan(cps, cls, hashes, starts, ends, other):
    """Fill each token's span and, for an all-ASCII token, its key hash, `other` where
    Python must key it (a character outside ASCII); returns the number of tokens. The
    arrays are as long as `cps` (a bound no text reaches; pages never written cost no memory)."""
    k, i, j = 0, 0, 0
    while True:
        i, j = next_token(cps, j, cls)
        if i == j:
            return k
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


_MASK = (1 << 64) - 1


@lru_cache(maxsize=KEY_CACHE)
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
    cls = classes_for(cps)
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


def content_hashes(tokens: np.ndarray, offsets: np.ndarray) -> list[str]:
    """Near-duplicate mode's content hash of each text from its token hashes (`scan_texts`):
    32 hex digits, equal for texts with the same token sequence. Two splitmix64 folds with
    different seeds, the length folded in last, compiled: 0.25 s of blake2b (with a copy of
    each text's tokens) at 114k, 0.03 s this way. No weaker than blake2b would be here: the
    token hashes it reads are 64-bit and not cryptographic either."""
    pair = _content_hashes(np.ascontiguousarray(tokens, dtype=np.uint64), np.asarray(offsets, dtype=np.int64))
    text = pair.byteswap().tobytes().hex()  # big-endian: the digits read as the two numbers
    return [text[32 * i:32 * i + 32] for i in range(len(pair))]


@njit(cache=True)
def _content_hashes(tokens, offsets):
    out = np.empty((len(offsets) - 1, 2), dtype=np.uint64)
    for d in range(len(offsets) - 1):
        a, b = np.uint64(0x243F6A8885A308D3), np.uint64(0x13198A2E03707344)
        for i in range(offsets[d], offsets[d + 1]):
            a = mix64_one(a ^ tokens[i])
            b = mix64_one(b + tokens[i])
        n = np.uint64(offsets[d + 1] - offsets[d])
        out[d, 0], out[d, 1] = mix64_one(a ^ n), mix64_one(b ^ n)
    return out
