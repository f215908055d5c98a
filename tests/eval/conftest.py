"""The quality gate reads ../shared/data. Missing data fails the gate under CI (CI=true)
and skips it on a developer machine without the data."""
import os
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"


def shared(rel: str) -> Path:
    path = DATA / rel
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"evaluation data missing: {path} (CI needs ../shared/data beside the repo)")
        pytest.skip(f"evaluation data not here: {path}")
    return path
