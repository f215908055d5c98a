"""The seed-and-chain alignment as it was before it was compiled (`retold.align.chain`), kept
as the reference the compiled kernel must equal passage for passage (test_chain.py)."""
from __future__ import annotations

import numpy as np

from retold.align.passages import SeedIndex, TokenPassage, seed_index


def seed_matches(ha: np.ndarray, hb: np.ndarray, n: int, max_repeat: int,
                 index_a: SeedIndex | None = None,
                 index_b: SeedIndex | None = None) -> tuple[np.ndarray, np.ndarray]:
    """All (i, j) with the same n-gram starting at token i of a and token j of b, in
    position order of a (`index_a`, `index_b`: the texts' seed indexes, if known)."""
    xa = index_a if index_a is not None else seed_index(ha, n, max_repeat)
    xb = index_b if index_b is not None else seed_index(hb, n, max_repeat)
    if len(xa.grams) == 0 or len(xb.grams) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    back = np.argsort(xa.positions, kind="stable")  # a's seeds in position order
    ga, ia = xa.grams[back], xa.positions[back]
    sb, jpos = xb.grams, xb.positions
    left = np.searchsorted(sb, ga, "left")
    right = np.searchsorted(sb, ga, "right")
    cnt = right - left
    total = int(cnt.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    i_out = np.repeat(ia, cnt)
    offs = np.arange(total) - np.repeat(np.cumsum(cnt) - cnt, cnt) + np.repeat(left, cnt)
    j_out = jpos[offs]
    return i_out.astype(np.int64), j_out.astype(np.int64)


def _diagonal_runs(i: np.ndarray, j: np.ndarray, n: int, max_gap: int) -> np.ndarray:
    """Group seeds on one diagonal into runs: rows (a0, a1, b0, b1, matched). A run is one
    unbroken matched stretch (consecutive seeds overlap or touch); the gaps between
    stretches, on a diagonal or across, are bridged by chaining, which keeps each stretch."""
    d = j - i
    order = np.lexsort((i, d))
    i, d = i[order], d[order]
    brk = (np.diff(d) != 0) | (np.diff(i) > n)
    starts = np.concatenate(([0], np.flatnonzero(brk) + 1))
    ends = np.concatenate((starts[1:], [len(i)])) - 1
    a0 = i[starts]
    a1 = i[ends] + n
    runs = np.stack([a0, a1, a0 + d[starts], a1 + d[starts], a1 - a0], axis=1)
    return runs[np.argsort(runs[:, 0], kind="stable")]


def align_tokens(ha: np.ndarray, hb: np.ndarray, seed_n: int = 3, max_repeat: int = 4,
                 max_gap: int = 12, min_tokens: int = 8, max_shift: int = 5,
                 min_chained_tokens: int = 20, verbatim_identity: float = 0.9,
                 min_identity: float = 0.0, index_a: SeedIndex | None = None,
                 index_b: SeedIndex | None = None) -> list[TokenPassage]:
    """Passages of a and b. A chain whose identity (matched tokens over its length) is below
    min_identity bridged more text than the two sides share: stock phrases ("was identified
    as", "of the ... block of") chained across other names and figures. It is cut at its
    widest gap, again and again, and only the pieces dense and long enough are kept. (Cutting
    only where the gaps name different facts was tried: on GVA news it left most such chains
    whole, README.) `index_a`, `index_b`: the texts' seed indexes (`seed_index`), if known."""
    i, j = seed_matches(ha, hb, seed_n, max_repeat, index_a, index_b)
    if len(i) == 0:
        return []
    runs = _diagonal_runs(i, j, seed_n, max_gap)
    done: list[list] = []
    active: list[list] = []  # chains [a0, a1, b0, b1, matched, runs] that may still grow
    for run in runs.tolist():
        a0, a1, b0, b1, m = run
        # Chains end too far before this run can never grow again (runs come by a0).
        if active and min(c[1] for c in active) < a0 - max_gap:
            done.extend(c for c in active if c[1] < a0 - max_gap)
            active = [c for c in active if c[1] >= a0 - max_gap]
        best, best_gap = None, None
        for c in active:  # the nearest chain this run continues, by position, not recency
            gap_a, gap_b = a0 - c[1], b0 - c[3]
            if (-seed_n <= gap_a <= max_gap and -seed_n <= gap_b <= max_gap and b0 >= c[2]
                    and abs(gap_a - gap_b) <= max_shift):
                g = max(gap_a, 0) + max(gap_b, 0)
                if best is None or g < best_gap:
                    best, best_gap = c, g
        if best is None:
            active.append([a0, a1, b0, b1, m, [run]])
        elif a1 > best[1]:
            best[4] += m - max(0, best[1] - a0)
            best[1] = a1
            best[3] = max(best[3], b1)
            best[5].append(run)
    passages = []
    for c in done + active:
        for p in _dense_pieces(c[5], min_identity):
            length = max(p.a1 - p.a0, p.b1 - p.b0)
            # A verbatim stretch counts from min_tokens; a chain with gaps needs more length, or
            # a few chance seeds joined across gaps would pass as a passage.
            if length >= min_tokens and (p.identity >= verbatim_identity or length >= min_chained_tokens):
                passages.append(p)
    return _resolve_overlaps(passages, min_tokens)


def _chain(runs: list[list[int]]) -> TokenPassage:
    a0, a1, b0, b1, m = runs[0]
    for r in runs[1:]:
        m += r[4] - max(0, a1 - r[0])
        a1, b1 = r[1], max(b1, r[3])
    return TokenPassage(a0, a1, b0, b1, m)


def _dense_pieces(runs: list[list[int]], min_identity: float) -> list[TokenPassage]:
    """The chain of these runs, or, while its identity is below min_identity, the dense
    pieces left when it is cut at its widest gap (on either side)."""
    p = _chain(runs)
    if len(runs) == 1 or p.identity >= min_identity:
        return [p]
    ends_a = np.maximum.accumulate([r[1] for r in runs[:-1]])
    ends_b = np.maximum.accumulate([r[3] for r in runs[:-1]])
    gaps = np.maximum([r[0] for r in runs[1:]] - ends_a, [r[2] for r in runs[1:]] - ends_b)
    k = int(np.argmax(gaps)) + 1
    return _dense_pieces(runs[:k], min_identity) + _dense_pieces(runs[k:], min_identity)


def _resolve_overlaps(passages: list[TokenPassage], min_tokens: int) -> list[TokenPassage]:
    """Longest first; a passage overlapping one already taken is trimmed at that end (on
    both sides alike, as passages run along a diagonal), or dropped if little is left."""
    passages.sort(key=lambda p: (-(p.a1 - p.a0), p.a0))
    out: list[TokenPassage] = []
    for p in passages:
        a0, a1, b0, b1 = p.a0, p.a1, p.b0, p.b1
        for q in out:
            for lo, hi, qlo, qhi in ((a0, a1, q.a0, q.a1), (b0, b1, q.b0, q.b1)):
                if not (lo < qhi and qlo < hi):
                    continue
                if qlo <= lo:  # q covers our start: move the start past it
                    cut = qhi - lo
                    a0, b0 = a0 + cut, b0 + cut
                elif qhi >= hi:  # q covers our end
                    cut = hi - qlo
                    a1, b1 = a1 - cut, b1 - cut
                else:  # q sits inside us: keep the longer side of it
                    if qlo - lo >= hi - qhi:
                        cut = hi - qlo
                        a1, b1 = a1 - cut, b1 - cut
                    else:
                        cut = qhi - lo
                        a0, b0 = a0 + cut, b0 + cut
        if min(a1 - a0, b1 - b0) >= min_tokens:
            kept = (a1 - a0) / max(1, p.a1 - p.a0)
            out.append(TokenPassage(a0, a1, b0, b1, int(round(p.matched * kept))))
    out = [p for p in out if not any(p is not q and p.a0 < q.a1 and q.a0 < p.a1 for q in out)] \
        if _still_overlapping(out) else out
    out.sort(key=lambda p: p.a0)
    return out


def _still_overlapping(ps: list[TokenPassage]) -> bool:
    """Trimming against one passage can push into another; rare, then drop the offenders."""
    for side in ((lambda p: (p.a0, p.a1)), (lambda p: (p.b0, p.b1))):
        spans = sorted(side(p) for p in ps)
        if any(spans[k][1] > spans[k + 1][0] for k in range(len(spans) - 1)):
            return True
    return False
