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
