"""Quality gate on a corpus the tuning never saw: the generator run on ECB+ from
../shared/data with seed 23 (thresholds were measured on seed 11; the shipped demo is seed 7)."""
import pytest

import retold
from retold.demo.generator import generate
from retold.eval.demo import edit_recall, near_duplicate_scores, score_run

from .conftest import pin, shared

# Pinned floors, measured 2026-11-25 (README "Quality"). Raise them when retold improves.
NEAR_DUP_PRECISION = 0.97
NEAR_DUP_RECALL = 0.97
RELATION_RECALL = {"exact": 1.0, "near_duplicate": 0.97, "reuse": 0.9, "rewrite": 0.97}
EDIT_RECALL = {"name_variant": 0.85, "number_change": 0.75, "date_change": 0.6, "junk_token": 0.9,
               "boilerplate": 0.95, "sentence_added": 0.8, "sentence_removed": 0.7}


@pytest.fixture(scope="module")
def seed23(tmp_path_factory):
    ecb = shared("stories/ecbplus/docs.jsonl")
    root = tmp_path_factory.mktemp("seed23")
    generate(ecb, root / "corpus", seed=23)
    retold.run([root / "corpus" / "docs.jsonl"], out=root / "run")
    return root


def test_near_duplicates_on_unseen_generated_copies(seed23):
    s = near_duplicate_scores(seed23 / "run", seed23 / "corpus" / "truth.jsonl")
    print("near-duplicate (exact + near_duplicate) on seed 23:", s)
    pin("generated seed 23: reprint precision", s["precision"], NEAR_DUP_PRECISION)
    pin("generated seed 23: reprint recall", s["recall"], NEAR_DUP_RECALL)


def test_relation_recall_on_unseen_generated_copies(seed23):
    scores = score_run(seed23 / "run", seed23 / "corpus" / "truth.jsonl")["by_relation"]
    print({k: round(v["recall"], 3) for k, v in scores.items()})
    for rel, floor in RELATION_RECALL.items():
        pin(f"generated seed 23: {rel} recall at its level", scores[rel]["recall"], floor, detail=scores[rel])


def test_edit_recall_on_unseen_generated_copies(seed23):
    got = edit_recall(seed23 / "run", seed23 / "corpus" / "truth.jsonl", tuple(EDIT_RECALL))
    print({k: round(v["recall"], 3) for k, v in got.items()})
    for typ, floor in EDIT_RECALL.items():
        pin(f"generated seed 23: {typ} edit recall", got[typ]["recall"], floor, detail=got[typ])


def test_strongest_rewording_is_still_a_rewrite(tmp_path):
    """Reword strength 1.0 (seed 13): rewrites at median word 5-gram Jaccard 0.095 (p5 0.053).
    Measured 2026-11-25: rewrite recall 0.980, no unrelated or same-event pair called rewrite
    outside the ECB+ wire copies the truth calls same_story."""
    ecb = shared("stories/ecbplus/docs.jsonl")
    generate(ecb, tmp_path / "corpus", seed=13, reword_strength=1.0)
    retold.run([tmp_path / "corpus" / "docs.jsonl"], out=tmp_path / "run")
    scores = score_run(tmp_path / "run", tmp_path / "corpus" / "truth.jsonl")
    rw = scores["by_relation"]["rewrite"]
    print("strength 1.0 rewrite:", rw)
    # 2026-11-29: 0.969 (95 of 98; issue 9's formula and facts tests cost one copy); afternoon,
    # with fact_cover: 0.959 (94 of 98: a copy whose changed date and number leave less than
    # rewrite_facts of the facts; 0.949 had the cut been 0.8)
    pin("generated seed 13, strength 1.0: rewrite recall", rw["recall"], 0.95)
    # copy relations the truth cannot explain: measured 1 (a reuse between look-alike events)
    unexplained = scores["unexplained_by_relation"]
    assert sum(v for k, v in unexplained.items() if k != "same_story") <= 5, unexplained
    # the rest are same_story pairs across look-alike events: the story model's precision,
    # measured B-cubed 0.913 (P 0.908, R 0.918) over 632 docs, 78 true stories
    pin("generated seed 13, strength 1.0: story B-cubed F1", scores["story_groups"]["bcubed_f1"], 0.89)
