import pytest

from retold.config import Config, load_config
from retold.errors import Err, RetoldError, RetoldIssue


def test_config_from_toml_and_overrides(tmp_path):
    f = tmp_path / "c.toml"
    f.write_text("[retold]\nnear_threshold = 0.9\nanchor_max_df = 5\n")
    cfg = load_config(f, overrides={"min_anchors": 4})
    assert (cfg.near_threshold, cfg.anchor_max_df, cfg.min_anchors) == (0.9, 5, 4)
    assert cfg.fingerprint() != Config().fingerprint()
    assert Config(workers=1).fingerprint() == Config(workers=2).fingerprint()  # not a result option


def test_unknown_or_bad_option_is_e030(tmp_path):
    f = tmp_path / "c.toml"
    f.write_text("near_treshold = 0.9\n")
    with pytest.raises(RetoldError) as e:
        load_config(f)
    assert e.value.code == Err.E030 and "near_treshold" in str(e.value)
    with pytest.raises(RetoldError):
        load_config(overrides={"min_anchors": "many"})


def test_every_error_has_a_message_and_a_fix_and_the_issue_names_the_place():
    for code in Err:
        assert code.message and code.fix, code
    text = str(RetoldIssue(Err.E010, "data/x.jsonl:7", "Expecting value"))
    assert text.startswith("[E010] data/x.jsonl:7:") and "Fix:" in text


def test_readme_lists_every_error_code():
    from pathlib import Path
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    for code in Err:
        assert f"| {code.name} |" in readme, f"{code.name} missing from README's error table"


@pytest.mark.parametrize("key, val", [
    ("shingle_n", 0), ("num_perm", 0), ("near_threshold", 1.5), ("near_threshold", float("nan")),
    ("batch_docs", 0), ("story_tau_days", 0.0), ("workers", -1), ("shingle_n", 4.5),
    ("min_anchors", True), ("near_resemblance", float("inf")), ("story_mode", "online"),
])
def test_out_of_range_values_are_refused_naming_key_and_range(key, val):
    with pytest.raises(RetoldError) as e:
        Config(**{key: val})
    assert e.value.code == Err.E030
    msg = str(e.value)
    assert key in msg and "must be" in msg


def test_range_message_gives_the_bounds():
    with pytest.raises(RetoldError) as e:
        Config(near_threshold=1.5)
    assert "near_threshold = 1.5" in str(e.value) and "> 0 and <= 1" in str(e.value)
    with pytest.raises(RetoldError) as e:
        Config(shingle_n=0)
    assert "from 1 to 20" in str(e.value)


def test_every_numeric_option_declares_its_range():
    from dataclasses import fields

    from retold.config import CHOICES, RANGES
    for f in fields(Config):
        default = getattr(Config, f.name)
        if f.name in CHOICES:
            continue
        assert isinstance(default, (int, float)) and f.name in RANGES, f"{f.name} has no range in RANGES"
        assert default in RANGES[f.name], f"{f.name}'s default is outside its own range"


def test_toml_values_are_range_checked_and_name_the_file(tmp_path):
    f = tmp_path / "c.toml"
    f.write_text("[retold]\nshingle_n = 0\n")
    with pytest.raises(RetoldError) as e:
        load_config(f)
    assert e.value.code == Err.E030 and "c.toml" in str(e.value) and "shingle_n = 0" in str(e.value)
    f.write_text("batch_docs = 2.0\nnear_threshold = 1\n")  # lossless conversions are fine
    cfg = load_config(f)
    assert cfg.batch_docs == 2 and isinstance(cfg.batch_docs, int) and cfg.near_threshold == 1.0
    f.write_text("batch_docs = 2.5\n")
    with pytest.raises(RetoldError) as e:
        load_config(f)
    assert e.value.code == Err.E030 and "batch_docs" in str(e.value)
    f.write_text("retold = 5\n")
    with pytest.raises(RetoldError) as e:
        load_config(f)
    assert e.value.code == Err.E030


def test_toml_syntax_error_names_the_file_and_line(tmp_path):
    f = tmp_path / "broken.toml"
    f.write_text("[retold]\nshingle_n = 5\nnear_threshold = = 0.8\n")
    with pytest.raises(RetoldError) as e:
        load_config(f)
    assert e.value.code == Err.E054
    assert "broken.toml" in str(e.value) and "line 3" in str(e.value)


def test_missing_config_file_is_a_coded_error(tmp_path):
    with pytest.raises(RetoldError) as e:
        load_config(tmp_path / "nope.toml")
    assert e.value.code == Err.E053 and "nope.toml" in str(e.value)
    with pytest.raises(RetoldError) as e:
        load_config(tmp_path)  # a folder is not a config file
    assert e.value.code == Err.E053


def test_replace_checks_ranges_too():
    with pytest.raises(RetoldError) as e:
        Config().replace(story_k=0)
    assert e.value.code == Err.E030 and "story_k" in str(e.value)
