"""The run folder's safety rules: a lock, never someone else's folder, never inside an input,
and --force removes only what retold wrote."""
import json
import os
import subprocess
import sys

import pytest

import retold
from retold.engine.runfolder import LOCK_NAME, RunLock
from retold.errors import Err, RetoldError

from .test_local import _corpus


def _files(folder):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def test_a_run_folder_held_by_another_run_is_refused_with_or_without_force(tmp_path):
    d = _corpus(tmp_path)
    out = tmp_path / "run"
    retold.run([d], out=out)
    before = {f: (out / f).stat().st_mtime_ns for f in _files(out)}
    with RunLock(out):  # another run holds the folder (a lock is per open file, even in one process)
        for force in (False, True):
            with pytest.raises(RetoldError) as e:
                retold.run([d], out=out, force=force)
            assert e.value.code is Err.E049
            msg = str(e.value)
            assert str(out) in msg and f"pid {os.getpid()}" in msg and "--out" in msg
        # nothing of the holder's folder was touched (--force did not delete its stages)
        assert {f: (out / f).stat().st_mtime_ns for f in _files(out) if f != LOCK_NAME} == before
    assert not (out / LOCK_NAME).exists()  # the holder removes its lock file when done
    retold.run([d], out=out)  # free again


def test_a_stale_lock_of_a_dead_process_is_taken_over(tmp_path):
    d = _corpus(tmp_path)
    out = tmp_path / "run"
    out.mkdir()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (out / LOCK_NAME).write_text(f"{dead.pid}\n")  # what a killed run leaves behind
    r = retold.run([d], out=out)
    assert r.counts["documents"] == 6 and not (out / LOCK_NAME).exists()


def test_an_unrelated_non_empty_folder_is_refused_and_left_alone(tmp_path):
    d = _corpus(tmp_path)
    mine = tmp_path / "mine"
    (mine / "stages").mkdir(parents=True)
    (mine / "report.html").write_text("<p>my own report</p>")
    (mine / "run.json").write_text(json.dumps({"my": "settings"}))
    (mine / "stages" / "notes.txt").write_text("notes")
    before = {f: (mine / f).read_bytes() for f in _files(mine)}
    for force in (False, True):
        with pytest.raises(RetoldError) as e:
            retold.run([d], out=mine, force=force)
        assert e.value.code is Err.E051 and str(mine) in str(e.value) and "--out" in str(e.value)
    assert {f: (mine / f).read_bytes() for f in _files(mine)} == before
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")  # what a file browser leaves in a new folder
    assert retold.run([d], out=empty).counts["documents"] == 6  # an empty folder is fine


def test_a_killed_run_folder_is_still_a_run_folder(tmp_path):
    """A run killed before run.json exists is resumed, not refused as someone else's."""
    d = _corpus(tmp_path)
    out = tmp_path / "run"
    retold.run([d], out=out)
    for f in ("run.json", "report.html", "pairs.parquet", "families.parquet"):
        (out / f).unlink()
    retold.run([d], out=out)
    assert (out / "run.json").exists()


def test_force_removes_only_what_retold_wrote(tmp_path):
    d = _corpus(tmp_path)
    out = tmp_path / "run"
    retold.run([d], out=out)
    user = {"notes.md": "mine", "stages/my-extra.parquet": "mine too",
            "stages/compare/keep.txt": "and this", "stages/sketch-backup.npz": "not retold's"}
    for name, text in user.items():
        (out / name).write_text(text)
    stale = out / "stages" / ".sketch.npz.0123456789ab.tmp"  # a temp file a killed write left
    stale.write_text("half")
    retold.run([d], out=out, force=True)
    for name, text in user.items():
        assert (out / name).read_text() == text, name
    assert not stale.exists()
    assert (out / "stages" / "sketch.npz").exists() and (out / "run.json").exists()
    run = json.loads((out / "run.json").read_text())
    assert run["counts"]["documents"] == 6


def test_force_recomputes_every_stage(tmp_path, monkeypatch):
    from retold.engine import stages
    d = _corpus(tmp_path)
    out = tmp_path / "run"
    retold.run([d], out=out)
    calls = []
    real = stages.sketch
    monkeypatch.setattr(stages, "sketch", lambda *a, **k: calls.append(1) or real(*a, **k))
    retold.run([d], out=out)
    assert calls == []  # resumed: the sketch stage is done
    retold.run([d], out=out, force=True)
    assert calls  # forced: done again


def test_out_inside_an_input_folder_is_refused(tmp_path):
    d = _corpus(tmp_path)
    for out in (d / "run", d, d / "deeper" / "run"):
        with pytest.raises(RetoldError) as e:
            retold.run([d], out=out)
        assert e.value.code is Err.E052 and str(d) in str(e.value)
        assert not (d / "run").exists() and not (d / "deeper").exists()
    # an input inside the run folder (its own outputs read back) is refused too
    out = tmp_path / "run"
    retold.run([d], out=out)
    with pytest.raises(RetoldError) as e:
        retold.run([d, out / "documents.parquet"], out=out)
    assert e.value.code is Err.E052
    # a file input next to the run folder is fine: only that file is read
    (tmp_path / "one.txt").write_text(open(d / "story.txt").read())
    retold.run([tmp_path / "one.txt"], out=tmp_path / "run-one")


def test_out_that_is_a_file_is_a_coded_error(tmp_path):
    d = _corpus(tmp_path)
    f = tmp_path / "out.txt"
    f.write_text("a file")
    with pytest.raises(RetoldError) as e:
        retold.run([d], out=f)
    assert e.value.code is Err.E056 and f.read_text() == "a file"


def test_store_that_is_not_a_duckdb_file_fails_before_the_work(tmp_path, monkeypatch):
    from retold.engine import stages
    d = _corpus(tmp_path)
    bad = tmp_path / "store.duckdb"
    bad.write_text("not a database\n" * 100)
    monkeypatch.setattr(stages, "sketch", lambda *a, **k: pytest.fail("the run started"))
    with pytest.raises(RetoldError) as e:
        retold.run([d], out=tmp_path / "run", store=bad)
    assert e.value.code is Err.E057 and "store.duckdb" in str(e.value)


def test_a_store_another_process_holds_is_a_coded_error_and_the_run_folder_is_kept(tmp_path, monkeypatch):
    from retold.engine import local
    d = _corpus(tmp_path)
    store = tmp_path / "shared.duckdb"
    hold = ("import sys, duckdb; c = duckdb.connect(sys.argv[1]); print('ok', flush=True); "
            "sys.stdin.readline()")
    holder = subprocess.Popen([sys.executable, "-c", hold, str(store)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    monkeypatch.setattr(local, "STORE_WAIT", 0.0)
    try:
        assert holder.stdout.readline().strip() == "ok"
        with pytest.raises(RetoldError) as e:
            retold.run([d], out=tmp_path / "run", store=store)
        assert e.value.code is Err.E050 and "shared.duckdb" in str(e.value)
        assert (tmp_path / "run" / "run.json").exists()  # the run itself is finished
        assert not (tmp_path / "run" / LOCK_NAME).exists()
    finally:
        holder.stdin.write("\n")
        holder.stdin.close()
        holder.wait()
    retold.run([d], out=tmp_path / "run", store=store)  # the same command again adds it
    from retold.io.store import Store
    with Store(store, read_only=True) as s:
        assert len(s.doc_ids()) == 6


def test_force_starts_the_folders_own_store_over(tmp_path):
    import duckdb
    import pyarrow.parquet as pq
    d = _corpus(tmp_path)
    out = tmp_path / "run"
    retold.run([d], out=out)
    # the same folder forced over with other inputs: its store holds those alone, not both
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "only.txt").write_text(open(d / "story.txt").read())
    retold.run([tmp_path / "b"], out=out, force=True)
    with duckdb.connect(str(out / "retold.duckdb"), read_only=True) as con:
        ids = [r[0] for r in con.execute("select doc_id from documents order by doc_id").fetchall()]
    assert ids == pq.read_table(out / "documents.parquet")["doc_id"].to_pylist() and len(ids) == 1
