"""The run folder's safety rules: one run at a time (a lock), never someone else's folder,
never inside an input, and `--force` removes only what retold wrote.

A run folder is retold's when it holds `stages/run.stamp.json` (written as soon as a run
starts), a `run.json` written by retold, or the lock file. Anything else in it (a user's notes,
a file they put under `stages/`) is never read, changed or deleted.
"""
from __future__ import annotations

import errno
import fcntl
import json
import os
import re
from pathlib import Path

from ..errors import Err, RetoldError

LOCK_NAME = ".retold.lock"
STAMP = "stages/run.stamp.json"
# The files a run writes in the run folder (the folder's own store, retold.duckdb, is
# removed by the run itself on --force when no --store is given: LocalEngine._run).
OUTPUTS = ("documents.parquet", "pairs.parquet", "passages.parquet", "edits.parquet",
           "families.parquet", "run.json", "report.html", "rejects.jsonl")
_STAGE_FILES = re.compile(r"(run\.stamp\.json|ingest\.issues\.json|documents\.done|"
                          r"(sketch|dedup_sketch|candidates|stories)(\.tmp)?\.npz|(formula|dedup_hashes)(\.tmp)?\.npy|dedup\.signatures\.u32|"
                          r"sketch\.(anchors|lines)\.u64(\.tmp)?(\.union)?|texts\.bin(\.tmp)?|(families\.store|chrome|dropped|sketches|story_features)\.parquet)$")
_STORE_STAGES = re.compile(r"store-[0-9a-f]{16}$")  # an incremental run's stage files, per store state
_CHUNK_FILES = re.compile(r"chunk-\d{5}\.(done|pairs\.parquet|passages\.parquet|edits\.parquet)$")
_TEMP_FILES = re.compile(r"\..+\.[0-9a-f]{12}\.tmp$")  # io/writers.py's temp files
_OS_CLUTTER = {".DS_Store", "Thumbs.db", "desktop.ini"}  # a folder holding only these is empty
_OUTPUT_TEMP = re.compile(r"\.report\.html\..*\.tmp$|report\.html\.tmp$")


class RunLock:
    """An exclusive lock on a run folder: `OUT/.retold.lock`, holding the owner's pid.

    The lock is a kernel lock (flock) on that file, so it dies with its process: a lock
    file left by a killed run names a dead pid and is simply taken over. Pool workers close
    their copy of the descriptor (`close_in_child`), so only the run's main process holds it.
    """

    def __init__(self, folder: Path):
        self.path = folder / LOCK_NAME
        self.fd: int | None = None

    def acquire(self) -> "RunLock":
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as e:
                os.close(fd)
                if e.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                    raise
                holder = _read_pid(self.path)
                raise RetoldError(Err.E049, str(self.path.parent),
                                  f"lock {self.path.name} held by pid {holder}" if holder
                                  else f"lock {self.path.name} is held") from None
            # the file may have been removed by its last owner between our open and our lock:
            # then we hold a lock on a file nobody else can see; try again on the new one
            try:
                same = os.path.samestat(os.fstat(fd), os.stat(self.path))
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self.fd = fd
        return self

    def release(self) -> None:
        if self.fd is None:
            return
        try:
            self.path.unlink(missing_ok=True)  # while still locked: no one can be waiting on it
        finally:
            os.close(self.fd)
            self.fd = None

    def close_in_child(self) -> None:
        """In a forked worker: drop the inherited descriptor (the parent keeps the lock)."""
        if self.fd is not None:
            try:
                os.close(self.fd)
            except OSError:
                pass
            self.fd = None

    def __enter__(self) -> "RunLock":
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()


def _read_pid(path: Path) -> int | None:
    try:
        text = path.read_text().strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


def is_run_folder(out: Path) -> bool:
    """True when `out` holds a retold run (finished, unfinished or just started)."""
    if (out / STAMP).is_file() or (out / LOCK_NAME).is_file():
        return True
    try:
        info = json.loads((out / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(info, dict) and "retold_version" in info


def check_out(out: Path, inputs: list[str]) -> None:
    """Refuse an --out that overlaps an input (E052) or is someone else's folder (E051)."""
    o = out.resolve()
    for p in inputs:
        path = Path(p).resolve()
        if path.is_dir() and o.is_relative_to(path):
            raise RetoldError(Err.E052, str(out), f"it is inside input folder {p}; "
                              f"e.g. --out {path.parent / (path.name + '-retold')}")
        if path.is_relative_to(o):
            raise RetoldError(Err.E052, str(out), f"input {p} is inside it; "
                              f"e.g. --out {o.parent / (o.name + '-new')}")
    if out.exists() and not out.is_dir():
        raise RetoldError(Err.E056, str(out), "--out names a file, not a folder; "
                          f"e.g. --out {o.parent / (o.stem + '-retold')}")
    if out.is_dir() and any(f.name not in _OS_CLUTTER for f in out.iterdir()) and not is_run_folder(out):
        raise RetoldError(Err.E051, str(out), "it has files and no retold run.json or stages/run.stamp.json; "
                          f"e.g. --out {o / 'retold-run'}")


def remove_temp_files(out: Path) -> None:
    """Temp files a killed run left behind (io/writers.py writes through them)."""
    for folder in (out, *_stage_dirs(out)):
        if not folder.is_dir():
            continue
        for f in folder.iterdir():
            if f.is_file() and (_TEMP_FILES.match(f.name) or _OUTPUT_TEMP.match(f.name)):
                f.unlink(missing_ok=True)


def remove_run_files(out: Path) -> list[Path]:
    """What `--force` deletes: the stage files and outputs retold writes, by name; every
    other file (a user's own, even under stages/) stays. Returns the files removed."""
    gone: list[Path] = []

    def rm(f: Path) -> None:
        if f.is_file() and not f.is_symlink():
            f.unlink()
            gone.append(f)

    for name in OUTPUTS:
        rm(out / name)
    for st in _stage_dirs(out):
        if not st.is_dir():
            continue
        for f in st.iterdir():
            if _STAGE_FILES.match(f.name) or (st.name == "compare" and _CHUNK_FILES.match(f.name)):
                rm(f)
    remove_temp_files(out)
    for st in reversed(_stage_dirs(out)):  # an incremental run's folders, once emptied
        if _STORE_STAGES.match(st.parent.name if st.name == "compare" else st.name):
            try:
                st.rmdir()
            except OSError:  # not empty: a user's file stays
                pass
    return gone


def _stage_dirs(out: Path) -> list[Path]:
    """stages/ and stages/compare/, then each incremental run's stages/store-<digest>/ and its
    compare/ (engine/local.py)."""
    st = out / "stages"
    dirs = [st, st / "compare"]
    if st.is_dir():
        for d in sorted(st.iterdir()):
            if d.is_dir() and _STORE_STAGES.match(d.name):
                dirs += [d, d / "compare"]
    return dirs
