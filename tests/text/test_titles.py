"""Site chrome in titles (text/titles.py) and the story model's titles (stages.story_documents)."""
from retold.config import Config
from retold.engine.stages import story_documents
from retold.model import Document
from retold.text.titles import learn_title_chrome, strip_title, title_segments


def test_segments_are_cut_only_at_spaced_separators():
    assert title_segments("Fort-Worth man, 9:30 raid | The Ledger :: Metro") == \
        ["Fort-Worth man, 9:30 raid", "The Ledger", "Metro"]
    assert title_segments("Police: man shot on Elm St") == ["Police: man shot on Elm St"]


def test_a_sites_repeated_segments_are_its_chrome():
    sources = ["ledger.example"] * 3 + ["gazette.example"] * 3
    titles = ["Dam bursts near Ravenna | The Valley Ledger",
              "Mayor quits — The Valley Ledger",
              "Flood warning lifted | the valley  ledger",
              "Fire at mill - Gazette Online - Opinion",
              "Mill owner charged - Gazette Online",
              "Bridge reopens - Gazette Online - Opinion"]
    chrome = learn_title_chrome(sources, titles, 3)
    assert chrome == {"ledger.example": frozenset({"the valley ledger"}),
                      "gazette.example": frozenset({"gazette online"})}
    # "Opinion" is in two titles only: kept at 3, chrome at 2
    assert "opinion" in learn_title_chrome(sources, titles, 2)["gazette.example"]
    assert strip_title(titles[0], chrome["ledger.example"]) == "Dam bursts near Ravenna"
    assert strip_title("Mill owner charged - Gazette Online", chrome["gazette.example"]) == "Mill owner charged"
    assert strip_title("Gazette Online", chrome["gazette.example"]) is None
    assert strip_title("Fire at mill", chrome["gazette.example"]) == "Fire at mill"


def test_a_segment_shared_across_sites_is_not_chrome_of_any():
    # one headline reprinted by three sites (a wire story) is news, not any site's name
    sources = ["a.example", "b.example", "c.example"]
    titles = ["Quake hits Kobe - A Times", "Quake hits Kobe | B Daily", "Quake hits Kobe"]
    assert learn_title_chrome(sources, titles, 2) == {}
    # without a source nothing is learnt: documents of unknown origin are not one site
    assert learn_title_chrome([None] * 3, ["X - Site"] * 3, 2) == {}


def test_story_documents_strip_titles_and_keep_the_rest():
    docs = [Document(f"d{i}", f"text {i}", t, "2016-01-0%d" % (i + 1), "kx.example", f"https://kx.example/{i}")
            for i, t in enumerate(["Two hurt in Elm St shooting - KX 9 News - Springfield",
                                   "Teen charged - KX 9 News - Springfield",
                                   "Vigil held for victim - KX 9 News - Springfield"])]
    docs.append(Document("other", "text", "Two hurt in Elm St shooting - KX 9 News - Springfield", None, "other.example"))
    out = story_documents(docs, Config())
    assert [d.title for d in out] == ["Two hurt in Elm St shooting", "Teen charged", "Vigil held for victim",
                                      "Two hurt in Elm St shooting - KX 9 News - Springfield"]
    assert [(d.doc_id, d.text, d.date, d.source, d.url) for d in out] == \
        [(d.doc_id, d.text, d.date, d.source, d.url) for d in docs]
    assert out[3] == docs[3]
