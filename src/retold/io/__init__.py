"""Reading inputs, writing run files atomically, and the DuckDB store."""
from .readers import extract_html, file_doc_id, file_kind, iter_documents, read_one
from .store import Store
from .writers import (DOCUMENTS_SCHEMA, documents_table, write_json_atomic,
                      write_parquet_atomic, write_text_atomic)

__all__ = [
    "DOCUMENTS_SCHEMA", "Store", "documents_table", "extract_html", "file_doc_id", "file_kind",
    "iter_documents", "read_one", "write_json_atomic", "write_parquet_atomic",
    "write_text_atomic",
]
