"""The quality gate reads ../shared/data. Missing data fails the gate under CI (CI=true)
and skips it on a developer machine without the data.

Every pinned figure goes through `pin`, which asserts it against its floor and records both;
at the end of the session the records are written to .bench/quality-gate.json, from which
`python benchmarks/gate_table.py` makes the README's table of pinned figures."""
import datetime as dt
import json
import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DATA = REPO.parent / "shared" / "data"
GATE_FILE = REPO / ".bench" / "quality-gate.json"
_PINNED: list[dict] = []


def shared(rel: str) -> Path:
    path = DATA / rel
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"evaluation data missing: {path} (CI needs ../shared/data beside the repo)")
        pytest.skip(f"evaluation data not here: {path}")
    return path


def pin(name: str, value: float, floor: float, at_most: bool = False, detail: object = None) -> None:
    """Assert `value` is at least `floor` (at most, with `at_most`) and record the figure for the
    README's gate table. `name` says what is measured and on what, in a few words."""
    value = float(value)
    ok = value <= floor if at_most else value >= floor
    _PINNED.append({"name": name, "value": round(value, 4), "floor": floor,
                    "bound": "at most" if at_most else "at least", "ok": ok,
                    "test": os.environ.get("PYTEST_CURRENT_TEST", "").split(" ")[0]})
    assert ok, f"{name}: {value:.4f} {'above' if at_most else 'below'} its floor {floor}" + (
        f"; {detail}" if detail is not None else "")


def pytest_sessionfinish(session, exitstatus):
    """Merge this session's pinned figures into .bench/quality-gate.json (by name)."""
    if not _PINNED:
        return
    old = json.loads(GATE_FILE.read_text()) if GATE_FILE.exists() else {"figures": {}}
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True,
                             text=True, timeout=10).stdout.strip() or None
    except (OSError, subprocess.TimeoutExpired):
        rev = None
    today = dt.date.today().isoformat()
    ran = {p["test"] for p in _PINNED}  # a test run again replaces all it pinned before
    old["figures"] = {k: f for k, f in old["figures"].items() if f.get("test") not in ran}
    for p in _PINNED:
        old["figures"][p["name"]] = {**p, "date": today, "git": rev}
    GATE_FILE.parent.mkdir(exist_ok=True)
    GATE_FILE.write_text(json.dumps(old, indent=1, ensure_ascii=False) + "\n")
