"""The compiled alignment gives the plain version's passages exactly."""
from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np

from retold.align.chain import _pieces
from retold.align.passages import align_tokens, seed_index, seed_matches
from retold.text.normalise import tokenize

from . import plain_passages as plain

DEMO = Path(__file__).resolve().parents[2] / "demo" / "corpus" / "docs.jsonl"
SETTINGS = [  # compare's defaults, and others that reach every branch (floors, shifts, gaps)
    dict(seed_n=3, max_repeat=4, max_gap=12, min_tokens=8, max_shift=5, min_chained_tokens=20,
         min_identity=0.6),
    dict(seed_n=2, max_repeat=2, max_gap=4, min_tokens=3, max_shift=1, min_chained_tokens=6,
         min_identity=0.8),
    dict(seed_n=1, max_repeat=9, max_gap=20, min_tokens=2, max_shift=9, min_chained_tokens=4,
         min_identity=0.0),
]


def _rows(passages):
    return [(p.a0, p.a1, p.b0, p.b1, p.matched) for p in passages]


def _check(ha, hb):
    for kw in SETTINGS:
        want = plain.align_tokens(ha, hb, **kw)
        xa, xb = seed_index(ha, kw["seed_n"], kw["max_repeat"]), seed_index(hb, kw["seed_n"], kw["max_repeat"])
        got = align_tokens(ha, hb, **kw, index_a=xa, index_b=xb)
        assert _rows(got) == _rows(want), (ha.tolist(), hb.tolist(), kw)
        i, j = seed_matches(ha, hb, kw["seed_n"], kw["max_repeat"])
        pi, pj = plain.seed_matches(ha, hb, kw["seed_n"], kw["max_repeat"])
        assert i.tolist() == pi.tolist() and j.tolist() == pj.tolist()


def test_random_copies_align_as_the_plain_version_does():
    rng = random.Random(11)
    found = 0
    for _ in range(1500):
        k = rng.choice([3, 6, 15, 60])  # small alphabets make repeats, ties and crossing chains
        a = [rng.randrange(k) for _ in range(rng.randrange(0, 120))]
        b = [x for x in a if rng.random() > 0.1]  # a copy with words dropped,
        b = [x if rng.random() > 0.1 else rng.randrange(k + 5) for x in b]  # changed,
        for _ in range(rng.randrange(0, 4)):  # and pieces moved or pasted in
            s = rng.randrange(0, len(a) + 1)
            pos = rng.randrange(0, len(b) + 1)
            b[pos:pos] = a[s:s + rng.randrange(1, 30)]
        if rng.random() < 0.2:
            b = [rng.randrange(k) for _ in range(rng.randrange(0, 80))]
        ha, hb = (np.array(x, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15) for x in (a, b))
        _check(ha, hb)
        found += bool(plain.align_tokens(ha, hb, **SETTINGS[0]))
    assert found > 300  # the cases align, not only miss


def test_demo_articles_align_as_the_plain_version_does():
    # the demo's labelled pairs (copies, rewrites, reuse, same-event reports) and random pairs
    docs = {d["id"]: tokenize(d["text"]).hashes
            for d in map(json.loads, DEMO.read_text(encoding="utf-8").splitlines())}
    truth = [json.loads(line) for line in (DEMO.parent / "truth.jsonl").read_text(encoding="utf-8").splitlines()]
    copies = [(t["a"], t["b"]) for t in truth if t["relation"] != "same_story"]
    rng = random.Random(3)
    ids = sorted(docs)
    pairs = copies + [(t["a"], t["b"]) for t in rng.sample(truth, 100)]
    pairs += [(rng.choice(ids), rng.choice(ids)) for _ in range(100)]
    found = 0
    for x, y in pairs:
        _check(docs[x], docs[y])
        found += bool(align_tokens(docs[x], docs[y]))
    assert found >= 0.9 * len(copies)


def test_low_identity_chain_is_cut_at_its_widest_gap():
    # three exact stretches: 10 tokens, a 2-token gap, 10 tokens, a 9-token gap, 4 tokens
    runs = np.array([[0, 10, 0, 10, 10], [12, 22, 12, 22, 10], [31, 35, 33, 37, 4]], dtype=np.int64)
    out = np.zeros((3, 5), dtype=np.int64)
    n = _pieces(runs, 0, 3, 0.0, out, 0)
    assert n == 1 and out[0].tolist() == [0, 35, 0, 37, 24]
    n = _pieces(runs, 0, 3, 0.8, out, 0)
    assert out[:n, :4].tolist() == [[0, 22, 0, 22], [31, 35, 33, 37]]


def _numpy_seed_index(hashes, n, max_repeat):
    from retold.text.shingle import shingles
    g = shingles(hashes, n)
    order = np.argsort(g, kind="stable")
    g = g[order]
    starts = np.flatnonzero(np.concatenate(([True], g[1:] != g[:-1])))
    counts = np.diff(np.append(starts, len(g)))
    keep = np.repeat(counts <= max_repeat, counts)
    grams, positions = g[keep], order[keep]
    back = np.argsort(positions, kind="stable")
    return grams, positions, grams[back], positions[back]


def test_seed_index_is_the_numpy_sort():
    rng = random.Random(2)
    for _ in range(300):
        k = rng.choice([2, 4, 30])  # few distinct tokens: repeated n-grams, some over the cap
        h = np.array([rng.randrange(k) for _ in range(rng.randrange(1, 90))], dtype=np.uint64)
        for n, cap in ((1, 3), (2, 2), (3, 4)):
            if len(h) < n:
                continue
            got = seed_index(h, n, cap)
            want = _numpy_seed_index(h, n, cap)
            for x, y in zip((got.grams, got.positions, got.in_order, got.starts), want):
                assert x.tolist() == y.tolist()
