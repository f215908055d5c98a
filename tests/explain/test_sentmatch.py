"""The compiled sentence matching gives the plain version's matches exactly."""
from __future__ import annotations

import json
import random
from pathlib import Path

from retold.explain.edits import match_sentences, sentence_index, sentence_units
from retold.text.normalise import tokenize

from . import plain_match as plain

DEMO = Path(__file__).resolve().parents[2] / "demo" / "corpus" / "docs.jsonl"
SETTINGS = [(0.45, 0.25, 2), (0.45, None, 0), (0.3, 0.1, 0), (0.6, 0.2, 5)]


def _index(text):
    toks = tokenize(text)
    return sentence_index(sentence_units(text, toks), toks)


def _check(xa, xb):
    hits = 0
    for threshold, gap, words in SETTINGS:
        want = plain.match_sentences(xa, xb, threshold, gap, words)
        got = match_sentences(xa, xb, threshold, gap, words)
        assert got == want, (threshold, gap, words)
        hits += len(got)
    return hits


def test_demo_articles_match_as_the_plain_version_does():
    docs = {d["id"]: d["text"] for d in map(json.loads, DEMO.read_text(encoding="utf-8").splitlines())}
    truth = [json.loads(line) for line in (DEMO.parent / "truth.jsonl").read_text(encoding="utf-8").splitlines()]
    rng = random.Random(5)
    ids = sorted(docs)
    pairs = [(t["a"], t["b"]) for t in truth if t["relation"] != "same_story"]
    pairs += [(t["a"], t["b"]) for t in rng.sample(truth, 100)] + [(rng.choice(ids), rng.choice(ids)) for _ in range(50)]
    index = {}
    hits = 0
    for x, y in pairs:
        for d in (x, y):
            if d not in index:
                index[d] = _index(docs[d])
        hits += _check(index[x], index[y])
    assert hits > 1000


def test_shuffled_and_reworded_sentences_match_as_the_plain_version_does():
    rng = random.Random(9)
    words = ("police said the man was shot on friday near the station in 2019 and 14 people were "
             "hurt while the mayor of riverton promised an inquiry into the fire at its old mill").split()
    for _ in range(300):
        sents = [" ".join(rng.choice(words) for _ in range(rng.randrange(3, 14))).capitalize() + "."
                 for _ in range(rng.randrange(1, 12))]
        other = [s if rng.random() < 0.5 else " ".join(w for w in s[:-1].split() if rng.random() < 0.7) + "."
                 for s in sents]
        rng.shuffle(other) if rng.random() < 0.3 else None
        other += [" ".join(rng.choice(words) for _ in range(6)).capitalize() + "." for _ in range(rng.randrange(3))]
        _check(_index(" ".join(sents)), _index(" ".join(s for s in other if len(s) > 1)))
