import json

import retold
from retold import Document

ORIGINAL = """Premier Vuković announced on Monday that the coastal railway would reopen in 14 months.

"We will not abandon the people of the islands," Vuković told reporters in Split.

The project will cost 320 million euros and employ 1,500 workers.

Opposition leader Marta Kovačić called the plan unrealistic."""

REPRINT = """Dark Mode
Share this article
Premier Vuković announced on Monday that the coastal railway would reopen in 14 months. breaking news today

"We will not abandon the people of the islands," Vuković told reporters in Split.

The project will cost 320 million euros and employ 1,500 workers.

Opposition leader Marta Kovačić called the plan unrealistic.
Subscribe to our newsletter"""


def test_exact_copy_modulo_case_and_spacing():
    c = retold.compare(ORIGINAL, ORIGINAL.upper().replace("\n\n", "\n"))
    assert c.relation == "exact"


def test_reprint_with_chrome_and_junk_is_near_duplicate_with_explained_edits():
    c = retold.compare(Document("orig", ORIGINAL, date="2024-03-04"),
                       Document("copy", REPRINT, date="2024-03-05"))
    assert c.relation == "near_duplicate"
    types = {e.type for e in c.edits}
    assert "junk_token" in types and "boilerplate" in types
    junk = [e for e in c.edits if e.type == "junk_token"][0]
    assert junk.b_text == "breaking news today" and REPRINT[junk.b_start:junk.b_end] == junk.b_text
    assert c.direction.source == "a" and c.direction.confidence > 0.5


def test_changed_number_and_respelt_name_are_typed():
    b = ORIGINAL.replace("14 months", "18 months").replace("Kovačić", "Kovachich")
    c = retold.compare(ORIGINAL, b)
    got = {(e.type, e.a_text, e.b_text) for e in c.edits}
    assert ("number_change", "14", "18") in got
    assert ("name_variant", "Kovačić", "Kovachich") in got


def test_diacritics_only_name_variant_is_reported():
    c = retold.compare(ORIGINAL, ORIGINAL.replace("Vuković", "Vukovic"))
    names = [e for e in c.edits if e.type == "name_variant"]
    assert {(e.a_text, e.b_text) for e in names} == {("Vuković", "Vukovic")}
    assert len(names) == 2


def test_unrelated_texts():
    c = retold.compare(ORIGINAL, "Local bakers won a prize for the best rye bread at the county fair this weekend.")
    assert c.relation == "unrelated"
    assert c.passages == [] and c.edits == []


def test_to_dict_follows_the_contract():
    d = retold.compare(ORIGINAL, REPRINT).to_dict()
    assert set(d) == {"a", "b", "relation", "scores", "passages", "edits", "direction"}
    assert set(d["scores"]) == {"resemblance", "containment_a", "containment_b", "story"}
    assert all(0.0 <= v <= 1.0 for v in d["scores"].values())
    for p in d["passages"]:
        assert set(p) == {"a_start", "a_end", "b_start", "b_end", "a_text", "b_text", "identity"}
        assert ORIGINAL[p["a_start"]:p["a_end"]] == p["a_text"]
        assert REPRINT[p["b_start"]:p["b_end"]] == p["b_text"]
    for e in d["edits"]:
        assert set(e) == {"type", "a_text", "b_text", "a_start", "a_end", "b_start", "b_end"}
    assert set(d["direction"]) == {"source", "confidence", "evidence"}
    json.dumps(d)



def test_fact_cover_keeps_a_retold_item_and_drops_a_refilled_form():
    first = ("The mayor of Tarnowitz, Ingrid Halvorsen, opened the Elmsworth bridge on Monday. "
             "It cost 42 million euros and took 38 months to build, said Halvorsen. "
             "Traffic from Ostrava will cross it from June, the council of Tarnowitz said.")
    retold_ = ("On Monday Ingrid Halvorssen, who leads Tarnowitz, opened the new Elmsworth bridge. "
               "It took 38 months and 42 million euros to build, said Halvorssen. "
               "From June traffic from Ostrava will cross it, Tarnowitz council said.")
    refilled = ("The mayor of Quellbrook, Marten Oyelaran, opened the Dunmore bridge on Friday. "
                "It cost 17 million euros and took 25 months to build, said Oyelaran. "
                "Traffic from Sandvik will cross it from August, the council of Quellbrook said.")
    kept = retold.compare(first, retold_).scores
    other = retold.compare(first, refilled).scores
    assert kept.fact_cover >= 0.85  # a respelt name is still the same fact
    assert other.fact_cover < 0.5  # the same form, other names and figures
    assert retold.compare(first, refilled).relation != "rewrite"


def test_fact_cover_needs_enough_facts():
    s = retold.compare("the river rose again overnight and the road was shut.",
                       "the river rose again this morning and the road was shut.").scores
    assert s.fact_cover is None  # too few facts to judge: neither rewrite nor template
