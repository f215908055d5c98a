"""Real pairs read by hand (verdicts in benchmarks/results/2026-11-29-news-verdicts.md): wire templates filled
with other figures or another company are not copies; versions, corrections and shared
background paragraphs are. Pair-level (`retold.compare`, no corpus), so it checks the facts
test on its own, without the formula a run learns."""
import importlib.util
import json
from pathlib import Path

import pytest

import retold
from retold.model import Document

from .conftest import pin, shared

HERE = Path(__file__).parent
COPY = {"exact", "near_duplicate", "reuse", "rewrite"}
# share of each kind called right, measured 2026-11-29: templates 0.5 (NYFE seat sales, hog
# markets, two convertible notes of one form, T-bill tenders and producer prices still pass for
# rewrites when compared alone: their figures are fewer than their names, and figures weigh on
# their own only where they are at least as many, so that spun copies with a changed figure or
# two stay rewrites), copies 1.0
FLOORS = {"template": 0.5, "copy": 1.0}


def _corpus_module():
    spec = importlib.util.spec_from_file_location("bench_corpus", HERE.parents[1] / "benchmarks" / "corpus.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def news():
    data = shared("reuters21578").parent
    shared("bbc-news-2225")
    mod = _corpus_module()
    return {d["id"]: d for d in mod.news_docs(data)}


def test_templates_are_not_copies_and_versions_are(news):
    pairs = [json.loads(line) for line in (HERE / "data" / "news_pairs.jsonl").read_text().splitlines()]
    right = {"template": [], "copy": []}
    for p in pairs:
        a, b = (Document(news[x]["id"], news[x]["text"], news[x].get("title"), news[x].get("date"))
                for x in (p["a"], p["b"]))
        rel = retold.compare(a, b).relation
        ok = rel in COPY if p["kind"] == "copy" else rel not in COPY
        right[p["kind"]].append((ok, p["a"], p["b"], rel))
    for kind, got in right.items():
        share = sum(ok for ok, *_ in got) / len(got)
        wrong = [g[1:] for g in got if not g[0]]
        print(f"{kind}: {share:.2f} right; wrong: {wrong}")
        label = {"template": "templates not called a copy", "copy": "copies called a copy"}[kind]
        pin(f"hand-read news pairs compared alone: {label}", share, FLOORS[kind], detail=wrong)
