"""Quality on real news, measured through the product (issue 9).

Every figure here comes from what ``retold run`` writes at the shipped defaults: the labelled
documents are written to a JSONL file as ``{"id", "text", "title", "date", "url"}`` records (no
``source``: the product derives what it needs from the url), ``retold.run`` is called on it, and
the run folder's ``pairs.parquet`` and ``families.parquet`` are scored. Nothing calls the
relation or story code directly, so a change anywhere in the pipeline (ingest, sketch,
candidates, compare, stories, cluster) shows up here.

Data: ``../shared/data/stories`` beside the repo (research use only; it is read in place and
never copied into the repo; inputs go to a temporary folder, run folders to ``--out`` or a
temporary folder).

Measures
--------
1. **Cross-incident share (GVA clean).** One run over the 5,815 GVA clean articles. For the
   pairs called reuse or rewrite (and for every relation on its own, template and
   near_duplicate included) the share that links articles of different ``incident_id``. Every
   GVA article is about one US shooting, so a copy relation across incidents is almost always
   wrong (shared site chrome, lists of other stories, a template). Reported for pairs inside
   the tuning half (both incidents with ``gva_half == 0``), inside the other half (both 1), and
   for all pairs (a pair across the halves is cross-incident by construction, so the share over
   all pairs sits above both halves'). Cross-incident pairs on one host are counted too: they
   are mostly shared site chrome.
2. **Recall of cross-site specific copies (same run).** Positives are pairs of articles of one
   incident, on different hosts (url host with ``web.archive.org/web/<timestamp>/`` unwrapped
   and a leading ``www.`` dropped), that share at least one word 25-gram (retold's own token
   keys) found in articles of that incident only, across the whole clean pool: the two pages
   carry one run of 25+ tokens of incident-specific text, i.e. one copied from the other or
   both from a wire story. A positive is found when ``pairs.parquet`` lists the pair (either
   order) as exact, near_duplicate, reuse or rewrite. Exact groups are listed as representative
   -> member pairs and only the representative goes on to the later stages, so each document
   is looked up through its exact-group representative as well (two members of one exact group
   are found as exact).
3. **Stories at the defaults.** ``families.parquet``'s ``story_id`` scored with B-cubed and
   pairwise F1 (``eval.stories.score``): GVA clean (all, and each half, label ``incident_id``;
   ``family_id`` too, for information), GVC (all 510 docs in one run, scored on the test-split
   events, label ``gvc_event_id``), ECB+ (the dev + test docs in one run, label ``subtopic``).
   Unlike ``eval.stories`` there is no tuning: the product runs at its shipped threshold.
4. **A hand-reading sample.** ``sample RUN_DIR`` writes a markdown file with seeded-random
   rewrite, reuse (and template) pairs of a run (e.g. on the BBC + Reuters benchmark corpus
   ``.bench/news-21268.jsonl`` from ``benchmarks/corpus.py``): ids, titles, scores, the aligned
   passages, the heads of both texts and an empty ``verdict:`` line for a reader.

Run folders: ``--out ROOT`` writes fresh runs to ``ROOT/gva-clean``, ``ROOT/gvc`` and
``ROOT/ecbplus``; ``--run ROOT`` scores those folders as they are, without running (``--run``
may also name a single run folder for ``gva-pairs``).

    python -m retold.eval.realnews gva-pairs [--data DIR] [--out ROOT | --run ROOT] [--json]
    python -m retold.eval.realnews story-runs [--data DIR] [--out ROOT | --run ROOT] [--json]
    python -m retold.eval.realnews all [--data DIR] [--out ROOT | --run ROOT] [--json]
    python -m retold.eval.realnews sample RUN_DIR [--input FILE.jsonl] --out FILE.md [-n 30] [--seed 9]

(``retold eval gva-pairs`` and ``retold eval story-runs`` are the same first two commands.)
"""
from __future__ import annotations

import argparse
import json
import random
import re
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Hashable, Iterable, Mapping, Sequence

import numpy as np

from . import stories
from .stories import gva_half, score

DATA = stories.DATA
BENCH_CORPUS = Path(__file__).resolve().parents[3] / ".bench" / "news-21268.jsonl"

# Relations that say "this text was copied" (a positive of measure 2 must get one of these).
COPY_RELATIONS = ("exact", "near_duplicate", "reuse", "rewrite")
# Relations reported by measure 1, in table order; "reuse+rewrite" is the headline group.
RELATIONS = ("exact", "near_duplicate", "reuse", "rewrite", "template", "same_story")
GROUPS = {"reuse+rewrite": ("reuse", "rewrite"), **{r: (r,) for r in RELATIONS}}
SCOPES = ("all", "half0", "half1")
NGRAM = 25
RUN_NAMES = ("gva-clean", "gvc", "ecbplus")


# ---------------------------------------------------------------- urls


_WAYBACK_RE = re.compile(r"^(?:https?://)?(?:web\.)?archive\.org/web/[^/]*/(.*)$", re.I)
_HOST_RE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//([^/?#]*)", re.I)


def unwrap_url(url: str | None) -> str | None:
    """The original url inside Wayback Machine wrappers.

    Parameters
    ----------
    url : str or None
        A url, possibly ``http://web.archive.org/web/<timestamp>/<original url>`` (nested
        wrappers are unwrapped too).

    Returns
    -------
    str or None
        The innermost url, or None for a missing or empty url.
    """
    if not url or not url.strip():
        return None
    url = url.strip()
    while (m := _WAYBACK_RE.match(url)) and m.group(1):
        url = m.group(1)
    return url


def url_host(url: str | None) -> str | None:
    """The host of a url, Wayback wrappers unwrapped, lower case, no port, no leading ``www.``.

    Parameters
    ----------
    url : str or None
        A url; one without a scheme (``www.example.com/a``) is read as starting with its host.

    Returns
    -------
    str or None
        e.g. ``"waff.com"`` for
        ``http://web.archive.org/web/20140215012040/http://www.waff.com:80/story/1``; None when
        there is no url or no host.
    """
    url = unwrap_url(url)
    if url is None:
        return None
    m = _HOST_RE.match(url)
    netloc = m.group(1) if m else url.split("/", 1)[0]
    host = netloc.rsplit("@", 1)[-1].split(":", 1)[0].strip().lower().rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    return host or None


# ---------------------------------------------------------------- data and runs


def gva_clean_rows(root: str | Path = DATA) -> list[dict]:
    """GVA clean: the article rows without ``boilerplate_suspect`` and ``doc_in_multiple_incidents``.

    Parameters
    ----------
    root : path
        The ``stories/`` data folder (or the GVA folder itself).

    Returns
    -------
    list of dict
        5,815 rows, one per article (the doc ids are unique), as in ``articles.jsonl``.
    """
    return [r for r in stories._gva_rows(root)
            if not r["boilerplate_suspect"] and not r["doc_in_multiple_incidents"]]


def gvc_rows(root: str | Path = DATA) -> list[dict]:
    """The 510 GVC articles (rows with a ``gvc_event_id``), one row per doc id.

    Parameters
    ----------
    root : path
        The ``stories/`` data folder (or the GVA folder itself).

    Returns
    -------
    list of dict
        The first row of each GVC doc (a doc cited by two incidents has the same event twice).
    """
    out, seen = [], set()
    for r in stories._gva_rows(root):
        if r["gvc_event_id"] is not None and r["doc_id"] not in seen:
            seen.add(r["doc_id"])
            out.append(r)
    return out


def gva_record(row: dict) -> dict:
    """The product input record of a GVA row: ``{"id", "text", "title", "date", "url"}``."""
    return {"id": row["doc_id"], "text": row["text"] or "", "title": row["title"] or None,
            "date": row["dct"], "url": row["uri"]}


def ecbplus_report_docs(root: str | Path = DATA) -> list[stories.StoryDoc]:
    """The ECB+ documents ``eval.stories.protocol`` reports on (dev + test, clustered together)."""
    return stories.protocol("ecbplus", stories.load_ecbplus(root))[2]["dev+test"]


def write_jsonl(records: Iterable[dict], path: str | Path) -> Path:
    """Write records as JSON lines (UTF-8) and return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return path


def run_product(records: Sequence[dict], out: str | Path, config=None) -> tuple[Path, float]:
    """Run ``retold.run`` at the shipped defaults on records written to a temporary JSONL file.

    Parameters
    ----------
    records : sequence of dict
        ``{"id", "text", "title", "date", "url"}`` records.
    out : path
        The run folder to write; earlier output there is recomputed (``force=True``).
    config : retold.Config, optional
        Options; None means the shipped defaults (what every measure here uses).

    Returns
    -------
    (Path, float)
        The run folder and the wall-clock seconds of the run.
    """
    from ..api import run

    out = Path(out)
    with tempfile.TemporaryDirectory(prefix="retold-realnews-in-") as tmp:
        path = write_jsonl(records, Path(tmp) / "input.jsonl")
        t0 = time.perf_counter()
        run([path], out=out, config=config, force=True)
        seconds = time.perf_counter() - t0
    return out, seconds


@dataclass
class RunTables:
    """What the measures read from a run folder."""

    path: Path
    documents: dict[str, dict]  # doc_id -> row (doc_id, text, title, date, source, url, ...)
    pairs: list[dict]  # rows of pairs.parquet
    families: dict[str, dict]  # doc_id -> {"family_id", "story_id"}


def read_run(run_dir: str | Path) -> RunTables:
    """Read a run folder's documents, pairs and families.

    Parameters
    ----------
    run_dir : path
        A folder written by ``retold run``.

    Returns
    -------
    RunTables
    """
    import pyarrow.parquet as pq

    run_dir = Path(run_dir)
    missing = [n for n in ("documents", "pairs", "families") if not (run_dir / f"{n}.parquet").is_file()]
    if missing:
        raise FileNotFoundError(f"{run_dir} is not a finished run folder (no {', '.join(missing)}.parquet)")
    docs = {r["doc_id"]: r for r in pq.read_table(run_dir / "documents.parquet").to_pylist()}
    pairs = pq.read_table(run_dir / "pairs.parquet").to_pylist()
    fams = {r["doc_id"]: r for r in pq.read_table(run_dir / "families.parquet").to_pylist()}
    return RunTables(run_dir, docs, pairs, fams)


def _run_dir(root: Path, name: str) -> Path:
    """ROOT/name, or ROOT itself when ROOT is a run folder (only sensible for one dataset)."""
    if (root / name / "pairs.parquet").is_file():
        return root / name
    if (root / "pairs.parquet").is_file():
        return root
    raise FileNotFoundError(f"no finished run folder at {root / name} (nor at {root})")


# ---------------------------------------------------------------- measure 1: cross-incident share


def cross_label_shares(pairs: Iterable[dict], label: Mapping[str, Hashable],
                       half: Mapping[str, int] | None = None,
                       host: Mapping[str, str | None] | None = None) -> dict:
    """Per relation (and for reuse+rewrite together), how many listed pairs link different labels.

    Parameters
    ----------
    pairs : iterable of dict
        Rows with ``a``, ``b`` and ``relation`` (as in pairs.parquet).
    label : mapping
        doc id -> gold label (GVA: incident id). Pairs with a document without a label are
        skipped (counted in ``unlabelled``).
    half : mapping, optional
        doc id -> 0 or 1. A pair belongs to scope ``half0`` (``half1``) when both documents are
        in half 0 (1); every pair is in scope ``all``. Without it only ``all`` is filled.
    host : mapping, optional
        doc id -> host; if given, cross-label pairs on one host are counted too
        (``cross_same_host``: mostly shared site chrome rather than copied text).

    Returns
    -------
    dict
        ``{scope: {group: {"pairs", "cross", "share", "cross_same_host"}}, "unlabelled": n}``
        for scopes all/half0/half1 and groups reuse+rewrite and every relation in
        ``RELATIONS`` (plus any other relation met); ``share`` is None when there are no pairs.
    """
    counts: dict[str, dict[str, Counter]] = {s: defaultdict(Counter) for s in SCOPES}
    unlabelled = 0
    for p in pairs:
        a, b, rel = p["a"], p["b"], p["relation"]
        if a not in label or b not in label:
            unlabelled += 1
            continue
        scopes = ["all"]
        if half is not None and a in half and b in half and half[a] == half[b]:
            scopes.append(f"half{half[a]}")
        cross = label[a] != label[b]
        same_host = host is not None and host.get(a) is not None and host.get(a) == host.get(b)
        for s in scopes:
            c = counts[s][rel]
            c["pairs"] += 1
            c["cross"] += cross
            c["cross_same_host"] += cross and same_host
    extra = sorted({r for s in SCOPES for r in counts[s]} - set(RELATIONS))
    groups = {**GROUPS, **{r: (r,) for r in extra}}
    out: dict = {}
    for s in SCOPES:
        out[s] = {}
        for g, rels in groups.items():
            n = sum(counts[s][r]["pairs"] for r in rels)
            k = sum(counts[s][r]["cross"] for r in rels)
            h = sum(counts[s][r]["cross_same_host"] for r in rels)
            out[s][g] = {"pairs": n, "cross": k, "share": k / n if n else None, "cross_same_host": h}
    out["unlabelled"] = unlabelled
    return out


# ---------------------------------------------------------------- measure 2: cross-site copies


_P = np.uint64(0x9E3779B97F4A7C15)  # odd multiplier of the rolling n-gram hash


def ngram_keys(hashes: np.ndarray, n: int = NGRAM) -> np.ndarray:
    """64-bit keys of every word n-gram of a token hash sequence (polynomial hash, wraps mod 2**64).

    Parameters
    ----------
    hashes : ndarray of uint64
        Token hashes, e.g. ``retold.text.normalise.tokenize(text).hashes``.
    n : int
        Words per n-gram.

    Returns
    -------
    ndarray of uint64
        ``len(hashes) - n + 1`` keys (none for a shorter text).
    """
    h = np.asarray(hashes, dtype=np.uint64)
    m = len(h) - n + 1
    if m <= 0:
        return np.zeros(0, dtype=np.uint64)
    out = np.zeros(m, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(n):
            out = out * _P + h[k:k + m]
    return out


def specific_copy_positives(ids: Sequence[str], texts: Sequence[str], labels: Sequence[Hashable],
                            hosts: Sequence[str | None], n: int = NGRAM) -> dict[tuple[str, str], int]:
    """Pairs of one label on different hosts sharing a word n-gram found under that label only.

    Parameters
    ----------
    ids, texts, labels, hosts : sequences of one length
        The whole pool: a shared n-gram counts only if every document of the pool that holds
        it has the same label. A document without a host is never in a positive.
    n : int
        Words per n-gram (25: one shared run of 25+ tokens of label-specific text).

    Returns
    -------
    dict
        ``(id_a, id_b) -> number of shared specific n-grams`` with ``id_a < id_b``; a single
        shared run of ``L >= n`` tokens gives ``L - n + 1``.
    """
    from ..text.normalise import tokenize

    if not (len(ids) == len(texts) == len(labels) == len(hosts)):
        raise ValueError("ids, texts, labels and hosts differ in length")
    codes = stories._codes(labels)
    keys, owner = [], []
    for i, text in enumerate(texts):
        k = np.unique(ngram_keys(tokenize(text or "").hashes, n))
        keys.append(k)
        owner.append(np.full(len(k), i, dtype=np.int64))
    if not keys:
        return {}
    keys_all, docs = np.concatenate(keys), np.concatenate(owner)
    if len(keys_all) == 0:
        return {}
    order = np.argsort(keys_all, kind="stable")
    keys_all, docs = keys_all[order], docs[order]
    starts = np.flatnonzero(np.r_[True, keys_all[1:] != keys_all[:-1]])
    sizes = np.diff(np.r_[starts, len(keys_all)])
    lab = codes[docs]
    same = np.minimum.reduceat(lab, starts) == np.maximum.reduceat(lab, starts)
    keep = starts[(sizes >= 2) & same]
    keep_sizes = sizes[(sizes >= 2) & same]
    shared: Counter = Counter()
    two = keep[keep_sizes == 2]  # most groups: two documents
    if len(two):
        pair_rows, counts = np.unique(np.stack([docs[two], docs[two + 1]], axis=1), axis=0, return_counts=True)
        for (i, j), c in zip(pair_rows.tolist(), counts.tolist()):
            shared[(i, j)] += c
    for s, size in zip(keep[keep_sizes > 2].tolist(), keep_sizes[keep_sizes > 2].tolist()):
        members = docs[s:s + size].tolist()
        for x in range(size):
            for y in range(x + 1, size):
                shared[(members[x], members[y])] += 1
    out = {}
    for (i, j), c in shared.items():
        hi, hj = hosts[i], hosts[j]
        if hi is None or hj is None or hi == hj:
            continue
        a, b = sorted((ids[i], ids[j]))
        out[(a, b)] = c
    return out


def _pair_key(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def exact_representatives(pairs: Iterable[dict]) -> dict[str, str]:
    """member -> representative for the exact groups of a run (pairs listed ``exact`` rep -> member)."""
    return {p["b"]: p["a"] for p in pairs if p["relation"] == "exact"}


def copy_recall(positives: Mapping[tuple[str, str], int], pairs: Sequence[dict]) -> dict:
    """How many positive pairs the run lists with a copy relation.

    Parameters
    ----------
    positives : mapping
        ``(id_a, id_b) -> shared n-grams``, as from ``specific_copy_positives``.
    pairs : sequence of dict
        Rows of pairs.parquet (``a``, ``b``, ``relation``).

    Returns
    -------
    dict
        ``positives``, ``found``, ``recall`` (None without positives), ``by_relation`` (the
        relation each positive got, ``"none"`` if the pair is not listed), ``via_group`` (found
        only through an exact-group representative) and ``misses``: one dict per positive not
        found, ``{"a", "b", "relation", "shared_ngrams"}``.
    """
    rel_of: dict[tuple[str, str], list[str]] = defaultdict(list)
    for p in pairs:
        rel_of[_pair_key(p["a"], p["b"])].append(p["relation"])
    rep = exact_representatives(pairs)

    def pick(rels: list[str]) -> str | None:
        for r in COPY_RELATIONS:
            if r in rels:
                return r
        return rels[0] if rels else None

    by_rel: Counter = Counter()
    found = via_group = 0
    misses = []
    for (a, b), shared in sorted(positives.items()):
        rel = pick(rel_of.get((a, b), []))
        ra, rb = rep.get(a, a), rep.get(b, b)
        if rel not in COPY_RELATIONS and (ra, rb) != (a, b):
            grouped = "exact" if ra == rb else pick(rel_of.get(_pair_key(ra, rb), []))
            if grouped in COPY_RELATIONS:
                rel, via_group = grouped, via_group + 1
            elif rel is None:
                rel = grouped
        rel = rel or "none"
        by_rel[rel] += 1
        if rel in COPY_RELATIONS:
            found += 1
        else:
            misses.append({"a": a, "b": b, "relation": rel, "shared_ngrams": shared})
    n = len(positives)
    return {"positives": n, "found": found, "recall": found / n if n else None,
            "by_relation": dict(by_rel), "via_group": via_group, "misses": misses}


# ---------------------------------------------------------------- measure 3: stories


def story_scores(assigned: Mapping[str, Hashable], gold: Mapping[str, Hashable],
                 ids: Iterable[str] | None = None) -> dict:
    """B-cubed, pairwise and ARI of a run's grouping against gold labels (``eval.stories.score``).

    Parameters
    ----------
    assigned : mapping
        doc id -> predicted group (a ``story_id`` or ``family_id`` of families.parquet).
    gold : mapping
        doc id -> gold label.
    ids : iterable of str, optional
        The documents to score (default: every gold document). A document missing from the
        run (e.g. skipped on ingest) counts as a singleton.

    Returns
    -------
    dict
        The ``ClusterScores`` fields plus ``n_missing``.
    """
    ids = list(gold if ids is None else ids)
    pred = [assigned.get(d, ("missing", d)) for d in ids]
    out = asdict(score(pred, [gold[d] for d in ids]))
    out["n_missing"] = sum(d not in assigned for d in ids)
    return out


def _grouping(run: RunTables, column: str) -> dict[str, Hashable]:
    return {d: r[column] for d, r in run.families.items()}


def gva_story_scores(run: RunTables, rows: Sequence[dict]) -> dict:
    """GVA clean story_id and family_id scores: all docs, half 0 and half 1 (label incident_id)."""
    gold = {r["doc_id"]: str(r["incident_id"]) for r in rows}
    piles = {"all": list(gold),
             "half0": [d for d, g in gold.items() if gva_half(g) == 0],
             "half1": [d for d, g in gold.items() if gva_half(g) == 1]}
    return {col: {pile: story_scores(_grouping(run, col), gold, ids) for pile, ids in piles.items()}
            for col in ("story_id", "family_id")}


# ---------------------------------------------------------------- the measures as a whole


def measure_gva(run_dir: str | Path, root: str | Path = DATA, stories_too: bool = False) -> dict:
    """Measures 1 and 2 (and, with ``stories_too``, GVA's part of 3) on a GVA clean run folder.

    Parameters
    ----------
    run_dir : path
        A ``retold run`` folder over the GVA clean records (``gva_record`` of ``gva_clean_rows``).
    root : path
        The ``stories/`` data folder.
    stories_too : bool
        Also score story_id / family_id (cheap: same run).

    Returns
    -------
    dict
        ``n_docs``, ``n_in_run``, ``counts`` (pairs per relation), ``cross_incident`` (see
        ``cross_label_shares``), ``copies`` (see ``copy_recall``, plus the positive count per
        half), ``stories`` (if asked) and ``seconds`` per part.
    """
    t0 = time.perf_counter()
    rows = gva_clean_rows(root)
    run = read_run(run_dir)
    label = {r["doc_id"]: str(r["incident_id"]) for r in rows}
    half = {d: gva_half(g) for d, g in label.items()}
    host = {r["doc_id"]: url_host(r["uri"]) for r in rows}
    t1 = time.perf_counter()
    cross = cross_label_shares(run.pairs, label, half, host)
    t2 = time.perf_counter()
    positives = specific_copy_positives([r["doc_id"] for r in rows], [r["text"] for r in rows],
                                        [label[r["doc_id"]] for r in rows], [host[r["doc_id"]] for r in rows])
    copies = copy_recall(positives, run.pairs)
    copies["positives_by_half"] = dict(Counter(f"half{half[a]}" for a, _ in positives))
    for m in copies["misses"]:
        m.update(host_a=host[m["a"]], host_b=host[m["b"]], incident=label[m["a"]],
                 same_story=run.families.get(m["a"], {}).get("story_id") is not None
                 and run.families.get(m["a"], {}).get("story_id") == run.families.get(m["b"], {}).get("story_id"))
    t3 = time.perf_counter()
    out = {"run": str(run.path), "n_docs": len(rows), "n_in_run": sum(d in run.documents for d in label),
           "counts": dict(Counter(p["relation"] for p in run.pairs)), "cross_incident": cross,
           "copies": copies,
           "seconds": {"read": t1 - t0, "cross_incident": t2 - t1, "copies": t3 - t2}}
    if stories_too:
        out["stories"] = gva_story_scores(run, rows)
        out["seconds"]["stories"] = time.perf_counter() - t3
    return out


def gva_pairs(root: str | Path = DATA, out: str | Path | None = None, run: str | Path | None = None,
              stories_too: bool = False) -> dict:
    """Measures 1 and 2 through the product: run GVA clean (unless ``run`` is given) and score it.

    Parameters
    ----------
    root : path
        The ``stories/`` data folder.
    out : path, optional
        Folder of run folders; the run goes to ``out/gva-clean`` (default: a new temporary
        folder, kept so it can be scored again with ``run``).
    run : path, optional
        Score this existing folder (``run/gva-clean``, or ``run`` itself if it is a run folder)
        instead of running.
    stories_too : bool
        Also score GVA's stories (measure 3) on the same run.

    Returns
    -------
    dict
        ``measure_gva``'s dict plus ``run_seconds`` (None when an existing run was scored).
    """
    if run is not None:
        run_dir, seconds = _run_dir(Path(run), "gva-clean"), None
    else:
        base = Path(out) if out is not None else Path(tempfile.mkdtemp(prefix="retold-realnews-"))
        run_dir, seconds = run_product([gva_record(r) for r in gva_clean_rows(root)], base / "gva-clean")
    res = measure_gva(run_dir, root, stories_too=stories_too)
    res["run_seconds"] = seconds
    return res


def story_runs(root: str | Path = DATA, out: str | Path | None = None, run: str | Path | None = None,
               datasets: Sequence[str] = RUN_NAMES) -> dict:
    """Measure 3 through the product: story_id (and GVA's family_id) against gold stories.

    Parameters
    ----------
    root : path
        The ``stories/`` data folder.
    out : path, optional
        Folder of run folders (``gva-clean``, ``gvc``, ``ecbplus``); default a new temporary one.
    run : path, optional
        Score the existing run folders under this folder instead of running.
    datasets : sequence of str
        Any of ``gva-clean``, ``gvc``, ``ecbplus``.

    Returns
    -------
    dict
        Per dataset: ``{"run", "run_seconds", "score_seconds", "story_id": {pile: scores}}``
        (GVA also ``family_id``). Piles: GVA ``all``/``half0``/``half1``, GVC ``test``, ECB+
        ``dev+test``.
    """
    base = Path(run) if run is not None else (
        Path(out) if out is not None else Path(tempfile.mkdtemp(prefix="retold-realnews-")))
    res: dict = {}
    for name in datasets:
        if name == "gva-clean":
            rows = gva_clean_rows(root)
            records = [gva_record(r) for r in rows]
        elif name == "gvc":
            rows = gvc_rows(root)
            records = [gva_record(r) for r in rows]
        elif name == "ecbplus":
            docs = ecbplus_report_docs(root)
            records = [{"id": d.doc_id, "text": d.text, "title": None, "date": None, "url": None} for d in docs]
        else:
            raise ValueError(f"unknown dataset {name!r}; expected one of {RUN_NAMES}")
        if run is not None:
            run_dir, seconds = (_run_dir(base, name) if len(datasets) == 1 else base / name), None
        else:
            run_dir, seconds = run_product(records, base / name)
        t0 = time.perf_counter()
        tables = read_run(run_dir)
        if name == "gva-clean":
            scores = gva_story_scores(tables, rows)
        elif name == "gvc":
            gold = {r["doc_id"]: str(r["gvc_event_id"]) for r in rows}
            test = [r["doc_id"] for r in rows if r["gvc_split"] == "test"]
            scores = {"story_id": {"test": story_scores(_grouping(tables, "story_id"), gold, test)}}
        else:
            gold = {d.doc_id: d.label for d in docs}
            scores = {"story_id": {"dev+test": story_scores(_grouping(tables, "story_id"), gold)}}
        res[name] = {"run": str(run_dir), "run_seconds": seconds,
                     "score_seconds": time.perf_counter() - t0, **scores}
    return res


# ---------------------------------------------------------------- tables


def _f(x: float | None, w: int = 6, d: int = 3) -> str:
    return f"{'-':>{w}}" if x is None else f"{x:>{w}.{d}f}"


def format_gva(res: dict, max_misses: int = 40) -> str:
    """Measures 1 and 2 as plain-text tables."""
    lines = [f"GVA clean through the product: {res['n_docs']} docs ({res['n_in_run']} in the run), "
             f"run folder {res['run']}", "",
             "1. pairs linking different incidents (cross) per relation",
             f"{'relation':<15}" + "".join(f" {s + ' pairs':>11} {'cross':>6} {'share':>6}" for s in SCOPES)
             + f" {'cross same host':>16}"]
    ci = res["cross_incident"]
    for g in ci["all"]:
        if not any(ci[s][g]["pairs"] for s in SCOPES) and g not in ("reuse+rewrite", "template"):
            continue
        cells = "".join(f" {ci[s][g]['pairs']:>11} {ci[s][g]['cross']:>6} {_f(ci[s][g]['share'])}" for s in SCOPES)
        lines.append(f"{g:<15}{cells} {ci['all'][g]['cross_same_host']:>16}")
    c = res["copies"]
    halves = ", ".join(f"{k} {v}" for k, v in sorted(c["positives_by_half"].items()))
    lines += ["", f"2. cross-site specific copies (same incident, different hosts, a shared {NGRAM}-gram "
              "found in that incident only)",
              f"positives {c['positives']} ({halves}); found {c['found']}; recall {_f(c['recall'], 0)} "
              f"({c['via_group']} through an exact-group representative)",
              "relation given: " + ", ".join(f"{r} {n}" for r, n in sorted(c["by_relation"].items(),
                                                                          key=lambda t: -t[1]))]
    if c["misses"]:
        lines.append(f"misses ({len(c['misses'])}; shared = shared specific {NGRAM}-grams, "
                     f"a run of L tokens gives L-{NGRAM - 1}):")
        lines.append(f"  {'a':<34} {'b':<34} {'relation':<11} {'shared':>6} {'same story':>10}  hosts")
        for m in sorted(c["misses"], key=lambda m: -m["shared_ngrams"])[:max_misses]:
            lines.append(f"  {m['a']:<34} {m['b']:<34} {m['relation']:<11} {m['shared_ngrams']:>6} "
                         f"{'yes' if m.get('same_story') else 'no':>10}  {m.get('host_a')} / {m.get('host_b')}")
        if len(c["misses"]) > max_misses:
            lines.append(f"  ... and {len(c['misses']) - max_misses} more (--json lists all)")
    secs = ", ".join(f"{k} {v:.1f}s" for k, v in res["seconds"].items())
    run_s = "" if res.get("run_seconds") is None else f"run {res['run_seconds']:.1f}s, "
    lines += ["", f"time: {run_s}{secs}"]
    return "\n".join(lines)


def format_stories(res: dict) -> str:
    """Measure 3 as a plain-text table."""
    head = (f"{'dataset':<10} {'grouping':<9} {'pile':<9} {'docs':>5} {'gold':>5} {'pred':>5} {'miss':>4} "
            f"{'B3 P':>6} {'B3 R':>6} {'B3 F1':>6} {'pr P':>6} {'pr R':>6} {'pr F1':>6} {'ARI':>6}")
    lines = ["3. stories at the shipped defaults (families.parquet against gold)", head]
    for name, r in res.items():
        for col in ("story_id", "family_id"):
            for pile, s in r.get(col, {}).items():
                lines.append(f"{name:<10} {col:<9} {pile:<9} {s['n_docs']:>5} {s['n_gold']:>5} {s['n_pred']:>5} "
                             f"{s['n_missing']:>4} {s['bcubed_p']:>6.3f} {s['bcubed_r']:>6.3f} "
                             f"{s['bcubed_f1']:>6.3f} {s['pair_p']:>6.3f} {s['pair_r']:>6.3f} "
                             f"{s['pair_f1']:>6.3f} {s['ari']:>6.3f}")
    lines.append("time: " + "; ".join(
        f"{name} " + ("" if r["run_seconds"] is None else f"run {r['run_seconds']:.1f}s + ")
        + f"score {r['score_seconds']:.1f}s" for name, r in res.items()))
    lines.append("runs: " + "; ".join(f"{name} {r['run']}" for name, r in res.items()))
    return "\n".join(lines)


# ---------------------------------------------------------------- measure 4: a sample to read


SAMPLE_SCORES = ("resemblance", "containment_a", "containment_b", "story", "coverage_a", "coverage_b",
                 "parallel", "reworded", "identity", "residual", "anchors", "direction",
                 "direction_confidence")


def _clip(text: str | None, n: int) -> str:
    text = (text or "").strip()
    return text if len(text) <= n else text[:n].rstrip() + " …"


def _block(text: str) -> str:
    fence = "~~~~" if "```" in text else "```"
    return f"{fence}text\n{text}\n{fence}"


def sample_pairs(pairs: Sequence[dict], relation: str, n: int, seed: int) -> list[dict]:
    """A seeded random sample of up to ``n`` pairs of one relation (the same for the same pairs)."""
    pool = sorted((p for p in pairs if p["relation"] == relation), key=lambda p: (p["a"], p["b"]))
    return random.Random(f"{seed}:{relation}").sample(pool, min(n, len(pool)))


def write_sample(run_dir: str | Path, out: str | Path, n: int = 30, seed: int = 9,
                 relations: Sequence[str] = ("rewrite", "reuse", "template"), passage_chars: int = 300,
                 head_chars: int = 600, max_passages: int = 8) -> Path:
    """Write a markdown file of seeded-random pairs of a run, for a person to judge.

    Parameters
    ----------
    run_dir : path
        A finished run folder (e.g. of ``retold run .bench/news-21268.jsonl``).
    out : path
        The markdown file to write.
    n : int
        Pairs per relation (fewer if the run has fewer).
    seed : int
        Seed of the sample; the same seed on the same run gives the same pairs.
    relations : sequence of str
        Relations to sample; one without pairs is noted and skipped.
    passage_chars, head_chars : int
        Characters shown of each aligned passage side and of the head of each text.
    max_passages : int
        Aligned passages shown per pair (the rest are counted).

    Returns
    -------
    Path
        ``out``. Each pair has an empty ``verdict:`` line; nothing is judged here.
    """
    import pyarrow.parquet as pq

    run = read_run(run_dir)
    run_dir = Path(run_dir)
    passages: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for r in pq.read_table(run_dir / "passages.parquet").to_pylist():
        passages[(r["a"], r["b"])].append(r)
    counts = Counter(p["relation"] for p in run.pairs)
    lines = [f"# Hand-reading sample of {run_dir}", "",
             f"Seed {seed}, up to {n} pairs per relation. Pairs by relation in the run: "
             + ", ".join(f"{r} {c}" for r, c in sorted(counts.items())) + ".",
             "For each pair write a verdict (e.g. correct / wrong relation: ... / unrelated) after "
             "`verdict:`. Passages are the run's aligned spans (documents.parquet offsets), clipped "
             f"to {passage_chars} characters a side; heads are the first {head_chars} characters.", ""]
    for rel in relations:
        picked = sample_pairs(run.pairs, rel, n, seed)
        lines += [f"## {rel} ({len(picked)} of {counts.get(rel, 0)})", ""]
        if not picked:
            lines += [f"No {rel} pairs in this run.", ""]
        for k, p in enumerate(picked, 1):
            da, db = run.documents.get(p["a"], {}), run.documents.get(p["b"], {})
            lines += [f"### {rel} {k}: `{p['a']}` → `{p['b']}`", "",
                      f"- a: `{p['a']}` {da.get('source') or ''} {da.get('date') or ''} — "
                      f"{_clip(da.get('title'), 150) or '(no title)'}",
                      f"- b: `{p['b']}` {db.get('source') or ''} {db.get('date') or ''} — "
                      f"{_clip(db.get('title'), 150) or '(no title)'}",
                      "- scores: " + ", ".join(
                          f"{s} {p[s]:.3f}" if isinstance(p.get(s), float) else f"{s} {p.get(s)}"
                          for s in SAMPLE_SCORES if s in p), ""]
            ps = sorted(passages.get((p["a"], p["b"]), []), key=lambda r: r["a_start"])
            if not ps:
                lines += ["(no aligned passages listed)", ""]
            ta, tb = da.get("text") or "", db.get("text") or ""
            for j, r in enumerate(ps[:max_passages], 1):
                lines += [f"passage {j} (identity {r['identity']:.3f}; a {r['a_start']}-{r['a_end']}, "
                          f"b {r['b_start']}-{r['b_end']})", "",
                          _block("a: " + _clip(ta[r["a_start"]:r["a_end"]], passage_chars) + "\n\nb: "
                                 + _clip(tb[r["b_start"]:r["b_end"]], passage_chars)), ""]
            if len(ps) > max_passages:
                lines += [f"... and {len(ps) - max_passages} more passages", ""]
            lines += ["head of a:", "", _block(_clip(ta, head_chars)), "",
                      "head of b:", "", _block(_clip(tb, head_chars)), "", "verdict:", ""]
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines), encoding="utf-8")
    return out


# ---------------------------------------------------------------- command line


def main(argv: list[str] | None = None) -> dict:
    """Command line; returns the results dict (also printed as tables, or as JSON with --json)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    for cmd, what in (("gva-pairs", "measures 1-2: cross-incident share and cross-site copy recall on GVA clean"),
                      ("story-runs", "measure 3: story_id against gold on GVA clean, GVC and ECB+"),
                      ("all", "measures 1-3 (one GVA clean run shared)")):
        p = sub.add_parser(cmd, help=what)
        p.add_argument("--data", default=str(DATA), help="the stories/ data folder")
        where = p.add_mutually_exclusive_group()
        where.add_argument("--out", default=None, help="folder of run folders to write (default: a temp folder)")
        where.add_argument("--run", default=None, help="folder of finished run folders to score without running")
        p.add_argument("--json", action="store_true", help="print the results as JSON instead of tables")
    p = sub.add_parser("sample", help="measure 4: a markdown sample of rewrite/reuse/template pairs to read")
    p.add_argument("run_dir", help="a run folder (made from --input first if it has no pairs.parquet)")
    p.add_argument("--input", default=None, help=f"input to run first if RUN_DIR is not a run (e.g. {BENCH_CORPUS})")
    p.add_argument("--out", required=True, help="the markdown file to write")
    p.add_argument("-n", type=int, default=30, help="pairs per relation")
    p.add_argument("--seed", type=int, default=9)
    args = ap.parse_args(argv)

    if args.cmd == "sample":
        run_dir = Path(args.run_dir)
        if not (run_dir / "pairs.parquet").is_file():
            if args.input is None:
                ap.error(f"{run_dir} is not a run folder; make one with `retold run {BENCH_CORPUS} --out {run_dir}` "
                         "or pass --input")
            from ..api import run
            run([args.input], out=run_dir)
        path = write_sample(run_dir, args.out, n=args.n, seed=args.seed)
        print(path)
        return {"sample": str(path)}

    out = args.out
    if args.run is None and out is None:
        out = tempfile.mkdtemp(prefix="retold-realnews-")
    res: dict = {}
    if args.cmd in ("gva-pairs", "all"):
        res["gva"] = gva_pairs(args.data, out=out, run=args.run)
        if not args.json:
            print(format_gva(res["gva"]), flush=True)
    if args.cmd in ("story-runs", "all"):
        names = RUN_NAMES
        if args.cmd == "all":  # GVA clean was run above: score that run rather than run it again
            res["stories"] = story_runs(args.data, out=out, run=args.run, datasets=("gvc", "ecbplus"))
            gva = story_runs(args.data, run=args.run or out, datasets=("gva-clean",))
            res["stories"] = {**gva, **res["stories"]}
        else:
            res["stories"] = story_runs(args.data, out=out, run=args.run, datasets=names)
        if not args.json:
            print(("\n" if "gva" in res else "") + format_stories(res["stories"]), flush=True)
    if args.json:
        print(json.dumps(res, indent=1, default=str))
    elif args.run is None:
        print(f"\nscore these runs again without running: --run {out}")
    return res


if __name__ == "__main__":
    main()
