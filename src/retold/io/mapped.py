"""Big read-only run data mapped from the run folder, and giving its pages back.

Why: at a million documents the texts (1.2 GB) and the sketch's n-gram sets (1.4 GB) sat in
the run's heap through the story stage, whose steps mostly read neither. Mapped from a file in
the run folder they live in the system's file cache instead: a step that reads them maps the
pages it reads, and `release` unmaps every mapped page of the process again (clean pages: the
system drops them from this process without writing anything, and a later read maps them
again from the cache). What a run holds between steps is then only what it made, not what it
read.

Arrays and buffers handed out here are read-only; a forked worker shares the mappings and
releases its own pages.
"""
from __future__ import annotations

import mmap
import os
import weakref
from pathlib import Path

import numpy as np

_SPANS: list[tuple[weakref.ref, int, int]] = []  # (mapping, first address, length) of each made here


def map_file(path: str | Path) -> mmap.mmap:
    """The whole of file `path`, mapped read-only (an empty file gives an empty buffer)."""
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        if size == 0:
            return mmap.mmap(-1, 1)  # mmap refuses length 0 for a file; one anonymous zero byte
        m = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    _SPANS[:] = [s for s in _SPANS if s[0]() is not None]  # the dead ones go
    _SPANS.append((weakref.ref(m), _address(np.frombuffer(m, dtype=np.uint8)), len(m)))
    return m


def _address(a: np.ndarray) -> int:
    return a.__array_interface__["data"][0]


def map_raw(path: str | Path, dtype) -> np.ndarray:
    """The values of a headerless file of `dtype` values (its length a multiple of the item
    size), read in place from a read-only mapping."""
    dtype = np.dtype(dtype)
    size = os.path.getsize(path)
    if size % dtype.itemsize:
        raise ValueError(f"{path}: {size} bytes, not a whole number of {dtype} values")
    if size == 0:
        return np.zeros(0, dtype=dtype)
    return np.frombuffer(map_file(path), dtype=dtype)


def release() -> None:
    """Unmap every page of every live mapping from this process (the data stays readable)."""
    for ref, _, _ in list(_SPANS):
        m = ref()
        if m is not None and not m.closed:
            m.madvise(mmap.MADV_DONTNEED)


def release_array(a: np.ndarray) -> None:
    """Unmap the pages under array `a` (contiguous) when it lies in a mapping made here; an
    array of the heap is left as it is. A rule that reads a mapped array block by block calls
    this after each block, so no more than a block of it is ever mapped in."""
    if not _SPANS or a.size == 0:
        return
    start = _address(a)
    for ref, base, length in _SPANS:
        m = ref()
        if m is not None and not m.closed and base <= start < base + length:
            lo = (start - base) // mmap.PAGESIZE * mmap.PAGESIZE
            hi = min(start - base + a.nbytes, length)
            m.madvise(mmap.MADV_DONTNEED, lo, hi - lo)
            return
