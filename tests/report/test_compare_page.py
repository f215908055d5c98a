from __future__ import annotations

import re

import pytest

from retold.model import Comparison, Direction, Edit, Passage, Scores
from retold.report import render_comparison

from ._fakerun import A_TEXT, B_TEXT, XSS_IMG, XSS_SCRIPT
from ._htmlcheck import walk


def span(text: str, part: str) -> tuple[int, int]:
    start = text.index(part)
    return start, start + len(part)


def build() -> Comparison:
    pa_ = span(A_TEXT, "Prime minister Janša said 33 people attended the rally in Ljubljana.")
    pb_ = span(B_TEXT, "Prime minister Jansa said 34 people attended the rally in Ljubljana")
    qa, qb = span(A_TEXT, "The author is a columnist."), span(B_TEXT, "The author is a columnist.")
    na, nb = span(A_TEXT, "Janša"), span(B_TEXT, "Jansa")
    ja = span(B_TEXT, "trending viral news")
    ra = span(A_TEXT, "Critics called it a stunt.")
    return Comparison(
        a_id="orig" + XSS_SCRIPT, b_id="copy", a_chars=len(A_TEXT), b_chars=len(B_TEXT),
        relation="reuse",
        scores=Scores(resemblance=0.31, containment_a=0.4, containment_b=0.5, story=0.7,
                      coverage_a=0.6, coverage_b=0.7, residual=0.2, anchors=4),
        passages=[Passage(*qa, *qb, identity=1.0), Passage(*pa_, *pb_, identity=0.85)],
        edits=[Edit("name_variant", "Janša", "Jansa", *na, *nb),
               Edit("junk_token", "", "trending viral news", pa_[1], pa_[1], *ja),
               Edit("sentence_removed", "Critics called it a stunt.", "", *ra, pb_[1] + 1, pb_[1] + 1)],
        direction=Direction("a", 0.8, ["B carries junk words " + XSS_IMG]),
    )


def test_compare_page_verdict_scores_and_sides():
    html = render_comparison(build(), A_TEXT, B_TEXT, a_label="left.txt", b_label="right.txt")
    w = walk(html)
    verdict = re.search(r'<div class="verdict">(.*?)</div>', html, re.S).group(1)
    assert "passage reuse" in verdict and "One copies passages of the other" in verdict
    assert "<strong>left.txt</strong> most likely came first (confidence 80%)" in verdict
    assert "B carries junk words &#34;&gt;&lt;img" in verdict
    assert "0.310" in html and "0.700" in html  # scores
    # passages: numbered in text order, same colour and matching anchors on both sides
    marks = {m.get("id"): m for m in w.marks if m.get("id")}
    assert marks["a-p1"]["class"] == marks["b-p1"]["class"] == "passage p0"
    assert marks["a-p2"]["class"] == marks["b-p2"]["class"] == "passage p1"
    assert 'href="#a-p1"' in html and 'href="#b-p2"' in html
    # edits marked by type, inside the passage colour
    assert marks["a-e1"] == {"class": "edit name_variant", "id": "a-e1",
                             "title": "name_variant: Janša → Jansa"}
    assert marks["b-e2"]["class"] == "edit junk_token"
    assert marks["a-e2"]["class"] == "edit junk_token gap"  # where B's junk would sit in A
    i = w.text.index("Janša")
    assert w.covers[i] == ["passage p0", "edit name_variant"]
    assert w.text.count("The author is a columnist.") == 2


def test_compare_page_groups_edits_in_plain_words():
    html = render_comparison(build(), A_TEXT, B_TEXT)
    assert "Names spelt differently" in html and "Junk words injected" in html
    assert "name spelt differently: <span class=\"etext\">Janša</span> &rarr; " in html
    assert "junk words injected (only in B): <span class=\"etext\">trending viral news" in html
    assert "sentence removed (only in A)" in html


def test_compare_page_escapes_and_has_no_script():
    cmp = build()
    evil = A_TEXT + " " + XSS_SCRIPT + XSS_IMG
    html = render_comparison(cmp, evil, B_TEXT, a_label=XSS_IMG, b_label=XSS_SCRIPT)
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in html
    assert "script-src &#39;none&#39;" in html


def test_compare_page_without_passages_or_edits():
    cmp = Comparison("a", "b", 3, 3, "unrelated", Scores())
    html = render_comparison(cmp, "abc", "xyz")
    walk(html)
    assert "No aligned passages." in html and "No typed differences." in html
    assert "Which version came first is unclear." in html


def test_numpy_offsets_are_highlighted():
    np = pytest.importorskip("numpy")
    cmp = Comparison("a", "b", 5, 5, "near_duplicate", Scores(resemblance=np.float32(0.9)),
                     passages=[Passage(*(np.int64(v) for v in (0, 5, 0, 5)), identity=np.float64(0.8))],
                     edits=[Edit("number_change", "1", "2", *(np.int64(v) for v in (2, 3, 2, 3)))])
    html = render_comparison(cmp, "ab1cd", "ab2cd")
    marks = {m.get("id"): m for m in walk(html).marks if m.get("id")}
    assert marks["a-e1"]["class"] == "edit number_change" and "a-p1" in marks
    assert "0.900" in html and "80%" in html
