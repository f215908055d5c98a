"""Sentence spans of hard-wrapped text (wire copy, e-mail, plain-text archives)."""
from retold.text.sentences import hard_wrapped, sentences

WRAPPED = (
    "The harbour board of Lindmark said it had agreed\n"
    "terms with two dock unions that walked out on Monday over a\n"
    "pay offer at the Osterby and Vell container terminals.\n"
    "    The unions, which represent 1,400 crane and yard\n"
    "workers, will vote on the offer next week. A spokeswoman\n"
    "said loading had resumed at both terminals.\n"
    "    Traffic through the port fell 12 pct in the strike\n"
    "week.\n"
    " Reuter\n")

WEB = (
    "Harbour strike ends after two days\n"
    "Dock workers at two container terminals returned to work on Wednesday.\n"
    "The unions said members would vote on the offer next week.\n"
    "Advertisement\n"
    "loading resumed at both terminals, a spokeswoman said.\n")


def spans(text):
    return [text[s.start:s.end] for s in sentences(text)]


def test_wrapped_lines_join_into_sentences_and_indents_start_paragraphs():
    assert hard_wrapped(WRAPPED)
    got = spans(WRAPPED)
    assert [" ".join(s.split()) for s in got] == [
        "The harbour board of Lindmark said it had agreed terms with two dock unions that walked "
        "out on Monday over a pay offer at the Osterby and Vell container terminals.",
        "The unions, which represent 1,400 crane and yard workers, will vote on the offer next week.",
        "A spokeswoman said loading had resumed at both terminals.",
        "Traffic through the port fell 12 pct in the strike week.",
        "Reuter",
    ]
    assert [s.paragraph for s in sentences(WRAPPED)] == [0, 1, 1, 2, 3]


def test_one_paragraph_per_line_is_not_wrapped():
    # a heading and a chrome line without end punctuation, and one line starting in lower
    # case, are not enough to call web text wrapped: every line stays its own unit
    assert not hard_wrapped(WEB)
    assert spans(WEB)[0] == "Harbour strike ends after two days"
    assert "Advertisement" in spans(WEB)
    assert len(spans(WEB)) == 5


def test_wrapped_table_rows_stay_apart():
    table = ("Quarter to March 31\n"
             "    Shr 12 cts vs nine cts\n"
             "    Net 1,200,000 vs 900,000\n"
             "    Revs 8,100,000 vs 7,400,000\n"
             "The company said sales rose in\n"
             "all three of its divisions and that\n"
             "margins held.\n")
    assert hard_wrapped(table)
    got = [" ".join(s.split()) for s in spans(table)]
    assert got[:4] == ["Quarter to March 31", "Shr 12 cts vs nine cts", "Net 1,200,000 vs 900,000",
                       "Revs 8,100,000 vs 7,400,000"]
    assert got[4] == "The company said sales rose in all three of its divisions and that margins held."


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from retold.text.sentences import _END, _ends  # noqa: E402

_ENDINGS = st.sampled_from(list("aZ9 .!?\n\"'”’)]([“‘À\t") + ["...", "?!", "\n\n", ". A", "U.S. ", "Mr. B"])


@settings(max_examples=400, deadline=None)
@given(st.lists(_ENDINGS, max_size=60).map("".join))
def test_ends_are_the_matches_finditer_finds(text):
    assert [m.span() for m in _ends(text)] == [m.span() for m in _END.finditer(text)]
