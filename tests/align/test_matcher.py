"""The compiled matcher gives difflib's answers (no junk) exactly."""
from __future__ import annotations

import difflib
import random

import numpy as np

from retold.align.matcher import as_codes, matching_blocks, opcodes, ratio


def _difflib(a, b):
    return difflib.SequenceMatcher(None, list(a), list(b), autojunk=False)


def test_random_sequences_match_difflib_block_for_block():
    rng = random.Random(7)
    for trial in range(3000):
        # small alphabets make repeats and ties, where the earliest longest block must win
        k = rng.choice([1, 2, 3, 5, 20])
        a = [rng.randrange(k) for _ in range(rng.randrange(0, 40))]
        b = [rng.randrange(k) for _ in range(rng.randrange(0, 40))]
        if rng.random() < 0.3:  # a copy with a few words changed
            b = [x if rng.random() > 0.1 else rng.randrange(k + 3) for x in a]
        sm = _difflib(a, b)
        xa, xb = np.array(a, dtype=np.int64), np.array(b, dtype=np.int64)
        assert matching_blocks(xa, xb).tolist() == [list(m) for m in sm.get_matching_blocks()], (a, b)
        assert opcodes(xa, xb) == sm.get_opcodes(), (a, b)
        assert ratio(xa, xb) == sm.ratio()


def test_token_hashes_and_letters():
    from retold.text.normalise import tokenize
    a = tokenize("Police said the man, 24, was shot on Friday near Elm Street. trending news")
    b = tokenize("Police said a man aged 24 was shot dead on Friday near Elm St.")
    assert opcodes(a.hashes, b.hashes) == _difflib(a.keys, b.keys).get_opcodes()
    for x, y in (("jansha", "jansa"), ("okafor", "okaffor"), ("Zürich", "Zurich"), ("", "abc"), ("", "")):
        assert ratio(as_codes(x), as_codes(y)) == difflib.SequenceMatcher(None, x, y, autojunk=False).ratio()
