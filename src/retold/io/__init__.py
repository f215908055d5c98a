"""Reading inputs, writing run files atomically, and the DuckDB store."""
from .._lazy import lazy_attributes

# imported on first use (PEP 562): the store's DuckDB is not needed to read inputs
_NAMES = {"extract_html": "readers", "file_doc_id": "readers", "file_kind": "readers",
          "iter_documents": "readers", "read_one": "readers", "Store": "store",
          "DOCUMENTS_SCHEMA": "writers", "documents_table": "writers", "write_json_atomic": "writers",
          "write_parquet_atomic": "writers", "write_text_atomic": "writers"}

__all__ = sorted(_NAMES)


__getattr__, __dir__ = lazy_attributes(__name__, _NAMES, globals())
