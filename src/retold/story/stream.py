"""Stories as a stream: documents arrive in date order; each joins the existing story it is
most similar to on average (its similarity to the story's members, 0 for members it does
not know as neighbours, over the story's size), or opens a new story when none reaches
the threshold. Nothing is ever re-clustered, as in online news clustering systems."""
from __future__ import annotations

import numpy as np

from .neighbours import Neighbours


def stream_stories(nb: Neighbours, arrival: np.ndarray, threshold: float) -> np.ndarray:
    """Story label per document. `nb` must be causal: each document's neighbours arrived
    before it (story_neighbours(..., order=arrival))."""
    n = len(arrival)
    label = np.full(n, -1, dtype=np.int64)
    size: list[int] = []
    for i in np.argsort(arrival, kind="stable").tolist():
        score: dict[int, float] = {}
        for j, s in zip(nb.index[i].tolist(), nb.sim[i].tolist()):
            if j >= 0 and label[j] >= 0:
                score[label[j]] = score.get(label[j], 0.0) + s
        best, best_s = -1, threshold
        for story, total in score.items():
            avg = total / size[story]
            if avg >= best_s:
                best, best_s = story, avg
        if best < 0:
            best = len(size)
            size.append(0)
        label[i] = best
        size[best] += 1
    return label
