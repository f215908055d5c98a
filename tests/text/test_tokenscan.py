"""The compiled scan finds the tokens `tokenize` finds, and hashes equal keys equally."""
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from retold.text.normalise import tokenize
from retold.text.tokenscan import key_hash, scan_texts

# characters the token rules turn on: digits, separators, apostrophes, letters with accents,
# ligatures, full-width digits, characters beyond the basic plane, the text separator itself
ALPHABET = st.sampled_from(list("aZ9 .,:/'’_-\n\x00éÉßﬁ２٣") + ["\U0001d7d9", "\U0001f600", "İ", "Σ", "ς", "\ud800"])


def _expected(text: str) -> np.ndarray:
    return np.array([key_hash(k) for k in tokenize(text).keys], dtype=np.uint64)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(ALPHABET, max_size=40), min_size=1, max_size=5))
def test_scan_splits_and_keys_as_tokenize(texts):
    hashes, offsets = scan_texts(texts)
    assert len(offsets) == len(texts) + 1 and offsets[-1] == len(hashes)
    for t, text in enumerate(texts):
        assert np.array_equal(hashes[offsets[t]:offsets[t + 1]], _expected(text)), text


def test_scan_on_news_like_text():
    text = ("Ra’isi's café opened on Jan. 5th; 1,200.5 tonnes at 10:30 (3/4 of JANSA ﬁle). "
            "Janša said: \"don't\" x_y 𝟙𝟚 Σίσυφος")
    hashes, offsets = scan_texts([text, "", "abc"])
    assert list(offsets) == [0, len(tokenize(text)), len(tokenize(text)), len(tokenize(text)) + 1]
    assert np.array_equal(hashes[:offsets[1]], _expected(text))
    keys = tokenize(text).keys
    # one key, one hash, whether the token was ASCII ("JANSA") or not ("Janša")
    assert keys.count("jansa") == 2
    assert hashes[keys.index("jansa")] == hashes[len(keys) - 1 - keys[::-1].index("jansa")]
    assert len(set(hashes.tolist())) < len(hashes)


def test_distinct_keys_get_distinct_hashes():
    words = [f"w{i}" for i in range(20000)]
    hashes, _ = scan_texts([" ".join(words)])
    assert len(np.unique(hashes)) == len(words)


def test_python_key_hash_is_the_compiled_one():
    from retold.text.tokenscan import key_hash_points
    for key in ["", "a", "jansa", "raisi", "café", "𝟙𝟚", "\ud800x", "x" * 300]:
        points = np.frombuffer(key.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        assert key_hash(key) == int(key_hash_points(points))


def test_content_hashes_tell_token_sequences_apart():
    from retold.text.tokenscan import content_hashes
    texts = ["The mayor said no.", "the MAYOR said no", "The mayor said no. No.", "No said mayor the.",
             "", "", "The mayor said", "x " * 500, "x " * 501]
    tokens, offsets = scan_texts(texts)
    got = content_hashes(tokens, offsets)
    assert all(len(h) == 32 and int(h, 16) >= 0 for h in got)
    assert got[0] == got[1]  # the same keys: case and punctuation are not content
    assert got[4] == got[5]  # empty texts are one another's copies
    rest = [got[0]] + got[2:5] + got[6:]
    assert len(set(rest)) == len(rest)  # order, length and repetition all count
    # the same text hashes the same in any shard
    again = content_hashes(*scan_texts(texts[7:]))
    assert again[0] == got[7]
