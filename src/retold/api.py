"""The library API: the same verbs as the CLI."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .config import Config
from .engine.progress import Reporter
from .model import Comparison, Document

if TYPE_CHECKING:
    from .engine.local import LocalEngine, RunResult
# the compare and engine modules are imported by the verbs that use them (start-up time)


def compare(a: Document | str, b: Document | str, config: Config | None = None,
            store: str | Path | None = None) -> Comparison:
    """Compare two texts (str) or Documents. `result.to_dict()` is the compare --json object.

    Parameters
    ----------
    a, b : str or Document
        The two texts.
    config : Config, optional
        Options (defaults otherwise).
    store : path, optional
        A DuckDB store made by `retold run --store`: the phrasing its corpus knows as
        formula (police formulas, wire templates, tip lines) then counts as no evidence of
        copying, as it does inside a run. Without it every shared phrase counts.
    """
    from .compare import as_document, compare_documents
    formula = None
    if store is not None:
        from .io.store import Store
        with Store(store, read_only=True) as s:
            formula = s.formula()
    return compare_documents(as_document(a, "a"), as_document(b, "b"), config or Config(), formula)


def run(inputs: list[str | Path] | str | Path, out: str | Path, config: Config | None = None,
        engine: str = "local", store: str | Path | None = None, force: bool = False,
        reporter: Reporter | None = None, master: str | None = None) -> RunResult:
    """Run the whole pipeline over files/folders and write the run folder `out`.

    `out` must be new, empty or a retold run folder, and must not overlap an input; a run
    holds it locked, and a run of the same inputs and configuration started again on it
    resumes from the last finished stage (`force=True` starts again from nothing, deleting
    only the files retold writes). KeyboardInterrupt stops the worker pool and propagates;
    fatal problems raise RetoldError with a code (errors.py): E049 the folder is in use, E051
    it is someone else's, E052 it overlaps an input, E031 it was made by another
    configuration, E050/E057 the store is in use / not a store, E021 no documents.

    `engine="spark"` runs the same stages on PySpark (the `spark` extra) and writes the same
    run folder: local mode on `config.workers` cores, or the cluster at `master` (a Spark
    master URL; an active Spark session is used as it is). E060: PySpark is not installed;
    E061: no Java runtime, or the session did not start; E030: an unknown engine, or
    `master` without the spark engine."""
    if isinstance(inputs, (str, Path)):
        inputs = [inputs]
    return _engine(config, reporter, engine, master).run(list(inputs), out, store=store, force=force)


def dedup(inputs: list[str | Path] | str | Path, out: str | Path, config: Config | None = None,
          force: bool = False, reporter: Reporter | None = None, engine: str = "local",
          master: str | None = None) -> RunResult:
    """Near-duplicate mode: the job of a MinHash deduplicator, with retold's readers, errors
    and run folder.

    Parameters
    ----------
    inputs : path or list of paths
        Files or folders, read as `run` reads them.
    out : path
        Run folder (same rules as `run`: new, empty or a retold folder of the same mode,
        inputs and configuration, which is resumed).
    config : Config, optional
        `shingle_n`, `num_perm`, `seed`, `near_threshold` (the Jaccard a pair must reach),
        `dedup_lsh_recall` (the banding's chance of proposing a pair at that Jaccard) and
        `max_bucket` apply.
    force : bool
        Start again from nothing.
    engine : {"local", "spark"}
        "spark" computes the sketch (token hashes, n-gram sets, MinHash) on PySpark, local mode
        or the cluster at `master`; the run folder is the same (errors as in `run`).
    master : str, optional
        Spark master URL for the spark engine.

    Returns
    -------
    RunResult
        pairs.parquet holds exact pairs and near_duplicate pairs with their n-gram Jaccard
        (`resemblance`, computed exactly for every LSH candidate); families.parquet the
        families of copies (story_id is the family: no stories are made); documents.parquet,
        run.json and rejects.jsonl as in `run`.
    """
    if isinstance(inputs, (str, Path)):
        inputs = [inputs]
    return _engine(config, reporter, engine, master).dedup(list(inputs), out, force=force)


def _engine(config: Config | None, reporter: Reporter | None, engine: str, master: str | None) -> LocalEngine:
    """The engine a run or a dedup asked for (SparkEngine is a LocalEngine whose maps go to
    Spark); E030: an unknown engine, or a master without spark."""
    from .engine.local import LocalEngine
    from .errors import Err, RetoldError
    if engine == "spark":
        from .engine.spark import SparkEngine
        return SparkEngine(config or Config(), reporter, master=master)
    if engine != "local":
        raise RetoldError(Err.E030, "engine", f"{engine!r}; use 'local' or 'spark'")
    if master is not None:
        raise RetoldError(Err.E030, "master", "a Spark master URL applies to --engine spark only")
    return LocalEngine(config or Config(), reporter)
