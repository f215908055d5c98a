"""Issue 12: the spark engine (PySpark local mode) writes the run folder the local engine
writes, for the same input in any order and any number of partitions, resumes a stopped run,
and says what to install when PySpark or Java is missing."""
import json
import os
import random
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

import retold
from retold.cli import app
from retold.config import Config
from retold.engine import local, sparksession
from retold.errors import Err, RetoldError

from ._tables import groups, pairs

DEMO = Path(__file__).resolve().parents[2] / "demo" / "corpus" / "docs.jsonl"
TABLES = ("documents", "families", "pairs", "passages", "edits")


@pytest.fixture(scope="module")
def spark():
    """One local-mode session for every test here (starting one takes 10-20 s; it is stopped
    after them, so its JVM does not sit beside the rest of the suite); SparkEngine runs on the
    active session. Fails (never skips) in CI when PySpark or Java is missing."""
    problem = None
    try:
        sparksession.import_pyspark()
    except RetoldError as e:
        problem = str(e)
    if problem is None and not sparksession.java_found():
        problem = "no java on PATH (.ci/run installs openjdk-17-jre-headless)"
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"the spark engine cannot be tested: {problem}")
        pytest.skip(problem)
    with sparksession.spark_session(None, 2) as session:
        yield session


@pytest.fixture(scope="module")
def local_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("local") / "run"
    retold.run([DEMO], out=out, config=Config(workers=1))
    return out


def _rows(out: Path, name: str) -> list[tuple[tuple, tuple]]:
    """A table's rows sorted by their non-float values, as (those values, the floats)."""
    tbl = pq.read_table(out / f"{name}.parquet")
    floats = [f.name for f in tbl.schema if pa.types.is_floating(f.type)]
    rest = [c for c in tbl.column_names if c not in floats]
    rows = [(tuple(r[c] for c in rest), tuple(r[c] for c in floats)) for r in tbl.to_pylist()]
    return sorted(rows, key=lambda r: repr(r[0]))


def _assert_same_tables(one: Path, two: Path) -> None:
    for name in TABLES:
        a, b = _rows(one, name), _rows(two, name)
        assert len(a) == len(b) and len(a) > 0, name
        assert [r[0] for r in a] == [r[0] for r in b], name
        for (key, x), (_, y) in zip(a, b):
            assert all((u is None and v is None) or v == pytest.approx(u, abs=1e-9) for u, v in zip(x, y)), \
                (name, key, x, y)


def test_spark_writes_the_local_engines_run_folder(spark, local_run, tmp_path):
    out = tmp_path / "spark"
    result = retold.run([DEMO], out=out, config=Config(workers=1), engine="spark")
    _assert_same_tables(local_run, out)
    info = json.loads((out / "run.json").read_text())
    assert info["engine"] == "spark"
    assert info["counts"] == json.loads((local_run / "run.json").read_text())["counts"] == result.counts
    for f in ("report.html", "retold.duckdb", "rejects.jsonl", "stages/sketch.npz", "stages/candidates.npz",
              "stages/stories.npz", "stages/formula.npy"):
        assert (out / f).exists(), f
    # the candidate joins on DataFrames propose exactly the driver-side stage's pairs
    import numpy as np
    for name in ("candidates", "stories"):
        mine, theirs = np.load(out / "stages" / f"{name}.npz"), np.load(local_run / "stages" / f"{name}.npz")
        for k in theirs.files:
            assert np.array_equal(mine[k], theirs[k]), (name, k)


def test_the_candidate_joins_equal_the_stage_function_where_limits_bite(spark, local_run):
    """Big LSH buckets made stars and the per-document anchor cap (tight limits, a loose
    threshold): paths the demo's defaults never take (the parity test covers those)."""
    import numpy as np
    from retold.engine import sparkcandidates, stages
    from retold.engine.local import read_sketch
    batch = read_sketch(local_run / "stages")
    docs = pq.read_table(local_run / "documents.parquet")
    dates, ids = docs.column("date").to_pylist(), docs.column("doc_id").to_pylist()
    cfg = Config(near_threshold=0.3, max_bucket=3, anchor_max_df=3, min_anchors=1, max_candidates_per_doc=2)
    want = stages.candidates(batch, dates, cfg, ids)
    got = sparkcandidates.candidates(spark, batch, dates, cfg, slices=3, ids=ids)
    assert len(want.pairs) > 0
    for k in ("pairs", "anchors", "exact_pairs"):
        assert np.array_equal(getattr(got, k), getattr(want, k)), k


def test_input_order_and_partitions_do_not_change_the_output(spark, local_run, tmp_path):
    from retold.engine.spark import SparkEngine
    lines = DEMO.read_text(encoding="utf-8").splitlines()
    random.Random(12).shuffle(lines)
    parts = tmp_path / "parts"
    parts.mkdir()
    for k in range(2):
        (parts / f"part-{k}.jsonl").write_text("\n".join(lines[k::2]) + "\n", encoding="utf-8")
    out = tmp_path / "spark"
    SparkEngine(Config(workers=1), partitions=5).run([parts], out, report=False)
    assert pairs(out) == pairs(local_run)
    for column in ("family_id", "story_id"):
        assert groups(out, column) == groups(local_run, column)


def test_a_stopped_spark_run_resumes_to_the_same_tables(spark, local_run, tmp_path, monkeypatch):
    from retold.engine import spark as spark_engine
    out = tmp_path / "spark"
    engine = spark_engine.SparkEngine(Config(workers=1))
    monkeypatch.setattr(local, "CHUNK_PAIRS", 100)  # a few chunks, so the run can stop between them

    def stop(*args):
        raise KeyboardInterrupt

    # stopped after the sketch stage
    with monkeypatch.context() as m:
        m.setattr(spark_engine.SparkEngine, "_find_candidates", stop)
        with pytest.raises(KeyboardInterrupt):
            engine.run([DEMO], out, report=False)
    sketch = (out / "stages" / "sketch.npz").stat().st_mtime_ns
    assert not (out / "stages" / "candidates.npz").exists()

    # stopped in the compare stage, after two chunks
    written = []

    def two_chunks(path, tables, counts):
        if len(written) == 2:
            raise KeyboardInterrupt
        local.write_chunk(path, tables, counts)
        written.append(path)

    with monkeypatch.context() as m:
        m.setattr(spark_engine, "write_chunk", two_chunks)
        with pytest.raises(KeyboardInterrupt):
            engine.run([DEMO], out, report=False)
    assert sorted((out / "stages" / "compare").glob("*.done")) == sorted(written)
    kept = {p: p.stat().st_mtime_ns for p in written}

    engine.run([DEMO], out, report=False)
    _assert_same_tables(local_run, out)
    assert (out / "stages" / "sketch.npz").stat().st_mtime_ns == sketch  # not done again
    assert {p: p.stat().st_mtime_ns for p in written} == kept
    assert len(list((out / "stages" / "compare").glob("*.done"))) > len(written)


def test_the_cli_runs_the_spark_engine(spark, tmp_path):
    small = tmp_path / "small.jsonl"
    small.write_text("\n".join(DEMO.read_text(encoding="utf-8").splitlines()[:60]) + "\n", encoding="utf-8")
    out = tmp_path / "run"
    res = CliRunner().invoke(app, ["run", str(small), "--out", str(out), "--engine", "spark",
                                   "--master", "local[1]", "-q"])
    assert res.exit_code == 0, res.output
    info = json.loads((out / "run.json").read_text())
    assert info["engine"] == "spark" and info["counts"]["documents"] == 60
    assert (out / "families.parquet").exists() and (out / "report.html").exists()


def test_without_pyspark_the_spark_engine_names_the_extra(tmp_path, monkeypatch):
    for name in [m for m in sys.modules if m == "pyspark" or m.startswith("pyspark.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "pyspark", None)  # import pyspark raises ImportError
    with pytest.raises(RetoldError) as e:
        retold.run([DEMO], out=tmp_path / "a", engine="spark")
    assert e.value.code is Err.E060 and "retold[spark]" in str(e.value)
    assert not (tmp_path / "a").exists()  # refused before the run folder is made
    res = CliRunner().invoke(app, ["run", str(DEMO), "--out", str(tmp_path / "b"), "--engine", "spark", "-q"])
    assert res.exit_code != 0 and "E060" in res.output and "pip install 'retold[spark]'" in res.output


def test_without_java_the_spark_engine_says_so(spark, tmp_path, monkeypatch):
    from pyspark.sql import SparkSession
    monkeypatch.setattr(SparkSession, "getActiveSession", classmethod(lambda cls: None))
    monkeypatch.setattr(sparksession, "java_found", lambda: False)
    with pytest.raises(RetoldError) as e:
        retold.run([DEMO], out=tmp_path / "a", engine="spark")
    assert e.value.code is Err.E061 and "openjdk-17-jre-headless" in str(e.value)
    assert not (tmp_path / "a").exists()


def test_an_unknown_engine_or_a_master_without_spark_is_a_config_error(tmp_path):
    for kw in ({"engine": "dask"}, {"master": "local[2]"}):
        with pytest.raises(RetoldError) as e:
            retold.run([DEMO], out=tmp_path / "a", **kw)
        assert e.value.code is Err.E030


def test_dedup_on_spark_finds_the_local_pairs_and_families(spark, tmp_path):
    local_out, spark_out = tmp_path / "local", tmp_path / "spark"
    retold.dedup([DEMO], out=local_out, config=Config(workers=1))
    res = CliRunner().invoke(app, ["dedup", str(DEMO), "--out", str(spark_out), "--engine", "spark",
                                   "--master", "local[2]", "-q"])
    assert res.exit_code == 0, res.output
    assert json.loads((spark_out / "run.json").read_text())["engine"] == "spark"
    for name in ("pairs", "families", "documents"):
        a, b = _rows(local_out, name), _rows(spark_out, name)
        assert len(a) == len(b) and len(a) > 0, name
        assert [r[0] for r in a] == [r[0] for r in b], name
        assert all(x == pytest.approx(y, abs=1e-9) for (_, x), (_, y) in zip(a, b)), name
    with pytest.raises(RetoldError) as e:
        retold.dedup([DEMO], out=tmp_path / "x", master="local[2]")
    assert e.value.code is Err.E030


def _store_rows(store: Path) -> dict[str, list]:
    """Every store table but `runs` (which names the run folder and the time), its rows
    sorted, the floats rounded."""
    from retold.io.store import Store

    def row(r: dict) -> str:
        return repr(tuple((k, round(v, 9) if isinstance(v, float) else v) for k, v in sorted(r.items())))
    with Store(store, read_only=True) as s:  # the table names are this test's own
        return {t: sorted(map(row, s.con.sql(f"SELECT * FROM {t}").to_arrow_table().to_pylist()))
                for t in ("documents", "pairs", "passages", "edits", "families", "formula", "chrome",
                          "sketches", "story_features")}


def test_spark_adds_documents_to_a_store_as_the_local_engine_does(spark, tmp_path):
    """Issue 12: an incremental run (`--store`) on Spark: two halves of a shuffled demo subset
    added one after the other give the store the local engine's incremental runs give."""
    lines = DEMO.read_text(encoding="utf-8").splitlines()
    random.Random(5).shuffle(lines)
    lines = lines[:240]
    halves = [tmp_path / "a.jsonl", tmp_path / "b.jsonl"]
    halves[0].write_text("\n".join(lines[:120]) + "\n", encoding="utf-8")
    halves[1].write_text("\n".join(lines[120:]) + "\n", encoding="utf-8")
    second = {}
    for engine in ("local", "spark"):
        for k, half in enumerate(halves):
            second[engine] = retold.run([half], out=tmp_path / f"{engine}-{k}", store=tmp_path / f"{engine}.duckdb",
                                        config=Config(workers=1), engine=engine)
    assert second["spark"].counts == second["local"].counts
    assert second["spark"].counts["new_documents"] == 120 and second["spark"].counts["store_documents"] == 240
    local_rows, spark_rows = _store_rows(tmp_path / "local.duckdb"), _store_rows(tmp_path / "spark.duckdb")
    assert len(local_rows["documents"]) == 240 and local_rows["pairs"] and local_rows["sketches"]
    for name in local_rows:
        assert spark_rows[name] == local_rows[name], name


def test_compare_tasks_carry_only_the_documents_their_pairs_name():
    """No broadcast of the corpus: a compare task holds the documents of its own pairs, by
    their index in the run, and nothing else."""
    import numpy as np

    from retold.engine.spark import _with_documents
    from retold.model import Document
    docs = [Document(f"d{i}", f"text {i}") for i in range(50)]
    pairs = np.array([[3, 17], [3, 40], [17, 41]], dtype=np.int64)
    key, got_pairs, anchors, got = _with_documents(docs, 7, pairs, np.zeros(3, np.int64))
    assert key == 7 and got_pairs is pairs and len(anchors) == 3
    assert sorted(got) == [3, 17, 40, 41]
    assert all(got[i] is docs[i] for i in got)
