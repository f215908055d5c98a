"""Near-duplicate recall on real news: BBC's repeated stories, against brute-force Jaccard."""
import numpy as np
from scipy.sparse import csr_matrix

import retold

from .conftest import pin, shared

# Pinned floors (measured 2026-11-25; see README "Quality"). Raise them when retold improves.
RECALL_FLOOR = 0.95
PRECISION_FLOOR = 0.95


def _bbc(root):
    docs = []
    for f in sorted(root.glob("*/*.txt")):
        text = f.read_bytes().decode("utf-8", errors="replace")
        docs.append({"id": f"{f.parent.name}-{f.stem}", "text": text})
    return docs


def _true_pairs(docs, threshold):
    """Every pair with word 5-gram Jaccard >= threshold, by sparse matrix product (no sketch)."""
    from retold.text.normalise import tokenize
    from retold.text.shingle import shingles
    sets = [np.unique(shingles(tokenize(d["text"]).hashes, 5)) for d in docs]
    vocab, ids = np.unique(np.concatenate(sets), return_inverse=True)
    rows = np.repeat(np.arange(len(sets)), [len(s) for s in sets])
    m = csr_matrix((np.ones(len(ids), np.int32), (rows, ids)), shape=(len(sets), len(vocab)))
    inter = (m @ m.T).tocoo()
    size = np.array([len(s) for s in sets])
    keep = inter.row < inter.col
    r, c, x = inter.row[keep], inter.col[keep], inter.data[keep]
    jac = x / (size[r] + size[c] - x)
    sel = jac >= threshold
    return {frozenset((docs[i]["id"], docs[j]["id"])) for i, j in zip(r[sel], c[sel])}


def test_bbc_near_duplicate_recall_and_precision(tmp_path):
    import json
    docs = _bbc(shared("bbc-news-2225"))
    path = tmp_path / "bbc.jsonl"
    path.write_text("".join(json.dumps(d) + "\n" for d in docs))
    r = retold.run([path], out=tmp_path / "run")
    fam = {f["doc_id"]: f["family_id"] for f in r.table("families").to_pylist()}
    found = {frozenset((p["a"], p["b"])) for p in r.table("pairs").to_pylist()
             if p["relation"] in ("exact", "near_duplicate")}
    truth = _true_pairs(docs, 0.8)
    # exact duplicates are linked through a representative: same family counts as found
    hit = sum(1 for p in truth if p in found or len({fam[d] for d in p}) == 1)
    recall = hit / len(truth)
    loose = _true_pairs(docs, 0.5)  # a reported reprint should at least be this similar
    precision = sum(1 for p in found if p in loose) / max(1, len(found))
    print(f"BBC near-duplicates: {len(truth)} true pairs (J>=0.8), recall {recall:.3f}, "
          f"{len(found)} reported, precision vs J>=0.5 {precision:.3f}")
    assert len(truth) > 100
    pin("BBC News reprints (Jaccard >= 0.8): recall", recall, RECALL_FLOOR)
    pin("BBC News reprints: precision against Jaccard >= 0.5", precision, PRECISION_FLOOR)
