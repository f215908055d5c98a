"""retold query: candidates from the index, verdicts from compare, ranked."""
from __future__ import annotations

import json
import shutil

import duckdb
import numpy as np
from typer.testing import CliRunner

from retold.cli import app
from retold.query import QueryIndex, index_path, query
from retold.query.index import winnow
from retold.text.normalise import tokenize
from retold.text.shingle import shingles

from ..serve._corpus import BAKERY, DAM, DOCS, HARBOUR, XSS_SCRIPT, write_jsonl

PARAGRAPH = ("Ferries will use the western pier until the work is finished, and the morning "
             "timetable will change from next week. Fishing boats may still moor at the northern "
             "quay, but the fish market will open an hour later.")


def _by_id(result):
    return {m["doc"]["id"]: m for m in result.matches}


def test_paragraph_finds_every_document_that_carries_it(store):
    r = query(PARAGRAPH, store)
    found = _by_id(r)
    # the original, its exact copy and its reprint carry the paragraph; the quoting article too
    for doc_id in ("harbour-original", XSS_SCRIPT, "harbour-reprint", "ferry-quotes"):
        assert doc_id in found, doc_id
        assert found[doc_id]["relation"] == "reuse"
        assert found[doc_id]["passages"], doc_id
    assert "bakery" not in found and "dam" not in found
    # the earliest dated document sharing the text is named as first seen
    assert r.first["id"] == "harbour-original"
    # each passage on the stored side is the stored text at those offsets
    orig = found["harbour-original"]
    p = orig["passages"][0]
    assert HARBOUR[p["b_start"]:p["b_end"]] == p["b_text"]
    assert "Ferries will use the western pier" in p["b_text"]


def test_whole_text_ranks_copies_before_the_same_story(store):
    r = query(HARBOUR, store)
    rel = [(m["doc"]["id"], m["relation"]) for m in r.matches]
    assert rel[0][1] == "exact" and rel[1][1] == "exact"
    assert {rel[0][0], rel[1][0]} == {"harbour-original", XSS_SCRIPT}
    assert rel[2] == ("harbour-reprint", "near_duplicate")
    kinds = [k for _, k in rel]
    assert kinds.index("reuse") < kinds.index("same_story")
    assert ("harbour-report", "same_story") in rel
    # the reprint added junk words: its differences say so, and the query is named first
    reprint = _by_id(r)["harbour-reprint"]
    types = {e["type"] for e in reprint["edits"]}
    assert "number_change" in types
    assert reprint["direction"]["first"] in ("query", "unknown")
    assert r.counts["exact"] == 2


def test_limit_and_unrelated_text(store):
    assert len(query(HARBOUR, store, limit=2).matches) == 2
    r = query("Completely different words about chess openings and a tournament in Oslo.", store)
    assert r.matches == [] and r.first is None


def test_query_compares_candidates_not_the_whole_store(store):
    r = query(BAKERY, store)
    assert [m["doc"]["id"] for m in r.matches] == ["bakery"]
    assert r.compared < r.documents  # the dam and the harbour family were never compared


def test_index_is_kept_beside_the_store_and_refreshed_incrementally(store, tmp_path):
    s = tmp_path / "s.duckdb"
    shutil.copy(store, s)
    idx = QueryIndex.open(s)
    assert index_path(s).is_file() and len(idx) == len(DOCS)
    assert QueryIndex.open(s).refresh() == 0  # loaded from the file, nothing to do
    # a later run adds a document: only it is sketched
    extra = {"id": "dam-followup", "text": DAM.replace("six metres", "seven metres"),
             "title": "Dam", "date": "2026-01-22", "source": "other.example"}
    run_dir = tmp_path / "r2"
    import retold
    retold.run([write_jsonl(tmp_path / "more.jsonl", [extra])], out=run_dir, store=s)
    assert idx.refresh() == 1 and len(idx) == len(DOCS) + 1
    found = _by_id(query(DAM, s, index=idx))
    assert found["dam-followup"]["relation"] == "near_duplicate"


def test_winnowing_keeps_a_fingerprint_of_every_eight_shared_words():
    rng = np.random.default_rng(3)
    words = [f"w{i}" for i in rng.integers(0, 5000, size=400)]
    for start in range(0, 380, 37):
        shared = words[start:start + 8]
        other = [f"x{i}" for i in range(30)] + shared + [f"y{i}" for i in range(30)]
        a = winnow(shingles(tokenize(" ".join(words)).hashes, 5))
        b = winnow(shingles(tokenize(" ".join(other)).hashes, 5))
        assert len(np.intersect1d(a, b)) >= 1
    grams = shingles(tokenize(" ".join(words)).hashes, 5)
    assert len(winnow(grams)) < 0.6 * len(np.unique(grams))


def test_store_is_not_changed_by_a_query(store, tmp_path):
    s = tmp_path / "s.duckdb"
    shutil.copy(store, s)
    before = s.read_bytes()
    query(PARAGRAPH, s)
    assert s.read_bytes() == before
    con = duckdb.connect(str(s))  # and nobody holds it: a writer can open it at once
    con.close()


def test_cli_query_json_and_text(store, tmp_path):
    runner = CliRunner()
    f = tmp_path / "para.txt"
    f.write_text(PARAGRAPH)
    res = runner.invoke(app, ["query", str(f), "--store", str(store), "--json", "--limit", "3"])
    assert res.exit_code == 0, res.output
    got = json.loads(res.stdout)
    assert len(got["matches"]) == 3
    assert {m["relation"] for m in got["matches"]} == {"reuse"}
    assert got["first"]["id"] == "harbour-original"
    res = runner.invoke(app, ["query", PARAGRAPH, "--store", str(store)])
    assert res.exit_code == 0, res.output
    assert "harbour-original" in res.output and "shares passages" in res.output
    res = runner.invoke(app, ["query", "x", "--store", str(tmp_path / "missing.duckdb")])
    assert res.exit_code == 2 and "E020" in res.output


def test_pool_build_gives_the_same_index(store, tmp_path, monkeypatch):
    import retold.query.index as ix
    serial = QueryIndex.open(store, path=tmp_path / "a.npz")
    monkeypatch.setattr(ix, "POOL_MIN_DOCS", 2)
    monkeypatch.setattr(ix, "BUILD_BATCH", 3)
    monkeypatch.setattr(ix.os, "cpu_count", lambda: 2)
    pooled = QueryIndex.open(store, path=tmp_path / "b.npz")
    a, b = serial._rows, pooled._rows
    assert a.ids == b.ids and a.md5 == b.md5
    for name in ("bands", "prints", "print_ptr", "feats", "counts", "feat_ptr"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name


def test_pool_gives_the_one_process_answer(store, monkeypatch):
    """Compared on worker processes, a query ranks, explains and counts exactly as compared
    in this process, also where the run of misses stops it inside a round of candidates."""
    import retold.query as q
    from retold.query import ComparePool

    def answer(r):
        d = r.to_dict()
        d.pop("seconds")
        return d
    stopped = 0
    with ComparePool(q.Config(), workers=2) as pool:
        # the second setting counts everything but an exact copy as a miss and stops at the
        # first: the run of misses then ends inside a round of four candidates
        for miss_run, text_relations in ((q.MISS_RUN, q.TEXT_RELATIONS), (1, ("exact",))):
            monkeypatch.setattr(q, "MISS_RUN", miss_run)
            monkeypatch.setattr(q, "TEXT_RELATIONS", text_relations)
            for text in (HARBOUR, PARAGRAPH, BAKERY, DAM):
                alone = query(text, store)
                pooled = query(text, store, pool=pool)
                assert answer(pooled) == answer(alone), (miss_run, text[:40])
                assert pooled.matches  # every text has copies in the store
                stopped += alone.compared < alone.candidates
    assert stopped  # the stop inside a round was tried


def test_pool_survives_a_killed_worker_and_dies_with_its_owner(store, tmp_path):
    """A worker killed mid-life costs the pool, not the query; and a process that owns a
    pool and is killed outright leaves no worker behind."""
    import os
    import signal
    import subprocess
    import sys
    import time

    import retold.query as q
    from retold.query import ComparePool

    with ComparePool(q.Config(), workers=2) as pool:
        for pid in [f.result() for f in [pool._ex.submit(os.getpid) for _ in range(4)]]:
            os.kill(pid, signal.SIGKILL)
        time.sleep(0.2)
        assert query(HARBOUR, store, pool=pool).to_dict()["matches"] == query(HARBOUR, store).to_dict()["matches"]
    script = tmp_path / "owner.py"
    script.write_text(
        "import os, sys, time\n"
        "from retold.config import Config\n"
        "from retold.query import ComparePool\n"
        "if __name__ == '__main__':\n"
        "    pool = ComparePool(Config(), workers=2)\n"
        "    print(' '.join(str(f.result()) for f in [pool._ex.submit(os.getpid) for _ in range(6)]), flush=True)\n"
        "    time.sleep(60)\n")
    owner = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    workers = {int(p) for p in owner.stdout.readline().split()}
    assert workers and owner.pid not in workers
    owner.kill()
    owner.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(p) for p in workers):
        time.sleep(0.1)
    assert not any(_alive(p) for p in workers)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"  # a zombie has exited
    except FileNotFoundError:
        return False
