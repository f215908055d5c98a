"""Query latency and web-app load against a store.

    python benchmarks/bench_query.py --docs 100000 [--queries 600] [--clients 50] [--seconds 60]

The store: the real news of `benchmarks/corpus.py` (Reuters-21578 + BBC, about 21,300
documents, read from ../shared/data) and, to reach --docs, machine-altered copies of them
(a sentence dropped, a number changed, junk words glued on, a paragraph of another article
added, in the proportions below), each dated after its original and on another site. The
documents go into a run folder without pairs (documents.parquet, families.parquet with each
copy in its original's family, run.json) that `Store.ingest_run` loads: the query searches
documents, so the store holds what it needs without `retold run` comparing 100k documents.
Then the query index is built (timed), and:

- latency: `retold.query.query` in-process on the warm index and the store opened once, its
  candidates compared on a `ComparePool` of one worker per core (as `retold serve` reads and
  compares; the CLI compares in its own process and pays for opening DuckDB), one query at a time, over three
  kinds of text: a paragraph (400-800 characters) of a stored document, a whole stored
  document, and a held-out article not in the store; p50 / p95 / p99 per kind and overall.
- load: `retold serve` in a subprocess on a free localhost port, `--clients` threads each
  sending requests back to back for `--seconds` s (a mix of pages, JSON API reads and queries);
  throughput, latency percentiles and every non-2xx response or transport error.

Results go to benchmarks/results/<date>-query.json (and are printed).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))

from corpus import news_docs  # noqa: E402

BENCH = REPO / ".bench"
RESULTS = REPO / "benchmarks" / "results"
JUNK = ["viral", "trending", "breaking", "share", "follow", "latest", "update", "news"]


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text) if s.strip()]


def _alter(doc: dict, k: int, other: dict, rng: random.Random) -> dict:
    """A copy of `doc`: one or two edits of a reprinting site."""
    sents = _sentences(doc["text"])
    kind = k % 4
    if kind == 0 and len(sents) > 3:  # a sentence dropped
        del sents[rng.randrange(1, len(sents))]
    elif kind == 1:  # a number changed
        text = " ".join(sents)
        nums = list(re.finditer(r"\d+", text))
        if nums:
            m = rng.choice(nums)
            text = text[:m.start()] + str(int(m.group()) + 1 + rng.randrange(9)) + text[m.end():]
        sents = _sentences(text) or [text]
    elif kind == 2:  # junk glued to the end of paragraphs
        sents = [s + (" " + " ".join(rng.sample(JUNK, 2)) if rng.random() < 0.3 else "") for s in sents]
    else:  # a paragraph of another article added
        sents = sents + _sentences(other["text"])[:2]
    date = doc.get("date")
    if date:
        try:
            date = (dt.datetime.fromisoformat(date[:19]) + dt.timedelta(days=1 + k % 3)).isoformat()
        except ValueError:
            pass
    return {"doc_id": f"{doc['id']}~copy{k}", "text": " ".join(sents), "title": doc.get("title"),
            "date": date, "source": f"reprint{(k * 7 + len(doc['id'])) % 40}.example",
            "url": None, "origin": "bench", "chars": None}


def build_store(n_docs: int, out: Path, seed: int = 5) -> tuple[Path, list[dict], list[dict]]:
    """The store of `n_docs` documents (see the module docstring); returns it, the stored
    real documents and the held-out ones."""
    from retold.io.store import Store
    rng = random.Random(seed)
    real = [d for d in news_docs() if d.get("text") and len(d["text"]) > 300]
    rng.shuffle(real)
    held_out, real = real[:200], real[200:]
    n_real = min(len(real), n_docs)
    stored, rows, fams = real[:n_real], [], []
    for d in stored:
        rows.append({"doc_id": d["id"], "text": d["text"], "title": d.get("title"), "date": d.get("date"),
                     "source": d.get("source"), "url": None, "origin": "bench", "chars": len(d["text"])})
        fams.append({"doc_id": d["id"], "family_id": f"fam:{d['id']}", "story_id": f"story:{d['id']}"})
    k = 0
    while len(rows) < n_docs:
        d = stored[k % n_real]
        c = _alter(d, k // n_real, stored[(k * 31 + 7) % n_real], rng)
        c["chars"] = len(c["text"])
        rows.append(c)
        fams.append({"doc_id": c["doc_id"], "family_id": f"fam:{d['id']}", "story_id": f"story:{d['id']}"})
        k += 1
    run = out / "run"
    run.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows), run / "documents.parquet")
    pq.write_table(pa.Table.from_pylist(fams), run / "families.parquet")
    (run / "run.json").write_text(json.dumps({"run_id": f"bench-{n_docs}", "counts": {"documents": len(rows)}}))
    store = out / f"store-{n_docs}.duckdb"
    for p in (store, store.with_name(store.name + ".qindex.npz"), store.with_name(store.name + ".wal")):
        if p.exists():
            p.unlink()
    with Store(store) as s:
        s.ingest_run(run)
    return store, stored, held_out


def _pct(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    v = sorted(values)

    def q(p: float) -> float:
        return v[min(len(v) - 1, int(round(p * (len(v) - 1))))]
    return {"n": len(v), "p50_ms": round(1000 * q(0.50), 1), "p95_ms": round(1000 * q(0.95), 1),
            "p99_ms": round(1000 * q(0.99), 1), "mean_ms": round(1000 * statistics.fmean(v), 1),
            "max_ms": round(1000 * v[-1], 1)}


def latency(store: Path, stored: list[dict], held_out: list[dict], n: int, seed: int = 9,
            in_process: bool = False) -> dict:
    from retold.config import Config
    from retold.query import ComparePool, QueryIndex, query
    from retold.query.storeread import StoreView
    t = time.perf_counter()
    index = QueryIndex.open(store)
    build_s = time.perf_counter() - t
    view = StoreView(store)  # what `retold serve` reads through: opened once, not per query
    index.reader = view.read
    # as `retold serve` compares: a query's candidates on every core (--in-process: one process)
    pool = None if in_process else ComparePool(Config())
    rng = random.Random(seed)
    kinds: dict[str, list[float]] = {"paragraph": [], "whole document": [], "held-out article": []}
    found = {"paragraph": 0, "whole document": 0}
    for k in range(n):
        kind = list(kinds)[k % 3]
        if kind == "held-out article":
            text = rng.choice(held_out)["text"]
            doc = None
        else:
            doc = rng.choice(stored)
            text = doc["text"]
            if kind == "paragraph":
                start = rng.randrange(0, max(1, len(text) - 800))
                text = text[start:start + rng.randrange(400, 801)]
        t = time.perf_counter()
        r = query(text, store, limit=20, index=index, reader=view.read, pool=pool)
        kinds[kind].append(time.perf_counter() - t)
        if doc is not None and any(m["doc"]["id"] == doc["id"] for m in r.matches):
            found[kind] += 1
    if pool is not None:
        pool.close()
    out = {kind: _pct(v) for kind, v in kinds.items()}
    out["all"] = _pct([x for v in kinds.values() for x in v])
    out["index_build_s"] = round(build_s, 1)
    out["index_documents"] = len(index)
    out["source_found_share"] = {k: round(v / max(1, len(kinds[k])), 3) for k, v in found.items()}
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def load(store: Path, stored: list[dict], clients: int, seconds: float, seed: int = 11,
         in_process: bool = False) -> dict:
    import httpx
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = open(store.with_name("serve.log"), "wb")  # a file, not a pipe nobody drains
    extra = []
    if in_process:  # one worker: `retold serve` then compares in its own process, with no pool
        cfg_file = store.with_name("in-process.toml")
        cfg_file.write_text("workers = 1\n")
        extra = ["--config", str(cfg_file)]
    proc = subprocess.Popen([sys.executable, "-m", "retold.cli", "serve", "--store", str(store),
                             "--port", str(port), *extra], stdout=subprocess.DEVNULL, stderr=log)
    try:
        deadline = time.monotonic() + 900
        while True:
            try:
                if httpx.get(base + "/api/overview", timeout=60).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("retold serve did not start: see " + str(store.with_name("serve.log")))
            time.sleep(0.5)
        ids = [d["id"] for d in stored]
        lock = threading.Lock()
        lat: dict[str, list[float]] = {}
        errors: list[str] = []
        stop = time.monotonic() + seconds

        def worker(w: int) -> None:
            rng = random.Random(seed * 1000 + w)
            with httpx.Client(base_url=base, timeout=60) as c:
                while time.monotonic() < stop:
                    roll = rng.random()
                    doc = rng.choice(stored)
                    t = time.perf_counter()
                    try:
                        if roll < 0.2:
                            kind = "POST /api/query"
                            start = rng.randrange(0, max(1, len(doc["text"]) - 600))
                            r = c.post("/api/query", json={"text": doc["text"][start:start + 600], "limit": 10})
                        elif roll < 0.4:
                            kind, r = "GET /doc", c.get("/doc", params={"id": rng.choice(ids)})
                        elif roll < 0.6:
                            kind, r = "GET /api/document", c.get("/api/document", params={"id": rng.choice(ids)})
                        elif roll < 0.75:
                            kind, r = "GET /family", c.get("/family", params={"id": f"fam:{doc['id']}"})
                        elif roll < 0.9:
                            kind, r = "GET /families", c.get("/families", params={"offset": rng.randrange(0, 2000)})
                        else:
                            kind, r = "GET /", c.get("/")
                        ok = 200 <= r.status_code < 300
                        err = None if ok else f"{kind} {r.status_code}"
                    except httpx.HTTPError as e:
                        err = f"{kind} {type(e).__name__}"
                    dt_s = time.perf_counter() - t
                    with lock:
                        lat.setdefault(kind, []).append(dt_s)
                        if err:
                            errors.append(err)

        threads = [threading.Thread(target=worker, args=(w,)) for w in range(clients)]
        t0 = time.perf_counter()
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        wall = time.perf_counter() - t0
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
    total = sum(len(v) for v in lat.values())
    return {"clients": clients, "seconds": round(wall, 1), "requests": total,
            "throughput_rps": round(total / wall, 1), "errors": len(errors),
            "error_kinds": sorted(set(errors))[:20],
            "all": _pct([x for v in lat.values() for x in v]),
            "by_kind": {k: _pct(v) for k, v in sorted(lat.items())}}


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--docs", type=int, default=100_000)
    p.add_argument("--queries", type=int, default=600)
    p.add_argument("--clients", type=int, default=50)
    p.add_argument("--seconds", type=float, default=60.0)
    p.add_argument("--in-process", action="store_true",
                   help="compare in the querying process (no ComparePool), for an A/B against the pool")
    p.add_argument("--out", type=Path, default=None, help="results JSON (default benchmarks/results/<date>-query.json)")
    args = p.parse_args(argv)
    t = time.perf_counter()
    store, stored, held_out = build_store(args.docs, BENCH / "query")
    build = time.perf_counter() - t
    print(f"store: {args.docs:,} documents ({len(stored):,} real) in {build:.0f} s", flush=True)
    lat = latency(store, stored, held_out, args.queries, in_process=args.in_process)
    print(json.dumps(lat, indent=2), flush=True)
    ld = load(store, stored, args.clients, args.seconds, in_process=args.in_process) if args.clients > 0 else None
    print(json.dumps(ld, indent=2), flush=True)
    res = {"date": dt.date.today().isoformat(), "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
           "store": {"documents": args.docs, "real": len(stored), "altered_copies": args.docs - len(stored),
                     "store_build_s": round(build, 1), "store_mb": round(store.stat().st_size / 1e6, 1),
                     "index_mb": round(store.with_name(store.name + ".qindex.npz").stat().st_size / 1e6, 1)},
           "compare": "in-process" if args.in_process else "ComparePool", "latency": lat, "load": ld}
    out = args.out or RESULTS / f"{res['date']}-query.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(res, indent=2) + "\n")
    print(f"written {out}")


if __name__ == "__main__":
    main()
