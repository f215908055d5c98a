"""`retold query` for a reader: the ranked matches in a few lines each."""
from __future__ import annotations

from rich.console import Console
from rich.markup import escape

from . import QueryResult

WORDS = {"exact": "exact copy", "near_duplicate": "reprint", "rewrite": "rewrite",
         "reuse": "shares passages", "template": "same template, other facts",
         "same_story": "same story"}
EDIT_WORDS = {"name_variant": "name spelt differently", "number_change": "number changed",
              "date_change": "date changed", "quote_change": "quote altered",
              "sentence_added": "sentence added", "sentence_removed": "sentence removed",
              "reordered": "moved", "paraphrase": "reworded", "junk_token": "junk words",
              "boilerplate": "site boilerplate"}
CLIP = 160


def _clip(s: str | None, n: int = CLIP) -> str:
    s = " ".join((s or "").split())
    return s if len(s) <= n else s[: n - 1] + "\u2026"


def print_query(out: Console, r: QueryResult, passages: int = 2) -> None:
    """Print a query result for a reader.

    Parameters
    ----------
    out : rich.console.Console
    r : QueryResult
    passages : int
        Shared passages shown per match.

    Notes
    -----
    Counts first, then the earliest dated copy, then each match with its relation, scores,
    who came first, its first passages and its differences by type. Every stored string is
    escaped for rich markup.
    """
    if not r.matches:
        out.print(f"No stored document shares text or a story with this text "
                  f"({r.documents:,} documents searched, {r.compared} compared).")
        return
    counts = ", ".join(f"{n} {WORDS.get(k, k)}" for k, n in r.counts.items())
    out.print(f"{sum(r.counts.values())} stored documents match ({escape(counts)}); "
              f"{r.compared} of {r.documents:,} compared, {r.seconds:.2f} s.")
    if r.first:
        out.print(f"Earliest dated copy in the store: [bold]{escape(str(r.first['id']))}[/bold] "
                  f"({escape(str(r.first.get('date')))}, {escape(str(r.first.get('source') or 'no source'))})")
    for k, m in enumerate(r.matches, 1):
        d, s = m["doc"], m["scores"]
        head = f"{k:>3}. {WORDS.get(m['relation'], m['relation'])}  {escape(d['id'])}"
        meta = " \u00b7 ".join(escape(str(x)) for x in (d.get("date"), d.get("source")) if x)
        out.print(f"[bold]{head}[/bold]" + (f"  [dim]{meta}[/dim]" if meta else ""))
        if d.get("title"):
            out.print(f"     {escape(_clip(d['title'], 100))}")
        out.print(f"     query covered {s['coverage_query']:.0%}, document covered {s['coverage_doc']:.0%}, "
                  f"resemblance {s['resemblance']:.3f}, story {s['story']:.2f}"
                  + (f"  family {escape(str(m['family_id']))}" if m.get("family_id") else ""))
        first = m["direction"]["first"]
        if first != "unknown":
            who = "the query" if first == "query" else first
            out.print(f"     first: {escape(who)} (confidence {m['direction']['confidence']:.2f})")
        for p in m["passages"][:passages]:
            out.print(f"     \u2502 {escape(_clip(p['b_text']))}")
        by_type: dict[str, int] = {}
        for e in m["edits"]:
            by_type[e["type"]] = by_type.get(e["type"], 0) + 1
        if by_type:
            out.print("     differences: " + ", ".join(f"{EDIT_WORDS.get(t, escape(t))} {n}"
                                                    for t, n in by_type.items()))
