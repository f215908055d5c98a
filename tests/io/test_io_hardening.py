"""Issue 11, the input side: hostile and broken inputs are bounded, reported and accounted for."""
from __future__ import annotations

import gzip
import io
import json
import os
import shutil
import socket
import tempfile
import threading
import tracemalloc
import zlib
from pathlib import Path

import pytest
from rich.console import Console

from retold.errors import Err, RetoldIssue
from retold.io import limits, readers
from retold.io.readers import (file_doc_id, input_accounting, iter_documents, parse_input_date,
                               read_one, write_rejects)
from retold.text.safe import repair_surrogates, terminal_safe

from .test_io_readers import jsonl, page, warc_bytes

HOSTILE = "evil\x1b[2J\x1b]8;;http://x.example\x07link\x1b]8;;\x07\u202egnp.exe\x9b31m"


def read(*paths, timeout: float = 20.0):
    """iter_documents in a thread with a timeout: a hang fails the test instead of the suite."""
    out: dict = {}

    def work():
        issues = []
        try:
            out["docs"] = list(iter_documents(list(paths), issues))
        except BaseException as e:  # noqa: BLE001  # surfaced below
            out["error"] = e
        out["issues"] = issues

    t = threading.Thread(target=work, daemon=True)
    t.start()
    t.join(timeout)
    assert not t.is_alive(), f"reading {paths} hung for {timeout} s"
    if "error" in out:
        raise out["error"]
    return out["docs"], out["issues"]


def where_codes(issues):
    return [(i.code, Path(i.where.split("#")[0]).name) for i in issues]


# --- 1. lone surrogates -----------------------------------------------------------------------
def test_lone_surrogates_are_repaired_reported_and_the_other_records_survive(tmp_path):
    f = tmp_path / "s.jsonl"
    f.write_text(
        '{"id": "bad \\ud800 id", "text": "fine text"}\n'
        '{"id": "t", "text": "bad \\ud800 y", "title": "x \\udfff", "tag": ["\\ud83d"]}\n'
        '{"id": "pair", "text": "a real pair \\ud83d\\ude00 stays"}\n'
        '{"id": "ok", "text": "good"}\n')
    docs, issues = read(f)
    assert [d.doc_id for d in docs] == ["bad \ufffd id", "t", "pair", "ok"]
    assert docs[1].text == "bad \ufffd y" and docs[1].title == "x \ufffd"
    assert docs[1].meta == {"tag": ["\ufffd"]}
    assert docs[2].text == "a real pair \U0001F600 stays"  # an escaped pair is one character
    assert [(i.code, i.where) for i in issues] == [(Err.E040, f"{f}:1"), (Err.E040, f"{f}:2")]
    assert "in id" in issues[0].detail
    assert "text, title" in issues[1].detail and issues[0].code.kind == "repaired"
    for d in docs:  # every field writable as UTF-8 now
        json.dumps(d.to_row(), ensure_ascii=False).encode("utf-8")


def test_read_one_and_compare_survive_surrogates(tmp_path):
    import retold

    f = tmp_path / "one.jsonl"
    f.write_text('{"id": "a\\udc80", "text": "The council approved \\ud800 the budget on Monday."}\n')
    d = read_one(f)
    assert d.doc_id == "a\ufffd" and "\ufffd" in d.text
    lit = read_one("literal text \ud800 given to compare")
    c = retold.compare(d, lit)
    json.dumps(c.to_dict(), ensure_ascii=False).encode("utf-8")  # what compare --json prints


def test_undecodable_file_name_gives_a_repaired_id(tmp_path):
    name = os.fsdecode(b"caf\xe9.txt")  # not UTF-8: Python holds it as a surrogate escape
    (tmp_path / name).write_text("a text under an odd name")  # Linux file systems take any bytes
    docs, issues = read(tmp_path)
    assert [d.doc_id for d in docs] == ["caf\ufffd"]
    assert [i.code for i in issues] == [Err.E040]
    json.dumps([i.to_dict() for i in issues], ensure_ascii=False).encode("utf-8")


def test_issue_text_is_always_encodable_and_terminal_safe():
    i = RetoldIssue(Err.E013, "x\udcff.jsonl:3", f"id {HOSTILE!r}")
    assert "\udcff" not in i.where
    s = str(i)
    s.encode("utf-8")
    assert "\x1b" not in s and "\u202e" not in s and "\x9b" not in s and "\x07" not in s


# --- 2. special files -------------------------------------------------------------------------
def test_fifo_socket_device_and_symlink_loop_are_skipped_with_codes(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "good.txt").write_text("a real article")
    os.mkfifo(d / "pipe.txt")  # opening it would block until a writer comes: never here
    (d / "loop1.txt").symlink_to(d / "loop2.txt")
    (d / "loop2.txt").symlink_to(d / "loop1.txt")
    (d / "null.txt").symlink_to(os.devnull)
    sockdir = tempfile.mkdtemp(prefix="rt")  # a socket path must be short
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.bind(os.path.join(sockdir, "s.txt"))
        (d / "sock.txt").symlink_to(os.path.join(sockdir, "s.txt"))
        docs, issues = read(d)
    finally:
        sock.close()
        shutil.rmtree(sockdir, ignore_errors=True)
    assert [x.doc_id for x in docs] == ["good"]
    got = {(i.code, Path(i.where).name): i.detail for i in issues}
    assert set(got) == {(Err.E042, "loop1.txt"), (Err.E042, "loop2.txt"),
                        (Err.E041, "null.txt"), (Err.E041, "pipe.txt"), (Err.E041, "sock.txt")}
    assert "FIFO" in got[(Err.E041, "pipe.txt")] and "socket" in got[(Err.E041, "sock.txt")]
    assert "character device" in got[(Err.E041, "null.txt")]
    assert "symlink loop" in got[(Err.E042, "loop1.txt")]


def test_fifo_given_by_path_and_swapped_in_after_listing(tmp_path, monkeypatch):
    os.mkfifo(tmp_path / "p.jsonl")
    docs, issues = read(tmp_path / "p.jsonl")
    assert docs == [] and [i.code for i in issues] == [Err.E041]
    # the check is made again on the opened descriptor (a file swapped for a FIFO after stat)
    with pytest.raises(limits.NotRegularFile):
        limits.open_regular(tmp_path / "p.jsonl")


# --- 3. size limits ---------------------------------------------------------------------------
def _bomb(path: Path, total: int, fill: bytes = b"\0", prefix: bytes = b"") -> Path:
    """A valid gzip file of `prefix` then `total` bytes of `fill`, made in about a second:
    one fully flushed deflate block of 1 MiB is repeated (a full flush makes each block
    independent of the ones before)."""
    import struct

    chunk = fill * (2**20 // len(fill))
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = c.compress(prefix) + c.flush(zlib.Z_FULL_FLUSH)
    block = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
    n = total // len(chunk)
    crc = zlib.crc32(prefix)
    for _ in range(n):
        crc = zlib.crc32(chunk, crc)
    with open(path, "wb") as fh:
        fh.write(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + head)
        for _ in range(n):
            fh.write(block)
        fh.write(c.flush() + struct.pack("<II", crc, (len(prefix) + n * len(chunk)) & 0xFFFFFFFF))
    return path


def test_bomb_helper_makes_valid_gzip(tmp_path):
    f = _bomb(tmp_path / "b.gz", 3 << 20, b"xy", prefix=b"head\n")
    assert gzip.decompress(f.read_bytes()) == b"head\n" + b"xy" * (3 << 19)


def test_gzip_bomb_text_is_bounded_in_memory(tmp_path):
    f = _bomb(tmp_path / "bomb.txt.gz", 1 << 30, b"a")  # 1 GB of text in about 1 MB
    assert f.stat().st_size < 2 << 20
    tracemalloc.start()
    try:
        docs, issues = read(f, timeout=60)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert docs == [] and where_codes(issues) == [(Err.E043, "bomb.txt.gz")]
    assert "decompressed" in issues[0].detail
    assert peak < 3 * limits.MAX_TEXT_BYTES  # the cap, not the gigabyte


def test_gzip_bomb_of_lines_stops_at_the_ratio(tmp_path):
    good = json.dumps({"id": "first", "text": "kept before the bomb"}).encode() + b"\n"
    f = _bomb(tmp_path / "bomb.jsonl.gz", 1 << 30, b"\n", prefix=good)  # 1 GB of newlines
    docs, issues = read(f, timeout=60)
    assert [d.doc_id for d in docs] == ["first"]
    assert where_codes(issues) == [(Err.E044, "bomb.jsonl.gz:2")]
    assert "compressed" in issues[0].detail and "over 200x" in issues[0].detail


def test_a_file_of_mostly_bad_records_ends_with_one_issue(tmp_path):
    f = tmp_path / "log.jsonl"
    f.write_bytes(b'{"id": "ok", "text": "one good record"}\n' + b"not json at all\n" * 50_000)
    docs, issues = read(f)
    assert [d.doc_id for d in docs] == ["ok"]
    assert len(issues) == limits.MAX_BAD_RECORDS + 2
    assert issues[-1].code is Err.E059 and issues[-1].where == f"{f}:{limits.MAX_BAD_RECORDS + 3}"


def test_huge_documents_are_rejected_with_the_limit_named(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "MAX_TEXT_BYTES", 1000)
    monkeypatch.setattr(readers, "MAX_DOCUMENT_CHARS", 500)
    monkeypatch.setattr(readers, "MAX_LINE_BYTES", 2000)
    (tmp_path / "big.txt").write_text("word " * 300)   # 1500 bytes > 1000
    (tmp_path / "mid.txt").write_text("word " * 150)   # 750 chars > 500
    (tmp_path / "small.txt").write_text("word " * 10)
    jsonl(tmp_path / "r.jsonl", [{"id": "long", "text": "x" * 600}, "y" * 5000,
                                 {"id": "short", "text": "fine"}])
    docs, issues = read(tmp_path)
    assert sorted(d.doc_id for d in docs) == ["short", "small"]
    got = [(i.code, Path(i.where).name) for i in issues]
    assert got == [(Err.E043, "big.txt"), (Err.E043, "mid.txt"), (Err.E043, "r.jsonl:1"),
                   (Err.E043, "r.jsonl:2")]
    assert "limit 500" in issues[1].detail and "5,001 bytes" in issues[3].detail


def test_jsonl_lines_skip_blank_runs_and_drop_long_lines_as_they_stream():
    data = b"a" * 10_000 + b"\n\n  \n\t\r\n" + b'{"x": 1}\n' + b"b" * 300 + b"\nlast"
    got = list(readers._jsonl_lines(io.BytesIO(data), 100))
    assert got == [(1, 0, None, 10_001), (5, 10_008, b'{"x": 1}\n', 9),
                   (6, 10_017, None, 301), (7, 10_318, b"last", 4)]
    # blocks smaller than a line: the long line is counted across blocks, never held whole
    readers_block = readers._JSONL_BLOCK
    try:
        readers._JSONL_BLOCK = 64
        assert list(readers._jsonl_lines(io.BytesIO(data), 100)) == got
    finally:
        readers._JSONL_BLOCK = readers_block


# --- 4, 5. identity, README-like and unknown files --------------------------------------------
def test_ids_are_relative_paths_stable_and_readme_and_unknown_types_reported(tmp_path):
    d = tmp_path / "bbc"
    for section in ("business", "sport"):
        (d / section).mkdir(parents=True)
        (d / section / "001.txt").write_text(f"{section} story one")
    (d / "README.TXT").write_text("This dataset holds BBC articles.")
    (d / "LICENSE").write_text("CC BY")
    (d / "sport" / "report.docx").write_bytes(b"PK\x03\x04")
    (d / "scan.pdf").write_bytes(b"%PDF-1.4")
    (d / ".git").mkdir()
    (d / ".git" / "HEAD").write_text("ref")
    first, issues = read(d)
    again, _ = read(d)
    assert [x.doc_id for x in first] == ["business/001", "sport/001"]
    assert [x.doc_id for x in again] == [x.doc_id for x in first]
    assert where_codes(issues) == [(Err.E045, "LICENSE"), (Err.E045, "README.TXT"),
                                   (Err.E005, "scan.pdf"), (Err.E005, "report.docx")]
    # a README passed by its own path is what the user asked for
    docs, issues = read(d / "README.TXT")
    assert [x.doc_id for x in docs] == ["README"] and issues == []
    assert file_doc_id(d / "sport" / "001.txt.gz", d) == "sport/001"
    assert file_doc_id(d / "sport" / "a.b.html", d) == "sport/a.b"


# --- 6. dates ---------------------------------------------------------------------------------
def test_unparseable_dates_are_nulled_and_reported(tmp_path):
    f = jsonl(tmp_path / "d.jsonl", [
        {"id": "y", "text": "t", "date": "yesterday"},
        {"id": "iso", "text": "t", "date": "2024-03-05T10:00:00Z"},
        {"id": "rfc", "text": "t", "date": "Tue, 05 Mar 2024 10:00:00 +0000"},
        {"id": "bad", "text": "t", "date": "2024-13-45"},
        {"id": "num", "text": "t", "date": 20240305},
    ])
    docs, issues = read(f)
    assert {d.doc_id: d.date for d in docs} == {
        "y": None, "iso": "2024-03-05T10:00:00Z", "rfc": "2024-03-05T10:00:00+00:00",
        "bad": None, "num": None}
    assert [(i.code, i.where) for i in issues] == [
        (Err.E046, f"{f}:1"), (Err.E046, f"{f}:4"), (Err.E046, f"{f}:5")]
    assert "'yesterday'" in issues[0].detail
    assert parse_input_date("2024-03-05") == "2024-03-05"
    assert parse_input_date("2024-03-05 10:00") == "2024-03-05 10:00"
    assert parse_input_date(" ") is None and parse_input_date("05/03/2024") is None


# --- 7. WARC ----------------------------------------------------------------------------------
def _records() -> list[bytes]:
    data = warc_bytes()
    return [b"WARC/1." + p for p in data.split(b"WARC/1.")[1:]]


def test_corrupt_gzip_member_loses_only_its_record(tmp_path):
    recs = _records()
    members = [gzip.compress(r) for r in recs]
    bad = bytearray(members[1])
    bad[40:80] = b"\xff" * 40  # doc-1's member
    f = tmp_path / "c.warc.gz"
    f.write_bytes(b"".join([members[0], bytes(bad), *members[2:]]))
    docs, issues = read(f)
    assert [d.doc_id for d in docs] == ["urn:uuid:doc-2"]  # the record after it survives
    assert [i.code for i in issues] == [Err.E047, Err.E048]
    assert "corrupt" in issues[0].detail


def test_bad_warc_header_and_truncation_are_reported(tmp_path):
    recs = _records()
    broken = recs[1].replace(b"Content-Length", b"Content-Lxngth")
    f = tmp_path / "b.warc"
    f.write_bytes(recs[0] + broken + recs[2] + b"garbage\r\n\r\n" + recs[3] + recs[4][:-200])
    docs, issues = read(f)
    assert docs == []  # doc-1's header is broken, doc-2 is cut short
    codes = [i.code for i in issues]
    assert codes.count(Err.E047) == 3 and codes[-1] == Err.E048
    assert any("not a WARC record" in i.detail for i in issues)
    assert any("cut short" in i.detail for i in issues)


def test_truncated_warc_gz_keeps_earlier_records(tmp_path):
    data = gzip.compress(b"".join(_records()))  # one member for the whole file
    f = tmp_path / "t.warc.gz"
    f.write_bytes(data[: len(data) - 100])
    docs, issues = read(f)
    assert [d.doc_id for d in docs] == ["urn:uuid:doc-1"]
    assert Err.E047 in [i.code for i in issues]


# --- 8. terminal safety -----------------------------------------------------------------------
def test_terminal_safe_neutralises_escapes_and_bidi():
    s = terminal_safe(HOSTILE)
    for bad in ("\x1b", "\x07", "\u202e", "\x9b"):
        assert bad not in s
    assert "\\x1b[2J" in s and "\\u202e" in s  # shown, not hidden
    assert terminal_safe("plain text") == "plain text"
    assert terminal_safe("a\nb\tc") == "a b c" and terminal_safe("a\nb", keep_newlines=True) == "a\nb"
    assert terminal_safe("\u2066x\u2069 \u200f") == "\\u2066x\\u2069 \\u200f"
    assert repair_surrogates("a\ud800b\udfff") == "a\ufffdb\ufffd"


def test_comparison_summary_prints_no_escape_sequences():
    import retold
    from retold.model import Document
    from retold.summary import print_comparison

    text = ("The council approved the new budget on Tuesday after a long debate about "
            "schools and roads. " * 3)
    a = Document(doc_id=HOSTILE, text=text + HOSTILE)
    b = Document(doc_id="b" + HOSTILE, text=text + " Extra " + HOSTILE)
    c = retold.compare(a, b)
    buf = io.StringIO()
    print_comparison(Console(file=buf, width=200, color_system=None), c)
    out = buf.getvalue()
    assert out and "\x1b" not in out and "\u202e" not in out and "\x07" not in out


def test_run_summary_prints_no_escape_sequences(tmp_path):
    import retold
    from retold.summary import print_summary

    story = ("The council approved the new budget on Tuesday after a long debate about "
             "schools, roads and the harbour, the mayor said. ") * 4
    f = jsonl(tmp_path / "in.jsonl", [
        {"id": "a" + HOSTILE, "text": story, "title": HOSTILE, "date": "2024-01-01"},
        {"id": "b" + HOSTILE, "text": "Dark Mode\n" + story + " trending " + HOSTILE, "title": HOSTILE,
         "date": "yesterday"},
    ])
    r = retold.run([f], out=tmp_path / "run")
    buf = io.StringIO()
    print_summary(Console(file=buf, width=200, color_system=None), r)
    out = buf.getvalue()
    assert "families" in out and "\x1b" not in out and "\u202e" not in out
    assert "2 records in: 2 kept, 0 rejected (listed in rejects.jsonl), 1 repaired and kept" in out


# --- 9. accounting ----------------------------------------------------------------------------
def test_accounting_and_rejects_file(tmp_path):
    f = jsonl(tmp_path / "a.jsonl", [{"id": "1", "text": "one", "date": "yesterday"}, "{broken",
                                     [1, 2], {"id": "1", "text": "dup"}, {"id": "2", "text": " "}])
    docs, issues = read(f)
    acc = input_accounting(len(docs), issues)
    assert acc == {"records_in": 5, "records_kept": 1, "records_rejected": 4,
                   "records_repaired": 1, "input_notes": 0}
    out = write_rejects(issues, tmp_path / "rejects.jsonl")
    rows = [json.loads(x) for x in out.read_text().splitlines()]
    assert [r["code"] for r in rows] == ["E010", "E015", "E013", "E014"]
    assert all(r["where"].startswith(f"{f}:") and "Fix:" in r["message"] for r in rows)


def test_run_json_counts_every_record(tmp_path):
    import retold

    d = tmp_path / "in"
    d.mkdir()
    story = "The harbour board met on Friday and agreed the new fees for boats. " * 5
    (d / "a.txt").write_text(story)
    (d / "README.md").write_text("about this folder")
    (d / "notes.pdf").write_bytes(b"%PDF")
    jsonl(d / "b.jsonl", [{"id": "j", "text": story + " More.", "date": "yesterday"}, "{x", {"text": "no id"}])
    (d / "page.html").write_text(page())
    r = retold.run([d], out=tmp_path / "run")
    run = json.loads((tmp_path / "run" / "run.json").read_text())
    c = run["counts"]
    assert c["records_kept"] == c["documents"] == 3
    assert c["records_rejected"] == 4 and c["records_in"] == 7 and c["records_repaired"] == 1
    rejects = (tmp_path / "run" / "rejects.jsonl").read_text().splitlines()
    assert len(rejects) == c["records_rejected"]
    assert {json.loads(x)["code"] for x in rejects} == {"E005", "E045", "E010", "E011"}
    assert r.counts["records_in"] == 7


def test_cli_run_and_compare_survive_surrogates_and_print_no_escapes(tmp_path):
    from typer.testing import CliRunner

    from retold.cli import app

    story = ("Rescue teams pulled four survivors from the rubble of the collapsed school early on "
             "Sunday, and the governor promised a full inquiry into the permits. ") * 3
    f = tmp_path / "in.jsonl"
    f.write_text(
        json.dumps({"id": "a" + HOSTILE, "text": story, "title": HOSTILE}) + "\n"
        + '{"id": "b \\ud800", "text": "' + story.replace("four", "five") + ' bad \\ud800 y"}\n'
        + json.dumps({"id": "c" + HOSTILE, "text": story, "date": "yesterday" + HOSTILE}) + "\n")
    runner = CliRunner()
    res = runner.invoke(app, ["run", str(f), "--out", str(tmp_path / "run")])
    assert res.exit_code == 0, res.output
    out = res.output  # stdout and stderr
    assert "E040" in out and "E046" in out
    # the records were kept with a field repaired: the terminal must not call them skipped
    assert all("repaired" in line for line in out.splitlines() if "E040" in line or "E046" in line)
    assert "skipped" not in out
    assert "\x1b[2J" not in out and "\x1b]8" not in out and "\u202e" not in out
    res = runner.invoke(app, ["compare", str(f), str(f), "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["a"]["id"].startswith("a")
    # --json stays the same JSON but prints no raw C1 or bidi control: a pasted id with U+202E
    # or a C1 CSI must not drive the terminal
    a = tmp_path / "a.txt"
    a.write_text(story, encoding="utf-8")
    hostile = tmp_path / ("b\u202e\u009b2J.txt")
    hostile.write_text(story.replace("four", "five"), encoding="utf-8")
    res = runner.invoke(app, ["compare", str(a), str(hostile), "--json"])
    assert res.exit_code == 0, res.output
    assert "\u202e" not in res.stdout and "\u009b" not in res.stdout
    assert json.loads(res.stdout)["b"]["id"] == "b\u202e\u009b2J"


def test_parquet_of_large_rows_is_read_a_few_rows_at_a_time(tmp_path, monkeypatch):
    import pyarrow as pa
    import pyarrow.parquet as pq

    monkeypatch.setattr(readers, "PARQUET_BATCH_BYTES", 50_000)
    monkeypatch.setattr(readers, "MAX_DOCUMENT_CHARS", 15_000)
    texts = [f"word{i} " * 1_700 for i in range(9)] + ["word " * 4_000]  # the last one too long
    f = tmp_path / "big.parquet"
    pq.write_table(pa.table({"id": [f"r{i}" for i in range(10)], "text": texts}), f,
                   compression="none")
    assert readers._parquet_batch_rows(pq.ParquetFile(f)) < 10
    docs, issues = read(f)
    assert len(docs) == 9 and [(i.code, i.where) for i in issues] == [(Err.E043, f"{f}#10")]


def test_a_broken_first_warc_record_is_reported_and_names_only_doc_files(tmp_path):
    recs = _records()
    f = tmp_path / "first.warc"
    f.write_bytes(recs[1].replace(b"Content-Length", b"Content-Lxngth") + recs[4])
    docs, issues = read(f)
    assert [d.doc_id for d in docs] == ["urn:uuid:doc-2"]
    assert [(i.code, i.where) for i in issues] == [(Err.E047, f"{f}#1")]
    d = tmp_path / "folder"
    d.mkdir()
    for name in ("notice-of-meeting.txt", "changes-to-tax.txt", "NOTICE", "Copying.md", "readme.txt.gz"):
        (d / name).write_bytes(gzip.compress(b"text") if name.endswith(".gz") else b"an article text")
    docs, issues = read(d)
    assert sorted(x.doc_id for x in docs) == ["changes-to-tax", "notice-of-meeting"]
    assert sorted(Path(i.where).name for i in issues if i.code is Err.E045) == [
        "Copying.md", "NOTICE", "readme.txt.gz"]


def test_one_repair_issue_per_record(tmp_path):
    f = tmp_path / "both.jsonl"
    f.write_text('{"id": "x\\ud800", "text": "t \\udfff", "title": "\\ud800"}\n')
    docs, issues = read(f)
    assert [d.doc_id for d in docs] == ["x\ufffd"]
    assert [(i.code, i.detail) for i in issues] == [(Err.E040, "id 'x\ufffd': in id, text, title")]
    assert input_accounting(len(docs), issues)["records_repaired"] == 1


def test_warc_gzip_bomb_names_the_record_it_stopped_at(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "GZIP_BOMB_FLOOR", 4 << 20)
    first = gzip.compress(_records()[1])
    f = tmp_path / "bomb.warc.gz"
    _bomb(tmp_path / "tail.gz", 64 << 20, b"\0")
    f.write_bytes(first + (tmp_path / "tail.gz").read_bytes())
    docs, issues = read(f, timeout=60)
    assert [d.doc_id for d in docs] == ["urn:uuid:doc-1"]
    assert [(i.code, i.where) for i in issues] == [(Err.E044, f"{f}#2")]
