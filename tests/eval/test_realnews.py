"""Quality measured through the product on real news (retold/eval/realnews.py, issue 9).

The unit tests run on tiny hand-made inputs; the last test runs `retold run` on GVA clean
(~45 s on 2 cores) and checks the result dict against FLOORS. All are higher-is-better: the
cross-incident share of a relation enters as its complement (the same-incident share).

Measured 2026-11-29 at bb7dcc7 (before the relation work; eb22b4c within 0.01), GVA clean:
  reuse+rewrite cross-incident share 0.632 all / 0.514 half0 / 0.405 half1
  cross-site specific copies: 137 positives, recall 1.000
  story_id B3 F1 0.890 all / 0.909 half1, pairwise F1 0.168 all (one 230-doc story chained by
  cross-incident rewrites); GVC test B3 F1 0.929, ECB+ dev+test 0.954 (story-runs)
"""
import pytest

from retold.eval import realnews as rn

from .conftest import pin, shared

FLOORS = {
    # measured 2026-11-29 at the shipped defaults (README "Real news"); goals in issue 9:
    # cross-incident share <= 0.05 (not met), copy recall >= 0.98 (not met), B3 0.93 / pairwise 0.75
    # 1 - cross-incident share of reuse+rewrite pairs (GVA clean, one run): 0.888 / 0.934 / 0.950;
    # afternoon, with fact_cover: 0.904 / 0.932 / 0.959; night (version window, title lines,
    # a site's lasting wording): 0.949 / 0.966 / 0.969
    "gva_same_incident_share_reuse_rewrite_all": 0.94,
    "gva_same_incident_share_reuse_rewrite_half0": 0.95,
    "gva_same_incident_share_reuse_rewrite_half1": 0.95,
    # cross-site specific copies found as exact/near_duplicate/reuse/rewrite: 0.978 (134 of 137)
    "gva_copy_recall": 0.97,
    # story_id at the defaults: 0.905 / 0.732 / 0.926 (night: 0.908 / 0.736 / 0.929); 2026-11-30
    # with specific evidence for reports published apart: 0.930 / 0.801 / 0.942
    "gva_story_bcubed_f1_all": 0.92,
    "gva_story_pair_f1_all": 0.78,
    "gva_story_bcubed_f1_half1": 0.93,
}

LABELS = {
    "gva_same_incident_share_reuse_rewrite_all": "GVA clean run: reuse+rewrite pairs of one incident, all",
    "gva_same_incident_share_reuse_rewrite_half0": "GVA clean run: reuse+rewrite pairs of one incident, tuning half",
    "gva_same_incident_share_reuse_rewrite_half1": "GVA clean run: reuse+rewrite pairs of one incident, other half",
    "gva_copy_recall": "GVA clean run: cross-site copies found",
    "gva_story_bcubed_f1_all": "GVA clean run: story_id B-cubed F1, all",
    "gva_story_pair_f1_all": "GVA clean run: story_id pairwise F1, all",
    "gva_story_bcubed_f1_half1": "GVA clean run: story_id B-cubed F1, other half",
}


# ---------------------------------------------------------------- urls


@pytest.mark.parametrize("url, host", [
    ("http://web.archive.org/web/20140215012040/http://www.waff.com:80/story/1/x", "waff.com"),
    ("https://web.archive.org/web/2016id_/https://WWW.KTLA.com/2014/01/14/a", "ktla.com"),
    ("http://web.archive.org/web/20160616231247/minnesota.cbslocal.com:80/2016/a", "minnesota.cbslocal.com"),
    ("http://archive.org/web/1/http://web.archive.org/web/2/http://www.nbc.com/a", "nbc.com"),
    ("http://www.chicagotribune.com/news/a,0,1.story", "chicagotribune.com"),
    ("http://user@www2.example.com:8080/a?b#c", "www2.example.com"),
    ("www.example.com/a", "example.com"),
    ("", None),
    (None, None),
])
def test_url_host(url, host):
    assert rn.url_host(url) == host


def test_unwrap_url():
    assert rn.unwrap_url("http://web.archive.org/web/20140112222729/http://www.x.com/a/b") == "http://www.x.com/a/b"
    assert rn.unwrap_url("http://www.x.com/a") == "http://www.x.com/a"
    assert rn.unwrap_url("  ") is None


# ---------------------------------------------------------------- cross-incident share


def test_cross_label_shares():
    label = {"a": "1", "b": "1", "c": "2", "d": "3", "e": "4"}
    half = {"a": 0, "b": 0, "c": 0, "d": 1, "e": 1}
    host = {"a": "x.com", "b": "y.com", "c": "x.com", "d": "z.com", "e": "w.com"}
    pairs = [
        {"a": "a", "b": "b", "relation": "reuse"},     # same incident, half 0
        {"a": "a", "b": "c", "relation": "rewrite"},   # cross, half 0, same host
        {"a": "d", "b": "e", "relation": "reuse"},     # cross, half 1
        {"a": "b", "b": "d", "relation": "template"},  # cross, mixed halves: only in "all"
        {"a": "a", "b": "zz", "relation": "reuse"},    # zz unlabelled: skipped
    ]
    out = rn.cross_label_shares(pairs, label, half, host)
    assert out["unlabelled"] == 1
    assert out["all"]["reuse+rewrite"] == {"pairs": 3, "cross": 2, "share": 2 / 3, "cross_same_host": 1}
    assert out["half0"]["reuse+rewrite"]["share"] == 0.5
    assert out["half1"]["reuse+rewrite"]["share"] == 1.0
    assert out["all"]["template"]["pairs"] == 1 and out["half0"]["template"]["pairs"] == 0
    assert out["half0"]["template"]["share"] is None
    assert out["all"]["reuse"] == {"pairs": 2, "cross": 1, "share": 0.5, "cross_same_host": 0}
    assert out["all"]["exact"]["pairs"] == 0
    # without halves only "all" is filled
    assert rn.cross_label_shares(pairs, label)["half0"]["reuse+rewrite"]["pairs"] == 0


# ---------------------------------------------------------------- positives


def _words(prefix: str, n: int) -> str:
    return " ".join(f"{prefix}{i}" for i in range(n))


def test_ngram_keys():
    from retold.text.normalise import tokenize

    h = tokenize(_words("w", 30)).hashes
    keys = rn.ngram_keys(h, 25)
    assert len(keys) == 6 and len(set(keys.tolist())) == 6
    assert len(rn.ngram_keys(h[:24], 25)) == 0
    # same words, same key, whatever the case, accents or spacing
    assert rn.ngram_keys(tokenize("Café  au LAIT").hashes, 3)[0] == rn.ngram_keys(tokenize("cafe au lait").hashes, 3)[0]


def test_specific_copy_positives():
    shared_run = _words("shot", 30)            # 30 tokens: 6 shared 25-grams
    common = _words("chrome", 40)              # in docs of two incidents: not specific
    short = _words("brief", 24)                # shared, but shorter than 25 tokens
    docs = [
        # id, text, incident, host
        ("a", f"intro one. {shared_run} outro one. {common}", "1", "x.com"),
        ("b", f"other words. {shared_run}. more words {short}", "1", "y.com"),
        ("c", f"{shared_run} same host as a", "1", "x.com"),        # same host as a: not with a
        ("d", f"{common} {short}", "2", "z.com"),                     # other incident
        ("e", f"{short} nothing else", "1", "w.com"),               # shares only 24 tokens with b
        ("f", f"{shared_run}", "1", None),                           # no host: never a positive
    ]
    ids, texts, labels, hosts = map(list, zip(*docs))
    pos = rn.specific_copy_positives(ids, texts, labels, hosts)
    assert pos == {("a", "b"): 6, ("b", "c"): 6}
    # the chrome run alone is not specific once doc d (incident 2) holds it too
    pos2 = rn.specific_copy_positives(["a", "d", "g"], [common, common, common], ["1", "2", "1"],
                                      ["x.com", "z.com", "y.com"])
    assert pos2 == {}
    # ... but is when only incident 1 holds it
    assert rn.specific_copy_positives(["a", "g"], [common, common], ["1", "1"], ["x.com", "y.com"]) == {("a", "g"): 16}


def test_copy_recall_with_exact_groups():
    positives = {("a", "b"): 3, ("a", "c"): 5, ("b", "d"): 2, ("c", "e"): 1, ("f", "g"): 9, ("b", "h"): 1}
    pairs = [
        {"a": "r", "b": "a", "relation": "exact"},      # r represents a and b
        {"a": "r", "b": "b", "relation": "exact"},
        {"a": "c", "b": "a", "relation": "same_story"},  # direct, not a copy relation
        {"a": "r", "b": "c", "relation": "reuse"},       # ... but its representative reuses c
        {"a": "d", "b": "b", "relation": "rewrite"},      # listed in the other order
        {"a": "c", "b": "e", "relation": "template"},
        {"a": "h", "b": "b", "relation": "same_story"},
    ]
    out = rn.copy_recall(positives, pairs)
    assert out["positives"] == 6 and out["found"] == 3 and out["recall"] == 0.5
    assert out["via_group"] == 2  # a-b through their group, a-c through r-c
    assert out["by_relation"] == {"exact": 1, "reuse": 1, "rewrite": 1, "template": 1, "none": 1, "same_story": 1}
    assert {(m["a"], m["b"], m["relation"]) for m in out["misses"]} == {
        ("c", "e", "template"), ("f", "g", "none"), ("b", "h", "same_story")}
    assert rn.copy_recall({}, pairs)["recall"] is None


def test_story_scores_missing_doc_is_singleton():
    gold = {"a": 1, "b": 1, "c": 2}
    s = rn.story_scores({"a": "s1", "b": "s1"}, gold)
    assert s["n_missing"] == 1 and s["bcubed_f1"] == 1.0
    s = rn.story_scores({"a": "s1", "b": "s2", "c": "s1"}, gold, ids=["a", "b"])
    assert s["n_docs"] == 2 and s["bcubed_r"] == 0.5


def test_sample_markdown(tmp_path):
    import retold

    base = "The council met on Tuesday to discuss the new bridge over the river, which will cost 40 million. " * 3
    docs = [{"id": "x", "text": base + "Residents were pleased with the plan.", "title": "Bridge plan"},
            {"id": "y", "text": "Breaking: " + base + "Critics said it was too expensive.", "title": "Bridge"}]
    rn.write_jsonl(docs, tmp_path / "in.jsonl")
    retold.run([tmp_path / "in.jsonl"], out=tmp_path / "run")
    md = rn.write_sample(tmp_path / "run", tmp_path / "s.md", n=5, seed=1,
                         relations=("near_duplicate", "reuse", "rewrite", "template"))
    text = md.read_text()
    assert text.splitlines().count("verdict:") == sum(
        1 for p in rn.read_run(tmp_path / "run").pairs if p["relation"] in ("near_duplicate", "reuse", "rewrite",
                                                                              "template"))
    assert "No template pairs in this run." in text
    assert rn.sample_pairs([{"a": str(i), "b": "z", "relation": "reuse"} for i in range(50)], "reuse", 5, 9) == \
        rn.sample_pairs([{"a": str(i), "b": "z", "relation": "reuse"} for i in reversed(range(50))], "reuse", 5, 9)


# ---------------------------------------------------------------- through the product


def test_gva_clean_through_the_product(tmp_path):
    root = shared("stories/gva-gun-violence-incidents").parent
    res = rn.gva_pairs(root, out=tmp_path, stories_too=True)
    print("\n" + rn.format_gva(res) + "\n" + rn.format_stories({"gva-clean": {**res["stories"], "run": res["run"],
                                                                              "run_seconds": res["run_seconds"],
                                                                              "score_seconds": 0.0}}))
    assert res["n_docs"] == 5815 and res["n_in_run"] == 5815
    ci = res["cross_incident"]
    assert set(ci) == {"all", "half0", "half1", "unlabelled"} and ci["unlabelled"] == 0
    for scope in rn.SCOPES:
        assert set(rn.GROUPS) <= set(ci[scope])
        rr = ci[scope]["reuse+rewrite"]
        assert rr["pairs"] == ci[scope]["reuse"]["pairs"] + ci[scope]["rewrite"]["pairs"]
        assert rr["pairs"] > 0 and 0.0 <= rr["share"] <= 1.0
    assert ci["half0"]["reuse+rewrite"]["pairs"] + ci["half1"]["reuse+rewrite"]["pairs"] <= \
        ci["all"]["reuse+rewrite"]["pairs"]
    assert sum(res["counts"].values()) > 0
    assert ci["all"]["exact"]["pairs"] == res["counts"].get("exact", 0)

    c = res["copies"]
    assert 100 <= c["positives"] <= 200  # 137 on the data as shipped
    assert c["found"] + len(c["misses"]) == c["positives"]
    assert sum(c["by_relation"].values()) == c["positives"]
    assert 0.0 <= c["recall"] <= 1.0

    st = res["stories"]
    for col in ("story_id", "family_id"):
        assert set(st[col]) == {"all", "half0", "half1"}
        assert st[col]["all"]["n_docs"] == 5815 and st[col]["all"]["n_gold"] == len(
            {r["incident_id"] for r in rn.gva_clean_rows(root)})
        assert st[col]["half0"]["n_docs"] + st[col]["half1"]["n_docs"] == 5815
        for s in st[col].values():
            assert 0.0 <= s["bcubed_f1"] <= 1.0 and 0.0 <= s["pair_f1"] <= 1.0 and s["n_missing"] == 0

    got = {
        "gva_same_incident_share_reuse_rewrite_all": 1 - ci["all"]["reuse+rewrite"]["share"],
        "gva_same_incident_share_reuse_rewrite_half0": 1 - ci["half0"]["reuse+rewrite"]["share"],
        "gva_same_incident_share_reuse_rewrite_half1": 1 - ci["half1"]["reuse+rewrite"]["share"],
        "gva_copy_recall": c["recall"],
        "gva_story_bcubed_f1_all": st["story_id"]["all"]["bcubed_f1"],
        "gva_story_pair_f1_all": st["story_id"]["all"]["pair_f1"],
        "gva_story_bcubed_f1_half1": st["story_id"]["half1"]["bcubed_f1"],
    }
    assert set(got) == set(FLOORS)
    low = {k: (round(v, 3), FLOORS[k]) for k, v in got.items() if v < FLOORS[k]}
    for k, v in got.items():  # each recorded for the gate table; the assert below names all misses
        if k not in low:
            pin(LABELS[k], v, FLOORS[k])
    assert not low, f"below the floor (got, floor): {low}"
