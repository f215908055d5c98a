"""retold.story.embed: real with the ``embed`` extra installed, and a clear error without it."""
import numpy as np
import pytest

from retold.story import embed as E

QUAKE_A = "A magnitude 6.1 earthquake struck northern Chile on Tuesday, killing three people."
QUAKE_B = "Three people died when a strong quake hit the north of Chile on Tuesday."
UNRELATED = "The central bank raised interest rates by half a point to fight inflation."


def test_doc_input_is_title_then_lead():
    assert E.doc_input("Body  text\n here.", "Headline") == "Headline. Body text here."
    assert E.doc_input("Body text.", None) == "Body text."
    assert E.doc_input("", "Only a title") == "Only a title"
    assert E.doc_input("word " * 1000, None, max_chars=50) == ("word " * 10).strip()


def test_embeddings_with_the_extra_or_a_clear_error_without_it():
    """Runs either way (no skip): CI runs it in the project venv (no extra) and again in a
    venv with the extra (.ci/run)."""
    if not E.available():
        with pytest.raises(RuntimeError, match=r"retold\[embed\]"):
            E.embed([QUAKE_A, UNRELATED])
        return
    x = E.embed([QUAKE_A, QUAKE_B, UNRELATED], batch_size=2)
    assert x.shape == (3, E.DIM) and x.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(x, axis=1), 1.0, atol=1e-5)
    sim = x @ x.T
    assert sim[0, 1] > 0.7
    assert sim[0, 1] > sim[0, 2] + 0.3 and sim[0, 1] > sim[1, 2] + 0.3
    # batching and order do not change a document's vector; titles are embedded with the text
    y = E.embed([UNRELATED, QUAKE_A], batch_size=1)
    np.testing.assert_allclose(y[1], x[0], atol=1e-4)
    z = E.embed([QUAKE_B], titles=["Chile earthquake"])
    assert float(z[0] @ x[1]) < 0.9999


def test_centered_removes_the_shared_direction():
    rng = np.random.default_rng(0)
    topic = np.ones(8) / np.sqrt(8)
    x = topic + 0.1 * rng.standard_normal((20, 8))
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    assert (x @ x.T).min() > 0.8  # raw: everything looks alike
    c = E.centered(x)
    assert c.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(c, axis=1), 1.0, atol=1e-5)
    assert abs(float((c @ topic).mean())) < 0.1 and (c @ c.T)[~np.eye(20, dtype=bool)].mean() < 0.1
    assert E.centered(np.zeros((0, 8))).shape == (0, 8)


def test_story_model_blends_embeddings_when_asked():
    from retold.config import Config
    from retold.story import build_model, pair_story_scores
    texts = [QUAKE_A, QUAKE_B, UNRELATED, "Rescue teams searched collapsed homes in northern Chile."]
    cfg = Config().replace(story_k=2, story_embed_weight=0.25)
    if not E.available():
        with pytest.raises(RuntimeError, match=r"retold\[embed\]"):
            build_model(texts, [None] * 4, [None] * 4, cfg)
        return
    model = build_model(texts, [None] * 4, [None] * 4, cfg)
    plain = build_model(texts, [None] * 4, [None] * 4, cfg.replace(story_embed_weight=0.0))
    assert model.dense is not None and plain.dense is None
    pairs = np.array([[0, 1], [0, 2]])
    with_emb = pair_story_scores(model, pairs, cfg)
    without = pair_story_scores(plain, pairs, cfg.replace(story_embed_weight=0.0))
    # the blend changes the scores, and the paraphrases stay far above the unrelated pair
    assert not np.allclose(with_emb, without)
    assert with_emb[0] > with_emb[1] + 0.2
