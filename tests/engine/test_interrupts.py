"""Ctrl-C and SIGKILL on real `retold run` processes that use the worker pool (Linux: the
tests read /proc to find the workers).

The demo corpus (621 documents) is run through the CLI with the pool switched on for it
(`PARALLEL_MIN_DOCS = 0`, two workers, sketch shards of 100 documents and compare chunks of
50 pairs, so every pool stage has many tasks). Interrupted and killed runs are started again
with the same command; their tables must equal those of an uninterrupted run.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

CORPUS = Path(__file__).resolve().parents[2] / "demo" / "corpus" / "docs.jsonl"
TABLES = ("documents", "pairs", "passages", "edits", "families")
WRAPPER = """
import retold.engine.local as local
local.PARALLEL_MIN_DOCS = 0  # the demo corpus is below the pool's threshold: use it anyway
local.CHUNK_PAIRS = 50       # many compare chunks: many points to stop at
from retold.cli import main
main()
"""
HANG = 120  # seconds: a run that has not ended by then after a signal hangs

def _children(pid: int) -> set[int]:
    """Live (not zombie) processes whose parent is `pid`."""
    out = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        fields = text[text.rindex(")") + 2:].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            out.add(int(stat.parent.name))
    return out


def _alive(pid: int) -> bool:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return text[text.rindex(")") + 2:].split()[0] != "Z"


def _gone(pids: set[int]) -> bool:
    deadline = time.monotonic() + HANG
    while any(_alive(p) for p in pids):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    base = tmp_path_factory.mktemp("interrupts")
    wrapper = base / "retold_pool.py"
    wrapper.write_text(WRAPPER)
    config = base / "pool.toml"
    config.write_text("[retold]\nworkers = 2\nbatch_docs = 100\n")

    def command(out: Path) -> list[str]:
        return [sys.executable, str(wrapper), "run", str(CORPUS), "--out", str(out),
                "--config", str(config), "--quiet"]

    ref = base / "reference"
    done = subprocess.run(command(ref), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return command, _tables(ref)


def _tables(out: Path) -> dict[str, list[str]]:
    return {t: sorted(map(repr, pq.read_table(out / f"{t}.parquet").to_pylist())) for t in TABLES}


def _foreground_signals() -> None:
    # A shell starts a background job with SIGINT ignored, and an ignored disposition is
    # inherited: run from such a job (`make test &`, a CI script under nohup), the run would
    # ignore Ctrl-C as it should. A terminal's foreground job has the default disposition.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _start(command: list[str]) -> subprocess.Popen:
    # a session of its own, like a shell job: Ctrl-C goes to the whole process group
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, preexec_fn=_foreground_signals)


def _wait_for(proc: subprocess.Popen, ready) -> bool:
    """Poll until `ready()` or the process ends; True if it is still running."""
    while proc.poll() is None:
        if ready():
            return True
        time.sleep(0.01)
    return False


def _holds_lock(out: Path, pid: int) -> bool:
    try:
        return (out / ".retold.lock").read_text().strip() == str(pid)
    except OSError:
        return False


def _chunks(out: Path) -> int:
    return len(list((out / "stages" / "compare").glob("chunk-*.done"))) if out.exists() else 0


def test_ctrl_c_stops_the_pool_says_how_to_resume_and_resumes_to_the_same_tables(setup, tmp_path):
    command, reference = setup
    out = tmp_path / "run"
    # Ctrl-C while the sketch stage's pool runs, in the story stage (its own pools), and while the
    # compare stage's pool runs
    points = [lambda: (out / "documents.parquet").exists() and _children(proc.pid),
              lambda: (out / "stages" / "candidates.npz").exists(),
              lambda: _chunks(out) >= 2 and _children(proc.pid)]
    running = lambda: _holds_lock(out, proc.pid)  # noqa: E731  (past start-up, inside the run)
    stopped_with_workers = 0
    for ready in points:
        proc = _start(command(out))
        if not _wait_for(proc, lambda: running() and ready()):
            continue  # the run ended first: nothing to interrupt at this point
        workers = _children(proc.pid)
        stopped_with_workers += bool(workers)
        os.killpg(proc.pid, signal.SIGINT)  # what a terminal sends on Ctrl-C
        try:
            _, err = proc.communicate(timeout=HANG)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            pytest.fail("the run did not stop after Ctrl-C")
        assert proc.returncode == 130, err
        assert "E055" in err and "interrupted" in err
        assert "run the same command again" in err and f"--out {out}" in err
        assert "Traceback" not in err  # neither the parent nor any worker printed one
        assert _gone(workers), "pool workers outlived the run"
        assert not (out / ".retold.lock").exists()
    assert stopped_with_workers >= 1  # at least one Ctrl-C landed while workers were busy
    done = subprocess.run(command(out), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert _tables(out) == reference


def test_sigkill_at_eleven_points_then_the_same_command_gives_the_same_tables(setup, tmp_path):
    command, reference = setup
    out = tmp_path / "run"
    st = out / "stages"
    points = [
        lambda: (st / "run.stamp.json").exists(),  # ingest
        lambda: (out / "documents.parquet").exists(),  # sketch
        lambda: (st / "sketch.npz").exists(),  # candidates, stories
        lambda: (st / "candidates.npz").exists(),  # stories
        lambda: (st / "formula.npy").exists(),  # end of stories
        lambda: (st / "stories.npz").exists(),  # compare begins
        lambda: _chunks(out) >= 3,
        lambda: _chunks(out) >= 7,
        lambda: _chunks(out) >= 11,
        lambda: (out / "pairs.parquet").exists(),  # cluster, report
        lambda: (out / "run.json").exists(),  # report, store
    ]
    landed = 0
    checkpoints: dict[str, tuple[int, int]] = {}  # finished stage file -> (inode, mtime)
    for ready in points:
        proc = _start(command(out))
        alive = _wait_for(proc, ready)
        if alive:
            workers = _children(proc.pid)
            os.kill(proc.pid, signal.SIGKILL)  # the main process only: workers must follow it
            proc.communicate(timeout=HANG)
            landed += 1
            assert _gone(workers), "pool workers outlived a killed run"
        else:
            _, err = proc.communicate(timeout=HANG)
            assert proc.returncode == 0, err
        finished = [st / "sketch.npz", st / "candidates.npz", st / "stories.npz",
                    *st.glob("compare/chunk-*.done")]
        if (st / "ingest.issues.json").exists():  # written after documents.parquet: ingest done
            finished.append(out / "documents.parquet")
        if (st / "stories.npz").exists():  # written after formula.npy: the story stage is done
            finished.append(st / "formula.npy")
        for f in finished:
            if f.exists() and str(f) not in checkpoints:
                s = f.stat()
                checkpoints[str(f)] = (s.st_ino, s.st_mtime_ns)
    assert landed >= 6, f"only {landed} of {len(points)} kills hit a running process"
    done = subprocess.run(command(out), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert _tables(out) == reference
    # no finished stage was done again: its file is the one first written
    for f, (ino, mtime) in checkpoints.items():
        s = Path(f).stat()
        assert (s.st_ino, s.st_mtime_ns) == (ino, mtime), f


def test_a_worker_killed_by_the_system_ends_the_run_with_a_code_not_a_hang(setup, tmp_path):
    """multiprocessing replaces a dead worker but never finishes its task: the run must say
    so (E058) instead of waiting forever; the same command then resumes."""
    command, reference = setup
    out = tmp_path / "run"
    proc = _start(command(out))
    # near the end of compare, so that a worker is idle: waiting for a task, it holds the task
    # queue's lock, and pool.terminate() waits forever for a lock its dead holder never frees
    assert _wait_for(proc, lambda: _chunks(out) >= 12 and _children(proc.pid)), "the run ended early"
    for victim in _children(proc.pid):
        os.kill(victim, signal.SIGKILL)  # what the out-of-memory killer does
    try:
        _, err = proc.communicate(timeout=HANG)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        pytest.fail("the run hung after a worker died")
    if proc.returncode == 0:  # the victim had no task left: nothing was lost
        assert _tables(out) == reference
        return
    assert proc.returncode == 2 and "E058" in err and "Traceback" not in err, err
    done = subprocess.run(command(out), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert _tables(out) == reference


def test_a_second_run_on_a_busy_folder_is_refused_and_the_first_is_untouched(setup, tmp_path):
    """The issue's mix-up: a second `retold run --out X --force` while a first runs on X."""
    command, reference = setup
    out = tmp_path / "run"
    first = _start(command(out))
    assert _wait_for(first, lambda: (out / "stages" / "sketch.npz").exists()), "the first run ended early"
    os.kill(first.pid, signal.SIGSTOP)  # hold the first mid-run, however fast the machine
    try:
        for extra in ([], ["--force"]):
            second = subprocess.run(command(out) + extra, capture_output=True, text=True, timeout=HANG)
            assert second.returncode == 2, second.stderr
            assert "E049" in second.stderr and str(out) in second.stderr
            assert f"pid {first.pid}" in second.stderr and "Traceback" not in second.stderr
    finally:
        os.kill(first.pid, signal.SIGCONT)
    _, err = first.communicate(timeout=600)
    assert first.returncode == 0, err
    assert _tables(out) == reference


def test_sigterm_stops_like_ctrl_c(setup, tmp_path):
    """`kill PID` (or a scheduler's time limit) on the main process: the pool is stopped, the
    message says how to resume, the exit status is 143, and nothing is left running."""
    command, _ = setup
    out = tmp_path / "run"
    proc = _start(command(out))
    assert _wait_for(proc, lambda: _holds_lock(out, proc.pid) and _chunks(out) >= 1 and _children(proc.pid))
    workers = _children(proc.pid)
    os.kill(proc.pid, signal.SIGTERM)
    try:
        _, err = proc.communicate(timeout=HANG)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        pytest.fail("the run did not stop after SIGTERM")
    assert proc.returncode == 143, err
    assert "E055" in err and "SIGTERM" in err and "run the same command again" in err
    assert "Traceback" not in err
    assert _gone(workers) and not (out / ".retold.lock").exists()
