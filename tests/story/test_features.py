from hypothesis import given, settings
from hypothesis import strategies as st

from retold.story.features import event_features, stem


def test_names_are_capitalised_words_inside_a_sentence():
    f = event_features("Firefighters reached Maple Grove at dawn. Smoke covered the valley.")
    assert f["e:maple"] == 3 and f["e:grove"] == 3 and f["e:maple_grove"] == 3
    # sentence-initial capitals are not names; they still count as words
    assert "e:firefighters" not in f and "e:smoke" not in f
    assert f["w:firefighter"] == 1


def test_numbers_in_digits_and_words_meet():
    f = event_features("Officers found 4 people hurt; four were taken to hospital, aged 1,200.")
    assert f["n:4"] == 2
    assert f["n:1200"] == 1


def test_all_caps_labels_are_not_names_and_title_counts():
    f = event_features("The council met on Monday. BREAKING news came later.", title="Council vote in Tarnow")
    assert "e:breaking" not in f
    assert f["e:tarnow"] == 3
    assert f["w:council"] == 2


def test_stopwords_dropped_and_light_stem():
    f = event_features("They were shooting and the shootings stopped.")
    assert "w:the" not in f and "w:were" not in f
    assert f["w:shoot"] == 2
    assert stem("cars") == "cars"  # too short to strip: "car" would be 3 letters
    assert stem("walked") == "walk"


def test_name_weight_is_a_knob():
    f = event_features("Police in Dunmore said so.", name_weight=1.0)
    assert f["e:dunmore"] == 1


def _reference(text, title=None, name_weight=3.0):
    """The features as a plain loop over `tokenize` states them (the compiled loop's spec)."""
    from collections import Counter

    from retold.story.features import _info, _starts_sentence
    from retold.text.normalise import tokenize
    out = Counter()
    for part in (title, text):
        if not part:
            continue
        toks = tokenize(part)
        prev = None
        for k, key in enumerate(toks.keys):
            kind, num, word = _info(key)
            if num is not None:
                out[num] += 1
            if kind != 2:
                prev = None
                continue
            out[word] += 1
            s, e = int(toks.starts[k]), int(toks.ends[k])
            if part[s].isupper() and not part[s:e].isupper() and not (
                    k == 0 or _starts_sentence(part[int(toks.ends[k - 1]):s])):
                out["e:" + key] += name_weight
                if prev is not None and prev[0] == k - 1:
                    out["e:" + prev[1] + "_" + key] += name_weight
                prev = (k, key)
            else:
                prev = None
    return out


_WORDS = ["Maple", "Grove", "police", "POLICE", "the", "Tarnow", "four", "4", "1,200", "Ra’isi",
          "Łódź", "shootings", "O'Neil", "x", "Xi", "in"]
_GAPS = [" ", ". ", "\n", ' "', ". (", "! “", ": ", ", ", "  \u00a0", "? » ", ".\u2003", "-", "'"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_GAPS), st.sampled_from(_WORDS)), max_size=30),
       st.one_of(st.none(), st.sampled_from(["", "Council vote in Tarnow", "BREAKING: Maple Grove fire"])),
       st.sampled_from([3.0, 1.0, 0.3]))
def test_compiled_features_are_the_plain_loops(pieces, title, weight):
    # same features, same weights (floats summed in the same order) and same first-use order
    text = "".join(g + w for g, w in pieces)
    got, want = event_features(text, title, weight), _reference(text, title, weight)
    assert list(got.items()) == list(want.items())
    assert [type(v) for v in got.values()] == [type(v) for v in want.values()]
