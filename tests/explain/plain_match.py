"""Sentence matching as it was before it was compiled (`retold.explain.sentmatch`), kept as the
reference the kernel must equal match for match (test_sentmatch.py)."""
from __future__ import annotations

import numpy as np

from retold.explain.edits import SentenceIndex


def match_sentences(xa: SentenceIndex, xb: SentenceIndex, threshold: float,
                    gap_threshold: float | None = None,
                    gap_min_words: int = 0) -> list[tuple[int, int, float]]:
    """One-to-one sentence matches (i, j, dice), best first, by Dice of distinct words.

    With gap_threshold, a second pass matches the sentences left between two consecutive
    matches (in order on both sides) at that lower Dice: a strongly reworded sentence keeps
    few of its words, but it still sits where the original's sentence sat. Needs two
    matches from the first pass, so unrelated texts get no boxes to fill, and shared content
    words (a number in each counts as one): gap_min_words, or half the content words of the
    shorter sentence if that is fewer (at least one), so two sentences that share only "the", "of" and "and" (another
    article's paragraph pasted in that place) are not called one reworded.
    """
    na, nb = len(xa.sizes), len(xb.sizes)
    if na == 0 or nb == 0:
        return []
    left = np.searchsorted(xb.hashes, xa.hashes, "left")
    cnt = np.searchsorted(xb.hashes, xa.hashes, "right") - left
    total = int(cnt.sum())
    if total == 0:
        return []
    ia = np.repeat(xa.owner, cnt)
    jb = xb.owner[np.arange(total) - np.repeat(np.cumsum(cnt) - cnt, cnt) + np.repeat(left, cnt)]
    inter = np.bincount(ia * nb + jb, minlength=na * nb).reshape(na, nb)
    shared_content = None
    if gap_min_words > 0 and xa.content is not None and xb.content is not None:
        shared_content = np.bincount(ia * nb + jb, weights=np.repeat(xa.content, cnt),
                                     minlength=na * nb).reshape(na, nb)
        if xa.numbered is not None and xb.numbered is not None:
            # a figure in each ("He was 95." / "He was 96."): the diff will call it a change
            shared_content += xa.numbered[:, None] & xb.numbered[None, :]
        # a short sentence has few content words to share: half of the shorter one's will do
        ca = np.bincount(xa.owner, weights=xa.content, minlength=na)
        cb = np.bincount(xb.owner, weights=xb.content, minlength=nb)
        need = np.minimum(gap_min_words, np.maximum(1, np.ceil(np.minimum(ca[:, None], cb[None, :]) / 2)))
    denom = xa.sizes[:, None] + xb.sizes[None, :]  # 0 for chrome sentences (not indexed)
    dice = np.divide(2.0 * inter, denom, out=np.zeros(inter.shape), where=denom > 0)
    out = _greedy(dice, threshold, set(), set())
    if gap_threshold is not None and len(out) >= 2:
        out.sort()
        used_a, used_b = {i for i, _, _ in out}, {j for _, j, _ in out}
        bounds = [(-1, -1)] + [(i, j) for i, j, _ in out] + [(na, nb)]
        extra = []
        for (a0, b0), (a1, b1) in zip(bounds, bounds[1:]):
            if a1 - a0 > 1 and b1 - b0 > 1 and b0 < b1:
                box = np.zeros_like(dice)
                box[a0 + 1:a1, b0 + 1:b1] = dice[a0 + 1:a1, b0 + 1:b1]
                if shared_content is not None:
                    box[shared_content < need] = 0.0
                extra += _greedy(box, gap_threshold, used_a, used_b)
        out += extra
    out.sort()
    return out


def _greedy(dice: np.ndarray, threshold: float, used_a: set, used_b: set) -> list[tuple[int, int, float]]:
    rows, cols = np.nonzero(dice >= threshold)
    vals = dice[rows, cols]
    order = np.lexsort((np.abs(rows - cols), -vals))  # best first; ties: nearby positions
    out = []
    for i, j, d in zip(rows[order].tolist(), cols[order].tolist(), vals[order].tolist()):
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        out.append((i, j, d))
    return out
