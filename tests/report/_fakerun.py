"""A tiny fake run folder, shaped like the pipeline's output contract."""
from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from retold import schema

XSS_SCRIPT = "<script>alert(1)</script>"
XSS_IMG = '"><img src=x onerror=alert(1)>'

A_TEXT = ("Dark Mode\nPrime minister Janša said 33 people attended the rally in Ljubljana. "
          "Critics called it a stunt. The author is a columnist.")
B_TEXT = ("Prime minister Jansa said 34 people attended the rally in Ljubljana trending viral news. "
          "The author is a columnist.")
EVIL_TEXT = f"Evil text {XSS_SCRIPT} and {XSS_IMG} end of the story about the rally."
EVIL_ID = f"evil{XSS_SCRIPT}"


def _span(text: str, part: str) -> tuple[int, int]:
    start = text.index(part)
    return start, start + len(part)


def write_table(path: Path, rows: list[dict], schema: pa.Schema) -> None:
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), path)


# the product's own table schemas: a fake run is shaped by the contract, not by a copy of it
DOC_SCHEMA, PAIR_SCHEMA = schema.DOCUMENTS, schema.PAIRS
PASSAGE_SCHEMA, EDIT_SCHEMA, FAMILY_SCHEMA = schema.PASSAGES, schema.EDITS, schema.FAMILIES


def pair_row(a: str, b: str, relation: str, score: float, **extra) -> dict:
    row = {"a": a, "b": b, "relation": relation, "resemblance": score, "containment_a": score,
           "containment_b": score, "story": 0.5, "direction": "unknown",
           "direction_confidence": 0.0, "coverage_a": score, "coverage_b": score,
           "residual": 0.1, "anchors": 3}
    row.update(extra)
    return row


def make_run(root: Path, *, empty: bool = False) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    docs = [
        {"doc_id": "orig", "text": A_TEXT, "title": "Rally opinion", "date": "2024-03-01",
         "source": "site-one.example", "url": "https://site-one.example/a", "origin": "x.jsonl:1",
         "chars": len(A_TEXT)},
        {"doc_id": "copy", "text": B_TEXT, "title": "Rally opinion (repost)", "date": "2024-03-03",
         "source": "site-two.example", "url": "javascript:alert(1)", "origin": "x.jsonl:2",
         "chars": len(B_TEXT)},
        {"doc_id": EVIL_ID, "text": EVIL_TEXT, "title": XSS_IMG, "date": None,
         "source": XSS_SCRIPT, "url": None, "origin": "x.jsonl:3", "chars": len(EVIL_TEXT)},
        {"doc_id": "other", "text": "Unrelated weather text.", "title": "Weather", "date": "2024-01-01",
         "source": None, "url": None, "origin": "x.jsonl:4", "chars": 23},
    ]
    pairs = [
        pair_row("orig", EVIL_ID, "same_story", 0.05),
        pair_row("orig", "copy", "reuse", 0.4, direction="a", direction_confidence=0.8),
        pair_row("copy", "other", "unrelated", 0.0),
    ]
    p_a = _span(A_TEXT, "Prime minister Janša said 33 people attended the rally in Ljubljana.")
    p_b = _span(B_TEXT, "Prime minister Jansa said 34 people attended the rally in Ljubljana")
    passages = [
        {"a": "orig", "b": "copy", "a_start": p_a[0], "a_end": p_a[1], "b_start": p_b[0],
         "b_end": p_b[1], "identity": 0.85},
        {"a": "orig", "b": EVIL_ID, "a_start": 0, "a_end": 9, "b_start": 0,
         "b_end": len(EVIL_TEXT), "identity": 0.1},
    ]

    def edit(kind, a_part, b_part):
        a0, a1 = _span(A_TEXT, a_part) if a_part else (0, 0)
        b0, b1 = _span(B_TEXT, b_part) if b_part else (0, 0)
        return {"a": "orig", "b": "copy", "type": kind, "a_start": a0, "a_end": a1,
                "b_start": b0, "b_end": b1, "a_text": a_part, "b_text": b_part}

    edits = [
        edit("name_variant", "Janša", "Jansa"),
        edit("number_change", "33", "34"),
        edit("junk_token", "", "trending viral news"),
        edit("boilerplate", "Dark Mode", ""),
        edit("sentence_removed", "Critics called it a stunt.", ""),
        {"a": "orig", "b": EVIL_ID, "type": "paraphrase", "a_start": 0, "a_end": 4,
         "b_start": 0, "b_end": 9, "a_text": "Dark", "b_text": XSS_SCRIPT},
    ]
    families = [
        {"doc_id": "orig", "family_id": "f1", "story_id": "s1"},
        {"doc_id": "copy", "family_id": "f1", "story_id": "s1"},
        {"doc_id": EVIL_ID, "family_id": "f2", "story_id": "s1"},
        {"doc_id": "other", "family_id": "f3", "story_id": "s2"},
    ]
    if empty:
        docs = pairs = passages = edits = families = []
    write_table(root / "documents.parquet", docs, DOC_SCHEMA)
    write_table(root / "pairs.parquet", pairs, PAIR_SCHEMA)
    write_table(root / "passages.parquet", passages, PASSAGE_SCHEMA)
    write_table(root / "edits.parquet", edits, EDIT_SCHEMA)
    write_table(root / "families.parquet", families, FAMILY_SCHEMA)
    run = {
        "run_id": "run-" + XSS_SCRIPT, "started": "2024-03-05T10:00:00",
        "finished": "2024-03-05T10:00:07", "inputs": ["corpus/docs.jsonl", XSS_IMG],
        "config": {"shingle_n": 5, "near_threshold": 0.8},
        "counts": {"documents": len(docs), "input_issues": 1,
                   "pairs_by_relation": {} if empty else {"reuse": 1, "same_story": 1, "unrelated": 1},
                   "families": 3, "stories": 2},
        "issues": [{"code": "E010", "where": f"docs.jsonl:7{XSS_SCRIPT}",
                    "message": "[E010] line is not valid JSON"}],
        "timings": {"ingest": 0.5, "sketch": 1.25, "align": 3.0},
    }
    (root / "run.json").write_text(json.dumps(run), encoding="utf-8")
    return root

