"""Process helpers shared by the engine's worker pools and the query's compare pool."""
from __future__ import annotations

import signal
from contextlib import contextmanager


def die_with_parent() -> None:
    """Linux: have the kernel kill this process when its parent dies (best effort elsewhere),
    so a killed run or server leaves no orphan workers."""
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


# glibc's mallopt parameters, and the values a near-duplicate worker sets
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
WORKER_MMAP_THRESHOLD = 512 << 20  # bytes: every buffer of a 2,000-document shard comes from the heap
WORKER_TRIM_THRESHOLD = 1 << 30  # bytes of free heap top kept rather than given back
_heap_kept = False


def keep_freed_memory() -> None:
    """In a near-duplicate worker (once; nothing where the C library is not glibc): large
    buffers come from the heap and freed memory stays in it, instead of each shard's
    scratch arrays (tens of MB a shard) being mapped fresh from the kernel, zeroed page by
    page, and given back. At 114k: kernel time 0.84-1.40 s -> 0.58-1.04, wall 4.45-4.87 s ->
    4.29-4.55 (README Speed); the parent gained nothing from it and keeps glibc's defaults.
    Only for the workers, which end with the run: memory they freed is not given back."""
    global _heap_kept
    if _heap_kept:
        return
    _heap_kept = True
    try:
        import ctypes
        libc = ctypes.CDLL(None)
        libc.mallopt(_M_MMAP_THRESHOLD, WORKER_MMAP_THRESHOLD)
        libc.mallopt(_M_TRIM_THRESHOLD, WORKER_TRIM_THRESHOLD)
    except (OSError, AttributeError):
        pass


@contextmanager
def small_pages():
    """Inside the block, numpy and Arrow ask the kernel for no huge pages (2 MB) for their
    large buffers, in this process and the workers it forks. Each huge page is zeroed whole
    on first touch, and near-duplicate mode makes many large buffers it touches once: at 114k
    it spent a quarter of its CPU time in the kernel zeroing numpy's (`perf`), 7.6-8.2 s
    instead of 11.6-12.5, and then a tenth zeroing those of Arrow's mimalloc pool, whose
    arenas are madvised huge: 6.0-6.8 s with the system pool instead of 6.9-7.2 (README
    Speed). Near-duplicate mode only: a whole 1M `run` was slower with numpy's off. numpy's
    switch is NUMPY_MADVISE_HUGEPAGE=0 at run time (nothing if this numpy has none); Arrow's
    is its default pool set to the system allocator, set back after (buffers made in the
    block keep the pool they were made in)."""
    import pyarrow as pa
    try:
        from numpy._core import multiarray
        switch = multiarray._set_madvise_hugepage
    except (ImportError, AttributeError):
        switch = None
    was = switch(False) if switch is not None else None
    pool = pa.default_memory_pool()
    pa.set_memory_pool(pa.system_memory_pool())
    try:
        yield
    finally:
        pa.set_memory_pool(pool)
        if switch is not None:
            switch(was)
