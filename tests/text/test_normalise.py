import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from retold.text.normalise import FLAG_UPPER, TOKEN_RE, _VOCAB, content_hash, normalise, token_key, tokenize
from retold.text.sentences import sentences
from retold.text.shingle import shingles


def test_token_key_folds_case_diacritics_apostrophes_and_width():
    assert token_key("Janša") == token_key("JANSA") == "jansa"
    assert token_key("Ra'isi") == token_key("Raisi")
    assert token_key("Ｔｏｋｙｏ") == "tokyo"  # NFKC full-width
    assert token_key("Łódź") != ""  # never empties a token


def test_tokens_keep_offsets_into_original_text():
    text = "  Mr. Müller paid $1,200.50 on 3/4/2013!"
    t = tokenize(text)
    assert [text[s:e] for s, e in zip(t.starts, t.ends)] == ["Mr", "Müller", "paid", "1,200.50", "on", "3/4/2013"]
    assert t.char_span(1, 3) == (text.index("Müller"), text.index("paid") + 4)


def test_normalise_offset_map_points_back_to_source_chars():
    text = "ÉLAN  vital,\tJanša!"
    norm, omap = normalise(text)
    assert norm == "elan vital jansa"
    assert len(omap) == len(norm)
    j = norm.index("jansa")
    assert text[omap[j]:omap[j + 4] + 1] == "Janša"


def test_content_hash_ignores_case_space_and_punctuation_only():
    a = tokenize("The cat sat.\n\nOn the mat!")
    b = tokenize("the  cat sat on THE mat")
    c = tokenize("the cat sat on a mat")
    assert content_hash(a) == content_hash(b)
    assert content_hash(a) != content_hash(c)


def test_shingles_are_order_sensitive_and_short_texts_get_one():
    h = tokenize("a b c d e f").hashes
    s = shingles(h, 5)
    assert len(s) == 2 and s[0] != s[1]
    rev = shingles(tokenize("e d c b a f").hashes, 5)
    assert s[0] not in set(rev.tolist())
    assert len(shingles(tokenize("only two").hashes, 5)) == 1
    assert len(shingles(np.zeros(0, dtype=np.uint64), 5)) == 0


def test_sentences_split_on_end_punctuation_and_keep_abbreviations():
    text = 'Mr. Smith met Dr. Jones in the U.S. capital. "It went well," he said. 3 left!\n\nDark Mode'
    spans = [text[s.start:s.end] for s in sentences(text)]
    assert spans[0] == "Mr. Smith met Dr. Jones in the U.S. capital."
    assert spans[-1] == "Dark Mode"
    paras = [s.paragraph for s in sentences(text)]
    assert paras[-1] == paras[0] + 1


# characters the token rules turn on: digits and their separators, apostrophes, accents,
# ligatures, full-width and other-script digits, characters beyond the basic plane, a lone
# surrogate
_ALPHABET = st.sampled_from(list("aZ9 .,:/'’_-\n\x00éÉßﬁ２٣") + ["\U0001d7d9", "\U0001f600", "İ", "Σ", "ς", "\ud800"])


@settings(max_examples=400, deadline=None)
@given(st.text(_ALPHABET, max_size=60))
def test_tokenize_finds_what_the_regex_finds(text):
    # the compiled scan against TOKEN_RE itself: same spans, keys and entries
    t = tokenize(text)
    found = list(TOKEN_RE.finditer(text))
    assert t.starts.tolist() == [m.start() for m in found]
    assert t.ends.tolist() == [m.end() for m in found]
    assert t.keys == [token_key(m.group()) for m in found]
    assert all(_VOCAB.keys[i] == k for i, k in zip(t.ids.tolist(), t.keys))


def test_vocabulary_keeps_raw_tokens_apart_and_starts_afresh(monkeypatch):
    # raw tokens differing only in case or accent are separate entries with one key
    t = tokenize("Jansa JANSA Janša jansa Jansa")
    assert len(set(t.ids.tolist())) == 4 and t.ids[0] == t.ids[-1]
    assert len(set(t.keys)) == 1
    assert t.flags[0] & FLAG_UPPER and not t.flags[3] & FLAG_UPPER
    # past the bound the vocabulary and its table start afresh; tokens still come out right
    monkeypatch.setattr(_VOCAB, "MAX", len(_VOCAB.keys) + 3)
    words = " ".join(f"fresh{i}" for i in range(10))
    again = tokenize(words)
    assert again.keys == [f"fresh{i}" for i in range(10)]
    assert len(_VOCAB.keys) == 10
    assert tokenize("Jansa").keys == ["jansa"]
