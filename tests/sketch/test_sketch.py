import numpy as np
import pytest

from retold.sketch.anchors import anchor_candidates
from retold.sketch.lsh import lsh_candidates, lsh_params, pairs_from_groups
from retold.sketch.minhash import estimate_jaccard, signatures


def _set(rng, n):
    return rng.integers(0, 2**63, size=n, dtype=np.uint64)


@pytest.mark.parametrize("true_j", [0.2, 0.5, 0.8])
def test_minhash_estimates_jaccard(true_j):
    rng = np.random.default_rng(0)
    base = _set(rng, 4000)
    k = int(round(4000 * 2 * true_j / (1 + true_j)))  # shared elements for that Jaccard
    a = base
    b = np.concatenate([base[:k], _set(rng, 4000 - k)])
    sig = signatures([a, b], num_perm=1024, seed=3)  # std ~0.016: 0.08 is 5 sigma
    assert abs(estimate_jaccard(sig[0], sig[1]) - true_j) < 0.08


def test_signatures_are_deterministic_and_batch_independent():
    rng = np.random.default_rng(1)
    sets = [_set(rng, n) for n in (5, 50, 0, 500)]
    together = signatures(sets)
    alone = np.vstack([signatures([s]) for s in sets])
    assert np.array_equal(together, alone)
    assert (together[2] == 0xFFFFFFFF).all()


def test_lsh_params_follow_threshold():
    b_hi, r_hi = lsh_params(0.9, 128)
    b_lo, r_lo = lsh_params(0.3, 128)
    assert b_hi * r_hi <= 128 and b_lo * r_lo <= 128
    assert r_hi > r_lo  # a higher threshold needs longer bands


def test_lsh_finds_near_duplicates_not_strangers():
    rng = np.random.default_rng(2)
    base = _set(rng, 300)
    near = base.copy()
    near[:15] = _set(rng, 15)  # Jaccard ~0.9
    other = _set(rng, 300)
    pairs = lsh_candidates(signatures([base, near, other]), 0.8, max_bucket=50)
    assert [tuple(p) for p in pairs.tolist()] == [(0, 1)]


def test_big_groups_become_stars_not_cliques():
    keys = np.zeros(1000, dtype=np.uint64)
    members = np.arange(1000)
    pairs = pairs_from_groups(keys, members, max_group=10)
    assert len(pairs) == 999
    small = pairs_from_groups(np.zeros(4, dtype=np.uint64), np.arange(4), max_group=10)
    assert len(small) == 6


def test_anchor_candidates_find_pairs_sharing_rare_ngrams_only():
    rng = np.random.default_rng(4)
    cliche = _set(rng, 3)  # in every document: not evidence
    quote = _set(rng, 6)  # shared by docs 0 and 1 only
    docs = [np.concatenate([_set(rng, 200), cliche]) for _ in range(20)]
    docs[0] = np.concatenate([docs[0], quote])
    docs[1] = np.concatenate([docs[1], quote])
    docs[2] = np.concatenate([docs[2], quote[:2]])  # too few shared to count
    pairs, counts = anchor_candidates(docs, max_df=8, min_shared=3, max_per_doc=50)
    assert [tuple(p) for p in pairs.tolist()] == [(0, 1)]
    assert counts.tolist() == [6]


def test_anchor_candidates_match_a_plain_count_in_chunks(monkeypatch, tmp_path):
    from retold.sketch import anchors as mod
    monkeypatch.setattr(mod, "CHUNK_DOCS", 7)  # several chunks, one of them short
    monkeypatch.setattr(mod, "PAIR_CHUNK", 5)  # pairs counted a few first documents at a time
    for seed in range(6):
        # one sort of every n-gram, or eight ranges of hash values sorted one at a time
        monkeypatch.setattr(mod, "RARE_PART_ROWS", 10**9 if seed % 2 else 100)
        rng = np.random.default_rng(seed)
        pool = rng.integers(0, 2**64 - 1, size=300, dtype=np.uint64)
        docs = [np.unique(rng.choice(pool, size=rng.integers(0, 40))) for _ in range(30)]
        # the plain way: every n-gram's documents, the pairs of those in 2..max_df documents
        owners: dict[int, list[int]] = {}
        for d, grams in enumerate(docs):
            for g in grams.tolist():
                owners.setdefault(g, []).append(d)
        shared: dict[tuple[int, int], int] = {}
        for ds in owners.values():
            if 2 <= len(ds) <= 4:
                for x in range(len(ds)):
                    for y in range(x + 1, len(ds)):
                        shared[(ds[x], ds[y])] = shared.get((ds[x], ds[y]), 0) + 1
        want = {k: v for k, v in shared.items() if v >= 2}
        pairs, counts = anchor_candidates(docs, max_df=4, min_shared=2, max_per_doc=1000)
        assert dict(zip(map(tuple, pairs.tolist()), counts.tolist())) == want
        assert len(want) > 10  # the draw shares enough to test something
        # the engine's sketch: one flat array, read in place from a run file and given back
        # chunk by chunk (io/mapped.py), every other document selected as the engine selects
        from retold.io import mapped
        from retold.sketch.ragged import Ragged, select
        packed = Ragged.of(docs)
        path = tmp_path / f"grams-{seed}.u64"
        packed.flat.astype("<u8").tofile(path)
        on_disk = Ragged(mapped.map_raw(path, "<u8"), packed.lengths)
        rows = np.arange(0, len(docs), 2)
        pairs, counts = anchor_candidates(select(on_disk, rows), max_df=4, min_shared=2, max_per_doc=1000)
        want_rows = anchor_candidates([docs[i] for i in rows], max_df=4, min_shared=2, max_per_doc=1000)
        assert np.array_equal(pairs, want_rows[0]) and np.array_equal(counts, want_rows[1])


def test_recall_params_propose_a_pair_at_the_threshold_with_the_asked_chance():
    from retold.sketch.lsh import recall_params

    for threshold, recall in ((0.8, 0.99), (0.9, 0.95), (0.5, 0.99)):
        bands, rows = recall_params(threshold, 128, recall)
        assert bands * rows <= 128
        assert 1 - (1 - threshold ** rows) ** bands >= recall
        # one more row per band would miss the target: the banding is the most selective one
        more = 128 // (rows + 1)
        assert 1 - (1 - threshold ** (rows + 1)) ** more < recall


def test_set_signatures_of_ngram_sets_equal_signatures_of_the_shingles():
    from retold.sketch.jaccard import ngram_sets
    from retold.sketch.minhash import set_signatures
    from retold.text.shingle import shingles
    rng = np.random.default_rng(4)
    docs = [rng.integers(0, 2**63, size=n, dtype=np.uint64) for n in (0, 1, 3, 5, 6, 40, 400)]
    docs.append(np.tile(docs[-1][:10], 8))  # repeated n-grams count once
    offsets = np.cumsum([0] + [len(d) for d in docs])
    got = set_signatures(*ngram_sets(np.concatenate(docs), offsets, 5), num_perm=64, seed=2)
    want = signatures([shingles(d, 5) for d in docs], num_perm=64, seed=2)
    assert np.array_equal(got, want)
    assert (got[0] == 0xFFFFFFFF).all() and not (got[1] == 0xFFFFFFFF).all()


def test_pair_jaccards_are_exact():
    from retold.classify import shingle_overlap
    from retold.sketch.jaccard import ngram_sets, pair_jaccards
    from retold.text.shingle import shingles
    rng = np.random.default_rng(5)
    base = rng.integers(0, 50, size=300, dtype=np.uint64)  # a small vocabulary: repeated n-grams
    docs = [base, np.concatenate([base[:200], rng.integers(0, 50, size=100, dtype=np.uint64)]),
            base[:3], np.zeros(0, dtype=np.uint64), base[::-1].copy()]
    offsets = np.cumsum([0] + [len(d) for d in docs])
    pairs = np.array([(0, 1), (0, 2), (2, 3), (1, 4), (0, 0)])
    flat, starts = ngram_sets(np.concatenate(docs), offsets, 5)
    assert starts[-1] == len(flat)  # no room left after the last set (shards are concatenated)
    for d, doc in enumerate(docs):  # sorted, distinct, the shingles' hashes
        assert np.array_equal(flat[starts[d]:starts[d + 1]], np.unique(shingles(doc, 5)))
    got = pair_jaccards(flat, starts, pairs)
    want = [shingle_overlap(shingles(docs[i], 5), shingles(docs[j], 5))[0] for i, j in pairs]
    assert np.allclose(got, want) and got[-1] == 1.0 and got[2] == 0.0
    assert 0 < got[0] < 1


def test_band_keys_fold_each_bands_rows_through_mix64():
    """The compiled keys equal the definition: per band, a seed of band+1 folded with each
    of its rows by x -> mix64(x ^ row), written here with numpy."""
    from retold.sketch.lsh import band_buckets, band_keys
    from retold.text.shingle import mix64
    rng = np.random.default_rng(11)
    sig = rng.integers(0, 2**32, (300, 128), dtype=np.uint64).astype(np.uint32)
    sig[7] = 0xFFFFFFFF  # an empty document: no buckets
    for bands, rows in ((21, 6), (9, 13), (1, 128)):
        want = np.zeros((len(sig), bands), dtype=np.uint64)
        with np.errstate(over="ignore"):
            for b in range(bands):
                acc = np.full(len(sig), b + 1, dtype=np.uint64)
                for r in range(rows):
                    acc = mix64(acc ^ sig[:, b * rows + r].astype(np.uint64))
                want[:, b] = acc
        assert np.array_equal(band_keys(sig, bands, rows), want)
        keys, members = band_buckets(sig, bands, rows)
        assert 7 not in members and len(keys) == (len(sig) - 1) * bands
        # one key space: band b's key of a row is its fold mixed with b
        golden = np.uint64(0x9E3779B97F4A7C15)
        with np.errstate(over="ignore"):
            assert np.array_equal(keys, mix64(np.delete(want, 7, axis=0) ^ (np.arange(bands, dtype=np.uint64) * golden)).ravel())
        # some rows, numbered by their place among them, as a copy of those rows would give
        pick = np.array([299, 7, 3, 150, 3])
        got = band_buckets(sig, bands, rows, rows=pick)
        copy = band_buckets(sig[pick], bands, rows)
        assert np.array_equal(got[0], copy[0]) and np.array_equal(got[1], copy[1])
        assert 1 not in got[1]
    assert band_keys(sig[:0], 21, 6).shape == (0, 21)
    # a near copy shares a band with its original, a stranger none
    near = sig[0].copy()
    near[:3] ^= 1
    k = band_keys(np.stack([sig[0], near, sig[1]]), 21, 6)
    assert (k[0] == k[1]).any() and not (k[0] == k[2]).any()
