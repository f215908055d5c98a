"""`retold dedup`: near-duplicate mode. Pairs are exact or near_duplicate with their exact word
n-gram Jaccard, every pair a brute-force Jaccard finds at the threshold is found, families are
the copies' components, and the run folder follows the run's conventions (resume, mode stamp)."""
import itertools
import json
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

import retold
from retold.cli import app
from retold.config import Config
from retold.errors import RetoldError
from retold.text.normalise import content_hash, tokenize
from retold.text.shingle import shingles

DEMO = Path(__file__).resolve().parents[2] / "demo" / "corpus" / "docs.jsonl"


def _brute_force(records, n, threshold):
    """Every pair of distinct texts (not exact copies) at Jaccard >= threshold, by brute force."""
    sets, hashes = {}, {}
    for r in records:
        toks = tokenize(r["text"])
        sets[r["id"]] = set(np.unique(shingles(toks.hashes, n)).tolist())
        hashes[r["id"]] = content_hash(toks)
    out = {}
    for a, b in itertools.combinations(sets, 2):
        x, y = sets[a], sets[b]
        if hashes[a] == hashes[b] or not x or not y:
            continue
        j = len(x & y) / len(x | y)
        if j >= threshold:
            out[frozenset((a, b))] = j
    return out, hashes


@pytest.fixture(scope="module")
def dedup_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("dedup") / "run"
    return retold.dedup([DEMO], out), out


def test_pairs_are_the_brute_force_near_duplicates_with_their_jaccard(dedup_run):
    result, out = dedup_run
    records = [json.loads(line) for line in DEMO.read_text(encoding="utf-8").splitlines()]
    truth, hashes = _brute_force(records, Config().shingle_n, Config().near_threshold)
    pairs = pq.read_table(out / "pairs.parquet").to_pylist()
    assert {p["relation"] for p in pairs} == {"exact", "near_duplicate"}
    near = {frozenset((p["a"], p["b"])): p["resemblance"] for p in pairs if p["relation"] == "near_duplicate"}
    assert len(truth) > 20
    # exact-copy groups are represented by one member, so a truth pair may be found through it
    rep = {}
    for p in pairs:
        if p["relation"] == "exact":
            rep[p["b"]] = p["a"]
    found = {frozenset(rep.get(x, x) for x in k) for k in near}
    recall = sum(frozenset(rep.get(x, x) for x in k) in found for k in truth) / len(truth)
    assert recall >= 0.98, recall
    for k, res in near.items():  # no false positive: every reported Jaccard is exact and above
        assert k in truth and res == pytest.approx(truth[k], abs=1e-4)
    exact = [p for p in pairs if p["relation"] == "exact"]
    assert exact and all(hashes[p["a"]] == hashes[p["b"]] for p in exact)
    assert result.counts["pairs_by_relation"]["near_duplicate"] == len(near)


def test_families_are_the_components_of_the_copies(dedup_run):
    _, out = dedup_run
    fam = {r["doc_id"]: r for r in pq.read_table(out / "families.parquet").to_pylist()}
    assert all(r["story_id"] == r["family_id"] for r in fam.values())
    for p in pq.read_table(out / "pairs.parquet").to_pylist():
        assert fam[p["a"]]["family_id"] == fam[p["b"]]["family_id"]
    assert len({r["family_id"] for r in fam.values()}) < len(fam)


def test_resumes_and_refuses_a_folder_of_the_other_mode(dedup_run, tmp_path):
    _, out = dedup_run
    before = pq.read_table(out / "pairs.parquet").to_pylist()
    assert (out / "stages" / "dedup_hashes.npy").exists() and (out / "stages" / "dedup.signatures.u32").exists()
    retold.dedup([DEMO], out)  # same inputs and config: resumed, same pairs
    assert pq.read_table(out / "pairs.parquet").to_pylist() == before
    with pytest.raises(RetoldError) as e:
        retold.run([DEMO], out)
    assert e.value.code.name == "E031" and "mode" in str(e.value)
    # --force starts again from nothing: the mode's stage file is retold's to delete
    stamp = (out / "stages" / "dedup_hashes.npy").stat().st_mtime_ns
    retold.dedup([DEMO], out, force=True)
    assert (out / "stages" / "dedup_hashes.npy").stat().st_mtime_ns != stamp
    assert pq.read_table(out / "pairs.parquet").to_pylist() == before


def test_cli_prints_counts_and_takes_a_threshold(tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text("near_threshold = 0.9\n")
    res = CliRunner().invoke(app, ["dedup", str(DEMO), "--out", str(tmp_path / "r"), "--config", str(cfg)])
    assert res.exit_code == 0, res.output
    assert "near-duplicate pairs" in res.output
    pairs = pq.read_table(tmp_path / "r" / "pairs.parquet").to_pylist()
    assert all(p["resemblance"] >= 0.9 for p in pairs)


def test_shard_sketches_concatenate_to_the_whole():
    from retold.config import Config
    from retold.engine import stages
    texts = [json.loads(line)["text"] for line in DEMO.read_text().splitlines()[:40]]
    texts += [texts[3] + " " + texts[3], "short", ""]  # repeated n-grams, fewer than n tokens, none
    cfg = Config()
    whole = stages.dedup_sketch(texts, cfg)
    parts = stages.DedupSketch.concat([stages.dedup_sketch(texts[lo:lo + 7], cfg) for lo in range(0, len(texts), 7)])
    assert parts.content_hashes == whole.content_hashes
    assert np.array_equal(parts.signatures, whole.signatures)
    assert np.array_equal(parts.sets, whole.sets) and np.array_equal(parts.starts, whole.starts)


def test_documents_written_beside_the_pairs_and_a_failed_write_fails_the_run(dedup_run, tmp_path,
                                                                             monkeypatch):
    _, out = dedup_run
    records = [json.loads(line) for line in DEMO.read_text(encoding="utf-8").splitlines()]
    docs = pq.read_table(out / "documents.parquet").to_pylist()
    assert [(d["doc_id"], d["text"]) for d in docs] == [(r["id"], r["text"]) for r in records]
    assert (out / "stages" / "ingest.issues.json").exists()

    from retold.engine.local import LocalEngine

    def broken(*args):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(LocalEngine, "_write_ingest", staticmethod(broken))
    with pytest.raises(OSError, match="No space"):
        retold.dedup([DEMO], tmp_path / "r")
    # not declared finished, and ingest is read again on the next try
    assert not (tmp_path / "r" / "run.json").exists()
    assert not (tmp_path / "r" / "stages" / "ingest.issues.json").exists()
    monkeypatch.undo()
    retold.dedup([DEMO], tmp_path / "r")
    assert (pq.read_table(tmp_path / "r" / "pairs.parquet").to_pylist()
            == pq.read_table(out / "pairs.parquet").to_pylist())


def test_sharded_on_the_pool_it_finds_the_same_and_leaves_no_scratch(dedup_run, tmp_path, monkeypatch):
    # the workers put their n-gram sets in one scratch file and their signatures in the
    # checkpoint's file, both in stages/, mapped by the parent
    from retold.engine import dedupspill, local
    _, out = dedup_run
    monkeypatch.setattr(local, "PARALLEL_MIN_DOCS", 0)
    par = tmp_path / "par"
    retold.dedup([DEMO], par, config=Config(workers=2, batch_docs=7))
    for name in ("pairs", "families"):
        assert pq.read_table(par / f"{name}.parquet").to_pylist() == pq.read_table(out / f"{name}.parquet").to_pylist()
    assert not [f.name for f in (par / "stages").iterdir() if f.name.startswith(".dedup")]
    # the checkpoint holds every document's signature in document order, as one process makes them
    n = len(pq.read_table(out / "documents.parquet"))
    got = dedupspill.load_checkpoint(par / "stages", n, Config().num_perm)
    want = dedupspill.load_checkpoint(out / "stages", n, Config().num_perm)
    assert got[0] == want[0] and np.array_equal(got[1], want[1])
    # a killed run's scratch goes at the next start
    left = par / "stages" / ".dedup-sets.0123456789ab.tmp"
    left.write_bytes(b"half a shard")
    retold.dedup([DEMO], par, config=Config(batch_docs=7))  # resumed: the sets made again by shard
    assert not left.exists()
    assert pq.read_table(par / "pairs.parquet").to_pylist() == pq.read_table(out / "pairs.parquet").to_pylist()
    # a checkpoint that does not fit the documents is not used: the sketch is made again
    (par / "stages" / "dedup.signatures.u32").write_bytes(b"\0" * 12)
    (par / "run.json").unlink()
    retold.dedup([DEMO], par, config=Config(workers=2, batch_docs=7))
    assert dedupspill.load_checkpoint(par / "stages", n, Config().num_perm) is not None
    assert pq.read_table(par / "pairs.parquet").to_pylist() == pq.read_table(out / "pairs.parquet").to_pylist()


def test_dedup_turns_off_huge_pages_while_it_runs(tmp_path, monkeypatch):
    # each huge page is zeroed whole when first touched: a quarter of this mode's CPU at 114k
    # (numpy's), then a tenth (Arrow's mimalloc arenas)
    import pyarrow as pa
    from numpy._core import multiarray
    from retold.engine.local import LocalEngine
    seen = []
    real = LocalEngine._dedup

    def probe(self, *args):
        seen.append((multiarray._set_madvise_hugepage(False), pa.default_memory_pool().backend_name))
        return real(self, *args)
    monkeypatch.setattr(LocalEngine, "_dedup", probe)
    was = multiarray._set_madvise_hugepage(True)
    pool = pa.default_memory_pool()
    try:
        retold.dedup([DEMO], tmp_path / "r")
        assert seen == [(False, "system")]
        assert multiarray._set_madvise_hugepage(True) is True  # and set back after it
        assert pa.default_memory_pool().backend_name == pool.backend_name != "system"
    finally:
        multiarray._set_madvise_hugepage(was)
        pa.set_memory_pool(pool)


def test_a_dedup_worker_keeps_the_memory_it_frees():
    # the shards' scratch arrays come from the heap and stay there, not fresh pages each shard
    import subprocess
    import sys
    probe = """
import sys, numpy as np, psutil
from retold.engine.processes import keep_freed_memory
if sys.argv[1] == "keep":
    keep_freed_memory()
rss = psutil.Process().memory_info().rss
a = np.ones(80 << 20, dtype=np.uint8)
del a
print((psutil.Process().memory_info().rss - rss) >> 20)
"""
    grown = {how: int(subprocess.run([sys.executable, "-c", probe, how], capture_output=True, text=True,
                                     check=True).stdout) for how in ("keep", "default")}
    assert grown["keep"] >= 70 and grown["default"] < 10


def test_a_resumed_dedup_shows_its_sketch_progress(dedup_run, tmp_path):
    # the resume makes the n-gram sets again, shard by shard, on the sketch stage's bar
    import shutil
    from retold.engine.progress import Reporter
    _, out = dedup_run
    again = tmp_path / "again"
    shutil.copytree(out, again)
    (again / "run.json").unlink()

    class Seen(Reporter):
        def __init__(self):
            self.stages, self.advanced = [], {}

        def stage(self, name, total=None):
            self.stages.append((name, total))

        def advance(self, n=1):
            name = self.stages[-1][0]
            self.advanced[name] = self.advanced.get(name, 0) + n
    seen = Seen()
    retold.dedup([DEMO], again, config=Config(batch_docs=7), reporter=seen)
    n = len(pq.read_table(out / "documents.parquet"))
    assert ("sketch", n) in seen.stages and seen.advanced["sketch"] == n
    assert pq.read_table(again / "pairs.parquet").to_pylist() == pq.read_table(out / "pairs.parquet").to_pylist()
