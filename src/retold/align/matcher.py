"""difflib's SequenceMatcher without junk, compiled, over integer sequences (token hashes,
code points): the same matching blocks, opcodes and ratio, in a fraction of the time.

The explanation of a pair diffs every pair of matched sentences, and the name tests compare
words letter by letter; difflib does both in pure Python. Its algorithm with no junk
(`autojunk=False`, or sequences under 200 items, and no `isjunk`) is fully determined: the
longest matching block of a range, the earliest in `a` and then in `b` among the longest,
found again left and right of it, the blocks sorted and adjacent ones joined. That is what
this module does, so callers get difflib's answers exactly (tests/align/test_matcher.py
checks them against difflib on random and real sequences).
"""
from __future__ import annotations

import numpy as np
from numba import njit


def as_codes(text: str) -> np.ndarray:
    """The code points of `text`, for a letter-by-letter match."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.int64)


def matching_blocks(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """`difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()` as an
    (n, 3) int64 array of (i, j, size) rows, ending with (len(a), len(b), 0)."""
    return _blocks(np.ascontiguousarray(a).view(np.int64) if a.dtype == np.uint64 else a.astype(np.int64),
                   np.ascontiguousarray(b).view(np.int64) if b.dtype == np.uint64 else b.astype(np.int64))


def opcodes(a: np.ndarray, b: np.ndarray) -> list[tuple[str, int, int, int, int]]:
    """`difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()`."""
    out = []
    i = j = 0
    for ai, bj, size in matching_blocks(a, b).tolist():
        tag = "replace" if i < ai and j < bj else "delete" if i < ai else "insert" if j < bj else ""
        if tag:
            out.append((tag, i, ai, j, bj))
        i, j = ai + size, bj + size
        if size:
            out.append(("equal", ai, i, bj, j))
    return out


def ratio(a: np.ndarray, b: np.ndarray) -> float:
    """`difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()`."""
    total = len(a) + len(b)
    if total == 0:
        return 1.0
    return 2.0 * float(matching_blocks(a, b)[:, 2].sum()) / total


@njit(cache=True)
def _blocks(a, b):
    la, lb = len(a), len(b)
    # b's positions grouped by value, ascending within a value (difflib's b2j)
    order = np.argsort(b, kind="mergesort")
    values = b[order]
    lo = np.searchsorted(values, a, "left")
    hi = np.searchsorted(values, a, "right")
    # run lengths of the row before, two rows alternating; `stamp` says which row wrote an
    # entry (rows are numbered across calls, so an entry of another range never counts)
    runs = np.zeros((2, lb + 1), dtype=np.int64)
    stamp = np.full((2, lb + 1), -1, dtype=np.int64)
    found = np.zeros((max(1, min(la, lb) + 1), 3), dtype=np.int64)
    n_found = 0
    stack = np.zeros((2 * (min(la, lb) + 1) + 2, 4), dtype=np.int64)
    stack[0, 0], stack[0, 1], stack[0, 2], stack[0, 3] = 0, la, 0, lb
    top = 1
    row = 0
    while top > 0:
        top -= 1
        alo, ahi, blo, bhi = stack[top, 0], stack[top, 1], stack[top, 2], stack[top, 3]
        besti, bestj, best = alo, blo, 0
        before = 0  # number of the row before this one in this range (0: none yet, rows count from 1)
        for i in range(alo, ahi):
            row += 1
            cur, prev = row % 2, (row - 1) % 2
            for t in range(lo[i], hi[i]):
                j = order[t]
                if j < blo:
                    continue
                if j >= bhi:
                    break
                k = 1
                if j > 0 and stamp[prev, j - 1] == before:
                    k = runs[prev, j - 1] + 1
                runs[cur, j] = k
                stamp[cur, j] = row
                if k > best:
                    besti, bestj, best = i - k + 1, j - k + 1, k
            before = row
        # difflib then extends the block over equal neighbours; with no junk it never can
        while besti > alo and bestj > blo and a[besti - 1] == b[bestj - 1]:
            besti -= 1
            bestj -= 1
            best += 1
        while besti + best < ahi and bestj + best < bhi and a[besti + best] == b[bestj + best]:
            best += 1
        if best:
            found[n_found, 0], found[n_found, 1], found[n_found, 2] = besti, bestj, best
            n_found += 1
            if alo < besti and blo < bestj:
                stack[top, 0], stack[top, 1], stack[top, 2], stack[top, 3] = alo, besti, blo, bestj
                top += 1
            if besti + best < ahi and bestj + best < bhi:
                stack[top, 0], stack[top, 1], stack[top, 2], stack[top, 3] = besti + best, ahi, bestj + best, bhi
                top += 1
    blocks = found[:n_found]
    blocks = blocks[np.argsort(blocks[:, 0], kind="mergesort")]  # blocks never share an i
    out = np.zeros((n_found + 1, 3), dtype=np.int64)
    m = 0
    i1, j1, k1 = 0, 0, 0
    for r in range(n_found):
        i2, j2, k2 = blocks[r, 0], blocks[r, 1], blocks[r, 2]
        if i1 + k1 == i2 and j1 + k1 == j2:
            k1 += k2
        else:
            if k1:
                out[m, 0], out[m, 1], out[m, 2] = i1, j1, k1
                m += 1
            i1, j1, k1 = i2, j2, k2
    if k1:
        out[m, 0], out[m, 1], out[m, 2] = i1, j1, k1
        m += 1
    out[m, 0], out[m, 1], out[m, 2] = la, lb, 0
    return out[:m + 1]
