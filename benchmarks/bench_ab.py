"""Whole-pipeline wall time of two commits, side by side in one session.

    .venv/bin/python benchmarks/bench_ab.py OLD_REV [NEW_REV] [--corpus FILE.jsonl] [--repeat 2]
        [--out FILE.json]

Each revision is checked out into a temporary git worktree and run from its own `src` with
this checkout's virtualenv (so both use the same dependencies), `retold run` at the defaults
on the same corpus (default: the 21k news corpus of `benchmarks/corpus.py`). Runs alternate
(old, new, old, new, ...) so that a noisy machine weighs on both alike. Prints the wall time
of each run, measured from outside, and its stage timings from `run.json`; NEW_REV defaults
to the working tree. Then says whether the two revisions' first runs wrote the same pairs
and families (row for row); with --out, everything printed also goes to a JSON file (the
revisions as commits, each run's wall time and stages, the comparison).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PY = REPO / ".venv" / "bin" / "python"


def _source(rev: str | None, tmp: Path) -> Path:
    """The `src` folder of `rev` (a worktree under tmp), or of this checkout."""
    if rev is None:
        return REPO / "src"
    tree = tmp / rev.replace("/", "_")
    subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", "-q", str(tree), rev], check=True)
    return tree / "src"


@contextmanager
def revisions(old: str | None, new: str | None):
    """The `src` folders of two revisions, {"old": ..., "new": ...} (each a git worktree in a
    temporary folder; None: this checkout), and that folder for the caller's own files; the
    worktrees are removed afterwards, whatever happens."""
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        sources: dict[str, Path] = {}
        try:
            for name, rev in (("old", old), ("new", new)):
                sources[name] = _source(rev, tmp)
            yield sources, tmp
        finally:
            for name, rev in (("old", old), ("new", new)):
                if rev is not None and name in sources:
                    subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force",
                                    str(sources[name].parent)], check=False)


def shown(path: Path) -> str:
    """A path as a results file names it: repo-relative, else its last part (no machine paths)."""
    full = path.absolute()
    return str(full.relative_to(REPO)) if full.is_relative_to(REPO) else path.name


def _run(src: Path, corpus: Path, out: Path) -> tuple[float, dict]:
    code = ("import sys; from retold.cli import main; "
            f"sys.argv = ['retold', 'run', {str(corpus)!r}, '--out', {str(out)!r}, '--force', '--quiet']; main()")
    start = time.perf_counter()
    subprocess.run([str(PY), "-c", code], check=True, env={"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin"},
                   stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    return wall, json.loads((out / "run.json").read_text())["timings"]


def _commit(rev: str | None) -> str | None:
    """The full commit id of a revision (None: the working tree)."""
    if rev is None:
        return None
    return subprocess.run(["git", "-C", str(REPO), "rev-parse", rev], check=True, capture_output=True,
                          text=True).stdout.strip()


def _same(a: Path, b: Path) -> str:
    """'identical' or how the two tables differ."""
    import pyarrow.parquet as pq
    ta, tb = pq.read_table(a), pq.read_table(b)
    if ta.equals(tb):
        return f"identical ({ta.num_rows} rows)"
    ra = {tuple(r.values()) for r in ta.to_pylist()}
    rb = {tuple(r.values()) for r in tb.to_pylist()}
    return f"differ: {len(ra - rb)} rows only in old, {len(rb - ra)} only in new (of {ta.num_rows} / {tb.num_rows})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("old")
    ap.add_argument("new", nargs="?", default=None, help="default: the working tree")
    ap.add_argument("--corpus", type=Path, default=REPO / ".bench" / "news-21268.jsonl")
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--out", type=Path, default=None, help="also write the results to this JSON file")
    args = ap.parse_args()
    if not args.corpus.exists():
        sys.exit(f"{args.corpus} is missing: build it with `python benchmarks/corpus.py`")
    result = {"date": dt.date.today().isoformat(), "corpus": shown(args.corpus),
              "old": _commit(args.old), "new": _commit(args.new) or "working tree", "runs": [], "same": {}}
    with revisions(args.old, args.new) as (sources, tmp):
        for k in range(args.repeat):
            for name, src in sources.items():
                wall, timings = _run(src, args.corpus, tmp / f"run-{name}-{k}")
                print(f"{name} run {k + 1}: wall {wall:.1f} s; stages {timings}", flush=True)
                result["runs"].append({"rev": name, "run": k + 1, "wall_s": round(wall, 2), "stages": timings})
        for table in ("pairs", "families"):
            result["same"][table] = _same(tmp / 'run-old-0' / f'{table}.parquet', tmp / 'run-new-0' / f'{table}.parquet')
            print(f"{table}: {result['same'][table]}")
    if args.out:
        args.out.write_text(json.dumps(result, indent=1) + "\n")
        print(f"saved {args.out}")


if __name__ == "__main__":
    main()
