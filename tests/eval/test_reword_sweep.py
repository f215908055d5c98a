"""Issue 4 at the hardest reword strength of the sweep (`python -m retold.eval.sweep`):
the demo generator at strength 2.0, seed 31 (neither the shipped demo's 7 nor the gate's 23),
retold on it, scored on the original -> rewrite pairs.

Measured 2026-11-26 (strength 2.0, seed 31): 90 rewrite pairs, word 5-gram Jaccard median
0.036 (p5 0.018); rewrite recall 0.922 (83/90; the 7 others called reuse: too few sentences
paired, see the sweep's miss list), found 1.000, no unrelated pair called rewrite, no rewrite
pair missed by the candidate stage, direction 90/90. Typed edits on the rewrite pairs,
precision / recall: name_variant 0.984 / 0.814, junk_token 0.948 / 0.955, boilerplate
0.811 / 0.987, number_change 1.000 / 0.754, sentence_added 0.580 / 0.845, sentence_removed
0.823 / 0.804. Issue 4 asks for 0.95 recall and 0.9 edit P/R: the floors below pin what
retold does now, a little under the measurement; raise them when retold improves.
"""
import pytest

import retold
from retold.demo.generator import generate
from retold.eval.sweep import score_strength

from .conftest import pin, shared

STRENGTH, SEED = 2.0, 31
MAX_MEDIAN_JACCARD = 0.05  # the sweep's hardest point must stay hard
REWRITE_RECALL = 0.90
# 2026-11-29: 0.978 (88 of 90; one copy whose shared quotes are formula in the sweep corpus);
# afternoon, with fact_cover: 0.967 (87 of 90; one more copy whose changed facts read as a template)
# and rewrite recall 0.911 (82 of 90; issue 9 asks 0.92 here: one pair short)
REWRITE_FOUND = 0.96
DIRECTION = 0.97
# type: (precision floor, recall floor)
# 2026-11-29 (issue 9): junk_token recall 0.910 and boilerplate recall 0.931: the two copies
# no longer called a copy (template / same_story) carry no edits; afternoon, with fact_cover:
# boilerplate recall 0.915 (the copy now a template carries none either)
# 2026-11-30: an undated pair is read from the side its text says came first, no longer in
# input order (stages.oriented / compare_pairs): sentence_added 0.718 / 0.829 -> 0.894 / 0.907,
# sentence_removed 0.925 / 0.829 -> 0.957 / 0.906
EDIT_FLOORS = {"name_variant": (0.95, 0.78), "junk_token": (0.91, 0.90),
               "boilerplate": (0.77, 0.91), "number_change": (0.95, 0.70),
               "sentence_added": (0.86, 0.87), "sentence_removed": (0.92, 0.87)}


@pytest.fixture(scope="module")
def hardest(tmp_path_factory):
    ecb = shared("stories/ecbplus/docs.jsonl")
    root = tmp_path_factory.mktemp("sweep")
    generate(ecb, root / "corpus", seed=SEED, reword_strength=STRENGTH)
    retold.run([root / "corpus" / "docs.jsonl"], out=root / "run")
    return score_strength(root / "corpus", root / "run")


def test_hardest_reword_strength(hardest):
    r = hardest
    print({k: r[k] for k in ("rewrite_pairs", "jaccard_median", "jaccard_p5", "rewrite_recall",
                             "rewrite_found", "unrelated_called_rewrite", "not_candidates")})
    print({t: (round(e["precision"], 3), round(e["recall"], 3)) for t, e in r["edits"].items()})
    assert r["rewrite_pairs"] >= 60
    assert r["jaccard_median"] <= MAX_MEDIAN_JACCARD, r["jaccard_median"]
    pin("sweep seed 31, strength 2.0: rewrite recall", r["rewrite_recall"], REWRITE_RECALL,
        detail=[p for p in r["pairs"] if p["predicted"] != "rewrite"])
    pin("sweep seed 31, strength 2.0: copies found at any level", r["rewrite_found"], REWRITE_FOUND)
    assert r["unrelated_called_rewrite"] == 0, r["unrelated_called_rewrite_pairs"]
    assert r["not_candidates"] == 0
    pin("sweep seed 31, strength 2.0: direction", r["direction"]["rewrite"]["accuracy"], DIRECTION)
    for typ, (p_floor, r_floor) in EDIT_FLOORS.items():
        e = r["edits"][typ]
        pin(f"sweep seed 31, strength 2.0: {typ} precision", e["precision"], p_floor)
        pin(f"sweep seed 31, strength 2.0: {typ} recall", e["recall"], r_floor)
