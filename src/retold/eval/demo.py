"""Score a run folder against the demo generator's ground truth (truth.jsonl, families.jsonl)."""
from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq

LEVELS = ("exact", "near_duplicate", "reuse", "rewrite", "same_story")


def read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def score_run(run_dir: str | Path, truth_path: str | Path) -> dict:
    """Recall by true relation level (found at that level / found at all), and how many
    predicted related pairs the truth cannot explain (different family and story)."""
    truth_path = Path(truth_path)
    truth = read_jsonl(truth_path)
    fam_path = truth_path.with_name("families.jsonl")
    fams = {r["doc_id"]: r for r in read_jsonl(fam_path)} if fam_path.exists() else {}
    pairs = pq.read_table(Path(run_dir) / "pairs.parquet").to_pylist()
    pred = {frozenset((p["a"], p["b"])): p["relation"] for p in pairs}
    by_rel: dict[str, dict] = {}
    for t in truth:
        rel = t["relation"]
        s = by_rel.setdefault(rel, {"n": 0, "hit": 0, "any": 0})
        got = pred.get(frozenset((t["a"], t["b"])), "unrelated")
        s["n"] += 1
        s["hit"] += got == rel
        s["any"] += got != "unrelated"
    known = {frozenset((t["a"], t["b"])) for t in truth}
    false_related = 0
    for p in pairs:
        key = frozenset((p["a"], p["b"]))
        if key in known:
            continue
        fa, fb = fams.get(p["a"], {}), fams.get(p["b"], {})
        if fa and fb and (fa.get("family") == fb.get("family") or fa.get("story") == fb.get("story")):
            continue
        false_related += 1
    out = {rel: {"n": s["n"], "recall": s["hit"] / s["n"], "found": s["any"] / s["n"]}
           for rel, s in sorted(by_rel.items(), key=lambda kv: LEVELS.index(kv[0]) if kv[0] in LEVELS else 9)}
    return {"by_relation": out, "false_related": false_related, "predicted_pairs": len(pairs)}
