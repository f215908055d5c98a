from __future__ import annotations

from markupsafe import Markup

from retold.report import highlight

from ._htmlcheck import walk


def test_overlapping_spans_cover_the_right_characters_and_nest_properly():
    out = highlight("abcdefghij", [(0, 5, "x", "X"), (3, 8, "y", "Y")])
    w = walk(out)
    assert w.text == "abcdefghij"
    assert w.covers[0] == ["x"] and w.covers[2] == ["x"]
    assert w.covers[3] == ["x", "y"] and w.covers[4] == ["x", "y"]
    assert w.covers[5] == ["y"] and w.covers[7] == ["y"]
    assert w.covers[8] == [] and w.covers[9] == []


def test_nested_span_is_innermost():
    w = walk(highlight("0123456789", [(2, 4, "inner", ""), (0, 10, "outer", "")]))
    assert w.covers[1] == ["outer"]
    assert w.covers[2] == ["outer", "inner"] and w.covers[3] == ["outer", "inner"]
    assert w.covers[4] == ["outer"]


def test_crossing_span_keeps_its_id_once():
    out = highlight("abcdefghij", [(0, 5, "x", "", "first"), (3, 8, "y", "", "second")])
    ids = [m.get("id") for m in walk(out).marks if m.get("id")]
    assert sorted(ids) == ["first", "second"]


def test_out_of_range_and_malformed_spans_are_clipped_or_dropped():
    spans = [(-3, 2, "left", ""), (8, 100, "right", ""), (50, 60, "gone", ""),
             (5, 3, "backwards", ""), (None, 2, "none", ""), (20, 20, "farpoint", "")]
    out = highlight("0123456789", spans)
    w = walk(out)
    assert w.text == "0123456789"
    assert w.covers[0] == ["left"] and w.covers[1] == ["left"] and w.covers[2] == []
    assert w.covers[8] == ["right"] and w.covers[9] == ["right"]
    for missing in ("gone", "backwards", "none", "farpoint"):
        assert missing not in out


def test_zero_width_span_becomes_an_empty_gap_marker():
    w = walk(highlight("abcdef", [(3, 3, "edit sentence_removed", "sentence_removed: Gone.")]))
    assert w.text == "abcdef"
    (mark,) = w.marks
    assert mark["class"] == "edit sentence_removed gap"
    assert mark["title"] == "sentence_removed: Gone."


def test_everything_is_escaped():
    text = 'a <script>alert(1)</script> & "q" \'s\''
    title = '"><img src=x onerror=alert(1)>'
    out = highlight(text, [(0, 1, 'x" onmouseover="alert(1)', title)])
    assert isinstance(out, Markup)
    assert "<script>" not in out and "<img" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "onmouseover=" not in out  # the class was reduced to harmless tokens
    w = walk(out)
    assert w.text == text
    (mark,) = w.marks
    assert set(mark) == {"class", "title"}
    assert mark["title"] == title  # round-trips: escaped in the attribute, not mangled


def test_no_spans_is_just_escaped_text():
    assert highlight("x < y", []) == Markup("x &lt; y")
    assert highlight("", [(0, 3, "a", "")]) == Markup("")


def test_limit_clips_text_and_spans_and_adds_an_ellipsis():
    text = "word " * 1000
    out = highlight(text, [(0, 4, "first", ""), (4500, 4504, "late", "")], limit=2000)
    w = walk(out)
    assert 1900 <= len(w.text) <= 2000
    assert "\u2026" in out and "late" not in out and 'class="first"' in out


def test_markup_is_not_escaped_twice_in_a_template():
    from retold.report.html import _env

    tpl = _env().from_string("<p>{{ h }}</p>")
    assert tpl.render(h=highlight("a<b", [(0, 1, "x", "")])) == '<p><mark class="x">a</mark>&lt;b</p>'
    assert tpl.render(h="a<b") == "<p>a&lt;b</p>"  # plain strings are escaped
