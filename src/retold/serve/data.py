"""What the web app shows, read from the store with one short read-only connection per
request (`query.storeread.read_store`). Every function returns plain JSON-ready data; the
HTML views and the JSON API show the same dicts. Every value reaches SQL as a parameter."""
from __future__ import annotations

from typing import Any

from ..model import RELATIONS
from ..query.storeread import rows, tables
from ..report.provenance import date_key, flatten, provenance

PAGE = 50  # rows per page of a list
MAX_PAGE = 500
MEMBERS = 500  # members of a family or story shown at most
PAIRS = 300  # pairs of a document shown at most
TEXT_RELATIONS = ("exact", "near_duplicate", "rewrite", "reuse")
SHOWN_ORDER = ("rewrite", "reuse", "near_duplicate", "template", "same_story", "exact")


def _like(q: str | None) -> str | None:
    q = (q or "").strip()
    if not q:
        return None
    return "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _page(offset: int, limit: int) -> tuple[int, int]:
    return max(0, int(offset)), max(1, min(int(limit), MAX_PAGE))


def overview(con) -> dict[str, Any]:
    """Counts: documents, pairs by relation, families and stories with more than one
    member, documents and related pairs by site, and the runs the store holds.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        A read-only connection to the store.

    Returns
    -------
    dict
        ``{"documents", "pairs", "relations": [{"relation", "pairs"}], "families", "stories",
        "sites": [{"source", "documents", "copies", "same_story"}], "runs"}``.
    """
    have = tables(con)
    n_docs = con.execute("SELECT count(*) FROM documents").fetchall()[0][0]
    by_rel = dict(con.execute("SELECT relation, count(*) FROM pairs GROUP BY 1").fetchall())
    relations = [{"relation": r, "pairs": int(by_rel[r])} for r in (*SHOWN_ORDER, "unrelated")
                 if by_rel.get(r)]
    relations += [{"relation": r, "pairs": int(n)} for r, n in sorted(by_rel.items(), key=str)
                  if r not in SHOWN_ORDER and r != "unrelated" and r is not None]
    fam = con.execute("SELECT count(*) FROM (SELECT family_id FROM families GROUP BY 1 "
                      "HAVING count(*) > 1)").fetchall()[0][0]
    sto = con.execute("SELECT count(*) FROM (SELECT story_id FROM families GROUP BY 1 "
                      "HAVING count(*) > 1)").fetchall()[0][0]
    sites = rows(con, """
        WITH rel AS (
          SELECT d.source, p.relation FROM pairs p JOIN documents d ON d.doc_id = p.a
          UNION ALL
          SELECT d.source, p.relation FROM pairs p JOIN documents d ON d.doc_id = p.b)
        SELECT coalesce(s.source, '') AS source, s.documents,
               coalesce(sum(CASE WHEN rel.relation IN ('exact','near_duplicate','rewrite','reuse')
                            THEN 1 ELSE 0 END), 0) AS copies,
               coalesce(sum(CASE WHEN rel.relation = 'same_story' THEN 1 ELSE 0 END), 0) AS same_story
        FROM (SELECT source, count(*) AS documents FROM documents GROUP BY 1) s
        LEFT JOIN rel ON rel.source IS NOT DISTINCT FROM s.source
        GROUP BY 1, 2 ORDER BY copies DESC, documents DESC, source LIMIT 30""")
    runs = rows(con, "SELECT run_id, started, finished, CAST(ingested AS VARCHAR) AS ingested "
                     "FROM runs ORDER BY ingested DESC LIMIT 20") if "runs" in have else []
    return {"documents": int(n_docs), "relations": relations, "pairs": int(sum(by_rel.values())),
            "families": int(fam), "stories": int(sto), "sites": sites, "runs": runs}


def documents(con, q: str | None = None, offset: int = 0, limit: int = PAGE) -> dict[str, Any]:
    """Documents whose id, title, source or url contains `q` (all when empty), by id.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        A read-only connection to the store.
    q : str, optional
        Text to look for (case-insensitive, literally: % and _ are not wildcards).
    offset, limit : int
        The page.

    Returns
    -------
    dict
        ``{"q", "offset", "limit", "total", "items"}``.
    """
    offset, limit = _page(offset, limit)
    like = _like(q)
    where = ("WHERE doc_id ILIKE ? ESCAPE '\\' OR title ILIKE ? ESCAPE '\\' OR "
             "source ILIKE ? ESCAPE '\\' OR url ILIKE ? ESCAPE '\\'") if like else ""
    params = [like] * 4 if like else []
    total = con.execute(f"SELECT count(*) FROM documents {where}", params).fetchall()[0][0]
    got = rows(con, f"SELECT d.doc_id, d.title, d.date, d.source, d.url, length(d.text) AS chars, "
                    f"f.family_id, f.story_id FROM (SELECT * FROM documents {where}) d "
                    f"LEFT JOIN families f USING (doc_id) ORDER BY d.doc_id LIMIT ? OFFSET ?",
               params + [limit, offset])
    return {"q": q or "", "offset": offset, "limit": limit, "total": int(total), "items": got}


def group_list(con, key: str, q: str | None = None) -> list[dict[str, Any]]:
    """Every family or story of more than one document, largest first, each named after
    its earliest member (by date, then id).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        A read-only connection to the store.
    key : {"family_id", "story_id"}
    q : str, optional
        Keep groups with a member whose id, title or source contains it.

    Returns
    -------
    list of dict
        ``{"id", "size", "sites", "first_date", "last_date", "earliest_id",
        "earliest_title", "earliest_date", "earliest_source"}``.
    """
    if key not in ("family_id", "story_id"):
        raise ValueError(key)
    like = _like(q)
    filt = ""
    params: list[Any] = []
    if like:
        filt = (f"AND gid IN (SELECT f.{key} FROM families f JOIN documents d USING (doc_id) "
                "WHERE d.doc_id ILIKE ? ESCAPE '\\' OR d.title ILIKE ? ESCAPE '\\' "
                "OR d.source ILIKE ? ESCAPE '\\')")
        params = [like] * 3
    return rows(con, f"""
        WITH g AS (
          SELECT f.{key} AS gid, f.doc_id, d.title, d.date, d.source,
                 row_number() OVER (PARTITION BY f.{key}
                                    ORDER BY TRY_CAST(d.date AS TIMESTAMP) NULLS LAST, d.date NULLS LAST,
                                             f.doc_id) AS k,
                 count(*) OVER (PARTITION BY f.{key}) AS size,
                 count(DISTINCT d.source) OVER (PARTITION BY f.{key}) AS sites,
                 min(d.date) OVER (PARTITION BY f.{key}) AS first_date,
                 max(d.date) OVER (PARTITION BY f.{key}) AS last_date
          FROM families f LEFT JOIN documents d USING (doc_id))
        SELECT gid AS id, size, sites, first_date, last_date, doc_id AS earliest_id,
               title AS earliest_title, date AS earliest_date, source AS earliest_source
        FROM g WHERE k = 1 AND size > 1 {filt}
        ORDER BY size DESC, earliest_date NULLS LAST, id""", params)


def page_of(items: list[dict[str, Any]], q: str | None, offset: int, limit: int) -> dict[str, Any]:
    """One page of a list, as the list views and the JSON API return it.

    Parameters
    ----------
    items : list
    q : str or None
        The search it answers (echoed).
    offset, limit : int

    Returns
    -------
    dict
        ``{"q", "offset", "limit", "total", "items"}``.
    """
    offset, limit = _page(offset, limit)
    return {"q": q or "", "offset": offset, "limit": limit, "total": len(items),
            "items": items[offset:offset + limit]}


def families(con, q: str | None = None, offset: int = 0, limit: int = PAGE) -> dict[str, Any]:
    """A page of families (copies of one text) of more than one document; see `group_list`."""
    return page_of(group_list(con, "family_id", q), q, offset, limit)


def stories(con, q: str | None = None, offset: int = 0, limit: int = PAGE) -> dict[str, Any]:
    """A page of stories (coverage of one event) of more than one document; see `group_list`."""
    return page_of(group_list(con, "story_id", q), q, offset, limit)


def _members(con, key: str, gid: str) -> list[dict[str, Any]]:
    got = rows(con, f"SELECT f.doc_id, d.title, d.date, d.source, d.url, f.family_id, f.story_id "
                    f"FROM families f LEFT JOIN documents d USING (doc_id) WHERE f.{key} = ? "
                    f"ORDER BY f.doc_id LIMIT ?", [gid, MEMBERS + 1])
    got.sort(key=lambda m: (date_key(m.get("date")) is None, date_key(m.get("date")) or 0, m["doc_id"]))
    return got


def _pairs_among(con, ids: list[str], relations: tuple[str, ...] | None = None) -> list[dict[str, Any]]:
    if not ids:
        return []
    rel = " AND relation IN (SELECT unnest(?::VARCHAR[]))" if relations else ""
    params: list[Any] = [ids, ids] + ([list(relations)] if relations else [])
    return rows(con, "SELECT a, b, relation, direction, direction_confidence, resemblance, "
                     "coverage_a, coverage_b, story FROM pairs "
                     "WHERE a IN (SELECT unnest(?::VARCHAR[])) AND b IN (SELECT unnest(?::VARCHAR[]))"
                     f"{rel} ORDER BY a, b LIMIT 5000", params)


def group(con, kind: str, gid: str) -> dict[str, Any] | None:
    """One family or story.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        A read-only connection to the store.
    kind : {"family", "story"}
    gid : str
        Its family_id or story_id.

    Returns
    -------
    dict or None
        Members in date order, ``tree`` (who copied whom, `report.provenance`), ``timeline``,
        the pairs among the members and their counts by relation, and for a story its
        families; None when there is no such group.
    """
    key = "family_id" if kind == "family" else "story_id"
    members = _members(con, key, gid)
    if not members:
        return None
    more = len(members) > MEMBERS
    members = members[:MEMBERS]
    ids = [m["doc_id"] for m in members]
    pairs = _pairs_among(con, ids)
    prov = provenance(members, pairs)
    by_rel: dict[str, int] = {}
    for p in pairs:
        by_rel[p["relation"]] = by_rel.get(p["relation"], 0) + 1
    meta = {m["doc_id"]: m for m in members}
    tree = [{"depth": d, **{k: v for k, v in n.items() if k != "children"}, **_brief(meta[n["doc_id"]])}
            for d, n in flatten(prov["roots"])]
    timeline = [dict(t, **_brief(meta[t["doc_id"]])) for t in prov["timeline"]]
    span = max((t["day"] for t in timeline if t["day"] is not None), default=0.0) or 1.0
    for t in timeline:
        t["x"] = None if t["day"] is None else round(100.0 * t["day"] / span, 2)
    fams: dict[str, int] = {}
    for m in members:
        fams[m["family_id"]] = fams.get(m["family_id"], 0) + 1
    earliest = meta[prov["earliest"]] if prov["earliest"] else None
    return {"kind": kind, "id": gid, "size": len(members), "more": more, "members": members,
            "earliest": earliest, "tree": tree, "timeline": timeline, "pairs": pairs,
            "pairs_by_relation": by_rel,
            "families": sorted(fams.items(), key=lambda kv: (-kv[1], kv[0])) if kind == "story" else []}


def _brief(m: dict[str, Any]) -> dict[str, Any]:
    return {"title": m.get("title"), "source": m.get("source"), "family_id": m.get("family_id")}


def document(con, doc_id: str) -> dict[str, Any] | None:
    """One document with its family and story and its related pairs.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        A read-only connection to the store.
    doc_id : str

    Returns
    -------
    dict or None
        ``{"doc", "pairs" (rewrites and reuse first, each with the other document and who
        came first), "family" (as `group`), "story" (members)}``; None when unknown.
    """
    got = rows(con, "SELECT d.*, f.family_id, f.story_id FROM documents d "
                    "LEFT JOIN families f USING (doc_id) WHERE d.doc_id = ?", [doc_id])
    if not got:
        return None
    doc = got[0]
    pairs = rows(con, "SELECT p.*, CASE WHEN p.a = ? THEN p.b ELSE p.a END AS other, "
                      "d.title AS other_title, d.date AS other_date, d.source AS other_source "
                      "FROM pairs p LEFT JOIN documents d ON d.doc_id = CASE WHEN p.a = ? THEN p.b ELSE p.a END "
                      "WHERE p.a = ? OR p.b = ? "
                      "ORDER BY list_position(?::VARCHAR[], p.relation) NULLS LAST, p.a, p.b LIMIT ?",
                 [doc_id, doc_id, doc_id, doc_id, list(SHOWN_ORDER + RELATIONS), PAIRS])
    for p in pairs:
        side = p.get("direction")
        p["first"] = (p["a"] if side == "a" else p["b"] if side == "b" else None)
    family = group(con, "family", doc["family_id"]) if doc.get("family_id") else None
    story_members = (_members(con, "story_id", doc["story_id"])[:MEMBERS]
                     if doc.get("story_id") else [])
    return {"doc": doc, "pairs": pairs, "family": family, "story": story_members}


def pair(con, a: str, b: str) -> dict[str, Any] | None:
    """A stored pair, in either order, with its passages, edits and both documents.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        A read-only connection to the store.
    a, b : str
        Document ids.

    Returns
    -------
    dict or None
        ``{"pair" (None when the store holds no such pair), "a", "b", "passages",
        "edits"}``; None when either document is unknown.
    """
    got = rows(con, "SELECT * FROM pairs WHERE (a = ? AND b = ?) OR (a = ? AND b = ?) LIMIT 1",
               [a, b, b, a])
    docs = {r["doc_id"]: r for r in rows(
        con, "SELECT doc_id, text, title, date, source, url FROM documents WHERE doc_id IN (?, ?)", [a, b])}
    if a not in docs or b not in docs:
        return None
    if not got:
        return {"pair": None, "a": docs[a], "b": docs[b], "passages": [], "edits": []}
    p = got[0]
    passages = rows(con, "SELECT a_start, a_end, b_start, b_end, identity FROM passages "
                         "WHERE a = ? AND b = ? ORDER BY a_start, b_start", [p["a"], p["b"]])
    edits = rows(con, "SELECT type, a_start, a_end, b_start, b_end, a_text, b_text FROM edits "
                      "WHERE a = ? AND b = ? ORDER BY a_start, b_start", [p["a"], p["b"]])
    return {"pair": p, "a": docs[p["a"]], "b": docs[p["b"]], "passages": passages, "edits": edits}
