"""How an engine tells the outside world where it is, without knowing about terminals."""
from __future__ import annotations


class Reporter:
    """Silent by default; the CLI passes one that draws rich progress bars."""

    def stage(self, name: str, total: int | None = None) -> None:  # a new stage begins
        pass

    def advance(self, n: int = 1) -> None:
        pass

    def done(self) -> None:
        pass
