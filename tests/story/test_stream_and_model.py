import numpy as np

from retold.config import Config
from retold.story import batch_stories, build_model, pair_story_scores, stream_model, stream_stories
from retold.story.neighbours import Neighbours

# Two look-alike events (two fires in two towns), three reports each, plus an unrelated text.
DOCS = [
    ("A fire destroyed the Hollins Mill warehouse in Brackenridge on Tuesday, injuring 3 workers, "
     "fire chief Dana Whitcombe said.", "2021-03-02"),
    ("Fire chief Dana Whitcombe said 3 workers were hurt when flames gutted the Hollins Mill "
     "warehouse in Brackenridge.", "2021-03-02"),
    ("Investigators in Brackenridge are examining the Hollins Mill warehouse fire that hurt three "
     "workers, Whitcombe said.", "2021-03-04"),
    ("A blaze tore through a Quarry Lane bakery in Oakhaven on Sunday; 12 people were evacuated, "
     "said captain Ruiz Montalvo.", "2021-07-11"),
    ("Captain Ruiz Montalvo said 12 residents were evacuated after a fire at the Quarry Lane bakery "
     "in Oakhaven.", "2021-07-11"),
    ("Oakhaven bakery fire on Quarry Lane: twelve evacuated, Montalvo says the oven was to blame.",
     "2021-07-12"),
    ("The orchestra announced a new season of Baroque concerts with guest violinist Ilse Marrow.",
     "2021-05-01"),
]


def test_batch_groups_each_event_and_keeps_look_alikes_apart():
    cfg = Config().replace(story_k=3)
    texts, dates = [t for t, _ in DOCS], [d for _, d in DOCS]
    model = build_model(texts, [None] * len(texts), dates, cfg)
    labels = batch_stories(model, cfg.story_link).tolist()
    assert labels[0] == labels[1] == labels[2]
    assert labels[3] == labels[4] == labels[5]
    assert len({labels[0], labels[3], labels[6]}) == 3
    s = pair_story_scores(model, np.array([[0, 1], [0, 3], [0, 6]]), cfg)
    assert s[0] > cfg.story_link > s[2] and s[0] > s[1]


def test_stream_assigns_in_date_order():
    cfg = Config().replace(story_k=3)
    texts, dates = [t for t, _ in DOCS], [d for _, d in DOCS]
    nb, arrival = stream_model(texts, [None] * len(texts), dates, cfg)
    labels = stream_stories(nb, arrival, cfg.story_stream_link).tolist()
    assert labels[0] == labels[1] == labels[2]
    assert labels[3] == labels[4] == labels[5]
    assert len({labels[0], labels[3], labels[6]}) == 3


def test_stream_opens_a_story_below_threshold():
    from retold.story.stream import stream_stories
    nb = Neighbours(np.array([[-1], [0], [1]]), np.array([[0.0], [0.5], [0.05]]))
    assert stream_stories(nb, np.arange(3), 0.2).tolist() == [0, 0, 1]


def _write(tmp_path):
    import json
    path = tmp_path / "docs.jsonl"
    with open(path, "w") as fh:
        for k, (text, date) in enumerate(DOCS):
            fh.write(json.dumps({"id": f"d{k}", "text": text, "date": date}) + "\n")
    return path


def _stories(run_dir):
    import pyarrow.parquet as pq
    rows = pq.read_table(run_dir / "families.parquet").to_pylist()
    return {r["doc_id"]: r["story_id"] for r in rows}


def test_run_groups_stories_in_batch_and_stream_mode(tmp_path):
    import retold
    import pyarrow.parquet as pq
    path = _write(tmp_path)
    for mode in ("batch", "stream"):
        cfg = Config().replace(story_k=3, story_mode=mode)
        res = retold.run([path], out=tmp_path / mode, config=cfg)
        st = _stories(tmp_path / mode)
        assert st["d0"] == st["d1"] == st["d2"] and st["d3"] == st["d4"] == st["d5"], mode
        assert len({st["d0"], st["d3"], st["d6"]}) == 3, mode
        assert res.counts["multi_doc_stories"] == 2
        pairs = pq.read_table(tmp_path / mode / "pairs.parquet").to_pylist()
        same = {(p["a"], p["b"]) for p in pairs if p["relation"] == "same_story"}
        assert same and all(st[a] == st[b] for a, b in same)
        # a is the earlier report
        dates = {f"d{k}": d for k, (_, d) in enumerate(DOCS)}
        assert all(dates[a] <= dates[b] for a, b in same)
