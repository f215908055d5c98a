from __future__ import annotations

import os
import stat

import pytest

from retold.report import render_run_report, write_run_report
from retold.report import html as report_html


def test_write_replaces_the_report_and_leaves_no_temp_files(run_dir):
    old = run_dir / "report.html"
    old.write_text("old report", encoding="utf-8")
    old.chmod(0o640)
    before = set(os.listdir(run_dir))
    out = write_run_report(run_dir)
    assert out == old
    assert out.read_text(encoding="utf-8") == render_run_report(run_dir)
    assert set(os.listdir(run_dir)) == before
    assert stat.S_IMODE(out.stat().st_mode) == 0o640  # the replaced report's mode is kept


def test_new_report_is_readable_by_others(run_dir, tmp_path):
    out = write_run_report(run_dir, tmp_path / "sub" / "r.html")
    assert out == tmp_path / "sub" / "r.html"
    assert stat.S_IMODE(out.stat().st_mode) == 0o644  # not mkstemp's private 0600
    assert os.listdir(out.parent) == ["r.html"]


def test_failed_write_keeps_the_old_report(run_dir, monkeypatch):
    old = run_dir / "report.html"
    old.write_text("old report", encoding="utf-8")
    before = set(os.listdir(run_dir))

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(report_html.os, "replace", broken_replace)
    with pytest.raises(OSError):
        write_run_report(run_dir)
    assert old.read_text(encoding="utf-8") == "old report"
    assert set(os.listdir(run_dir)) == before
