"""The quality gate's record: every pinned figure goes through `pin`, which asserts it against
its floor and records both; at the end of a pytest session (tests/conftest.py) the records are
merged into .bench/quality-gate.json, from which `benchmarks/gate_table.py` makes the README's
table of pinned figures. Used by tests/eval (real data) and the demo's end-to-end test."""
import datetime as dt
import json
import os
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GATE_FILE = REPO / ".bench" / "quality-gate.json"
_PINNED: list[dict] = []


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


def write() -> None:
    """Merge this session's pinned figures into .bench/quality-gate.json (by name); a test run
    again replaces all it pinned before."""
    if not _PINNED:
        return
    old = json.loads(GATE_FILE.read_text()) if GATE_FILE.exists() else {"figures": {}}
    try:
        rev = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=REPO, capture_output=True,
                             text=True, timeout=10).stdout.strip() or None
    except (OSError, subprocess.TimeoutExpired):
        rev = None
    today = dt.date.today().isoformat()
    ran = {p["test"] for p in _PINNED}
    old["figures"] = {k: f for k, f in old["figures"].items() if f.get("test") not in ran}
    for p in _PINNED:
        old["figures"][p["name"]] = {**p, "date": today, "git": rev}
    GATE_FILE.parent.mkdir(exist_ok=True)
    GATE_FILE.write_text(json.dumps(old, indent=1, ensure_ascii=False) + "\n")
