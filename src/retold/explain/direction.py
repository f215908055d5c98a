"""Which side came first: publication dates when both are known, else textual evidence
(the copy is the side that gained site chrome and junk words)."""
from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from ..model import Direction, Edit

DATE_CONFIDENCE = 0.9  # dates can be wrong (updates, time zones), so never 1.0
TEXT_CONFIDENCE = 0.6


def parse_date(value: str | None) -> datetime | None:
    """A date as given (ISO 8601, cut to the second or the day if need be), naive; None when
    missing or unreadable."""
    if not value:
        return None
    return _parse_text(str(value))  # cached by its text: any value that prints alike reads alike


@lru_cache(maxsize=8192)  # a pair's comparison reads both dates several times
def _parse_text(text: str) -> datetime | None:
    v = text.strip().replace("Z", "+00:00")
    for cut in (None, 19, 10):
        try:
            d = datetime.fromisoformat(v if cut is None else v[:cut])
            return d.replace(tzinfo=None)
        except ValueError:
            continue
    return None


def direction(date_a: str | None, date_b: str | None, edits: list[Edit], a_id: str = "a",
              b_id: str = "b") -> Direction:
    """Evidence strings name the documents by id, so they read well anywhere."""
    da, db = parse_date(date_a), parse_date(date_b)
    name = {"a": a_id, "b": b_id}
    if da and db and da != db:
        src = "a" if da < db else "b"
        first, later = (date_a, date_b) if src == "a" else (date_b, date_a)
        return Direction(src, DATE_CONFIDENCE, [f"{name[src]} was published first ({first}, the other {later})"])
    # Only b's side of an edit can be injected material; a's side is material b lacks.
    gained_b = sum(1 for e in edits if e.type in ("junk_token", "boilerplate") and e.b_text)
    gained_a = sum(1 for e in edits if e.type in ("junk_token", "boilerplate") and e.a_text)
    if gained_a == gained_b:
        ev = ["no usable dates and no one-sided site chrome or junk words"]
        return Direction("unknown", 0.0, ev)
    src = "a" if gained_b > gained_a else "b"
    copy = "b" if src == "a" else "a"
    n = max(gained_a, gained_b)
    what = "piece" if n == 1 else "pieces"
    return Direction(src, TEXT_CONFIDENCE,
                     [f"{name[copy]} carries {n} {what} of site chrome or injected junk that {name[src]} lacks"])
