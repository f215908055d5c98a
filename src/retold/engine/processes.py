"""Process helpers shared by the engine's worker pools and the query's compare pool."""
from __future__ import annotations

import signal


def die_with_parent() -> None:
    """Linux: have the kernel kill this process when its parent dies (best effort elsewhere),
    so a killed run or server leaves no orphan workers."""
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def small_pages() -> None:
    """Have numpy stop asking the kernel for huge pages (2 MB) for its large arrays, for this
    process and the workers it forks. Each huge page is zeroed whole on first touch, and the
    engine makes many large arrays it touches once: near-duplicate mode at 114k spent a
    quarter of its CPU time in the kernel zeroing them (`perf`), and ran in 7.6-8.2 s instead
    of 11.6-12.5; a 21k news run in 35.6-37.3 s instead of 39.3-40.8 (README Speed). The same switch as numpy's
    NUMPY_MADVISE_HUGEPAGE=0, at run time; nothing if this numpy has no such switch."""
    try:
        from numpy._core import multiarray
        multiarray._set_madvise_hugepage(False)
    except (ImportError, AttributeError):
        pass
