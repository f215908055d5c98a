"""TF-IDF vectors of event features over a corpus: sublinear counts times inverse
document frequency, L2-normalised, so a dot product is a cosine."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp


@dataclass
class StoryVectors:
    matrix: sp.csr_matrix  # (n_docs, n_features), rows of unit length (or zero)
    vocab: dict[str, int]
    df: np.ndarray  # documents per feature


def vectorize(features: list[Counter]) -> StoryVectors:
    vocab: dict[str, int] = {}
    indptr, indices, data = [0], [], []
    for f in features:
        for key, count in f.items():
            indices.append(vocab.setdefault(key, len(vocab)))
            data.append(count)
        indptr.append(len(indices))
    n = len(features)
    x = sp.csr_matrix((np.asarray(data, dtype=np.float64), np.asarray(indices, dtype=np.int64),
                       np.asarray(indptr, dtype=np.int64)), shape=(n, len(vocab)))
    x.sum_duplicates()
    df = np.bincount(x.indices, minlength=len(vocab))
    idf = np.log((n + 1) / (df + 1)) + 1  # smoothed; a feature in every document still counts a little
    x.data = (1 + np.log(x.data)) * idf[x.indices]
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    x = sp.csr_matrix(sp.diags(1 / norms) @ x)
    return StoryVectors(x, vocab, df)
