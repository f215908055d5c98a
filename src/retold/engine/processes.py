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
