import json

from typer.testing import CliRunner

from retold.cli import app

runner = CliRunner()
A = ("Rescue teams pulled four survivors from the rubble of the collapsed school early on Sunday. "
     "Governor Aleksandr Petrenko promised a full inquiry into the building permits.")
B = "Dark Mode\n" + A.replace("four", "five").replace("Petrenko", "Petrenco") + " viral trending"


def test_compare_json_prints_the_contract(tmp_path):
    (tmp_path / "a.txt").write_text(A)
    (tmp_path / "b.txt").write_text(B)
    res = runner.invoke(app, ["compare", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), "--json"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    assert d["a"]["id"] == "a" and d["relation"] == "near_duplicate"
    types = {e["type"] for e in d["edits"]}
    assert {"number_change", "name_variant", "junk_token"} <= types


def test_compare_readable_output_and_html(tmp_path):
    (tmp_path / "a.txt").write_text(A)
    (tmp_path / "b.txt").write_text(B.replace("Dark Mode", "<script>alert(1)</script>"))
    page = tmp_path / "cmp.html"
    res = runner.invoke(app, ["compare", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), "--html", str(page)])
    assert res.exit_code == 0, res.output
    assert "near_duplicate" in res.stdout and "number changed" in res.stdout
    html = page.read_text()
    assert "<script>alert" not in html and "alert(1)</script>" not in html
    assert "script&gt;alert(1)&lt;/s" in html


def test_compare_missing_file_names_it_with_a_code(tmp_path):
    (tmp_path / "a.txt").write_text(A)
    res = runner.invoke(app, ["compare", str(tmp_path / "a.txt"), str(tmp_path / "nope.txt")])
    assert res.exit_code == 2
    assert "E020" in res.output and "nope.txt" in res.output


def test_run_quiet_and_summary(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "a.txt").write_text(A)
    (d / "b.txt").write_text(B)
    (d / "bad.txt").write_bytes(b"\xff\xfe\x00\x00")
    res = runner.invoke(app, ["run", str(d), "--out", str(tmp_path / "r"), "--quiet"])
    assert res.exit_code == 0, res.output
    assert "pairs by relation" not in res.stdout
    assert (tmp_path / "r" / "report.html").exists()
    res = runner.invoke(app, ["run", str(d), "--out", str(tmp_path / "r2"), "--store", str(tmp_path / "s.duckdb")])
    assert res.exit_code == 0, res.output
    assert "pairs by relation" in res.stdout and "near_duplicate" in res.stdout
    assert "bad.txt" in res.output  # the skipped file is named
    assert (tmp_path / "s.duckdb").exists()


def test_eval_demo_scores_the_shipped_corpus(tmp_path):
    res = runner.invoke(app, ["eval", "demo", "--out", str(tmp_path / "run")])
    assert res.exit_code == 0, res.output
    assert "original → copy pairs" in res.stdout and "typed differences" in res.stdout
    assert "rewrite" in res.stdout and (tmp_path / "run" / "pairs.parquet").exists()


def test_eval_unknown_benchmark_is_a_clear_error():
    res = runner.invoke(app, ["eval", "nope"])
    assert res.exit_code == 2 and "E030" in res.output and "pan13" in res.output
