"""Every table retold writes or keeps, declared once: the run folder's Parquet tables
(engine/, io/writers.py), the stage files an incremental run reads back (io/sketches.py,
io/storyfeatures.py) and the DuckDB store's tables and column types (io/store.py). The
report, the query and the web app read these tables by the column names declared here.
"""
from __future__ import annotations

import pyarrow as pa

# --- the run folder (README "Output contract") -------------------------------------------
DOCUMENTS = pa.schema([
    ("doc_id", pa.string()), ("text", pa.string()), ("title", pa.string()),
    ("date", pa.string()), ("source", pa.string()), ("url", pa.string()),
    ("origin", pa.string()), ("chars", pa.int64()),
])
PAIRS = pa.schema([
    ("a", pa.string()), ("b", pa.string()), ("relation", pa.string()),
    ("resemblance", pa.float64()), ("containment_a", pa.float64()), ("containment_b", pa.float64()),
    ("story", pa.float64()), ("direction", pa.string()), ("direction_confidence", pa.float64()),
    ("direction_evidence", pa.string()), ("coverage_a", pa.float64()), ("coverage_b", pa.float64()),
    ("residual", pa.float64()), ("parallel", pa.float64()), ("reworded", pa.float64()),
    ("identity", pa.float64()), ("anchors", pa.int64()), ("facts", pa.float64()),
    ("specific", pa.float64()), ("fact_cover", pa.float64()),
])
PASSAGES = pa.schema([
    ("a", pa.string()), ("b", pa.string()), ("a_start", pa.int64()), ("a_end", pa.int64()),
    ("b_start", pa.int64()), ("b_end", pa.int64()), ("identity", pa.float64()),
])
EDITS = pa.schema([
    ("a", pa.string()), ("b", pa.string()), ("type", pa.string()), ("a_start", pa.int64()),
    ("a_end", pa.int64()), ("b_start", pa.int64()), ("b_end", pa.int64()),
    ("a_text", pa.string()), ("b_text", pa.string()),
])
FAMILIES = pa.schema([("doc_id", pa.string()), ("family_id", pa.string()), ("story_id", pa.string())])

# --- per-document rows an incremental run reads back from the store ----------------------
SKETCHES = pa.schema([
    ("doc_id", pa.string()), ("key", pa.string()), ("text_md5", pa.string()),
    ("content_hash", pa.string()), ("signature", pa.binary()), ("anchors", pa.binary()),
    ("lines", pa.binary()),
])
STORY_FEATURES = pa.schema([
    ("doc_id", pa.string()), ("key", pa.string()), ("text_md5", pa.string()),
    ("features", pa.string()), ("article_ctx", pa.string()), ("article", pa.string()),
])

# --- stage files the store reads from a run folder (io/store.py) --------------------------
# an incremental run (engine/incremental.py) writes the family and story of every document of
# the store here: a new copy can merge stored families, and families.parquet lists only the run's
UNION_FAMILIES = "families.store.parquet"
CHROME_FILE = "chrome.parquet"  # stages/: the run's chrome, source and line hash
DROPPED_FILE = "dropped.parquet"  # stages/: stored pairs an incremental run found stale (a, b)
CHROME = pa.schema([("source", pa.string()), ("hash", pa.uint64())])  # stages/chrome.parquet
DROPPED = pa.schema([("a", pa.string()), ("b", pa.string())])  # stages/dropped.parquet

# --- the store (io/store.py): DuckDB column types of every stored table ------------------
_S, _F, _I = "VARCHAR", "DOUBLE", "BIGINT"
STORE_TABLES: dict[str, list[tuple[str, str]]] = {
    "documents": [("doc_id", _S), ("text", _S), ("title", _S), ("date", _S), ("source", _S),
                  ("url", _S), ("origin", _S), ("chars", _I)],
    # the first columns of PAIRS; a run's other pair columns are added as they come
    # (io/store.py _add_extra_columns), so a store made by an older retold takes them too
    "pairs": [("a", _S), ("b", _S), ("relation", _S), ("resemblance", _F),
              ("containment_a", _F), ("containment_b", _F), ("story", _F), ("direction", _S),
              ("direction_confidence", _F), ("coverage_a", _F), ("coverage_b", _F),
              ("residual", _F), ("anchors", _I)],
    "passages": [("a", _S), ("b", _S), ("a_start", _I), ("a_end", _I), ("b_start", _I),
                 ("b_end", _I), ("identity", _F)],
    "edits": [("a", _S), ("b", _S), ("type", _S), ("a_start", _I), ("a_end", _I),
              ("b_start", _I), ("b_end", _I), ("a_text", _S), ("b_text", _S)],
    "families": [("doc_id", _S), ("family_id", _S), ("story_id", _S)],
    # n-gram hashes the corpus taught as formula (sketch/formula.py): what `compare --store`
    # reads so that a pair compared on its own still knows the corpus's banal phrasing
    "formula": [("hash", "UBIGINT")],
    # site chrome (text/boilerplate.py) of the corpus, per source: an incremental run
    # (engine/incremental.py) compares a stored pair again when its site's chrome changed
    "chrome": [("source", _S), ("hash", "UBIGINT")],
    # per-document sketch (io/sketches.py): an incremental run reads a stored document's
    # sketch here instead of tokenising its text again; valid for one text (text_md5) and one
    # version and set of sketch options (key)
    "sketches": [("doc_id", _S), ("key", _S), ("text_md5", _S), ("content_hash", _S),
                 ("signature", "BLOB"), ("anchors", "BLOB"), ("lines", "BLOB")],
    # story event features per document (io/storyfeatures.py): an incremental run reads a
    # stored document's features here; valid for one title and text (text_md5) and one key
    "story_features": [("doc_id", _S), ("key", _S), ("text_md5", _S), ("features", _S),
                       ("article_ctx", _S), ("article", _S)],
    "runs": [("run_id", _S), ("started", _S), ("finished", _S), ("config_json", _S),
             ("counts_json", _S), ("ingested", "TIMESTAMP DEFAULT current_timestamp")],
}
