"""Site chrome learnt per source (text/boilerplate.py); sourceless documents learn none."""
import numpy as np

import retold
from retold.text.boilerplate import chrome_mask, line_hashes, repeated_lines
from retold.text.normalise import tokenize

MENU = "Home | Local | Weather | Sports"
DATE = "Posted on Jan 12, 2013"


def _lines(text):
    return line_hashes(text, tokenize(text))


def _page(body, date=DATE):
    return f"{MENU}\n{date}\n{body}\n"


def test_lines_repeated_in_one_sources_pages_are_its_chrome():
    bodies = ["Flood waters rose along the river.", "The mayor opened a park.", "Two roads closed."]
    texts = [_page(b, date=f"Posted on Aug {k + 1}, 2014") for k, b in enumerate(bodies)]
    got = repeated_lines(["kwch.com"] * 3, [_lines(t) for t in texts], 3)
    assert set(got) == {"kwch.com"}
    mask = chrome_mask(texts[0], tokenize(texts[0]), got["kwch.com"])
    toks = tokenize(texts[0])
    on_chrome = {texts[0][s:e] for s, e, m in zip(toks.starts, toks.ends, mask) if m}
    assert "Home" in on_chrome and "Posted" in on_chrome and "river" not in on_chrome


def test_three_sites_each_under_min_docs_learn_nothing():
    texts = [_page(f"Story {k}.") for k in range(3)]
    got = repeated_lines(["a.com", "b.com", "c.com"], [_lines(t) for t in texts], 3)
    assert got == {}


def test_sourceless_documents_are_each_their_own_site():
    """A paragraph pasted into three documents of unknown origin is reused text, not chrome."""
    para = "The council voted seven to two to close the library on Sundays."
    texts = [_page(f"{para}\nOther text {k}.") for k in range(5)]
    lines = [_lines(t) for t in texts]
    assert repeated_lines([None] * 5, lines, 3) == {}
    assert repeated_lines(["", " ", None, "", None], lines, 3) == {}
    # with a source the same lines are that site's chrome
    assert len(repeated_lines(["wgal.com"] * 5, lines, 3)["wgal.com"]) >= 3


def test_run_on_sourceless_files_reports_no_site_boilerplate(tmp_path):
    """Text files with no source or url: lines shared by several of them are never typed as
    site boilerplate learnt from the corpus."""
    shared = ["Emergency crews closed the northbound lanes of the bridge for six hours.",
              "A spokesman for the transport ministry said repairs would cost about 2 million."]
    base = [
        "The storm brought down power lines across the eastern districts overnight.",
        "Schools in three towns stayed closed while engineers checked the buildings.",
        "Forecasters expect calmer weather from Thursday, with light rain in the north.",
    ]
    texts = {}
    for k in range(4):
        own = [f"Report {k}: residents of the {w} quarter described a night without sleep."
               for w in ("old", "river", "market")[: 1 + k % 3]]
        texts[f"doc{k}.txt"] = "\n\n".join(own[:1] + shared + base[k % 3:] + own[1:])
    (tmp_path / "in").mkdir()
    for name, text in texts.items():
        (tmp_path / "in" / name).write_text(text)
    r = retold.run([tmp_path / "in"], out=tmp_path / "run")  # --out inside an input is refused (E052)
    edits = r.table("edits").to_pylist()
    chrome = [e for e in edits if e["type"] == "boilerplate"]
    assert not [e for e in chrome if any(s in (e["a_text"] + e["b_text"]) for s in shared)], chrome
    docs = r.table("documents").to_pylist()
    assert all(d["source"] is None for d in docs)


def test_counted_over_hash_ranges_as_a_dict_would_count_them(monkeypatch):
    """The compiled count gives what counting (source, line) pairs in a dict gives, on many
    sites, lines repeated inside one page and hash ranges split small."""
    from collections import Counter

    from retold.sketch import formula
    rng = np.random.default_rng(5)
    pool = rng.integers(0, 2**64, size=60, dtype=np.uint64)  # lines shared by many pages
    sources = [rng.choice(["a.com", "b.com", "c.com", "", None]) for _ in range(300)]
    lines = [rng.choice(pool, size=int(rng.integers(0, 12))) for _ in range(300)]
    seen = Counter((src, h) for src, hs in zip(sources, lines) if src and src.strip() for h in set(hs.tolist()))
    want: dict = {}
    for (src, h), n in seen.items():
        if n >= 3:
            want.setdefault(src, set()).add(h)
    monkeypatch.setattr(formula, "PART_ROWS", 200)  # several ranges of the hash space
    assert repeated_lines(sources, lines, 3) == want
    assert want  # the case is not empty
