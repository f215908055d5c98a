"""Story grouping baseline (TF-IDF, sublinear tf, English stop words, title + text, average-link
cosine) under the protocols of retold/eval/stories.py.

Measured 2026-11-25 (python -m retold.eval.stories):
  ECB+ tuned on train (t = 0.85), dev+test as one pile (407 docs, 36 sub-topics):
    B3 P/R/F1 0.809 / 0.948 / 0.873, pairwise 0.716 / 0.944 / 0.815, ARI 0.809 (best t on the pile: 0.886)
  GVC tuned on train+dev (t = 0.81), test (74 docs, 34 events):
    B3 0.986 / 0.953 / 0.969, pairwise 0.981 / 0.895 / 0.936, ARI 0.934 (best t on the pile: 0.980)
  GVA clean, tuned on md5 half 0 (t = 0.74), all 5,815 docs: B3 F1 0.857, pairwise F1 0.532 (~10 s a pile; not run here)
Floors sit 0.01 below.
"""
import pytest

from retold.eval import stories

from .conftest import pin, shared


@pytest.fixture(scope="module")
def root():
    shared("stories/ecbplus")
    shared("stories/gva-gun-violence-incidents")
    return shared("stories")


def test_loaders_counts(root):
    ecb = stories.load_ecbplus(root)
    assert len(ecb) == 982 and len({d.label for d in ecb}) == 86
    assert {d.split for d in ecb} == {"train", "dev", "test"}
    gva = stories.load_gva(root, clean=False)
    assert len(gva) == 6335 and len({d.doc_id for d in gva}) == 6335
    assert len({d.label for d in gva}) == 3659
    clean = stories.load_gva(root, clean=True)
    assert len(clean) == 5815 and len({d.label for d in clean}) == 3442
    gvc = stories.load_gvc(root)
    assert len(gvc) == 510 and len({d.label for d in gvc}) == 241
    assert sum(d.split == "test" for d in gvc) == 74


def test_baseline_ecbplus(root):
    res = stories.evaluate("tfidf-average", stories.tfidf_method, "ecbplus", root, stories.BASELINE_GRID)
    s = res["report"]["dev+test"]
    print(f"\nECB+ t={res['threshold']} B3 {s['bcubed_f1']:.3f} pair {s['pair_f1']:.3f} ARI {s['ari']:.3f}")
    assert (s["n_docs"], s["n_gold"]) == (407, 36)
    pin("TF-IDF baseline, ECB+ dev+test: B-cubed F1", s["bcubed_f1"], 0.863)
    pin("TF-IDF baseline, ECB+ dev+test: pairwise F1", s["pair_f1"], 0.805)
    pin("TF-IDF baseline, ECB+ dev+test: ARI", s["ari"], 0.799)


def test_baseline_gvc(root):
    res = stories.evaluate("tfidf-average", stories.tfidf_method, "gvc", root, stories.BASELINE_GRID)
    s = res["report"]["test"]
    print(f"\nGVC t={res['threshold']} B3 {s['bcubed_f1']:.3f} pair {s['pair_f1']:.3f} ARI {s['ari']:.3f}")
    assert (s["n_docs"], s["n_gold"]) == (74, 34)
    pin("TF-IDF baseline, GVC test: B-cubed F1", s["bcubed_f1"], 0.959)
    pin("TF-IDF baseline, GVC test: pairwise F1", s["pair_f1"], 0.926)
    pin("TF-IDF baseline, GVC test: ARI", s["ari"], 0.924)
