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
