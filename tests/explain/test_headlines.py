"""Lines that read as titles (related links, playlists, "most read" boxes) are not written
text two pages can share; prose, quotes and table rows of figures are."""
import retold
from retold.explain.edits import headline_tokens
from retold.model import Document
from retold.text.normalise import tokenize

MOST_READ = ("Most read\n\n"
             "Harbour council approves ferry timetable for the winter season\n\n"
             "Two lanes of the ring road closed for resurfacing until Friday\n\n"
             "4:12 Watch: volunteers clear the riverbank. Dozens turned out after the spring floods\n\n"
             "Bakery on Mill Street wins regional bread award for third year\n\n"
             "Library extends opening hours during exam weeks\n")


def _headline_words(text, title=None):
    toks = tokenize(text)
    mask = headline_tokens(text, toks, title)
    return {k for k, m in zip(toks.keys, mask.tolist()) if m}


def test_other_stories_titles_are_headlines_and_the_own_title_prose_and_tables_are_not():
    text = ("Tollbridge fares rise next month\n\n"
            "The county will raise tolls on the Esk bridge by 40 cents from June 1, officials said on Tuesday.\n\n"
            "Revenue 12.4 mln vs 11.9 mln 8.1 pct\n\n"
            "\"We had no choice,\" the treasurer said.\n")
    words = _headline_words(text)
    assert not words & {"county", "treasurer", "revenue", "choice"}
    # the document's own title (before any prose) is its own text; a title after prose is not
    assert not words & {"tollbridge", "fares"}
    assert {"tollbridge", "fares"} <= _headline_words("Read more.\n\n" + text)
    # a label before the title ("Share this article") is not the title
    assert not {"tollbridge", "fares"} & _headline_words("Share this article\n\n" + text)
    # nor a date line, nor a related link the record's title field does not name
    assert not {"tollbridge", "fares"} & _headline_words("Posted on May 3, 2024 by Staff Writer\n\n" + text)
    page = "Harbour council approves ferry timetable for winter\n\n" + text
    assert {"tollbridge", "fares"} <= _headline_words(page)
    assert not {"tollbridge", "fares"} & _headline_words(page, title="Toll-bridge fares to rise next month")


def test_two_unrelated_articles_sharing_a_most_read_box_are_not_reuse():
    a = ("A fire destroyed a barn on the Kellerman farm east of Ashby late on Sunday, the fire "
         "service said. Nobody was hurt, but forty sheep died. Crews from three stations fought the "
         "blaze for five hours.\n\n" + MOST_READ)
    b = ("The Ashby rowing club has bought a new eight with money raised at its summer fair, its "
         "captain Imke Dorsch said. The boat, built in Gdansk, will race for the first time at the "
         "county regatta in July.\n\n" + MOST_READ)
    c = retold.compare(Document("a", a, source="ashby.example"), Document("b", b, source="other.example"))
    assert c.relation not in ("reuse", "rewrite", "near_duplicate"), c.relation
    # the same two articles sharing a written paragraph instead are reuse
    para = ("The council said the grant of 2.3 million crowns would pay for new pontoons, a boathouse "
            "roof and lighting along the towpath between the weir and the old mill.\n\n")
    c2 = retold.compare(Document("a", a.replace("Most read", para + "Most read")),
                        Document("b", b.replace("Most read", para + "Most read")))
    assert c2.relation == "reuse", c2.relation
