"""Demo-corpus generator: determinism, the edit helpers, truth that matches the texts.

Most tests run on a tiny fake ECB+ file written to tmp_path. The tests that need the real
ECB+ data (../shared/data) fail under CI when it is missing and skip otherwise.
"""
from __future__ import annotations

import difflib
import json
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

from retold.demo import generator as g
from retold.model import EDIT_TYPES

REPO = Path(__file__).resolve().parents[2]
SHIPPED = REPO / "demo" / "corpus"
FILES = ("docs.jsonl", "truth.jsonl", "families.jsonl", "README.md", "ATTRIBUTION.md")

# ---------------------------------------------------------------------------------------------
# A tiny fake ECB+: tokenised sentences, one a line, made of common news words and names that
# appear in no list of the generator.
# ---------------------------------------------------------------------------------------------
_NAMES = ["Moskowitz", "Okonkwo", "Szczepański", "Haverkamp", "Quintanilla", "Vashchenko",
          "Abernathy", "Ferreira", "Lindqvist", "Mbeki", "Castellanos", "Tarkowski"]
_PLACES = ["Dunmore", "Kessington", "Port Alvaro", "Redfield", "Marlow Bay", "Ostrava"]
_TEMPLATES = [
    "{n1} , {age} , was arrested on {day} after police said the {thing} in {place} was damaged .",
    "`` We are very concerned about the situation , '' {n2} told reporters on {day} .",
    "The company announced that {num} workers would lose their jobs at the {place} building .",
    "According to officials , the fire started in a large apartment building near the {thing} .",
    "{n1} said the investigation had found several problems with the {thing} before the attack .",
    "More than {num} people were injured and {small} died in the earthquake , authorities said .",
    "The former president of the firm , {n2} , announced a new deal worth ${num} million .",
    "Residents of {place} said they were worried because the government had not responded .",
    "Police arrested the suspect on {month} {date} , {year} , and charged him with murder .",
    "`` It is a difficult decision for the team , '' said {n1} , who also coaches the players .",
    "Several witnesses told investigators that the gunman fled the scene in a small car .",
    "The judge decided that {n2} must remain in jail until the trial begins next month .",
    "Officials expected the number of victims to rise as rescuers searched the buildings .",
    "{n1} 's lawyer said his client had tried to help the children during the shooting .",
]
_THINGS = ["bridge", "school", "hospital", "station", "warehouse", "stadium", "factory"]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
_MONTHS = ["March", "April", "May", "June", "July"]


def _fake_sentence(rng: random.Random, names: list[str], place: str, tag: str) -> str:
    t = rng.choice(_TEMPLATES)
    s = t.format(n1=names[0], n2=names[1], age=rng.randint(20, 70), day=rng.choice(_DAYS),
                 thing=rng.choice(_THINGS), place=place, num=rng.randint(11, 900),
                 small=rng.randint(2, 9), month=rng.choice(_MONTHS), date=rng.randint(2, 27),
                 year=rng.choice([2008, 2011, 2013]))
    # A per-document tag word keeps the fake documents from being near-duplicates.
    return s[:-2] + f" in {tag} ." if s.endswith(" .") and rng.random() < 0.5 else s


def write_fake_ecb(path: Path, topics: int = 5, per_story: int = 3, sentences: int = 18) -> Path:
    rng = random.Random(42)
    lines = []
    for topic in range(1, topics + 1):
        for part in ("ecb", "ecbplus"):
            for n in range(1, per_story + 1):
                names = rng.sample(_NAMES, 2)
                place = rng.choice(_PLACES)
                tag = f"Zone{topic}{part[-1]}{n}"
                title = f"{names[0]} arrested in {place} after {rng.choice(_THINGS)} fire"
                sents = [title] + [_fake_sentence(rng, names, place, tag)
                                   for _ in range(sentences)]
                lines.append(json.dumps({
                    "doc_id": f"{topic}_{n}{part}", "topic": topic,
                    "subtopic": f"{topic}_{part}", "corpus_part": part, "split_cv2015": "train",
                    "source_url_tokens": None, "text": "\n".join(sents),
                    "n_sentences": len(sents), "n_tokens": sum(len(s.split()) for s in sents)}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


FAKE_ARGS = dict(topic_share=0.6, copy_share=1.0, min_copy_words=100, max_shared=10 ** 9,
                 n_sources=4)


@pytest.fixture(scope="module")
def fake_corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("demo")
    ecb = write_fake_ecb(root / "ecb.jsonl")
    out = root / "corpus"
    counts = g.generate(ecb, out, seed=3, **FAKE_ARGS)
    return ecb, out, counts


def _read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _check_truth(out: Path) -> dict[str, dict]:
    docs = {d["id"]: d for d in _read(out / "docs.jsonl")}
    for t in _read(out / "truth.jsonl"):
        a, b = docs[t["a"]]["text"], docs[t["b"]]["text"]
        for e in t["edits"]:
            assert e["type"] in EDIT_TYPES
            assert a[e["a_start"]:e["a_end"]] == e["a_text"], (t["b"], e)
            assert b[e["b_start"]:e["b_end"]] == e["b_text"], (t["b"], e)
            assert e["a_text"] in a and e["b_text"] in b
            if e["type"] in ("name_variant", "number_change", "date_change", "paraphrase",
                             "quote_change", "reordered"):
                assert e["a_text"] and e["b_text"]
            if e["type"] in ("boilerplate", "junk_token", "sentence_added"):
                assert e["a_text"] == "" and e["b_text"]
            if e["type"] == "sentence_removed":
                assert e["a_text"] and e["b_text"] == ""
            if e["type"] in ("name_variant", "number_change", "date_change", "quote_change"):
                assert e["a_text"] != e["b_text"]
        for p in t.get("passages", []):
            assert 0 <= p["a_start"] <= p["a_end"] <= len(a)
            assert 0 <= p["b_start"] <= p["b_end"] <= len(b)
    return docs


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("tokens, prose", [
    ("Reid , 33 , told `` People '' .", 'Reid, 33, told "People".'),
    ("a 90 - day court - mandated stay", "a 90-day court-mandated stay"),
    ("She did n't say what Lohan 's lawyer meant .", "She didn't say what Lohan's lawyer meant."),
    ("Lohan ’ s lawyer ( Mark Heller ) said", "Lohan’s lawyer (Mark Heller) said"),
    ("It was 5 : 03pm in L . A and cost $ 1 , 199 .", "It was 5:03pm in L.A and cost $1,199."),
    ("a magnitude-5 . 9 quake", "a magnitude-5.9 quake"),
])
def test_detokenise(tokens, prose):
    assert g.detokenise(tokens) == prose


def test_detokenise_keeps_one_sentence_a_line():
    assert g.detokenise("A b .\n\nC d .\n") == "A b.\nC d."


def _similar(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, g._fold(a).lower(), g._fold(b).lower()).ratio()


@pytest.mark.parametrize("name", ["Moskowitz", "Okonkwo", "Szczepański", "Raisi", "Janša",
                                  "LaCalamita", "O'Brien", "Quelbrandt", "Vyshnevetska", "Bo"])
def test_name_variant_changes_a_name_by_rules(name):
    seen = set()
    for seed in range(12):
        v = g.name_variant(name, random.Random(seed))
        assert v != name and v[:1].isupper()
        assert _similar(v, name) >= (0.5 if len(name) <= 3 else 0.7), v
        seen.add(v)
    assert len(seen) >= (1 if len(name) <= 3 else 3)  # several rules apply, not one mapping


def test_name_variant_rules_are_general():
    # Stripping diacritics, ph/f and ks/x are rules, not entries of a name list.
    assert g._fold("Szczepański") in [c for grp in g._name_candidates("Szczepański") for c in grp]
    assert "Filips" in [c for grp in g._name_candidates("Philips") for c in grp]
    assert "Alexandrov" in [c for grp in g._name_candidates("Aleksandrov") for c in grp]


def test_change_number_and_date():
    rng = random.Random(1)
    for text in ["33", "90", "1,200", "4.5", "7"]:
        new = g.change_number(text, rng)
        assert new != text and re.fullmatch(r"[\d.,]+", new)
        assert len(new.replace(",", "")) == len(text.replace(",", ""))
    assert int(g.change_number("90", rng)) % 10 == 0
    for text in ["May 3, 2013", "Dec. 25", "Tuesday", "1997"]:
        new = g.change_date(text, rng)
        assert new != text and g.DATE_RE.fullmatch(new), (text, new)


SENT = ("Police said the company announced on Tuesday that several workers were injured "
        "in a large fire at the building, and officials believed it was an accident.")


def test_reword_strength_zero_is_identity_and_keeps_numbers():
    assert g.reword(SENT, random.Random(0), 0.0) == SENT
    s = "More than 40 people were injured on Tuesday, police said."
    for seed in range(10):
        out = g.reword(s, random.Random(seed), 0.9)
        assert "40" in out and "Tuesday" in out


def test_reword_changes_more_with_strength():
    def overlap(strength):
        vals = [1 - g._survival(SENT, g.reword(SENT, random.Random(i), strength))
                for i in range(30)]
        return sum(vals) / len(vals)
    low, high = overlap(0.2), overlap(0.9)
    assert high > low and high > 0.4


def test_make_rewrite_and_reprint_helpers():
    text = ("Moskowitz, 33, was arrested on Tuesday after the fire. Police said the building "
            "was damaged.\n\nThe company announced that 120 workers would lose their jobs. "
            "\"We are very concerned,\" Okonkwo told reporters.\n\nResidents said they were "
            "worried. Officials expected more victims as rescuers searched the area.\n\n"
            "The judge decided that Moskowitz must remain in jail until the trial begins.")
    a = g.Article.from_text(text, id="x")
    for maker in (lambda r: g.make_rewrite(a, r, 0.7), lambda r: g.make_reprint(a, r)):
        out, edits = maker(random.Random(5))
        assert out != a.text and edits
        for e in edits:
            assert a.text[e["a_start"]:e["a_end"]] == e["a_text"]
            assert out[e["b_start"]:e["b_end"]] == e["b_text"]
    out, edits = g.make_rewrite(a, random.Random(5), 0.7, site=False, filler=[])
    assert not {e["type"] for e in edits} & {"boilerplate", "junk_token", "sentence_added"}


def test_rewrite_jaccard_falls_with_strength():
    text = "\n\n".join(" ".join(
        g.detokenise(_fake_sentence(random.Random(p * 10 + s), ["Moskowitz", "Okonkwo"],
                                    "Dunmore", "Zone"))
        for s in range(3)) for p in range(8))
    a = g.Article.from_text(text)

    def mean_j(strength):
        return sum(g.jaccard5(a.text, g.make_rewrite(a, random.Random(i), strength, site=False,
                                                     filler=[])[0]) for i in range(8)) / 8
    assert mean_j(1.0) < mean_j(0.5) < mean_j(0.1)


# ---------------------------------------------------------------------------------------------
# Corpus from the fake ECB+
# ---------------------------------------------------------------------------------------------
def test_same_seed_same_bytes(fake_corpus, tmp_path):
    ecb, out, _ = fake_corpus
    again = tmp_path / "again"
    g.generate(ecb, again, seed=3, **FAKE_ARGS)
    for name in FILES:
        assert (again / name).read_bytes() == (out / name).read_bytes(), name
    other = tmp_path / "other"
    g.generate(ecb, other, seed=4, **FAKE_ARGS)
    assert (other / "docs.jsonl").read_bytes() != (out / "docs.jsonl").read_bytes()


def test_every_relation_kind_appears(fake_corpus):
    _, out, counts = fake_corpus
    truth = _read(out / "truth.jsonl")
    copies = {t["relation"] for t in truth if t["kind"] == "copy"}
    assert copies == {"exact", "near_duplicate", "rewrite", "reuse"}
    assert any(t["relation"] == "same_story" and t["kind"] == "story" for t in truth)
    assert counts["documents"] == len(_read(out / "docs.jsonl"))


def test_truth_edits_occur_in_documents(fake_corpus):
    _, out, _ = fake_corpus
    _check_truth(out)
    types = {e["type"] for t in _read(out / "truth.jsonl") for e in t["edits"]}
    assert {"boilerplate", "junk_token", "name_variant", "paraphrase", "sentence_removed",
            "sentence_added"} <= types


def test_fake_jaccard_by_relation(fake_corpus):
    _, out, _ = fake_corpus
    truth = [t for t in _read(out / "truth.jsonl") if t["kind"] == "copy"]
    rewrites = [t["jaccard5"] for t in truth if t["relation"] == "rewrite"]
    reprints = [t["jaccard5"] for t in truth if t["relation"] == "near_duplicate"]
    assert rewrites and reprints
    assert sorted(rewrites)[len(rewrites) // 2] < 0.2
    assert min(reprints) > 0.6


def test_docs_records_and_dates(fake_corpus):
    _, out, _ = fake_corpus
    docs = {d["id"]: d for d in _read(out / "docs.jsonl")}
    for d in docs.values():
        assert set(d) == {"id", "text", "title", "date", "source", "url"}
    for t in _read(out / "truth.jsonl"):
        if t["kind"] != "copy":
            continue
        a, b = docs[t["a"]], docs[t["b"]]
        assert t["direction"] == "a" and t["b_has_date"] == (b["date"] is not None)
        if b["date"]:
            assert b["date"] > a["date"]
    fams = _read(out / "families.jsonl")
    assert {f["doc_id"] for f in fams} == set(docs)


def test_cli_help():
    res = subprocess.run([sys.executable, "-m", "retold.demo.generator", "--help"],
                         capture_output=True, text=True, cwd=REPO, timeout=60)
    assert res.returncode == 0 and "--ecb" in res.stdout and "--out" in res.stdout


def test_default_ecb_path_is_relative_to_the_repository():
    assert g.DEFAULT_ECB == g.REPO_ROOT / ".." / "shared" / "data" / "stories" / "ecbplus" / \
        "docs.jsonl"
    src = Path(g.__file__).read_text(encoding="utf-8")
    # the folder holding this checkout must not be written into the generator
    assert str(g.REPO_ROOT.resolve().parent) not in src and "/home/" not in src


# ---------------------------------------------------------------------------------------------
# The shipped corpus (demo/corpus, in the repository) and the real ECB+ data
# ---------------------------------------------------------------------------------------------
def test_shipped_corpus_is_small_and_consistent():
    assert (SHIPPED / "docs.jsonl").exists(), "run: .venv/bin/python -m retold.demo.generator"
    size = sum(p.stat().st_size for p in SHIPPED.rglob("*") if p.is_file())
    assert size <= 4 * 1024 * 1024
    docs = _check_truth(SHIPPED)
    assert 600 <= len(docs) <= 1000
    truth = _read(SHIPPED / "truth.jsonl")
    copies = [t for t in truth if t["kind"] == "copy"]
    assert {t["relation"] for t in copies} == {"exact", "near_duplicate", "rewrite", "reuse"}
    rewrites = sorted(t["jaccard5"] for t in copies if t["relation"] == "rewrite")
    reprints = [t["jaccard5"] for t in copies if t["relation"] == "near_duplicate"]
    assert rewrites[len(rewrites) // 2] < 0.2 and rewrites[len(rewrites) * 9 // 10] < 0.25
    assert min(reprints) > 0.6
    undated = sum(not t["b_has_date"] for t in copies) / len(copies)
    assert 0.1 < undated < 0.3
    text = (SHIPPED / "ATTRIBUTION.md").read_text(encoding="utf-8")
    assert "Cybulska" in text and "creativecommons.org/licenses/by/3.0" in text


def _real_ecb() -> Path:
    if g.DEFAULT_ECB.exists():
        return g.DEFAULT_ECB
    if os.environ.get("CI"):
        pytest.fail(f"ECB+ data missing at {g.DEFAULT_ECB} (CI must provide ../shared/data)")
    pytest.skip("ECB+ data (../shared/data) not available")


def test_shipped_corpus_regenerates_byte_identically(tmp_path):
    ecb = _real_ecb()
    g.generate(ecb, tmp_path)
    for name in FILES:
        assert (tmp_path / name).read_bytes() == (SHIPPED / name).read_bytes(), name
