from retold.align.passages import align_tokens, seed_matches
from retold.text.normalise import tokenize

BASE = ("The regional council voted on Thursday to close the old harbour bridge after engineers "
        "found deep cracks in two of its supporting piers during a routine inspection last month.")


def _spans(a, b, **kw):
    ta, tb = tokenize(a), tokenize(b)
    out = []
    for p in align_tokens(ta.hashes, tb.hashes, **kw):
        a0, a1 = ta.char_span(p.a0, p.a1)
        b0, b1 = tb.char_span(p.b0, p.b1)
        out.append((a[a0:a1], b[b0:b1], p.identity))
    return out


def test_copied_passage_is_found_inside_unrelated_text():
    a = "Weather was mild across the north. " + BASE + " Markets closed higher."
    b = "In other news, a cat was rescued from a tree by firefighters. " + BASE
    spans = _spans(a, b)
    assert len(spans) == 1
    assert spans[0][0].startswith("The regional council") and spans[0][0].endswith("last month")
    assert spans[0][2] == 1.0


def test_junk_words_and_respelt_names_do_not_split_a_passage():
    b = BASE.replace("bridge after", "bridge trending viral after").replace("Thursday", "Thurzday")
    spans = _spans(BASE, b)
    assert len(spans) == 1
    assert spans[0][2] < 1.0  # the gaps show in identity
    assert "trending viral" in spans[0][1]


def test_passages_in_another_order_are_each_found():
    p1 = "Rescue teams pulled four survivors from the rubble of the collapsed school early on Sunday morning."
    p2 = "The provincial governor promised a full investigation into the building permits issued in the district."
    spans = _spans(p1 + " " + p2, p2 + " Unrelated filler words go here now. " + p1)
    assert len(spans) == 2


def test_no_alignment_between_unrelated_texts_and_repeated_refrains_ignored():
    assert _spans("Apples are red and sweet in autumn.", "The train left the station at noon.") == []
    ta = tokenize("ha ha ha ha ha ha ha ha ha ha ha ha")
    i, _ = seed_matches(ta.hashes, ta.hashes, 3, max_repeat=4)
    assert len(i) == 0


# --- chains that are more gap than match --------------------------------------------------------
TEMPLATE = ("Troopers said the driver, {who}, was taken to {where} with {hurt}, and the crash "
            "remains under investigation by the state highway patrol.")


def _words(s):
    import re
    return re.findall(r"\w+", s.lower())


def test_stock_phrases_around_other_facts_are_not_one_passage():
    a = TEMPLATE.format(who="Maria Lopez, 34, of Dayton", where="Miami Valley Hospital",
                        hurt="minor injuries")
    b = TEMPLATE.format(who="a man from Fairborn whose name was not released",
                        where="Kettering Medical Center", hurt="a broken arm and cuts to his face")
    unfloored = _spans(a, b, min_tokens=8, min_chained_tokens=15)
    assert any("Lopez" in x and "Fairborn" in y for x, y, _ in unfloored)  # one chain bridged both
    spans = _spans(a, b, min_tokens=8, min_chained_tokens=15, min_identity=0.6)
    assert spans, "the stock phrase itself is shared text"
    for x, y, ident in spans:
        assert ident >= 0.6
        assert not ("Lopez" in x or "Fairborn" in y), (x, y)


def test_a_copy_with_junk_and_respelt_names_survives_the_floor():
    b = BASE.replace("bridge after", "bridge trending viral after").replace("Thursday", "Thurzday")
    spans = _spans(BASE, b, min_identity=0.6)
    assert len(spans) == 1 and spans[0][2] >= 0.6 and "trending viral" in spans[0][1]
