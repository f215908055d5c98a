"""Passage alignment on PAN 2013 text alignment (02-no-obfuscation, noisy copy, 500 pairs):
PAN's character precision / recall / granularity / plagdet, strict and with a 50-character
boundary tolerance, on the original gold and on the gold realigned to the copy's text.
Measures and definitions: retold/eval/pan.py."""
import pytest

from retold.eval import pan

from .conftest import pin, shared

# Measured 2026-11-25 on all 500 pairs, after the aligner looks back by position, trims
# overlaps and asks 15 tokens of gapped chains (see benchmarks/results/2026-11-25-quality.md for
# the earlier figures: all tolerant 0.893, realigned tolerant 0.933):
#   original gold   strict   P 0.883 R 0.930 gran 1.010 plagdet 0.900
#                   tolerant P 0.898 R 0.949 gran 1.010 plagdet 0.917
#   realigned gold  strict   plagdet 0.949, tolerant plagdet 0.958 (R 0.993)
#   tune (first 250) strict 0.913 / tolerant 0.931; test (last 250) 0.885 / 0.901
#   cases with a detection 615 / 624 (realigned 624 / 624); related pairs 500 / 500
#   Issue goal: tolerant plagdet >= 0.975 and granularity 1.0 (but a perfect aligner scores
#   0.956 tolerant on the original gold of this noisy copy: see pan.py).
# Floors sit 0.01 below; granularity ceilings 0.01 above. Raise them when retold improves.
FLOORS = {
    ("all", "strict"): {"plagdet": 0.890, "precision": 0.873, "recall": 0.920},
    ("all", "tolerant"): {"plagdet": 0.907, "precision": 0.888, "recall": 0.939},
    ("all", "realigned_strict"): {"plagdet": 0.939},
    ("all", "realigned_tolerant"): {"plagdet": 0.948, "recall": 0.983},
    ("tune", "strict"): {"plagdet": 0.903},
    ("tune", "tolerant"): {"plagdet": 0.921},
    ("test", "strict"): {"plagdet": 0.875},
    ("test", "tolerant"): {"plagdet": 0.891},
}
GRANULARITY_CEILING = {"all": 1.020, "tune": 1.013, "test": 1.028}
CASES_FOUND_FLOOR = 613  # of 624 (original gold)
RELATED_FLOOR = 500  # every pair shares a plagiarised passage: none may be called unrelated


@pytest.fixture(scope="module")
def report():
    root = shared("pan13-text-alignment-02-no-obfuscation")
    pairs = pan.load_pairs(root)
    assert len(pairs) == 500 and sum(len(p.cases) for p in pairs) == 624
    rep = pan.evaluate(pairs, processes=2)
    print("\n" + pan.format_report(rep))
    return rep


@pytest.mark.parametrize("split,mode", sorted(FLOORS))
def test_pan13_floors(report, split, mode):
    got = report["splits"][split][mode]
    for measure, floor in FLOORS[(split, mode)].items():
        pin(f"PAN13 {split} {mode}: {measure}", got[measure], floor)


@pytest.mark.parametrize("split", sorted(GRANULARITY_CEILING))
def test_pan13_granularity(report, split):
    gran = report["splits"][split]["tolerant"]["granularity"]
    pin(f"PAN13 {split} tolerant: granularity", gran, GRANULARITY_CEILING[split], at_most=True)


def test_pan13_cases_found_and_pairs_related(report):
    sp = report["splits"]["all"]
    pin("PAN13 all: cases detected", sp["tolerant"]["cases_detected"], CASES_FOUND_FLOOR)
    pin("PAN13 all: pairs related", sp["related"], RELATED_FLOOR, detail=sp["relations"])
    # (speed is measured in benchmarks/, never asserted in tests)
    # what the gold's drift costs a perfect aligner (documented in pan.py; a property of the data)
    assert sp["ceiling_strict"]["plagdet"] == pytest.approx(0.944, abs=0.0015)
    assert sp["ceiling_tolerant"]["plagdet"] == pytest.approx(0.956, abs=0.0015)


# --- the measures themselves, on hand-made cases ---------------------------------------------


def test_measures_perfect_split_and_spurious():
    case = [(100, 200, 1000, 1100)]
    perfect = pan.score([case], [[(100, 200, 1000, 1100)]])
    assert perfect["plagdet"] == perfect["precision"] == perfect["recall"] == 1.0
    split = pan.score([case], [[(100, 150, 1000, 1050), (150, 200, 1050, 1100)]])
    assert split["granularity"] == 2.0 and split["f1"] == 1.0
    assert split["plagdet"] == pytest.approx(1 / 1.5849625, rel=1e-6)  # 1 / log2(3)
    # a detection elsewhere counts 0 toward precision; recall is unchanged
    extra = pan.score([case], [[(100, 200, 1000, 1100), (500, 600, 3000, 3100)]])
    assert extra["precision"] == 0.5 and extra["recall"] == 1.0
    # overlapping on one side only does not detect the case (PAN 2013 rule)
    one_side = pan.score([case], [[(100, 200, 5000, 5100)]])
    assert one_side["cases_detected"] == 0 and one_side["recall"] == 0.0
    # half of the case on both sides: recall 0.5, precision 1
    half = pan.score([case], [[(100, 150, 1000, 1050)]])
    assert half["recall"] == 0.5 and half["precision"] == 1.0
    assert pan.score([case], [[]])["plagdet"] == 0.0


def test_measures_are_macro_averaged_over_all_pairs():
    # pair 1: one case found exactly; pair 2: one case missed, one spurious detection
    s = pan.score([[(0, 100, 0, 100)], [(0, 100, 0, 100)]],
                  [[(0, 100, 0, 100)], [(500, 600, 500, 600)]])
    assert s["recall"] == 0.5 and s["precision"] == 0.5 and s["cases"] == 2 and s["detections"] == 2


def test_tolerance_snaps_boundaries_within_50_chars_only():
    case = [(1000, 1400, 2000, 2400)]
    near = [(1030, 1370, 1980, 2449)]  # all four boundaries within 50 characters
    assert pan.score([case], [near])["plagdet"] < 1.0
    assert pan.score([case], [near], tolerance=50)["plagdet"] == 1.0
    far = [(1080, 1400, 2000, 2400)]  # 80 characters missing at the start of the suspicious side
    tol = pan.score([case], [far], tolerance=50)
    assert tol["recall"] == pytest.approx((320 + 400) / 800)
    # a split stays a split: the inner boundaries are not near any gold boundary
    split = [(1000, 1200, 2000, 2200), (1200, 1400, 2200, 2400)]
    assert pan.score([case], [split], tolerance=50)["granularity"] == 2.0
    # two cases merged into one detection keep their extent (ends snap to the outer boundaries)
    two = [(1000, 1400, 2000, 2400), (1500, 1900, 2500, 2900)]
    merged = pan.score([two], [[(1010, 1890, 2010, 2890)]], tolerance=50)
    assert merged["recall"] == 1.0 and merged["precision"] == pytest.approx(1600 / 1800)


def test_realign_moves_gold_onto_the_copied_text():
    src = "intro words here. " + "the quick brown fox jumps over the lazy dog near the old river bank today"
    susp = "other text at the start of the document, quite a lot of it. " + src[18:] + " tail"
    true_start = susp.index("the quick")
    pair = pan.Pair("s", "r", susp, src, [(true_start + 7, true_start + 7 + len(src) - 18, 18, len(src))])
    (a0, a1, b0, b1), = pan.realign_cases(pair)
    assert (a0, b0) == (true_start, 18) and a1 - a0 == b1 - b0
