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


def test_version_flag_and_command():
    from retold import __version__
    for args in (["--version"], ["version"]):
        res = runner.invoke(app, args)
        assert res.exit_code == 0 and res.stdout.strip() == __version__


def test_run_config_errors_are_coded_and_name_the_file(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "a.txt").write_text(A)
    bad = tmp_path / "bad.toml"
    for text, code in (("[retold]\nshingle_n = 0\n", "E030"), ("[retold\nshingle_n = 5\n", "E054"),
                       ("batch_docs = 0\n", "E030")):
        bad.write_text(text)
        res = runner.invoke(app, ["run", str(d), "--out", str(tmp_path / "r"), "--config", str(bad), "-q"])
        assert res.exit_code == 2 and code in res.output and "bad.toml" in res.output, res.output
        assert "Traceback" not in res.output
    res = runner.invoke(app, ["run", str(d), "--out", str(tmp_path / "r"), "--config", str(tmp_path / "no.toml")])
    assert res.exit_code == 2 and "E053" in res.output and "no.toml" in res.output
    assert not (tmp_path / "r").exists()  # nothing was written before the config was valid


def test_run_refuses_a_foreign_out_folder_naming_it(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "a.txt").write_text(A)
    mine = tmp_path / "photos"
    mine.mkdir()
    (mine / "cat.jpg").write_bytes(b"\xff\xd8 not really")
    res = runner.invoke(app, ["run", str(d), "--out", str(mine), "--force", "-q"])
    assert res.exit_code == 2 and "E051" in res.output and str(mine) in res.output
    assert sorted(p.name for p in mine.iterdir()) == ["cat.jpg"]
    res = runner.invoke(app, ["run", str(d), "--out", str(d / "out"), "-q"])
    assert res.exit_code == 2 and "E052" in res.output


def test_ctrl_c_in_run_and_compare_is_coded_with_exit_130(tmp_path, monkeypatch):
    import retold.api
    (tmp_path / "a.txt").write_text(A)
    (tmp_path / "b.txt").write_text(B)

    def interrupted(*args, **kw):
        raise KeyboardInterrupt

    monkeypatch.setattr(retold.api, "compare", interrupted)
    res = runner.invoke(app, ["compare", str(tmp_path / "a.txt"), str(tmp_path / "b.txt")])
    assert res.exit_code == 130 and "E055" in res.output and "Traceback" not in res.output
    monkeypatch.setattr(retold.api, "run", interrupted)
    res = runner.invoke(app, ["run", str(tmp_path / "a.txt"), "--out", str(tmp_path / "r"), "-q"])
    assert res.exit_code == 130 and "E055" in res.output
    assert "run the same command again" in res.output and "--out" in res.output


def test_compare_with_a_store_in_use_or_not_a_store_is_coded(tmp_path):
    import subprocess
    import sys
    (tmp_path / "a.txt").write_text(A)
    (tmp_path / "b.txt").write_text(B)
    junk = tmp_path / "junk.duckdb"
    junk.write_text("not a database\n" * 100)
    res = runner.invoke(app, ["compare", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), "--store", str(junk)])
    assert res.exit_code == 2 and "E057" in res.output and "junk.duckdb" in res.output
    store = tmp_path / "s.duckdb"
    hold = ("import sys, duckdb; c = duckdb.connect(sys.argv[1]); print('ok', flush=True); "
            "sys.stdin.readline()")
    holder = subprocess.Popen([sys.executable, "-c", hold, str(store)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ok"
        res = runner.invoke(app, ["compare", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"),
                                  "--store", str(store)])
        assert res.exit_code == 2 and "E050" in res.output and "--store" in res.output
        assert "Traceback" not in res.output and "Could not set lock" not in res.output
    finally:
        holder.kill()
        holder.wait()


def test_compare_html_to_an_unwritable_place_is_coded(tmp_path):
    (tmp_path / "a.txt").write_text(A)
    (tmp_path / "b.txt").write_text(B)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    res = runner.invoke(app, ["compare", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"),
                              "--html", str(blocker / "page.html")])
    assert res.exit_code == 2 and "E056" in res.output and "page.html" in res.output
