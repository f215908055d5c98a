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
    """Pairs as reported (a, b: the orientation no longer follows the input order), with
    relation, direction and the scores input order cannot move (not `story`: see
    test_determinism)."""
    out = set()
    for r in pq.read_table(run / "pairs.parquet").to_pylist():
        out.add((r["a"], r["b"], r["relation"], r["direction"]) + tuple(
            None if r[k] is None else round(r[k], 4)
            for k in ("resemblance", "containment_a", "containment_b", "coverage_a", "coverage_b", "fact_cover")))
    return out
