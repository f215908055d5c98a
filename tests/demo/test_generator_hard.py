"""Reword strength above 1 (the hard spinner): it rewords further, keeps what the truth
schema types separate (names, numbers, dates) and its truth still matches the texts.
Strengths up to 1 are pinned by the shipped corpus (test_generator.py regenerates it
byte for byte)."""
from __future__ import annotations

import random
import re

import pytest

from retold.demo import generator as g

from .test_generator import FAKE_ARGS, SENT, _check_truth, _fake_sentence, _read, write_fake_ecb

SENTENCES = [
    SENT,
    "More than 40 people were injured on Tuesday, police said.",
    "Moskowitz said the investigation had found several problems with the bridge before the "
    "attack, and officials were worried because the government had not responded.",
    "The former president of the firm announced a new deal worth $300 million after the "
    "company reported that sales had collapsed in March.",
    "Residents of Dunmore said they were worried that the fire, which destroyed a large "
    "warehouse near the school, had been started deliberately.",
]


def _kept_words(strength: float, seeds: range = range(20)) -> float:
    """Share of a sentence's distinct words still in its rewording (mean)."""
    vals = []
    for s in SENTENCES:
        ws = set(g.words(s))
        for i in seeds:
            vals.append(len(ws & set(g.words(g.reword(s, random.Random(i), strength)))) / len(ws))
    return sum(vals) / len(vals)


def test_reword_above_one_changes_more():
    assert _kept_words(2.0) < _kept_words(1.5) < _kept_words(1.0)


def test_reword_above_one_keeps_digits_dates_and_names():
    s = ("Moskowitz, 33, told reporters on Tuesday that 120 workers would lose their jobs at "
         "the Redfield plant in March 2013.")
    for seed in range(30):
        out = g.reword(s, random.Random(seed), 2.0)
        for keep in ("Moskowitz", "33", "Tuesday", "120", "Redfield", "March", "2013"):
            assert keep in out, (keep, out)


def test_keep_quotes_rewords_only_around_the_quotation():
    quote = '"We are very concerned about the situation in the area,"'
    s = quote + " the spokesman told reporters after the meeting."
    outs = {g.reword(s, random.Random(i), 2.0, keep_quotes=True) for i in range(10)}
    assert all(o.startswith(quote) for o in outs)
    assert any(o != s for o in outs)


def test_expanded_forms_inflect_regular_verbs_and_nouns():
    assert g._inflect_verb("stab*") == ("stab", "stabs", "stabbed", "stabbing")
    assert g._inflect_verb("bury") == ("bury", "buries", "buried", "burying")
    assert g._inflect_verb("resolve") == ("resolve", "resolves", "resolved", "resolving")
    assert g._plural("juror") == "jurors" and g._plural("casualty") == "casualties"
    assert [s.alts for s in g.SYNONYMS_HARD["resigned"]] == [["stepped down"]]
    assert [s.alts for s in g.SYNONYMS_HARD["jurors"]][0] == ["jury members"]
    # every line of both tables parses to a non-empty alternative without stray spaces
    for table in (g.SYNONYMS, g.SYNONYMS_HARD):
        for word, syns in table.items():
            for syn in syns:
                assert syn.alts and all(a and a == a.strip() for a in syn.alts), word


def test_reword_at_strength_up_to_one_ignores_the_hard_tables():
    """The hard tables and phrases never act at strength <= 1 (the shipped corpus relies on
    it): words only the hard table knows come through unchanged."""
    s = "The jurors watched as the defendant resigned and the thieves were questioned by police."
    for seed in range(20):
        out = g.reword(s, random.Random(seed), 1.0)
        assert "jurors" in out and "resigned" in out


def test_make_rewrite_above_one_keeps_truth_consistent():
    text = "\n\n".join(" ".join(
        g.detokenise(_fake_sentence(random.Random(p * 10 + s), ["Moskowitz", "Okonkwo"],
                                    "Dunmore", "Zone"))
        for s in range(3)) for p in range(8))
    a = g.Article.from_text(text)
    for seed in range(6):
        out, edits = g.make_rewrite(a, random.Random(seed), 2.0)
        for e in edits:
            assert a.text[e["a_start"]:e["a_end"]] == e["a_text"]
            assert out[e["b_start"]:e["b_end"]] == e["b_text"]
            if e["type"] in ("name_variant", "number_change", "date_change"):
                assert e["a_text"] != e["b_text"] and e["b_text"]


def test_rewrite_jaccard_keeps_falling_above_one():
    text = "\n\n".join(" ".join(
        g.detokenise(_fake_sentence(random.Random(p * 10 + s), ["Moskowitz", "Okonkwo"],
                                    "Dunmore", "Zone"))
        for s in range(3)) for p in range(8))
    a = g.Article.from_text(text)

    def mean_j(strength):
        return sum(g.jaccard5(a.text, g.make_rewrite(a, random.Random(i), strength, site=False,
                                                     filler=[])[0]) for i in range(8)) / 8
    assert mean_j(2.0) < mean_j(1.0)


@pytest.fixture(scope="module")
def hard_corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("demo-hard")
    ecb = write_fake_ecb(root / "ecb.jsonl")
    g.generate(ecb, root / "soft", seed=3, reword_strength=1.0, **FAKE_ARGS)
    g.generate(ecb, root / "hard", seed=3, reword_strength=2.0, **FAKE_ARGS)
    return root


def test_hard_corpus_truth_matches_the_texts(hard_corpus):
    _check_truth(hard_corpus / "hard")
    truth = _read(hard_corpus / "hard" / "truth.jsonl")
    types = {e["type"] for t in truth for e in t["edits"]}
    assert {"name_variant", "paraphrase", "boilerplate", "junk_token"} <= types


def test_hard_corpus_rewrites_are_further_from_their_originals(hard_corpus):
    def median(name):
        vals = sorted(t["jaccard5"] for t in _read(hard_corpus / name / "truth.jsonl")
                      if t["kind"] == "copy" and t["relation"] == "rewrite")
        return vals[len(vals) // 2]
    assert median("hard") < median("soft")


def test_cli_accepts_strength_above_one(tmp_path):
    ecb = write_fake_ecb(tmp_path / "ecb.jsonl")
    g.main(["--ecb", str(ecb), "--out", str(tmp_path / "c"), "--seed", "3", "--strength", "2",
            "--sources", "4", "--topic-share", "0.6", "--copy-share", "1.0"])
    readme = (tmp_path / "c" / "README.md").read_text(encoding="utf-8")
    assert re.search(r"reword strength 2\.0", readme)
