"""Build the benchmark news corpus (Reuters-21578 + BBC News) as JSONL.

    python benchmarks/corpus.py [--docs N]      # writes .bench/news-<N>.jsonl
    python benchmarks/corpus.py --big           # writes .bench/big-<N>.jsonl (about 114k)
    python benchmarks/corpus.py --spellings 9   # writes .bench/spelled-<N>.jsonl (about 1M)

Records: {"id", "text", "title", "date", "source"}. The two collections are interleaved in
proportion (about one BBC article per nine Reuters stories), so that "the first N" is a
representative sample of both at any N. `--big` (for scale) takes the news corpus, the GVA
articles (one per distinct doc_id, with a url) and the ECB+ documents, skips empty texts, adds
three variants of each original with round(0.03 x words) of its words dropped at random (seeded
by id; ids "<id>~v1".."<id>~v3") and shuffles them once (seed 7): 4 x 28,436 = 113,744 docs.
`--spellings K` (for a million documents from 28k real texts) writes the big corpus K times:
copy 0 as it is, copy k with every word outside the 400 most frequent (by document frequency
in the originals, case-folded) respelled by a letter permutation of its own (vowels among
vowels, consonants among consonants, case kept; digits, punctuation and layout unchanged;
seeded by k; ids "<id>@k"). Each copy keeps the real texts' lengths, word frequencies, layout,
numbers and reuse structure (reprints, the three variants), and copies share only common
words and numbers, as unrelated articles do: 9 x 113,744 = 1,023,696 mostly distinct docs.
The data is research-use only: it is read from ../shared/data and never copied into the project.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import html
import json
import os
import random
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


def story_docs(data: Path = DATA) -> Iterator[dict]:
    """GVA articles (one per distinct doc_id) and ECB+ documents, as retold input records."""
    seen = set()
    gva = data / "stories" / "gva-gun-violence-incidents" / "articles.jsonl"
    with open(gva, encoding="utf-8") as f:
        for r in map(json.loads, f):
            if r["doc_id"] not in seen:
                seen.add(r["doc_id"])
                yield {"id": r["doc_id"], "text": r["text"] or "", "title": r["title"] or None,
                       "date": r["dct"], "url": r["uri"], "source": "gva"}
    with open(data / "stories" / "ecbplus" / "docs.jsonl", encoding="utf-8") as f:
        for r in map(json.loads, f):
            yield {"id": r["doc_id"], "text": r["text"], "title": None, "date": None,
                   "source": "ecbplus"}


def drop_words(text: str, share: float, rng: random.Random) -> str:
    """text without round(share * words) of its words (each with its trailing whitespace)."""
    chunks = re.findall(r"\S+\s*", text)
    gone = set(rng.sample(range(len(chunks)), round(share * len(chunks))))
    return "".join(c for i, c in enumerate(chunks) if i not in gone).strip()


def big_docs(data: Path = DATA, variants: int = 3, share: float = 0.03) -> list[dict]:
    """News + GVA + ECB+ originals with `variants` word-dropped copies each, shuffled (seed 7)."""
    out = []
    for r in (*news_docs(data), *story_docs(data)):
        if not r["text"].strip():
            continue
        out.append(r)
        for v in range(1, variants + 1):
            rng = random.Random(f"{r['id']}~v{v}")
            out.append({**r, "id": f"{r['id']}~v{v}", "text": drop_words(r["text"], share, rng)})
    random.Random(7).shuffle(out)
    return out


_WORD_RE = re.compile(r"[A-Za-z]+")
_VOWELS, _CONSONANTS = "aeiou", "bcdfghjklmnpqrstvwxyz"


def common_words(records: list[dict], top: int = 400) -> frozenset[str]:
    """The `top` case-folded words found in the most of `records` (the originals)."""
    df: dict[str, int] = {}
    for r in records:
        for w in set(_WORD_RE.findall(r["text"].lower())):
            df[w] = df.get(w, 0) + 1
    return frozenset(sorted(df, key=lambda w: (-df[w], w))[:top])


def speller(k: int, keep: frozenset[str]):
    """A function respelling a text in spelling k: words outside `keep` through a letter
    permutation seeded by k (vowels to vowels, consonants to consonants, case kept)."""
    rng = random.Random(f"spelling-{k}")
    vowels, consonants = list(_VOWELS), list(_CONSONANTS)
    rng.shuffle(vowels)
    rng.shuffle(consonants)
    src, dst = _VOWELS + _CONSONANTS, "".join(vowels + consonants)
    table = str.maketrans(src + src.upper(), dst + dst.upper())
    cache: dict[str, str] = {}

    def word(m: re.Match) -> str:
        w = m.group(0)
        out = cache.get(w)
        if out is None:
            out = cache[w] = w if w.lower() in keep else w.translate(table)
        return out

    return lambda text: _WORD_RE.sub(word, text) if text else text


def spelled_docs(data: Path = DATA, spellings: int = 9) -> Iterator[dict]:
    """The big corpus `spellings` times, copy 0 as it is, copy k respelled (module docstring)."""
    records = big_docs(data)
    yield from records
    keep = common_words([r for r in records if "~v" not in r["id"]])
    for k in range(1, spellings):
        spell = speller(k, keep)
        for r in records:
            yield {**r, "id": f"{r['id']}@{k}", "text": spell(r["text"]),
                   "title": spell(r["title"])}


def build(docs: int | None = None, out_dir: Path = BENCH_DIR, data: Path = DATA,
          big: bool = False, spellings: int = 0) -> Path:
    """Write the first `docs` records (all if None) to out_dir/news-<N>.jsonl (big-<N>.jsonl
    with `big`, spelled-<N>.jsonl with `spellings`); reuse if present."""
    if spellings:
        records = list(spelled_docs(data, spellings))
        kind = "spelled"
    else:
        records = big_docs(data) if big else list(news_docs(data))
        kind = "big" if big else "news"
    if docs is not None:
        records = records[:docs]
    out = out_dir / f"{kind}-{len(records)}.jsonl"
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
    ap.add_argument("--big", action="store_true",
                    help="news + GVA + ECB+ with three word-dropped variants each (about 114k)")
    ap.add_argument("--spellings", type=int, default=0, metavar="K",
                    help="the big corpus K times, copies 1..K-1 respelled (K=9: about 1M)")
    args = ap.parse_args(argv)
    path = build(args.docs, big=args.big, spellings=args.spellings)
    print(path.relative_to(REPO) if path.is_relative_to(REPO) else path)


if __name__ == "__main__":
    sys.exit(main())
