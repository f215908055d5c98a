"""Stories at scale: retold story clustering vs the TF-IDF + scipy linkage baseline, 10k-100k docs.

Speed and memory side by side in one run, up to 100,000 news documents.

    .venv/bin/python benchmarks/bench_stories.py                    # 10k, 25k, 50k, 100k
    .venv/bin/python benchmarks/bench_stories.py --sizes 10000,25000 --stream-sizes ''
    .venv/bin/python benchmarks/bench_stories.py --corpus-only      # only build the corpus

Corpus (README "Stories"): every English news text under ../shared/data (Reuters-21578, BBC
News, GVA gun-violence articles, ECB+, METER, L3S-GN1, the Zyte article-extraction pages),
about 31,000 real documents, topped up to 100,000 with *derived* documents (a real document
whose names and numbers are replaced by those of another document of the same collection,
with some of its sentences dropped, and a synthetic date). Undated real documents get a
synthetic date too (seeded). The documents are shuffled once (seeded) and size N is the first
N, so every size is a sample of the same mix. The corpus is cached in .bench/ (gitignored):
the data is research-use only and never copied into the project.

Every measurement runs in its own fresh subprocess, one at a time; the parent polls the
child's RSS with psutil and reads its ru_maxrss. Inside the child, retold's pipeline is
timed phase by phase by calling retold.story's submodules in the order build_model and
batch_stories use (checked against build_model + batch_stories at the smallest size).
The baseline is retold.eval.stories.tfidf_linkage (sklearn TF-IDF, condensed cosine distance
matrix, scipy average linkage): n^2/2 float64 distances, copied once more by scipy's
nn_chain, so it only runs at sizes whose estimate fits under --baseline-max-gb.

Quality at scale: the 5,815 GVA clean documents (gold = incident_id) sit inside the corpus;
retold's labels restricted to them are scored with retold.eval.stories.score and compared
with clustering the same documents alone (same config, same threshold).
"""
from __future__ import annotations

import argparse
import datetime as dt
import gzip
import importlib.metadata as md
import json
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
import corpus  # sibling module: Reuters + BBC readers
from measure import machine, measure as measure_child  # sibling module: outside measurement

DATA = corpus.DATA
BENCH = REPO / ".bench"
CORPUS_VERSION = 3  # bump when the corpus recipe changes (part of the cache file name)
SYNTH_START = dt.date(2013, 1, 1)  # synthetic dates: uniform over 2013-2017 (GVA's span)
SYNTH_DAYS = (dt.date(2018, 1, 1) - SYNTH_START).days
KEEP_SENTENCE = 0.8  # a derived document keeps each sentence of its base with this chance
BASELINE_CUT = 0.81  # cosine distance at which the baseline tree is cut (cheap; labels only)
_WORD = re.compile(r"\w+")


# =========================================================================== corpus: real docs

def _gva(data: Path) -> list[dict]:
    """GVA articles, one record per doc_id. Rows that are clean (not boilerplate_suspect, not
    doc_in_multiple_incidents; the 5,815 of retold.eval.stories.load_gva(clean=True)) carry
    their incident as `gold`; the others are kept as plain documents."""
    path = data / "stories" / "gva-gun-violence-incidents" / "articles.jsonl"
    rows = [json.loads(ln) for ln in path.open(encoding="utf-8") if ln.strip()]
    out, seen = [], set()
    for r in rows:
        if r["doc_id"] in seen:
            continue
        seen.add(r["doc_id"])
        clean = not (r["boilerplate_suspect"] or r["doc_in_multiple_incidents"])
        out.append({"id": f"gva-{r['doc_id']}", "text": r["text"] or "", "title": r["title"] or None,
                    "date": r["dct"], "source": "gva-clean" if clean else "gva-other",
                    "gold": str(r["incident_id"]) if clean else None})
    return out


def _ecbplus(data: Path) -> list[dict]:
    path = data / "stories" / "ecbplus" / "docs.jsonl"
    return [{"id": f"ecb-{r['doc_id']}", "text": r["text"], "title": None, "date": None,
             "source": "ecbplus"}
            for r in (json.loads(ln) for ln in path.open(encoding="utf-8") if ln.strip())]


def _meter_text(raw: str, pa: bool) -> tuple[str | None, str]:
    raw = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", raw)
    if not pa:
        return None, raw.replace("\r", "").strip()
    # PA copy: ruler and header lines, hard-wrapped lines, '<' at the end of a paragraph.
    paras, cur = [], []
    for ln in raw.replace("\r", "").split("\n"):
        s = ln.strip()
        if not s or set(s) <= set("-") or re.match(r"\d\d:\d\d \d\d/\d\d/\d\d:", s):
            continue
        end = s.endswith("<")
        cur.append(s.rstrip("<").strip())
        if end:
            paras.append(" ".join(cur))
            cur = []
    if cur:
        paras.append(" ".join(cur))
    if len(paras) > 1:
        return paras[0], "\n".join(paras[1:])
    return None, "\n".join(paras)


def _meter(data: Path) -> list[dict]:
    out = []
    root = data / "meter-corpus-rawtexts"
    for path in sorted(root.glob("*/rawtexts/*/*/*/*.txt")):
        if path.name == "readme.txt":
            continue
        rel = path.relative_to(root).parts  # PA|newspapers, rawtexts, domain, dd.mm.yy, catchline, file
        d, m, y = (int(x) for x in rel[3].split("."))
        title, text = _meter_text(path.read_text(encoding="latin-1"), rel[0] == "PA")
        out.append({"id": "meter-" + "/".join(rel[0:1] + rel[2:]), "text": text, "title": title,
                    "date": dt.date(1900 + y if y > 50 else 2000 + y, m, d).isoformat(),
                    "source": "meter"})
    return out


class _L3SParser(HTMLParser):
    """Text of the annotated headline (x-nc-sel1) and main-text (x-nc-sel2) spans."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str | None] = []
        self.parts: dict[str, list[str]] = {"1": [], "2": []}

    def handle_starttag(self, tag, attrs):
        if tag != "span":
            return
        cls = dict(attrs).get("class") or ""
        m = re.search(r"x-nc-sel(\d)", cls)
        self.stack.append(m.group(1) if m else (self.stack[-1] if self.stack else None))

    def handle_endtag(self, tag):
        if tag == "span" and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        sel = self.stack[-1] if self.stack else None
        if sel in self.parts and data.strip():
            self.parts[sel].append(data.strip())


def _join_fragments(parts: list[str]) -> str:
    out = ""
    for p in parts:
        out += ("\n" if out and out[-1] in ".!?\"”" else " " if out else "") + p
    return out


def _l3s(data: Path) -> list[dict]:
    out = []
    for path in sorted((data / "l3s-gn1" / "annotated").glob("*.html.gz")):
        p = _L3SParser()
        p.feed(gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace"))
        text = _join_fragments(p.parts["2"])
        if text:
            out.append({"id": f"l3s-{path.name.split('.')[0]}", "text": text,
                        "title": " ".join(p.parts["1"]) or None, "date": None, "source": "l3s-gn1"})
    return out


def _aeb(data: Path) -> list[dict]:
    gt = json.loads((data / "article-extraction-benchmark" / "ground-truth.json").read_text("utf-8"))
    return [{"id": f"aeb-{k[:16]}", "text": v.get("articleBody") or "", "title": v.get("headline"),
             "date": None, "source": "article-extraction"} for k, v in sorted(gt.items())]


def real_docs(data: Path = DATA) -> list[dict]:
    docs = [dict(d) for d in corpus.reuters_docs(data)] + [dict(d) for d in corpus.bbc_docs(data)]
    docs += _gva(data) + _ecbplus(data) + _meter(data) + _l3s(data) + _aeb(data)
    return [d for d in docs if len(_WORD.findall(d["text"])) >= 20]


# =========================================================================== corpus: derived docs

_TOKEN = re.compile(r"\d+(?:[.,:/]\d+)*|\w+(?:['’]\w+)*")
_SENT_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[\"'“‘(A-Z0-9])")


def _initial(text: str, prev_end: int, start: int) -> bool:
    gap = text[prev_end:start]
    if prev_end == 0 or "\n" in gap:
        return True
    g = gap.strip().rstrip("\"'“”‘’([«»")
    return bool(g) and g[-1] in ".!?:"


def entities(text: str) -> tuple[list[str], list[str]]:
    """Distinct names (capitalised, not sentence-initial, not a stop word: as retold's event
    features see them) and numbers of a text, in order of first appearance; names lowercased."""
    from retold.text.stopwords import STOPWORDS
    names, nums, prev = {}, {}, 0
    for m in _TOKEN.finditer(text):
        tok = m.group()
        if tok[0].isdigit():
            nums.setdefault(tok, None)
        elif (tok[0].isupper() and len(tok) > 2 and tok.lower() not in STOPWORDS
              and not _initial(text, prev, m.start())):
            names.setdefault(tok.lower(), None)
        prev = m.end()
    return list(names), list(nums)


def _recase(like: str, word: str) -> str:
    if like.isupper():
        return word.upper()
    if like[0].isupper():
        return word[0].upper() + word[1:]
    return word


def derive(base: dict, donor: dict, rng: random.Random, cache: dict | None = None) -> tuple[str, str | None]:
    """The base document's text with its names and numbers replaced by the donor's (base's
    i-th distinct name -> donor's i-th, cycling; same for numbers; a name is replaced wherever
    it occurs capitalised, sentence-initial or all-caps too), each sentence kept with
    probability KEEP_SENTENCE."""
    cache = {} if cache is None else cache
    for d in (base, donor):
        if d["id"] not in cache:
            cache[d["id"]] = entities(d["text"])
    (b_names, b_nums), (d_names, d_nums) = cache[base["id"]], cache[donor["id"]]
    name_map = {k: d_names[i % len(d_names)] for i, k in enumerate(b_names)} if d_names else {}
    num_map = {k: d_nums[i % len(d_nums)] for i, k in enumerate(b_nums)} if d_nums else {}

    def swap(m: re.Match) -> str:
        tok = m.group()
        if tok[0].isdigit():
            return num_map.get(tok, tok)
        new = name_map.get(tok.lower()) if tok[0].isupper() else None
        return _recase(tok, new) if new else tok

    sents = _SENT_SPLIT.split(base["text"])
    kept = [s for i, s in enumerate(sents) if i < 2 or rng.random() < KEEP_SENTENCE]
    text = _TOKEN.sub(swap, " ".join(kept))
    title = _TOKEN.sub(swap, base["title"]) if base.get("title") else None
    return text, title


def _synthetic_date(rng: random.Random) -> str:
    d = SYNTH_START + dt.timedelta(days=rng.randrange(SYNTH_DAYS))
    return dt.datetime.combine(d, dt.time(rng.randrange(24), rng.randrange(60))).isoformat()


def build_corpus(total: int, seed: int, data: Path = DATA) -> list[dict]:
    rng = random.Random(seed)
    real = real_docs(data)
    for d in real:
        d["derived"] = False
        if not d["date"]:
            d["date"], d["date_synthetic"] = _synthetic_date(rng), True
    # Bases and donors: every real document except the scored GVA clean ones, so the quality
    # check at scale is not confounded by synthetic twins of the scored documents.
    pools: dict[str, list[dict]] = {}
    for d in real:
        if d["source"] != "gva-clean":
            pools.setdefault(d["source"], []).append(d)
    bases = [d for src in sorted(pools) for d in pools[src]]
    derived, cache = [], {}
    for i in range(max(0, total - len(real))):
        base = bases[rng.randrange(len(bases))]
        pool = pools[base["source"]]
        donor = pool[rng.randrange(len(pool))]
        if donor is base and len(pool) > 1:
            donor = pool[(pool.index(base) + 1) % len(pool)]
        text, title = derive(base, donor, rng, cache)
        derived.append({"id": f"derived-{i}", "text": text, "title": title,
                        "date": _synthetic_date(rng), "source": "derived:" + base["source"],
                        "derived": True, "base": base["id"], "donor": donor["id"]})
    docs = real + derived
    rng.shuffle(docs)
    return docs[:total]


def corpus_path(total: int, seed: int) -> Path:
    return BENCH / f"stories-{total}-s{seed}-v{CORPUS_VERSION}.jsonl"


def ensure_corpus(total: int, seed: int, rebuild: bool = False) -> Path:
    path = corpus_path(total, seed)
    if path.exists() and not rebuild:
        return path
    for p in ("reuters21578", "bbc-news-2225", "stories"):
        if not (DATA / p).is_dir():
            msg = f"benchmark data not found: {DATA / p} (expected ../shared/data next to the repo)"
            raise SystemExit(f"error: {msg}") if os.environ.get("CI") else FileNotFoundError(msg)
    t0 = time.perf_counter()
    docs = build_corpus(total, seed)
    BENCH.mkdir(exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as f:
        for d in docs:
            f.write(json.dumps(d, ensure_ascii=False) + "\n")
    tmp.replace(path)
    print(f"corpus: built {path.relative_to(REPO)} ({len(docs):,} docs) in "
          f"{time.perf_counter() - t0:.0f} s", file=sys.stderr)
    return path


def read_docs(path: Path, n: int | None = None) -> list[dict]:
    out = []
    with path.open(encoding="utf-8") as f:
        for ln in f:
            if n is not None and len(out) >= n:
                break
            out.append(json.loads(ln))
    return out


def describe(docs: list[dict]) -> dict:
    words = sorted(len(_WORD.findall(d["text"])) for d in docs)
    years = Counter(d["date"][:4] for d in docs)
    return {
        "docs": len(docs),
        "real": sum(not d["derived"] for d in docs),
        "derived": sum(d["derived"] for d in docs),
        "sources": dict(sorted(Counter(d["source"] for d in docs).items(), key=lambda kv: -kv[1])),
        "synthetic_dates": sum(bool(d.get("date_synthetic")) or d["derived"] for d in docs),
        "years": dict(sorted(years.items())),
        "gva_clean_docs": sum(d["source"] == "gva-clean" for d in docs),
        "mean_words": round(statistics.mean(words), 1), "median_words": statistics.median(words),
        "p90_words": words[int(0.9 * (len(words) - 1))],
    }


# =========================================================================== child side

class RssSampler:
    """Samples this process's RSS every `interval` s in a thread; peak per named phase."""

    def __init__(self, interval: float = 0.01) -> None:
        import psutil
        self.proc = psutil.Process()
        self.phase = "start"
        self.peak: dict[str, int] = {}
        self.interval = interval
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            time.sleep(self.interval)

    def sample(self) -> int:
        rss = self.proc.memory_info().rss
        if rss > self.peak.get(self.phase, 0):
            self.peak[self.phase] = rss
        return rss

    def enter(self, phase: str) -> None:
        self.sample()
        self.phase = phase
        self.sample()

    def stop(self) -> dict[str, float]:
        self.sample()
        self._stop.set()
        self._t.join()
        return {k: round(v / 2**20, 1) for k, v in self.peak.items()}


class Timer:
    def __init__(self, sampler: RssSampler) -> None:
        self.sampler = sampler
        self.phases: dict[str, float] = {}

    def __call__(self, name: str):
        timer = self

        class _Ctx:
            def __enter__(self):
                timer.sampler.enter(name)
                self.t0 = time.perf_counter()

            def __exit__(self, *exc):
                timer.phases[name] = round(timer.phases.get(name, 0.0) + time.perf_counter() - self.t0, 3)
                timer.sampler.enter("between")
        return _Ctx()


def _instrument(module, name: str, acc: dict[str, float]) -> None:
    """Wrap module.name so its cumulative time lands in acc[name] (child process only)."""
    fn = getattr(module, name)

    def wrapped(*a, **kw):
        t0 = time.perf_counter()
        try:
            return fn(*a, **kw)
        finally:
            acc[name] = acc.get(name, 0.0) + time.perf_counter() - t0
    setattr(module, name, wrapped)


def _same_partition(a, b) -> bool:
    return len(set(zip(a, b))) == len(set(a)) == len(set(b))


def _gva_score(docs: list[dict], labels) -> dict | None:
    from retold.eval.stories import score
    idx = [i for i, d in enumerate(docs) if d["source"] == "gva-clean"]
    if not idx:
        return None
    s = score([int(labels[i]) for i in idx], [docs[i]["gold"] for i in idx])
    return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in s.__dict__.items()}


def child_retold(docs: list[dict], mode: str, check: bool) -> dict:
    """retold's story pipeline, phase by phase (as build_model / stream_model do it)."""
    import numpy as np

    from retold.config import Config
    from retold.story import arrival_order, day_numbers
    from retold.story import features as F
    from retold.story import graph as G
    from retold.story import linkage as L
    from retold.story import neighbours as N
    from retold.story import stream as S
    from retold.story import vectors as V
    from retold.story.featurerows import FeatureRows

    sampler = RssSampler()
    timer = Timer(sampler)
    sub: dict[str, float] = {}
    for name in ("top_terms", "pair_cosine", "_top_per_row"):
        _instrument(N, name, sub)
    _instrument(G, "neighbour_profiles", sub)
    cfg = Config()
    texts, titles, dates = [d["text"] for d in docs], [d["title"] for d in docs], [d["date"] for d in docs]
    rss_loaded = sampler.sample()
    n = len(docs)
    t_all = time.perf_counter()
    with timer("features"):
        feats = [F.event_features(t, h, cfg.story_name_weight) for t, h in zip(texts, titles)]
    with timer("vectorise"):
        vec = V.vectorize(FeatureRows.build(feats))
    del feats
    with timer("dates"):
        days = day_numbers(dates)
        order = arrival_order(days) if mode == "stream" else None
    max_df = max(cfg.story_min_index_df, int(cfg.story_max_df * n))
    with timer("neighbours"):
        nb = N.story_neighbours(vec.matrix, vec.df, days, cfg.story_k, tau=cfg.story_tau_days,
                                floor=cfg.story_time_floor, query_terms=cfg.story_query_terms,
                                max_df=max_df, candidates=cfg.story_candidates, order=order)
    info = {"features": int(vec.matrix.shape[1]), "nnz": int(vec.matrix.nnz),
            "indexed_features": int((vec.df <= max_df).sum()), "max_df": max_df}
    if mode == "batch":
        with timer("graph"):
            edges, weights, _prof = G.story_graph(nb, cfg.story_mix, cfg.story_edge_floor)
        info["edges"] = len(edges)
        with timer("linkage"):
            labels = L.average_linkage(n, edges, weights, cfg.story_link)
        threshold = cfg.story_link
    else:
        with timer("stream"):
            labels = S.stream_stories(nb, order, cfg.story_stream_link)
        threshold = cfg.story_stream_link
    seconds = time.perf_counter() - t_all
    peaks = sampler.stop()
    sizes = np.bincount(labels)
    out = {"mode": mode, "n": n, "seconds": round(seconds, 3), "phases": timer.phases,
           "sub_phases": {k: round(v, 3) for k, v in sub.items()},
           "rss_loaded_mb": round(rss_loaded / 2**20, 1), "phase_peak_rss_mb": peaks,
           "threshold": threshold, "stories": len(sizes),
           "multi_doc_stories": int((sizes > 1).sum()), "largest_story": int(sizes.max()),
           **info, "gva_clean": _gva_score(docs, labels)}
    if check:  # the phase-by-phase path must give what build_model + batch_stories give
        from retold.story import batch_stories, build_model, stream_model, stream_stories
        if mode == "batch":
            ref = batch_stories(build_model(texts, titles, dates, cfg), cfg.story_link)
        else:
            ref = stream_stories(*stream_model(texts, titles, dates, cfg), cfg.story_stream_link)
        out["same_as_public_api"] = _same_partition(labels.tolist(), ref.tolist())
    return out


def child_baseline(docs: list[dict]) -> dict:
    from retold.eval.stories import StoryDoc, cut, tfidf_linkage
    sampler = RssSampler()
    timer = Timer(sampler)
    sd = [StoryDoc(d["id"], d["text"], d["title"], d["date"], d.get("gold") or "", None) for d in docs]
    rss_loaded = sampler.sample()
    t0 = time.perf_counter()
    with timer("tfidf_linkage"):
        tree = tfidf_linkage(sd)
    with timer("cut"):
        labels = cut(tree, BASELINE_CUT)
    seconds = time.perf_counter() - t0
    return {"mode": "baseline", "n": len(docs), "seconds": round(seconds, 3), "phases": timer.phases,
            "rss_loaded_mb": round(rss_loaded / 2**20, 1), "phase_peak_rss_mb": sampler.stop(),
            "cut": BASELINE_CUT, "stories": len(set(labels))}


def child_gva_alone(docs: list[dict]) -> dict:
    """The GVA clean documents of the sample, clustered on their own (reference)."""
    from retold.config import Config
    from retold.story import batch_stories, build_model, stream_model, stream_stories
    cfg = Config()
    g = [d for d in docs if d["source"] == "gva-clean"]
    args = ([d["text"] for d in g], [d["title"] for d in g], [d["date"] for d in g], cfg)
    t0 = time.perf_counter()
    batch = batch_stories(build_model(*args), cfg.story_link)
    t1 = time.perf_counter()
    stream = stream_stories(*stream_model(*args), cfg.story_stream_link)
    return {"mode": "gva-alone", "n": len(docs), "n_gva": len(g), "batch_seconds": round(t1 - t0, 3),
            "batch": _gva_score(g, batch), "stream": _gva_score(g, stream)}


def run_child(args) -> int:
    docs = read_docs(Path(args.corpus), args.n)
    if args.child == "baseline":
        res = child_baseline(docs)
    elif args.child == "gva-alone":
        res = child_gva_alone(docs)
    else:
        res = child_retold(docs, args.child, args.check)
    import resource
    res["ru_maxrss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    Path(args.result).write_text(json.dumps(res, indent=1) + "\n")
    return 0


# =========================================================================== parent side

def measure(cmd: list[str], timeout: float, interval: float = 0.05) -> dict:
    """Run cmd; wall seconds, peak RSS (psutil polling of the process tree), ru_maxrss."""
    return measure_child(cmd, BENCH / "stories-child.stderr", REPO, interval, timeout)


def run_measured(kind: str, path: Path, n: int, timeout: float, check: bool = False) -> dict:
    result = BENCH / f"stories-{kind}-{n}.json"
    result.unlink(missing_ok=True)
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", kind, "--corpus", str(path),
           "--n", str(n), "--result", str(result)] + (["--check"] if check else [])
    m = measure(cmd, timeout)
    if m["returncode"] == 0 and result.exists():
        m.update(json.loads(result.read_text()))
    return m


def baseline_estimate_gb(n: int) -> float:
    """Condensed distances (n^2/2 float64) + nn_chain's copy + one 1024-row dense block of
    similarities + the finiteness mask scipy builds, plus ~0.5 GB of corpus and TF-IDF."""
    cond = n * (n - 1) / 2 * 8
    return round((2 * cond + 1024 * n * 8 * 2 + cond / 8) / 2**30 + 0.5, 1)


def _version(name: str) -> str | None:
    try:
        return md.version(name)
    except md.PackageNotFoundError:
        return None


def _git() -> str | None:
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO,
                             capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "src"], cwd=REPO,
                               capture_output=True, text=True).stdout.strip()
        return (rev + ("+dirty src" if dirty else "")) if rev else None
    except OSError:
        return None


def _ratio(a, b):
    return round(a / b, 3) if a and b else None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000,25000,50000,100000", help="batch sizes (comma list)")
    ap.add_argument("--stream-sizes", default="100000", help="stream sizes (comma list, '' for none)")
    ap.add_argument("--baseline-sizes", default=None,
                    help="baseline sizes (default: every batch size whose estimate fits)")
    ap.add_argument("--baseline-max-gb", type=float, default=16.0,
                    help="skip the baseline where its estimated peak exceeds this")
    ap.add_argument("--timeout", type=float, default=3600.0, help="seconds per child run")
    ap.add_argument("--total", type=int, default=100_000,
                    help="corpus size; every run takes its first N documents")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--rebuild", action="store_true", help="rebuild the cached corpus")
    ap.add_argument("--corpus-only", action="store_true")
    ap.add_argument("--no-quality", action="store_true", help="skip the GVA-alone references")
    ap.add_argument("--out", default=None, help="result JSON (default results/<date>-stories.json)")
    ap.add_argument("--child", choices=("batch", "stream", "baseline", "gva-alone"), help=argparse.SUPPRESS)
    ap.add_argument("--corpus", help=argparse.SUPPRESS)
    ap.add_argument("--n", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--result", help=argparse.SUPPRESS)
    ap.add_argument("--check", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        return run_child(args)

    import psutil
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    stream_sizes = [int(s) for s in args.stream_sizes.split(",") if s.strip()]
    if max(sizes + stream_sizes, default=0) > args.total:
        raise SystemExit(f"error: a size exceeds --total {args.total}")
    path = ensure_corpus(args.total, args.seed, args.rebuild)
    docs = read_docs(path)
    comp = describe(docs)
    print(f"corpus: {path.relative_to(REPO)}: {comp['docs']:,} docs ({comp['real']:,} real, "
          f"{comp['derived']:,} derived)", file=sys.stderr)
    if args.corpus_only:
        print(json.dumps(comp, indent=1))
        return 0
    del docs
    if args.baseline_sizes is not None:
        base_sizes = [int(s) for s in args.baseline_sizes.split(",") if s.strip()]
    else:
        base_sizes = [n for n in sizes if baseline_estimate_gb(n) <= args.baseline_max_gb]

    runs: list[dict] = []

    def go(kind: str, n: int, **kw) -> dict:
        r = run_measured(kind, path, n, args.timeout, **kw)
        r.setdefault("mode", kind)
        r.setdefault("n", n)
        runs.append(r)
        msg = (f"  {kind:<9} n={n:>7,}: wall {r['wall_s']:7.1f} s, peak RSS {r['peak_rss_mb']:7.0f} MB")
        if r.get("seconds") is not None:
            msg += f", pipeline {r['seconds']:.1f} s {r.get('phases', '')}"
        if r["returncode"]:
            msg += f"  FAILED (exit {r['returncode']}{', timeout' if r['timed_out'] else ''})"
        print(msg, file=sys.stderr, flush=True)
        if r["returncode"] and r["stderr_tail"]:
            print(r["stderr_tail"], file=sys.stderr)
        return r

    smallest = min(sizes) if sizes else None
    for n in sizes:  # one process at a time; retold and the baseline back to back per size
        go("batch", n, check=n == smallest)
        if n in base_sizes:
            est = baseline_estimate_gb(n)
            avail = psutil.virtual_memory().available / 2**30
            if est > avail - 1:
                runs.append({"mode": "baseline", "n": n, "skipped": f"estimate {est} GB > available {avail:.1f} GB"})
            else:
                go("baseline", n)
    for n in stream_sizes:
        go("stream", n, check=n == smallest)
    if not args.no_quality:
        for n in sorted(set(sizes + stream_sizes)):
            go("gva-alone", n)
    for n in sizes:
        if n not in base_sizes:
            runs.append({"mode": "baseline", "n": n, "skipped":
                         f"estimated peak {baseline_estimate_gb(n)} GB > --baseline-max-gb {args.baseline_max_gb}"})

    # ratios at every size both ran
    by = {(r["mode"], r["n"]): r for r in runs}
    ratios = {}
    for n in sizes:
        rt, bl = by.get(("batch", n)), by.get(("baseline", n))
        if rt and bl and not rt.get("returncode") and not bl.get("skipped") and not bl.get("returncode"):
            ratios[str(n)] = {"pipeline_time": _ratio(rt["seconds"], bl["seconds"]),
                              "wall_time": _ratio(rt["wall_s"], bl["wall_s"]),
                              "peak_rss": _ratio(rt["peak_rss_mb"], bl["peak_rss_mb"]),
                              "peak_rss_above_loaded": _ratio(
                                  rt["peak_rss_mb"] - rt["rss_loaded_mb"], bl["peak_rss_mb"] - bl["rss_loaded_mb"])}
    from retold.config import Config
    cfg = Config()
    result = {
        "date": dt.date.today().isoformat(),
        "benchmark": "stories",
        "corpus": {"file": str(path.relative_to(REPO)), "seed": args.seed, "version": CORPUS_VERSION,
                   "synthetic_dates": f"uniform {SYNTH_START} .. {SYNTH_START + dt.timedelta(days=SYNTH_DAYS - 1)}",
                   "derived_recipe": "real base doc (any source but gva-clean) with its distinct names "
                                     "and numbers mapped to a same-source donor's, each sentence kept "
                                     f"with p={KEEP_SENTENCE} (first two always), synthetic date",
                   **comp},
        "config": {k: v for k, v in cfg.to_dict().items() if k.startswith("story_")},
        "neighbour_search": {"k": cfg.story_k, "query_terms": cfg.story_query_terms,
                             "max_df": f"max({cfg.story_min_index_df}, {cfg.story_max_df} * n)",
                             "candidates": cfg.story_candidates, "tau_days": cfg.story_tau_days,
                             "time_floor": cfg.story_time_floor},
        "baseline": {"what": "retold.eval.stories.tfidf_linkage (sklearn TfidfVectorizer sublinear_tf, "
                             "English stop words; condensed cosine distances; scipy linkage average) "
                             f"+ fcluster cut at {BASELINE_CUT}",
                     "max_gb": args.baseline_max_gb,
                     "estimate_gb": {str(n): baseline_estimate_gb(n) for n in sizes}},
        "machine": machine(),
        "versions": {"retold": _version("retold"), "retold_git": _git(), "numpy": _version("numpy"),
                     "scipy": _version("scipy"), "scikit-learn": _version("scikit-learn")},
        "runs": runs,
        "ratios_retold_over_baseline": ratios,
    }
    out = Path(args.out) if args.out else HERE / "results" / f"{result['date']}-stories.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
    print(markdown(result))
    print(f"\nsaved {out.relative_to(REPO) if out.is_relative_to(REPO) else out}", file=sys.stderr)
    return 0 if all(not r.get("returncode") for r in runs) else 1


def markdown(r: dict) -> str:
    runs = r["runs"]
    by = {(x["mode"], x["n"]): x for x in runs}
    lines = ["| docs | retold batch s | features / vectorise / neighbours / graph / linkage s | "
             "retold peak RSS MB | baseline s | baseline peak RSS MB | time ratio retold/baseline | "
             "RSS ratio |", "|---:|---:|---|---:|---:|---:|---:|---:|"]
    sizes = sorted({x["n"] for x in runs if x["mode"] == "batch"})
    for n in sizes:
        rt, bl = by.get(("batch", n), {}), by.get(("baseline", n), {})
        ph = rt.get("phases", {})
        split = " / ".join(f"{ph.get(k, 0):.1f}" for k in ("features", "vectorise", "neighbours", "graph", "linkage"))
        rts = f"{rt['seconds']:.1f}" if rt.get("seconds") is not None else "failed"
        if bl.get("skipped"):
            bls, blm = "not run", f"(est. {r['baseline']['estimate_gb'][str(n)]} GB)"
        elif bl.get("seconds") is not None:
            bls, blm = f"{bl['seconds']:.1f}", f"{bl['peak_rss_mb']:.0f}"
        else:
            bls, blm = "failed" + (" (timeout)" if bl.get("timed_out") else ""), "-"
        ra = r["ratios_retold_over_baseline"].get(str(n), {})
        lines.append(f"| {n:,} | {rts} | {split} | {rt.get('peak_rss_mb', 0):.0f} | {bls} | {blm} | "
                     f"{ra.get('pipeline_time', '-')} | {ra.get('peak_rss', '-')} |")
    for x in runs:
        if x["mode"] == "stream" and x.get("seconds") is not None:
            ph = x["phases"]
            lines.append(f"\nStream at {x['n']:,}: {x['seconds']:.1f} s (features {ph['features']:.1f}, "
                         f"vectorise {ph['vectorise']:.1f}, causal neighbours {ph['neighbours']:.1f}, "
                         f"assignment {ph['stream']:.1f}), peak RSS {x['peak_rss_mb']:.0f} MB.")
    q = []
    for x in runs:
        if x["mode"] in ("batch", "stream") and x.get("gva_clean"):
            alone = by.get(("gva-alone", x["n"]), {})
            a = alone.get("batch" if x["mode"] == "batch" else "stream") or {}
            g = x["gva_clean"]
            q.append(f"| {x['mode']} | {x['n']:,} | {g['n_docs']:,} | {g['bcubed_f1']:.3f} | {g['pair_f1']:.3f} | "
                     f"{a.get('bcubed_f1', float('nan')):.3f} | {a.get('pair_f1', float('nan')):.3f} |")
    if q:
        lines += ["", "| mode | corpus docs | GVA clean docs in it | B3 F1 embedded | pairwise F1 embedded | "
                  "B3 F1 alone | pairwise F1 alone |", "|---|---:|---:|---:|---:|---:|---:|"] + q
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
