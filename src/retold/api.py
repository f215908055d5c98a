"""The library API: the same verbs as the CLI."""
from __future__ import annotations

from pathlib import Path

from .compare import as_document, compare_documents
from .config import Config
from .engine.local import LocalEngine, RunResult
from .engine.progress import Reporter
from .model import Comparison, Document


def compare(a: Document | str, b: Document | str, config: Config | None = None) -> Comparison:
    """Compare two texts (str) or Documents. `result.to_dict()` is the compare --json object."""
    return compare_documents(as_document(a, "a"), as_document(b, "b"), config or Config())


def run(inputs: list[str | Path] | str | Path, out: str | Path, config: Config | None = None,
        engine: str = "local", store: str | Path | None = None, force: bool = False,
        reporter: Reporter | None = None) -> RunResult:
    """Run the whole pipeline over files/folders and write the run folder `out`."""
    if isinstance(inputs, (str, Path)):
        inputs = [inputs]
    if engine != "local":
        from .errors import Err, RetoldError
        raise RetoldError(Err.E030, "engine", f"engine {engine!r} is not available yet; use 'local'")
    return LocalEngine(config or Config(), reporter).run(list(inputs), out, store=store, force=force)
