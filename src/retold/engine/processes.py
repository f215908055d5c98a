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
