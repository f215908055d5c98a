"""A synthetic run folder with many families: what the report must stay usable with."""
from __future__ import annotations

import json
from pathlib import Path

from ._fakerun import (DOC_SCHEMA, EDIT_SCHEMA, FAMILY_SCHEMA, PAIR_SCHEMA, PASSAGE_SCHEMA, XSS_SCRIPT,
                       pair_row, write_table)

RELATIONS = ("exact", "near_duplicate", "rewrite", "reuse", "same_story")


def make_big_run(root: Path, families: int = 10_000) -> Path:
    """`families` families of three: an original (dated day k), a copy a day later and a
    second copy two days later; the copies' relations cycle through RELATIONS. Family 0's
    copy has a hostile title."""
    root.mkdir(parents=True, exist_ok=True)
    docs, pairs, fams = [], [], []
    for k in range(families):
        ids = [f"f{k:05d}-orig", f"f{k:05d}-copy1", f"f{k:05d}-copy2"]
        for j, d in enumerate(ids):
            text = f"Report number {k} about event {k} in town {k % 97}. Version {j}."
            docs.append({"doc_id": d, "text": text, "title": (XSS_SCRIPT if (k, j) == (0, 1) else
                                                             f"Headline {k} version {j}"),
                         "date": f"2025-{1 + k % 12:02d}-{1 + j + k % 20:02d}",
                         "source": f"site{(k + j) % 50}.example", "url": None, "origin": None,
                         "chars": len(text)})
            fams.append({"doc_id": d, "family_id": f"fam:{ids[2]}", "story_id": f"story:{k // 2}"})
        rel = RELATIONS[k % len(RELATIONS)]
        fam_rel = rel if rel in ("exact", "near_duplicate", "rewrite") else "near_duplicate"
        pairs.append(pair_row(ids[0], ids[1], fam_rel, 0.9, direction="a", direction_confidence=0.9))
        pairs.append(pair_row(ids[1], ids[2], rel, 0.5 + (k % 40) / 100, direction="a",
                              direction_confidence=0.6))
    write_table(root / "documents.parquet", docs, DOC_SCHEMA)
    write_table(root / "pairs.parquet", pairs, PAIR_SCHEMA)
    write_table(root / "passages.parquet", [], PASSAGE_SCHEMA)
    write_table(root / "edits.parquet", [], EDIT_SCHEMA)
    write_table(root / "families.parquet", fams, FAMILY_SCHEMA)
    counts: dict[str, int] = {}
    for p in pairs:
        counts[p["relation"]] = counts.get(p["relation"], 0) + 1
    (root / "run.json").write_text(json.dumps({"run_id": "big", "counts": {
        "documents": len(docs), "pairs_by_relation": counts}}), encoding="utf-8")
    return root
