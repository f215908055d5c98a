"""retold's story grouping on the three labelled story sets, side by side with the TF-IDF +
average-linkage baseline under the same protocol (retold/eval/stories.py). Goals (issue 5):
ECB+ B-cubed F1 >= 0.92; GVA clean B-cubed >= 0.90 and pairwise F1 >= 0.60; GVC >= 0.98.

Measured 2026-11-25 (python -m retold.eval.stories), retold batch / stream / baseline:
  ECB+ dev+test  B3 F1 0.958 / 0.801 / 0.873
  GVC test       B3 F1 0.982 / 0.971 / 0.969
  GVA clean all  B3 F1 0.911 / 0.908 / 0.857, pairwise F1 0.739 / 0.724 / 0.532
Floors sit about 0.01 below (0.02 for pairwise F1, which moves more).
2026-11-30 (story_k 8, story_tau_days 7, titles without the site's name): ECB+ 0.971, GVC 0.982
/ stream 0.960 (floor 0.96 -> 0.95: the stream lost about one of GVC's 74 test documents while
the batch model the runs use gained on ECB+ and GVA; README "Stories"), GVA clean 0.912 / 0.904.
"""
import pytest

from retold.eval import stories

from .conftest import pin, shared


@pytest.fixture(scope="module")
def root():
    shared("stories/ecbplus")
    shared("stories/gva-gun-violence-incidents")
    return shared("stories")


def _run(method, fn, grid, dataset, root, pile):
    res = stories.evaluate(method, fn, dataset, root, grid)
    s = res["report"][pile]
    print(f"\n{method} {dataset}/{pile} t={res['threshold']} B3 {s['bcubed_p']:.3f}/{s['bcubed_r']:.3f}/"
          f"{s['bcubed_f1']:.3f} pair {s['pair_f1']:.3f} ARI {s['ari']:.3f}")
    return s


def test_ecbplus_look_alike_events(root):
    ours = _run("retold", stories.retold_method(), stories.RETOLD_GRID, "ecbplus", root, "dev+test")
    base = _run("tfidf", stories.tfidf_method, stories.BASELINE_GRID, "ecbplus", root, "dev+test")
    pin("stories alone, ECB+ dev+test: B-cubed F1", ours["bcubed_f1"], 0.945)
    pin("stories alone, ECB+ dev+test: B-cubed precision", ours["bcubed_p"], 0.91)
    assert ours["bcubed_f1"] > base["bcubed_f1"] + 0.05


def test_gvc_test_events(root):
    ours = _run("retold", stories.retold_method(), stories.RETOLD_GRID, "gvc", root, "test")
    stream = _run("retold-stream", stories.retold_stream_method(), stories.RETOLD_GRID, "gvc", root, "test")
    base = _run("tfidf", stories.tfidf_method, stories.BASELINE_GRID, "gvc", root, "test")
    pin("stories alone, GVC test: B-cubed F1", ours["bcubed_f1"], 0.975)
    pin("stories alone, GVC test: ARI", ours["ari"], 0.95)
    pin("stories alone, GVC test, stream: B-cubed F1", stream["bcubed_f1"], 0.95)
    assert ours["bcubed_f1"] >= base["bcubed_f1"]


def test_gva_clean_incidents_batch_and_stream(root):
    ours = _run("retold", stories.retold_method(), stories.RETOLD_GRID, "gva-clean", root, "all")
    stream = _run("retold-stream", stories.retold_stream_method(), stories.RETOLD_GRID, "gva-clean", root, "all")
    assert ours["n_docs"] == 5815
    pin("stories alone, GVA clean: B-cubed F1", ours["bcubed_f1"], 0.90)
    pin("stories alone, GVA clean: pairwise F1", ours["pair_f1"], 0.72)
    pin("stories alone, GVA clean, stream: B-cubed F1", stream["bcubed_f1"], 0.895)
    pin("stories alone, GVA clean, stream: pairwise F1", stream["pair_f1"], 0.70)
