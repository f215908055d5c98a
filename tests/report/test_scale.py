"""The run report with 10,000 families: every relation, family and story reachable, the
page itself bounded, what matters first."""
from __future__ import annotations

import html as htmllib
import json
import re

import pytest

from retold.report import render_run_report
from retold.report.html import CARDS_PER_RELATION, MAX_GROUPS

from ._bigrun import make_big_run
from ._fakerun import XSS_SCRIPT
from ._htmlcheck import walk

N = 10_000


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    run = make_big_run(tmp_path_factory.mktemp("big"), N)
    return render_run_report(run)


def _data(html: str) -> dict:
    raw = re.search(r'<textarea id="report-data"[^>]*>(.*?)</textarea>', html, re.S).group(1)
    return json.loads(htmllib.unescape(raw))


def test_every_pair_family_and_story_is_in_the_browsable_data(big):
    data = _data(big)
    assert len(data["pairs"]) == 2 * N
    assert len(data["families"]) == N and len(data["stories"]) == N // 2
    rels = [data["rel"][p[2]] for p in data["pairs"]]
    # rewrites and reuse first, exact copies last
    assert rels[0] == "rewrite" and rels[-1] == "exact"
    first_reuse, first_exact = rels.index("reuse"), rels.index("exact")
    assert first_reuse < rels.index("near_duplicate") < rels.index("same_story") < first_exact
    # families are named after their earliest member, not their id
    fam0 = next(f for f in data["families"] if f[0] == "fam:f00000-copy2")
    assert data["docs"][fam0[1]][0] == "f00000-orig" and fam0[2] == 3
    members = [(data["docs"][m[0]][0], m[1] >= 0 and data["docs"][m[1]][0]) for m in fam0[6]]
    assert members == [("f00000-orig", False), ("f00000-copy1", "f00000-orig"),
                       ("f00000-copy2", "f00000-copy1")]


def test_page_stays_bounded(big):
    w = walk(big)
    cards = [a for t, a in w.tags if "pair-card" in (a.get("class") or "")]
    assert len(cards) <= 5 * CARDS_PER_RELATION
    groups = [a for t, a in w.tags if "group-card" in (a.get("class") or "")]
    assert len(groups) == 2 * MAX_GROUPS
    sections = [a["id"] for t, a in w.tags if t == "details" and "relation-section" in (a.get("class") or "")]
    assert sections == ["rel-rewrite", "rel-reuse", "rel-near_duplicate", "rel-same_story", "rel-exact"]
    assert len(big) < 12_000_000


def test_hostile_title_in_the_data_stays_text(big):
    assert XSS_SCRIPT not in big.replace(re.search(r"<script>\(function.*?</script>", big, re.S).group(0), "")
    assert XSS_SCRIPT in json.dumps(_data(big)["docs"])


def test_a_bigger_run_lists_its_strongest_and_largest_and_points_to_serve(tmp_path, monkeypatch):
    import retold.report.html as H
    n = 300  # families of three (original day k, copies after it), stories of two families
    run = make_big_run(tmp_path / "run", n)
    monkeypatch.setattr(H, "MAX_BROWSE", 100)
    monkeypatch.setattr(H, "MAX_BROWSE_MEMBERS", 120)
    monkeypatch.setattr(H, "READ_BATCH", 64)  # the texts and edits are read in many batches
    page = render_run_report(run)
    data = _data(page)
    assert len(data["pairs"]) == 100
    # 120 members: 40 families of three, 20 stories of six
    assert len(data["families"]) == 40 and len(data["stories"]) == 20
    # the same families a full sort would put first: all of one size, so earliest date, then id
    first_day = {f"fam:f{k:05d}-copy2": f"2025-{1 + k % 12:02d}-{1 + k % 20:02d}" for k in range(n)}
    want = sorted(first_day, key=lambda f: (first_day[f], f))[:40]
    assert [f[0] for f in data["families"]] == want
    # the page still counts every pair, family and story, and says where the rest are
    text = htmllib.unescape(re.sub(r"<[^>]+>", "", page))
    assert "The 100 strongest of 600 related pairs are listed here" in text
    assert "The table lists the 40 largest of 300" in text and "the 20 largest of 150" in text
    assert text.count("retold serve --store retold.duckdb") == 3


def test_picking_rows_out_of_a_big_table_reads_it_batch_by_batch(tmp_path, monkeypatch):
    import pyarrow as pa
    import pyarrow.parquet as pq
    import retold.report.html as H
    path = tmp_path / "edits.parquet"
    pq.write_table(pa.table({"a": [f"d{k % 50}" for k in range(1000)], "a_start": list(range(1000))}), path,
                   row_group_size=128)
    monkeypatch.setattr(H, "READ_BATCH", 64)
    notes: list[str] = []
    got = H._read(path, ("a", "a_start", "b"), notes, keep=("a", {"d7", "d42", "nowhere"}))
    assert got["a_start"].to_pylist() == [k for k in range(1000) if k % 50 in (7, 42)]
    assert got["b"].null_count == got.num_rows and notes == []


def test_pairs_without_a_relation_are_not_related():
    import pyarrow as pa
    from retold.report.html import _related
    for rels in (["reuse", None], ["reuse", None, "unrelated"], ["reuse", "exact"]):
        got = _related(pa.table({"relation": pa.array(rels, pa.string())}))["relation"].to_pylist()
        assert got == [r for r in rels if r not in (None, "unrelated")]
