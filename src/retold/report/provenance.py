"""Who copied whom: a family's provenance as a tree and a timeline.

Pure functions over plain rows (documents with dates, pairs with a direction), shared by
the static report and the web app. A member's source is the partner its pairs most
credibly name as earlier: a whole-text copy before a reuse, then the higher direction
confidence, then the closer date. Members are placed in (date, id) order and a parent must
come before its child in that order, so the result is always a forest, never a cycle.
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any, Iterable, Mapping

# the stronger the relation, the better it says where a copy came from
_PARENT_RANK = {"exact": 0, "near_duplicate": 1, "rewrite": 2, "reuse": 3}


def date_key(value: Any) -> datetime | None:
    """A sortable date.

    Parameters
    ----------
    value : str, date, datetime or None
        An ISO date or datetime (a "Z" or an offset is read as UTC).

    Returns
    -------
    datetime or None
        Naive UTC; None when missing or unparsable.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        d = value
    elif isinstance(value, date):
        d = datetime(value.year, value.month, value.day)
    else:
        s = str(value).strip().replace("Z", "+00:00")
        d = None
        for cut in (None, 19, 10):
            try:
                d = datetime.fromisoformat(s if cut is None else s[:cut])
                break
            except ValueError:
                continue
        if d is None:
            return None
    return d.astimezone(timezone.utc).replace(tzinfo=None) if d.tzinfo else d


def _order(members: Iterable[Mapping[str, Any]]) -> list[tuple[datetime | None, str]]:
    keyed = [(date_key(m.get("date")), str(m["doc_id"])) for m in members]
    keyed.sort(key=lambda k: (k[0] is None, k[0] or datetime.min, k[1]))
    return keyed


def provenance(members: list[Mapping[str, Any]], pairs: list[Mapping[str, Any]]
               ) -> dict[str, Any]:
    """The provenance of one family.

    Parameters
    ----------
    members : list of mapping
        Family members: ``doc_id``, ``date`` (ISO string or None), anything else is passed
        through.
    pairs : list of mapping
        Pairs between members: ``a``, ``b``, ``relation``, ``direction`` ("a", "b" or
        "unknown": which side came first) and ``direction_confidence``.

    Returns
    -------
    dict
        ``{"roots": [node], "timeline": [entry], "earliest": doc_id or None}`` where a node
        is ``{"doc_id", "date" (as given), "relation", "confidence", "children": [node]}`` (relation and
        confidence of the link to its parent) and a timeline entry is
        ``{"doc_id", "date", "day": days after the earliest dated member or None,
        "parent", "relation", "confidence"}``, in date order (undated last).
    """
    order = _order(members)
    raw = {str(m["doc_id"]): (None if m.get("date") in (None, "") else str(m.get("date"))) for m in members}
    rank = {d: k for k, (_, d) in enumerate(order)}
    dates = {d: when for when, d in order}
    best: dict[str, tuple[tuple, str, str, float]] = {}
    for p in pairs:
        a, b = str(p.get("a")), str(p.get("b"))
        rel = str(p.get("relation") or "")
        if a not in rank or b not in rank or rel not in _PARENT_RANK:
            continue
        side = str(p.get("direction") or "unknown")
        conf = float(p.get("direction_confidence") or 0.0)
        if side == "a":
            parent, child = a, b
        elif side == "b":
            parent, child = b, a
        else:  # no textual or date evidence: the earlier in (date, id) order
            parent, child = (a, b) if rank[a] < rank[b] else (b, a)
            conf = 0.0
        if rank[parent] > rank[child]:
            continue  # contradicts the dates: leave it out rather than make a cycle
        gap = (abs((dates[child] - dates[parent]).total_seconds())
               if dates[child] is not None and dates[parent] is not None else float("inf"))
        key = (_PARENT_RANK[rel], -conf, gap, rank[parent])
        if child not in best or key < best[child][0]:
            best[child] = (key, parent, rel, conf)
    nodes = {d: {"doc_id": d, "date": None if dates[d] is None else raw[d],
                 "relation": best[d][2] if d in best else None,
                 "confidence": best[d][3] if d in best else None, "children": []}
             for _, d in order}
    roots = []
    for _, d in order:
        if d in best:
            nodes[best[d][1]]["children"].append(nodes[d])
        else:
            roots.append(nodes[d])
    first = next((when for when, _ in order if when is not None), None)
    timeline = [{"doc_id": d, "date": None if when is None else raw[d],
                 "day": None if when is None or first is None else (when - first).total_seconds() / 86400,
                 "parent": best[d][1] if d in best else None,
                 "relation": best[d][2] if d in best else None,
                 "confidence": best[d][3] if d in best else None} for when, d in order]
    return {"roots": roots, "timeline": timeline, "earliest": order[0][1] if order else None}


def flatten(roots: list[dict[str, Any]], depth: int = 0) -> list[tuple[int, dict[str, Any]]]:
    """The tree as rows in display order, so templates draw it without recursion.

    Parameters
    ----------
    roots : list of dict
        Nodes as `provenance` returns them.
    depth : int
        Depth of the roots.

    Returns
    -------
    list of (int, dict)
        (depth, node), each node before its children.
    """
    out: list[tuple[int, dict[str, Any]]] = []
    stack = [(depth, r) for r in reversed(roots)]
    while stack:
        d, node = stack.pop()
        out.append((d, node))
        stack.extend((d + 1, c) for c in reversed(node["children"]))
    return out
