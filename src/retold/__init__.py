"""retold: find where news and web text was reused and retold.

    import retold
    c = retold.compare(text_a, text_b)      # Comparison; c.to_dict() is the JSON contract
    r = retold.run(["corpus/"], out="run")  # RunResult; r.table("pairs") is a pyarrow Table
"""
import sys
import types

from ._lazy import lazy_attributes

__version__ = "0.1.0"

# The API is imported on first use (PEP 562): `retold dedup` and `retold --version` need only
# a part of it, and importing all of it took a second.
_API = {"compare": "api", "dedup": "api", "run": "api", "Config": "config", "load_config": "config",
        "Comparison": "model", "Document": "model", "Edit": "model", "Passage": "model"}

__all__ = [*_API, "__version__"]


__getattr__, __dir__ = lazy_attributes(__name__, _API, globals())


class _Package(types.ModuleType):
    """Loading the submodule `retold.compare` sets the package's attribute `compare` to the
    module; the API's `retold.compare` is the function, so that assignment is let through only
    as long as the function has not been looked up (which then finds it anew)."""

    def __setattr__(self, name: str, value) -> None:
        if name in _API and isinstance(value, types.ModuleType):
            self.__dict__.pop(name, None)  # the next lookup goes to __getattr__: the API's object
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
