"""Engines run the stage functions; `local` is the embedded default."""
