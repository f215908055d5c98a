"""Reading inputs, writing run files atomically, and the DuckDB store."""

# imported on first use (PEP 562): the store's DuckDB is not needed to read inputs
_NAMES = {"extract_html": "readers", "file_doc_id": "readers", "file_kind": "readers",
          "iter_documents": "readers", "read_one": "readers", "Store": "store",
          "DOCUMENTS_SCHEMA": "writers", "documents_table": "writers", "write_json_atomic": "writers",
          "write_parquet_atomic": "writers", "write_text_atomic": "writers"}

__all__ = sorted(_NAMES)


def __getattr__(name: str):
    if name in _NAMES:
        import importlib
        value = getattr(importlib.import_module(f".{_NAMES[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'retold.io' has no attribute {name!r}")
