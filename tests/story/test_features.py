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
