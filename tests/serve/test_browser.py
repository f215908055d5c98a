"""The web app in a real browser (Debian's chromium through Playwright), against uvicorn on
a free localhost port: pages load, navigation, search and the query box work, and hostile
document strings execute nothing."""
from __future__ import annotations

import os
import urllib.parse
from pathlib import Path

import pytest

from ._corpus import RLO, XSS_IMG, XSS_SCRIPT

PARAGRAPH = ("Ferries will use the western pier until the work is finished, and the morning "
             "timetable will change from next week.")


@pytest.fixture
def page(browser, server):
    """A page that records dialogs, page errors, console errors and any request that
    leaves the app."""
    ctx = browser.new_context()
    pg = ctx.new_page()
    pg.events = {"dialogs": [], "errors": [], "console": [], "outside": []}
    pg.on("dialog", lambda d: (pg.events["dialogs"].append(d.message), d.dismiss()))
    pg.on("pageerror", lambda e: pg.events["errors"].append(str(e)))
    pg.on("console", lambda m: m.type in ("error", "warning") and pg.events["console"].append(m.text))
    pg.on("request", lambda r: r.url.startswith(server) or pg.events["outside"].append(r.url))
    pg.base = server
    yield pg
    ctx.close()


def _clean(pg):
    assert pg.events == {"dialogs": [], "errors": [], "console": [], "outside": []}
    assert pg.evaluate("typeof window.__pwned") == "undefined"


def _shot(pg, tmp_path: Path, name: str) -> Path:
    # RETOLD_SCREENSHOTS=DIR keeps them for a look; by default they go to the test's tmp folder
    folder = Path(os.environ.get("RETOLD_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    pg.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 5000  # something was drawn
    return path


def test_overview_and_navigation(page, tmp_path):
    page.goto(page.base + "/")
    assert page.title().startswith("overview")
    assert page.locator("table.bars .badge").first.inner_text() == "passage reuse"
    _shot(page, tmp_path, "overview")
    page.click("header nav >> text=Families")
    assert page.url.endswith("/families")
    page.click("table.list a >> nth=0")
    assert "/family?id=" in page.url
    # the family is named after its earliest member and shows who copied whom
    assert page.locator("h1").inner_text().endswith("Eastern pier closed after divers find cracks")
    tree = page.locator("ul.tree li").all_inner_texts()
    assert tree[0].startswith("harbour-original")
    assert any(XSS_SCRIPT in t for t in tree[1:])  # the hostile id, as text
    assert page.locator("svg.timeline circle").count() == 3
    _shot(page, tmp_path, "family")
    page.click("ul.tree a >> text=harbour-reprint")
    assert "/doc?id=harbour-reprint" in page.url
    assert XSS_IMG in page.locator("h1").inner_text()
    # a javascript: url is shown, never a link
    assert page.locator("a[href^='javascript' i]").count() == 0
    assert "javascript:alert(1)" in page.locator("table.meta").inner_text()
    page.locator("table.list tr", has_text="near-duplicate").locator("a", has_text="compare").click()
    assert "/pair?" in page.url
    assert page.locator("#side-a mark.passage").count() >= 1
    assert page.locator("#side-b mark.edit.number_change").count() >= 1
    _shot(page, tmp_path, "pair")
    _clean(page)


def test_search_boxes(page):
    page.goto(page.base + "/documents")
    page.fill("form.search input[name=q]", "citylife")
    page.click("form.search button")
    page.wait_for_url("**q=citylife*")  # the search is a page load: read the new page
    rows = page.locator("table.list tr").all_inner_texts()[1:]
    assert len(rows) == 2 and all("citylife.example" in r for r in rows)
    page.goto(page.base + "/stories")
    page.fill("form.search input[name=q]", "bakery")
    page.click("form.search button")
    page.wait_for_url("**q=bakery*")
    assert "none" in page.locator("p.pager").first.inner_text()
    page.fill("form.search input[name=q]", "timetable")
    page.click("form.search button")
    page.wait_for_url("**q=timetable*")
    assert page.locator("table.list a").count() == 1
    _clean(page)


def test_query_box_returns_the_documents_that_carry_the_text(page, tmp_path):
    page.goto(page.base + "/query")
    page.fill("#qtext", PARAGRAPH)
    page.click("#run-query")
    page.wait_for_selector("#results")
    ids = [a.inner_text() for a in page.locator("section.match h3 a.id").all()]
    assert set(ids) >= {"harbour-original", "harbour-reprint", XSS_SCRIPT, "ferry-quotes"}
    assert "bakery" not in ids and "dam" not in ids
    assert page.locator("section.match mark").count() >= 1  # the shared text is marked
    assert "Earliest dated copy in the store: harbour-original" in page.inner_text("#results")
    _shot(page, tmp_path, "query")
    page.click("section.match h3 a.id >> nth=0")
    assert "/doc?id=" in page.url
    _clean(page)


def test_hostile_documents_execute_nothing_on_any_page(page):
    quoted = urllib.parse.quote(XSS_SCRIPT, safe="")
    urls = ["/", "/documents", "/families", "/stories", f"/doc?id={quoted}", "/doc?id=ferry-quotes",
            "/doc?id=harbour-reprint", f"/family?id=fam%3A{quoted}", f"/story?id=story%3A{quoted}",
            f"/pair?a=harbour-original&b={quoted}", "/pair?a=harbour-reprint&b=ferry-quotes",
            "/documents?q=" + urllib.parse.quote(XSS_IMG), "/api"]
    for url in urls:
        resp = page.goto(page.base + url)
        assert resp.status == 200, url
        assert page.locator("script").count() == 0, url
        assert page.locator("img").count() == 0, url
        assert page.locator("a[href^='javascript' i]").count() == 0, url
    page.goto(page.base + "/doc?id=ferry-quotes")
    assert XSS_SCRIPT in page.inner_text("div.fulltext")
    # the query box shows hostile text it was given, and what it found, as text
    page.goto(page.base + "/query")
    page.fill("#qtext", PARAGRAPH + " " + XSS_SCRIPT + " " + XSS_IMG)
    page.click("#run-query")
    page.wait_for_selector("#results")
    assert XSS_SCRIPT in page.input_value("#qtext")
    assert page.locator("img").count() == 0
    _clean(page)


def test_a_right_to_left_override_in_a_title_stays_inside_its_element(page):
    """The app shows the title holding an unterminated U+202E in elements that isolate their
    direction (the document list, a search, the document's page), so the fields after it keep
    theirs."""
    for url in ("/documents", "/doc?id=dam", "/documents?q=reservoir"):
        page.goto(page.base + url)
        holders = page.evaluate("""(rlo) => [...document.querySelectorAll('body *')]
            .filter(e => [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.includes(rlo)))
            .map(e => getComputedStyle(e).unicodeBidi)""", RLO)
        assert holders, f"the title is shown on {url}"
        assert set(holders) == {"isolate"}, url
    _clean(page)
