"""The run report in a real browser (Debian's chromium driven by Playwright): it renders,
its relation filter works, and hostile document text stays inert text."""
import os
import shutil

import pytest

import retold

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]

STORY = ("The harbour authority closed the eastern pier on Monday after divers found cracks in "
         "three of its concrete pillars. Repairs will take at least four months and cost 2.5 "
         "million euros, director Anneke Visser told reporters. Ferries will use the western pier "
         "until the work is finished, and the morning timetable will change from next week.")
HOSTILE = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: .ci/run installs Debian's chromium package")
        pytest.skip("chromium not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


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


def test_relation_filter_hides_other_pairs(browser, report):
    page = browser.new_page()
    page.goto(report.as_uri())
    cards = page.locator("section.pair-card")
    total = cards.count()
    assert total >= 2
    page.click("#filter button[data-relation='exact']")
    visible = [c.get_attribute("data-relation") for c in cards.all() if c.is_visible()]
    assert visible and set(visible) == {"exact"} and len(visible) < total
    page.click("#filter button[data-relation='all']")
    assert sum(c.is_visible() for c in cards.all()) == total
    page.close()
