"""What two run folders must agree on, read as sets: shared by the determinism and engine
parity tests."""
from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq


def groups(run: Path, column: str) -> set[frozenset[str]]:
    """families.parquet's `column` (family_id or story_id) as a partition of the doc ids."""
    by: dict[str, set[str]] = {}
    for r in pq.read_table(run / "families.parquet").to_pylist():
        by.setdefault(r[column], set()).add(r["doc_id"])
    return {frozenset(g) for g in by.values()}


def pairs(run: Path) -> set[tuple]:
    """Pairs as an unordered id pair, relation and the scores input order cannot move."""
    out = set()
    for r in pq.read_table(run / "pairs.parquet").to_pylist():
        a, b = sorted((r["a"], r["b"]))
        out.add((a, b, r["relation"]) + tuple(None if r[k] is None else round(r[k], 4)
                                              for k in ("resemblance", "fact_cover")))
    return out
