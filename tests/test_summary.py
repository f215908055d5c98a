"""The terminal summary picks its examples from the run's tables as the README says: the
largest families (equal sizes in the order they first appear) and the rewrite with the most
kinds of edits (the first of them in the pairs table)."""
import pyarrow as pa
import pyarrow.parquet as pq

from retold.engine.local import RunResult
from retold.schema import EDITS, FAMILIES, PAIRS
from retold.summary import _explained_pair, _largest_families


def _result(tmp_path, families, documents, pairs, edits):
    pq.write_table(pa.table({k: [r[i] for r in families] for i, k in enumerate(FAMILIES.names)}, schema=FAMILIES),
                   tmp_path / "families.parquet")
    pq.write_table(pa.table({"doc_id": [d[0] for d in documents], "title": [d[1] for d in documents],
                             "date": [d[2] for d in documents]}), tmp_path / "documents.parquet")
    rows = [dict(a=a, b=b, relation=r) for a, b, r in pairs]
    pq.write_table(pa.table({k: [r.get(k) for r in rows] for k in PAIRS.names}, schema=PAIRS),
                   tmp_path / "pairs.parquet")
    rows = [dict(a=a, b=b, type=t, a_text=t, b_text="") for a, b, t in edits]
    pq.write_table(pa.table({k: [r.get(k) for r in rows] for k in EDITS.names}, schema=EDITS),
                   tmp_path / "edits.parquet")
    return RunResult(tmp_path, {}, [])


def test_largest_families_and_the_explained_pair(tmp_path):
    families = [("d1", "f2", "s"), ("d2", "f1", "s"), ("d3", "f2", "s"), ("d4", "f1", "s"),
                ("d5", "f3", "s"), ("d6", "f4", "s"), ("d7", "f4", "s"), ("d8", "f4", "s")]
    documents = [("d1", "one", "2024-05-02"), ("d2", "two", None), ("d3", "three", "2024-05-01"),
                 ("d4", "four", "2024-06-01"), ("d5", "five", None), ("d6", "six", None),
                 ("d7", "seven", None), ("d8", "eight", None)]
    pairs = [("d1", "d3", "near_duplicate"), ("d2", "d4", "rewrite"), ("d6", "d7", "rewrite"),
             ("d6", "d8", "rewrite"), ("d7", "d8", "reuse")]
    edits = [("d1", "d3", "paraphrase"), ("d1", "d3", "number_change"), ("d1", "d3", "date_change"),
             ("d2", "d4", "paraphrase"), ("d2", "d4", "paraphrase"),  # one kind, twice
             ("d6", "d8", "number_change"), ("d6", "d8", "paraphrase"),
             ("d7", "d8", "junk_token"), ("d7", "d8", "boilerplate"), ("d7", "d8", "paraphrase"),
             ("d6", "d7", "name_variant"), ("d6", "d7", "quote_change")]
    result = _result(tmp_path, families, documents, pairs, edits)
    # f4 is largest; f2 and f1 tie and keep the order they first appear in; f3 is one document.
    # The first by date is the earliest dated member (undated last), then by id.
    assert _largest_families(result) == [("f4", 3, "d6", "six"), ("f2", 2, "d3", "three"),
                                         ("f1", 2, "d4", "four")]
    assert _largest_families(result, k=1) == [("f4", 3, "d6", "six")]
    pair, its_edits = _explained_pair(result)
    # a rewrite is shown before any reuse or reprint, whatever their edits; of the rewrites
    # d6-d7 and d6-d8 tie on two kinds and d6-d7 comes first in the pairs table
    assert (pair["a"], pair["b"], pair["relation"]) == ("d6", "d7", "rewrite")
    assert [e["type"] for e in its_edits] == ["name_variant", "quote_change"]


def test_no_edits_no_explained_pair(tmp_path):
    result = _result(tmp_path, [("d1", "f1", "s")], [("d1", "t", None)], [], [])
    assert _explained_pair(result) is None
    assert _largest_families(result) == []
