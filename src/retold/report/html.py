"""Self-contained HTML reports: one for a whole run folder, one for a single comparison.

Safety model: every string that comes from a document (ids, titles, text, sources, edit
texts, even run.json fields) reaches the page either through Jinja2 autoescape or through
`highlight`, the only function that builds markup around document text. Templates never
use `|safe`; `highlight` returns `Markup`, which autoescape passes through untouched.
The page also carries a Content-Security-Policy that forbids every external resource and
only allows the one inline script we ship (by hash), so a slip in escaping cannot load or
run anything.
"""
from __future__ import annotations

import base64
import hashlib
import json
import numbers
import operator
import os
import re
import tempfile
from importlib import resources
from collections import defaultdict
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from ..errors import Err, RetoldError
from ..model import EDIT_TYPES, Comparison
from .provenance import date_key

RELATION_WORDS = {
    "exact": ("exact copy", "the same text"),
    "near_duplicate": ("near-duplicate", "a reprint with small edits"),
    "reuse": ("passage reuse", "one copies passages of the other"),
    "rewrite": ("rewrite", "the same article reworded"),
    "template": ("template", "one form filled in with other names or figures: neither copies the other"),
    "same_story": ("same story", "different articles about the same event"),
    "unrelated": ("unrelated", "no meaningful relation found"),
}

# type -> (group heading, item label): the words a journalist would use.
EDIT_WORDS = {
    "name_variant": ("Names spelt differently", "name spelt differently"),
    "number_change": ("Numbers changed", "number changed"),
    "date_change": ("Dates changed", "date changed"),
    "quote_change": ("Quotes cut or altered", "quote altered"),
    "sentence_added": ("Sentences added", "sentence added"),
    "sentence_removed": ("Sentences removed", "sentence removed"),
    "reordered": ("Text moved", "moved to another place"),
    "paraphrase": ("Sentences reworded", "reworded"),
    "junk_token": ("Junk words injected", "junk words injected"),
    "boilerplate": ("Site boilerplate", "site boilerplate"),
}

SCORE_WORDS = (
    ("resemblance", "resemblance (shared word n-grams, Jaccard)"),
    ("containment_a", "share of A found in B"),
    ("containment_b", "share of B found in A"),
    ("coverage_a", "share of A inside aligned passages"),
    ("coverage_b", "share of B inside aligned passages"),
    ("residual", "word overlap outside the passages"),
    ("story", "same-event similarity"),
    ("anchors", "shared rare phrases"),
)

# Size limits keep a report of a big run openable in a browser.
PASSAGE_CLIP = 2000  # characters of one passage side shown in a pair card
COMPARE_CLIP = 200_000  # characters of each full text on the compare page
EDIT_TEXT_CLIP = 300  # characters of an edit's text in the plain-words list
TITLE_CLIP = 160  # characters of each side in a highlight tooltip
MAX_GROUPS = 20  # families / stories listed
MAX_MEMBERS = 25  # members listed per family / story
MAX_PASSAGES_PER_PAIR = 12
MAX_EDITS_PER_TYPE = 30
MAX_ISSUES = 500
PASSAGE_COLOURS = 8  # css classes p0..p7

_ID_COLS = {"doc_id", "a", "b", "family_id", "story_id", "relation", "direction", "type"}
_FLOAT_COLS = {"resemblance", "containment_a", "containment_b", "story", "coverage_a",
               "coverage_b", "residual", "direction_confidence", "identity"}
_INT_COLS = {"a_start", "a_end", "b_start", "b_end", "anchors", "chars"}
_RANK_COLS = ("resemblance", "containment_a", "containment_b", "coverage_a", "coverage_b")

PAIR_COLS = ("a", "b", "relation", "resemblance", "containment_a", "containment_b", "story",
             "direction", "direction_confidence", "coverage_a", "coverage_b", "residual",
             "anchors", "direction_evidence")
PASSAGE_COLS = ("a", "b", "a_start", "a_end", "b_start", "b_end", "identity", "a_text", "b_text")
EDIT_COLS = ("a", "b", "type", "a_start", "a_end", "b_start", "b_end", "a_text", "b_text")
DOC_META_COLS = ("doc_id", "title", "date", "source", "url", "chars")

# The only script on any page (templates/report.js): it reads the report's data, which the
# page holds as escaped text in a hidden <textarea> (never as markup or code), and draws the
# browsable tables of pairs, families and stories with textContent only. No data flows into
# the code, so the CSP allows exactly this text by its hash.
REPORT_JS = Markup(resources.files("retold.report").joinpath("templates", "report.js")
                   .read_text(encoding="utf-8").strip())

# Pairs are listed by what a reader wants first: rewrites and reuse, exact copies last.
LEAD = ("rewrite", "reuse", "near_duplicate", "template", "same_story", "exact")
LEAD_HEADINGS = {"rewrite": "Rewrites", "reuse": "Passage reuse", "near_duplicate": "Reprints",
                 "template": "Templates", "same_story": "Same story", "exact": "Exact copies"}
CARDS_PER_RELATION = 40  # detailed pair cards per relation (all pairs are in the browser)
MAX_BROWSE = 50_000  # pairs, families or stories in the browsable tables at most (all of them: retold serve)
MAX_SITES = 30
READ_BATCH = 16_384  # rows decoded at a time when a few are picked out of a big table
MAX_BROWSE_MEMBERS = 120_000  # members of the families (and of the stories) in those tables at most


# --------------------------------------------------------------------------------------------
# highlight: the one place markup is built around document text
# --------------------------------------------------------------------------------------------
_NOT_CLASS = re.compile(r"[^A-Za-z0-9_-]+")


def css_class(value: Any) -> str:
    """Reduce any string to safe class tokens (edit types come from data files)."""
    return " ".join(_NOT_CLASS.sub(" ", str(value or "")).split())


def _css_id(value: Any) -> str:
    return _NOT_CLASS.sub("_", str(value or ""))


def _open_tag(cls: str, title: str, ident: str | None) -> str:
    attrs = ""
    cls = css_class(cls)
    if cls:
        attrs += f' class="{cls}"'
    if ident:
        attrs += f' id="{_css_id(ident)}"'
    if title:
        attrs += f' title="{escape(title)}"'
    return f"<mark{attrs}>"


def _cut_point(text: str, limit: int) -> int:
    # Prefer to stop at a space so the last word is not chopped mid-way.
    space = text.rfind(" ", max(0, limit - 100), limit)
    return space if space > 0 else limit


def highlight(text: str, spans: Iterable[Sequence[Any]], *, limit: int | None = None) -> Markup:
    """Escape `text` and wrap each span `(start, end, css_class, title[, element_id])` in
    `<mark>`. Offsets are character offsets, end exclusive.

    Overlapping spans nest: the longer one opens first (outer) and a span that crosses
    another's end is closed and reopened, so the markup is always well formed and a
    character inside several spans sits inside all their elements (innermost on top).
    Spans are clipped to the text; a span left empty by clipping is dropped. A span with
    start == end inside the text becomes an empty `gap` marker (e.g. where a sentence was
    removed). `limit` cuts the shown text (near a space) and appends an ellipsis.
    """
    text = "" if text is None else str(text)
    hidden = 0
    if limit is not None and len(text) > limit:
        cut = _cut_point(text, limit)
        hidden = len(text) - cut
        text = text[:cut]
    n = len(text)

    ranges: list[tuple[int, int, str, str, str | None]] = []
    points: dict[int, list[tuple[str, str, str | None]]] = defaultdict(list)
    for span in spans:
        try:
            start, end = int(span[0]), int(span[1])
        except (TypeError, ValueError, IndexError):
            continue
        cls = str(span[2]) if len(span) > 2 and span[2] is not None else ""
        title = str(span[3]) if len(span) > 3 and span[3] is not None else ""
        ident = str(span[4]) if len(span) > 4 and span[4] else None
        if end < start:
            continue
        if start == end:
            if 0 <= start <= n:
                points[start].append((cls + " gap", title, ident))
            continue
        start, end = max(start, 0), min(end, n)
        if start < end:
            ranges.append((start, end, cls, title, ident))

    starts: dict[int, list[int]] = defaultdict(list)
    for i, (s, e, *_rest) in enumerate(ranges):
        starts[s].append(i)
    bounds = sorted({0, n, *starts, *(r[1] for r in ranges), *points})

    out: list[str] = []
    stack: list[int] = []  # indices into `ranges`, outermost first
    pos = 0
    for b in bounds:
        if b > pos:
            out.append(escape(text[pos:b]))
            pos = b
        ending = [k for k, i in enumerate(stack) if ranges[i][1] == b]
        if ending:
            # Close from the top down to the lowest ending span, then reopen the
            # survivors (without their id, which must stay unique) in the same order.
            low = ending[0]
            above = stack[low:]
            out.append("</mark>" * len(above))
            del stack[low:]
            for i in above:
                if ranges[i][1] != b:
                    out.append(_open_tag(ranges[i][2], ranges[i][3], None))
                    stack.append(i)
        for cls, title, ident in points.get(b, ()):
            out.append(_open_tag(cls, title, ident) + "</mark>")
        for i in sorted(starts.get(b, ()), key=lambda i: (-ranges[i][1], i)):
            out.append(_open_tag(ranges[i][2], ranges[i][3], ranges[i][4]))
            stack.append(i)
    if hidden:
        out.append(f'<span class="clipped" title="{hidden:,} more characters not shown">'
                   "\u2026</span>")
    return Markup("".join(out))


# --------------------------------------------------------------------------------------------
# small formatting helpers
# --------------------------------------------------------------------------------------------
def _clip(value: Any, limit: int) -> str:
    s = "" if value is None else str(value)
    return s if len(s) <= limit else s[: _cut_point(s, limit)] + "\u2026"


def _text(value: Any) -> str | None:
    """Any cell value as display text (dates from timestamp columns included)."""
    if value is None:
        return None
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    s = str(value)
    return s if s.strip() else None


def _int(value: Any) -> int | None:
    """An offset as a Python int; numpy integers from a pipeline count too."""
    if value is None or isinstance(value, bool):
        return None
    try:
        return operator.index(value)
    except TypeError:
        return None


def _num(value: Any, digits: int = 3) -> str:
    if value is None:
        return "\u2013"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, numbers.Integral):
        return f"{int(value):,}"
    if isinstance(value, numbers.Real):
        return f"{float(value):.{digits}f}"
    return str(value)


def _pct(value: Any) -> str:
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return f"{float(value):.0%}"
    return "\u2013"


def _safe_url(value: Any) -> str | None:
    # Autoescape does not stop javascript: or data: links; only web links become hrefs.
    s = _text(value)
    return s if s and re.match(r"https?://", s, re.I) else None


def _relation_view(rel: Any) -> dict[str, str]:
    rel = str(rel or "unrelated")
    label, sentence = RELATION_WORDS.get(rel, (rel.replace("_", " "), rel.replace("_", " ")))
    return {"name": rel, "label": label, "sentence": sentence}


def _evidence(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        s = value.strip()
        if s.startswith("["):
            try:
                parsed = json.loads(s)
            except ValueError:
                parsed = None
            if isinstance(parsed, list):
                return [str(v) for v in parsed if v not in (None, "")]
        # The local engine joins its evidence with "; " (a list<string> column is better).
        return [p.strip() for p in s.split("; ") if p.strip()]
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value if v not in (None, "")]
    return [str(value)]


def _direction_view(source: Any, confidence: Any, evidence: list[str]) -> dict[str, Any]:
    side = str(source or "unknown").lower()
    return {"first": side if side in ("a", "b") else None,
            "confidence": _pct(confidence) if isinstance(confidence, numbers.Real) else None,
            "evidence": evidence}


def _edit_title(e: Mapping[str, Any]) -> str:
    a = _clip(e.get("a_text"), TITLE_CLIP)
    b = _clip(e.get("b_text"), TITLE_CLIP)
    t = str(e.get("type") or "edit")
    return f"{t}: {a} \u2192 {b}" if a and b else f"{t}: {a or b}"


def _describe_edit(e: Mapping[str, Any], number: int | None = None) -> dict[str, Any]:
    t = str(e.get("type") or "other")
    a = _clip(e.get("a_text"), EDIT_TEXT_CLIP)
    b = _clip(e.get("b_text"), EDIT_TEXT_CLIP)
    label = EDIT_WORDS.get(t, ("", t.replace("_", " ")))[1]
    if t == "quote_change" and bool(a) != bool(b):
        label = "quote cut" if a else "quote added"
    return {"label": label, "a": a, "b": b, "same": a == b, "n": number}


def _edit_groups(edits: Sequence[Mapping[str, Any]], numbered: bool = False,
                 cap: int = MAX_EDITS_PER_TYPE) -> list[dict[str, Any]]:
    by_type: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for k, e in enumerate(edits):
        by_type[str(e.get("type") or "other")].append(_describe_edit(e, k + 1 if numbered else None))
    order = [t for t in EDIT_TYPES if t in by_type] + sorted(t for t in by_type if t not in EDIT_TYPES)
    return [{"type": t, "heading": EDIT_WORDS.get(t, (t.replace("_", " ").capitalize(),))[0],
             "count": len(by_type[t]), "entries": by_type[t][:cap],
             "more": max(0, len(by_type[t]) - cap)} for t in order]


def _edit_spans(edits: Sequence[Mapping[str, Any]], side: str, lo: int = 0,
                hi: int | None = None, ids: bool = False) -> list[tuple]:
    """Spans of `edits` on one side that touch [lo, hi), shifted so lo becomes 0."""
    spans = []
    for k, e in enumerate(edits):
        s, t = _int(e.get(f"{side}_start")), _int(e.get(f"{side}_end"))
        if s is None or t is None:
            continue
        inside = (lo <= s <= (hi if hi is not None else s)) if s == t else \
            (t > lo and (hi is None or s < hi))
        if inside:
            spans.append((s - lo, t - lo, f"edit {css_class(e.get('type'))}", _edit_title(e),
                          f"{side}-e{k + 1}" if ids else None))
    return spans


def _scores_view(row: Mapping[str, Any]) -> list[dict[str, str]]:
    return [{"name": k, "label": label, "value": _num(row.get(k))}
            for k, label in SCORE_WORDS if row.get(k) is not None]


@lru_cache(maxsize=1)
def _env() -> Environment:
    env = Environment(
        loader=PackageLoader("retold.report", "templates"),
        autoescape=select_autoescape(("html",), default_for_string=True, default=True),
        undefined=StrictUndefined,  # a typo in a template fails tests instead of vanishing
        trim_blocks=True, lstrip_blocks=True,
    )
    env.filters.update(num=_num, pct=_pct, cls=css_class)
    return env


def _csp(script: str | None) -> str:
    if script:
        digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
        script_src = f"'sha256-{digest}'"
    else:
        script_src = "'none'"
    return ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
            f"script-src {script_src}; base-uri 'none'; form-action 'none'")


# --------------------------------------------------------------------------------------------
# compare page
# --------------------------------------------------------------------------------------------
def render_comparison(cmp: Comparison, a_text: str, b_text: str, a_label: str = "A",
                      b_label: str = "B") -> str:
    """One pair on one page: verdict, scores, both texts side by side with the aligned
    passages (same colour and numbered anchors `a-pN`/`b-pN` on both sides) and typed edits
    (`edit <type>` marks, anchors `a-eN`/`b-eN`), then the edits grouped by type."""
    passages = sorted(cmp.passages, key=lambda p: (p.a_start, p.b_start))
    edits = [e.to_dict() for e in cmp.edits]
    sides = {}
    for side, text in (("a", a_text or ""), ("b", b_text or "")):
        spans = [(getattr(p, f"{side}_start"), getattr(p, f"{side}_end"),
                  f"passage p{i % PASSAGE_COLOURS}",
                  f"passage {i + 1}, identity {_pct(p.identity)}", f"{side}-p{i + 1}")
                 for i, p in enumerate(passages)]
        spans += _edit_spans(edits, side, ids=True)
        sides[side] = highlight(text, spans, limit=COMPARE_CLIP)
    rows = [{"n": i + 1, "colour": f"p{i % PASSAGE_COLOURS}", "a_start": p.a_start,
             "a_end": p.a_end, "b_start": p.b_start, "b_end": p.b_end,
             "identity": _pct(p.identity), "chars": max(p.a_end - p.a_start, p.b_end - p.b_start)}
            for i, p in enumerate(passages)]
    scores = {k: getattr(cmp.scores, k, None) for k, _ in SCORE_WORDS}
    d = cmp.direction
    return _env().get_template("compare.html").render(
        csp=_csp(None), script=None,
        a={"id": cmp.a_id, "chars": cmp.a_chars, "label": a_label},
        b={"id": cmp.b_id, "chars": cmp.b_chars, "label": b_label},
        relation=_relation_view(cmp.relation), scores=_scores_view(scores),
        direction=_direction_view(d.source, d.confidence, list(d.evidence)),
        a_html=sides["a"], b_html=sides["b"], passages=rows,
        edit_groups=_edit_groups(edits, numbered=True, cap=10_000), edit_count=len(edits),
        edit_types=EDIT_TYPES, edit_words=EDIT_WORDS,
    )


# --------------------------------------------------------------------------------------------
# run report: reading the run folder
# --------------------------------------------------------------------------------------------
def _arrow_type(col: str) -> pa.DataType:
    if col in _FLOAT_COLS:
        return pa.float64()
    if col in _INT_COLS:
        return pa.int64()
    return pa.string()


def _empty(columns: Sequence[str]) -> pa.Table:
    return pa.table({c: pa.array([], _arrow_type(c)) for c in columns})


def _is_stringy(t: pa.DataType) -> bool:
    return pa.types.is_string(t) or pa.types.is_large_string(t)


def _schema_of(columns: Sequence[str], schema: pa.Schema) -> pa.Schema:
    """`schema` cut down to `columns`, in that order."""
    return pa.schema([schema.field(c) for c in columns])


def _read(path: Path, columns: Sequence[str], notes: list[str], *, required: bool = True,
          keep: tuple[str, set[str]] | None = None) -> pa.Table:
    """Read `columns` of a Parquet table; absent columns come back as nulls, id columns as
    strings and scores as numbers, so the rest of the code sees one shape. `keep=(col,
    values)` keeps only rows whose `col` is in `values` (pushed down when possible, so a big
    run's documents are not all loaded for a 200-pair report)."""
    if keep is not None and not keep[1]:
        return _empty(columns)
    if not path.exists():
        if required:
            notes.append(f"{path.name} is missing, so that part of the report is empty.")
        return _empty(columns)
    try:
        schema = pq.read_schema(path)
        present = [c for c in columns if c in schema.names]
        filtered = keep is not None and keep[0] in schema.names and _is_stringy(schema.field(keep[0]).type)
        if filtered:
            # batch by batch: a big run's texts or edits are gigabytes, and a filter applied
            # to the whole table would decode them all at once for a few hundred rows
            wanted = pa.array(sorted(keep[1]), pa.string())
            with pq.ParquetFile(path) as f:
                parts = [b.filter(pc.is_in(pc.cast(b.column(keep[0]), pa.string()), value_set=wanted))
                         for b in f.iter_batches(batch_size=READ_BATCH, columns=present)]
            table = pa.Table.from_batches([b for b in parts if b.num_rows],
                                          schema=_schema_of(present, schema))
        else:
            table = pq.read_table(path, columns=present)
    except (OSError, pa.ArrowException) as exc:
        notes.append(f"{path.name} could not be read ({exc}); that part of the report is empty.")
        return _empty(columns)
    for col in columns:
        want = _arrow_type(col)
        if col not in table.column_names:
            table = table.append_column(col, pa.nulls(table.num_rows, want))
            continue
        have = table.schema.field(col).type
        if col in _ID_COLS | _FLOAT_COLS | _INT_COLS and have != want:
            try:
                table = table.set_column(table.column_names.index(col), col, pc.cast(table[col], want))
            except (pa.ArrowException, TypeError):
                notes.append(f"{path.name}: column {col} has type {have}; shown as missing.")
                table = table.set_column(table.column_names.index(col), col,
                                         pa.nulls(table.num_rows, want))
    table = table.select(list(columns))
    if keep is not None and not filtered:
        table = table.filter(pc.is_in(table[keep[0]], value_set=pa.array(sorted(keep[1]), pa.string())))
    return table


def _read_run_json(run_dir: Path, notes: list[str]) -> dict[str, Any]:
    path = run_dir / "run.json"
    if not path.exists():
        notes.append("run.json is missing: run details, issues and timings are not shown.")
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        notes.append(f"run.json could not be read ({exc}).")
        return {}
    if not isinstance(data, dict):
        notes.append("run.json does not hold a JSON object.")
        return {}
    return data


def _as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _cell(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return "" if value is None else str(value)


def _bars(items: Iterable[tuple[str, Any]]) -> list[dict[str, Any]]:
    rows = [(k, v) for k, v in items if isinstance(v, numbers.Real) and not isinstance(v, bool)]
    top = float(max((v for _, v in rows), default=0)) or 1.0
    return [{"name": k, "value": v, "width": round(100.0 * max(float(v), 0.0) / top, 1)}
            for k, v in rows]


def _doc_view(doc_id: str, meta: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    m = meta.get(doc_id, {})
    return {"id": doc_id, "title": _text(m.get("title")), "date": _text(m.get("date")),
            "source": _text(m.get("source")), "url": _safe_url(m.get("url")),
            "chars": m.get("chars")}


def _group_view(gid: str, size: int, members: list[dict[str, Any]],
                meta: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    views = [_doc_view(m["doc_id"], meta) for m in members]
    keyed = [(date_key(meta.get(v["id"], {}).get("date")), v) for v in views]
    dated = [k for k, _ in keyed if k is not None]
    first = min(dated) if dated else None
    # Dated members first, oldest first, so the earliest is always on the visible list.
    keyed.sort(key=lambda kv: (kv[0] is None, kv[0] or datetime.min, kv[1]["id"]))
    for k, v in keyed:
        v["earliest"] = first is not None and k == first
    earliest = [v for _, v in keyed if v["earliest"]]
    return {"id": gid, "size": size, "members": [v for _, v in keyed][:MAX_MEMBERS],
            "more": max(0, size - MAX_MEMBERS), "earliest": earliest[:1],
            "earliest_tied": len(earliest) - 1 if earliest else 0,
            "families": len({m.get("family_id") for m in members if m.get("family_id")})}


def _related(pairs: pa.Table) -> pa.Table:
    """The pairs with a relation other than unrelated (the table itself when that is all)."""
    rel = pairs["relation"]
    keep = pc.and_kleene(pc.is_valid(rel), pc.not_equal(rel, "unrelated"))  # a null relation: False
    return pairs if pc.all(keep).as_py() is not False else pairs.filter(keep)


def _select_pairs(pairs: pa.Table, max_pairs: int,
                  per_relation: int = CARDS_PER_RELATION) -> tuple[list[dict[str, Any]], int]:
    """Pairs shown as detailed cards: per relation in LEAD order (rewrites and reuse first,
    exact copies last), the strongest overlap first, at most `per_relation` of each and
    `max_pairs` in all. Returns them and the number of related pairs."""
    pairs = _related(pairs)
    total = pairs.num_rows
    if total == 0 or max_pairs <= 0:
        return [], total
    rank = pc.fill_null(pc.max_element_wise(*(pairs[c] for c in _RANK_COLS), skip_nulls=True), 0.0)
    # the sort keys alone (a big run's pairs table is gigabytes; each relation's rows are
    # picked out of these and only the chosen rows taken from the table)
    keyed = pa.table({"relation": pairs["relation"], "_rank": rank, "_story": pc.fill_null(pairs["story"], 0.0),
                      "a": pairs["a"], "b": pairs["b"], "_row": pa.array(np.arange(total), pa.int64())})
    present = set(pc.unique(pairs["relation"]).to_pylist())
    order = [r for r in LEAD if r in present] + sorted(present - set(LEAD))
    out: list[dict[str, Any]] = []
    for r in order:
        if len(out) >= max_pairs:
            break
        sub = keyed.filter(pc.equal(keyed["relation"], r))
        idx = pc.sort_indices(sub, sort_keys=[("_rank", "descending"), ("_story", "descending"),
                                              ("a", "ascending"), ("b", "ascending")])
        take = min(per_relation, max_pairs - len(out))
        out.extend(pairs.take(sub["_row"].take(idx[:take])).to_pylist())
    return out, total


def _by_pair(table: pa.Table, wanted: set[tuple[str, str]], sort_cols: Sequence[str]
             ) -> dict[tuple[str, str], list[dict[str, Any]]]:
    out: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for row in table.to_pylist():
        key = (row["a"], row["b"])
        if key in wanted:
            out[key].append(row)
    for rows in out.values():
        rows.sort(key=lambda r: tuple(-1 if r[c] is None else r[c] for c in sort_cols))
    return out


def _side_text(full: str | None, start: Any, end: Any, stored: Any) -> tuple[str, int] | None:
    """The passage text on one side and the offset it starts at. Sliced from the document
    when we have it (offsets are into documents.text); else the text stored with the
    passage, if any."""
    start, end = _int(start), _int(end)
    if start is None or end is None:
        return None
    if full is not None:
        return full[max(start, 0):max(end, 0)], start
    return (str(stored), start) if stored else None


def _pair_card(index: int, row: Mapping[str, Any], passages: list[dict[str, Any]],
               edits: list[dict[str, Any]], meta: Mapping[str, Mapping[str, Any]],
               texts: Mapping[str, str]) -> dict[str, Any]:
    a, b = row["a"], row["b"]
    shown = []
    for p in passages[:MAX_PASSAGES_PER_PAIR]:
        view = {"identity": _pct(p.get("identity"))}
        for side, doc in (("a", a), ("b", b)):
            s, e = p.get(f"{side}_start"), p.get(f"{side}_end")
            got = _side_text(texts.get(doc), s, e, p.get(f"{side}_text"))
            view[f"{side}_range"] = f"{_num(s)}\u2013{_num(e)}"
            if got is None:
                view[f"{side}_html"] = None
                continue
            seg, lo = got
            spans = _edit_spans(edits, side, lo, lo + len(seg))
            view[f"{side}_html"] = highlight(seg, spans, limit=PASSAGE_CLIP)
        shown.append(view)
    a_view, b_view = _doc_view(a, meta), _doc_view(b, meta)
    evidence = _evidence(row.get("direction_evidence"))
    if not evidence and a_view["date"] and b_view["date"] and a_view["date"] != b_view["date"]:
        evidence = [f"A is dated {a_view['date']}, B is dated {b_view['date']}"]
    return {
        "n": index, "relation": _relation_view(row.get("relation")), "a": a_view, "b": b_view,
        "scores": _scores_view(row),
        "direction": _direction_view(row.get("direction"), row.get("direction_confidence"),
                                     evidence),
        "passages": shown, "passages_total": len(passages),
        "edit_groups": _edit_groups(edits), "edit_count": len(edits),
    }


def _run_context(run_dir: Path, max_pairs: int) -> dict[str, Any]:
    if not run_dir.is_dir():
        raise RetoldError(Err.E020, str(run_dir), "run folder not found")
    if not (run_dir / "run.json").exists() and not (run_dir / "documents.parquet").exists():
        raise RetoldError(Err.E004, str(run_dir), "no run.json or documents.parquet: not a run folder")
    notes: list[str] = []
    meta_json = _read_run_json(run_dir, notes)
    counts = _as_dict(meta_json.get("counts"))
    config = _as_dict(meta_json.get("config"))
    inputs = meta_json.get("inputs") or []
    inputs = [_cell(i) for i in (inputs if isinstance(inputs, list) else [inputs])]
    issues_raw = meta_json.get("issues") if isinstance(meta_json.get("issues"), list) else []
    issues = [{"code": _cell(i.get("code")), "where": _cell(i.get("where")),
               "message": _cell(i.get("message"))}
              for i in issues_raw[:MAX_ISSUES] if isinstance(i, dict)]

    # the evidence strings are read for the pairs shown as cards only (below)
    pairs = _read(run_dir / "pairs.parquet", [c for c in PAIR_COLS if c != "direction_evidence"], notes)
    by_relation = _as_dict(counts.get("pairs_by_relation"))
    if not by_relation and pairs.num_rows:
        agg = pairs.filter(pc.is_valid(pairs["relation"])).group_by("relation").aggregate(
            [("a", "count")])
        by_relation = dict(zip(agg["relation"].to_pylist(), agg["a_count"].to_pylist()))
    rel_order = [r for r in (*LEAD, "unrelated") if r in by_relation] + \
        sorted(r for r in by_relation if r not in (*LEAD, "unrelated"))
    relation_bars = _bars((r, by_relation[r]) for r in rel_order)
    for bar in relation_bars:
        bar.update(_relation_view(bar["name"]))

    timings = _as_dict(meta_json.get("timings"))
    timing_bars = _bars(timings.items())
    other_counts = [(k, _cell(v)) for k, v in counts.items() if k != "pairs_by_relation"]

    fam = _read(run_dir / "families.parquet", ("doc_id", "family_id", "story_id"), notes)
    docs = _read(run_dir / "documents.parquet", DOC_META_COLS, notes)
    meta = _DocMeta(docs)
    related = _related(pairs)
    del pairs  # a big run's pairs are gigabytes: one copy is enough
    groups, group_totals = _all_groups(fam, meta, related)

    top_fams = [(g["id"], g["size"]) for g in groups["family_id"][:MAX_GROUPS]]
    top_stories = [(g["id"], g["size"]) for g in groups["story_id"][:MAX_GROUPS]]
    by_group = {(k, g["id"]): g for k in ("family_id", "story_id") for g in groups[k][:MAX_GROUPS]}

    selected, pairs_total = _select_pairs(related, max_pairs)
    wanted = {(r["a"], r["b"]) for r in selected}
    pair_docs = {d for k in wanted for d in k}
    text_table = _read(run_dir / "documents.parquet", ("doc_id", "text"), [],
                       keep=("doc_id", pair_docs))
    texts = {d: t for d, t in zip(text_table["doc_id"].to_pylist(),
                                  text_table["text"].to_pylist()) if t is not None}
    for d, t in texts.items():
        if meta.get(d) is not None and meta[d].get("chars") is None:
            meta.set_chars(d, len(t))

    a_ids = {a for a, _ in wanted}
    said = {(a, b): e for a, b, e in _rows(_read(run_dir / "pairs.parquet", ("a", "b", "direction_evidence"), [],
                                                 keep=("a", a_ids)), ("a", "b", "direction_evidence"))}
    for r in selected:
        r["direction_evidence"] = said.get((r["a"], r["b"]))
    passages = _by_pair(_read(run_dir / "passages.parquet", PASSAGE_COLS, notes, required=False,
                              keep=("a", a_ids)), wanted, ("a_start", "b_start"))
    edits = _by_pair(_read(run_dir / "edits.parquet", EDIT_COLS, notes, required=False,
                           keep=("a", a_ids)), wanted, ("a_start", "b_start"))
    cards = [_pair_card(k + 1, r, passages.get((r["a"], r["b"]), []),
                        edits.get((r["a"], r["b"]), []), meta, texts)
             for k, r in enumerate(selected)]
    card_of = {(r["a"], r["b"]): k + 1 for k, r in enumerate(selected)}
    sections = []
    for r in [r for r in LEAD if by_relation.get(r)] + sorted(
            r for r in by_relation if r not in LEAD and r != "unrelated" and by_relation.get(r)):
        mine = [c for c in cards if c["relation"]["name"] == r]
        sections.append(dict(_relation_view(r), heading=LEAD_HEADINGS.get(r, r.replace("_", " ")),
                             total=by_relation[r], cards=mine))

    families_view = []
    for g, n in top_fams:
        view = _group_view(g, n, by_group[("family_id", g)]["members"], meta)
        view["name"] = by_group[("family_id", g)]["name"]
        view["timeline"] = by_group[("family_id", g)]["timeline"]
        families_view.append(view)
    stories_view = []
    for g, n in top_stories:
        view = _group_view(g, n, by_group[("story_id", g)]["members"], meta)
        view["name"] = by_group[("story_id", g)]["name"]
        view["timeline"] = by_group[("story_id", g)]["timeline"]
        stories_view.append(view)

    browse = _browse_data(related, groups, meta, card_of)
    return {
        "csp": _csp(REPORT_JS), "script": REPORT_JS, "notes": notes,
        "run": {"id": _cell(meta_json.get("run_id")) or run_dir.name,
                "started": _cell(meta_json.get("started")), "finished": _cell(meta_json.get("finished")),
                "inputs": inputs, "documents": counts.get("documents"),
                "config": [(k, _cell(v)) for k, v in sorted(config.items())]},
        "counts": other_counts, "issues": issues,
        "issues_more": max(0, len(issues_raw) - MAX_ISSUES),
        "issues_total": counts.get("input_issues", len(issues_raw)),
        "relation_bars": relation_bars, "timing_bars": timing_bars,
        "timing_total": sum(b["value"] for b in timing_bars),
        "families": families_view, "families_total": group_totals["family_id"],
        "stories": stories_view, "stories_total": group_totals["story_id"],
        "cards": cards, "sections": sections, "pairs_total": pairs_total,
        "sites": _sites(meta, related),
        "browse_json": json.dumps(browse, ensure_ascii=False, separators=(",", ":")),
        "browse_counts": {k: len(browse[k]) for k in ("pairs", "families", "stories")},
        "relation_options": [dict(_relation_view(r), count=by_relation[r]) for r in rel_order
                             if r != "unrelated"],
        "edit_types": EDIT_TYPES, "edit_words": EDIT_WORDS,
    }


class _DocMeta(Mapping):
    """The documents' display fields (DOC_META_COLS) by id, held as columns: a dict per
    document costs about a kilobyte, a gigabyte at a million documents. Each lookup makes
    the document's row as a dict; with repeated ids the last row counts."""

    def __init__(self, docs: pa.Table) -> None:
        self._cols = {c: docs[c].to_pylist() for c in DOC_META_COLS}
        self._row = {d: k for k, d in enumerate(self._cols["doc_id"])}

    def __getitem__(self, doc_id: Any) -> dict[str, Any]:
        k = self._row[doc_id]
        return {c: col[k] for c, col in self._cols.items()}

    def __iter__(self):
        return iter(self._row)

    def __len__(self) -> int:
        return len(self._row)

    def field(self, doc_id: Any, name: str) -> Any:
        """One field of one document (None for an unknown id)."""
        k = self._row.get(doc_id)
        return None if k is None else self._cols[name][k]

    def column(self, name: str) -> list[Any]:
        """One field of every document, in the order of iteration."""
        col = self._cols[name]
        return [col[k] for k in self._row.values()]

    def set_chars(self, doc_id: Any, chars: int) -> None:
        """Record a document's length (a run folder without the chars column)."""
        self._cols["chars"][self._row[doc_id]] = chars


def _all_groups(fam: pa.Table, meta: "_DocMeta",
                related: pa.Table) -> tuple[dict[str, list[dict[str, Any]]], dict[str, int]]:
    """The largest families and stories of more than one document (MAX_BROWSE of each at
    most, MAX_BROWSE_MEMBERS members in all), largest first: members in date order, a name
    (its earliest member's title, else id) and, for a family, who copied whom (`provenance`,
    from the `related` pairs); and how many there are of each."""
    from .provenance import date_key, provenance
    out: dict[str, list[dict[str, Any]]] = {}
    totals: dict[str, int] = {}
    ids = fam["doc_id"].to_pylist()
    cols = {key: fam[key].to_pylist() for key in ("family_id", "story_id")}
    keys: dict[str | None, Any] = {}  # date as given -> its sort key (dates repeat)

    def dated(k: int) -> tuple | None:
        raw = _text(meta.field(ids[k], "date"))
        if raw not in keys:
            keys[raw] = date_key(raw)
        return None if keys[raw] is None else (keys[raw], str(ids[k]), raw)

    for key in ("family_id", "story_id"):
        members: dict[str, list[int]] = defaultdict(list)  # group -> its members' rows
        for k, g in enumerate(cols[key]):
            if g is not None:
                members[str(g)].append(k)
        sizes = {g: len(r) for g, r in members.items() if len(r) > 1}
        totals[key] = len(sizes)

        def order(g: str) -> tuple:
            # the order of the views below, from the dates alone: largest first, then by the
            # date of the earliest dated member (provenance's timeline starts with it)
            when = [w for w in map(dated, members[g]) if w is not None]
            return -sizes[g], str(min(when)[2] if when else "~"), g
        shown, held = [], 0  # only these are drawn: the rest stay unbuilt
        for g in sorted(sizes, key=order):
            if len(shown) >= MAX_BROWSE or (shown and held + sizes[g] > MAX_BROWSE_MEMBERS):
                break
            shown.append(g)
            held += sizes[g]
        groups = {g: [{"doc_id": ids[k], "family_id": cols["family_id"][k], "story_id": cols["story_id"][k]}
                      for k in members[g]] for g in shown}
        del members
        of = {m["doc_id"]: g for g, ms in groups.items() for m in ms}
        inner: dict[str, list[dict[str, Any]]] = defaultdict(list)
        if key == "family_id" and of:
            inside = related.filter(pc.is_in(related["a"], value_set=pa.array(list(of), pa.string())))
            for p in inside.select(["a", "b", "relation", "direction", "direction_confidence"]).to_pylist():
                g = of.get(p["a"])
                if g is not None and of.get(p["b"]) == g:
                    inner[g].append(p)
        views = []
        for g, ms in groups.items():
            rows = [{"doc_id": m["doc_id"], "date": _text(meta.get(m["doc_id"], {}).get("date"))}
                    for m in ms]
            prov = provenance(rows, inner.get(g, []))
            first = prov["earliest"]
            fm = meta.get(first, {})
            name = _text(fm.get("title")) or first
            span = max((t["day"] for t in prov["timeline"] if t["day"] is not None), default=0.0) or 1.0
            timeline = [dict(t, x=None if t["day"] is None else round(100.0 * t["day"] / span, 2),
                             title=_text(meta.get(t["doc_id"], {}).get("title")))
                        for t in prov["timeline"]]
            views.append({"id": g, "size": len(ms), "members": ms, "name": name, "earliest": first,
                          "timeline": timeline,
                          "sites": len({meta.get(m["doc_id"], {}).get("source") for m in ms} - {None}),
                          "first": next((t["date"] for t in prov["timeline"] if t["date"]), None),
                          "last": next((t["date"] for t in reversed(prov["timeline"]) if t["date"]), None)})
        views.sort(key=lambda v: (-v["size"], str(v["first"] or "~"), v["id"]))
        out[key] = views
    return out, totals


def _rows(table: pa.Table, columns: Sequence[str]) -> Iterable[tuple]:
    """The rows of `table` as tuples of `columns`, a batch at a time (not all as Python at once)."""
    for batch in table.select(list(columns)).to_batches(max_chunksize=READ_BATCH):
        yield from zip(*(batch.column(c).to_pylist() for c in columns))


def _sites(meta: "_DocMeta", related: pa.Table) -> list[dict[str, Any]]:
    """Documents per site and how often its documents are one end of a copy (exact,
    near_duplicate, rewrite, reuse) or of a same-story pair; the busiest sites."""
    stats: dict[str, dict[str, Any]] = {}
    for d in meta.column("source"):
        src = _text(d) or ""
        st = stats.setdefault(src, {"source": src, "documents": 0, "copies": 0, "same_story": 0})
        st["documents"] += 1
    for a, b, rel in _rows(related, ("a", "b", "relation")):
        kind = "copies" if rel in ("exact", "near_duplicate", "rewrite", "reuse") else \
            "same_story" if rel == "same_story" else None
        if kind is None:
            continue
        for d in (a, b):
            src = _text(meta.field(d, "source")) or ""
            stats.setdefault(src, {"source": src, "documents": 0, "copies": 0, "same_story": 0})[kind] += 1
    rows = sorted(stats.values(), key=lambda r: (-r["copies"], -r["documents"], r["source"]))[:MAX_SITES]
    top = max((r["documents"] for r in rows), default=1) or 1
    for r in rows:
        r["width"] = round(100.0 * r["documents"] / top, 1)
    return rows


def _browse_data(related: pa.Table, groups: Mapping[str, list[dict[str, Any]]],
                 meta: Mapping[str, Mapping[str, Any]], card_of: Mapping[tuple[str, str], int]
                 ) -> dict[str, Any]:
    """Every related pair, family and story, compactly (documents by index), for the
    browsable tables report.js draws: pairs in LEAD order, strongest first."""
    index: dict[str, int] = {}
    docs: list[list[Any]] = []

    def ref(doc_id: Any) -> int:
        doc_id = str(doc_id)
        if doc_id not in index:
            m = meta.get(doc_id, {})
            index[doc_id] = len(docs)
            docs.append([doc_id, _text(m.get("title")), _text(m.get("date")), _text(m.get("source"))])
        return index[doc_id]

    # columnwise: at a million documents `related` has millions of rows, and a Python list of
    # their relations (made twice) cost more than the 50,000 rows kept
    rel_names = list(LEAD) + sorted(set(pc.unique(related["relation"]).to_pylist()) - set(LEAD))
    code = {r: k for k, r in enumerate(rel_names)}
    rank = pc.fill_null(pc.max_element_wise(*(related[c] for c in _RANK_COLS), skip_nulls=True), 0.0)
    cover = pc.fill_null(pc.max_element_wise(related["coverage_a"], related["coverage_b"], skip_nulls=True), 0.0)
    t = related.append_column("_rank", rank).append_column("_cover", cover).append_column(
        "_lead", pc.index_in(related["relation"], value_set=pa.array(rel_names, pa.string())))
    t = t.take(pc.sort_indices(t, sort_keys=[("_lead", "ascending"), ("_rank", "descending"),
                                             ("a", "ascending"), ("b", "ascending")])[:MAX_BROWSE])

    def rnd(x: Any, k: int) -> float | None:
        return None if x is None else round(float(x), k)

    pairs = [[ref(r["a"]), ref(r["b"]), r["_lead"], rnd(r["resemblance"], 3), rnd(r["_cover"], 2),
              rnd(r["story"], 2), 1 if r["direction"] == "a" else 2 if r["direction"] == "b" else 0,
              rnd(r["direction_confidence"], 2), card_of.get((r["a"], r["b"]), 0)]
             for r in t.select(["a", "b", "_lead", "resemblance", "_cover", "story", "direction",
                                "direction_confidence"]).to_pylist()]
    families = []
    for g in groups["family_id"][:MAX_BROWSE]:
        members = [[ref(m["doc_id"]), ref(m["parent"]) if m["parent"] else -1,
                    code.get(m["relation"], -1) if m["relation"] else -1,
                    rnd(m["confidence"], 2) or 0, rnd(m["day"], 2)] for m in g["timeline"]]
        families.append([g["id"], ref(g["earliest"]), g["size"], g["sites"], g["first"], g["last"], members])
    stories = []
    for g in groups["story_id"][:MAX_BROWSE]:
        members = [[ref(m["doc_id"]), rnd(m["day"], 2)] for m in g["timeline"]]
        stories.append([g["id"], ref(g["earliest"]), g["size"],
                        len({m.get("family_id") for m in g["members"]}), g["first"], g["last"], members])
    return {"rel": rel_names, "words": {r: _relation_view(r)["label"] for r in rel_names},
            "docs": docs, "pairs": pairs, "families": families, "stories": stories}


def render_run_report(run_dir: Path, max_pairs: int = 200) -> str:
    """The whole run as one self-contained HTML page (no external resources)."""
    return _env().get_template("run.html").render(**_run_context(Path(run_dir), max_pairs))


def write_run_report(run_dir: Path, out_path: Path | None = None, max_pairs: int = 200) -> Path:
    """Render the run report and write it atomically (temp file beside it, then rename), so
    a reader never sees half a report and a failed write leaves the old one in place."""
    run_dir = Path(run_dir)
    out = Path(out_path) if out_path is not None else run_dir / "report.html"
    html = render_run_report(run_dir, max_pairs=max_pairs)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    try:
        # mkstemp makes the file private (0600); a report is meant to be shared, so keep
        # the mode of the report it replaces, or the usual 0644.
        os.chmod(tmp, out.stat().st_mode & 0o777 if out.exists() else 0o644)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(html)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, out)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return out
