"""Fuzzing the readers (issue 11): no crash, no hang, no record unaccounted for.

Two parts: a folder of hand-made malformed files of every kind (read alone, then through
`retold.run` end to end), and hypothesis-generated JSONL, text, HTML, gzip and WARC files.
Every read runs under a timeout, so a hang fails the test instead of stalling the suite.
Accounting: each file yields documents or is named by an issue, and for JSONL the records
kept plus the records rejected equal the non-blank lines written.
"""
from __future__ import annotations

import gzip
import json
import os
import threading
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retold.errors import Err
from retold.io import limits
from retold.io.readers import input_accounting, iter_documents

from ..io.test_io_hardening import _bomb
from ..io.test_io_readers import page, warc_bytes

FUZZ = settings(max_examples=40, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def read(paths, timeout: float = 30.0):
    out: dict = {}

    def work():
        issues: list = []
        try:
            out["docs"] = list(iter_documents(list(paths), issues))
        except BaseException as e:  # noqa: BLE001  # re-raised in the test thread
            out["error"] = e
        out["issues"] = issues

    t = threading.Thread(target=work, daemon=True)
    t.start()
    t.join(timeout)
    assert not t.is_alive(), f"hung for {timeout} s on {paths}"
    if "error" in out:
        raise out["error"]
    return out["docs"], out["issues"]


def _file_of(where: str) -> str:
    """The file named by an origin or issue place: path, path:line or path#record."""
    if "#" in where:
        where = where.rsplit("#", 1)[0]
    head, sep, tail = where.rpartition(":")
    return head if sep and tail.isdigit() else where


def check_sound(docs, issues) -> None:
    """What every read must give: writable documents, issues with a code and a place."""
    for d in docs:
        json.dumps(d.to_row(), ensure_ascii=False).encode("utf-8")
        assert d.text.strip() and len(d.text) <= limits.MAX_DOCUMENT_CHARS
    for i in issues:
        assert isinstance(i.code, Err) and i.where
        s = str(i)
        s.encode("utf-8")
        assert "\x1b" not in s and "\u202e" not in s and "Fix:" in s
    ids = [d.doc_id for d in docs]
    assert len(ids) == len(set(ids))


# --- the malformed folder ---------------------------------------------------------------------
def malformed_folder(root: Path) -> tuple[Path, set[str]]:
    """Every kind of broken input; returns the folder and the files that hold a good document."""
    d = root / "in"
    d.mkdir()
    good = "The harbour board met on Friday and agreed new fees for the boats in the bay. " * 4
    (d / "good.txt").write_text(good)
    (d / "empty.txt").write_bytes(b"")
    (d / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (d / "latin1.txt").write_bytes("café crème brûlée".encode("latin-1"))
    (d / "truncated.txt.gz").write_bytes(gzip.compress(good.encode())[:-12])
    (d / "notgzip.jsonl.gz").write_bytes(b"\x1f\x8b\x08\x00garbage")
    full = gzip.compress(b"".join(json.dumps({"id": f"t{i}", "text": good}).encode() + b"\n"
                                  for i in range(50)))
    (d / "cut.jsonl.gz").write_bytes(full[: len(full) // 2])
    (d / "broken.jsonl").write_bytes(b"\n".join([
        json.dumps({"id": "j1", "text": "A good record about the harbour fees."}).encode(),
        b'{"id": "j2", "text": "unterminated',
        b"[1, 2, 3]", b'"just a string"', b"42", b"null",
        b'{"id": null, "text": "x"}', b'{"id": "j3"}', b'{"id": "j4", "text": 5}',
        b'{"id": "j5", "text": "bad \\ud800 y", "date": "yesterday"}',
        b'\xff\xfe{"id": "j6"}', b"[" * 50_000 + b"]" * 50_000,
        json.dumps({"id": "j7", "text": "esc \x1b[2J \u202e bidi", "title": "\x1b]8;;x\x07"}).encode(),
    ]) + b"\n")
    # Parquet with wrong column types
    pq.write_table(pa.table({"id": [1.5, 2.5], "text": ["a", "b"]}), d / "float_ids.parquet")
    pq.write_table(pa.table({"id": ["p1", "p2"], "text": [1, 2]}), d / "int_text.parquet")
    pq.write_table(pa.table({"id": ["p3"], "text": ["parquet text kept"],
                             "title": [[1, 2]], "date": [12345]}), d / "odd_fields.parquet")
    (d / "fake.parquet").write_bytes(b"PAR1 not really")
    # WARC: a good one, one with a corrupt member, one of garbage
    data = warc_bytes()
    recs = [b"WARC/1." + p for p in data.split(b"WARC/1.")[1:]]
    members = [gzip.compress(r) for r in recs]
    bad = bytearray(members[1])
    bad[40:80] = b"\x00" * 40
    (d / "corrupt.warc.gz").write_bytes(b"".join([members[0], bytes(bad), *members[2:]]))
    (d / "badheader.warc").write_bytes(recs[0] + recs[1].replace(b"Content-Length", b"X") + recs[4])
    (d / "garbage.warc").write_bytes(os.urandom(5000))
    # HTML: deeply nested, and a page
    (d / "nested.html").write_text("<html><body>" + "<div>" * 20_000 + "deep text" +
                                   "</div>" * 20_000 + "</body></html>")
    (d / "page.html").write_text(page())
    # a huge single document and a gzip bomb
    (d / "huge.txt").write_bytes(b"word " * (limits.MAX_TEXT_BYTES // 5 + 10))
    _bomb(d / "bomb.txt.gz", 1 << 30, b"a")
    # things that are not files, and files that are not articles
    os.mkfifo(d / "pipe.txt")
    (d / "loop.txt").symlink_to(d / "loop.txt")
    (d / "README.TXT").write_text("about this folder")
    (d / "report.docx").write_bytes(b"PK\x03\x04")
    (d / ".git").mkdir()
    (d / ".git" / "x.txt").write_text("hidden, not read")
    return d, {"good.txt", "page.html", "broken.jsonl", "odd_fields.parquet", "cut.jsonl.gz",
               "nested.html", "badheader.warc"}


def test_malformed_folder_reads_without_crash_hang_or_loss(tmp_path):
    d, with_docs = malformed_folder(tmp_path)
    docs, issues = read([d], timeout=60)
    check_sound(docs, issues)
    files = {p.name for p in d.iterdir() if not p.name.startswith(".")}
    origin = {Path(_file_of(x.origin)).name for x in docs}
    named = {Path(_file_of(i.where)).name for i in issues}
    assert files <= origin | named, f"unaccounted: {sorted(files - origin - named)}"
    assert with_docs - {"nested.html"} <= origin  # nested may be empty after extraction
    codes = {(Path(_file_of(i.where)).name, i.code) for i in issues}
    for expected in [("empty.txt", Err.E001), ("binary.txt", Err.E002), ("latin1.txt", Err.E003),
                     ("truncated.txt.gz", Err.E004), ("pipe.txt", Err.E041),
                     ("loop.txt", Err.E042), ("huge.txt", Err.E043), ("bomb.txt.gz", Err.E043),
                     ("README.TXT", Err.E045), ("report.docx", Err.E005),
                     ("corrupt.warc.gz", Err.E047), ("badheader.warc", Err.E047),
                     ("garbage.warc", Err.E004), ("fake.parquet", Err.E004),
                     ("float_ids.parquet", Err.E011), ("int_text.parquet", Err.E012),
                     ("broken.jsonl", Err.E040), ("broken.jsonl", Err.E046),
                     ("cut.jsonl.gz", Err.E004),
                     ("corrupt.warc.gz", Err.E013)]:  # its surviving page is badheader's too
        assert expected in codes, expected
    # broken.jsonl: 13 records, each kept or rejected once
    lines = [i for i in issues if _file_of(i.where).endswith("broken.jsonl")
             and i.code.kind == "rejected"]
    kept = [x for x in docs if _file_of(x.origin).endswith("broken.jsonl")]
    assert len(kept) + len(lines) == 13
    assert len({i.where for i in lines}) == len(lines)  # one rejection per line


def test_malformed_folder_end_to_end(tmp_path):
    import retold

    d, _ = malformed_folder(tmp_path)
    result: dict = {}

    def work():
        try:
            result["r"] = retold.run([d], out=tmp_path / "run")
        except BaseException as e:  # noqa: BLE001
            result["error"] = e

    t = threading.Thread(target=work, daemon=True)
    t.start()
    t.join(120)
    assert not t.is_alive(), "retold.run hung on the malformed folder"
    if "error" in result:
        raise result["error"]
    run = json.loads((tmp_path / "run" / "run.json").read_text())
    c = run["counts"]
    assert c["records_in"] == c["records_kept"] + c["records_rejected"]
    assert c["records_kept"] == c["documents"] == result["r"].table("documents").num_rows
    rejects = (tmp_path / "run" / "rejects.jsonl").read_text().splitlines()
    assert len(rejects) == c["records_rejected"] > 15
    assert all(json.loads(x)["code"].startswith("E") for x in rejects)
    assert c["records_repaired"] >= 2  # the lone surrogate and the date of j5


# --- hypothesis -------------------------------------------------------------------------------
_texty = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=60)
_value = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | _texty,
                      lambda c: st.lists(c, max_size=3) | st.dictionaries(_texty, c, max_size=3),
                      max_leaves=6)
_record = st.fixed_dictionaries(
    {}, optional={"id": st.one_of(_texty, st.integers(), st.none(), st.floats()),
                  "text": st.one_of(_texty, st.integers(), st.none()), "title": _value,
                  "date": st.one_of(_texty, st.sampled_from(["2024-03-05", "yesterday", ""])),
                  "url": _texty, "source": _value, "extra": _value})
_line = st.one_of(
    _record.map(lambda r: json.dumps(r).encode()),                            # ASCII escapes
    _record.map(lambda r: json.dumps(r, ensure_ascii=False).encode("utf-8", "surrogatepass")),
    _value.map(lambda v: json.dumps(v).encode()),                             # not an object
    st.binary(max_size=80).map(lambda b: b.replace(b"\n", b" ")),             # garbage
)


@FUZZ
@given(lines=st.lists(_line, max_size=25), gz=st.booleans(), cut=st.integers(0, 40))
def test_fuzz_jsonl_every_line_accounted(tmp_path_factory, lines, gz, cut):
    folder = tmp_path_factory.mktemp("j")
    raw = b"\n".join(lines) + b"\n"
    f = folder / ("x.jsonl.gz" if gz else "x.jsonl")
    f.write_bytes(gzip.compress(raw)[: -cut or None] if gz else raw)
    docs, issues = read([f])
    check_sound(docs, issues)
    whole = [i for i in issues if i.where == str(f)]
    if whole and any(i.code in (Err.E001, Err.E002) for i in whole):
        assert docs == []
        return
    rejected = [i for i in issues if i.code.kind == "rejected" and i not in whole]
    if any(i.code is Err.E004 for i in issues):  # a cut gzip: the rest of the file is one issue
        return
    nonblank = sum(1 for x in raw.split(b"\n") if x.strip())
    assert len(docs) + len(rejected) == nonblank
    assert len({i.where for i in rejected}) == len(rejected)


_kinds = st.sampled_from(["a.txt", "a.html", "a.txt.gz", "a.warc", "a.warc.gz", "a.parquet"])


@FUZZ
@given(name=_kinds, data=st.one_of(st.binary(max_size=600),
                                   st.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass")),
                                   st.builds(lambda b, i: warc_bytes()[:i] + b + warc_bytes()[i:],
                                             st.binary(max_size=40), st.integers(0, 3000))))
def test_fuzz_one_file_of_any_kind(tmp_path_factory, name, data):
    f = tmp_path_factory.mktemp("k") / name
    f.write_bytes(data)
    docs, issues = read([f])
    check_sound(docs, issues)
    assert docs or any(i.code.kind == "rejected" for i in issues), "a file vanished without a word"
    acc = input_accounting(len(docs), issues)
    assert acc["records_in"] == acc["records_kept"] + acc["records_rejected"]


def test_fuzz_warc_byte_flips_never_crash(tmp_path):
    """Every 97th byte of a gzipped WARC flipped in turn: damage costs only nearby records."""
    data = gzip.compress(warc_bytes())
    members = b"".join(gzip.compress(b"WARC/1." + p) for p in warc_bytes().split(b"WARC/1.")[1:])
    for blob in (data, members):
        for at in range(10, len(blob), 97):
            f = tmp_path / "f.warc.gz"
            bad = bytearray(blob)
            bad[at] ^= 0xFF
            f.write_bytes(bytes(bad))
            docs, issues = read([f])
            check_sound(docs, issues)
            assert len(docs) <= 2
            assert len(docs) == 2 or any(i.code.kind == "rejected" for i in issues)


_UNSAFE_CHARS = {chr(c) for c in [*range(0x00, 0x20), *range(0x7F, 0xA0), 0x061C, 0x200E, 0x200F,
                                   *range(0x202A, 0x202F), *range(0x2066, 0x206A)]}


@FUZZ
@given(s=st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=200))
def test_fuzz_terminal_safe_leaves_nothing_unsafe(s):
    from retold.text.safe import repair_surrogates, terminal_safe

    out = terminal_safe(s)
    assert not (set(out) & _UNSAFE_CHARS)
    out.encode("utf-8")  # no lone surrogate either
    assert terminal_safe(out) == out  # idempotent: escaping twice changes nothing more
    kept = terminal_safe(s, keep_newlines=True)
    assert not (set(kept) & (_UNSAFE_CHARS - {"\n", "\t"}))
    assert len(repair_surrogates(s).encode("utf-8")) >= len(s)  # encodable, nothing dropped
