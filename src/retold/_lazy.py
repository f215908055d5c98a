"""Attributes of a package imported on first use (PEP 562), so that importing the package
does not import every module behind it."""
from __future__ import annotations

import importlib
from typing import Callable


def lazy_attributes(package: str, where: dict[str, str], namespace: dict) -> tuple[Callable, Callable]:
    """`__getattr__` and `__dir__` for `package`: name -> the submodule (relative, without
    the dot) that defines it. A name is imported when first asked for and then kept in
    `namespace` (the package's globals), so the next lookup does not come here."""

    def __getattr__(name: str):
        if name in where:
            value = getattr(importlib.import_module(f".{where[name]}", package), name)
            namespace[name] = value
            return value
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        return sorted(set(namespace) | set(where))

    return __getattr__, __dir__
