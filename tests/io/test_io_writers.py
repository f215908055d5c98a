"""Atomic writers: whole new file or the old one, never a half file or a stray temp file."""
from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from retold.errors import Err, RetoldIssue
from retold.io import writers
from retold.io.writers import (DOCUMENTS_SCHEMA, documents_table, write_json_atomic,
                               write_parquet_atomic, write_parquet_parts_atomic, write_text_atomic)
from retold.model import Document


def test_text_written_replaced_and_no_temp_left(tmp_path):
    target = tmp_path / "sub" / "report.html"  # parent folders are made
    write_text_atomic("first ☃", target)
    write_text_atomic("second", target)
    assert target.read_text(encoding="utf-8") == "second"
    assert sorted(p.name for p in target.parent.iterdir()) == ["report.html"]


def test_file_mode_follows_umask(tmp_path):
    old = os.umask(0o022)
    try:
        path = write_text_atomic("x", tmp_path / "f.txt")
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o644  # not the 0600 of a mkstemp file


def test_json_roundtrip_with_common_types(tmp_path):
    obj = {"when": dt.datetime(2024, 1, 2, 3, 4, 5), "out": Path("/x/y"), "ids": {"b", "a"},
           "issue": RetoldIssue(Err.E001, "f.txt"), "name": "Janša"}
    path = write_json_atomic(obj, tmp_path / "run.json")
    got = json.loads(path.read_text(encoding="utf-8"))
    assert got["when"] == "2024-01-02T03:04:05" and got["out"] == "/x/y"
    assert got["ids"] == ["a", "b"] and got["issue"]["code"] == "E001"
    assert "Janša" in path.read_text(encoding="utf-8")  # not \\u-escaped


def test_json_unknown_type_fails_and_keeps_old_file(tmp_path):
    target = tmp_path / "run.json"
    write_json_atomic({"ok": 1}, target)
    with pytest.raises(TypeError):
        write_json_atomic({"bad": object()}, target)
    assert json.loads(target.read_text()) == {"ok": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["run.json"]


def test_killed_parquet_write_keeps_old_file(tmp_path, monkeypatch):
    target = tmp_path / "pairs.parquet"
    write_parquet_atomic(pa.table({"a": ["x"]}), target)

    def crash(table, fh, **kw):
        fh.write(b"PAR1 half a file")
        raise KeyboardInterrupt  # like Ctrl-C in the middle of the write

    monkeypatch.setattr(writers.pq, "write_table", crash)
    with pytest.raises(KeyboardInterrupt):
        write_parquet_atomic(pa.table({"a": ["y", "z"]}), target)
    monkeypatch.undo()
    assert pq.read_table(target).column("a").to_pylist() == ["x"]
    assert [p.name for p in tmp_path.iterdir()] == ["pairs.parquet"]


def test_parts_written_in_order_and_a_failed_part_keeps_the_old_file(tmp_path):
    schema = pa.schema([("a", pa.string())])
    target = tmp_path / "rows.parquet"

    def parts(values):  # lazily, as the engine makes them
        for v in values:
            yield pa.table({"a": v}, schema=schema)
    write_parquet_parts_atomic(parts([["x", "y"], [], ["z"]]), schema, target)
    assert pq.read_table(target).column("a").to_pylist() == ["x", "y", "z"]
    write_parquet_parts_atomic(parts([]), schema, tmp_path / "empty.parquet")  # no part: the schema alone
    assert pq.read_table(tmp_path / "empty.parquet").schema == schema

    def failing():
        yield pa.table({"a": ["new"]}, schema=schema)
        raise ValueError("a part could not be made")
    with pytest.raises(ValueError):
        write_parquet_parts_atomic(failing(), schema, target)
    assert pq.read_table(target).column("a").to_pylist() == ["x", "y", "z"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.parquet", "rows.parquet"]


def test_documents_table_schema_and_chars(tmp_path):
    docs = [Document("a", "Janša said 12 words"), Document("b", "x", title="T", date="2024-01-01",
                                                         source="S", url="u", origin="f.txt")]
    tbl = documents_table(docs)
    assert tbl.schema == DOCUMENTS_SCHEMA
    rows = tbl.to_pylist()
    assert rows[0]["chars"] == 19  # code points, the unit of every offset
    assert rows[0]["title"] is None
    assert rows[1] == {"doc_id": "b", "text": "x", "title": "T", "date": "2024-01-01",
                       "source": "S", "url": "u", "origin": "f.txt", "chars": 1}
    path = write_parquet_atomic(tbl, tmp_path / "documents.parquet")
    assert pq.read_table(path).equals(tbl)
    assert documents_table([]).num_rows == 0
