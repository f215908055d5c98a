"""Run data read in place (io/mapped.py): the values written, read-only, and pages that
`release` and `release_array` take out of the process while the data stays readable."""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from retold.io import mapped


def _mapped_kb(path: Path) -> int:
    """Kilobytes of file `path` this process has mapped in memory now (/proc/self/smaps)."""
    total, inside = 0, False
    for line in Path("/proc/self/smaps").read_text().splitlines():
        if re.match(r"[0-9a-f]+-[0-9a-f]+ ", line):  # a mapping's first line: address range ... path
            inside = line.rstrip().endswith(str(path))
        elif inside and line.startswith("Rss:"):
            total += int(line.split()[1])
    return total


def _written(path: Path, n: int) -> np.ndarray:
    np.arange(n, dtype="<u8").tofile(path)
    return mapped.map_raw(path, "<u8")


def test_map_raw_reads_a_headerless_file_and_refuses_a_torn_one(tmp_path):
    values = np.arange(1000, dtype="<u8") * 7919
    values.tofile(tmp_path / "v.u64")
    got = mapped.map_raw(tmp_path / "v.u64", "<u8")
    assert np.array_equal(got, values) and not got.flags.writeable
    with pytest.raises(ValueError):
        got[0] = 1
    (tmp_path / "e.u64").write_bytes(b"")
    assert len(mapped.map_raw(tmp_path / "e.u64", "<u8")) == 0
    (tmp_path / "torn.u64").write_bytes(b"\0" * 12)
    with pytest.raises(ValueError, match="torn.u64"):
        mapped.map_raw(tmp_path / "torn.u64", "<u8")


def test_release_takes_the_pages_out_of_the_process_and_the_data_stays(tmp_path):
    path = tmp_path / "big.u64"
    got = _written(path, 4_000_000)  # 32 MB
    assert int(got.sum()) == 4_000_000 * 3_999_999 // 2
    assert _mapped_kb(path) > 30_000  # every page was read
    mapped.release()
    assert _mapped_kb(path) < 100
    assert int(got[-1]) == 3_999_999 and _mapped_kb(path) < 100  # one page read again


def test_release_array_gives_back_the_pages_under_one_array_only(tmp_path):
    path = tmp_path / "two.u64"
    got = _written(path, 4_000_000)
    assert int(got.sum()) == 4_000_000 * 3_999_999 // 2
    mapped.release_array(got[:2_000_000])  # the first half's pages
    assert 14_000 < _mapped_kb(path) < 17_000
    mapped.release_array(np.arange(10))  # an array of the heap: nothing to give back
    assert 14_000 < _mapped_kb(path) < 17_000
    assert int(got[:2_000_000].sum()) == 2_000_000 * 1_999_999 // 2  # read again from the file
