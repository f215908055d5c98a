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
    """Inside the block, numpy asks the kernel for no huge pages (2 MB) for its large arrays,
    in this process and the workers it forks. Each huge page is zeroed whole on first touch,
    and near-duplicate mode makes many large arrays it touches once: at 114k it spent a
    quarter of its CPU time in the kernel zeroing them (`perf`), and ran in 7.6-8.2 s instead
    of 11.6-12.5 (README Speed). Near-duplicate mode only: a whole 1M `run` was slower with
    them off. The same switch as numpy's NUMPY_MADVISE_HUGEPAGE=0, at run time; nothing if
    this numpy has no such switch."""
    try:
        from numpy._core import multiarray
        switch = multiarray._set_madvise_hugepage
    except (ImportError, AttributeError):
        yield
        return
    was = switch(False)
    try:
        yield
    finally:
        switch(was)
