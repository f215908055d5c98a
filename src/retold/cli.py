"""Command line: thin typer wrappers over the library API."""
from __future__ import annotations

import atexit
import json
import os
import shlex
import signal
import sys
import threading
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from . import __version__
from .config import load_config
from .engine.progress import Reporter
from .errors import Err, RetoldError
from .text.safe import json_safe

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="retold: find where news and web text was reused and retold.")
err = Console(stderr=True)
out = Console()


def _print_version(value: bool) -> None:
    if value:
        out.print(__version__)
        raise typer.Exit()


@app.callback()
def _main(version: bool = typer.Option(False, "--version", callback=_print_version, is_eager=True,
                                       help="Print the version and exit.")) -> None:
    """retold: find where news and web text was reused and retold."""


class RichReporter(Reporter):
    def __init__(self, console: Console):
        self.progress = Progress(TextColumn("{task.description:<11}"), BarColumn(), MofNCompleteColumn(),
                                 TimeElapsedColumn(), console=console, transient=False)
        self.task = None
        self.progress.start()

    def stage(self, name, total=None):
        if self.task is not None:
            t = self.progress.tasks[self.task]
            self.progress.update(self.task, total=t.total or t.completed or 1,
                                 completed=t.total or t.completed or 1)
        self.task = self.progress.add_task(name, total=total)

    def advance(self, n=1):
        if self.task is not None:
            self.progress.advance(self.task, n)

    def done(self):
        self.stage("done", 1)
        self.progress.stop()

    def stop(self):
        """Leave the terminal clean when a run ends early (an error, Ctrl-C)."""
        self.progress.stop()


def _fail(e: RetoldError) -> None:
    err.print(f"[red]error[/red] {escape(str(e))}", soft_wrap=True)  # paths and commands unbroken
    raise typer.Exit(2)


class _Terminated(KeyboardInterrupt):
    """SIGTERM (`kill PID`, a scheduler's time limit), stopped like Ctrl-C."""


_MAIN_PID = os.getpid()


def _raise_terminated(signum, frame) -> None:
    if os.getpid() != _MAIN_PID:
        # a pool worker forked a moment ago still has this handler until its initializer
        # runs; the pool stopping it is not an error of the run: end quietly
        os._exit(128 + signum)
    raise _Terminated


def _interrupted(where: str, resume: Optional[list[str]] = None, term: bool = False) -> None:
    """Ctrl-C or SIGTERM: a coded message saying how to go on, and the shell's exit status
    for that signal (130, 143)."""
    e = RetoldError(Err.E055, where, "SIGTERM" if term else "Ctrl-C")
    err.print(f"[red]stopped[/red] {escape(str(e))}", soft_wrap=True)
    if resume:
        err.print(f"To resume, run the same command again:\n  {escape(shlex.join(resume))}", soft_wrap=True)
    raise typer.Exit(143 if term else 130)


def _os_error(e: OSError, outputs: list[Optional[Path]]) -> RetoldError:
    """An OSError that escaped as a coded error: E056 when it is about one of our outputs
    (or a folder on the way to one), E004 otherwise."""
    name = Path(e.filename) if e.filename is not None else None
    mine = [o for o in outputs if o is not None and name is not None
            and (o == name or o.is_relative_to(name) or name.is_relative_to(o))]
    why = e.strerror or str(e)
    if mine:
        return RetoldError(Err.E056, str(mine[0]), why if name == mine[0] else f"{why}: {name}")
    if name is None:
        return RetoldError(Err.E056, str(outputs[0]), why)
    return RetoldError(Err.E004, str(name), why)


@app.command()
def run(
    inputs: list[Path] = typer.Argument(..., help="Files or folders (.txt, .jsonl, .parquet, .html, .warc)."),
    out_dir: Path = typer.Option(..., "--out", "-o", help="Run folder to write (resumed if it exists)."),
    engine: str = typer.Option("local", help="Engine: local (this machine's cores) or spark (PySpark: pip install 'retold[spark]')."),
    master: Optional[str] = typer.Option(None, help="Spark master URL for --engine spark (default: local mode, local[N] with N = workers)."),
    store: Optional[Path] = typer.Option(None, help="DuckDB store to add the results to; the new documents are matched against the ones it holds."),
    config: Optional[Path] = typer.Option(None, help="TOML file with options (see config.py)."),
    force: bool = typer.Option(False, "--force", help="Recompute every stage, ignoring earlier output."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bars or summary."),
    truth: Optional[Path] = typer.Option(None, help="Ground truth (demo generator format) to score against."),
    stories: Optional[str] = typer.Option(None, help="Story grouping: batch (default) or stream (online, date order)."),
) -> None:
    """Find exact copies, reprints, reuse, rewrites and stories in INPUTS."""
    from .api import run as run_api
    reporter = None
    on_term = None
    if threading.current_thread() is threading.main_thread():
        on_term = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        cfg = load_config(config, overrides={"story_mode": stories})
        reporter = None if quiet else RichReporter(err)
        result = run_api(inputs, out_dir, cfg, engine=engine, store=store, force=force, reporter=reporter,
                         master=master)
    except RetoldError as e:
        _stop(reporter)
        _fail(e)
        return
    except KeyboardInterrupt as stop:
        _stop(reporter)
        # the same command, without --force (that would start again from nothing)
        again = ["retold", "run", *map(str, inputs), "--out", str(out_dir)]
        for flag, val in (("--store", store), ("--config", config), ("--stories", stories), ("--master", master)):
            if val is not None:
                again += [flag, str(val)]
        if engine != "local":
            again += ["--engine", engine]
        _interrupted(str(out_dir), again + (["--quiet"] if quiet else []), isinstance(stop, _Terminated))
        return
    except OSError as e:
        _stop(reporter)
        _fail(_os_error(e, [out_dir, store]))
        return
    finally:
        if on_term is not None:
            signal.signal(signal.SIGTERM, on_term)
    try:
        _print_issues(result.issues)
        if not quiet:
            from .summary import print_summary
            print_summary(out, result)
        if truth is not None:
            from .eval.demo import score_run
            scores = score_run(result.out, truth)
            from .summary import print_truth_scores
            print_truth_scores(out, scores)
    except KeyboardInterrupt:  # the run is finished and complete: only the summary was cut short
        _interrupted(str(out_dir))


def _print_issues(issues) -> None:
    """The first 20 input issues, each saying what happened to the record (rejected ones are
    gone, repaired ones were kept)."""
    for issue in issues[:20]:
        label = {"rejected": "skipped", "repaired": "repaired", "note": "note"}[issue.code.kind]
        err.print(f"[yellow]{label}[/yellow] {escape(str(issue))}")
    if len(issues) > 20:
        err.print(f"[yellow]... and {len(issues) - 20} more input issues (see run.json)[/yellow]")


@app.command()
def dedup(
    inputs: list[Path] = typer.Argument(..., help="Files or folders (.txt, .jsonl, .parquet, .html, .warc)."),
    out_dir: Path = typer.Option(..., "--out", "-o", help="Run folder to write (resumed if it exists)."),
    config: Optional[Path] = typer.Option(None, help="TOML file with options (near_threshold, num_perm, shingle_n)."),
    force: bool = typer.Option(False, "--force", help="Recompute every stage, ignoring earlier output."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bars or summary."),
    engine: str = typer.Option("local", help="Engine: local (this machine's cores) or spark (PySpark: pip install 'retold[spark]')."),
    master: Optional[str] = typer.Option(None, help="Spark master URL for --engine spark (default: local mode, local[N] with N = workers)."),
) -> None:
    """Near-duplicate mode: exact and near-duplicate pairs (word n-gram Jaccard at least
    near_threshold) and families of copies, as MinHash deduplicators find them."""
    from .api import dedup as dedup_api
    reporter = None
    try:
        cfg = load_config(config)
        reporter = None if quiet else RichReporter(err)
        result = dedup_api(inputs, out_dir, cfg, force=force, reporter=reporter, engine=engine, master=master)
    except RetoldError as e:
        _stop(reporter)
        _fail(e)
        return
    except KeyboardInterrupt:
        _stop(reporter)
        again = ["retold", "dedup", *map(str, inputs), "--out", str(out_dir)]
        for flag, val in (("--config", config), ("--master", master)):
            if val is not None:
                again += [flag, str(val)]
        if engine != "local":
            again += ["--engine", engine]
        _interrupted(str(out_dir), again + (["--quiet"] if quiet else []), False)
        return
    except OSError as e:
        _stop(reporter)
        _fail(_os_error(e, [out_dir]))
        return
    _print_issues(result.issues)
    if not quiet:
        c = result.counts
        out.print(f"{c['documents']} documents: {c['pairs_by_relation']['exact']} exact and "
                  f"{c['pairs_by_relation']['near_duplicate']} near-duplicate pairs, "
                  f"{c['multi_doc_families']} families of copies; run folder {escape(str(out_dir))}")


@app.command()
def compare(
    a: Path = typer.Argument(..., help="First document (any supported file)."),
    b: Path = typer.Argument(..., help="Second document."),
    as_json: bool = typer.Option(False, "--json", help="Print the contract object as JSON."),
    html: Optional[Path] = typer.Option(None, "--html", help="Also write the comparison as an HTML page."),
    config: Optional[Path] = typer.Option(None, help="TOML file with options."),
    store: Optional[Path] = typer.Option(None, help="DuckDB store of a run: its corpus's formula "
                                         "phrasing counts as no evidence of copying."),
) -> None:
    """Compare two documents: relation, shared passages, differences, who came first."""
    from .api import compare as compare_api
    from .io.readers import read_one
    try:
        cfg = load_config(config)
        da, db = read_one(a), read_one(b)
        if store is not None and not store.is_file():
            raise RetoldError(Err.E020, str(store),
                              "no store there; make one with `retold run INPUT --out DIR --store FILE`")
        c = compare_api(da, db, cfg, store=store)
        if html is not None:
            from .io.writers import write_text_atomic
            from .report.html import render_comparison
            write_text_atomic(render_comparison(c, da.text, db.text, da.doc_id, db.doc_id), html)
    except RetoldError as e:
        _fail(e)
        return
    except KeyboardInterrupt:
        _interrupted("compare")
        return
    except OSError as e:
        _fail(_os_error(e, [html]))
        return
    if as_json:
        sys.stdout.write(json_safe(json.dumps(c.to_dict(), ensure_ascii=False, indent=2)) + "\n")
        return
    from .summary import print_comparison
    print_comparison(out, c)


def _stop(reporter: Optional[RichReporter]) -> None:
    if reporter is not None:
        reporter.stop()


EVALS = ("demo", "pan13", "clough", "stories", "gva-pairs", "story-runs")


@app.command("eval")
def eval_(
    name: str = typer.Argument(..., help="demo (a generated corpus with truth.jsonl), pan13, clough, stories, "
                                         "gva-pairs or story-runs (real news through `retold run`)."),
    data: Optional[Path] = typer.Option(None, help="Data folder (default: demo/corpus, or ../shared/data/...)."),
    out_dir: Optional[Path] = typer.Option(None, "--out", help="Run folder for the demo evaluation "
                                                               "(gva-pairs, story-runs: folder of run folders)."),
    run_dir: Optional[Path] = typer.Option(None, "--run", help="gva-pairs, story-runs: score these finished "
                                                               "run folders without running."),
) -> None:
    """Quality on a benchmark: relation levels, edits, alignment."""
    if name not in EVALS:
        err.print(f"[red]error[/red] [E030] eval: unknown benchmark {escape(name)!r}. "
                  f"Fix: use one of {', '.join(EVALS)}.")
        raise typer.Exit(2)
    if name == "pan13":
        from .eval import pan
        pan.main([] if data is None else ["--data", str(data)])
        return
    if name == "stories":
        from .eval import stories
        stories.main([] if data is None else ["--data", str(data)])
        return
    if name in ("gva-pairs", "story-runs"):
        from .eval import realnews
        realnews.main([name, *(["--data", str(data)] if data else []), *(["--out", str(out_dir)] if out_dir else []),
                       *(["--run", str(run_dir)] if run_dir else [])])
        return
    if name == "clough":
        from .eval import clough
        clough.main([] if data is None else ["--data", str(data)])
        return
    import tempfile

    from .api import run as run_api
    from .eval.demo import edit_precision, edit_recall, score_run
    from .summary import print_edit_scores, print_truth_scores
    corpus = data or Path(__file__).resolve().parents[2] / "demo" / "corpus"
    truth = corpus / "truth.jsonl"
    if not truth.exists():
        err.print(f"[red]error[/red] [E020] {escape(str(truth))}: input path does not exist. "
                  "Fix: point --data at a folder made by `python -m retold.demo.generator`.")
        raise typer.Exit(2)
    run_dir = out_dir or Path(tempfile.mkdtemp(prefix="retold-eval-"))
    try:
        result = run_api([corpus / "docs.jsonl"], run_dir, force=True)
    except RetoldError as e:
        _fail(e)
        return
    print_truth_scores(out, score_run(result.out, truth))
    types = ("name_variant", "number_change", "date_change", "quote_change", "sentence_added",
             "sentence_removed", "reordered", "paraphrase", "junk_token", "boilerplate")
    print_edit_scores(out, edit_recall(result.out, truth, types), edit_precision(result.out, truth, types))


@app.command()
def version() -> None:
    """Print the version."""
    out.print(__version__)


@app.command("query")
def query_cmd(
    text: str = typer.Argument(..., help="The text to look for, or a file holding it (any supported kind)."),
    store: Path = typer.Option(..., help="DuckDB store written by `retold run --store`."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    limit: int = typer.Option(20, "--limit", "-n", help="Matches shown at most."),
    config: Optional[Path] = typer.Option(None, help="TOML file with options."),
) -> None:
    """Where else did this text appear? Stored documents that copy, rewrite or reuse it, or tell its story."""
    from .query import query as query_api
    try:
        cfg = load_config(config)
        body, title = text, None
        if len(text) < 4096 and "\n" not in text and Path(text).is_file():
            from .io.readers import read_one
            doc = read_one(Path(text))
            body, title = doc.text, doc.title
        from .query import index_path
        if store.is_file() and not index_path(store).is_file():
            err.print(f"building the query index beside the store ({escape(str(index_path(store)))}); "
                      "later queries reuse it")
        result = query_api(body, store, limit=limit, config=cfg, title=title)
    except RetoldError as e:
        _fail(e)
        return
    if as_json:
        sys.stdout.write(json_safe(json.dumps(result.to_dict(), ensure_ascii=False, indent=2, default=str)) + "\n")
        return
    from .query.show import print_query
    print_query(out, result)


@app.command("serve")
def serve_cmd(
    store: Path = typer.Option(..., help="DuckDB store written by `retold run --store` (opened read-only)."),
    host: str = typer.Option("127.0.0.1", help="Address to listen on (default: this machine only)."),
    port: int = typer.Option(8000, help="Port to listen on."),
    config: Optional[Path] = typer.Option(None, help="TOML file with options (used by the query box)."),
) -> None:
    """Browse a store in a web browser: overview, families, stories, documents, pairs, a query box and a JSON API."""
    try:
        cfg = load_config(config)
        from .serve import serve as serve_api
        serve_api(store, host=host, port=port, config=cfg)
    except RetoldError as e:
        _fail(e)


def main() -> None:
    """The `retold` command. When it is done the process ends without tearing its modules
    down: the atexit handlers run and the streams are flushed, then os._exit. Unloading
    numba's compiled code took 0.6 s of every run, a tenth of a dedup of 21k documents."""
    try:
        app()
        code = 0
    except SystemExit as e:
        code = e.code
    if code is not None and not isinstance(code, int):  # sys.exit("message")
        print(code, file=sys.stderr)
        code = 1
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code or 0)


if __name__ == "__main__":
    main()
