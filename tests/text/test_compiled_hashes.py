"""The compiled word-window and line hashes equal the numpy formulas they replaced."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from retold.text.boilerplate import _POS, line_hashes, token_lines
from retold.text.normalise import tokenize
from retold.text.shingle import _MUL, mix64, shingles

DEMO = Path(__file__).resolve().parents[2] / "demo" / "corpus" / "docs.jsonl"


def _numpy_shingles(hashes: np.ndarray, n: int) -> np.ndarray:
    n = min(n, len(hashes))
    count = len(hashes) - n + 1
    with np.errstate(over="ignore"):
        acc = np.zeros(count, dtype=np.uint64)
        for k in range(n):
            acc = (acc * _MUL) ^ hashes[k:k + count]
        return mix64(acc + np.uint64(n))


def _numpy_lines(text, toks):
    chars = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    line_of = np.searchsorted(np.flatnonzero(chars == 10), toks.starts)
    first = np.flatnonzero(np.concatenate(([True], line_of[1:] != line_of[:-1])))
    pos = np.arange(len(toks)) - np.repeat(first, np.diff(np.append(first, len(toks))))
    with np.errstate(over="ignore"):
        mixed = mix64(toks.shapes ^ (pos.astype(np.uint64) * _POS))
    return line_of, first, np.bitwise_xor.reduceat(mixed, first)


def _texts() -> list[str]:
    texts = [json.loads(line)["text"] for line in DEMO.read_text(encoding="utf-8").splitlines()[:150]]
    return texts + ["one", "a b", "\n\nx\n", "é\n🙂 ü\n\n  z w\n", "no break at all here"]


def test_windows_are_the_numpy_formula():
    for text in _texts():
        h = tokenize(text).hashes
        for n in (1, 2, 3, 5, 8):
            assert shingles(h, n).tolist() == _numpy_shingles(h, n).tolist()
    assert len(shingles(np.zeros(0, dtype=np.uint64), 5)) == 0


def test_line_numbers_and_hashes_are_the_numpy_formula():
    for text in _texts():
        toks = tokenize(text)
        line_of, first, hashes = _numpy_lines(text, toks)
        got_line, got_first = token_lines(text, toks)
        assert got_line.tolist() == line_of.tolist() and got_first.tolist() == first.tolist()
        assert line_hashes(text, toks).tolist() == hashes.tolist()
