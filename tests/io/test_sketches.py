"""Sketch rows (io/sketches.py): what the store keeps per document for incremental runs."""
from __future__ import annotations

import numpy as np

from retold.config import Config
from retold.engine import stages
from retold.io.sketches import from_table, sketch_key, text_digest, to_table


def test_rows_give_back_the_sketch_they_were_made_from():
    texts = ["The council met on Tuesday to vote on the new budget for the city.\nShare this",
             "", "A short one."]
    cfg = Config()
    batch = stages.sketch(texts, cfg)
    rows = from_table(to_table(["a", "b", "c"], texts, batch.content_hashes, batch.signatures,
                               batch.anchors, batch.lines, sketch_key(cfg, "1")), cfg.num_perm)
    assert rows.doc_ids == ["a", "b", "c"]
    assert rows.content_hashes == batch.content_hashes
    assert np.array_equal(rows.signatures, batch.signatures)
    for got, want in zip(rows.anchors + rows.lines, batch.anchors + batch.lines):
        assert got.dtype == np.uint64 and got.tolist() == want.tolist()


def test_the_key_names_every_option_the_sketch_depends_on():
    cfg = Config()
    keys = {sketch_key(c, v) for c, v in ((cfg, "1"), (cfg, "2"), (cfg.replace(shingle_n=4), "1"),
                                           (cfg.replace(anchor_n=4), "1"), (cfg.replace(num_perm=64), "1"),
                                           (cfg.replace(seed=3), "1"))}
    assert len(keys) == 6
    assert sketch_key(cfg.replace(workers=1), "1") == sketch_key(cfg, "1")
    import duckdb
    assert text_digest("Janša é") == duckdb.connect().execute("SELECT md5('Janša é')").fetchall()[0][0]
