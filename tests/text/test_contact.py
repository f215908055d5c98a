import numpy as np

import retold
from retold.config import Config
from retold.explain.edits import sentence_units
from retold.model import Document
from retold.text.contact import contact_tokens
from retold.text.normalise import tokenize


def _marked(text):
    toks = tokenize(text)
    m = contact_tokens(text, toks, sentence_units(text, toks))
    return " ".join(k for k, x in zip(toks.keys, m) if x)


def test_sentences_with_a_phone_number_or_an_address_are_contact_lines():
    text = ("Two men were hurt on Elm Street. Call the tip line at (503) 823-4636 with information. "
            "The vote was 1,229 to 1,028, or 54.5 pct, in the 1987-1989 talks. Write to desk@example.org. "
            "Rates rose 7-11/16 pct. Details at www.example.net/tips today. Dial 1-888-222-TIPS now.")
    got = _marked(text)
    assert "tip line" in got and "desk" in got and "details" in got and "dial" in got
    assert "elm" not in got and "1,229" not in got and "rates" not in got


def test_text_without_contact_details_has_none():
    text = "Scores 21-17 and 3-1. Prices closed at 2.85-1/4 dlrs, up 1-3/4, on 19.9 mln shares."
    toks = tokenize(text)
    assert not contact_tokens(text, toks, sentence_units(text, toks)).any()


def test_a_shared_tip_line_is_not_a_shared_text():
    # Two unrelated reports from one county's stations close with the sheriff's tip line. The
    # same closing sentence without a contact detail in it would be shared text (a real quote).
    tip = ("Anyone with information about this case is urged to contact Detective Rosa Lindqvist or "
           "Sergeant Omar Feld at 760-555-0148, or to call the county's anonymous hotline.")
    quote = ("Anyone with information about this case is urged to contact Detective Rosa Lindqvist or "
             "Sergeant Omar Feld, who said the family had asked for privacy and would not speak.")
    a = ("A 19-year-old was wounded outside a grocery store on Pine Avenue on Tuesday night, deputies "
         "said. He was taken to Desert Valley Hospital with a gunshot wound to the leg. Witnesses told "
         "deputies a silver sedan sped away north on Seventh Street after several shots. The store's "
         "owner said it was the third shooting on the block this year. Neighbours have asked the city "
         "for more street lights and a camera at the corner. ")
    b = ("Deputies arrested a woman after a crash on Route 9 in Hesperia left two drivers injured on "
         "Friday. Investigators said she had been driving at more than twice the limit. Both drivers "
         "were released from St. Mary Medical Center later that evening. The highway was closed for "
         "three hours while the wreckage was cleared. A passenger in her car was not hurt. The "
         "highway patrol said the road reopened to traffic shortly after nine that night. ")

    def rel(closing, cfg=None):
        return retold.compare(Document("a", a + closing, source="kxyz.example"),
                              Document("b", b + closing, source="wabc.example"), cfg).relation
    assert rel(tip) not in ("reuse", "rewrite", "near_duplicate")
    assert rel(tip, Config(contact_weight=1.0)) == "reuse"  # the weight decides
    assert rel(quote) == "reuse"
