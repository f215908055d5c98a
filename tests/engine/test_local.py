import json
import os

import pytest

import retold
from retold.config import Config
from retold.errors import Err, RetoldError

STORY = ("The river flooded the valley town of Bramwell on Friday night, forcing 240 families from "
         "their homes. Emergency crews used boats to reach the elderly residents trapped on upper floors. "
         "Mayor Ines Okafor said the water rose faster than in any flood since 1987. "
         "The regional government promised 12 million pounds in emergency aid by the end of the month. "
         "Schools in the valley will stay closed until Wednesday. "
         "Volunteers filled sandbags through the night at the old market hall. "
         "Forecasters expect more rain over the weekend, though lighter than on Friday.")
OTHER = ("A new library opened in the city centre, with a reading room for children and a cafe. "
         "Volunteers spent two years raising money for the building, which replaces a closed bank.")
QUOTE_HOST = ("Officials across the county reviewed their flood plans this week. "
              "One report noted: \"Emergency crews used boats to reach the elderly residents trapped on "
              "upper floors. Mayor Ines Okafor said the water rose faster than in any flood since 1987.\" "
              "Engineers want higher walls along the northern bank before next winter. "
              "The council has asked for bids by the spring, and a public meeting is planned. "
              "Insurers say premiums in the valley have doubled in five years. "
              "Farmers downstream worry about their fields.")


def _corpus(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "story.txt").write_text(STORY)
    (d / "story-copy.txt").write_text(STORY.replace("  ", " "))
    (d / "reprint.txt").write_text("Dark Mode\n" + STORY + " trending now\nShare this article")
    (d / "other.txt").write_text(OTHER)
    (d / "host.txt").write_text(QUOTE_HOST)
    (d / "empty.txt").write_text("")
    (d / "binary.txt").write_bytes(b"\x00\x01\x02abc")
    (d / "latin.txt").write_bytes("caf\xe9 au lait".encode("latin-1"))
    (d / "more.jsonl").write_text(
        json.dumps({"id": "j1", "text": OTHER + " Extra sentence about the cafe menu.", "date": "2024-01-02"})
        + "\n{not json}\n" + json.dumps({"text": "no id"}) + "\n")
    return d


def test_run_writes_the_contract_and_counts_bad_inputs(tmp_path):
    d = _corpus(tmp_path)
    r = retold.run([d], out=tmp_path / "run")
    out = tmp_path / "run"
    for name in ("documents", "pairs", "passages", "edits", "families"):
        assert (out / f"{name}.parquet").exists()
    assert (out / "report.html").exists()
    run = json.loads((out / "run.json").read_text())
    assert run["counts"]["documents"] == 6
    assert run["counts"]["issues_by_code"] == {"E001": 1, "E002": 1, "E003": 1, "E010": 1, "E011": 1}
    assert all(k in run["timings"] for k in ("ingest", "sketch", "candidates", "compare", "cluster"))
    pairs = {frozenset((p["a"], p["b"])): p["relation"] for p in r.table("pairs").to_pylist()}
    assert pairs[frozenset(("story", "story-copy"))] == "exact"
    # exact duplicates are compared once, through their representative (both undated: the
    # smaller id, whatever the input order)
    rep = "story"
    assert pairs[frozenset(("reprint", rep))] == "near_duplicate"
    assert pairs[frozenset(("host", rep))] == "reuse"
    assert frozenset(("other", rep)) not in pairs and frozenset(("j1", rep)) not in pairs
    cols = set(r.table("pairs").column_names)
    assert {"a", "b", "relation", "resemblance", "containment_a", "containment_b", "story", "direction"} <= cols
    fam = {f["doc_id"]: f for f in r.table("families").to_pylist()}
    assert len(fam) == 6 and all(f["family_id"] and f["story_id"] for f in fam.values())
    # a family is the copies of one text; the article that quotes a passage is linked to it
    # by its reuse pair, not merged into it
    assert fam["story"]["family_id"] == fam["reprint"]["family_id"] != fam["host"]["family_id"]
    assert fam["other"]["family_id"] != fam["story"]["family_id"]
    docs = {x["doc_id"]: x["text"] for x in r.table("documents").to_pylist()}
    for p in r.table("passages").to_pylist():
        assert 0 <= p["a_start"] < p["a_end"] <= len(docs[p["a"]])
        assert 0 <= p["b_start"] < p["b_end"] <= len(docs[p["b"]])


def test_killed_run_resumes_and_gives_the_same_result(tmp_path):
    d = _corpus(tmp_path)
    out = tmp_path / "run"
    first = retold.run([d], out=out).table("pairs").to_pylist()
    # simulate a crash in the compare stage: final tables and one chunk gone
    os.remove(out / "pairs.parquet")
    for f in (out / "stages" / "compare").glob("chunk-00000*"):
        f.unlink()
    again = retold.run([d], out=out).table("pairs").to_pylist()
    assert sorted(map(str, again)) == sorted(map(str, first))


def test_changed_config_on_old_run_folder_is_refused(tmp_path):
    d = _corpus(tmp_path)
    out = tmp_path / "run"
    retold.run([d], out=out)
    with pytest.raises(RetoldError) as e:
        retold.run([d], out=out, config=Config(shingle_n=4))
    assert e.value.code == Err.E031 and "configuration" in str(e.value) and "inputs" not in str(e.value)
    (d / "new.txt").write_text(OTHER + " And one more sentence about the reading room.")
    with pytest.raises(RetoldError) as e:
        retold.run([d], out=out)
    assert e.value.code == Err.E031 and "the inputs" in str(e.value) and "--force" in str(e.value)
    (d / "new.txt").unlink()
    retold.run([d], out=out, config=Config(shingle_n=4), force=True)


def test_no_documents_is_a_clear_error(tmp_path):
    (tmp_path / "e.txt").write_text("")
    with pytest.raises(RetoldError) as e:
        retold.run([tmp_path / "e.txt"], out=tmp_path / "run")
    assert e.value.code == Err.E021


def test_parallel_and_serial_engines_agree(tmp_path, monkeypatch):
    from retold.engine import local
    d = _corpus(tmp_path)
    serial = retold.run([d], out=tmp_path / "s").table("pairs").to_pylist()
    monkeypatch.setattr(local, "PARALLEL_MIN_DOCS", 0)
    monkeypatch.setattr(local, "CHUNK_PAIRS", 1)
    par = retold.run([d], out=tmp_path / "p", config=Config(workers=2, batch_docs=2)).table("pairs").to_pylist()
    assert sorted(map(str, serial)) == sorted(map(str, par))


def test_small_profile_cache_gives_the_same_result(tmp_path, monkeypatch):
    """The per-worker cache of document profiles may be emptied between any two pairs."""
    from retold.engine import stages
    d = _corpus(tmp_path)
    full = retold.run([d], out=tmp_path / "full").table("pairs").to_pylist()
    monkeypatch.setattr(stages, "PROFILE_CACHE", 0)
    tiny = retold.run([d], out=tmp_path / "tiny").table("pairs").to_pylist()
    assert sorted(map(str, tiny)) == sorted(map(str, full))


def test_a_half_written_chunk_marker_is_done_again(tmp_path, monkeypatch):
    """A chunk marker cut short (a worker stopped while writing it) means the chunk is not done."""
    from retold.engine import local
    d = _corpus(tmp_path)
    out = tmp_path / "run"
    monkeypatch.setattr(local, "CHUNK_PAIRS", 1)
    first = retold.run([d], out=out)
    markers = sorted((out / "stages" / "compare").glob("chunk-*.done"))
    assert len(markers) >= 2
    markers[0].write_text('{"reuse": ')
    (out / "pairs.parquet").unlink()
    again = retold.run([d], out=out)
    assert json.loads(markers[0].read_text())  # whole again
    assert again.counts["pairs_by_relation"] == first.counts["pairs_by_relation"]
    assert sorted(map(str, again.table("pairs").to_pylist())) == sorted(map(str, first.table("pairs").to_pylist()))


def test_the_thread_map_keeps_order_and_draws_only_a_few_items_ahead():
    import time as _time

    from retold.engine.local import _thread_map

    assert _thread_map(1) is None  # one worker: the step maps in this thread
    drawn = []

    def items():
        for k in range(20):
            drawn.append(k)
            yield k

    def work(k):
        _time.sleep(0.01 * (k % 3))  # finish out of order
        return k * k

    out = _thread_map(2)(work, items())
    first = next(out)
    assert first == 0 and len(drawn) <= 3  # the map holds at most its workers' items, not all 20
    assert [first, *out] == [k * k for k in range(20)]
