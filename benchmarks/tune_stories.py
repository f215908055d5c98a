"""Tune the story model's options on the declared tuning splits, as the product reads the texts.

    .venv/bin/python benchmarks/tune_stories.py                       # dump once, then the grid
    .venv/bin/python benchmarks/tune_stories.py --grid '{"story_k": [7, 8, 10]}' --links 0.11,0.12,0.13

Step 1 runs `retold run` at the shipped defaults on four piles (ECB+ train, ECB+ dev+test, GVC
all 510, GVA clean all 5,815) and keeps what the story stage read: each exact-group
representative's article text (site chrome and formula blanked, title without the site's
name), title and date, and the run's whole-text copy pairs (exact, near_duplicate, rewrite),
cached under .bench/story-tuning/ (gitignored: the data is research-use only). Step 2 builds
the story model for each grid point from those texts, cuts it at each `--links` threshold,
joins the whole-text copies as the product does, and scores B-cubed F1 on the tuning splits
(ECB+ train, GVC train+dev, GVA incidents with md5(incident_id) % 2 == 0) and on the report
piles (ECB+ dev+test, GVC test, GVA all and the other half). The grid point to ship is the
one with the best mean B-cubed over the three tuning splits; the report columns are read after.
The formula of each run depends on the story model it was made with, so after changing the
defaults, dump again (`--fresh`) and confirm with `retold eval story-runs`.

Results: benchmarks/results/<date>-story-grid.json (every grid point and threshold).
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import itertools
import json
import pickle
import sys
from pathlib import Path

import numpy as np

import retold.engine.stages as stages
from retold import story as S
from retold.cluster.components import components
from retold.engine.stages import WHOLE_COPY_RELATIONS
from retold.config import Config
from retold.eval import realnews as rn
from retold.eval import stories as es

REPO = Path(__file__).resolve().parents[1]
CACHE = REPO / ".bench" / "story-tuning"
PILES = ("ecb-train", "ecbplus", "gvc", "gva-clean")


def _records(name: str) -> list[dict]:
    if name in ("gva-clean", "gvc"):
        rows = rn.gva_clean_rows() if name == "gva-clean" else rn.gvc_rows()
        return [rn.gva_record(r) for r in rows]
    docs = rn.ecbplus_report_docs() if name == "ecbplus" else es.protocol("ecbplus", es.load_ecbplus())[1]
    return [{"id": d.doc_id, "text": d.text, "title": None, "date": None, "url": None} for d in docs]


def dump(name: str) -> Path:
    """Run the product on one pile, keeping the story stage's input (see module docstring)."""
    path = CACHE / f"{name}.pkl"
    seen: dict = {}
    original = stages.stories

    def keep(docs, rep, cfg, *args, **kwargs):  # the engine's call, unchanged, with a copy kept
        seen["docs"] = [(d.doc_id, d.text, d.title, d.date) for d in docs]
        seen["rep"] = np.asarray(rep)
        return original(docs, rep, cfg, *args, **kwargs)

    stages.stories = keep
    try:
        run_dir, _ = rn.run_product(_records(name), CACHE / "runs" / name)
    finally:
        stages.stories = original
    tables = rn.read_run(run_dir)
    index = {d[0]: i for i, d in enumerate(seen["docs"])}
    seen["whole"] = [(index[p["a"]], index[p["b"]]) for p in tables.pairs if p["relation"] in WHOLE_COPY_RELATIONS]
    CACHE.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        pickle.dump(seen, fh)
    return path


def gold(name: str) -> tuple[dict, dict[str, list[str]]]:
    """Gold label per doc id and the scored piles (tuning pile named "tune")."""
    if name == "gva-clean":
        g = {r["doc_id"]: str(r["incident_id"]) for r in rn.gva_clean_rows()}
        return g, {"tune": [d for d in g if es.gva_half(g[d]) == 0], "all": list(g),
                   "half1": [d for d in g if es.gva_half(g[d]) == 1]}
    if name == "gvc":
        rows = rn.gvc_rows()
        g = {r["doc_id"]: str(r["gvc_event_id"]) for r in rows}
        return g, {"tune": [r["doc_id"] for r in rows if r["gvc_split"] in ("train", "dev")],
                   "test": [r["doc_id"] for r in rows if r["gvc_split"] == "test"]}
    docs = es.load_ecbplus()
    g = {d.doc_id: d.label for d in docs}
    if name == "ecb-train":
        return g, {"tune": [d.doc_id for d in docs if d.split == "train"]}
    return g, {"dev+test": [d.doc_id for d in docs if d.split in ("dev", "test")]}


def score_pile(seen: dict, labels: dict, cfg: Config, links: list[float]) -> dict:
    """B-cubed and pairwise F1 per scored pile and threshold of one pile's story model."""
    docs, rep = seen["docs"], seen["rep"]
    reps = np.flatnonzero(rep == np.arange(len(rep)))
    sub = [docs[i] for i in reps]
    model = S.build_model([d[1] for d in sub], [d[2] for d in sub], [d[3] for d in sub], cfg,
                          keys=[d[0] for d in sub])
    S.batch_stories(model, links[0], also=links[1:])
    row_of = np.full(len(docs), -1, dtype=np.int64)
    row_of[reps] = np.arange(len(reps))
    whole = np.asarray(seen["whole"], dtype=np.int64).reshape(-1, 2)
    g, piles = labels
    out = {}
    for t in links:
        lab = model.cuts[t][row_of[rep]]
        story = components(len(docs), np.concatenate([stages.chain_edges(lab, np.arange(len(docs))), whole]))
        sid = {d[0]: s for d, s in zip(docs, story)}
        out[t] = {pile: {"bcubed_f1": (s := es.score([sid[d] for d in ids], [g[d] for d in ids])).bcubed_f1,
                         "pair_f1": s.pair_f1} for pile, ids in piles.items()}
    return out


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--grid", default='{"story_k": [8]}', help="JSON: option -> list of values")
    ap.add_argument("--links", default="0.10,0.11,0.12,0.13,0.14", help="story_link thresholds to cut at")
    ap.add_argument("--fresh", action="store_true", help="run the product again (after changing defaults)")
    ap.add_argument("--out", default=None, help="results JSON (default benchmarks/results/<date>-story-grid.json)")
    args = ap.parse_args(argv)
    links = [float(x) for x in args.links.split(",")]
    grid = json.loads(args.grid)
    seen, labels = {}, {}
    for name in PILES:
        path = CACHE / f"{name}.pkl"
        if args.fresh or not path.exists():
            print(f"running the product on {name} ...", file=sys.stderr, flush=True)
            dump(name)
        with path.open("rb") as fh:
            seen[name] = pickle.load(fh)
        labels[name] = gold(name)
    rows = []
    for values in itertools.product(*grid.values()):
        options = dict(zip(grid, values))
        cfg = dataclasses.replace(Config(), **options)
        res = {name: score_pile(seen[name], labels[name], cfg, links) for name in PILES}
        for t in links:
            tune = [res["ecb-train"][t]["tune"]["bcubed_f1"], res["gvc"][t]["tune"]["bcubed_f1"],
                    res["gva-clean"][t]["tune"]["bcubed_f1"]]
            row = {"options": options, "story_link": t, "tune_mean": float(np.mean(tune)),
                   "tune": dict(zip(("ecb_train", "gvc_train_dev", "gva_half0"), tune)),
                   "report": {"ecb_dev_test": res["ecbplus"][t]["dev+test"]["bcubed_f1"],
                              "gvc_test": res["gvc"][t]["test"]["bcubed_f1"],
                              "gva_all": res["gva-clean"][t]["all"]["bcubed_f1"],
                              "gva_all_pairwise": res["gva-clean"][t]["all"]["pair_f1"],
                              "gva_half1": res["gva-clean"][t]["half1"]["bcubed_f1"]}}
            rows.append(row)
            print(f"{options} link {t:.2f}: tune {row['tune_mean']:.4f} "
                  + " ".join(f"{k} {v:.3f}" for k, v in row["tune"].items()) + " | report "
                  + " ".join(f"{k} {v:.3f}" for k, v in row["report"].items()), flush=True)
    best = max(rows, key=lambda r: r["tune_mean"])
    print(f"best on the tuning splits: {best['options']} link {best['story_link']}: {best['tune_mean']:.4f}")
    out = Path(args.out) if args.out else REPO / "benchmarks" / "results" / f"{dt.date.today()}-story-grid.json"
    out.write_text(json.dumps({"date": str(dt.date.today()), "grid": grid, "links": links,
                               "defaults": {k: getattr(Config(), k) for k in grid}, "rows": rows,
                               "best": best}, indent=1))
    return {"rows": rows, "best": best}


if __name__ == "__main__":
    main()
