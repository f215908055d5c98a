"""DuckDB store: incremental ingest of run folders, safe with hostile ids."""
from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from retold.errors import Err, RetoldError
from retold.io.store import Store
from retold.io.writers import documents_table, write_json_atomic, write_parquet_atomic
from retold.model import Document

EVIL = "x'); DROP TABLE documents;--"


def pair(a, b, relation="reuse", **kw):
    row = {"a": a, "b": b, "relation": relation, "resemblance": 0.5, "containment_a": 0.6,
           "containment_b": 0.4, "story": 0.7, "direction": "a", "direction_confidence": 0.8,
           "coverage_a": 0.5, "coverage_b": 0.3, "residual": 0.2, "anchors": 4}
    return row | kw


def passage(a, b, start=0):
    return {"a": a, "b": b, "a_start": start, "a_end": start + 10, "b_start": start,
            "b_end": start + 10, "identity": 1.0}


def edit(a, b, kind="name_variant"):
    return {"a": a, "b": b, "type": kind, "a_start": 0, "a_end": 5, "b_start": 0, "b_end": 4,
            "a_text": "Janša", "b_text": "Jansa"}


def make_run(folder: Path, run_id: str, docs: list[Document], pairs=(), passages=(), edits=(),
             families=None) -> Path:
    write_parquet_atomic(documents_table(docs), folder / "documents.parquet")
    for name, rows in (("pairs", pairs), ("passages", passages), ("edits", edits)):
        write_parquet_atomic(pa.Table.from_pylist(list(rows)), folder / f"{name}.parquet")
    fam = families or [{"doc_id": d.doc_id, "family_id": d.doc_id, "story_id": d.doc_id}
                       for d in docs]
    write_parquet_atomic(pa.Table.from_pylist(fam), folder / "families.parquet")
    write_json_atomic({"run_id": run_id, "started": "2024-01-01T00:00:00+00:00",
                       "finished": "2024-01-01T00:01:00+00:00", "config": {"shingle_n": 5},
                       "counts": {"documents": len(docs)}, "timings": {}}, folder / "run.json")
    return folder


def test_two_runs_grow_the_store(tmp_path):
    run1 = make_run(tmp_path / "r1", "run-1",
                    [Document("d1", "one"), Document("d2", "two")],
                    pairs=[pair("d1", "d2", "near_duplicate")],
                    passages=[passage("d1", "d2"), passage("d1", "d2", 20)],
                    edits=[edit("d1", "d2")],
                    families=[{"doc_id": "d1", "family_id": "f1", "story_id": "s1"},
                              {"doc_id": "d2", "family_id": "f1", "story_id": "s1"}])
    run2 = make_run(tmp_path / "r2", "run-2",
                    [Document("d2", "two, cleaner"), Document("d3", "three")],
                    # d1/d2 analysed again, sides swapped: it replaces the old pair and its rows
                    pairs=[pair("d2", "d1", "reuse"), pair("d3", "d2", "rewrite")],
                    passages=[passage("d2", "d1", 5), passage("d3", "d2")],
                    edits=[],
                    families=[{"doc_id": "d2", "family_id": "f2", "story_id": "s1"},
                              {"doc_id": "d3", "family_id": "f2", "story_id": "s1"}])
    with Store(tmp_path / "store.duckdb") as store:
        added = store.ingest_run(run1)
        assert added == {"documents": 2, "pairs": 1, "passages": 2, "edits": 1, "families": 2}
        assert store.doc_ids() == {"d1", "d2"}
        store.ingest_run(run2)
        assert store.doc_ids() == {"d1", "d2", "d3"}
        docs = {r["doc_id"]: r for r in store.documents().to_pylist()}
        assert docs["d1"]["text"] == "one" and docs["d2"]["text"] == "two, cleaner"
        assert docs["d2"]["chars"] == 12
        pairs = store.table("pairs").to_pylist()
        assert [(p["a"], p["b"], p["relation"]) for p in pairs] == [
            ("d2", "d1", "reuse"), ("d3", "d2", "rewrite")]
        assert [(p["a"], p["a_start"]) for p in store.table("passages").to_pylist()] == [
            ("d2", 5), ("d3", 0)]
        assert store.table("edits").num_rows == 0  # d1/d2's old edit went with its pair
        fam = {r["doc_id"]: r["family_id"] for r in store.table("families").to_pylist()}
        assert fam == {"d1": "f1", "d2": "f2", "d3": "f2"}
        runs = store.table("runs").to_pylist()
        assert [r["run_id"] for r in runs] == ["run-1", "run-2"]
        assert json.loads(runs[0]["config_json"]) == {"shingle_n": 5}
        assert json.loads(runs[1]["counts_json"]) == {"documents": 2}
        assert [(p["a"], p["b"]) for p in store.pairs_for("d2")] == [
            ("d2", "d1"), ("d3", "d2")]  # strongest relation first: reuse, then rewrite
    # the file persists; a read-only reopen sees the same
    with Store(tmp_path / "store.duckdb", read_only=True) as store:
        assert store.doc_ids() == {"d1", "d2", "d3"}
        assert store.documents(["d3", "nope"]).column("doc_id").to_pylist() == ["d3"]


def test_reingest_same_run_is_idempotent(tmp_path):
    run = make_run(tmp_path / "r", "run-1", [Document("a", "x"), Document("b", "y")],
                   pairs=[pair("a", "b")], passages=[passage("a", "b")])
    with Store(tmp_path / "s.duckdb") as store:
        store.ingest_run(run)
        before = {t: store.table(t).num_rows for t in ("documents", "pairs", "passages", "runs")}
        store.ingest_run(run)
        after = {t: store.table(t).num_rows for t in ("documents", "pairs", "passages", "runs")}
    assert before == after == {"documents": 2, "pairs": 1, "passages": 1, "runs": 1}


def test_hostile_ids_and_text_are_stored_safely(tmp_path):
    quote = 'He said "it\'s fine"; DELETE FROM pairs; --'
    run = make_run(tmp_path / "r", "run'); DROP TABLE runs;--",
                   [Document(EVIL, quote), Document('y"z', "other")],
                   pairs=[pair(EVIL, 'y"z')], passages=[passage(EVIL, 'y"z')])
    with Store(tmp_path / "s.duckdb") as store:
        store.ingest_run(run)
        assert store.doc_ids() == {EVIL, 'y"z'}
        [row] = store.documents([EVIL]).to_pylist()
        assert row["text"] == quote
        assert [p["a"] for p in store.pairs_for(EVIL)] == [EVIL]
        assert store.table("runs").column("run_id").to_pylist() == ["run'); DROP TABLE runs;--"]
        assert store.table("pairs").num_rows == 1


def test_missing_run_json_leaves_store_unchanged(tmp_path):
    run = make_run(tmp_path / "r", "run-1", [Document("a", "x")])
    (run / "run.json").unlink()
    with Store(tmp_path / "s.duckdb") as store:
        with pytest.raises(RetoldError) as e:
            store.ingest_run(run)
        assert e.value.code is Err.E004 and "run.json" in str(e.value)
        assert store.doc_ids() == set()


def test_broken_parquet_rolls_back(tmp_path):
    good = make_run(tmp_path / "good", "run-1", [Document("a", "x")])
    bad = make_run(tmp_path / "bad", "run-2", [Document("b", "y")],
                   pairs=[pair("b", "a")])
    pq.write_table(pa.table({"x": [1]}), bad / "passages.parquet")  # no a/b columns
    with Store(tmp_path / "s.duckdb") as store:
        store.ingest_run(good)
        with pytest.raises(RetoldError) as e:
            store.ingest_run(bad)
        assert e.value.code is Err.E004
        assert store.doc_ids() == {"a"}  # run-2's documents were not half-added
        assert store.table("runs").column("run_id").to_pylist() == ["run-1"]


def test_extra_columns_are_kept_and_missing_ones_are_null(tmp_path):
    run = make_run(tmp_path / "r", "run-1", [Document("a", "x"), Document("b", "y")],
                   pairs=[{"a": "a", "b": "b", "relation": "exact", "new_score": 0.25}])
    with Store(tmp_path / "s.duckdb") as store:
        store.ingest_run(run)
        [row] = store.table("pairs").to_pylist()
        assert row["new_score"] == 0.25 and row["resemblance"] is None


def test_empty_tables_and_unknown_table_name(tmp_path):
    run = make_run(tmp_path / "r", "run-1", [Document("solo", "alone")])
    with Store(tmp_path / "s.duckdb") as store:
        store.ingest_run(run)  # pairs/passages/edits written with no rows and no columns
        assert store.pairs_for("solo") == []
        assert store.table("edits").num_rows == 0
        with pytest.raises(ValueError):
            store.table("documents; DROP TABLE documents")


def test_a_later_run_without_titles_and_dates_keeps_the_stored_ones(tmp_path):
    """The same articles read again from .txt files (no title, no date) must not blank what
    a JSONL run stored; a new non-null value still wins."""
    first = make_run(tmp_path / "r1", "run-1", [
        Document("a", "alpha text", title="Alpha", date="2024-03-05", source="site.example",
                 url="https://site.example/a"),
        Document("b", "beta text", title="Beta", date="2024-03-06")])
    again = make_run(tmp_path / "r2", "run-2", [
        Document("a", "alpha text, cleaned"), Document("b", "beta text", title="Beta, corrected")])
    with Store(tmp_path / "s.duckdb") as store:
        store.ingest_run(first)
        store.ingest_run(again)
        docs = {r["doc_id"]: r for r in store.documents().to_pylist()}
    assert len(docs) == 2
    a, b = docs["a"], docs["b"]
    assert (a["title"], a["date"], a["source"], a["url"]) == (
        "Alpha", "2024-03-05", "site.example", "https://site.example/a")
    assert a["text"] == "alpha text, cleaned" and a["chars"] == len("alpha text, cleaned")
    assert (b["title"], b["date"]) == ("Beta, corrected", "2024-03-06")


_HOLD = """
import sys, duckdb
con = duckdb.connect(sys.argv[1])
con.execute("CREATE TABLE IF NOT EXISTS held (x INTEGER)")
print("holding", flush=True)
sys.stdin.readline()
con.close()
"""


def test_a_store_held_by_another_process_is_a_coded_error_then_waited_for(tmp_path):
    import subprocess
    import sys
    import threading
    path = tmp_path / "s.duckdb"
    holder = subprocess.Popen([sys.executable, "-c", _HOLD, str(path)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        for read_only in (False, True):
            with pytest.raises(RetoldError) as e:
                Store(path, read_only=read_only)
            assert e.value.code is Err.E050 and str(path) in str(e.value)
            assert f"pid {holder.pid}" in str(e.value) and "--store" in str(e.value)
        # with a wait, a writer gets the store once the holder lets it go (runs serialise)
        got: list = []
        waiter = threading.Thread(target=lambda: got.append(Store(path, wait=120)))
        waiter.start()
        holder.stdin.write("\n")
        holder.stdin.flush()
        waiter.join()
        assert len(got) == 1
        got[0].close()
    finally:
        holder.kill()
        holder.wait()


def test_a_file_that_is_not_a_store_is_a_coded_error(tmp_path):
    f = tmp_path / "notes.duckdb"
    f.write_text("my own notes, not a database\n" * 200)
    with pytest.raises(RetoldError) as e:
        Store(f)
    assert e.value.code is Err.E057 and "notes.duckdb" in str(e.value)
    assert f.read_text().startswith("my own notes")  # left as it was


def test_a_store_made_by_an_older_retold_is_upgraded_in_place(tmp_path):
    import duckdb
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))  # an early schema: fewer columns, no formula table
    con.execute("CREATE TABLE documents (doc_id VARCHAR, text VARCHAR, title VARCHAR, date VARCHAR, "
                "source VARCHAR, url VARCHAR)")
    con.execute("INSERT INTO documents VALUES ('old', 'kept text', 'Kept', '2020-01-01', NULL, NULL)")
    con.execute("CREATE TABLE pairs (a VARCHAR, b VARCHAR, relation VARCHAR)")
    con.close()
    run = make_run(tmp_path / "r", "run-1", [Document("old", "kept text"), Document("new", "y")],
                   pairs=[pair("old", "new")])
    with Store(path) as store:
        store.ingest_run(run)
        docs = {r["doc_id"]: r for r in store.documents().to_pylist()}
        assert docs["old"]["title"] == "Kept" and docs["old"]["chars"] == len("kept text")
        assert {"origin", "chars"} <= set(docs["new"])  # columns the old schema lacked
        [p] = store.table("pairs").to_pylist()
        assert p["resemblance"] == 0.5 and p["relation"] == "reuse"
        assert len(store.formula()) == 0
