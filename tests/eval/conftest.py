"""The quality gate reads ../shared/data. Missing data fails the gate under CI (CI=true)
and skips it on a developer machine without the data.

Every pinned figure goes through `pin` (tests/gate.py), which asserts it against its floor and
records both for the README's table of pinned figures."""
import os
from pathlib import Path

import pytest

from ..gate import pin  # noqa: F401  (the gate's tests import it from here)

REPO = Path(__file__).resolve().parents[2]
DATA = REPO.parent / "shared" / "data"


def shared(rel: str) -> Path:
    path = DATA / rel
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"evaluation data missing: {path} (CI needs ../shared/data beside the repo)")
        pytest.skip(f"evaluation data not here: {path}")
    return path
