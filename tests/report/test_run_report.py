from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from retold.errors import RetoldError
from retold.report import render_run_report

from ._fakerun import B_TEXT, XSS_IMG, XSS_SCRIPT, make_run
from ._htmlcheck import walk

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "retold" / "report" / "templates"


def cards(html: str) -> list[str]:
    return re.findall(r'<section class="card pair-card"[^>]*>.*?</section>', html, re.S)


def test_report_has_every_section(run_dir):
    html = render_run_report(run_dir)
    walk(html)  # well formed
    for anchor in ("overview", "issues", "relations", "timings", "families", "stories", "pairs"):
        assert f'id="{anchor}"' in html
    assert "corpus/docs.jsonl" in html  # inputs
    assert "E010" in html and "line is not valid JSON" in html  # issues table
    relations = re.search(r'id="relations".*?</table>', html, re.S).group(0)
    assert "passage reuse" in relations and 'style="width: 100.0%"' in relations
    assert relations.count('<td class="n">1</td>') == 3  # counts stay integers
    assert "3.00 s" in html and "4.75 s" in html  # timings and total
    assert "Family: Rally opinion" in html and '<span class="id">f1</span>' in html  # named after its earliest member
    assert re.search(r'<li class="earliest"><span class="muted">2024-03-01 \(\+0.0 d\)</span> <span class="id">orig</span>', html)
    assert "3 documents in 2 families" in html  # story s1
    assert "Story <span class=\"id\">s2</span>" not in html  # single-document story hidden


def test_pair_cards_skip_unrelated_and_are_ordered_by_severity(run_dir):
    html = render_run_report(run_dir)
    found = cards(html)
    assert [re.search(r'data-relation="(\w+)"', c).group(1) for c in found] == ["reuse", "same_story"]
    assert 'data-relation="unrelated"' not in html
    one = cards(render_run_report(run_dir, max_pairs=1))
    assert len(one) == 1 and 'data-relation="reuse"' in one[0]


def test_pair_card_shows_passages_edits_and_direction(run_dir):
    card = cards(render_run_report(run_dir))[0]
    assert ('<mark class="edit name_variant" title="name_variant: Janša → Jansa">Janša</mark>'
            in card)
    assert '<mark class="edit number_change" title="number_change: 33 → 34">34</mark>' in card
    assert "name spelt differently: <span class=\"etext\">Janša</span> &rarr; " in card
    assert "number changed" in card and "sentence removed (only in A)" in card
    assert "junk words injected (only in B): <span class=\"etext\">trending viral news" in card
    assert "site boilerplate (only in A): <span class=\"etext\">Dark Mode" in card
    assert "<strong>A</strong> most likely came first (confidence 80%)" in card
    assert "A is dated 2024-03-01, B is dated 2024-03-03" in card
    # the B passage is sliced from the document text by offsets
    assert walk(card).text.count("people attended the rally in Ljubljana") == 2


def test_document_strings_only_appear_escaped(run_dir):
    html = render_run_report(run_dir)
    assert XSS_SCRIPT not in html.replace(
        # our own inline filter script is the only <script> element on the page
        re.search(r"<script>\(function.*?</script>", html, re.S).group(0), "")
    assert "<img" not in html and "alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in html
    assert 'href="javascript:' not in html  # non-web URLs are shown as text, never linked
    assert "evil&lt;script&gt;" in html  # the id, in the card and the story list
    scripts = [a for t, a in walk(html).tags if t == "script"]
    assert scripts == [{}]


def test_page_is_self_contained_and_csp_allows_only_our_script(run_dir):
    html = render_run_report(run_dir)
    tags = walk(html).tags
    assert not [t for t, a in tags if t in ("link", "img", "iframe", "object", "embed")]
    assert not [a for t, a in tags if "src" in a]
    style = re.search(r"<style>(.*?)</style>", html, re.S).group(1)
    assert "@import" not in style and "url(" not in style and "@font-face" not in style
    script = re.search(r"<script>(.*?)</script>", html, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1)
    assert f"script-src &#39;sha256-{digest}&#39;" in csp and "default-src &#39;none&#39;" in csp


def test_readable_without_javascript(run_dir):
    w = walk(render_run_report(run_dir))
    pair_cards = [a for t, a in w.tags if "pair-card" in (a.get("class") or "")]
    assert len(pair_cards) == 2 and not any("hidden" in a for a in pair_cards)
    browsers = [a for t, a in w.tags if (a.get("id") or "").startswith("browse-")]
    assert len(browsers) == 3 and all("hidden" in a for a in browsers)  # drawn by the script only
    sections = [a for t, a in w.tags if t == "details" and "relation-section" in (a.get("class") or "")]
    assert [a["id"] for a in sections] == ["rel-reuse", "rel-same_story"] and "open" in sections[0]


def test_templates_never_mark_strings_safe():
    for path in TEMPLATES.glob("*.html"):
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"\|\s*safe\b", source), path.name
        assert "autoescape false" not in source, path.name


def test_empty_tables_render(tmp_path):
    html = render_run_report(make_run(tmp_path / "run", empty=True))
    walk(html)
    assert "No related pairs." in html and "No pairs." in html
    assert "No family has more than one document." in html
    assert "No story has more than one document." in html
    assert not cards(html)


def test_missing_optional_files_and_run_json(run_dir):
    (run_dir / "passages.parquet").unlink()
    (run_dir / "edits.parquet").unlink()
    (run_dir / "run.json").unlink()
    html = render_run_report(run_dir)
    assert "No aligned passages." in html and "run.json is missing" in html
    assert "passages.parquet is missing" not in html  # optional: no warning
    assert len(cards(html)) == 2
    assert "No input issues." in html and "passage reuse" in html  # counts from pairs.parquet


def test_not_a_run_folder(tmp_path):
    with pytest.raises(RetoldError):
        render_run_report(tmp_path)
    with pytest.raises(RetoldError):
        render_run_report(tmp_path / "nope")


def test_extra_columns_other_id_types_and_evidence(run_dir):
    pairs = pq.read_table(run_dir / "pairs.parquet")
    pairs = pairs.append_column("something_new", pa.array(["x"] * pairs.num_rows))
    assert pairs["relation"].to_pylist()[1] == "reuse"
    evidence = [None, ["B has injected junk words", "<b>A</b> is longer"], None]
    # a pipeline that writes its evidence as a list, not as the contract's "; "-joined string
    pairs = pairs.set_column(pairs.schema.get_field_index("direction_evidence"), "direction_evidence",
                             pa.array(evidence, pa.list_(pa.string())))
    pq.write_table(pairs, run_dir / "pairs.parquet")
    card = cards(render_run_report(run_dir))[0]
    assert "B has injected junk words" in card and "&lt;b&gt;A&lt;/b&gt; is longer" in card
    assert "A is dated" not in card  # the pipeline's evidence wins over the date fallback


def test_integer_ids_are_matched_as_strings(tmp_path):
    root = tmp_path / "run"
    root.mkdir()
    pq.write_table(pa.table({"doc_id": pa.array([1, 2], pa.int64()), "text": ["one two", "one two"],
                             "title": ["t1", "t2"]}), root / "documents.parquet")
    pq.write_table(pa.table({"a": pa.array([1], pa.int64()), "b": pa.array([2], pa.int64()),
                             "relation": ["exact"], "resemblance": [1.0]}), root / "pairs.parquet")
    pq.write_table(pa.table({"doc_id": pa.array([1, 2], pa.int64()), "family_id": [7, 7],
                             "story_id": [7, 7]}), root / "families.parquet")
    pq.write_table(pa.table({"a": pa.array([1], pa.int64()), "b": pa.array([2], pa.int64()),
                             "a_start": [0], "a_end": [7], "b_start": [0], "b_end": [7],
                             "identity": [1.0]}), root / "passages.parquet")
    html = render_run_report(root)
    (card,) = cards(html)
    assert "t1" in card and "t2" in card and walk(card).text.count("one two") == 2
    assert "Family: t1" in html and '<span class="id">7</span>' in html


def test_long_passages_are_clipped(run_dir):
    docs = pq.read_table(run_dir / "documents.parquet").to_pylist()
    long_text = B_TEXT + " filler" * 2000
    for d in docs:
        if d["doc_id"] == "copy":
            d["text"] = long_text
    pq.write_table(pa.Table.from_pylist(docs), run_dir / "documents.parquet")
    rows = pq.read_table(run_dir / "passages.parquet").to_pylist()
    rows[0]["b_end"] = len(long_text)
    pq.write_table(pa.Table.from_pylist(rows), run_dir / "passages.parquet")
    card = cards(render_run_report(run_dir))[0]
    assert "\u2026</span>" in card
    assert walk(card).text.count("filler") < 400


def test_run_json_fields_are_escaped_too(run_dir):
    meta = json.loads((run_dir / "run.json").read_text())
    meta["config"]["weird"] = XSS_IMG
    meta["timings"]["<b>stage</b>"] = 1.0
    (run_dir / "run.json").write_text(json.dumps(meta))
    html = render_run_report(run_dir)
    assert "<b>stage</b>" not in html and "&lt;b&gt;stage&lt;/b&gt;" in html
    assert "run-&lt;script&gt;" in html and "<img" not in html


def test_report_data_cannot_break_out_of_its_textarea(run_dir):
    docs = pq.read_table(run_dir / "documents.parquet").to_pylist()
    evil = '</textarea><img src=x onerror=alert(1)>&lt;b&gt;'
    for d in docs:
        if d["doc_id"] == "copy":
            d["title"] = evil
    pq.write_table(pa.Table.from_pylist(docs), run_dir / "documents.parquet")
    html = render_run_report(run_dir)
    assert "</textarea><img" not in html and "<img" not in html
    assert html.count("</textarea>") == 1
    import html as htmllib
    raw = re.search(r'<textarea id="report-data"[^>]*>(.*?)</textarea>', html, re.S).group(1)
    data = json.loads(htmllib.unescape(raw))
    assert [d[1] for d in data["docs"] if d[0] == "copy"] == [evil]  # the browser reads it back as it was
