"""Read documents from txt, JSONL, Parquet, HTML and WARC files, streaming.

Every problem with a file or record becomes a `RetoldIssue` appended to the caller's list and
the reader goes on with the next record or file: one bad line never costs the good ones.
Only a missing input path is fatal (`RetoldError` E020), because it is almost always a typo.

Text is kept exactly as given (later stages keep character offsets into it); the only
changes are dropping a leading UTF-8 BOM, replacing lone surrogates (E040) and, for HTML,
taking trafilatura's main text.

Only regular files are read (a FIFO, socket or device is E041, a symlink loop E042), each
within the bounds of `io/limits.py` (E043, E044). In a folder, a document's id is its path
relative to the folder without extensions (business/001), README/LICENSE-like files are
not articles (E045) and files of other types are reported (E005); hidden entries are
skipped. An unparseable date is dropped from its record (E046). Every record read is either
yielded or named in an issue: records in = documents kept + records rejected.

A document's source (the site whose chrome it shares) is the record's own `source`; else
the site of its url (`io/sites.py`: the host without "www." and port, archive and redirect
wrappers taken off); else, for HTML, the site name the page declares; else None.
"""
from __future__ import annotations

import codecs
import errno
import io
import json
import os
import re
import stat
import zlib
from datetime import datetime
from email.utils import parsedate_to_datetime
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

import orjson

from ..errors import Err, RetoldError, RetoldIssue
from ..explain.direction import parse_date
from ..model import Document
from ..text.safe import has_surrogates, repair_surrogates
from . import limits
from .limits import (MAX_DOCUMENT_CHARS, MAX_HTML_BYTES, MAX_LINE_BYTES, MAX_TEXT_BYTES,
                     MAX_WARC_RECORD_BYTES, GzipBomb, NotRegularFile, file_type_name,
                     open_input, open_regular, read_capped)
from .sites import site_of

SNIFF_BYTES = 8192  # NUL bytes in this much of the head mean "binary"
PARQUET_BATCH_ROWS = 1024  # rows per Arrow batch: bounded memory even for huge files
PARQUET_BATCH_BYTES = 64 * 2**20  # ... and fewer rows when they are large (uncompressed size)
BOM = b"\xef\xbb\xbf"

# Kinds by final extension; ".gz" may follow the text kinds (the WARC reader detects gzip).
_TEXT_KINDS = {".txt": "txt", ".jsonl": "jsonl", ".html": "html", ".htm": "html"}
_FIELDS = ("title", "date", "source", "url")
_ID_KEYS = ("id", "doc_id")  # doc_id lets a run's own documents.parquet be read back
_CONSUMED = {*_ID_KEYS, "text", "html", *_FIELDS}
_HTML_TYPES = {"text/html", "application/xhtml+xml"}
_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
# Files in a folder that document the folder rather than being articles (README.TXT, ...)
# (the whole name is one of these words plus extensions: notice-of-meeting.txt is an article)
_NOT_ARTICLE_RE = re.compile(
    r"^(readme|read_me|read-me|licen[cs]e|copying|copyright|notice|authors|contributors|"
    r"changelog|attribution)(\.[A-Za-z0-9]+)*$", re.I)
_ISO_START = re.compile(r"\d{4}-\d{2}")
# a JSON escape of a surrogate: only these can give a lone surrogate in json.loads' output
_SURROGATE_ESCAPE_RE = re.compile(rb"\\u[dD][89a-fA-F]")


def file_kind(path: str | os.PathLike[str]) -> tuple[str, bool] | None:
    """(kind, gzipped) for a supported file name, else None. Kind: txt|jsonl|html|parquet|warc."""
    name = os.path.basename(os.fspath(path)).lower()
    if name.endswith(".warc") or name.endswith(".warc.gz"):
        return "warc", False  # fastwarc detects gzip itself
    if name.endswith(".parquet"):
        return "parquet", False
    gz = name.endswith(".gz")
    base = name[:-3] if gz else name
    kind = _TEXT_KINDS.get(os.path.splitext(base)[1])
    return (kind, gz) if kind else None


def file_doc_id(path: str | os.PathLike[str], root: str | os.PathLike[str] | None = None) -> str:
    """Id of a one-document file: its path relative to `root` (the input folder it was found
    in; "/"-separated) or, without a root, its name, without the .gz and .txt/.html/.htm
    extensions. business/001.txt and sport/001.txt so keep apart, and the id is the same on
    every run of the same folder."""
    p = os.fspath(path)
    rel = os.path.relpath(p, os.fspath(root)) if root is not None else os.path.basename(p)
    parts = rel.replace(os.sep, "/").split("/")
    name = parts[-1]
    if name.lower().endswith(".gz"):
        name = name[:-3]
    stem, ext = os.path.splitext(name)
    parts[-1] = stem if ext.lower() in _TEXT_KINDS else name
    return "/".join(parts)


def iter_documents(paths: Iterable[str | os.PathLike[str]] | str | os.PathLike[str],
                   issues: list[RetoldIssue]) -> Iterator[Document]:
    """Yield every valid document in `paths` (files or folders), in a deterministic order.

    Problems are appended to `issues`. Raises RetoldError(E020) at call time, before
    anything is read, if an input path does not exist.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    paths = [Path(p) for p in paths]
    for p in paths:
        if not os.path.lexists(p):
            raise RetoldError(Err.E020, str(p))
    return _Reader(issues).run(paths)


def input_accounting(documents: int, issues: list[RetoldIssue]) -> dict[str, Any]:
    """Counts for run.json: records in = documents kept + records rejected.

    Every rejection is one issue naming its file, line or record; a file that cannot be read
    on from some point is one rejection (the records after it cannot be counted). Repairs
    (E040, E046) kept their record; notes (E048) name records that are not documents."""
    by_kind = {"rejected": 0, "repaired": 0, "note": 0}
    for i in issues:
        by_kind[i.code.kind] += 1
    return {"records_in": documents + by_kind["rejected"], "records_kept": documents,
            "records_rejected": by_kind["rejected"], "records_repaired": by_kind["repaired"],
            "input_notes": by_kind["note"]}


def write_rejects(issues: list[RetoldIssue], path: str | os.PathLike[str]) -> Path:
    """Every rejected record or file, one JSON object a line: code, where, detail, message."""
    from .writers import write_text_atomic

    lines = [json.dumps(i.to_dict(), ensure_ascii=False) + "\n"
             for i in issues if i.code.kind == "rejected"]
    return write_text_atomic("".join(lines), path)


def read_one(path_or_text: str | os.PathLike[str]) -> Document:
    """One document for `retold compare`: the first valid document of a file (or folder).

    A str (not a Path) that is not an existing path and does not look like one (it has a
    newline, or neither a path separator nor a supported extension) is taken as the text
    itself, with id "text"; a missing path raises E020. When nothing valid is found, raises
    RetoldError with the code of the first problem.
    """
    candidate = os.fspath(path_or_text)
    if isinstance(path_or_text, str) and not _is_path(candidate):
        if not candidate.strip():
            raise RetoldError(Err.E014, "<text>", "the text is empty")
        return Document(doc_id="text", text=repair_surrogates(candidate.removeprefix("\ufeff")),
                        origin="<text>")
    issues: list[RetoldIssue] = []
    docs = iter_documents([candidate], issues)
    try:
        doc = next(docs, None)
    finally:
        docs.close()  # stop here: never read the rest of a huge file
    if doc is not None:
        return doc
    rejected = [i for i in issues if i.code.kind == "rejected"]
    if rejected:
        first = rejected[0]
        raise RetoldError(first.code, first.where, first.detail)
    raise RetoldError(Err.E021, candidate)


def _is_path(s: str) -> bool:
    if "\n" in s or len(s) > 4096:
        return False
    try:
        if os.path.lexists(s):
            return True
    except (ValueError, OSError):  # NUL bytes, unencodable: not a path
        return False
    return os.sep in s or "/" in s or file_kind(s) is not None


def parse_input_date(value: str) -> str | None:
    """The date as kept: ISO 8601 as given (anything `datetime.fromisoformat` reads, which is
    what direction and stories read), RFC 2822 converted to ISO 8601; None if neither."""
    v = value.strip()
    if not v:
        return None
    if _ISO_START.match(v):
        try:
            datetime.fromisoformat(v)  # the common case, in C
            return v
        except ValueError:
            if parse_date(v) is not None:  # what direction and stories read (e.g. a cut "Z")
                return v
    try:
        d = parsedate_to_datetime(v)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if d is None or not isinstance(d, datetime):
        return None
    return d.isoformat()


def extract_html(html: str | bytes, url: str | None = None) -> dict[str, Any]:
    """Main text and metadata of an HTML page: {text, title, date, url, source, author}.

    trafilatura drops navigation and other chrome; when it finds no main text (very short
    pages) we fall back to all visible text so a one-paragraph item is not lost.
    """
    import trafilatura  # heavy import, only paid when HTML is read

    got = trafilatura.bare_extraction(
        html, url=url, with_metadata=True,
        # no extensive date search: a date guessed from body text would mislead direction
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    out: dict[str, Any] = {"text": "", "title": None, "date": None, "url": url,
                           "source": None, "author": None}
    if got is not None:
        out.update(text=got.text or "", title=got.title, date=got.date,
                   url=got.url or url, source=got.sitename or got.hostname, author=got.author)
    if not out["text"].strip():
        out["text"] = trafilatura.html2txt(html) or ""
    return out


class _Reader:
    """State shared over all inputs of one call: the issue list and the ids seen so far."""

    def __init__(self, issues: list[RetoldIssue]):
        self.issues = issues
        self.seen: set[str] = set()
        self.walked: set[str] = set()  # real folder paths, so a symlink loop ends
        self.at = ""
        self.id_fixed = False  # the id of the record being read had lone surrogates

    def issue(self, code: Err, where: str, detail: str = "") -> None:
        self.issues.append(RetoldIssue(code, where, detail))

    # --- walking ---------------------------------------------------------------------------
    def run(self, paths: list[Path]) -> Iterator[Document]:
        for p in paths:
            what = self._what(p)
            if what == "dir":
                for f in self._walk(p):
                    yield from self._read_file(f, p)
            elif what != "file":
                continue
            elif file_kind(p) is None:
                self.issue(Err.E005, str(p), f"extension of {p.name!r}")
            else:
                yield from self._read_file(p, None)

    def _what(self, path: Path) -> str | None:
        """"dir", "file" (regular) or None after reporting why it cannot be read."""
        try:
            mode = os.stat(path).st_mode  # follows symlinks, like opening would
        except OSError as e:
            if e.errno == errno.ELOOP or (e.errno == errno.ENOENT and os.path.islink(path)):
                why = "symlink loop" if e.errno == errno.ELOOP else "dangling symlink"
                self.issue(Err.E042, str(path), f"{why} -> {_link_target(path)}")
            else:
                self.issue(Err.E004, str(path), _os_detail(e))
            return None
        if stat.S_ISDIR(mode):
            return "dir"
        if stat.S_ISREG(mode):
            return "file"
        self.issue(Err.E041, str(path), file_type_name(mode))
        return None

    def _walk(self, folder: Path) -> Iterator[Path]:
        """Supported files under folder in sorted path order (a folder's entries, files and
        subfolders alike, by name), so runs are repeatable. Hidden entries (.git) skipped
        without a word; every other entry that is not read is reported."""
        real = os.path.realpath(folder)
        if real in self.walked:
            return
        self.walked.add(real)
        try:
            with os.scandir(folder) as it:
                entries = [e for e in it if not e.name.startswith(".")]
            entries.sort(key=lambda e: e.name)
        except OSError as e:
            self.issue(Err.E004, str(folder), _os_detail(e))
            return
        for entry in entries:
            path = Path(entry.path)
            what = self._what(path)
            if what == "dir":
                yield from self._walk(path)
            elif what != "file":
                continue
            elif _NOT_ARTICLE_RE.match(entry.name):
                self.issue(Err.E045, str(path))
            elif file_kind(entry.name) is None:
                self.issue(Err.E005, str(path), f"extension of {entry.name!r} (in a folder)")
            else:
                yield path

    def _read_file(self, path: Path, root: Path | None) -> Iterator[Document]:
        kind, gz = file_kind(path)  # type: ignore[misc]  # callers checked it is supported
        where = str(path)
        self.at = ""  # the line or record reached, for a failure that ends the file
        try:
            if kind == "jsonl":
                yield from self._read_jsonl(path, gz)
            elif kind == "parquet":
                yield from self._read_parquet(path)
            elif kind == "warc":
                yield from self._read_warc(path)
            else:
                doc = self._read_whole(path, gz, kind, root)
                if doc is not None:
                    yield doc
        except NotRegularFile as e:  # swapped for a FIFO after the folder was listed
            self.issue(Err.E041, where, e.strerror or "")
        except GzipBomb as e:
            self.issue(Err.E044, where + self.at, e.strerror or "")
        except (OSError, EOFError, zlib.error) as e:  # permission, directory, corrupt gzip
            detail = _os_detail(e)
            if self.at:
                detail += f"; the rest of the file from {self.at[1:]} on is not read"
            self.issue(Err.E004, where + self.at, detail)

    # --- records -----------------------------------------------------------------------------
    def _new_id(self, doc_id: str, where: str) -> bool:
        """False (and E013) if the id was already yielded: the first one wins."""
        if doc_id in self.seen:
            self.issue(Err.E013, where, f"id {_short(doc_id)}")
            return False
        return True

    def _accept(self, doc: Document, text_checked: bool = False) -> Document | None:
        """The document if it may be kept (else None with E014/E043), its fields repaired:
        lone surrogates replaced (E040), an unparseable date dropped (E046)."""
        where = doc.origin or ""
        id_fixed, self.id_fixed = self.id_fixed, False
        if not doc.text.strip():
            self.issue(Err.E014, where, f"id {_short(doc.doc_id)}")
            return None
        if len(doc.text) > MAX_DOCUMENT_CHARS:
            self.issue(Err.E043, where, f"id {_short(doc.doc_id)}: {len(doc.text):,} characters, "
                       f"limit {MAX_DOCUMENT_CHARS:,}")
            return None
        short = (doc.title, doc.date, doc.source, doc.url)
        bad = []
        if has_surrogates("".join([x for x in short if x])):  # one search for the four fields
            bad = [k for k, x in zip(("title", "date", "source", "url"), short)
                   if x and has_surrogates(x)]
            for k in bad:
                setattr(doc, k, repair_surrogates(getattr(doc, k)))
        if not text_checked and has_surrogates(doc.text):
            doc.text = repair_surrogates(doc.text)
            bad.insert(0, "text")
        if id_fixed:
            bad.insert(0, "id")
        if bad:
            self.issue(Err.E040, where, f"id {_short(doc.doc_id)}: in {', '.join(bad)}")
        if doc.date is not None:
            date = parse_input_date(doc.date)
            if date is None:
                self.issue(Err.E046, where, f"id {_short(doc.doc_id)}: date {_short(doc.date, 40)}")
            doc.date = date
        self.seen.add(doc.doc_id)
        return doc

    def _fix_id(self, doc_id: str, where: str) -> str:
        """An id without lone surrogates (file names with undecodable bytes, JSON escapes);
        the repair is reported with the record's others by `_accept` (one E040 a record)."""
        if has_surrogates(doc_id):
            self.id_fixed = True
            return repair_surrogates(doc_id)
        return doc_id

    def _record(self, rec: Any, where: str, maybe_surrogates: bool = False) -> Document | None:
        """A Document from one JSONL/Parquet record, or None with an issue."""
        if not isinstance(rec, dict):
            self.issue(Err.E015, where, f"got {type(rec).__name__}")
            return None
        doc_id = _record_id(rec)
        if doc_id is None:
            self.issue(Err.E011, where, _id_problem(rec))
            return None
        self.id_fixed = False
        doc_id = self._fix_id(doc_id, where)
        if not self._new_id(doc_id, where):
            return None
        fields = {k: v if v is None or type(v) is str else _opt_str(v) for k in _FIELDS for v in (rec.get(k),)}
        text = rec.get("text")
        if isinstance(text, str):
            if len(text) > MAX_DOCUMENT_CHARS:
                self.issue(Err.E043, where, f"id {_short(doc_id)}: {len(text):,} characters, "
                           f"limit {MAX_DOCUMENT_CHARS:,}")
                return None
            text = text.removeprefix("\ufeff")
            fields["source"] = _source(fields["source"], fields["url"])
        elif isinstance(rec.get("html"), str):
            html = rec["html"]
            if len(html) > MAX_HTML_BYTES:
                self.issue(Err.E043, where, f"id {_short(doc_id)}: 'html' of {len(html):,} "
                           f"characters, limit {MAX_HTML_BYTES:,}")
                return None
            if maybe_surrogates:
                html = repair_surrogates(html)  # lxml cannot take them; the text is checked below
            page = self._extract(html, fields["url"], where)
            if page is None:
                return None
            text = page["text"]
            for k in ("title", "date", "url"):
                fields[k] = fields[k] or page[k]  # the record's own values win
            fields["source"] = _source(fields["source"], fields["url"], page["source"])
        else:
            why = "" if text is None else f", 'text' is {type(text).__name__}"
            self.issue(Err.E012, where, f"id {_short(doc_id)}{why}")
            return None
        meta = {k: v for k, v in rec.items() if k not in _CONSUMED}
        if maybe_surrogates:
            meta = _repair_deep(meta)
        return self._accept(Document(doc_id=doc_id, text=text, meta=meta, origin=where, **fields),
                            text_checked=not maybe_surrogates)

    def _extract(self, html: str | bytes, url: str | None, where: str) -> dict[str, Any] | None:
        """extract_html that turns a parser crash on one odd page into an issue."""
        try:
            return extract_html(html, url=url)
        except Exception as e:  # noqa: BLE001  # third-party parser: any failure is per page
            self.issue(Err.E014, where, f"HTML extraction failed: {type(e).__name__}: {e}"[:300])
            return None

    # --- formats -----------------------------------------------------------------------------
    def _sniff(self, head: bytes, where: str) -> bool:
        """Check the head of a text file: False (with E001/E002) if it is empty or binary.

        A file of only whitespace passes here and gets its E001 from the full read.
        """
        if not head.removeprefix(BOM):
            self.issue(Err.E001, where)
            return False
        if b"\x00" in head[:SNIFF_BYTES]:
            self.issue(Err.E002, where, "NUL bytes in the first 8 KB")
            return False
        return True

    def _read_whole(self, path: Path, gz: bool, kind: str, root: Path | None) -> Document | None:
        """A .txt or .html file: one document whose id is its path in the folder (or name)."""
        where = str(path)
        self.id_fixed = False
        doc_id = self._fix_id(file_doc_id(path, root), where)
        cap = MAX_TEXT_BYTES if kind == "txt" else MAX_HTML_BYTES
        with open_input(path, gz) as fh:
            data, more = read_capped(fh, cap)  # never more than cap + 1 bytes, even for a bomb
        if not self._sniff(data, where):
            return None
        if more:
            self.issue(Err.E043, where, f"id {_short(doc_id)}: over {cap:,} bytes"
                       + (" decompressed" if gz else ""))
            return None
        if not self._new_id(doc_id, where):
            return None
        if not data.removeprefix(BOM).strip():  # whitespace beyond the sniffed head
            self.issue(Err.E001, where)
            return None
        text = _decode(data, html=(kind == "html"))
        del data
        if isinstance(text, int):
            self.issue(Err.E003, where, f"first bad byte at offset {text}")
            return None
        if kind == "txt":
            return self._accept(Document(doc_id=doc_id, text=text, origin=where), text_checked=True)
        page = self._extract(text, None, where)
        if page is None:
            return None
        meta = {"author": page["author"]} if page["author"] else {}
        return self._accept(Document(
            doc_id=doc_id, text=page["text"], title=page["title"], date=page["date"],
            url=page["url"], source=_source(None, page["url"], page["source"]), meta=meta,
            origin=where), text_checked=True)

    def _read_jsonl(self, path: Path, gz: bool) -> Iterator[Document]:
        records = 0
        tally = _Tally(self, str(path))
        with open_input(path, gz) as fh:
            head = fh.peek(SNIFF_BYTES)[:SNIFF_BYTES] if hasattr(fh, "peek") else b""
            if not self._sniff(head, str(path)):
                return
            for lineno, start, raw, length in _jsonl_lines(fh, MAX_LINE_BYTES):
                where = f"{path}:{lineno}"
                self.at = f":{lineno + 1}"  # a failure while reading on is past this line
                records += 1
                if tally.stop(where):
                    return
                n_issues = len(self.issues)
                doc = self._jsonl_record(raw, length, start, lineno, where)
                tally.count(n_issues, doc is not None)
                if doc is not None:
                    yield doc
        if records == 0:
            self.issue(Err.E001, str(path), "only blank lines")

    def _jsonl_record(self, raw: bytes | None, length: int, start: int, lineno: int,
                      where: str) -> Document | None:
        if raw is None:
            self.issue(Err.E043, where, f"line of {length:,} bytes, limit {MAX_LINE_BYTES:,}")
            return None
        if lineno == 1 and start == 0 and raw.startswith(BOM):
            raw, start = raw[3:], start + 3
        rec = _fast_record(raw)
        if rec is not None:
            return self._record(rec, where)
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            self.issue(Err.E003, where, f"first bad byte at offset {start + e.start}")
            return None
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as e:
            self.issue(Err.E010, where, f"{e.msg} at column {e.colno}")
            return None
        except (ValueError, RecursionError) as e:  # huge ints, absurd nesting
            self.issue(Err.E010, where, f"{type(e).__name__}: {e}"[:200])
            return None
        del line
        maybe = b"\\u" in raw and _SURROGATE_ESCAPE_RE.search(raw) is not None
        return self._record(rec, where, maybe_surrogates=maybe)

    def _read_parquet(self, path: Path) -> Iterator[Document]:
        import pyarrow as pa
        import pyarrow.parquet as pq

        where = str(path)
        with open_regular(path) as fh:
            if os.fstat(fh.fileno()).st_size == 0:
                self.issue(Err.E001, where)
                return
            try:
                pf = pq.ParquetFile(fh)
            except (pa.ArrowException, OSError) as e:
                self.issue(Err.E004, where, f"not a readable Parquet file: {e}"[:300])
                return
            names = set(pf.schema_arrow.names)
            if not names & set(_ID_KEYS):
                self.issue(Err.E011, where, "no 'id' column")
                return
            if not names & {"text", "html"}:
                self.issue(Err.E012, where, "no 'text' or 'html' column")
                return
            if pf.metadata.num_rows == 0:
                self.issue(Err.E001, where, "no rows")
                return
            n = 0
            tally = _Tally(self, where)
            batches = pf.iter_batches(batch_size=_parquet_batch_rows(pf))
            while True:
                try:
                    batch = next(batches, None)
                    rows = batch.to_pylist() if batch is not None else None
                except (pa.ArrowException, OSError, ValueError) as e:
                    # corrupt row group or undecodable strings: later rows are unreachable
                    self.issue(Err.E004, f"{where}#{n + 1}",
                               f"corrupt Parquet data from record {n + 1} on: {e}"[:300])
                    return
                if rows is None:
                    return
                for rec in rows:
                    n += 1
                    if tally.stop(f"{where}#{n}"):
                        return
                    n_issues = len(self.issues)
                    doc = self._record(rec, f"{where}#{n}")
                    tally.count(n_issues, doc is not None)
                    if doc is not None:
                        yield doc

    def _read_warc(self, path: Path) -> Iterator[Document]:
        from fastwarc.warc import ArchiveIterator, WarcRecordType

        where = str(path)
        with open_regular(path) as fh:
            head = fh.read(2)
            if not head:
                self.issue(Err.E001, where)
                return
            fh.seek(0)
            chunks = _gzip_members(fh) if head == b"\x1f\x8b" else _plain_chunks(fh)
            n = 0
            passed: dict[str, int] = {}
            early: list[_WarcProblem] = []  # garbage before the first record: reported once
            for item in _frame_warc(chunks):  # one is found, else the file is E004 below
                if isinstance(item, _WarcProblem):
                    if item.record is None and n == 0 and item.kind == "garbage":
                        early.append(item)
                        continue
                    self.issue(item.code, f"{where}#{item.record or n + 1}", item.detail)
                    continue
                for p in early:
                    self.issue(p.code, f"{where}#{item.number}", p.detail)
                early = []
                n = item.number
                self.at = f"#{n + 1}"  # a failure while reading on is past this record
                try:
                    rec = next(iter(ArchiveIterator(
                        io.BytesIO(item.data), parse_http=True, auto_decode="all",
                        quirks_mode=True, fsspec_args=False)), None)
                except (OSError, ValueError) as e:
                    rec, item.problem = None, f"{type(e).__name__}: {e}"
                if rec is None:
                    self.issue(Err.E047, f"{where}#{n}",
                               f"record at byte {item.offset:,} not parsed: {item.problem or 'bad header'}")
                    continue
                if rec.record_type != WarcRecordType.response:
                    kind = getattr(rec.record_type, "name", str(rec.record_type))
                    passed[kind] = passed.get(kind, 0) + 1
                    continue
                doc = self._warc_doc(rec, f"{where}#{n}", passed)
                if doc is not None:
                    yield doc
            if n == 0:
                self.issue(Err.E004, where, "no WARC records found")
            elif passed:
                self.issue(Err.E048, where, ", ".join(f"{v} {k}" for k, v in sorted(passed.items())))

    def _warc_doc(self, rec: Any, where: str, passed: dict[str, int]) -> Document | None:
        """An HTML 2xx response as a Document; other responses are not documents (counted in
        `passed` for the file's one E048 note)."""
        http = rec.http_headers
        if not rec.is_http or http is None:
            passed["response without HTTP"] = passed.get("response without HTTP", 0) + 1
            return None
        status = http.status_code
        if status is not None and not 200 <= status < 300:
            passed[f"HTTP {status}"] = passed.get(f"HTTP {status}", 0) + 1
            return None
        ctype = (rec.http_content_type or "").lower()
        if ctype and ctype not in _HTML_TYPES:
            passed[ctype[:40]] = passed.get(ctype[:40], 0) + 1
            return None
        uri = rec.headers.get("WARC-Target-URI") or None
        doc_id = (rec.record_id or "").strip().strip("<>") or uri or where
        self.id_fixed = False
        doc_id = self._fix_id(doc_id, where)
        if not self._new_id(doc_id, where):
            return None
        body = rec.reader.read(MAX_HTML_BYTES + 1)
        if len(body) > MAX_HTML_BYTES:
            self.issue(Err.E043, where, f"id {_short(doc_id)}: page over {MAX_HTML_BYTES:,} bytes")
            return None
        charset = rec.http_charset
        try:
            html: str | bytes = body.decode(charset, errors="replace") if charset else body
        except LookupError:  # a charset Python does not know: let the extractor guess
            html = body
        page = self._extract(html, uri, where)
        if page is None:
            return None
        warc_date = rec.headers.get("WARC-Date") or None
        meta = {"warc_date": warc_date}
        if page["author"]:
            meta["author"] = page["author"]
        return self._accept(Document(
            doc_id=doc_id, text=page["text"], title=page["title"],
            # the page's own publication date beats the crawl date for "who came first"
            date=page["date"] or warc_date, url=uri or page["url"],
            source=_source(None, uri, site_of(page["url"]) or page["source"]),
            meta=meta, origin=where), text_checked=True)


class _Tally:
    """Bad and good records of one file: a file with over MAX_BAD_RECORDS rejections, more
    than it kept, is not what its name says (one E059 ends it, instead of an issue per line
    for millions of lines)."""

    def __init__(self, reader: "_Reader", where: str):
        self.reader, self.where = reader, where
        self.bad = self.good = 0

    def count(self, n_issues_before: int, kept: bool) -> None:
        if kept:
            self.good += 1
        elif any(i.code.kind == "rejected" for i in self.reader.issues[n_issues_before:]):
            self.bad += 1

    def stop(self, where: str) -> bool:
        if self.bad > limits.MAX_BAD_RECORDS and self.bad > self.good:
            self.reader.issue(Err.E059, where, f"{self.bad:,} bad and {self.good:,} good records "
                              "before this one")
            return True
        return False


_BLANK_RUN = re.compile(rb"[ \t\r\f\v\n]*\n")  # one step: no group repeated per line
_JSONL_BLOCK = 2**20


def _jsonl_lines(fh: IO[bytes], cap: int) -> Iterator[tuple[int, int, bytes | None, int]]:
    """(line number, byte offset, line, length in bytes) of every non-blank line, read in
    blocks: runs of blank lines are skipped in one step (a file of a billion newlines costs
    seconds, not an hour). A line over `cap` bytes comes as None, dropped as it streams past."""
    lineno, offset = 1, 0  # of data[pos]
    data, pos = b"", 0
    drop: list[int] | None = None  # [line number, offset, length so far] of an over-long line
    # read1: what one decompression step gives, so the lines before a cut in a gzip file come
    # out before the error (read(n) would drop all it had gathered towards n)
    read = getattr(fh, "read1", fh.read)
    while True:
        block = read(_JSONL_BLOCK)
        eof = not block
        if drop is not None:
            nl = block.find(b"\n")
            if nl < 0 and not eof:
                drop[2] += len(block)
                continue
            used = nl + 1 if nl >= 0 else len(block)
            drop[2] += used
            yield drop[0], drop[1], None, drop[2]
            lineno, offset = drop[0] + 1, drop[1] + drop[2]
            drop = None
            block = block[used:]
            if eof:
                return
        data, pos = data[pos:] + block, 0
        while True:
            m = _BLANK_RUN.match(data, pos)
            if m:
                lineno += data.count(b"\n", pos, m.end())
                offset += m.end() - pos
                pos = m.end()
            nl = data.find(b"\n", pos)
            if nl < 0:
                break
            n = nl + 1 - pos
            yield lineno, offset, (data[pos:nl + 1] if n <= cap else None), n
            lineno, offset, pos = lineno + 1, offset + n, nl + 1
        rest = len(data) - pos
        if eof:
            if data[pos:].strip():
                yield lineno, offset, (data[pos:] if rest <= cap else None), rest
            return
        if rest > cap:
            drop = [lineno, offset, rest]
            data, pos = b"", 0


# --- WARC framing --------------------------------------------------------------------------------
# fastwarc stops at the first corrupt gzip member and resyncs silently over a bad header, so
# records are cut here (gzip member by member, then by their Content-Length) and each one
# parsed by fastwarc on its own: a corrupt member or header costs only its own record(s).
_WARC_CHUNK = 2**20
_MAX_WARC_HEADER = 64 * 2**10
_GZ_MAGIC = b"\x1f\x8b\x08"


class _Resync:
    """From a gzip stream: a corrupt member was skipped; what was half-read is lost."""

    def __init__(self, detail: str):
        self.detail = detail


class _WarcProblem:
    def __init__(self, code: Err, detail: str, record: int | None = None, kind: str = ""):
        self.code, self.detail, self.record, self.kind = code, detail, record, kind


class _WarcRecord:
    def __init__(self, number: int, offset: int, data: bytes):
        self.number, self.offset, self.data = number, offset, data
        self.problem = ""


def _plain_chunks(fh: IO[bytes]) -> Iterator[bytes | _Resync]:
    while chunk := fh.read(_WARC_CHUNK):
        yield chunk


def _gzip_members(fh: IO[bytes]) -> Iterator[bytes | _Resync]:
    """Decompressed bytes of each gzip member in turn, in bounded pieces. A member that fails
    to decompress is reported (_Resync) and reading goes on at the next member's magic."""
    d = zlib.decompressobj(31)
    data = b""
    consumed = 0  # compressed bytes before `data`
    member_at = 0
    out_total = 0
    started = False
    while True:
        if not data:
            data = fh.read(_WARC_CHUNK)
            if not data:
                if started and not d.eof:
                    yield _Resync(f"gzip member at byte {member_at:,} is truncated")
                return
        try:
            out = d.decompress(data, _WARC_CHUNK)
        except zlib.error as e:
            yield _Resync(f"gzip member at byte {member_at:,} is corrupt ({e})")
            # look for the next member from one byte on, reading on as needed
            idx = data.find(_GZ_MAGIC, 1)
            while idx < 0:
                keep = data[-2:]
                more = fh.read(_WARC_CHUNK)
                if not more:
                    return
                consumed += len(data) - len(keep)
                data = keep + more
                idx = data.find(_GZ_MAGIC, 1 if consumed == member_at else 0)
            consumed += idx
            data = data[idx:]
            member_at = consumed
            d = zlib.decompressobj(31)
            started = False
            continue
        started = True
        out_total += len(out)
        if out_total > limits.GZIP_BOMB_FLOOR and out_total > limits.MAX_GZIP_RATIO * max(1, fh.tell()):
            raise GzipBomb(0, f"{out_total:,} bytes out of {fh.tell():,} compressed")
        if out:
            yield out
        if d.eof:
            rest = d.unused_data
            consumed += len(data) - len(rest)
            data = rest.lstrip(b"\x00")  # some writers pad with zeros
            consumed += len(rest) - len(data)
            member_at = consumed
            d = zlib.decompressobj(31)
            started = False
        else:
            tail = d.unconsumed_tail
            consumed += len(data) - len(tail)
            data = tail


def _frame_warc(chunks: Iterator[bytes | _Resync]) -> Iterator[_WarcRecord | _WarcProblem]:
    """Cut a WARC byte stream into records ("WARC/" header, blank line, Content-Length bytes).

    Bytes between records that are not a record header are skipped up to the next "WARC/"
    line and reported once (E047); a record whose content is over MAX_WARC_RECORD_BYTES is
    streamed past (E043); a record cut short by a corrupt gzip member or the end of the file
    is reported (E047)."""
    buf = bytearray()
    pos = 0  # stream offset of buf[0]
    n = 0
    skipping = 0  # content bytes of an oversized record still to drop
    garbage = 0  # bytes skipped since the last record
    garbage_at = 0
    header: bytes | None = None  # header of the record being read, with its content length
    need = 0

    def flush_garbage(before: str) -> Iterator[_WarcProblem]:
        nonlocal garbage
        if garbage:
            yield _WarcProblem(Err.E047, f"{garbage:,} bytes at byte {garbage_at:,} are not a WARC "
                               f"record (bad header or damaged data), {before}", kind="garbage")
            garbage = 0

    for chunk in chunks:
        if isinstance(chunk, _Resync):
            if header is not None or skipping:
                yield _WarcProblem(Err.E047, f"record #{n} lost: {chunk.detail}", record=n)
            else:
                yield _WarcProblem(Err.E047, chunk.detail, record=n + 1)
            pos += len(buf)
            buf.clear()
            header, skipping, garbage = None, 0, 0
            continue
        if skipping:
            drop = min(skipping, len(chunk))
            skipping -= drop
            pos += drop
            chunk = chunk[drop:]
        buf += chunk
        while buf:
            if header is None:
                # find the next header; leading blank lines are the previous record's end
                stripped = len(buf) - len(buf.lstrip(b"\r\n"))
                if stripped:
                    del buf[:stripped]
                    pos += stripped
                    continue
                if not buf.startswith(b"WARC/"):
                    if len(buf) < 5 and b"WARC/".startswith(bytes(buf)):
                        break  # need more bytes
                    idx = buf.find(b"\nWARC/")
                    cut = idx + 1 if idx >= 0 else max(0, len(buf) - 5)
                    if cut == 0:
                        break
                    if not garbage:
                        garbage_at = pos
                    garbage += cut
                    del buf[:cut]
                    pos += cut
                    continue
                end = buf.find(b"\r\n\r\n")
                if end < 0:
                    if len(buf) > _MAX_WARC_HEADER:  # not a header after all
                        if not garbage:
                            garbage_at = pos
                        garbage += 5
                        del buf[:5]
                        pos += 5
                        continue
                    break
                length = _content_length(bytes(buf[:end]))
                if length is None:  # a record header without a usable Content-Length
                    if not garbage:
                        garbage_at = pos
                    garbage += end + 4
                    del buf[:end + 4]
                    pos += end + 4
                    continue
                yield from flush_garbage(f"before record #{n + 1}")
                n += 1
                if length > MAX_WARC_RECORD_BYTES:
                    yield _WarcProblem(Err.E043, f"record of {length:,} bytes, limit "
                                       f"{MAX_WARC_RECORD_BYTES:,}", record=n)
                    total = end + 4 + length
                    drop = min(total, len(buf))
                    del buf[:drop]
                    pos += drop
                    skipping = total - drop
                    if skipping:
                        break
                    continue
                header, need, rec_at = bytes(buf[:end + 4]), end + 4 + length, pos
            if len(buf) < need:
                break
            data = bytes(buf[:need]) + b"\r\n\r\n"
            del buf[:need]
            pos += need
            header = None
            yield _WarcRecord(n, rec_at, data)
    if header is not None:
        yield _WarcProblem(Err.E047, "record cut short by the end of the file", record=n)
    elif buf.strip(b"\r\n") or garbage:
        garbage += len(buf.strip(b"\r\n"))
        if not garbage_at:
            garbage_at = pos
        yield from flush_garbage("at the end of the file")


def _parquet_batch_rows(pf: Any) -> int:
    """Rows per batch: PARQUET_BATCH_ROWS, fewer when rows are large, so that one batch holds
    about PARQUET_BATCH_BYTES (a file of 4 MB texts is read a few rows at a time)."""
    md = pf.metadata
    total = sum(md.row_group(i).total_byte_size for i in range(md.num_row_groups))
    per_row = max(1, total // max(1, md.num_rows))
    return max(1, min(PARQUET_BATCH_ROWS, PARQUET_BATCH_BYTES // per_row))


def _content_length(header: bytes) -> int | None:
    for line in header.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            try:
                n = int(value.strip())
            except ValueError:
                return None
            return n if n >= 0 else None
    return None


def _repair_deep(obj: Any, depth: int = 0) -> Any:
    """Lone surrogates replaced in every string of a JSON value (keys too)."""
    if isinstance(obj, str):
        return repair_surrogates(obj)
    if depth > 50:
        return obj
    if isinstance(obj, dict):
        return {repair_surrogates(k): _repair_deep(v, depth + 1) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_repair_deep(v, depth + 1) for v in obj]
    return obj


def _link_target(path: Path) -> str:
    try:
        return os.readlink(path)
    except OSError:
        return "?"


# --- small helpers -------------------------------------------------------------------------------
def _decode(data: bytes, html: bool) -> str | int:
    """UTF-8 text without BOM, or the file byte offset of the first bad byte.

    HTML that declares another charset in a <meta> tag is decoded with it, as browsers do.
    """
    skipped = len(BOM) if data.startswith(BOM) else 0
    try:
        return data[skipped:].decode("utf-8")
    except UnicodeDecodeError as e:
        bad = skipped + e.start
    if html:
        m = _CHARSET_RE.search(data[:4096])
        if m:
            try:
                return data.decode(codecs.lookup(m.group(1).decode("ascii")).name)
            except (LookupError, UnicodeDecodeError):
                pass
    return bad


def _fast_record(raw: bytes) -> dict | None:
    """The record as orjson reads it (2.4x json's speed, UTF-8 checked on the way), or None
    where it must go the careful way: anything orjson refuses (bad bytes or JSON, lone
    surrogate escapes, NaN, which json takes), an id orjson turned into a float (an integer
    past 64 bits), or a string that may hold an escaped surrogate pair half."""
    if b"\\u" in raw and _SURROGATE_ESCAPE_RE.search(raw) is not None:
        return None
    try:
        rec = orjson.loads(raw)
    except (orjson.JSONDecodeError, RecursionError):
        return None
    if isinstance(rec, dict) and (isinstance(rec.get("id"), float) or isinstance(rec.get("doc_id"), float)):
        return None  # _ID_KEYS, spelt out: a generator here was a tenth of the reader's time
    return rec


def _source(given: str | None, url: str | None, declared: str | None = None) -> str | None:
    """The record's own source; else the site of its url; else what the page declares."""
    if given and given.strip():
        return given
    return site_of(url) or (declared.strip() if declared and declared.strip() else None)


def _record_id(rec: dict[str, Any]) -> str | None:
    """The record's id as a string (ints allowed), or None if missing or unusable."""
    val = rec["id"] if "id" in rec else rec.get("doc_id")  # the first of _ID_KEYS present
    if type(val) is str and val and not val[0].isspace():
        return val  # the common case, in fewer steps
    if isinstance(val, int) and not isinstance(val, bool):
        return str(val)
    if isinstance(val, str) and val.strip():
        return val
    return None


def _id_problem(rec: dict[str, Any]) -> str:
    key = next((k for k in _ID_KEYS if k in rec), None)
    if key is None:
        return "no 'id' field"
    val = rec[key]
    if val is None:
        return f"{key!r} is null"
    if isinstance(val, str):
        return f"{key!r} is empty"
    return f"{key!r} must be a string or integer, got {type(val).__name__}"


def _opt_str(val: Any) -> str | None:
    """Optional metadata as a string: dates from Parquet become ISO 8601."""
    if val is None:
        return None
    if hasattr(val, "isoformat"):
        return val.isoformat()
    return val if isinstance(val, str) else str(val)


def _short(s: str, limit: int = 80) -> str:
    return repr(s if len(s) <= limit else s[:limit] + "...")


def _os_detail(e: BaseException) -> str:
    if isinstance(e, OSError) and e.strerror:
        return e.strerror
    return f"{type(e).__name__}: {e}" if str(e) else type(e).__name__
