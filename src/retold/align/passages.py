"""Seed-and-chain passage alignment on token hashes.

1. Seeds: positions (i, j) where the same word n-gram starts in a and b (n-grams repeated
   too often in one text are ignored: they are refrains, not evidence of copying).
2. Runs: seeds on the same diagonal (j - i) with small gaps merge into runs.
3. Chains: runs that follow each other in both texts, within `max_gap` tokens, merge into
   one passage, so junk words, a changed number or a respelt name inside a copied
   paragraph do not split it. A one-sided jump longer than `max_shift` tokens (a whole
   sentence added, or a paragraph moved) starts a new passage instead. A chain that is
   more gap than match (identity below `min_identity`: stock phrases chained across other
   names and facts) is cut at its widest gaps until its pieces are dense enough.
4. Overlaps: longest passages win; a passage overlapping an accepted one on either side
   is dropped, so each stretch of text is aligned at most once.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from ..text.shingle import shingles
from .chain import _seeds, passage_rows
from .order import stable_order


@dataclass
class TokenPassage:
    a0: int  # token span in a, end exclusive
    a1: int
    b0: int
    b1: int
    matched: int  # tokens of a covered by seeds

    @property
    def identity(self) -> float:
        return min(1.0, self.matched / max(1, max(self.a1 - self.a0, self.b1 - self.b0)))


@dataclass
class SeedIndex:
    """One text's seed n-grams (those not repeated more than max_repeat times), sorted by
    hash with their start positions: the per-document half of `seed_matches`, computed once
    per document (compare.Profile) instead of once per pair."""

    grams: np.ndarray  # sorted hashes
    positions: np.ndarray  # start token of each (ties in position order)
    in_order: np.ndarray  # the same seeds' hashes in position order (what a pair's `a` side reads)
    starts: np.ndarray  # their start tokens, ascending


def seed_index(hashes: np.ndarray, n: int, max_repeat: int) -> SeedIndex:
    g = shingles(hashes, n)
    if len(g) == 0 or len(hashes) < n:
        none = np.zeros(0, dtype=np.int64)
        return SeedIndex(np.zeros(0, dtype=np.uint64), none, np.zeros(0, dtype=np.uint64), none)
    return SeedIndex(*_seed_rows(g, max_repeat))


@njit(cache=True)
def _seed_rows(g, max_repeat):
    # one stable sort: equal n-grams sit together, their positions ascending; the runs of
    # more than max_repeat go. Then the kept ones again in position order.
    order = stable_order(g, np.zeros(len(g), dtype=np.int64))
    kept = np.zeros(len(g), dtype=np.bool_)
    grams = np.empty(len(g), dtype=np.uint64)
    positions = np.empty(len(g), dtype=np.int64)
    m = s = 0
    for k in range(1, len(g) + 1):
        if k == len(g) or g[order[k]] != g[order[s]]:
            if k - s <= max_repeat:
                for t in range(s, k):
                    grams[m], positions[m] = g[order[t]], order[t]
                    kept[order[t]] = True
                    m += 1
            s = k
    in_order = np.empty(m, dtype=np.uint64)
    starts = np.empty(m, dtype=np.int64)
    q = 0
    for p in range(len(g)):
        if kept[p]:
            in_order[q], starts[q] = g[p], p
            q += 1
    return grams[:m], positions[:m], in_order, starts


def seed_matches(ha: np.ndarray, hb: np.ndarray, n: int, max_repeat: int,
                 index_a: SeedIndex | None = None,
                 index_b: SeedIndex | None = None) -> tuple[np.ndarray, np.ndarray]:
    """All (i, j) with the same n-gram starting at token i of a and token j of b, in
    position order of a (`index_a`, `index_b`: the texts' seed indexes, if known)."""
    xa = index_a if index_a is not None else seed_index(ha, n, max_repeat)
    xb = index_b if index_b is not None else seed_index(hb, n, max_repeat)
    return _seeds(xa.in_order, xa.starts, xb.grams, xb.positions)


def align_tokens(ha: np.ndarray, hb: np.ndarray, seed_n: int = 3, max_repeat: int = 4,
                 max_gap: int = 12, min_tokens: int = 8, max_shift: int = 5,
                 min_chained_tokens: int = 20, verbatim_identity: float = 0.9,
                 min_identity: float = 0.0, index_a: SeedIndex | None = None,
                 index_b: SeedIndex | None = None) -> list[TokenPassage]:
    """Passages of a and b (steps 1 to 4 above, compiled: `align.chain`), sorted by a0.

    A chain whose identity (matched tokens over its length) is below min_identity bridged
    more text than the two sides share: stock phrases ("was identified as", "of the ...
    block of") chained across other names and figures. It is cut at its widest gap, again and
    again, and only the pieces dense and long enough are kept. (Cutting only where the gaps
    name different facts was tried: on GVA news it left most such chains whole, README.) A
    verbatim stretch (identity at least verbatim_identity) counts from min_tokens, a chain
    with gaps from min_chained_tokens, or a few chance seeds joined across gaps would pass as
    a passage. `index_a`, `index_b`: the texts' seed indexes (`seed_index`), if known."""
    xa = index_a if index_a is not None else seed_index(ha, seed_n, max_repeat)
    xb = index_b if index_b is not None else seed_index(hb, seed_n, max_repeat)
    if len(xa.grams) == 0 or len(xb.grams) == 0:
        return []
    rows = passage_rows(xa.in_order, xa.starts, xb.grams, xb.positions, seed_n, max_gap, min_tokens,
                        max_shift, min_chained_tokens, float(verbatim_identity), float(min_identity))
    return [TokenPassage(*r) for r in rows.tolist()]


def covered_tokens(passages: list[TokenPassage], n_a: int, n_b: int) -> tuple[np.ndarray, np.ndarray]:
    """Boolean masks of the tokens of a and b inside some passage."""
    ma = np.zeros(n_a, dtype=bool)
    mb = np.zeros(n_b, dtype=bool)
    for p in passages:
        ma[p.a0:p.a1] = True
        mb[p.b0:p.b1] = True
    return ma, mb
