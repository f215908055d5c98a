"""Score a run folder against the demo generator's ground truth (truth.jsonl, families.jsonl)."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq

LEVELS = ("exact", "near_duplicate", "reuse", "rewrite", "same_story")


def read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def predicted_relations(run_dir: Path) -> dict[frozenset, str]:
    """Relation per unordered pair; exact-group members inherit their representative's
    relations (the run compares an exact group once, through its representative)."""
    pairs = pq.read_table(run_dir / "pairs.parquet").to_pylist()
    pred = {frozenset((p["a"], p["b"])): p["relation"] for p in pairs}
    members: dict[str, list[str]] = {}
    for p in pairs:
        if p["relation"] == "exact":
            members.setdefault(p["a"], []).append(p["b"])
    for p in pairs:
        for x, y in ((p["a"], p["b"]), (p["b"], p["a"])):
            for m in members.get(x, ()):
                if m != y:
                    pred.setdefault(frozenset((m, y)), p["relation"])
    for rep, ms in members.items():
        for i, m1 in enumerate(ms):
            for m2 in ms[i + 1:]:
                pred.setdefault(frozenset((m1, m2)), "exact")
    return pred


def score_run(run_dir: str | Path, truth_path: str | Path) -> dict:
    """Recall per true relation level for original->copy pairs ("found as that level" and
    "found at all"), confusion counts, the same for copy<->copy siblings and same-story
    pairs, and how many predicted related pairs the truth cannot explain."""
    run_dir, truth_path = Path(run_dir), Path(truth_path)
    truth = read_jsonl(truth_path)
    fam_path = truth_path.with_name("families.jsonl")
    fams = {r["doc_id"]: r for r in read_jsonl(fam_path)} if fam_path.exists() else {}
    pred = predicted_relations(run_dir)
    # pairs.parquet lists a story's strongest pairs; any two documents given one story_id
    # are reported as the same story
    story_of = {r["doc_id"]: r["story_id"] for r in
                pq.read_table(run_dir / "families.parquet", columns=["doc_id", "story_id"]).to_pylist()}
    groups: dict[str, dict[str, Counter]] = {}
    for t in truth:
        kind = {"copy": "copies", "sibling": "siblings"}.get(t.get("kind", "copy"), "stories")
        same = story_of.get(t["a"]) is not None and story_of.get(t["a"]) == story_of.get(t["b"])
        got = pred.get(frozenset((t["a"], t["b"])), "same_story" if same else "unrelated")
        groups.setdefault(kind, {}).setdefault(t["relation"], Counter())[got] += 1
    known = {frozenset((t["a"], t["b"])) for t in truth}
    unexplained = 0
    unexplained_by: Counter = Counter()
    for key, rel in pred.items():
        if key in known:
            continue
        a, b = tuple(key)
        fa, fb = fams.get(a, {}), fams.get(b, {})
        if fa and fb and (fa.get("family") == fb.get("family") or fa.get("story") == fb.get("story")):
            continue
        unexplained += 1
        unexplained_by[rel] += 1

    def summarise(block: dict[str, Counter]) -> dict:
        order = sorted(block, key=lambda r: LEVELS.index(r) if r in LEVELS else 9)
        out = {}
        for rel in order:
            c = block[rel]
            n = sum(c.values())
            out[rel] = {"n": n, "recall": c[rel] / n, "found": 1 - c["unrelated"] / n,
                        "predicted": dict(c.most_common())}
        return out

    res = {kind: summarise(block) for kind, block in groups.items()}
    return {"by_relation": res.get("copies", {}), "siblings": res.get("siblings", {}),
            "stories": res.get("stories", {}), "unexplained_pairs": unexplained,
            "unexplained_by_relation": dict(unexplained_by),
            "predicted_pairs": len(pred), "story_groups": story_group_scores(run_dir, fams)}


def story_group_scores(run_dir: Path, fams: dict[str, dict]) -> dict:
    """story_id against the truth's stories, over the documents the truth labels: B-cubed
    and pairwise P/R/F1 (pairs listed in pairs.parquet are a sample of a story's pairs; the
    grouping is the answer)."""
    from .stories import score
    rows = pq.read_table(run_dir / "families.parquet", columns=["doc_id", "story_id"]).to_pylist()
    got = [(r["story_id"], fams[r["doc_id"]]["story"]) for r in rows if r["doc_id"] in fams]
    if not got:
        return {}
    s = score([p for p, _ in got], [g for _, g in got])
    return {"bcubed_p": s.bcubed_p, "bcubed_r": s.bcubed_r, "bcubed_f1": s.bcubed_f1,
            "pair_p": s.pair_p, "pair_r": s.pair_r, "pair_f1": s.pair_f1, "docs": s.n_docs,
            "true_stories": s.n_gold, "stories": s.n_pred}


def near_duplicate_scores(run_dir: str | Path, truth_path: str | Path) -> dict:
    """Precision and recall of the reprint levels (exact + near_duplicate) over all pairs,
    originals and copies alike, against the generator's truth."""
    truth = read_jsonl(Path(truth_path))
    levels = ("exact", "near_duplicate")
    gold = {frozenset((t["a"], t["b"])) for t in truth if t["relation"] in levels}
    pred = {k for k, r in predicted_relations(Path(run_dir)).items() if r in levels}
    tp = len(gold & pred)
    return {"gold": len(gold), "predicted": len(pred), "precision": tp / max(1, len(pred)),
            "recall": tp / max(1, len(gold))}


def edit_recall(run_dir: str | Path, truth_path: str | Path, types: tuple[str, ...]) -> dict:
    """Per edit type: share of the generator's edits (original->copy pairs) that the run
    reports with the same type and an overlapping span on the copy side (on the original
    side when the copy side is empty)."""
    run_dir = Path(run_dir)
    truth = [t for t in read_jsonl(Path(truth_path)) if t.get("kind", "copy") == "copy"]
    got: dict[frozenset, list[dict]] = {}
    for e in pq.read_table(run_dir / "edits.parquet").to_pylist():
        got.setdefault(frozenset((e["a"], e["b"])), []).append(e)
    out = {}
    for typ in types:
        n = hit = 0
        for t in truth:
            for e in t["edits"]:
                if e["type"] != typ:
                    continue
                n += 1
                hit += any(_overlaps(e, p, t["a"]) for p in got.get(frozenset((t["a"], t["b"])), ())
                           if p["type"] == typ)
        out[typ] = {"n": n, "recall": hit / n if n else None}
    return out


def _overlaps(true_edit: dict, pred: dict, original: str) -> bool:
    side = "b" if true_edit["b_end"] > true_edit["b_start"] else "a"
    # the predicted edit may be oriented copy->original: swap its sides to match
    same = pred["a"] == original
    ps, pe = (pred[f"{side}_start"], pred[f"{side}_end"]) if same else \
        (pred[f"{'a' if side == 'b' else 'b'}_start"], pred[f"{'a' if side == 'b' else 'b'}_end"])
    ts, te = true_edit[f"{side}_start"], true_edit[f"{side}_end"]
    if pe == ps:  # a point: inside the true span
        return ts <= ps <= te
    return ps < te and ts < pe


def edit_precision(run_dir: str | Path, truth_path: str | Path, types: tuple[str, ...]) -> dict:
    """Per edit type: share of the edits the run reports on original->copy pairs that
    overlap a generator edit of the same type (the generator lists every change it made,
    so an edit it did not make is a false one)."""
    run_dir = Path(run_dir)
    truth = {frozenset((t["a"], t["b"])): t for t in read_jsonl(Path(truth_path))
             if t.get("kind", "copy") == "copy"}
    out = {}
    edits = pq.read_table(run_dir / "edits.parquet").to_pylist()
    for typ in types:
        n = hit = 0
        for p in edits:
            t = truth.get(frozenset((p["a"], p["b"])))
            if p["type"] != typ or t is None:
                continue
            n += 1
            hit += any(_overlaps(e, p, t["a"]) for e in t["edits"] if e["type"] == typ)
        out[typ] = {"n": n, "precision": hit / n if n else None}
    return out
