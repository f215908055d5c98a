import numpy as np

from retold.text.facts import fact_mask, mentions
from retold.text.normalise import tokenize


def test_names_inside_a_sentence_and_figures_are_facts():
    text = "Police said Maria Lopez, 34, was shot on Elm Street in 2019. The man fled."
    toks = tokenize(text)
    starts = np.array([0, toks.keys.index("the")])
    facts = {toks.keys[k] for k in np.flatnonzero(fact_mask(text, toks, starts))}
    assert facts == {"maria", "lopez", "34", "elm", "street", "2019"}


def test_respelt_names_are_mentioned_figures_are_not_loose():
    assert mentions("jansa", ["jansha", "government"])
    assert mentions("okafor", ["okaffor"])
    assert not mentions("okafor", ["minister", "budget"])
    assert not mentions("2019", ["2018"])
