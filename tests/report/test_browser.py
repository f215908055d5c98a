"""The run report in a real browser (Debian's chromium driven by Playwright): it renders,
its relation filter works, and hostile document text stays inert text."""
import os
from pathlib import Path

import pytest

import retold

STORY = ("The harbour authority closed the eastern pier on Monday after divers found cracks in "
         "three of its concrete pillars. Repairs will take at least four months and cost 2.5 "
         "million euros, director Anneke Visser told reporters. Ferries will use the western pier "
         "until the work is finished, and the morning timetable will change from next week.")
HOSTILE = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    d = tmp_path_factory.mktemp("in")
    (d / "story.txt").write_text(STORY)
    (d / "copy.txt").write_text(HOSTILE + "\n" + STORY.replace("four", "five") + " viral now")
    (d / "same.txt").write_text(STORY)
    (d / (HOSTILE.replace("/", "_")[:60] + ".txt")).write_text("Unrelated words about a bakery and bread.")
    out = tmp_path_factory.mktemp("run")
    retold.run([d], out=out)
    return out / "report.html"


def test_report_renders_and_hostile_text_stays_text(browser, report):
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(report.as_uri())
    assert page.evaluate("window.__pwned") is None
    assert page.locator("img[src=x]").count() == 0
    assert HOSTILE[:20] in page.inner_text("body")  # shown as the text it is
    assert errors == []
    page.close()


def test_relation_sections_lead_with_what_matters(browser, report):
    page = browser.new_page()
    page.goto(report.as_uri())
    ids = [d.get_attribute("id") for d in page.locator("details.relation-section").all()]
    assert ids[-1] == "rel-exact" and ids.index("rel-near_duplicate") < ids.index("rel-exact")
    # the exact copies are collapsed at first and open on a click
    exact = page.locator("#rel-exact section.pair-card").first
    assert not exact.is_visible()
    page.click("#rel-exact > summary")
    assert exact.is_visible()
    page.close()


def _shot(page, tmp_path, name):
    folder = Path(os.environ.get("RETOLD_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=False)
    assert (folder / f"{name}.png").stat().st_size > 5000


@pytest.fixture(scope="module")
def big_report(tmp_path_factory):
    from retold.report import write_run_report

    from ._bigrun import make_big_run
    return write_run_report(make_big_run(tmp_path_factory.mktemp("big"), 10_000))


def test_ten_thousand_families_are_browsable(browser, big_report, tmp_path):
    page = browser.new_page()
    errors, outside = [], []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("request", lambda r: r.url.startswith("file:") or outside.append(r.url))
    page.goto(big_report.as_uri())
    pairs = page.locator("#browse-pairs")
    assert pairs.is_visible()
    assert pairs.locator(".info").inner_text() == "1\u201350 of 20000"
    assert pairs.locator("tbody tr").count() == 50
    assert pairs.locator("tbody tr .badge").first.inner_text() == "rewrite"  # what matters first
    pairs.locator("button.next").click()
    assert pairs.locator(".info").inner_text() == "51\u2013100 of 20000"
    pairs.locator("select").select_option("exact")
    assert pairs.locator(".info").inner_text() == "1\u201350 of 4000"
    pairs.locator("select").select_option("")
    pairs.locator("input[type=search]").fill("f04242-")
    rows = pairs.locator("tbody tr")
    assert rows.count() == 2 and "f04242-orig" in rows.first.inner_text()
    fams = page.locator("#browse-families")
    assert fams.locator(".info").inner_text() == "1\u201350 of 10000"
    fams.locator("input[type=search]").fill("headline 4242 ")
    assert fams.locator("tbody tr").count() == 1
    assert fams.locator("tbody tr td").first.inner_text() == "f04242-orig \u00b7 Headline 4242 version 0"
    fams.locator("tbody tr button.more").click()
    detail = fams.locator("tr.detail").inner_text()
    assert "f04242-copy2" in detail and "copied from f04242-copy1" in detail
    # the hostile title of family 0 is drawn as text
    fams.locator("input[type=search]").fill("f00000")
    fams.locator("tbody tr button.more").click()
    assert "<script>alert(1)</script>" in fams.locator("tr.detail").inner_text()
    assert page.evaluate("typeof window.__pwned") == "undefined"
    fams.scroll_into_view_if_needed()
    _shot(page, tmp_path, "report-families")
    page.locator("#rel-rewrite").scroll_into_view_if_needed()
    _shot(page, tmp_path, "report-top")
    assert errors == [] and outside == []
    page.close()


def test_a_right_to_left_override_in_an_id_stays_inside_its_element(browser, tmp_path):
    """An id holding an unterminated U+202E sits in an element of its own that isolates its
    direction, so the fields after it keep theirs."""
    d = tmp_path / "in"
    d.mkdir()
    (d / "story.txt").write_text(STORY)
    (d / "\u202eevil.txt").write_text(STORY.replace("four", "five") + " Seen first on a mirror site.")
    retold.run([d], out=tmp_path / "run")
    page = browser.new_page()
    page.goto((tmp_path / "run" / "report.html").as_uri())
    holders = page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.includes('\u202e')))
        .map(e => getComputedStyle(e).unicodeBidi)""")
    assert holders, "the id is shown somewhere in the report"
    assert set(holders) == {"isolate"}
    page.close()
