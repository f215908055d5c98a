"""Read documents from txt, JSONL, Parquet, HTML and WARC files, streaming.

Every problem with a file or record becomes a `RetoldIssue` appended to the caller's list and
the reader goes on with the next record or file: one bad line never costs the good ones.
Only a missing input path is fatal (`RetoldError` E020), because it is almost always a typo.

Text is kept exactly as given (later stages keep character offsets into it); the only
changes are dropping a leading UTF-8 BOM and, for HTML, taking trafilatura's main text.

A document's source (the site whose chrome it shares) is the record's own `source`; else
the site of its url (`io/sites.py`: the host without "www." and port, archive and redirect
wrappers taken off); else, for HTML, the site name the page declares; else None.
"""
from __future__ import annotations

import codecs
import gzip
import json
import os
import re
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from ..errors import Err, RetoldError, RetoldIssue
from ..model import Document
from .sites import site_of

SNIFF_BYTES = 8192  # NUL bytes in this much of the head mean "binary"
PARQUET_BATCH_ROWS = 1024  # rows per Arrow batch: bounded memory even for huge files
BOM = b"\xef\xbb\xbf"

# Kinds by final extension; ".gz" may follow the text kinds (the WARC reader detects gzip).
_TEXT_KINDS = {".txt": "txt", ".jsonl": "jsonl", ".html": "html", ".htm": "html"}
_FIELDS = ("title", "date", "source", "url")
_ID_KEYS = ("id", "doc_id")  # doc_id lets a run's own documents.parquet be read back
_CONSUMED = {*_ID_KEYS, "text", "html", *_FIELDS}
_HTML_TYPES = {"text/html", "application/xhtml+xml"}
_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


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


def file_doc_id(path: str | os.PathLike[str]) -> str:
    """Id of a one-document file: its name without the .gz and .txt/.html/.htm extensions."""
    name = os.path.basename(os.fspath(path))
    if name.lower().endswith(".gz"):
        name = name[:-3]
    stem, ext = os.path.splitext(name)
    return stem if ext.lower() in _TEXT_KINDS else name


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
        return Document(doc_id="text", text=candidate.removeprefix("\ufeff"), origin="<text>")
    issues: list[RetoldIssue] = []
    docs = iter_documents([candidate], issues)
    try:
        doc = next(docs, None)
    finally:
        docs.close()  # stop here: never read the rest of a huge file
    if doc is not None:
        return doc
    if issues:
        first = issues[0]
        raise RetoldError(first.code, first.where, first.detail)
    raise RetoldError(Err.E021, candidate)


def _is_path(s: str) -> bool:
    if "\n" in s or len(s) > 4096:
        return False
    if os.path.lexists(s):
        return True
    return os.sep in s or "/" in s or file_kind(s) is not None


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

    def issue(self, code: Err, where: str, detail: str = "") -> None:
        self.issues.append(RetoldIssue(code, where, detail))

    # --- walking ---------------------------------------------------------------------------
    def run(self, paths: list[Path]) -> Iterator[Document]:
        for p in paths:
            if p.is_dir():
                for f in self._walk(p):
                    yield from self._read_file(f)
            elif file_kind(p) is None:
                self.issue(Err.E005, str(p), f"extension of {p.name!r}")
            else:
                yield from self._read_file(p)

    def _walk(self, folder: Path) -> Iterator[Path]:
        """Supported files under folder in sorted path order (a folder's entries, files and
        subfolders alike, by name), so runs are repeatable. Hidden entries (.git) skipped."""
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
            try:
                is_dir = entry.is_dir()  # follows symlinks, like an explicit path would
            except OSError:
                is_dir = False
            if is_dir:
                yield from self._walk(Path(entry.path))
            elif file_kind(entry.name) is not None:
                yield Path(entry.path)

    def _read_file(self, path: Path) -> Iterator[Document]:
        kind, gz = file_kind(path)  # type: ignore[misc]  # callers checked it is supported
        where = str(path)
        try:
            if kind == "jsonl":
                yield from self._read_jsonl(path, gz)
            elif kind == "parquet":
                yield from self._read_parquet(path)
            elif kind == "warc":
                yield from self._read_warc(path)
            else:
                doc = self._read_whole(path, gz, kind)
                if doc is not None:
                    yield doc
        except (OSError, EOFError, zlib.error) as e:  # permission, directory, corrupt gzip
            self.issue(Err.E004, where, _os_detail(e))

    # --- records -----------------------------------------------------------------------------
    def _new_id(self, doc_id: str, where: str) -> bool:
        """False (and E013) if the id was already yielded: the first one wins."""
        if doc_id in self.seen:
            self.issue(Err.E013, where, f"id {_short(doc_id)}")
            return False
        return True

    def _accept(self, doc: Document) -> Document | None:
        if not doc.text.strip():
            self.issue(Err.E014, doc.origin or "", f"id {_short(doc.doc_id)}")
            return None
        self.seen.add(doc.doc_id)
        return doc

    def _record(self, rec: Any, where: str) -> Document | None:
        """A Document from one JSONL/Parquet record, or None with an issue."""
        if not isinstance(rec, dict):
            self.issue(Err.E015, where, f"got {type(rec).__name__}")
            return None
        doc_id = _record_id(rec)
        if doc_id is None:
            self.issue(Err.E011, where, _id_problem(rec))
            return None
        if not self._new_id(doc_id, where):
            return None
        fields = {k: _opt_str(rec.get(k)) for k in _FIELDS}
        text = rec.get("text")
        if isinstance(text, str):
            text = text.removeprefix("\ufeff")
            fields["source"] = _source(fields["source"], fields["url"])
        elif isinstance(rec.get("html"), str):
            page = self._extract(rec["html"], fields["url"], where)
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
        return self._accept(Document(doc_id=doc_id, text=text, meta=meta, origin=where, **fields))

    def _extract(self, html: str | bytes, url: str | None, where: str) -> dict[str, Any] | None:
        """extract_html that turns a parser crash on one odd page into an issue."""
        try:
            return extract_html(html, url=url)
        except Exception as e:  # noqa: BLE001  # third-party parser: any failure is per page
            self.issue(Err.E014, where, f"HTML extraction failed: {type(e).__name__}: {e}")
            return None

    # --- formats -----------------------------------------------------------------------------
    def _sniff(self, path: Path, gz: bool) -> bool:
        """Check the head of a text file: False (with E001/E002) if it is empty or binary.

        A file of only whitespace passes here and gets its E001 from the full read.
        """
        with _open(path, gz) as fh:
            head = fh.read(SNIFF_BYTES)
        if not head.removeprefix(BOM):
            self.issue(Err.E001, str(path))
            return False
        if b"\x00" in head:
            self.issue(Err.E002, str(path), "NUL bytes in the first 8 KB")
            return False
        return True

    def _read_whole(self, path: Path, gz: bool, kind: str) -> Document | None:
        """A .txt or .html file: one document whose id is the file name."""
        where = str(path)
        doc_id = file_doc_id(path)
        if not self._sniff(path, gz) or not self._new_id(doc_id, where):
            return None
        with _open(path, gz) as fh:
            data = fh.read()
        if not data.removeprefix(BOM).strip():  # whitespace beyond the sniffed head
            self.issue(Err.E001, where)
            return None
        text = _decode(data, html=(kind == "html"))
        if isinstance(text, int):
            self.issue(Err.E003, where, f"first bad byte at offset {text}")
            return None
        if kind == "txt":
            return self._accept(Document(doc_id=doc_id, text=text, origin=where))
        page = self._extract(text, None, where)
        if page is None:
            return None
        meta = {"author": page["author"]} if page["author"] else {}
        return self._accept(Document(
            doc_id=doc_id, text=page["text"], title=page["title"], date=page["date"],
            url=page["url"], source=_source(None, page["url"], page["source"]), meta=meta,
            origin=where))

    def _read_jsonl(self, path: Path, gz: bool) -> Iterator[Document]:
        if not self._sniff(path, gz):
            return
        offset = 0  # byte offset of the line start, for E003 details
        records = 0
        with _open(path, gz) as fh:
            for lineno, raw in enumerate(fh, 1):
                start, offset = offset, offset + len(raw)
                if lineno == 1 and raw.startswith(BOM):
                    raw, start = raw[3:], start + 3
                if not raw.strip():
                    continue  # blank lines are layout, not records
                records += 1
                where = f"{path}:{lineno}"
                try:
                    line = raw.decode("utf-8")
                except UnicodeDecodeError as e:
                    self.issue(Err.E003, where, f"first bad byte at offset {start + e.start}")
                    continue
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError as e:
                    self.issue(Err.E010, where, f"{e.msg} at column {e.colno}")
                    continue
                except (ValueError, RecursionError) as e:  # huge ints, absurd nesting
                    self.issue(Err.E010, where, f"{type(e).__name__}: {e}"[:200])
                    continue
                doc = self._record(rec, where)
                if doc is not None:
                    yield doc
        if records == 0:
            self.issue(Err.E001, str(path), "only blank lines")

    def _read_parquet(self, path: Path) -> Iterator[Document]:
        import pyarrow as pa
        import pyarrow.parquet as pq

        where = str(path)
        if path.stat().st_size == 0:
            self.issue(Err.E001, where)
            return
        try:
            pf = pq.ParquetFile(path)
        except (pa.ArrowException, OSError) as e:
            self.issue(Err.E004, where, f"not a readable Parquet file: {e}")
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
        batches = pf.iter_batches(batch_size=PARQUET_BATCH_ROWS)
        while True:
            try:
                batch = next(batches, None)
            except (pa.ArrowException, OSError) as e:  # corrupt row group: later ones unreachable
                self.issue(Err.E004, f"{where}#{n + 1}", f"corrupt Parquet data: {e}")
                return
            if batch is None:
                return
            for rec in batch.to_pylist():
                n += 1
                doc = self._record(rec, f"{where}#{n}")
                if doc is not None:
                    yield doc

    def _read_warc(self, path: Path) -> Iterator[Document]:
        from fastwarc.warc import ArchiveIterator, WarcRecordType

        where = str(path)
        if path.stat().st_size == 0:
            self.issue(Err.E001, where)
            return
        records = ArchiveIterator(str(path), parse_http=True, auto_decode="all",
                                  quirks_mode=True, fsspec_args=False)
        n = 0
        while True:
            try:
                rec = next(records, None)
            except (OSError, ValueError) as e:  # garbage or a broken header: cannot resync
                self.issue(Err.E004, f"{where}#{n + 1}", f"not a valid WARC record: {e}")
                return
            if rec is None:
                if n == 0:
                    self.issue(Err.E004, where, "no WARC records found")
                return
            n += 1
            if rec.record_type == WarcRecordType.response:
                doc = self._warc_doc(rec, f"{where}#{n}")
                if doc is not None:
                    yield doc

    def _warc_doc(self, rec: Any, where: str) -> Document | None:
        """An HTML 2xx response as a Document; other responses are not documents (skipped)."""
        http = rec.http_headers
        if not rec.is_http or http is None:
            return None
        status = http.status_code
        if status is not None and not 200 <= status < 300:
            return None
        ctype = (rec.http_content_type or "").lower()
        if ctype and ctype not in _HTML_TYPES:
            return None
        uri = rec.headers.get("WARC-Target-URI") or None
        doc_id = (rec.record_id or "").strip().strip("<>") or uri or where
        if not self._new_id(doc_id, where):
            return None
        body = rec.reader.read()
        charset = rec.http_charset
        html: str | bytes = body.decode(charset, errors="replace") if charset else body
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
            meta=meta, origin=where))


# --- small helpers -------------------------------------------------------------------------------
def _open(path: Path, gz: bool) -> IO[bytes]:
    return gzip.open(path, "rb") if gz else open(path, "rb")


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


def _source(given: str | None, url: str | None, declared: str | None = None) -> str | None:
    """The record's own source; else the site of its url; else what the page declares."""
    if given and given.strip():
        return given
    return site_of(url) or (declared.strip() if declared and declared.strip() else None)


def _record_id(rec: dict[str, Any]) -> str | None:
    """The record's id as a string (ints allowed), or None if missing or unusable."""
    key = next((k for k in _ID_KEYS if k in rec), None)
    val = rec.get(key) if key else None
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
