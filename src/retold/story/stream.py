"""Stories as a stream: documents arrive in date order; each joins the existing story it is
most similar to on average (its similarity to the story's members, 0 for members it does
not know as neighbours, over the story's size), or opens a new story when none reaches
the threshold. Nothing is ever re-clustered, as in online news clustering systems."""
from __future__ import annotations

import numpy as np

from .neighbours import Neighbours


def stream_stories(nb: Neighbours, arrival: np.ndarray, threshold: float,
                   known: np.ndarray | None = None) -> np.ndarray:
    """Story label per document. `nb` must be causal: each document's neighbours arrived
    before it (story_neighbours(..., order=arrival)).

    Parameters
    ----------
    nb : Neighbours
        Causal story neighbours of every document.
    arrival : numpy.ndarray
        Arrival rank of each document.
    threshold : float
        Least average similarity to join a story.
    known : numpy.ndarray, optional
        A label (0, 1, ...) per document already assigned, -1 for the documents to assign:
        an incremental run's stored stories, which keep their labels and take new members.

    Returns
    -------
    numpy.ndarray
        Story label per document (known labels unchanged; new stories numbered after them).
    """
    n = len(arrival)
    label = np.full(n, -1, dtype=np.int64) if known is None else np.asarray(known, dtype=np.int64).copy()
    size: list[int] = np.bincount(label[label >= 0], minlength=0).tolist() if (label >= 0).any() else []
    for i in np.argsort(arrival, kind="stable").tolist():
        if label[i] >= 0:
            continue
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
