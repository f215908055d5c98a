"""Build the benchmark news corpus (Reuters-21578 + BBC News) as JSONL.

    python benchmarks/corpus.py [--docs N]      # writes .bench/news-<N>.jsonl

Records: {"id", "text", "title", "date", "source"}. The two collections are interleaved in
proportion (about one BBC article per nine Reuters stories), so that "the first N" is a
representative sample of both at any N. The data is research-use only: it is read from
../shared/data and never copied into the project.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import html
import json
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / ".." / "shared" / "data"
BENCH_DIR = REPO / ".bench"

_DOC_RE = re.compile(r"<REUTERS\b([^>]*)>(.*?)</REUTERS>", re.S)
_NEWID_RE = re.compile(r'NEWID="(\d+)"')
_DATE_RE = re.compile(r"(\d{1,2})-([A-Z]{3})-(\d{4})\s+(\d{1,3}):(\d{2}):(\d{2})")
_MONTHS = {m: i for i, m in enumerate(
    "JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split(), 1)}
# Numeric character references to control characters (&#3; ends every body, &#5; etc.).
_CTRL_ENTITY_RE = re.compile(r"&#(?:[0-8]|1[1-9]|2\d|3[01]|127);")


def _tag(block: str, name: str) -> str | None:
    m = re.search(rf"<{name}>(.*?)</{name}>", block, re.S)
    return m.group(1) if m else None


def _unescape(s: str) -> str:
    """SGML entities -> characters; control-character references dropped."""
    return html.unescape(_CTRL_ENTITY_RE.sub("", s))


def _iso_date(raw: str | None) -> str | None:
    """'26-FEB-1987 15:01:01.79' -> '1987-02-26T15:01:01' (date only if the time is bad)."""
    if not raw:
        return None
    m = _DATE_RE.search(raw)
    if not m:
        return None
    day, mon, year, hh, mm, ss = m.groups()
    try:
        d = dt.date(int(year), _MONTHS[mon], int(day))
    except (KeyError, ValueError):
        return None
    try:
        return dt.datetime.combine(d, dt.time(int(hh), int(mm), int(ss))).isoformat()
    except ValueError:
        return d.isoformat()


def reuters_docs(data: Path = DATA) -> Iterator[dict]:
    """Reuters-21578 stories that have a <BODY>, in NEWID order."""
    docs = []
    for path in sorted((data / "reuters21578").glob("reut2-*.sgm.gz")):
        with gzip.open(path, "rt", encoding="latin-1") as f:
            raw = f.read()
        for m in _DOC_RE.finditer(raw):
            attrs, block = m.groups()
            body = _tag(block, "BODY")
            if body is None:
                continue
            title = _tag(block, "TITLE")
            docs.append({
                "id": f"reuters-{_NEWID_RE.search(attrs).group(1)}",
                "text": _unescape(body).strip(),
                "title": _unescape(title).strip() if title else None,
                "date": _iso_date(_unescape(_tag(block, "DATE") or "")),
                "source": "reuters",
            })
    docs.sort(key=lambda d: int(d["id"].split("-")[1]))
    yield from docs


def bbc_docs(data: Path = DATA) -> Iterator[dict]:
    """BBC News articles: first line is the headline, the rest the body."""
    root = data / "bbc-news-2225"
    for cat in sorted(p for p in root.iterdir() if p.is_dir()):
        for path in sorted(cat.glob("*.txt")):
            # A few files carry stray non-UTF-8 bytes; replace rather than drop the article.
            lines = path.read_text(encoding="utf-8", errors="replace").split("\n")
            yield {
                "id": f"bbc-{cat.name}-{path.stem}",
                "text": "\n".join(lines[1:]).strip(),
                "title": lines[0].strip(),
                "date": None,
                "source": "bbc",
            }


def _interleave(a: list[dict], b: list[dict]) -> list[dict]:
    """Merge two lists keeping each one's order, spreading both evenly (by relative position)."""
    keyed = [((i + 0.5) / len(a), 0, r) for i, r in enumerate(a)]
    keyed += [((j + 0.5) / len(b), 1, r) for j, r in enumerate(b)]
    keyed.sort(key=lambda t: t[:2])
    return [r for *_, r in keyed]


def news_docs(data: Path = DATA) -> Iterator[dict]:
    _check_data(data)
    yield from _interleave(list(reuters_docs(data)), list(bbc_docs(data)))


def _check_data(data: Path) -> None:
    missing = [p for p in ("reuters21578", "bbc-news-2225") if not (data / p).is_dir()]
    if missing:
        msg = (f"benchmark data not found: {', '.join(missing)} under {data.resolve()} "
               "(expected ../shared/data next to the repository)")
        if os.environ.get("CI"):
            raise SystemExit(f"error: {msg}")
        raise FileNotFoundError(msg)


def build(docs: int | None = None, out_dir: Path = BENCH_DIR, data: Path = DATA) -> Path:
    """Write the first `docs` records (all if None) to out_dir/news-<N>.jsonl; reuse if present."""
    records = list(news_docs(data))
    if docs is not None:
        records = records[:docs]
    out = out_dir / f"news-{len(records)}.jsonl"
    if out.exists() and sum(1 for _ in out.open(encoding="utf-8")) == len(records):
        return out
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".jsonl.tmp")
    with tmp.open("w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    tmp.replace(out)
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=None, help="first N documents (default all)")
    args = ap.parse_args(argv)
    path = build(args.docs)
    print(path.relative_to(REPO) if path.is_relative_to(REPO) else path)


if __name__ == "__main__":
    sys.exit(main())
