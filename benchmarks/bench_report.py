"""Time, memory and size of the run report (`report.html`) of finished run folders, two
revisions side by side.

    PYTHONPATH=src .venv/bin/python benchmarks/bench_report.py OLD_REV [NEW_REV] --run RUN_DIR
        [--run RUN_DIR ...] [--out FILE.json]

Each revision is checked out into a temporary git worktree (NEW_REV defaults to the working
tree) and writes the report of each run folder in a fresh process (`write_run_report`, what
`retold run` calls after its last stage), measured from outside (`measure.py`: wall time,
peak RSS, CPU seconds). The run folders are read, never written: each report goes to a
temporary file. Says whether the two revisions wrote the same page, byte for byte.
"""
from __future__ import annotations

import argparse
import datetime as dt
import filecmp
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PY = REPO / ".venv" / "bin" / "python"
sys.path.insert(0, str(HERE))
from bench_ab import _commit, revisions, shown  # noqa: E402  (sibling module)
from measure import measure  # noqa: E402


def _report(src: Path, run: Path, page: Path, err: Path) -> dict:
    code = ("import sys; sys.path.insert(0, sys.argv[1]); from retold.report.html import write_run_report; "
            "write_run_report(sys.argv[2], sys.argv[3])")
    got = measure([str(PY), "-c", code, str(src), str(run), str(page)], err, REPO, pss_interval=1.0)
    if got["returncode"]:
        raise SystemExit(f"the report of {run} failed:\n{got['stderr_tail']}")
    got["html_mb"] = round(page.stat().st_size / 2**20, 1)
    return got


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("old")
    ap.add_argument("new", nargs="?", default=None, help="default: the working tree")
    ap.add_argument("--run", type=Path, action="append", required=True, help="a finished run folder")
    ap.add_argument("--out", type=Path, default=None, help="also write the results to this JSON file")
    args = ap.parse_args()
    for run in args.run:
        if not (run / "run.json").exists():
            sys.exit(f"{run} is not a finished run folder (no run.json): run `retold run ... --out {run}` first")
    result = {"date": dt.date.today().isoformat(), "old": _commit(args.old), "new": _commit(args.new) or "working tree",
              "runs": []}
    with revisions(args.old, args.new) as (sources, tmp):
        for run in args.run:
            row = {"run": shown(run), "documents": json.loads((run / "run.json").read_text())
                   .get("counts", {}).get("documents")}
            for name, src in sources.items():
                row[name] = _report(src, run, tmp / f"{name}.html", tmp / f"{name}.stderr")
                print(f"{row['run']} {name}: {row[name]['wall_s']} s, peak RSS {row[name]['peak_rss_mb']} MB, "
                      f"{row[name]['html_mb']} MB of HTML", flush=True)
            row["same_page"] = filecmp.cmp(tmp / "old.html", tmp / "new.html", shallow=False)
            print(f"{row['run']}: same page: {row['same_page']}", flush=True)
            result["runs"].append(row)
    if args.out:
        args.out.write_text(json.dumps(result, indent=1) + "\n")
        print(f"saved {args.out}")


if __name__ == "__main__":
    main()
