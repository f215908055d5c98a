"""Seed-and-chain alignment compiled (numba): steps 1 to 4 of `passages` in one pass.

The plain version made its runs with numpy and chained them in a Python loop: 0.15 to 0.19 ms
a pair of the 21k news run's candidates, 0.055 compiled, most of it the overhead of small
array calls and Python lists. This kernel follows the same rules in the same order, so its passages are the plain
version's exactly (tests/align/test_chain.py checks them against a plain copy of it on random
and real texts). Compiled once per machine (numba's on-disk cache, beside this file).
"""
from __future__ import annotations

import numpy as np
from numba import njit

from .order import first_at_least, stable_order


@njit(cache=True)
def _seeds(ga, pa, gb, pb):
    """Every (i, j) with the same seed n-gram at i in a and j in b: a's seeds (ga, pa) in
    position order, each one's matches in b (gb sorted, pb: ties in position order) in
    position order."""
    lo = np.empty(len(ga), dtype=np.int64)
    total = 0
    for k in range(len(ga)):
        lo[k] = first_at_least(gb, ga[k])
        t = lo[k]
        while t < len(gb) and gb[t] == ga[k]:
            t += 1
        total += t - lo[k]
    i_out = np.empty(total, dtype=np.int64)
    j_out = np.empty(total, dtype=np.int64)
    m = 0
    for k in range(len(ga)):
        t = lo[k]
        while t < len(gb) and gb[t] == ga[k]:
            i_out[m] = pa[k]
            j_out[m] = pb[t]
            m += 1
            t += 1
    return i_out, j_out


@njit(cache=True)
def _take(rows, idx, n):
    """rows[idx[:n]] as a new array (numba's fancy indexing costs seconds of compiling)."""
    out = np.empty((n, rows.shape[1]), dtype=rows.dtype)
    for k in range(n):
        for c in range(rows.shape[1]):
            out[k, c] = rows[idx[k], c]
    return out


@njit(cache=True)
def _runs(i, j, n):
    """Seeds on one diagonal, consecutive ones overlapping or touching, as runs (a0, a1, b0,
    b1, matched), sorted by a0 (ties: by diagonal)."""
    d = j - i
    order = stable_order(d, i)  # by diagonal, then position
    m = len(order)
    runs = np.empty((m, 5), dtype=np.int64)
    r = 0
    s = 0
    for k in range(1, m + 1):
        if k == m or d[order[k]] != d[order[k - 1]] or i[order[k]] - i[order[k - 1]] > n:
            a0 = i[order[s]]
            a1 = i[order[k - 1]] + n
            dd = d[order[s]]
            runs[r, 0], runs[r, 1], runs[r, 2], runs[r, 3], runs[r, 4] = a0, a1, a0 + dd, a1 + dd, a1 - a0
            r += 1
            s = k
    return _take(runs, stable_order(runs[:r, 0], np.zeros(r, dtype=np.int64)), r)


@njit(cache=True)
def _identity(a0, a1, b0, b1, matched):
    return min(1.0, matched / max(1, max(a1 - a0, b1 - b0)))


@njit(cache=True)
def _chained(runs, lo, hi):
    """(a0, a1, b0, b1, matched) of the runs lo..hi-1 of one chain joined (`passages._chain`)."""
    a0, a1, b0, b1, m = runs[lo, 0], runs[lo, 1], runs[lo, 2], runs[lo, 3], runs[lo, 4]
    for k in range(lo + 1, hi):
        m += runs[k, 4] - max(0, a1 - runs[k, 0])
        a1 = runs[k, 1]
        b1 = max(b1, runs[k, 3])
    return a0, a1, b0, b1, m


@njit(cache=True)
def _pieces(runs, lo, hi, min_identity, out, n_out):
    """The chain of runs lo..hi-1, or while its identity is below min_identity the dense
    pieces left when it is cut at its widest gap, again and again, left piece first; appended
    to out from row n_out. Returns the new row count."""
    stack = np.empty((hi - lo + 1, 2), dtype=np.int64)
    stack[0, 0], stack[0, 1] = lo, hi
    top = 1
    while top > 0:
        top -= 1
        x, y = stack[top, 0], stack[top, 1]
        a0, a1, b0, b1, m = _chained(runs, x, y)
        if y - x == 1 or _identity(a0, a1, b0, b1, m) >= min_identity:
            out[n_out, 0], out[n_out, 1], out[n_out, 2], out[n_out, 3], out[n_out, 4] = a0, a1, b0, b1, m
            n_out += 1
            continue
        # the widest gap on either side after the runs so far (the first of equal ones)
        end_a, end_b = runs[x, 1], runs[x, 3]
        best, cut = -(1 << 62), x + 1
        for k in range(x + 1, y):
            g = max(runs[k, 0] - end_a, runs[k, 2] - end_b)
            if g > best:
                best, cut = g, k
            end_a, end_b = max(end_a, runs[k, 1]), max(end_b, runs[k, 3])
        stack[top, 0], stack[top, 1] = cut, y  # the right piece waits for the left one
        stack[top + 1, 0], stack[top + 1, 1] = x, cut
        top += 2
    return n_out


@njit(cache=True)
def _chains(runs, seed_n, max_gap, max_shift, min_identity):
    """Chain runs (`passages` step 3) and cut the sparse chains (step 3's floor): candidate
    passages (a0, a1, b0, b1, matched) in the order the plain version lists them (chains
    finished first, in the order they finished, then the ones still open)."""
    nr = len(runs)
    chain = np.empty((nr, 5), dtype=np.int64)  # a0, a1, b0, b1, matched per chain
    member = np.empty(nr, dtype=np.int64)  # per run: its chain (-1: dropped)
    active = np.empty(nr, dtype=np.int64)
    done = np.empty(nr, dtype=np.int64)
    n_chain = n_active = n_done = 0
    for r in range(nr):
        a0, a1, b0, b1, m = runs[r, 0], runs[r, 1], runs[r, 2], runs[r, 3], runs[r, 4]
        # chains ending too far before this run can never grow again (runs come by a0)
        keep = 0
        for q in range(n_active):
            c = active[q]
            if chain[c, 1] < a0 - max_gap:
                done[n_done] = c
                n_done += 1
            else:
                active[keep] = c
                keep += 1
        n_active = keep
        best, best_gap = -1, 0
        for q in range(n_active):  # the nearest chain this run continues
            c = active[q]
            gap_a, gap_b = a0 - chain[c, 1], b0 - chain[c, 3]
            if (-seed_n <= gap_a <= max_gap and -seed_n <= gap_b <= max_gap and b0 >= chain[c, 2]
                    and abs(gap_a - gap_b) <= max_shift):
                g = max(gap_a, 0) + max(gap_b, 0)
                if best < 0 or g < best_gap:
                    best, best_gap = c, g
        if best < 0:
            chain[n_chain, 0], chain[n_chain, 1], chain[n_chain, 2], chain[n_chain, 3], chain[n_chain, 4] = \
                a0, a1, b0, b1, m
            member[r] = n_chain
            active[n_active] = n_chain
            n_active += 1
            n_chain += 1
        elif a1 > chain[best, 1]:
            chain[best, 4] += m - max(0, chain[best, 1] - a0)
            chain[best, 1] = a1
            chain[best, 3] = max(chain[best, 3], b1)
            member[r] = best
        else:
            member[r] = -1  # inside the chain already
    # each chain's runs, in the order they joined it
    order = stable_order(member, np.zeros(nr, dtype=np.int64))
    first = np.full(n_chain + 1, -1, dtype=np.int64)
    ordered = _take(runs, order, nr)
    for k in range(nr - 1, -1, -1):
        if member[order[k]] >= 0:
            first[member[order[k]]] = k
    first[n_chain] = nr
    out = np.empty((nr, 5), dtype=np.int64)
    n_out = 0
    for q in range(n_done + n_active):
        c = done[q] if q < n_done else active[q - n_done]
        n_out = _pieces(ordered, first[c], first[c + 1], min_identity, out, n_out)
    return out[:n_out]


@njit(cache=True)
def _resolve(ps, min_tokens):
    """Step 4 (`passages._resolve_overlaps`): longest first, each trimmed where it overlaps
    one already taken, or dropped when too little is left; sorted by a0."""
    n = len(ps)
    order = stable_order(ps[:, 0] - ps[:, 1], ps[:, 0])  # longest first, then by a0
    out = np.empty((n, 5), dtype=np.int64)
    m = 0
    for o in range(n):
        p = order[o]
        a0, a1, b0, b1 = ps[p, 0], ps[p, 1], ps[p, 2], ps[p, 3]
        for q in range(m):
            # both sides are tested on the spans as they were before this passage trimmed
            # them (as the plain version does; a trim on both sides can then leave too little)
            sa0, sa1, sb0, sb1 = a0, a1, b0, b1
            for side in range(2):
                lo, hi = (sa0, sa1) if side == 0 else (sb0, sb1)
                qlo, qhi = (out[q, 0], out[q, 1]) if side == 0 else (out[q, 2], out[q, 3])
                if not (lo < qhi and qlo < hi):
                    continue
                if qlo <= lo:
                    cut = qhi - lo
                    a0, b0 = a0 + cut, b0 + cut
                elif qhi >= hi:
                    cut = hi - qlo
                    a1, b1 = a1 - cut, b1 - cut
                elif qlo - lo >= hi - qhi:
                    cut = hi - qlo
                    a1, b1 = a1 - cut, b1 - cut
                else:
                    cut = qhi - lo
                    a0, b0 = a0 + cut, b0 + cut
        if min(a1 - a0, b1 - b0) >= min_tokens:
            kept = (a1 - a0) / max(1, ps[p, 1] - ps[p, 0])
            out[m, 0], out[m, 1], out[m, 2], out[m, 3] = a0, a1, b0, b1
            out[m, 4] = int(round(ps[p, 4] * kept))
            m += 1
    out = out[:m]
    if _overlapping(out):  # trimming against one can push into another: drop the offenders
        keep = np.empty(m, dtype=np.int64)
        kept = 0
        for x in range(m):
            alone = True
            for y in range(m):
                if x != y and out[x, 0] < out[y, 1] and out[y, 0] < out[x, 1]:
                    alone = False
                    break
            if alone:
                keep[kept] = x
                kept += 1
        out = _take(out, keep, kept)
    return _take(out, stable_order(out[:, 0], np.zeros(len(out), dtype=np.int64)), len(out))


@njit(cache=True)
def _overlapping(ps):
    for side in range(2):
        c0, c1 = 2 * side, 2 * side + 1
        order = stable_order(ps[:, c0], ps[:, c1])
        for k in range(len(order) - 1):
            if ps[order[k], c1] > ps[order[k + 1], c0]:
                return True
    return False


@njit(cache=True)
def passage_rows(ga, pa, gb, pb, seed_n, max_gap, min_tokens, max_shift, min_chained_tokens,
                 verbatim_identity, min_identity):
    """The passages of two texts as rows (a0, a1, b0, b1, matched), sorted by a0, from a's
    seeds in position order (ga, pa) and b's sorted by hash (gb, pb; `passages.SeedIndex`):
    `passages.align_tokens`'s steps 1 to 4."""
    i, j = _seeds(ga, pa, gb, pb)
    if len(i) == 0:
        return np.zeros((0, 5), dtype=np.int64)
    cands = _chains(_runs(i, j, seed_n), seed_n, max_gap, max_shift, min_identity)
    keep = np.empty(len(cands), dtype=np.int64)
    kept = 0
    for k in range(len(cands)):
        a0, a1, b0, b1, m = cands[k, 0], cands[k, 1], cands[k, 2], cands[k, 3], cands[k, 4]
        length = max(a1 - a0, b1 - b0)
        # a verbatim stretch counts from min_tokens; a chain with gaps needs more length
        if length >= min_tokens and (_identity(a0, a1, b0, b1, m) >= verbatim_identity
                                     or length >= min_chained_tokens):
            keep[kept] = k
            kept += 1
    return _resolve(_take(cands, keep, kept), min_tokens)
