import json

import pytest

import retold
from retold.config import Config
from retold.errors import Err, RetoldError
from retold.io import limits


def _corpus(tmp_path, n=40):
    path = tmp_path / "in.jsonl"
    with path.open("w") as fh:
        for i in range(n):
            fh.write(json.dumps({"id": f"d{i}", "text": f"Report number {i} on the harbour works. " * 40}) + "\n")
    return path


def test_a_run_over_its_memory_budget_stops_after_ingest_with_a_code(tmp_path):
    src = _corpus(tmp_path)
    chars = 40 * len("Report number 10 on the harbour works. " * 40)
    # a budget just under what the measured line asks for these texts
    budget = (limits.run_memory_estimate(chars) - 2**20) / 2**30
    with pytest.raises(RetoldError) as e:
        retold.run([str(src)], out=tmp_path / "out", config=Config(max_memory_gb=budget))
    assert e.value.code is Err.E062
    assert "40 documents" in str(e.value) and "fit" in str(e.value)
    assert not (tmp_path / "out" / "pairs.parquet").exists()
    # the same run with room for it goes through; the budget is no part of the results' identity
    r = retold.run([str(src)], out=tmp_path / "out", config=Config(max_memory_gb=budget + 0.01))
    assert r.counts["documents"] == 40
    assert Config(max_memory_gb=1.0).fingerprint() == Config().fingerprint()


def test_the_check_names_how_many_documents_fit():
    chars = 400_000_000  # 10,000 documents of 40,000 characters: the part per character dominates
    need = limits.run_memory_estimate(chars)
    assert limits.run_memory_check(chars, 10_000, need / 2**30) is None
    msg = limits.run_memory_check(chars, 10_000, need / 2**30 / 2)
    fits = int(msg.rsplit("about ", 1)[1].split()[0].replace(",", ""))
    assert 0 < fits < 10_000
    assert "not even" in limits.run_memory_check(chars, 10_000, 0.1)  # under the fixed part
    assert limits.available_memory() is None or limits.available_memory() > 0


def test_a_negative_budget_is_a_config_error():
    with pytest.raises(RetoldError) as e:
        Config(max_memory_gb=-1)
    assert e.value.code is Err.E030 and "max_memory_gb" in str(e.value)
