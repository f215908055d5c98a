"""Incremental runs (issue 12): `retold run NEW --store FILE` on a store that holds documents."""
from __future__ import annotations

import random
import shutil
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

import retold
from retold.engine.runfolder import remove_run_files
from retold.io.store import Store
from retold.story.neighbours import Neighbours
from retold.story.stream import stream_stories

DEMO = Path(__file__).resolve().parents[2] / "demo" / "corpus" / "docs.jsonl"
SUBSET = 300  # of the demo's 621 documents: the whole corpus is measured in the README


def _families(store: Path) -> dict[str, tuple[str, str]]:
    with Store(store, read_only=True) as s:
        return {r["doc_id"]: (r["family_id"], r["story_id"]) for r in s.table("families").to_pylist()}


def _pairs(store: Path) -> dict[tuple[str, str], str]:
    with Store(store, read_only=True) as s:
        return {tuple(sorted((r["a"], r["b"]))): r["relation"] for r in s.table("pairs").to_pylist()}


def _snapshot(store: Path) -> dict[str, list]:
    with Store(store, read_only=True) as s:
        out = {t: sorted(map(str, s.table(t).to_pylist()))
               for t in ("documents", "pairs", "passages", "edits", "families")}
        out["formula"] = s.formula().tolist()
        return out


def _partition(m: dict[str, str]) -> set[frozenset]:
    groups: dict[str, set] = {}
    for d, g in m.items():
        groups.setdefault(g, set()).add(d)
    return {frozenset(g) for g in groups.values()}


@pytest.fixture(scope="module")
def halves(tmp_path_factory):
    """The demo subset shuffled (seed 7) and split in two halves: one run of the union into
    its own store, and the two halves run one after the other into another store."""
    root = tmp_path_factory.mktemp("incremental")
    lines = DEMO.read_text(encoding="utf-8").splitlines()
    random.Random(7).shuffle(lines)
    lines = lines[:SUBSET]
    half = len(lines) // 2
    for name, part in (("a", lines[:half]), ("b", lines[half:]), ("all", lines)):
        (root / f"{name}.jsonl").write_text("\n".join(part) + "\n", encoding="utf-8")
    retold.run([root / "all.jsonl"], out=root / "run-all", store=root / "union.duckdb")
    retold.run([root / "a.jsonl"], out=root / "run-a", store=root / "inc.duckdb")
    shutil.copy(root / "inc.duckdb", root / "first-half.duckdb")  # the store before the second half
    second = retold.run([root / "b.jsonl"], out=root / "run-b", store=root / "inc.duckdb")
    ids = {name: set(pq.read_table(root / f"run-{name}" / "documents.parquet").column("doc_id").to_pylist())
           for name in ("a", "b")}
    return root, ids, second


def test_two_halves_give_the_families_of_one_run_on_the_union(halves):
    root, _, _ = halves
    union, inc = _families(root / "union.duckdb"), _families(root / "inc.duckdb")
    assert set(union) == set(inc) and len(union) == SUBSET
    assert {d: f for d, (f, _) in inc.items()} == {d: f for d, (f, _) in union.items()}  # same ids too
    assert any(len(g) > 1 for g in _partition({d: f for d, (f, _) in inc.items()}))


def test_pairs_between_the_halves_are_found_and_stored(halves):
    root, ids, second = halves
    inc, union = _pairs(root / "inc.duckdb"), _pairs(root / "union.duckdb")
    across = {k for k in inc if (k[0] in ids["a"]) != (k[1] in ids["a"])}
    assert across, "no pair between a stored and a new document"
    # the compared pairs are the union run's: between the halves, and within the first half
    # (compared again where the second half changed a site's chrome or the formula)
    compared = {k: r for k, r in union.items() if r != "same_story"}
    assert {k: r for k, r in inc.items() if r != "same_story"} == compared
    assert any((k[0] in ids["a"]) != (k[1] in ids["a"]) for k in compared)
    assert second.counts["new_documents"] == len(ids["b"])
    assert second.counts["store_documents"] == SUBSET


def test_stored_documents_are_not_sketched_again(halves):
    root, ids, second = halves
    assert second.counts["sketched_documents"] == len(ids["b"])
    # the story features of the stored documents are read too; their article text is made
    # again only where the union's chrome or read-past n-grams touch it
    assert second.counts["story_features_computed"] <= len(ids["b"])
    assert second.counts["article_texts_computed"] < SUBSET - 50
    with Store(root / "inc.duckdb", read_only=True) as s:
        stored = s.table("sketches").to_pylist()
    assert {r["doc_id"] for r in stored} == ids["a"] | ids["b"]
    # a stored sketch equals the one a plain run makes of the same text
    batch = np.load(root / "run-all" / "stages" / "sketch.npz")
    order = pq.read_table(root / "run-all" / "documents.parquet").column("doc_id").to_pylist()
    row = {r["doc_id"]: r for r in stored}
    for i in (0, len(order) // 2, len(order) - 1):
        r = row[order[i]]
        assert np.frombuffer(r["signature"], "<u4").tolist() == batch["signatures"][i].tolist()
        assert r["content_hash"] == str(batch["content_hashes"][i])


def test_a_store_without_sketches_or_story_features_works_as_before(halves, tmp_path):
    root, ids, _ = halves
    store = tmp_path / "old.duckdb"
    shutil.copy(root / "first-half.duckdb", store)
    with Store(store) as s:  # a store written before the sketches and story features tables
        s.con.execute("DROP TABLE sketches")
        s.con.execute("DROP TABLE story_features")
    with Store(store, read_only=True) as s:
        assert not {"sketches", "story_features"} & s._tables()
    r = retold.run([root / "b.jsonl"], out=tmp_path / "run", store=store)
    assert r.counts["sketched_documents"] == SUBSET  # every stored document, as before
    assert r.counts["story_features_computed"] > SUBSET - 20  # every representative
    assert _families(store) == _families(root / "inc.duckdb")
    assert _pairs(store) == _pairs(root / "inc.duckdb")
    with Store(store, read_only=True) as s:  # the run left the sketches of the whole store
        assert {x["doc_id"] for x in s.table("sketches").to_pylist()} == ids["a"] | ids["b"]
        assert len(s.table("story_features")) > SUBSET - 20


def test_a_sketch_of_other_options_or_another_text_is_not_used(halves, tmp_path):
    root, ids, _ = halves
    store = tmp_path / "other.duckdb"
    shutil.copy(root / "first-half.duckdb", store)
    stale = sorted(ids["a"])[:5]
    with Store(store) as s:  # sketches of another version, and of texts since replaced
        s.con.execute("UPDATE sketches SET key = 'retold=0.0.0' WHERE doc_id IN (SELECT unnest(?::VARCHAR[]))",
                      [stale[:3]])
        s.con.execute("UPDATE sketches SET text_md5 = md5('another text') WHERE doc_id IN "
                      "(SELECT unnest(?::VARCHAR[]))", [stale[3:]])
    r = retold.run([root / "b.jsonl"], out=tmp_path / "run", store=store)
    assert r.counts["sketched_documents"] == len(ids["b"]) + len(stale)
    assert _pairs(store) == _pairs(root / "inc.duckdb")


def test_every_document_has_a_stream_story_and_the_run_folder_lists_its_own(halves):
    root, ids, _ = halves
    inc = _families(root / "inc.duckdb")
    assert all(f and s for f, s in inc.values())
    run_b = pq.read_table(root / "run-b" / "families.parquet").to_pylist()
    assert {r["doc_id"] for r in run_b} == ids["b"]
    assert all(inc[r["doc_id"]] == (r["family_id"], r["story_id"]) for r in run_b)
    # some new document joined a story of the stored half
    story_of = {d: s for d, (_, s) in inc.items()}
    assert any(story_of[d] in {story_of[x] for x in ids["a"]} for d in ids["b"])


def test_adding_the_same_documents_again_changes_nothing(halves, tmp_path):
    root, _, _ = halves
    store = tmp_path / "again.duckdb"
    shutil.copy(root / "inc.duckdb", store)
    before = _snapshot(store)
    r = retold.run([root / "b.jsonl"], out=tmp_path / "run", store=store)
    assert r.counts["new_documents"] == 0 and r.counts["candidate_pairs"] == 0
    assert _snapshot(store) == before
    # the stage files of an incremental run sit per store state; --force clears them
    assert list((tmp_path / "run" / "stages").glob("store-*/sketch.npz"))
    remove_run_files(tmp_path / "run")
    assert not list((tmp_path / "run" / "stages").glob("store-*"))
    assert not (tmp_path / "run" / "stages" / "families.store.parquet").exists()
    assert not list((tmp_path / "run" / "stages").glob("*.parquet"))  # sketches and story features too


def test_an_empty_store_is_a_plain_run(tmp_path):
    lines = DEMO.read_text(encoding="utf-8").splitlines()[:60]
    src = tmp_path / "docs.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    Store(tmp_path / "empty.duckdb").close()  # tables, no documents
    plain = retold.run([src], out=tmp_path / "plain")
    into = retold.run([src], out=tmp_path / "into", store=tmp_path / "empty.duckdb")
    for name in ("pairs", "families", "passages", "edits"):
        assert plain.table(name).equals(into.table(name)), name
    assert "new_documents" not in into.counts
    assert not (tmp_path / "into" / "stages" / "families.store.parquet").exists()


def test_stream_assignment_keeps_known_labels_and_extends_them():
    # documents 0, 1 stored in stories 0 and 1; 2 is close to 1; 3 is close to nothing
    index = np.array([[-1, -1], [-1, -1], [1, 0], [0, -1]])
    sim = np.array([[0, 0], [0, 0], [0.9, 0.01], [0.01, 0]], dtype=float)
    labels = stream_stories(Neighbours(index, sim), np.arange(4), 0.12, known=np.array([0, 1, -1, -1]))
    assert labels.tolist() == [0, 1, 1, 2]


def test_a_title_segment_that_becomes_site_chrome_is_read_again(tmp_path):
    """Two stored titles of one site end in its name; a third makes the name the site's title
    chrome, so the stored features of the first two (made with the name read) are not used."""
    import json
    lines = [json.loads(x) for x in DEMO.read_text(encoding="utf-8").splitlines()[:40]]

    def write(name, rows, titles):
        recs = [{"id": r["id"], "text": r["text"], "title": titles.get(k), "date": r.get("date"),
                 "source": "ledger.example" if k in titles else r.get("source")} for k, r in enumerate(rows)]
        (tmp_path / name).write_text("\n".join(json.dumps(r) for r in recs) + "\n", encoding="utf-8")
        return tmp_path / name

    a = write("a.jsonl", lines[:30], {0: "Dam bursts - The Valley Ledger", 1: "Mayor quits - The Valley Ledger"})
    computed = {}
    for case, late in (("other", "Flood warning - Hill Gazette"), ("third", "Flood warning - The Valley Ledger")):
        store = tmp_path / f"{case}.duckdb"
        retold.run([a], out=tmp_path / f"{case}-a", store=store)
        if case == "other":
            again = retold.run([a], out=tmp_path / "again", store=store)
            assert again.counts["story_features_computed"] == 0  # nothing changed: all stored
        b = write(f"b-{case}.jsonl", lines[30:], {0: late})
        computed[case] = retold.run([b], out=tmp_path / f"{case}-b", store=store).counts["story_features_computed"]
    # the third title makes "The Valley Ledger" chrome: the two stored items are read again
    assert computed["third"] == computed["other"] + 2
