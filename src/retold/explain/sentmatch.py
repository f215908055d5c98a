"""Sentence matching compiled (numba): the loops of `edits.match_sentences`.

The plain version built the pair-by-pair overlap matrices with numpy and picked matches in a
Python loop: 7.6% of the samples of comparing the 21k news run's pairs, 1.5% compiled, most of
it the overhead of small array calls. This kernel follows the same rules in the same order and
makes the same floating-point sums, so its matches are the plain version's exactly
(tests/explain/test_sentmatch.py checks them against a plain copy of it). Compiled once per
machine (numba's on-disk cache, beside this file).
"""
from __future__ import annotations

import numpy as np
from numba import njit

from ..align.order import stable_order


@njit(cache=True)
def _greedy(dice, threshold, a0, a1, b0, b1, allowed, used_a, used_b, out, n_out):
    """One-to-one matches among the cells [a0:a1, b0:b1] of `dice` at least `threshold` (and
    `allowed`), best first (ties: nearer the diagonal, then row by row), each sentence once;
    appended to out from row n_out. Returns the new row count."""
    m = 0
    for i in range(a0, a1):
        for j in range(b0, b1):
            if dice[i, j] >= threshold and allowed[i, j]:
                m += 1
    rows = np.empty(m, dtype=np.int64)
    cols = np.empty(m, dtype=np.int64)
    vals = np.empty(m)
    near = np.empty(m, dtype=np.int64)
    k = 0
    for i in range(a0, a1):
        for j in range(b0, b1):
            if dice[i, j] >= threshold and allowed[i, j]:
                rows[k], cols[k], vals[k], near[k] = i, j, dice[i, j], abs(i - j)
                k += 1
    order = stable_order(-vals, near)  # best first, then nearer the diagonal, then row by row
    for t in order:
        i, j = rows[t], cols[t]
        if used_a[i] or used_b[j]:
            continue
        used_a[i] = True
        used_b[j] = True
        out[n_out, 0], out[n_out, 1] = i, j
        out[n_out, 2] = vals[t]
        n_out += 1
    return n_out


@njit(cache=True)
def match_rows(ha, oa, ca, sizes_a, numbered_a, hb, ob, cb, sizes_b, numbered_b,
               threshold, gap_threshold, gap_min_words, gap, with_content):
    """Rows (i, j, dice) of `edits.match_sentences`, sorted by i, from two sentence indexes
    (hashes sorted, owner sentence, content flag per entry; distinct words and `numbered` per
    sentence). `gap`: run the gap pass at `gap_threshold`; `with_content`: it needs shared
    content words (gap_min_words). At a threshold of 0 (the options allow it) a gap match stays
    in its box and keeps the shared-word floor; the plain version zeroed the cells it left out
    and so could match them there."""
    na, nb = len(sizes_a), len(sizes_b)
    inter = np.zeros((na, nb), dtype=np.int64)
    shared = np.zeros((na, nb))
    # the sorted join of the two word lists: every equal (hash) of a against each of b's
    p = 0
    for x in range(len(ha)):
        while p < len(hb) and hb[p] < ha[x]:
            p += 1
        q = p
        while q < len(hb) and hb[q] == ha[x]:
            inter[oa[x], ob[q]] += 1
            if with_content:
                shared[oa[x], ob[q]] += 1.0 if ca[x] else 0.0
            q += 1
    dice = np.zeros((na, nb))
    for i in range(na):
        for j in range(nb):
            d = sizes_a[i] + sizes_b[j]  # 0 for chrome sentences (not indexed)
            if d > 0:
                dice[i, j] = 2.0 * inter[i, j] / d
    used_a = np.zeros(na, dtype=np.bool_)
    used_b = np.zeros(nb, dtype=np.bool_)
    out = np.zeros((min(na, nb) + 1, 3))
    everywhere = np.ones((na, nb), dtype=np.bool_)
    n = _greedy(dice, threshold, 0, na, 0, nb, everywhere, used_a, used_b, out, 0)
    if gap and n >= 2:
        first = out[:n][stable_order(out[:n, 0], out[:n, 1])]
        allowed = everywhere
        if with_content:
            # shared content words (a figure in each counts as one: the diff will call it a
            # change), at least gap_min_words or half the shorter sentence's (at least one)
            c_a = np.zeros(na)
            c_b = np.zeros(nb)
            for x in range(len(ha)):
                c_a[oa[x]] += 1.0 if ca[x] else 0.0
            for x in range(len(hb)):
                c_b[ob[x]] += 1.0 if cb[x] else 0.0
            allowed = np.zeros((na, nb), dtype=np.bool_)
            for i in range(na):
                for j in range(nb):
                    s = shared[i, j] + (1.0 if numbered_a[i] and numbered_b[j] else 0.0)
                    need = min(float(gap_min_words), max(1.0, np.ceil(min(c_a[i], c_b[j]) / 2)))
                    allowed[i, j] = not s < need
        # the sentences between two consecutive matches, in order on both sides
        n_first = len(first)
        for k in range(n_first + 1):
            a0 = int(first[k - 1, 0]) if k > 0 else -1
            b0 = int(first[k - 1, 1]) if k > 0 else -1
            a1 = int(first[k, 0]) if k < n_first else na
            b1 = int(first[k, 1]) if k < n_first else nb
            if a1 - a0 > 1 and b1 - b0 > 1 and b0 < b1:
                n = _greedy(dice, gap_threshold, a0 + 1, a1, b0 + 1, b1, allowed, used_a, used_b, out, n)
    out = out[:n]
    return out[stable_order(out[:, 0], out[:, 1])]
