import retold
from retold.explain.direction import direction, parse_date
from retold.model import Edit

A = """The court in Porto sentenced the former mayor to six years on 12 March 2019.

"I have never taken a single bribe in my life, and I will appeal," Gonçalves said outside the court.

Prosecutors said 2.4 million euros passed through accounts in Madeira.

The judge ordered the seizure of two houses.

The defence has 30 days to appeal."""


def _types(a, b):
    return [(e.type, e.a_text, e.b_text) for e in retold.compare(a, b).edits]


def test_date_change_is_not_a_number_change():
    got = _types(A, A.replace("12 March 2019", "14 March 2019"))
    assert ("date_change", "12", "14") in got
    assert not any(t == "number_change" for t, _, _ in got)


def test_month_swap_is_a_date_change():
    assert ("date_change", "March", "April") in _types(A, A.replace("March", "April"))


def test_cut_quote_is_a_quote_change():
    b = A.replace(" and I will appeal,", ",")
    got = _types(A, b)
    assert any(t == "quote_change" and "I will appeal" in a for t, a, _ in got), got


def test_sentences_added_removed_and_moved():
    paras = A.split("\n\n")
    b = "\n\n".join([paras[0], paras[2], paras[1], paras[4],
                     "Local newspapers had reported on the case for a decade before the trial began."])
    got = _types(A, b)
    kinds = [t for t, _, _ in got]
    assert ("sentence_removed", "The judge ordered the seizure of two houses.", "") in got
    assert any(t == "sentence_added" and b_.startswith("Local newspapers") for t, _, b_ in got)
    assert "reordered" in kinds


def test_reworded_sentence_is_a_paraphrase_with_spans():
    b = A.replace("Prosecutors said 2.4 million euros passed through accounts in Madeira.",
                  "According to prosecutors, 2.4 million euros went through bank accounts in Madeira.")
    c = retold.compare(A, b)
    para = [e for e in c.edits if e.type == "paraphrase"]
    assert len(para) == 1
    e = para[0]
    assert A[e.a_start:e.a_end] == e.a_text and b[e.b_start:e.b_end] == e.b_text
    assert e.a_text.startswith("Prosecutors") and e.b_text.startswith("According")


def test_split_name_is_a_name_variant():
    a = "Officials said Abdulrahman Alharbi arrived in the capital on Monday for two days of talks."
    b = "Officials said Abdul Rahman Alharbi arrived in the capital on Monday for two days of talks."
    assert ("name_variant", "Abdulrahman", "Abdul Rahman") in _types(a, b)


def test_direction_from_dates_then_from_injected_material():
    assert direction("2020-05-01", "2020-05-03T10:00:00Z", []).source == "a"
    assert direction("2020-05-03", "2020-05-01", []).source == "b"
    chrome = [Edit("boilerplate", "", "Dark Mode", 0, 0, 0, 9), Edit("junk_token", "", "viral", 5, 5, 20, 25)]
    d = direction(None, None, chrome, "orig", "copy")
    assert d.source == "a" and 0 < d.confidence < 0.9 and "copy carries 2 pieces" in d.evidence[0]
    assert direction(None, "2020-01-01", []).source == "unknown"
    assert parse_date("not a date") is None and parse_date("2021-02-03T04:05:06+02:00") is not None


def test_glued_tags_are_junk_but_abbreviations_are_not():
    a = ("The council approved the harbour budget on Tuesday at 7 p.m. after a long debate.\n\n"
         "Work on the new quay starts in the spring, the mayor said.")
    b = ("The council approved the harbour budget on Tuesday at 7 p.m. after a long debate. "
         "sponsored deals\n\n"
         "Work on the new quay starts in the spring, the mayor stated. must read")
    junk = [e.b_text for e in retold.compare(a, b).edits if e.type == "junk_token"]
    assert junk == ["sponsored deals", "must read"]
    # same text without tags: no junk, although "p.m." and "St. Louis" carry periods
    c = a.replace("7 p.m.", "7 p.m. in St. Louis")
    assert not [e for e in retold.compare(a, c).edits if e.type == "junk_token"]


def _index(text):
    from retold.explain.edits import sentence_index, sentence_units
    from retold.text.normalise import tokenize
    import numpy as np
    toks = tokenize(text)
    sents = sentence_units(text, toks, np.zeros(len(toks), dtype=bool))
    return sentence_index(sents, toks)


def test_in_order_gap_matching_pairs_a_heavily_reworded_sentence():
    from retold.explain.edits import match_sentences
    a = ("The ferry left Port Arlen at noon with 212 passengers aboard. "
         "Heavy winds forced the captain to turn back toward the harbour within the hour. "
         "Coast guard officials said nobody was hurt during the return.")
    b = ("The ferry left Port Arlen at noon with 212 passengers aboard. "
         "Within sixty minutes strong gusts made its skipper head back toward the harbour. "
         "Coast guard officials said nobody was hurt during the return.")
    strict = match_sentences(_index(a), _index(b), 0.45)
    assert [(i, j) for i, j, _ in strict] == [(0, 0), (2, 2)]
    gap = match_sentences(_index(a), _index(b), 0.45, 0.25)
    assert [(i, j) for i, j, _ in gap] == [(0, 0), (1, 1), (2, 2)]
    assert gap[1][2] < 0.45


def test_gap_matching_needs_two_anchoring_matches():
    from retold.explain.edits import match_sentences
    a = ("Rain fell on the town of Delvin all day. The river rose over its banks by evening. "
         "Schools will stay closed on Friday.")
    b = ("Rain fell on the town of Delvin all day. Traders said water had risen past its banks by "
         "nightfall. Officials plan to keep classrooms shut through Friday.")
    assert [(i, j) for i, j, _ in match_sentences(_index(a), _index(b), 0.45)] == [(0, 0)]
    # the second sentences share a third of their words (Dice 0.33), but one match is no
    # frame: the lower threshold is not applied
    assert [(i, j) for i, j, _ in match_sentences(_index(a), _index(b), 0.45, 0.25)] == [(0, 0)]


# --- site chrome, headlines and lines both sides have ------------------------------------------
ARTICLE = """Firefighters spent six hours bringing a warehouse fire under control in Millbrook on Sunday.

The blaze started in a storage room shortly after midnight, the fire chief said.

Two firefighters were treated for heat exhaustion at the scene.

Investigators have not yet said what caused the fire."""


def _one_sided(a, b):
    return [(e.type, e.a_text or e.b_text) for e in retold.compare(a, b).edits
            if e.type in ("boilerplate", "sentence_added", "sentence_removed")]


def test_headline_is_a_sentence_and_labels_are_chrome():
    headline = "Crews Battle Overnight Warehouse Blaze In Millbrook"
    b = "\n".join(["Listen Live", headline, "Sign In | Register | Newsletters",
                   "Updated 4:15 PM CDT, Tue June 2, 2015", ARTICLE, "Photos: inside the burnt-out depot"])
    got = _one_sided(ARTICLE, b)
    assert ("sentence_added", headline) in got
    for label in ("Listen Live", "Sign In | Register | Newsletters",
                  "Updated 4:15 PM CDT, Tue June 2, 2015", "Photos: inside the burnt-out depot"):
        assert ("boilerplate", label) in got, (label, got)
    # a sentence-case headline of five or more words is no label either
    plain = "Warehouse fire keeps crews busy for six hours"
    assert ("sentence_added", plain) in _one_sided(ARTICLE, plain + "\n" + ARTICLE)


def test_short_sentences_and_lead_ins_are_not_chrome():
    extra = ["Nobody was hurt.", "Witnesses told reporters:", "The roof fell in at dawn."]
    b = ARTICLE + "\n\n" + "\n\n".join(extra)
    got = _one_sided(ARTICLE, b)
    for line in extra:
        assert ("sentence_added", line) in got, (line, got)
    # a short sentence inside a paragraph is never a label
    b2 = ARTICLE.replace("at the scene.", "at the scene. Both recovered.")
    assert not [t for t, _ in _one_sided(ARTICLE, b2) if t == "boilerplate"]


def _diff(a, b, chrome_a=(), chrome_b=()):
    """diff_documents with the lines in chrome_a / chrome_b known as their site's chrome."""
    import numpy as np

    from retold.config import Config
    from retold.explain.edits import diff_documents, sentence_units
    from retold.text.boilerplate import chrome_mask, line_hashes
    from retold.text.normalise import tokenize

    def side(text, lines):
        toks = tokenize(text)
        known = set()
        for ln in lines:
            known |= set(line_hashes(ln, tokenize(ln)).tolist())
        mask = chrome_mask(text, toks, known) if known else np.zeros(len(toks), dtype=bool)
        return toks, sentence_units(text, toks, mask)

    ta, sa = side(a, chrome_a)
    tb, sb = side(b, chrome_b)
    return [(e.type, e.a_text, e.b_text) for e in diff_documents(a, b, ta, tb, Config(), sa=sa, sb=sb)]


def test_a_line_both_sides_have_is_never_a_boilerplate_edit():
    bar = "Weather | Traffic | Contests"
    a = bar + "\n" + ARTICLE
    b = bar + "\n" + ARTICLE + "\nDownload our app"
    # the corpus knows the bar as a's site chrome (left out of matching), not b's
    got = _diff(a, b, chrome_a=[bar])
    assert not [g for g in got if bar in (g[1], g[2])], got
    assert ("boilerplate", "", "Download our app") in got
    # both sites know it: still no edit
    assert not [g for g in _diff(a, b, chrome_a=[bar], chrome_b=[bar]) if bar in (g[1], g[2])]
    # the same site line with the page's own date is the same line
    da, db = "Posted Jan 4, 2016 by KTVB Staff", "Posted Feb 19, 2016 by KTVB Staff"
    got = _diff(da + "\n" + ARTICLE, db + "\n" + ARTICLE, chrome_a=[da], chrome_b=[db])
    assert not [g for g in got if g[0] == "boilerplate"], got


def test_an_unmatched_line_present_on_both_sides_is_not_reported():
    """A headline repeated in b (top and bottom) loses the one-to-one match once: the copy
    that is left is not chrome, and the line a has is not removed."""
    head = "Crews Battle Overnight Warehouse Blaze In Millbrook"
    a = head + "\n" + ARTICLE
    b = head + "\n" + ARTICLE + "\n" + head
    got = _diff(a, b)
    assert not [g for g in got if g[0] == "boilerplate"], got
    assert not [g for g in got if g[0] == "sentence_removed"], got


# --- in-order gap matches need shared content words --------------------------------------------
FRAME_A = ("The ferry left Port Arlen at noon with 212 passengers aboard. "
           "{middle} "
           "Coast guard officials said nobody was hurt during the return.")


def test_gap_match_needs_shared_content_words_not_function_words():
    from retold.explain.edits import match_sentences
    a = FRAME_A.format(middle="The harbour master said the winds at the mouth of the bay were the "
                              "strongest in a decade.")
    # another article's sentence put in that place: it shares "the", "of", "in", "and"... only
    pasted = FRAME_A.format(middle="The bank said profits in the first half of the year rose and "
                                   "the board raised the dividend.")
    assert [(i, j) for i, j, _ in match_sentences(_index(a), _index(pasted), 0.45, 0.25, 2)] == [(0, 0), (2, 2)]
    # a reworded sentence keeps a few content words ("harbour", "winds", "decade")
    spun = FRAME_A.format(middle="In the view of the harbour master, winds at the bay mouth were the "
                                 "fiercest seen in a decade.")
    assert [(i, j) for i, j, _ in match_sentences(_index(a), _index(spun), 0.45, 0.25, 2)] == [(0, 0), (1, 1), (2, 2)]


def test_gap_match_short_sentence_and_changed_figure():
    from retold.explain.edits import match_sentences
    a = FRAME_A.format(middle="She was 81.")
    b = FRAME_A.format(middle="She turned 82.")  # no word in common but a figure in each place
    assert (1, 1) in [(i, j) for i, j, _ in match_sentences(_index(a), _index(b), 0.45, 0.25, 2)]


def test_pasted_paragraph_is_added_not_a_rewording_of_the_sentence_it_replaced():
    a = ("Flooding closed the main road into Kelso on Tuesday.\n\n"
         "Engineers from the county council said that the old stone bridge over the Tweed was in a "
         "poor state and had to be shut.\n\n"
         "The road is expected to reopen next week.")
    b = ("Flooding closed the main road into Kelso on Tuesday.\n\n"
         "Shares in the mining group fell after it said that its forecast for the year was too high "
         "and had to be cut.\n\n"
         "The road is expected to reopen next week.")
    c = retold.compare(a, b)
    assert not [e for e in c.edits if e.type == "paraphrase"], c.edits
    kinds = {(e.type, (e.a_text or e.b_text)[:12]) for e in c.edits}
    assert ("sentence_removed", "Engineers fr") in kinds and ("sentence_added", "Shares in th") in kinds


def test_reuse_pairs_get_no_gap_matches():
    """diff_documents(gap=False): only sentences alike on their own are paired."""
    from retold.config import Config
    from retold.explain.edits import diff_documents
    from retold.text.normalise import tokenize
    a = FRAME_A.format(middle="Heavy winds forced the captain to turn back toward the harbour within the hour.")
    b = FRAME_A.format(middle="Within sixty minutes strong winds made its captain head back for harbour.")
    ta, tb = tokenize(a), tokenize(b)
    with_gap = [e.type for e in diff_documents(a, b, ta, tb, Config())]
    without = [e.type for e in diff_documents(a, b, ta, tb, Config(), gap=False)]
    assert "paraphrase" in with_gap
    assert "paraphrase" not in without and {"sentence_added", "sentence_removed"} <= set(without)
