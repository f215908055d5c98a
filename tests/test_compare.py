import json

import numpy as np

import retold
from retold import Document
from retold.config import Config

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


def test_fact_cover_counts_the_facts_a_formula_fills_in():
    # A recurring filing form: the corpus knows its sentences as formula (they recur across
    # many filings). The names and figures it fills in still tell two filings apart; only the
    # labels both sides share (the agency, the filer) say nothing.
    import importlib

    import numpy as np

    from retold.text.normalise import tokenize
    from retold.text.shingle import shingles
    compare_mod = importlib.import_module("retold.compare")

    first = ("A group of Halden investment funds said it raised its stake in Corvane Mills to "
             "412,000 shares, or 6.2 pct of the total outstanding. In a filing with the Federal "
             "Trade Registry, the group, led by Astergate Partners, said it bought 80,000 Corvane "
             "Mills shares since May 4. It said it bought the stock for investment purposes.")
    second = ("A group of Halden investment funds said it raised its stake in Pellwick Foods to "
              "655,500 shares, or 7.9 pct of the total outstanding. In a filing with the Federal "
              "Trade Registry, the group, led by Astergate Partners, said it bought 120,000 Pellwick "
              "Foods shares since June 9. It said it bought the stock for investment purposes.")
    cfg = Config()
    grams = np.concatenate([shingles(tokenize(t).hashes, cfg.shingle_n) for t in (first, second)])
    formula = np.unique(grams)  # every 5-gram of both: all of the wording recurs in the corpus
    c = compare_mod.compare_documents(Document("a", first), Document("b", second), cfg, formula)
    assert c.scores.fact_cover is not None and c.scores.fact_cover < 0.75
    assert c.relation != "rewrite"


LEAD_FIRST = (
    "Brannock Steel said on Monday it would close its Ulvik rolling mill in March, cutting 640 "
    "jobs. The mill, opened in 1962, made plate for shipyards in Kessel and Marrow Bay. Brannock "
    "said orders from the yards had fallen by half since 2019 and the mill lost 31 million crowns "
    "last year. Union leader Edda Strand called the decision a betrayal of the town. The company "
    "will offer workers places at its Fenn works, 90 km to the north.")
LEAD_BACKGROUND = (
    "Opened in 1962, the mill made plate for the shipyards of Kessel and Marrow Bay. Orders from "
    "the yards have halved since 2019, Brannock said, and the mill lost 31 million crowns last "
    "year. Edda Strand, the union leader, called the decision a betrayal of the town. Workers will "
    "be offered places at the Fenn works, 90 km to the north, the company said.")


def test_a_new_item_of_one_source_is_not_a_rewrite_of_its_last_item():
    # The same wire re-tells its Monday item twice: as an update (its lead re-told) and under
    # the lead of Thursday's news (the earlier item is only background). A spinner on another
    # site rewords leads past matching, so across sources the lead is not asked for.
    update = ("Brannock Steel will shut its Ulvik rolling mill in March, with the loss of 640 jobs, "
              "the company said on Monday. " + LEAD_BACKGROUND)
    new_item = "About 300 people occupied the town hall in protest that evening, police said. " + LEAD_BACKGROUND

    def rel(text, source):
        return retold.compare(Document("a", LEAD_FIRST, date="2024-03-04T09:10", source="wire.example"),
                              Document("b", text, date="2024-03-04T21:40", source=source)).relation
    assert rel(update, "wire.example") == "rewrite"
    assert rel(new_item, "wire.example") == "reuse"
    assert rel(new_item, "other.example") == "rewrite"


def test_one_source_retelling_its_item_days_later_is_a_follow_up_not_a_version():
    # A wire's versions of an item come out within a day; the same source re-telling it with
    # its lead a week later is a follow-up. A reposter on another site may copy any time.
    update = ("Brannock Steel will shut its Ulvik rolling mill in March, with the loss of 640 jobs, "
              "the company said on Monday. " + LEAD_BACKGROUND)

    def rel(date_b, source_b, date_a="2024-03-04"):
        return retold.compare(Document("a", LEAD_FIRST, date=date_a, source="wire.example"),
                              Document("b", update, date=date_b, source=source_b)).relation
    assert rel("2024-03-05", "wire.example") == "rewrite"  # the next day: a version
    assert rel("2024-03-11", "wire.example") == "reuse"  # a week later: the old item as background
    assert rel("2024-03-11", "other.example") == "rewrite"
    assert rel(None, "wire.example") == "rewrite"  # undated: nothing to go on
    assert rel("2024-02-26", "wire.example") == "reuse"  # whichever side is earlier


def test_a_lead_reporting_a_new_figure_or_another_actor_is_not_a_version():
    # Same wire, same day, the lead lined up with the morning item's: a version when the lead
    # re-tells its figures (in any spelling), the next stage when it states a figure the
    # morning item never does, another firm's item when it opens with a name its headline
    # repeats and the morning item never names.
    def rel(lead_b, title_b=None, source="wire.example"):
        return retold.compare(Document("a", LEAD_FIRST, date="2024-03-04T09:10", source="wire.example"),
                              Document("b", lead_b + " " + LEAD_BACKGROUND, title_b, "2024-03-04T15:40",
                                       source=source)).relation
    version = "Brannock Steel will shut its Ulvik rolling mill in March, with the loss of 640 jobs, the company said."
    assert rel(version) == "rewrite"
    spelt = ("Brannock Steel will shut its Ulvik rolling mill in March after losing 31,000,000 crowns "
             "last year, the company said.")
    assert rel(spelt) == "rewrite"  # "31 million" in the morning item
    further = ("Brannock Steel will shut its Ulvik rolling mill in March, with the loss of a further 215 "
               "jobs, the company said.")
    assert rel(further) != "rewrite"
    assert rel(further, source="other.example") == "rewrite"  # a reposter may change a figure
    other = "Holt Metals will shut its Ulvik rolling mill in March, with the loss of 640 jobs, the company said."
    assert rel(other, "Holt Metals to shut Ulvik mill") != "rewrite"
    assert rel(other) == "rewrite"  # a name the headline does not repeat need not be the actor


def test_one_sources_new_item_retelling_a_part_of_the_last_is_not_a_version():
    # Published the same day by one wire: the lead and one background sentence of the morning
    # item re-told, then three sentences of new news. A version re-tells most of its item
    # (rewrite_version_parallel); a reposter on another site that keeps two sentences of five
    # is still a rewrite at rewrite_parallel.
    new_item = ("Brannock Steel will shut its Ulvik rolling mill in March, with the loss of 640 jobs, "
                "the company said on Monday. The mill, opened in 1962, made plate for shipyards in "
                "Kessel and Marrow Bay. Shares in Brannock rose 4 percent in Oslo trading after the "
                "announcement. Analysts at Norvik Securities said the closure would save the group about "
                "50 million crowns a year. The firm also named Ilse Varga as its new finance chief, "
                "replacing Tomas Berg, who retires in June.")

    def rel(source, cfg=None):
        return retold.compare(Document("a", LEAD_FIRST, date="2024-03-04T09:10", source="wire.example"),
                              Document("b", new_item, date="2024-03-04T15:40", source=source), cfg).relation
    assert rel("wire.example") == "reuse"
    assert rel("other.example") == "rewrite"
    assert rel("wire.example", Config(rewrite_version_parallel=0.35)) == "rewrite"  # the rule decides


def test_parallel_sentences_keep_a_name_moved_next_door_and_an_age_spelt_out():
    # A tracker page teases a report in other words: its lead names the victim the report names
    # one sentence later, and spells the age out. Those facts are kept; the same form filled in
    # for another victim in another neighbourhood keeps none of them.
    from retold.compare import _fact_counts, profile
    cfg = Config()
    report = profile(Document("a", "A 14-year-old boy was shot on Sunday in Fenwick. Police named "
                                       "him as Dario Venn of Tamsin Street."), cfg)

    def counts(text):
        tease = profile(Document("b", text), cfg)
        none = np.zeros(0, dtype=bool)
        kept, total = _fact_counts(report, tease, [], [(0, 0, 0.7)], none, none)
        return kept.tolist(), total.tolist()
    # [figures, names] over both sides: "14" (kept as "Fourteen"); Sunday and Fenwick on both, Dario, Venn
    assert counts("Fourteen-year-old Dario Venn was shot on Sunday in Fenwick.") == ([1, 6], [1, 6])
    assert counts("Seventeen-year-old Omar Kitt was shot on Sunday in Belmont.") == ([0, 2], [1, 6])
