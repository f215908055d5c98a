"""The query index: what `retold query` and `retold serve` search instead of the corpus.

The store keeps documents, not sketches, and a store grows run after run; so the index is
derived from the store's documents and kept beside it (`FILE.duckdb.qindex.npz`), brought up
to date when the store changes (only new or changed documents are sketched again). Three
views of each document, the same ones a run's candidate stage uses:

- MinHash LSH band keys (`sketch/minhash.py`, `sketch/lsh.py`, bands tuned at
  `near_threshold`): reprints, whatever phrases they share with the rest of the corpus.
- Winnowed word n-grams (the n-gram hashes of `text/shingle.py`, the minimum of every window
  of `WINNOW` consecutive n-grams): any stretch of `WINNOW + shingle_n - 1` shared words
  (8 with the defaults, a passage's minimum) shares at least one of them, so rare shared
  n-grams ("anchors") find reuse and rewrites at any overall Jaccard, from an index 40%
  the size of all n-grams.
- Story features (`story/features.py`: content words, names, numbers) weighted by TF-IDF over
  the stored documents (`story/vectors.py`'s weighting): other reports of the same event.

Nothing here compares documents: the index proposes candidates, `retold.compare` decides.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np
import scipy.sparse as sp

from ..config import Config
from ..sketch.lsh import band_keys, lsh_params
from ..sketch.minhash import EMPTY, signatures
from ..story.features import event_features
from ..text.normalise import tokenize
from ..text.shingle import mix64, shingles
from .storeread import fingerprint, read_store
from .storeread import formula as store_formula

INDEX_VERSION = 1
WINNOW = 4  # window of n-grams whose minimum is indexed: 8 shared words always share one
BUILD_BATCH = 2000  # documents read from the store and sketched at a time
POOL_MIN_DOCS = 8000  # from this many documents to sketch, a fork pool of every core does it
_BAND_SALT = np.uint64(0x9E3779B97F4A7C15)


def index_path(store: str | os.PathLike[str]) -> Path:
    """Where the query index of a store is kept: beside it, `<store>.qindex.npz`.

    Parameters
    ----------
    store : path-like
        The DuckDB store.

    Returns
    -------
    pathlib.Path
    """
    p = Path(store)
    return p.with_name(p.name + ".qindex.npz")


def winnow(grams: np.ndarray, window: int = WINNOW) -> np.ndarray:
    """Unique minima of every `window` consecutive n-gram hashes (all of them when fewer).

    Parameters
    ----------
    grams : numpy.ndarray
        uint64 n-gram hashes in text order (`text.shingle.shingles`).
    window : int
        Window length; two texts sharing `window` consecutive n-grams share a minimum.

    Returns
    -------
    numpy.ndarray
        Sorted unique uint64 fingerprints.
    """
    if len(grams) <= window:
        return np.unique(grams)
    view = np.lib.stride_tricks.sliding_window_view(grams, window)
    pos = np.arange(len(view)) + np.argmin(view, axis=1)
    return np.unique(grams[pos])


def feature_hash(name: str) -> int:
    """A stable 64-bit id for a story feature name (blake2b, not Python's hash).

    Parameters
    ----------
    name : str
        A feature of `story.features.event_features` ("w:pier", "e:visser", "n:2.5").

    Returns
    -------
    int
        The same number in every process and on every machine.
    """
    return int.from_bytes(hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest(), "little")


@dataclass
class Sketch:
    """What the index keeps of one text."""

    bands: np.ndarray  # (bands,) uint64 LSH keys, already salted per band; empty text: none
    prints: np.ndarray  # winnowed n-gram hashes, sorted unique
    feats: np.ndarray  # story feature hashes (uint64)
    counts: np.ndarray  # their counts (float32)


def band_layout(cfg: Config) -> tuple[int, int]:
    """LSH (bands, rows) the index uses: those of a run at `near_threshold`.

    Parameters
    ----------
    cfg : Config
        Reads `near_threshold`, `num_perm` and `lsh_fp_weight`.

    Returns
    -------
    tuple of int
        Bands and rows per band.
    """
    return lsh_params(cfg.near_threshold, cfg.num_perm, cfg.lsh_fp_weight)


def sketch_texts(texts: Sequence[str], titles: Sequence[str | None], cfg: Config) -> list[Sketch]:
    """Sketch several texts at once (one MinHash pass for all).

    Parameters
    ----------
    texts, titles : sequence of str
        Document texts and titles (a title may be None).
    cfg : Config
        `shingle_n`, `num_perm`, `seed`, `near_threshold` and `story_name_weight` are read.

    Returns
    -------
    list of Sketch
    """
    grams, sets = [], []
    for t in texts:
        toks = tokenize(t or "")
        g = shingles(toks.hashes, cfg.shingle_n)
        grams.append(g)
        sets.append(np.unique(g))
    sig = signatures(sets, cfg.num_perm, cfg.seed)
    bands, rows = band_layout(cfg)
    keys = band_keys(sig, bands, rows)
    with np.errstate(over="ignore"):
        salted = mix64(keys ^ (np.arange(bands, dtype=np.uint64)[None, :] * _BAND_SALT))
    valid = ~(sig == EMPTY).all(axis=1)
    out = []
    for k, (t, title) in enumerate(zip(texts, titles)):
        feats = event_features(t or "", title, cfg.story_name_weight)
        out.append(Sketch(
            salted[k] if valid[k] else np.zeros(0, dtype=np.uint64),
            winnow(grams[k]),
            np.fromiter((feature_hash(f) for f in feats), dtype=np.uint64, count=len(feats)),
            np.fromiter(feats.values(), dtype=np.float32, count=len(feats))))
    return out


def _pack_strings(values: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    blobs = [v.encode("utf-8") for v in values]
    offsets = np.zeros(len(blobs) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([len(b) for b in blobs]) if blobs else []
    return np.frombuffer(b"".join(blobs), dtype=np.uint8).copy(), offsets


def _unpack_strings(blob: np.ndarray, offsets: np.ndarray) -> list[str]:
    raw = blob.tobytes()
    return [raw[offsets[i]:offsets[i + 1]].decode("utf-8") for i in range(len(offsets) - 1)]


@dataclass
class _Rows:
    """Per-document index rows, in index order (the file's layout)."""

    ids: list[str]
    md5: list[str]
    bands: np.ndarray  # (n, bands) uint64; rows of zeros for empty texts
    has_bands: np.ndarray  # (n,) bool
    print_ptr: np.ndarray  # (n + 1,) int64 into prints
    prints: np.ndarray  # uint64
    feat_ptr: np.ndarray  # (n + 1,) int64 into feats / counts
    feats: np.ndarray  # uint64
    counts: np.ndarray  # float32

    @classmethod
    def empty(cls, n_bands: int) -> "_Rows":
        z = np.zeros(1, dtype=np.int64)
        return cls([], [], np.zeros((0, n_bands), dtype=np.uint64), np.zeros(0, dtype=bool), z,
                   np.zeros(0, dtype=np.uint64), z.copy(), np.zeros(0, dtype=np.uint64),
                   np.zeros(0, dtype=np.float32))

    @classmethod
    def from_sketches(cls, ids: list[str], md5: list[str], sk: list[Sketch], n_bands: int) -> "_Rows":
        bands = np.zeros((len(sk), n_bands), dtype=np.uint64)
        has = np.zeros(len(sk), dtype=bool)
        for i, s in enumerate(sk):
            if len(s.bands):
                bands[i] = s.bands
                has[i] = True

        def ptr(parts):
            p = np.zeros(len(parts) + 1, dtype=np.int64)
            p[1:] = np.cumsum([len(x) for x in parts]) if parts else []
            return p

        cat = (lambda parts, dt: np.concatenate(parts).astype(dt) if parts else np.zeros(0, dtype=dt))
        return cls(ids, md5, bands, has, ptr([s.prints for s in sk]),
                   cat([s.prints for s in sk], np.uint64), ptr([s.feats for s in sk]),
                   cat([s.feats for s in sk], np.uint64), cat([s.counts for s in sk], np.float32))

    def take(self, keep: np.ndarray) -> "_Rows":
        keep = np.asarray(keep, dtype=np.int64)

        def sub(ptr, flat):
            lens = np.diff(ptr)[keep]
            idx = (np.concatenate([np.arange(ptr[i], ptr[i + 1]) for i in keep])
                   if len(keep) else np.zeros(0, dtype=np.int64))
            p = np.zeros(len(keep) + 1, dtype=np.int64)
            p[1:] = np.cumsum(lens)
            return p, flat[idx.astype(np.int64)]

        pp, pr = sub(self.print_ptr, self.prints)
        fp, ft = sub(self.feat_ptr, self.feats)
        _, ct = sub(self.feat_ptr, self.counts)
        return _Rows([self.ids[i] for i in keep], [self.md5[i] for i in keep], self.bands[keep],
                     self.has_bands[keep], pp, pr, fp, ft, ct)

    def extend(self, other: "_Rows") -> "_Rows":
        return _Rows(self.ids + other.ids, self.md5 + other.md5,
                     np.concatenate([self.bands, other.bands]),
                     np.concatenate([self.has_bands, other.has_bands]),
                     np.concatenate([self.print_ptr, other.print_ptr[1:] + self.print_ptr[-1]]),
                     np.concatenate([self.prints, other.prints]),
                     np.concatenate([self.feat_ptr, other.feat_ptr[1:] + self.feat_ptr[-1]]),
                     np.concatenate([self.feats, other.feats]),
                     np.concatenate([self.counts, other.counts]))


def _sketch_rows(work: tuple[list[tuple], Config, int]) -> "_Rows":
    """Index rows of one batch of (doc_id, text, title, md5) rows (a pool task)."""
    got, cfg, n_bands = work
    sk = sketch_texts([g[1] for g in got], [g[2] for g in got], cfg)
    return _Rows.from_sketches([g[0] for g in got], [g[3] for g in got], sk, n_bands)


def _settings(cfg: Config) -> dict[str, Any]:
    bands, rows = band_layout(cfg)
    return {"version": INDEX_VERSION, "shingle_n": cfg.shingle_n, "num_perm": cfg.num_perm,
            "seed": cfg.seed, "bands": bands, "rows": rows, "winnow": WINNOW,
            "name_weight": cfg.story_name_weight}


class QueryIndex:
    """Candidate search over a store's documents (see the module docstring).

    Build or refresh it with `QueryIndex.open(store)`; it is then read-only and safe to
    share between threads. `refresh()` brings it up to date with the store when a run has
    added documents since (a new object replaces the arrays, so readers never see half).
    """

    def __init__(self, store: str | os.PathLike[str], cfg: Config | None = None,
                 path: str | os.PathLike[str] | None = None, reader: Callable[[], Any] | None = None):
        self.store = Path(store)
        # how to open the store: a fresh read-only connection, or a server's StoreView.read
        self.reader = reader or (lambda: read_store(self.store))
        self.cfg = cfg or Config()
        self.path = Path(path) if path is not None else index_path(self.store)
        self.settings = _settings(self.cfg)
        self.fingerprint: list[Any] | None = None
        self.formula: np.ndarray | None = None  # the store's formula n-grams, read with the index
        self._lock = threading.Lock()
        self._set(_Rows.empty(self.settings["bands"]))

    # --- building ---------------------------------------------------------------------------
    @classmethod
    def open(cls, store: str | os.PathLike[str], cfg: Config | None = None,
             path: str | os.PathLike[str] | None = None, save: bool = True,
             reader: Callable[[], Any] | None = None) -> "QueryIndex":
        """The index of `store`, loaded from beside it and brought up to date.

        Parameters
        ----------
        store : path-like
            The DuckDB store.
        cfg : Config, optional
            Sketch settings; an index file made with other settings is rebuilt.
        path : path-like, optional
            Index file (default `index_path(store)`).
        save : bool
            Write the refreshed index back (skipped quietly when the folder is read-only).
        reader : callable, optional
            Returns a context manager yielding a read-only connection (default: a fresh
            `read_store(store)` each time).
        """
        idx = cls(store, cfg, path, reader)
        idx._load_file()
        idx.refresh(save=save)
        return idx

    def _load_file(self) -> None:
        if not self.path.is_file():
            return
        try:
            with np.load(self.path, allow_pickle=False) as z:
                meta = json.loads(bytes(z["meta"]).decode("utf-8"))
                if meta.get("settings") != self.settings:
                    return
                rows = _Rows(_unpack_strings(z["ids_blob"], z["ids_off"]),
                             _unpack_strings(z["md5_blob"], z["md5_off"]), z["bands"], z["has_bands"],
                             z["print_ptr"], z["prints"], z["feat_ptr"], z["feats"], z["counts"])
        except (OSError, ValueError, KeyError):
            return  # a broken or foreign file: rebuilt from the store
        self.fingerprint = meta.get("fingerprint")
        self._set(rows)

    def save(self) -> bool:
        """Write the index file atomically (a temp file beside it, then a rename).

        Returns
        -------
        bool
            False when the folder cannot be written (the index then lives in memory only).
        """
        r = self._rows
        ids_blob, ids_off = _pack_strings(r.ids)
        md5_blob, md5_off = _pack_strings(r.md5)
        meta = json.dumps({"settings": self.settings, "fingerprint": self.fingerprint}).encode()
        try:
            fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        except OSError:
            return False
        try:
            with os.fdopen(fd, "wb") as fh:
                np.savez(fh, meta=np.frombuffer(meta, dtype=np.uint8), ids_blob=ids_blob, ids_off=ids_off,
                         md5_blob=md5_blob, md5_off=md5_off, bands=r.bands, has_bands=r.has_bands,
                         print_ptr=r.print_ptr, prints=r.prints, feat_ptr=r.feat_ptr, feats=r.feats,
                         counts=r.counts)
            os.replace(tmp, self.path)
        except OSError:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            return False
        return True

    def refresh(self, save: bool = True) -> int:
        """Bring the index up to date with the store. Returns documents (re)sketched.

        Cheap when nothing changed (one small query on the store); otherwise the stored
        texts' md5 tell which documents are new, changed or gone, and only those are
        sketched.
        """
        with self._lock:
            with self.reader() as con:
                fp = fingerprint(con)
                if fp == self.fingerprint and self.formula is not None:
                    return 0
                self.formula = store_formula(con)
                if fp == self.fingerprint:
                    return 0
                have = {r[0]: r[1] for r in con.execute(
                    "SELECT doc_id, md5(coalesce(text, '')) FROM documents").fetchall()} if fp[0] else {}
                old = self._rows
                keep = [i for i, (d, h) in enumerate(zip(old.ids, old.md5)) if have.get(d) == h]
                known = {old.ids[i] for i in keep}
                todo = sorted(d for d in have if d not in known)
                fresh = self._sketch_all(con, todo)
            rows = old.take(np.array(keep, dtype=np.int64)) if len(keep) != len(old.ids) else old
            for f in fresh:
                rows = rows.extend(f)
            self.fingerprint = fp
            self._set(rows)
            if save:
                self.save()
            return len(todo)

    def _batches(self, con, todo: list[str]):
        for k in range(0, len(todo), BUILD_BATCH):
            yield con.execute(
                "SELECT doc_id, coalesce(text, ''), title, md5(coalesce(text, '')) FROM documents "
                "WHERE doc_id IN (SELECT unnest(?::VARCHAR[])) ORDER BY doc_id",
                [todo[k:k + BUILD_BATCH]]).fetchall()

    def _sketch_all(self, con, todo: list[str]) -> list[_Rows]:
        """Sketch the documents `todo`, batch by batch; over a fork pool of every core when
        there are many (the sketch stage of a run does the same)."""
        work = ((got, self.cfg, self.settings["bands"]) for got in self._batches(con, todo))
        workers = min(os.cpu_count() or 1, -(-len(todo) // BUILD_BATCH))
        if len(todo) < POOL_MIN_DOCS or workers < 2:
            return [_sketch_rows(w) for w in work]
        import multiprocessing
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            return list(pool.imap(_sketch_rows, work))

    # --- search structures ------------------------------------------------------------------
    def _set(self, rows: _Rows) -> None:
        n = len(rows.ids)
        n_bands = rows.bands.shape[1] if rows.bands.ndim == 2 else 0
        # LSH: every (document, band) key, sorted, for a binary search per query band
        doc_of = np.repeat(np.arange(n, dtype=np.int64), n_bands)
        keys = rows.bands.ravel()
        ok = np.repeat(rows.has_bands, n_bands)
        keys, doc_of = keys[ok], doc_of[ok]
        o = np.argsort(keys, kind="stable")
        lsh_keys, lsh_docs = keys[o], doc_of[o]
        # winnowed n-grams: postings sorted by hash
        owner = np.repeat(np.arange(n, dtype=np.int64), np.diff(rows.print_ptr))
        o = np.argsort(rows.prints, kind="stable")
        post_keys, post_docs = rows.prints[o], owner[o]
        # story vectors: TF-IDF over the indexed documents, as story/vectors.py weighs them
        fowner = np.repeat(np.arange(n, dtype=np.int64), np.diff(rows.feat_ptr))
        vocab, col = np.unique(rows.feats, return_inverse=True)
        df = np.bincount(col, minlength=len(vocab)).astype(np.float64)
        idf = np.log((n + 1) / (df + 1)) + 1
        data = (1 + np.log(np.maximum(rows.counts.astype(np.float64), 1e-9))) * idf[col]
        norms = np.sqrt(np.bincount(fowner, weights=data * data, minlength=n))
        norms[norms == 0] = 1.0
        data = data / norms[fowner]
        mat = sp.csc_matrix((data, (fowner, col)), shape=(n, len(vocab)))
        rows_mat = mat.tocsr()  # row access for the exact rescoring (a CSC row slice reads every entry)
        # one assignment, so a reader on another thread sees the old state or the new, whole
        self._state = (rows, (lsh_keys, lsh_docs, post_keys, post_docs, vocab, df, idf, mat, rows_mat))

    @property
    def _rows(self) -> _Rows:
        return self._state[0]

    def __len__(self) -> int:
        return len(self._rows.ids)

    @property
    def ids(self) -> list[str]:
        """Document ids in index order."""
        return self._rows.ids

    # --- searching --------------------------------------------------------------------------
    def candidates(self, text: str, title: str | None = None, formula: np.ndarray | None = None,
                   max_anchor_docs: int = 40, max_story_docs: int = 20,
                   story_floor: float = 0.08) -> list[dict[str, Any]]:
        """Stored documents worth comparing with `text`, best first, each with how it was
        found.

        Parameters
        ----------
        text, title : str
            The query text (and an optional title, which the story features read).
        formula : numpy.ndarray, optional
            Sorted n-gram hashes the store knows as formula: never evidence.
        max_anchor_docs : int
            Documents kept from the shared n-gram search (most shared rare n-grams first).
        max_story_docs : int
            Documents kept from the story search (highest cosine first).
        story_floor : float
            Lowest story cosine worth a comparison.

        Returns
        -------
        list of dict
            ``{"doc_id", "lsh": bool, "anchors": int, "anchor_weight": float, "story": float}``.
        """
        rows, search = self._state
        lsh_keys, lsh_docs, post_keys, post_docs, vocab, df, idf, mat, rows_mat = search
        n = len(rows.ids)
        if n == 0:
            return []
        sk = sketch_texts([text], [title], self.cfg)[0]
        found: dict[int, dict[str, Any]] = {}

        def entry(i: int) -> dict[str, Any]:
            return found.setdefault(i, {"doc_id": rows.ids[i], "lsh": False, "anchors": 0,
                                        "anchor_weight": 0.0, "story": 0.0})

        # reprints: a shared LSH band
        if len(sk.bands) and len(lsh_keys):
            lo = np.searchsorted(lsh_keys, sk.bands, "left")
            hi = np.searchsorted(lsh_keys, sk.bands, "right")
            for a, b in zip(lo.tolist(), hi.tolist()):
                for i in lsh_docs[a:b][: self.cfg.max_bucket].tolist():
                    entry(i)["lsh"] = True
        # shared wording: winnowed n-grams, rarer ones weigh more; formula never counts
        prints = sk.prints
        if formula is not None and len(formula):
            prints = np.setdiff1d(prints, formula, assume_unique=True)
        if len(prints) and len(post_keys):
            lo = np.searchsorted(post_keys, prints, "left")
            hi = np.searchsorted(post_keys, prints, "right")
            dfs = hi - lo
            cap = max(self.cfg.anchor_max_df, self.cfg.max_bucket)
            use = (dfs > 0) & (dfs <= cap)
            if use.any():
                docs = np.concatenate([post_docs[a:b] for a, b in zip(lo[use], hi[use])])
                weight = np.repeat(np.log((n + 1) / dfs[use]), dfs[use])
                uniq, inv = np.unique(docs, return_inverse=True)
                score = np.bincount(inv, weights=weight)
                count = np.bincount(inv)
                order = np.lexsort((uniq, -count, -score))[:max_anchor_docs]
                for k in order.tolist():
                    e = entry(int(uniq[k]))
                    e["anchors"], e["anchor_weight"] = int(count[k]), round(float(score[k]), 3)
        # the same event: TF-IDF cosine over the story features
        if len(sk.feats) and len(vocab):
            pos = np.searchsorted(vocab, sk.feats)
            pos = np.minimum(pos, len(vocab) - 1)
            hit = vocab[pos] == sk.feats
            if hit.any():
                cols, cnt = pos[hit], sk.counts[hit].astype(np.float64)
                q = (1 + np.log(cnt)) * idf[cols]
                all_q = (1 + np.log(sk.counts.astype(np.float64)))
                # features unknown to the store still lengthen the query vector
                unknown_idf = np.log(n + 1) + 1
                norm = np.sqrt((q * q).sum() + ((all_q[~hit] * unknown_idf) ** 2).sum()) or 1.0
                q = q / norm
                max_df = min(self.cfg.story_max_index_df,
                             max(self.cfg.story_min_index_df, int(self.cfg.story_max_df * n)))
                sel = np.flatnonzero(df[cols] <= max_df)
                if len(sel) > self.cfg.story_query_terms:
                    sel = sel[np.argsort(-q[sel], kind="stable")[: self.cfg.story_query_terms]]
                if len(sel):
                    rough = mat[:, cols[sel]] @ q[sel]
                    top = np.flatnonzero(rough > 0)
                    top = top[np.argsort(-rough[top], kind="stable")[: self.cfg.story_candidates]]
                    if len(top):
                        exact = rows_mat[top][:, cols] @ q
                        good = np.flatnonzero(exact >= story_floor)
                        good = good[np.argsort(-exact[good], kind="stable")[:max_story_docs]]
                        for k in good.tolist():
                            entry(int(top[k]))["story"] = round(float(exact[k]), 4)
        out = list(found.values())
        out.sort(key=lambda e: (-e["lsh"], -e["anchor_weight"], -e["story"], e["doc_id"]))
        return out


def build_index(store: str | os.PathLike[str], cfg: Config | None = None,
                path: str | os.PathLike[str] | None = None) -> QueryIndex:
    """Build (or refresh) and save the query index of `store`.

    Parameters
    ----------
    store : path-like
        The DuckDB store.
    cfg : Config, optional
        Sketch settings.
    path : path-like, optional
        Index file (default `index_path(store)`).

    Returns
    -------
    QueryIndex
        Up to date with the store; see `QueryIndex.open`.
    """
    return QueryIndex.open(store, cfg, path, save=True)

