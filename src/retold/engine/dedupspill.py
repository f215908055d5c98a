"""Where near-duplicate mode's workers put what they sketch, so that nothing large comes back
through the pool's pipe or is copied into one array by the parent.

Every shard's n-gram sets go into one scratch file, each shard at the place a counter shared
by the workers gives it (shards land in the order they finish, so each document's set has a
begin and an end); its signatures go to their rows of the signature file, which stays as the
stage's checkpoint. The parent maps both files. At 114k documents this took off the serial
path the copy of the per-shard files into one array (0.35 s) and the checkpoint's write
(0.1-0.7 s), and the signatures' pickling both ways (README Speed).
"""
from __future__ import annotations

import multiprocessing as mp
import os
import uuid
from pathlib import Path

import numpy as np

from ..io import mapped
from .stages import DedupSketch

SIGNATURES = "dedup.signatures.u32"  # (documents, num_perm) uint32, raw, rows in document order
HASHES = "dedup_hashes.npy"  # the documents' content hashes; written last, it marks the checkpoint done


class DedupSpill:
    """The scratch file of the sets and the signature file of one sketch stage, in the stage
    folder `st`. Made in the parent before the pool forks: its counter reaches the workers
    by inheritance (it cannot be pickled), so it goes to them as a module global."""

    def __init__(self, st: Path, num_perm: int):
        tag = uuid.uuid4().hex[:12]  # names remove_temp_files knows: a killed run's go at the next start
        self.sets_path = st / f".dedup-sets.{tag}.tmp"
        self.signatures_path = st / f".dedup-signatures.{tag}.tmp"
        for path in (self.sets_path, self.signatures_path):
            path.touch()
        self.num_perm = num_perm
        self._end = mp.get_context("fork").Value("q", 0)  # n-gram hashes written so far

    def put(self, sk: DedupSketch, first_row: int) -> DedupSketch:
        """In a worker: write the sets and signatures of a shard whose first document is row
        `first_row`; the sketch returned holds its content hashes and where each set lies."""
        with self._end.get_lock():
            at = self._end.value
            self._end.value = at + len(sk.sets)
        _pwrite(self.sets_path, sk.sets, at * 8)
        _pwrite(self.signatures_path, np.ascontiguousarray(sk.signatures, dtype=np.uint32),
                first_row * self.num_perm * 4)
        return DedupSketch(sk.content_hashes, np.zeros((0, self.num_perm), np.uint32), np.zeros(0, np.uint64),
                           sk.starts[:-1] + at, sk.starts[1:] + at)

    def sketch(self, parts: list[DedupSketch], n_docs: int) -> DedupSketch:
        """In the parent, once every shard is in: the whole sketch, its sets and signatures
        mapped from the files."""
        return DedupSketch([h for p in parts for h in p.content_hashes],
                           _signatures(self.signatures_path, n_docs, self.num_perm),
                           mapped.map_raw(self.sets_path, np.uint64),
                           np.concatenate([p.starts for p in parts] or [np.zeros(0, np.int64)]),
                           np.concatenate([p.ends for p in parts] or [np.zeros(0, np.int64)]))

    def keep(self, st: Path, content_hashes: list[str]) -> None:
        """The signature file becomes the checkpoint, the hashes written after it."""
        os.replace(self.signatures_path, st / SIGNATURES)
        save_hashes(st, content_hashes)

    def close(self) -> None:
        """Remove the scratch files (a mapping of them lives on until it is dropped)."""
        for path in (self.sets_path, self.signatures_path):
            path.unlink(missing_ok=True)


def save_checkpoint(st: Path, content_hashes: list[str], signatures: np.ndarray) -> None:
    """The checkpoint of a sketch made in one process: its signatures, then its hashes."""
    tmp = st / f".{SIGNATURES}.{uuid.uuid4().hex[:12]}.tmp"
    np.ascontiguousarray(signatures, dtype=np.uint32).tofile(tmp)
    os.replace(tmp, st / SIGNATURES)
    save_hashes(st, content_hashes)


def save_hashes(st: Path, content_hashes: list[str]) -> None:
    tmp = st / f".{HASHES}.{uuid.uuid4().hex[:12]}.tmp"
    with open(tmp, "wb") as fh:
        np.save(fh, np.array(content_hashes, dtype="S32"), allow_pickle=False)
    os.replace(tmp, st / HASHES)


def load_checkpoint(st: Path, n_docs: int, num_perm: int) -> tuple[list[str], np.ndarray] | None:
    """The content hashes and (mapped) signatures a finished sketch stage left, or None when
    there are none or they do not fit `n_docs` documents of `num_perm` permutations."""
    hashes, signatures = st / HASHES, st / SIGNATURES
    if not (hashes.exists() and signatures.exists()):
        return None
    if signatures.stat().st_size != n_docs * num_perm * 4:
        return None
    found = np.load(hashes, allow_pickle=False)
    if len(found) != n_docs:
        return None
    return found.astype(str).tolist(), _signatures(signatures, n_docs, num_perm)


def _pwrite(path: Path, arr: np.ndarray, offset: int) -> None:
    view = memoryview(arr).cast("B")
    fd = os.open(path, os.O_WRONLY)
    try:
        done = 0
        while done < len(view):
            done += os.pwrite(fd, view[done:], offset + done)
    finally:
        os.close(fd)


def _signatures(path: Path, n_docs: int, num_perm: int) -> np.ndarray:
    """The signature file as (n_docs, num_perm) uint32, read in place (`io.mapped`)."""
    return mapped.map_raw(path, np.uint32).reshape(n_docs, num_perm)
