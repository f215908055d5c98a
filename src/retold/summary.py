"""Plain-text summaries for the terminal (rich); every document string escaped.

Every string that comes from a document (ids, titles, texts, paths, evidence naming ids)
goes through `_s`: rich markup escaped, and control characters, escape sequences and bidi
overrides shown as visible escapes (`text/safe.py`), so an id holding ESC [2J or U+202E
cannot clear the screen, plant a link or reverse the line."""
from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .model import Comparison
from .text.safe import terminal_safe

EDIT_WORDS = {
    "name_variant": "name spelt differently", "number_change": "number changed",
    "date_change": "date changed", "quote_change": "quote cut or altered",
    "sentence_added": "sentence added", "sentence_removed": "sentence removed",
    "reordered": "sentence moved", "paraphrase": "reworded", "junk_token": "junk words injected",
    "boilerplate": "site boilerplate",
}
ORDER = ("exact", "near_duplicate", "reuse", "rewrite", "template", "same_story")
FACTS_WORDS = {
    "near_duplicate": "the facts are kept",
    "rewrite": "the wording changed, the facts are kept",
    "reuse": "the shared passages keep their facts",
    "template": "the wording is kept, the facts changed: one form filled in twice",
}


def _s(s: object) -> str:
    """A document string made safe for the terminal and for rich markup."""
    return escape(terminal_safe(s))


def _clip(s: str, n: int = 90) -> str:
    s = terminal_safe(" ".join(s.split()))
    return s if len(s) <= n else s[: n - 1] + "…"


def print_summary(con: Console, result) -> None:
    c = result.counts
    con.print(f"\n[bold]retold[/bold] run → {_s(str(result.out))}")
    con.print(f"{c['documents']} documents, {c['input_issues']} input issues, "
              f"{c['candidate_pairs']} candidate pairs, {c['multi_doc_families']} families of copies, "
              f"{c['multi_doc_stories']} multi-document stories")
    if c.get("records_rejected") or c.get("records_repaired"):
        con.print(f"{c['records_in']} records in: {c['records_kept']} kept, "
                  f"{c['records_rejected']} rejected (listed in rejects.jsonl), "
                  f"{c.get('records_repaired', 0)} repaired and kept")
    t = Table(title="pairs by relation")
    t.add_column("relation")
    t.add_column("pairs", justify="right")
    for r in ORDER + ("unrelated",):
        t.add_row(r, str(c["pairs_by_relation"].get(r, 0)))
    con.print(t)
    big = _largest_families(result)
    if big:
        t = Table(title="largest families")
        t.add_column("family")
        t.add_column("docs", justify="right")
        t.add_column("first by date")
        for fid, n, first, title in big:
            t.add_row(_s(fid), str(n), _s(_clip(f"{first}: {title or ''}", 70)))
        con.print(t)
    pick = _explained_pair(result)
    if pick:
        con.print(f"\n[bold]one explained pair[/bold] ({pick[0]['relation']}): "
                  f"{_s(pick[0]['a'])} ↔ {_s(pick[0]['b'])}")
        # one example of each kind of difference first, then more of them
        seen, first, rest = set(), [], []
        for e in pick[1]:
            (rest if e["type"] in seen else first).append(e)
            seen.add(e["type"])
        for e in (first + rest)[:10]:
            con.print(f"  • {EDIT_WORDS.get(e['type'], e['type'])}: "
                      f"{_s(_clip(e['a_text'], 40)) or '∅'} → {_s(_clip(e['b_text'], 40)) or '∅'}")
        if pick[0]["direction"] != "unknown":
            first = pick[0][pick[0]["direction"]]
            con.print(f"  came first: {_s(first)} ({_s(pick[0]['direction_evidence'])})")
    con.print(f"\nreport: {_s(str(result.out / 'report.html'))}")


# The run's tables are read in Arrow, not as a dict per row: the edits of a 114k-document run
# are millions of rows (as Python dicts: 3 GiB at 114k documents, more than the run itself).

def _largest_families(result, k: int = 5) -> list[tuple[str, int, str, str | None]]:
    """(family, size, first member by date then id, its title) of the `k` largest families
    of two or more documents; equal sizes in the order the families first appear."""
    import numpy as np
    import pyarrow.compute as pc
    fam = result.table("families", ["doc_id", "family_id"])
    sizes = fam.group_by("family_id", use_threads=False).aggregate([("doc_id", "count")])
    count = sizes.column("doc_id_count").to_numpy()
    order = np.argsort(-count, kind="stable")[:k]  # groups come in order of first appearance
    docs = result.table("documents", ["doc_id", "title", "date"])
    out = []
    for g in order.tolist():
        if count[g] < 2:
            break
        fid = sizes.column("family_id")[g].as_py()
        members = fam.filter(pc.equal(fam.column("family_id"), fid)).column("doc_id")
        rows = docs.filter(pc.is_in(docs.column("doc_id"), value_set=members.combine_chunks())).to_pylist()
        first = min(rows, key=lambda d: (d["date"] or "9999", d["doc_id"]))
        out.append((fid, int(count[g]), first["doc_id"], first["title"]))
    return out


def _explained_pair(result):
    """The rewrite (else reuse, else reprint) with the most kinds of edits: the best showcase
    (the first such pair in the pairs table), with its edits in their order. The edits are
    streamed (14.7 million rows at a million documents): only each pair's distinct kinds
    are held."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq
    wanted = ("rewrite", "reuse", "near_duplicate")
    pairs = result.table("pairs", ["a", "b", "relation"])
    pairs = pairs.append_column("row", pa.array(np.arange(pairs.num_rows, dtype=np.int64)))
    pairs = pairs.filter(pc.is_in(pairs.column("relation"), value_set=pa.array(wanted)))
    kinds = []
    for batch in pq.ParquetFile(result.path("edits")).iter_batches(1 << 20, columns=["a", "b", "type"]):
        kinds.append(pa.Table.from_batches([batch]).group_by(["a", "b", "type"], use_threads=False).aggregate([]))
    if not kinds or pairs.num_rows == 0:
        return None
    kinds = (pa.concat_tables(kinds).group_by(["a", "b", "type"], use_threads=False).aggregate([])
             .group_by(["a", "b"], use_threads=False).aggregate([("type", "count")]))
    scored = pairs.join(kinds, ["a", "b"], join_type="inner")
    if scored.num_rows == 0:
        return None
    rank = np.array([wanted.index(r) for r in scored.column("relation").to_pylist()])
    # best relation, then most kinds, then the first in the pairs table
    best = int(np.lexsort((scored.column("row").to_numpy(), -scored.column("type_count").to_numpy(), rank))[0])
    pair = _row(result.path("pairs"), int(scored.column("row")[best].as_py()))
    edits = []
    for batch in pq.ParquetFile(result.path("edits")).iter_batches(1 << 16):
        mine = pc.and_(pc.equal(batch.column("a"), pair["a"]), pc.equal(batch.column("b"), pair["b"]))
        edits += batch.filter(mine).to_pylist()
    return pair, edits


def _row(path, row: int) -> dict:
    """Row `row` of a Parquet file, reading only its row group."""
    import pyarrow.parquet as pq
    f = pq.ParquetFile(path)
    for g in range(f.num_row_groups):
        n = f.metadata.row_group(g).num_rows
        if row < n:
            return f.read_row_group(g).slice(row, 1).to_pylist()[0]
        row -= n
    raise IndexError(row)


def print_truth_scores(con: Console, scores: dict) -> None:
    for key, title in (("by_relation", "original → copy pairs"), ("siblings", "copy ↔ copy pairs"),
                       ("stories", "same-event pairs")):
        block = scores.get(key) or {}
        if not block:
            continue
        t = Table(title=f"against the ground truth: {title}")
        t.add_column("true relation")
        t.add_column("pairs", justify="right")
        t.add_column("recall at that level", justify="right")
        t.add_column("found at all", justify="right")
        t.add_column("called")
        for rel, s in block.items():
            called = ", ".join(f"{k} {v}" for k, v in s["predicted"].items())
            t.add_row(rel, str(s["n"]), f"{s['recall']:.3f}", f"{s['found']:.3f}", called)
        con.print(t)
    con.print(f"related pairs the truth cannot explain: {scores['unexplained_pairs']}")
    g = scores.get("story_groups") or {}
    if g:
        con.print(f"stories against the truth ({g['docs']} docs, {g['true_stories']} true, {g['stories']} found): "
                  f"B-cubed P {g['bcubed_p']:.3f} R {g['bcubed_r']:.3f} F1 {g['bcubed_f1']:.3f}; "
                  f"pairwise P {g['pair_p']:.3f} R {g['pair_r']:.3f} F1 {g['pair_f1']:.3f}")


def print_edit_scores(con: Console, recall: dict, precision: dict) -> None:
    t = Table(title="typed differences against the ground truth")
    t.add_column("edit")
    t.add_column("true", justify="right")
    t.add_column("recall", justify="right")
    t.add_column("reported", justify="right")
    t.add_column("precision", justify="right")
    for typ, r in recall.items():
        p = precision.get(typ, {})
        fmt = (lambda v: "—" if v is None else f"{v:.3f}")
        t.add_row(EDIT_WORDS.get(typ, typ), str(r["n"]), fmt(r["recall"]), str(p.get("n", 0)),
                  fmt(p.get("precision")))
    con.print(t)


def print_comparison(con: Console, c: Comparison) -> None:
    d = c.direction
    first = {"a": c.a_id, "b": c.b_id}.get(d.source)
    verdict = f"[bold]{c.relation}[/bold]"
    if first:
        other = c.b_id if d.source == "a" else c.a_id
        verdict += f" — {_s(other)} likely copied {_s(first)} (confidence {d.confidence:.2f})"
    con.print(verdict)
    s = c.scores
    con.print(f"resemblance {s.resemblance:.3f}  containment a {s.containment_a:.3f}  "
              f"b {s.containment_b:.3f}  story {s.story:.3f}  aligned a {s.coverage_a:.2f} b {s.coverage_b:.2f}")
    if c.relation in ("near_duplicate", "rewrite", "reuse", "template"):
        con.print(f"  [dim]{FACTS_WORDS[c.relation]} ({s.facts:.0%} of the names and figures of what lines "
                  f"up are on both sides; {s.specific:.0%} of the aligned words are shared text, not "
                  f"site chrome or stock phrasing)[/dim]")
    for ev in d.evidence:
        con.print(f"  [dim]{_s(ev)}[/dim]")
    if c.passages:
        t = Table(title=f"shared passages ({len(c.passages)})", show_lines=True)
        t.add_column(f"{_s(c.a_id)}", ratio=1)
        t.add_column(f"{_s(c.b_id)}", ratio=1)
        for p in c.passages[:12]:
            t.add_row(_s(_clip(p.a_text, 400)), _s(_clip(p.b_text, 400)))
        con.print(t)
    groups: dict[str, list] = {}
    for e in c.edits:
        groups.setdefault(e.type, []).append(e)
    for typ, es in groups.items():
        con.print(f"[bold]{EDIT_WORDS.get(typ, typ)}[/bold] ({len(es)})")
        for e in es[:10]:
            con.print(f"  {_s(_clip(e.a_text, 60)) or '∅'}  →  {_s(_clip(e.b_text, 60)) or '∅'}")
