"""Readers: every input kind, every problem reported with its place, good records kept."""
from __future__ import annotations

import datetime as dt
import gzip
import io
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from retold.errors import Err, RetoldError
from retold.io import readers
from retold.io.readers import file_doc_id, iter_documents, read_one

BODY = "The council approved the new budget on Tuesday after a long debate. " * 6
ARTICLE = (
    "<html><head><title>{title}</title><meta name=\"date\" content=\"2024-03-05\">"
    "<link rel=\"canonical\" href=\"https://news.example/{slug}\"></head><body>"
    "<nav>Home | World | Sport</nav><article><h1>{title}</h1><p>{body}</p>"
    "<p>Second paragraph with more detail about the vote.</p></article>"
    "<footer>Cookie settings</footer></body></html>"
)


def page(title: str = "Budget passes", slug: str = "budget", body: str = BODY) -> str:
    return ARTICLE.format(title=title, slug=slug, body=body)


def read(*paths):
    issues = []
    docs = list(iter_documents(list(paths), issues))
    return docs, issues


def codes(issues):
    return [i.code for i in issues]


def jsonl(path: Path, lines: list) -> Path:
    """Write JSONL; dicts/lists are dumped, strings and bytes are written as they are."""
    out = bytearray()
    for line in lines:
        if isinstance(line, bytes):
            out += line
        elif isinstance(line, str):
            out += line.encode()
        else:
            out += json.dumps(line).encode()
        out += b"\n"
    path.write_bytes(bytes(out))
    return path


# --- txt --------------------------------------------------------------------------------------
def test_txt_keeps_text_exactly_and_names_id_after_file(tmp_path):
    text = "\nFirst line is not a title.\r\n  Indented line with trailing space \n"
    (tmp_path / "story.v2.txt").write_text(text, encoding="utf-8", newline="")
    docs, issues = read(tmp_path / "story.v2.txt")
    assert issues == []
    [d] = docs
    assert d.doc_id == "story.v2"
    assert d.text == text
    assert d.origin == str(tmp_path / "story.v2.txt")


def test_txt_bom_is_stripped(tmp_path):
    (tmp_path / "b.txt").write_bytes(b"\xef\xbb\xbfHello world")
    [d], _ = read(tmp_path / "b.txt")
    assert d.text == "Hello world"


def test_gz_variants_of_txt_jsonl_html(tmp_path):
    (tmp_path / "a.txt.gz").write_bytes(gzip.compress("Plain text story.".encode()))
    (tmp_path / "b.jsonl.gz").write_bytes(gzip.compress(
        b'{"id": "j1", "text": "one"}\n{"id": "j2", "text": "two"}\n'))
    (tmp_path / "c.html.gz").write_bytes(gzip.compress(page().encode()))
    docs, issues = read(tmp_path)
    assert issues == []
    assert [d.doc_id for d in docs] == ["a", "j1", "j2", "c"]
    assert docs[0].text == "Plain text story."
    assert docs[2].origin.endswith("b.jsonl.gz:2")
    assert "council approved" in docs[3].text


def test_file_doc_id_strips_only_known_extensions():
    assert file_doc_id("x/2024.05.01-story.txt") == "2024.05.01-story"
    assert file_doc_id("page.HTM.gz") == "page"
    assert file_doc_id("a.b.html") == "a.b"


# --- folders ----------------------------------------------------------------------------------
def test_folder_walk_is_recursive_sorted_and_reports_unknown(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "a").mkdir()
    (tmp_path / ".git").mkdir()
    (tmp_path / "b" / "z.txt").write_text("zz")
    (tmp_path / "a" / "y.txt").write_text("yy")
    (tmp_path / "x.txt").write_text("xx")
    (tmp_path / "notes.md").write_text("ignored")
    (tmp_path / "image.png").write_bytes(b"\x89PNG\x00\x00")
    (tmp_path / ".hidden.txt").write_text("hidden")
    (tmp_path / ".git" / "c.txt").write_text("git internals")
    docs, issues = read(tmp_path)
    # files of other types in a folder are reported, not passed over; hidden ones are not
    assert [(i.code, Path(i.where).name) for i in issues] == [
        (Err.E005, "image.png"), (Err.E005, "notes.md")]
    # ids are paths in the folder without extensions, in path order: a/y, b/z, x
    assert [d.doc_id for d in docs] == ["a/y", "b/z", "x"]


def test_unknown_file_passed_explicitly_is_e005(tmp_path):
    (tmp_path / "notes.md").write_text("text")
    (tmp_path / "ok.txt").write_text("fine")
    docs, issues = read(tmp_path / "notes.md", tmp_path / "ok.txt")
    assert codes(issues) == [Err.E005]
    assert str(tmp_path / "notes.md") in str(issues[0])
    assert [d.doc_id for d in docs] == ["ok"]


def test_missing_path_raises_e020_before_reading(tmp_path):
    (tmp_path / "ok.txt").write_text("fine")
    with pytest.raises(RetoldError) as e:
        iter_documents([tmp_path / "ok.txt", tmp_path / "nope"], [])  # at call time
    assert e.value.code is Err.E020
    assert "nope" in str(e.value)


# --- JSONL ------------------------------------------------------------------------------------
def test_jsonl_fields_meta_int_ids_and_blank_lines(tmp_path):
    f = jsonl(tmp_path / "in.jsonl", [
        {"id": 7, "text": "  spaced text  ", "title": "T", "date": "2024-01-02",
         "source": "Wire", "url": "https://x/7", "lang": "en", "tags": ["a", "b"]},
        "",
        "   ",
        {"id": "s2", "text": "second"},
    ])
    docs, issues = read(f)
    assert issues == []
    a, b = docs
    assert (a.doc_id, a.text, a.title, a.date, a.source, a.url) == (
        "7", "  spaced text  ", "T", "2024-01-02", "Wire", "https://x/7")
    assert a.meta == {"lang": "en", "tags": ["a", "b"]}
    assert a.origin == f"{f}:1"
    assert b.origin == f"{f}:4"  # blank lines still count for line numbers


def test_jsonl_html_field_is_extracted_and_record_fields_win(tmp_path):
    f = jsonl(tmp_path / "in.jsonl", [
        {"id": "h1", "html": page(title="Budget passes")},
        {"id": "h2", "html": page(title="Other title"), "title": "Given title"},
    ])
    docs, issues = read(f)
    assert issues == []
    assert "council approved the new budget" in docs[0].text
    assert "Home | World" not in docs[0].text  # navigation chrome dropped
    assert docs[0].title == "Budget passes"
    assert docs[0].date == "2024-03-05"
    assert docs[1].title == "Given title"
    assert "html" not in docs[0].meta


def test_jsonl_every_bad_record_reported_with_line_and_good_ones_kept(tmp_path):
    f = jsonl(tmp_path / "mixed.jsonl", [
        {"id": "ok1", "text": "good one"},          # 1
        '{"id": "broken", "text": ',                # 2 E010
        "[1, 2, 3]",                                # 3 E015
        {"text": "no id here"},                     # 4 E011
        {"id": "noText", "title": "x"},             # 5 E012
        {"id": "ok1", "text": "again"},             # 6 E013
        {"id": "blank", "text": "   \n"},           # 7 E014
        b'{"id": "latin", "text": "caf\xe9"}',      # 8 E003
        {"id": 1.5, "text": "float id"},            # 9 E011
        {"id": "ok2", "text": "good two"},          # 10
    ])
    docs, issues = read(f)
    assert [d.doc_id for d in docs] == ["ok1", "ok2"]
    assert docs[0].text == "good one"  # the first of a duplicate id wins
    expected = [(Err.E010, 2), (Err.E015, 3), (Err.E011, 4), (Err.E012, 5), (Err.E013, 6),
                (Err.E014, 7), (Err.E003, 8), (Err.E011, 9)]
    assert [(i.code, i.where) for i in issues] == [(c, f"{f}:{n}") for c, n in expected]
    for issue, (code, n) in zip(issues, expected):
        assert f"[{code.name}] {f}:{n}" in str(issue)  # message names code, file and line
    # E003 says where the bad byte is, counted in the file
    bad_byte = f.read_bytes().index(b"caf\xe9") + 3
    assert issues[6].detail == f"first bad byte at offset {bad_byte}"
    assert "float" in issues[7].detail


def test_jsonl_bom_on_first_line(tmp_path):
    f = tmp_path / "bom.jsonl"
    f.write_bytes(b'\xef\xbb\xbf{"id": "a", "text": "x"}\n')
    docs, issues = read(f)
    assert issues == [] and docs[0].doc_id == "a"


def test_duplicate_ids_across_files_keep_first(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "same.txt").write_text("first")
    (tmp_path / "b" / "same.txt").write_text("second")
    jsonl(tmp_path / "c.jsonl", [{"id": "same", "text": "third"}, {"id": "new", "text": "n"}])
    jsonl(tmp_path / "d.jsonl", [{"id": "a/same", "text": "fourth"}])
    docs, issues = read(tmp_path)
    # files in folders are told apart by their path: a/same and b/same both kept
    assert [(d.doc_id, d.text) for d in docs] == [
        ("a/same", "first"), ("b/same", "second"), ("same", "third"), ("new", "n")]
    assert [(i.code, i.where) for i in issues] == [(Err.E013, f"{tmp_path / 'd.jsonl'}:1")]


def test_a_skipped_record_does_not_reserve_its_id(tmp_path):
    f = jsonl(tmp_path / "r.jsonl", [{"id": "x", "text": ""}, {"id": "x", "text": "real"}])
    docs, issues = read(f)
    assert [d.text for d in docs] == ["real"]
    assert codes(issues) == [Err.E014]


def test_jsonl_is_streamed(tmp_path):
    f = jsonl(tmp_path / "big.jsonl", [{"id": i, "text": f"t{i}"} for i in range(1000)])
    it = iter_documents([f], [])
    assert next(it).doc_id == "0"  # a generator: nothing forces the whole file
    it.close()


# --- file-level problems ----------------------------------------------------------------------
def test_empty_binary_and_non_utf8_files(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_bytes(b"  \n\t\n")
    (tmp_path / "empty.jsonl").write_bytes(b"\n\n")
    (tmp_path / "bin.txt").write_bytes(b"abc\x00\x01\x02def")
    (tmp_path / "bin.jsonl").write_bytes(b'{"id": "q"\x00}\n')
    (tmp_path / "latin.txt").write_bytes("naïve".encode("latin-1"))
    (tmp_path / "good.txt").write_text("still read")
    docs, issues = read(tmp_path)
    assert [d.doc_id for d in docs] == ["good"]
    got = {(i.code, Path(i.where).name) for i in issues}
    assert got == {(Err.E002, "bin.jsonl"), (Err.E002, "bin.txt"), (Err.E001, "blank.txt"),
                   (Err.E001, "empty.jsonl"), (Err.E001, "empty.txt"), (Err.E003, "latin.txt")}
    [latin] = [i for i in issues if i.code is Err.E003]
    assert latin.detail == "first bad byte at offset 2"


def test_unreadable_file_is_e004(tmp_path):
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "gone.txt")  # listed, cannot be opened
    (tmp_path / "bad.txt.gz").write_bytes(b"\x1f\x8b\x08\x00not really gzip")
    (tmp_path / "ok.txt").write_text("fine")
    docs, issues = read(tmp_path)
    assert [d.doc_id for d in docs] == ["ok"]
    assert [(i.code, Path(i.where).name) for i in issues] == [
        (Err.E004, "bad.txt.gz"), (Err.E042, "dangling.txt")]
    assert "dangling symlink" in issues[1].detail and "gone.txt" in issues[1].detail


def test_permission_denied_is_e004(tmp_path, monkeypatch):
    # Tests run as root, who can read a chmod 0 file; so the OS refusal is simulated.
    import retold.io.readers as readers
    f = tmp_path / "locked.txt"
    f.write_text("secret")

    def refuse(path, gz):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(readers, "open_input", refuse)
    docs, issues = read(f)
    assert docs == [] and codes(issues) == [Err.E004]
    assert "locked.txt" in str(issues[0]) and "Permission denied" in str(issues[0])


def test_html_file_with_declared_charset(tmp_path):
    raw = page(body="Le conseil a voté le budget mardi après un long débat. " * 6)
    raw = raw.replace("<head>", '<head><meta charset="iso-8859-1">')
    (tmp_path / "fr.html").write_bytes(raw.encode("latin-1"))
    [d], issues = read(tmp_path / "fr.html")
    assert issues == []
    assert "voté" in d.text


# --- HTML -------------------------------------------------------------------------------------
def test_html_file_main_text_and_metadata(tmp_path):
    (tmp_path / "budget.htm").write_text(page(), encoding="utf-8")
    [d], issues = read(tmp_path / "budget.htm")
    assert issues == []
    assert d.doc_id == "budget"
    assert "council approved the new budget" in d.text
    assert "Cookie settings" not in d.text
    assert (d.title, d.date) == ("Budget passes", "2024-03-05")
    assert d.url == "https://news.example/budget"


def test_html_without_text_is_e014(tmp_path):
    (tmp_path / "shell.html").write_text("<html><head><title>x</title></head><body></body></html>")
    docs, issues = read(tmp_path / "shell.html")
    assert docs == [] and codes(issues) == [Err.E014]
    assert issues[0].where == str(tmp_path / "shell.html")


# --- Parquet ----------------------------------------------------------------------------------
def test_parquet_read_in_batches_with_record_numbers(tmp_path, monkeypatch):
    n = 10
    tbl = pa.table({
        "id": list(range(n)),
        "text": [f"text {i}" if i != 4 else None for i in range(n)],
        "date": [dt.date(2024, 1, i + 1) for i in range(n)],
        "extra": [i * 2 for i in range(n)],
    })
    f = tmp_path / "docs.parquet"
    pq.write_table(tbl, f, row_group_size=4)
    monkeypatch.setattr(readers, "PARQUET_BATCH_ROWS", 3)
    seen_batches = []
    real_iter = pq.ParquetFile.iter_batches

    def spy(self, *a, **k):
        for batch in real_iter(self, *a, **k):
            seen_batches.append(batch.num_rows)
            yield batch

    monkeypatch.setattr(pq.ParquetFile, "iter_batches", spy)
    monkeypatch.setattr(pq, "read_table", lambda *a, **k: pytest.fail("whole-file read"))
    docs, issues = read(f)
    assert max(seen_batches) <= 3 and sum(seen_batches) == n
    assert [d.doc_id for d in docs] == [str(i) for i in range(n) if i != 4]
    assert [(i.code, i.where) for i in issues] == [(Err.E012, f"{f}#5")]
    assert docs[0].date == "2024-01-01"
    assert docs[0].meta == {"extra": 0}
    assert docs[-1].origin == f"{f}#10"


def test_parquet_file_level_problems(tmp_path):
    pq.write_table(pa.table({"name": ["a"], "text": ["t"]}), tmp_path / "noid.parquet")
    pq.write_table(pa.table({"id": ["a"], "body": ["t"]}), tmp_path / "notext.parquet")
    pq.write_table(pa.table({"id": pa.array([], pa.string()), "text": pa.array([], pa.string())}),
                   tmp_path / "norows.parquet")
    (tmp_path / "fake.parquet").write_bytes(b"this is not parquet at all")
    pq.write_table(pa.table({"doc_id": ["back"], "text": ["from a run"]}), tmp_path / "run.parquet")
    docs, issues = read(tmp_path)
    assert [d.doc_id for d in docs] == ["back"]  # a run's documents.parquet reads back
    got = {(i.code, Path(i.where).name) for i in issues}
    assert got == {(Err.E004, "fake.parquet"), (Err.E011, "noid.parquet"),
                   (Err.E001, "norows.parquet"), (Err.E012, "notext.parquet")}


# --- WARC -------------------------------------------------------------------------------------
def warc_bytes() -> bytes:
    from fastwarc.warc import WarcRecord, WarcRecordType

    def record(rtype, rid: bytes, uri: str, date: str, http: bytes) -> bytes:
        rec = WarcRecord()
        rec.init_headers(rtype, rid)
        rec.headers["WARC-Target-URI"] = uri
        rec.headers["WARC-Date"] = date
        kind = "response" if rtype == WarcRecordType.response else "request"
        rec.headers["Content-Type"] = f"application/http; msgtype={kind}"
        rec.set_bytes_content(http)
        buf = io.BytesIO()
        rec.write(buf)
        return buf.getvalue()

    def response(body: str, ctype: str = "text/html; charset=utf-8", status: str = "200 OK"):
        return (f"HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\n\r\n").encode() + body.encode()

    nodate = page(title="Second story", slug="two").replace(
        '<meta name="date" content="2024-03-05">', "")
    req, resp = WarcRecordType.request, WarcRecordType.response
    day1, day2 = "2024-05-01T10:00:0{}Z", "2024-05-02T11:00:00Z"
    return b"".join([
        record(req, b"uuid:req-1", "https://a.example/one", day1.format(0),
               b"GET /one HTTP/1.1\r\nHost: a.example\r\n\r\n"),
        record(resp, b"uuid:doc-1", "https://a.example/one", day1.format(1),
               response(page(title="First story", slug="one"))),
        record(resp, b"uuid:img-1", "https://a.example/logo.png", day1.format(2),
               response("PNGDATA", ctype="image/png")),
        record(resp, b"uuid:moved", "https://a.example/old", day1.format(3),
               response("<html><body>Moved</body></html>", status="301 Moved Permanently")),
        record(resp, b"uuid:doc-2", "https://b.example/two", day2, response(nodate)),
    ])


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
def test_warc_html_responses(tmp_path, name):
    data = warc_bytes()
    (tmp_path / name).write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    docs, issues = read(tmp_path / name)
    # records that are not pages are passed over with one note per file, not in silence
    assert [(i.code, i.detail) for i in issues] == [(Err.E048, "1 HTTP 301, 1 image/png, 1 request")]
    assert issues[0].code.kind == "note"
    assert [d.doc_id for d in docs] == ["urn:uuid:doc-1", "urn:uuid:doc-2"]
    one, two = docs
    assert one.url == "https://a.example/one" and two.url == "https://b.example/two"
    assert "council approved" in one.text and one.title == "First story"
    assert one.date == "2024-03-05"  # the page's publication date beats the crawl date
    assert two.date == "2024-05-02T11:00:00Z"  # no page date: the WARC-Date
    assert two.meta["warc_date"] == "2024-05-02T11:00:00Z"
    assert one.origin == f"{tmp_path / name}#2" and two.origin == f"{tmp_path / name}#5"


def test_warc_garbage_and_empty(tmp_path):
    (tmp_path / "junk.warc").write_bytes(b"this is not a warc file\n" * 10)
    (tmp_path / "empty.warc.gz").write_bytes(b"")
    docs, issues = read(tmp_path)
    assert docs == []
    assert {(i.code, Path(i.where.split("#")[0]).name) for i in issues} == {
        (Err.E004, "junk.warc"), (Err.E001, "empty.warc.gz")}


# --- read_one ---------------------------------------------------------------------------------
def test_read_one_kinds(tmp_path):
    (tmp_path / "a.txt").write_text("alpha text")
    f = jsonl(tmp_path / "b.jsonl",
              ["not json", {"id": "b1", "text": "beta"}, {"id": "b2", "text": "x"}])
    assert read_one(tmp_path / "a.txt").text == "alpha text"
    assert read_one(str(f)).doc_id == "b1"
    data = warc_bytes()
    (tmp_path / "c.warc.gz").write_bytes(gzip.compress(data))
    assert read_one(tmp_path / "c.warc.gz").doc_id == "urn:uuid:doc-1"


def test_read_one_raises_with_the_problem_code(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    f = jsonl(tmp_path / "bad.jsonl", ["{oops", {"id": "x"}])
    with pytest.raises(RetoldError) as e:
        read_one(tmp_path / "empty.txt")
    assert e.value.code is Err.E001
    with pytest.raises(RetoldError) as e:
        read_one(f)
    assert e.value.code is Err.E010 and f"{f}:1" in str(e.value)
    with pytest.raises(RetoldError) as e:
        read_one(tmp_path / "missing.txt")
    assert e.value.code is Err.E020


def test_read_one_takes_literal_text():
    d = read_one("The minister resigned on Monday.\nMore text.")
    assert d.text.startswith("The minister") and d.doc_id == "text"
    assert read_one("Just one sentence without a path").text == "Just one sentence without a path"
    with pytest.raises(RetoldError) as e:
        read_one("missing/file.txt")
    assert e.value.code is Err.E020


# --- odd corners ------------------------------------------------------------------------------
def test_symlink_loop_in_folder_ends(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text("alpha")
    (tmp_path / "sub" / "back").symlink_to(tmp_path)  # folder loop
    docs, issues = read(tmp_path)
    assert [d.doc_id for d in docs] == ["sub/a"] and issues == []  # a folder seen twice is read once


def test_hostile_json_lines_are_issues_not_crashes(tmp_path):
    f = jsonl(tmp_path / "odd.jsonl", [
        "[" * 100_000 + "]" * 100_000,           # nesting beyond the recursion limit
        '{"id": "n", "text": 42}',               # text of the wrong type
        '{"id": "ok", "text": "fine"}',
    ])
    docs, issues = read(f)
    assert [d.doc_id for d in docs] == ["ok"]
    assert [(i.code, i.where) for i in issues] == [(Err.E010, f"{f}:1"), (Err.E012, f"{f}:2")]
    assert "'text' is int" in issues[1].detail


def test_read_one_missing_path_object_is_e020(tmp_path):
    with pytest.raises(RetoldError) as e:
        read_one(tmp_path / "foo")  # a Path is never taken as text
    assert e.value.code is Err.E020
