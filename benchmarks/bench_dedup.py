"""Speed, memory and agreement of `retold run` against datasketch and rensa MinHash LSH, in one run.

    .venv/bin/python benchmarks/bench_dedup.py [--docs N] [--repeat R] [--tools retold,datasketch,rensa]
    .venv/bin/python benchmarks/bench_dedup.py --input .bench/big-113744.jsonl   # corpus.py --big

Each tool runs in its own fresh subprocess on the same JSONL corpus (benchmarks/corpus.py);
wall time and the peak RSS of the child's process tree (psutil polling, summed over processes)
are measured from outside. Results go to benchmarks/results/<date>-dedup.json (or --out) and a
Markdown snippet is printed. Absolute seconds depend on the machine; the ratios are the point.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata as md
import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
import corpus  # noqa: E402  (sibling module)
from measure import machine, measure as measure_child  # noqa: E402

THRESHOLD = 0.8  # Jaccard threshold of "near-duplicate" on the datasketch side
NUM_PERM = 128
NGRAM = 5
_WORD = re.compile(r"\w+")


# --------------------------------------------------------------------------- shingles

def shingles(text: str, n: int = NGRAM) -> set[str]:
    """Word n-grams of lowercased \\w+ tokens; a doc shorter than n words is one shingle."""
    toks = _WORD.findall(text.lower())
    if len(toks) < n:
        return {" ".join(toks)} if toks else set()
    return {" ".join(toks[i:i + n]) for i in range(len(toks) - n + 1)}


def read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


# --------------------------------------------------------------------------- datasketch child

def datasketch_child(inp: Path, out: Path, bulk: bool = False) -> None:
    """What a user would write with datasketch: MinHash per doc, LSH insert, query each doc.

    bulk=False: MinHash(num_perm=128) + update_batch per doc (the README's first example; each
    constructor regenerates the 128 permutations). bulk=True: MinHash.generator, datasketch's
    documented fast path that reuses the initialised state.
    """
    from datasketch import MinHash, MinHashLSH

    t = {}
    t0 = time.perf_counter()
    docs = read_jsonl(inp)
    t["read"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    sizes = []

    def encoded():  # lazily, one document at a time
        for d in docs:
            e = [s.encode("utf-8") for s in shingles(d["text"])]
            sizes.append(len(e))
            yield e

    if bulk:
        gen = MinHash.generator(encoded(), num_perm=NUM_PERM)
        sigs = [m if sizes[k] else None for k, m in enumerate(gen)]  # None: empty doc
    else:
        sigs = []
        for e in encoded():
            if not e:
                sigs.append(None)
                continue
            m = MinHash(num_perm=NUM_PERM)
            m.update_batch(e)
            sigs.append(m)
    t["minhash"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    with lsh.insertion_session() as session:
        for i, m in enumerate(sigs):
            if m is not None:
                session.insert(i, m)
    t["lsh_insert"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    pairs = set()
    for i, m in enumerate(sigs):
        if m is None:
            continue
        for j in lsh.query(m):
            if j != i:
                pairs.add((i, j) if i < j else (j, i))
    t["lsh_query"] = time.perf_counter() - t0

    _write_pairs(out, docs, pairs, t, {"bands": lsh.b, "rows": lsh.r})


def _write_pairs(out: Path, docs: list[dict], pairs: set[tuple[int, int]], t: dict, meta: dict) -> None:
    """A child's candidate pairs as id TSV (timed as "write"), and its timings and settings
    beside them in OUT.json."""
    t0 = time.perf_counter()
    with open(out, "w", encoding="utf-8") as f:
        for i, j in sorted(pairs):
            f.write(f"{docs[i]['id']}\t{docs[j]['id']}\n")
    t["write"] = time.perf_counter() - t0
    Path(str(out) + ".json").write_text(json.dumps({"timings": t, **meta, "candidates": len(pairs)}, indent=1))


# --------------------------------------------------------------------------- rensa child

# rensa's own choice at threshold 0.8 and 128 permutations: 8 bands of 16 rows (the default of its
# RMinHashDeduplicator and the setting of its README benchmark). rensa needs num_perm divisible by
# the bands, so datasketch's 9 x 13 cannot be copied; 16 x 8 is the nearest setting with
# datasketch's recall or more.
RENSA_TOOLS = {"rensa": 8, "rensa-b16": 16}
RENSA_SEED = 42  # the seed of rensa's README examples


def rensa_child(inp: Path, out: Path, bands: int) -> None:
    """What a user would write with rensa for pairs: batch R-MinHash, RMinHashLSH, query all.

    RMinHash.from_token_sets is rensa's batch sketch API (full-set R-MinHash, which ignores token
    order as a shingle set should; Rayon threads over the cores by default). The
    RMinHashDeduplicator of its README only flags documents to drop, not pairs, so the index is
    queried directly. Candidates are reported unfiltered, as the datasketch child does; the
    agreement step checks every tool's candidates on exact Jaccard alike.
    """
    from rensa import RMinHash, RMinHashLSH

    t = {}
    t0 = time.perf_counter()
    docs = read_jsonl(inp)
    t["read"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    sets = [list(shingles(d["text"])) for d in docs]
    keep = [k for k, s in enumerate(sets) if s]  # empty docs get no sketch, as in datasketch
    t["shingles"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    sigs = RMinHash.from_token_sets([sets[k] for k in keep], num_perm=NUM_PERM, seed=RENSA_SEED)
    t["minhash"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    lsh = RMinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM, num_bands=bands)
    lsh.insert_many(sigs)  # keys 0..n-1, positions in keep
    t["lsh_insert"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    pairs = set()
    for a, cands in enumerate(lsh.query_all(sigs)):
        i = keep[a]
        for b in cands:
            j = keep[b]
            if j != i:
                pairs.add((i, j) if i < j else (j, i))
    t["lsh_query"] = time.perf_counter() - t0

    _write_pairs(out, docs, pairs, t, {
        "bands": lsh.get_num_bands(), "rows": NUM_PERM // lsh.get_num_bands(), "seed": RENSA_SEED,
        "rayon_threads": os.environ.get("RAYON_NUM_THREADS") or f"default ({os.cpu_count()})"})


# --------------------------------------------------------------------------- measurement

def measure(cmd: list[str], interval: float = 0.02) -> dict:
    """Run cmd; wall seconds, peak RSS of its process tree (sum), exit code, stderr."""
    return measure_child(cmd, REPO / ".bench" / "child.stderr", REPO, interval)


def retold_cmd(inp: Path, out: Path, mode: str = "run") -> list[str]:
    exe = Path(sys.executable).parent / "retold"
    exe = str(exe) if exe.exists() else (shutil.which("retold") or "retold")
    try:
        helptext = subprocess.run([exe, mode, "--help"], capture_output=True, text=True,
                                  timeout=120).stdout
    except (OSError, subprocess.TimeoutExpired):
        helptext = ""
    cmd = [exe, mode, str(inp), "--out", str(out)]
    cmd += [f for f in ("--quiet", "--force") if f in helptext]
    return cmd


# --------------------------------------------------------------------------- agreement

def all_pairs_jaccard(sets: dict[str, set[str]], t: float) -> dict[tuple[str, str], float]:
    """Exact set of pairs with Jaccard >= t (AllPairs prefix filtering, rarest shingles first)."""
    vocab: dict[str, int] = {}
    ids = {d: {vocab.setdefault(s, len(vocab)) for s in sh} for d, sh in sets.items() if sh}
    df = Counter(x for s in ids.values() for x in s)
    rank = {x: r for r, x in enumerate(sorted(df, key=lambda x: (df[x], x)))}
    order = sorted(ids, key=lambda d: len(ids[d]))
    index: dict[int, list[str]] = defaultdict(list)
    found = {}
    for d in order:
        s = ids[d]
        n = len(s)
        pref = sorted(rank[x] for x in s)[: n - math.ceil(t * n - 1e-9) + 1]
        cands = set()
        for r in pref:
            cands.update(index[r])
        for e in cands:
            o = ids[e]
            if len(o) < t * n - 1e-9:  # size filter (o was indexed earlier, so |o| <= n)
                continue
            j = len(s & o) / len(s | o)
            if j >= t - 1e-9:
                found[tuple(sorted((d, e)))] = j
        for r in pref:
            index[r].append(d)
    return found


def retold_shingles(text: str, n: int = NGRAM) -> set[int]:
    """Word n-gram hashes as retold reads them (its tokeniser and shingling)."""
    from retold.text.normalise import tokenize
    from retold.text.shingle import shingles as hashed
    return set(hashed(tokenize(text).hashes, n).tolist())


def jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if (a or b) else 1.0


def expand_retold(pairs: list[tuple[str, str, str]]) -> set[tuple[str, str]]:
    """exact/near_duplicate pairs, with exact groups (listed representative -> member) expanded."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b, rel in pairs:
        if rel == "exact":
            parent[find(a)] = find(b)
    groups: dict[str, list[str]] = defaultdict(list)
    for x in list(parent):
        groups[find(x)].append(x)
    members = lambda x: groups.get(find(x), [x]) if x in parent else [x]  # noqa: E731
    out = set()
    for g in groups.values():
        out.update(tuple(sorted((x, y))) for i, x in enumerate(g) for y in g[i + 1:])
    for a, b, rel in pairs:
        if rel == "near_duplicate":
            out.update(tuple(sorted((x, y))) for x in members(a) for y in members(b) if x != y)
    return out


def _jstats(pairs, sets) -> dict:
    js = sorted(jaccard(sets[a], sets[b]) for a, b in pairs)
    if not js:
        return {"n": 0}
    return {"n": len(js), "min": round(js[0], 3), "median": round(statistics.median(js), 3),
            "max": round(js[-1], 3), "n_ge_threshold": sum(j >= THRESHOLD - 1e-9 for j in js)}


def agreement(docs: list[dict], ds_pairs: set | None, rt_rows: list | None,
              dd_rows: list | None = None, rs_pairs: dict[str, set] | None = None) -> dict:
    """Each tool's pairs against the exact answer, computed once for all of them."""
    sets = {d["id"]: shingles(d["text"]) for d in docs}
    t0 = time.perf_counter()
    truth = all_pairs_jaccard(sets, THRESHOLD)
    res: dict = {"truth": {"method": f"exact all-pairs word-{NGRAM}-gram Jaccard >= {THRESHOLD}",
                           "pairs": len(truth), "seconds": round(time.perf_counter() - t0, 1)}}
    T = set(truth)
    ds_ok = None
    if ds_pairs is not None:
        ds_ok = {p for p in ds_pairs if jaccard(sets[p[0]], sets[p[1]]) >= THRESHOLD - 1e-9}
        res["datasketch"] = {"candidates": len(ds_pairs), "verified": len(ds_ok),
                             "recall_vs_truth": round(len(ds_ok & T) / len(T), 4) if T else None}
    for tool, cand in (rs_pairs or {}).items():
        ok = {p for p in cand if jaccard(sets[p[0]], sets[p[1]]) >= THRESHOLD - 1e-9}
        res[tool] = {"candidates": len(cand), "verified": len(ok),
                     "recall_vs_truth": round(len(ok & T) / len(T), 4) if T else None}
    if dd_rows is not None:
        res["retold-dedup"] = _retold_agreement(dd_rows, sets, truth)[0]
        # retold reads its own tokens (text/normalise.py), not \w+ runs: near the threshold a
        # pair can be 0.80 one way and 0.79 the other, so its recall is also read against the
        # same exact answer over its own word 5-grams
        own = {d["id"]: retold_shingles(d["text"]) for d in docs}
        t1 = time.perf_counter()
        own_truth = all_pairs_jaccard(own, THRESHOLD)
        mine = _retold_agreement(dd_rows, own, own_truth)[0]
        res["retold-dedup"]["own_tokens"] = {
            "truth_pairs": len(own_truth), "seconds": round(time.perf_counter() - t1, 1),
            "recall_vs_truth": mine["recall_vs_truth"],
            "share_with_jaccard_ge_threshold": mine["share_with_jaccard_ge_threshold"],
            "truth_missed": mine["truth_missed"], "truth_missed_examples": mine["truth_missed_examples"]}
    if rt_rows is not None:
        res["retold"], rt = _retold_agreement(rt_rows, sets, truth)
        if ds_ok is not None:
            res["overlap"] = {"both": len(ds_ok & rt),
                              "only_datasketch": _jstats(ds_ok - rt, sets),
                              "only_retold": _jstats(rt - ds_ok, sets)}
    return res


def _retold_agreement(rows: list, sets: dict, truth: dict) -> tuple[dict, set]:
    """A retold run folder's exact/near_duplicate rows (exact groups expanded) against the truth."""
    T = set(truth)
    rel_of = {tuple(sorted((a, b))): rel for a, b, rel in rows}
    rt = expand_retold([r for r in rows if r[2] in ("exact", "near_duplicate")])
    rt = {p for p in rt if p[0] in sets and p[1] in sets}
    missed = T - rt
    return {
        "rows_exact": sum(r[2] == "exact" for r in rows),
        "rows_near_duplicate": sum(r[2] == "near_duplicate" for r in rows),
        "relations_all_rows": dict(Counter(r[2] for r in rows)),
        "pairs_expanded": len(rt),
        "recall_vs_truth": round(len(rt & T) / len(T), 4) if T else None,
        "share_with_jaccard_ge_threshold": round(len(rt & T) / len(rt), 4) if rt else None,
        "below_threshold": _jstats(rt - T, sets),
        "truth_missed": len(missed),
        "truth_missed_retold_relation": dict(Counter(rel_of.get(p, "(no row)") for p in missed)),
        "truth_missed_examples": [[a, b, round(truth[(a, b)], 3)] for a, b in sorted(missed)[:10]],
        "below_threshold_examples": [[a, b, round(jaccard(sets[a], sets[b]), 3)]
                                     for a, b in sorted(rt - T)[:10]],
    }, rt


# --------------------------------------------------------------------------- report helpers

def _version(name: str) -> str | None:
    try:
        return md.version(name)
    except md.PackageNotFoundError:
        return None


def _git() -> str | None:
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO,
                             capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=REPO,
                               capture_output=True, text=True).stdout.strip()
        return (rev + ("+dirty" if dirty else "")) if rev else None
    except OSError:
        return None


def _lengths(docs: list[dict]) -> dict:
    w = sorted(len(_WORD.findall(d["text"].lower())) for d in docs)
    return {"mean_words": round(statistics.mean(w), 1), "median_words": statistics.median(w),
            "p90_words": w[int(0.9 * (len(w) - 1))], "max_words": w[-1],
            "sources": dict(Counter(d.get("source") for d in docs))}


# retold run.json timing keys doing the MinHash + LSH work ("sketch": tokens, shingles, MinHash
# signatures, anchor sets; "candidates": LSH banding and rare-anchor lookups).
SKETCH_STAGES = ("sketch", "candidates")


def _best(runs: list[dict]) -> dict:
    ok = [r for r in runs if r["returncode"] == 0] or runs
    best = min(ok, key=lambda r: r["wall_s"])
    return {**best, "peak_rss_mb": max(r["peak_rss_mb"] for r in ok),
            "wall_s_all": [r["wall_s"] for r in runs]}


def _rel(p: Path) -> str:
    return str(p.relative_to(REPO) if p.is_relative_to(REPO) else p)


def _ratio(a, b):
    return round(a / b, 2) if a and b else None


# --------------------------------------------------------------------------- main

DS_TOOLS = {"datasketch": "plain", "datasketch-bulk": "bulk"}
PAIR_TOOLS = (*DS_TOOLS, *RENSA_TOOLS)  # children that write a pairs TSV of LSH candidates


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=None, help="first N documents (default all)")
    ap.add_argument("--input", type=Path, default=None,
                    help="corpus JSONL to use instead of the news corpus (e.g. corpus.py --big)")
    ap.add_argument("--repeat", type=int, default=1, help="runs per tool; best wall time is kept")
    ap.add_argument("--tools", default="datasketch,datasketch-bulk,retold-dedup,retold",
                    help="comma list of: datasketch, datasketch-bulk, rensa, rensa-b16, "
                         "retold-dedup, retold")
    ap.add_argument("--out", type=Path, default=None,
                    help="results JSON to write (default benchmarks/results/<date>-dedup[...].json)")
    ap.add_argument("--sketch-stages", default=None,
                    help="comma list of retold run.json timing keys doing MinHash + LSH work "
                         f"(default {','.join(SKETCH_STAGES)})")
    ap.add_argument("--no-agreement", action="store_true", help="skip the pair comparison")
    ap.add_argument("--child-datasketch", nargs=3, metavar=("MODE", "IN", "OUT"),
                    help=argparse.SUPPRESS)
    ap.add_argument("--child-rensa", nargs=3, metavar=("BANDS", "IN", "OUT"),
                    help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child_datasketch:
        mode, a, b = args.child_datasketch
        datasketch_child(Path(a), Path(b), bulk=mode == "bulk")
        return 0
    if args.child_rensa:
        bands, a, b = args.child_rensa
        rensa_child(Path(a), Path(b), int(bands))
        return 0

    tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    for t in tools:
        if t not in ("retold", "retold-dedup") and t not in PAIR_TOOLS:
            raise SystemExit(f"unknown tool {t!r}")
    # absolute, not resolved: an input under .bench that is a symlink stays repo-relative in the results
    inp = args.input.absolute() if args.input else corpus.build(args.docs)
    docs = read_jsonl(inp)
    bench = REPO / ".bench"
    rt_out = bench / "run-retold"
    ds_out = {t: bench / f"{t}-pairs.tsv" for t in PAIR_TOOLS}
    print(f"corpus: {_rel(inp)} ({len(docs)} docs); tools: {', '.join(tools)}",
          file=sys.stderr)

    rt_cmd = retold_cmd(inp, rt_out) if "retold" in tools else None
    dd_out = bench / "run-retold-dedup"
    dd_cmd = retold_cmd(inp, dd_out, "dedup") if "retold-dedup" in tools else None
    runs: dict[str, list[dict]] = defaultdict(list)
    for rep in range(args.repeat):
        for tool in tools:  # one tool at a time: never two heavy processes together
            if tool == "retold":
                if "--force" not in rt_cmd and rt_out.exists():
                    shutil.rmtree(rt_out)  # older CLI: no --force, so start from scratch
                cmd = rt_cmd
            elif tool == "retold-dedup":
                cmd = dd_cmd
            elif tool in RENSA_TOOLS:
                cmd = [sys.executable, str(Path(__file__).resolve()), "--child-rensa",
                       str(RENSA_TOOLS[tool]), str(inp), str(ds_out[tool])]
            else:
                cmd = [sys.executable, str(Path(__file__).resolve()), "--child-datasketch",
                       DS_TOOLS[tool], str(inp), str(ds_out[tool])]
            r = measure(cmd)
            print(f"  {tool} run {rep + 1}: {r['wall_s']:.1f} s, {r['peak_rss_mb']:.0f} MB"
                  + (f", exit {r['returncode']}" if r["returncode"] else ""), file=sys.stderr)
            if r["returncode"]:
                print(r["stderr_tail"], file=sys.stderr)
            elif tool in ("retold", "retold-dedup"):
                folder = rt_out if tool == "retold" else dd_out
                if (folder / "run.json").exists():
                    r["stages"] = json.loads((folder / "run.json").read_text()).get("timings", {})
            else:
                r["stages"] = json.loads(Path(str(ds_out[tool]) + ".json").read_text())
            runs[tool].append(r)

    res = {tool: _best(rs) for tool, rs in runs.items()}
    for tool, r in res.items():
        # cores actually kept busy (CPU s over wall s); "threads" is what the tool may start
        r["cores_used"] = round(r["cpu_s"] / r["wall_s"], 2) if r["wall_s"] else None
        r["threads"] = 1 if tool in DS_TOOLS else os.cpu_count()
    ok = {t: r["returncode"] == 0 for t, r in res.items()}
    rt = res.get("retold")
    if rt and ok["retold"] and not (rt_out / "pairs.parquet").exists():
        rt["returncode"], rt["stderr_tail"] = -1, "no pairs.parquet in the run folder"
        ok["retold"] = False

    ds_pairs = rt_rows = None
    for t in DS_TOOLS:
        if ok.get(t):
            pairs = {tuple(sorted(ln.rstrip("\n").split("\t")))
                     for ln in ds_out[t].open(encoding="utf-8") if ln.strip()}
            res[t]["pairs"] = len(pairs)
            ds_pairs = ds_pairs or pairs  # same seed => same sketches in both variants
    rs_pairs = {}
    for t in RENSA_TOOLS:
        if ok.get(t):
            rs_pairs[t] = {tuple(sorted(ln.rstrip("\n").split("\t")))
                           for ln in ds_out[t].open(encoding="utf-8") if ln.strip()}
            res[t]["pairs"] = len(rs_pairs[t])
    if ok.get("retold"):
        import pyarrow.parquet as pq
        tab = pq.read_table(rt_out / "pairs.parquet", columns=["a", "b", "relation"]).to_pydict()
        rt_rows = [(str(a), str(b), r) for a, b, r in zip(tab["a"], tab["b"], tab["relation"])]
        rt["pairs"] = sum(r[2] in ("exact", "near_duplicate") for r in rt_rows)

    dd_rows = None
    if ok.get("retold-dedup"):
        import pyarrow.parquet as pq
        tab = pq.read_table(dd_out / "pairs.parquet", columns=["a", "b", "relation"]).to_pydict()
        dd_rows = [(str(a), str(b), r) for a, b, r in zip(tab["a"], tab["b"], tab["relation"])]
        res["retold-dedup"]["pairs"] = len(dd_rows)
        for t in PAIR_TOOLS:  # the dedup mode against each datasketch and rensa run, whole runs
            if ok.get(t):
                res["retold-dedup"][f"{t}_time_over_dedup"] = _ratio(res[t]["wall_s"], res["retold-dedup"]["wall_s"])
                res["retold-dedup"][f"{t}_cpu_over_dedup"] = _ratio(res[t]["cpu_s"], res["retold-dedup"]["cpu_s"])

    # Ratios per datasketch variant: whole runs, and equal work (MinHash + LSH only, no I/O).
    ratios = {}
    if ok.get("retold"):
        st = {k: v for k, v in (rt.get("stages") or {}).items() if isinstance(v, (int, float))}
        keys = args.sketch_stages.split(",") if args.sketch_stages else SKETCH_STAGES
        rt_sk = {k: st[k] for k in keys if k in st}
        rt_sk_s = round(sum(rt_sk.values()), 3) if rt_sk else None
        for t in DS_TOOLS:
            if not ok.get(t):
                continue
            d = res[t]
            dst = d["stages"]["timings"]
            ds_sk = round(dst["minhash"] + dst["lsh_insert"] + dst["lsh_query"], 3)
            ratios[t] = {
                "time_over_retold": _ratio(d["wall_s"], rt["wall_s"]),
                "memory_over_retold": _ratio(d["peak_rss_mb"], rt["peak_rss_mb"]),
                "equal_work": {"retold_stages": rt_sk, "retold_s": rt_sk_s, "datasketch_s": ds_sk,
                               "datasketch_over_retold": _ratio(ds_sk, rt_sk_s)},
            }

    agree = None
    if not args.no_agreement and (ds_pairs is not None or rt_rows is not None or dd_rows is not None
                                  or rs_pairs):
        print("  agreement: exact all-pairs Jaccard ...", file=sys.stderr)
        agree = agreement(docs, ds_pairs, rt_rows, dd_rows, rs_pairs)

    result = {
        "date": dt.date.today().isoformat(),
        "benchmark": "dedup",
        "corpus": {"file": _rel(inp), "docs": len(docs), **_lengths(docs)},
        "params": {"ngram": NGRAM, "threshold": THRESHOLD, "num_perm": NUM_PERM,
                   "repeat": args.repeat,
                   "retold_cmd": " ".join(["retold"] + [str(Path(x).relative_to(REPO))
                                                         if x.startswith(str(REPO)) else x
                                                         for x in rt_cmd[1:]]) if rt_cmd else None},
        "machine": machine(),
        "versions": {"retold": _version("retold"), "retold_git": _git(),
                     "datasketch": _version("datasketch"), "rensa": _version("rensa"),
                     "numpy": _version("numpy"),
                     "pyarrow": _version("pyarrow"), "duckdb": _version("duckdb")},
        "tools": res,
        "ratios": ratios,
        "agreement": agree,
    }
    out_dir = HERE / "results"
    out_dir.mkdir(exist_ok=True)
    full = args.docs is None or args.input is not None
    # a run of another tool set gets its own file, so it never overwrites the day's full run
    default = tools == ap.get_default("tools").split(",")
    suffix = ("" if full else f"-n{len(docs)}") + ("" if default else "-" + "+".join(tools))
    saved = args.out.resolve() if args.out else out_dir / f"{result['date']}-dedup{suffix}.json"
    saved.parent.mkdir(parents=True, exist_ok=True)
    saved.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
    print(markdown(result))
    print(f"\nsaved {saved.relative_to(REPO) if saved.is_relative_to(REPO) else saved}",
          file=sys.stderr)
    return 0 if all(ok.values()) else 1


def markdown(r: dict) -> str:
    c, m, v = r["corpus"], r["machine"], r["versions"]
    ag = r.get("agreement") or {}
    tools = r["tools"]
    lines = [
        f"Corpus: {c['docs']:,} documents ("
        + ", ".join(f"{k} {n:,}" for k, n in c["sources"].items()) + "; words per doc: mean "
        f"{c['mean_words']:.0f}, median {c['median_words']:.0f}, p90 {c['p90_words']}). "
        f"Machine: {m['cores']} cores, {m['ram_gb']} GB RAM. {r['date']}; retold {v['retold']}"
        f"{' (' + v['retold_git'] + ')' if v.get('retold_git') else ''}, datasketch "
        f"{v['datasketch']}" + (f", rensa {v['rensa']}" if v.get("rensa") else "")
        + f", numpy {v['numpy']}. Each tool in a fresh process, reading the JSONL; cores = CPU s / "
        "wall s.",
        "",
        "| tool | wall s | CPU s | cores | peak RSS MB | near-duplicate pairs |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    label = {"datasketch": "datasketch (`MinHash` + `update_batch` per doc)",
             "datasketch-bulk": "datasketch (`MinHash.generator`)", "retold": "retold run (full pipeline)",
             "retold-dedup": "retold dedup (near-duplicate mode)",
             **{t: f"rensa (`RMinHash.from_token_sets` + `RMinHashLSH`, {b} bands)"
                for t, b in RENSA_TOOLS.items()}}
    for tool, t in tools.items():
        if t["returncode"]:
            lines.append(f"| {label[tool]} | failed (exit {t['returncode']}) | | | | |")
            continue
        pairs = f"{t.get('pairs', 0):,}"
        key = "datasketch" if tool in DS_TOOLS else tool
        if tool in PAIR_TOOLS and key in ag:
            pairs = (f"{ag[key]['verified']:,} (of {ag[key]['candidates']:,} candidates; "
                     f"recall {ag[key]['recall_vs_truth']})")
        if tool in ("retold", "retold-dedup") and tool in ag:
            pairs = f"{ag[tool]['pairs_expanded']:,} (recall {ag[tool]['recall_vs_truth']})"
        cores = f"{t['cores_used']:.2f}" if t.get("cores_used") else ""
        lines.append(f"| {label[tool]} | {t['wall_s']:.1f} | {t['cpu_s']:.1f} | {cores} | "
                     f"{t['peak_rss_mb']:.0f} | {pairs} |")
    lines.append("")
    dd = tools.get("retold-dedup") or {}
    for t in PAIR_TOOLS:
        if dd.get(f"{t}_time_over_dedup"):
            lines.append(f"- {t} ÷ retold dedup: wall time **{dd[f'{t}_time_over_dedup']}**, CPU time "
                         f"**{dd[f'{t}_cpu_over_dedup']}** (above 1: retold dedup is faster).")
    for t, ra in r.get("ratios", {}).items():
        eq = ra["equal_work"]
        s = (f"- {t} ÷ retold (above 1: retold is faster / smaller): whole run time "
             f"**{ra['time_over_retold']}**, peak memory **{ra['memory_over_retold']}**")
        if eq.get("retold_s"):
            s += (f"; MinHash + LSH alone {eq['datasketch_s']:.1f} s ÷ {eq['retold_s']:.1f} s "
                  f"(retold `{'` + `'.join(eq['retold_stages'])}`) = **{eq['datasketch_over_retold']}**")
        lines.append(s + ".")
    if r.get("ratios"):
        lines.append("- retold's whole run also hashes exact copies, finds rare-anchor reuse "
                     "candidates, aligns passages, classifies pairs, clusters and writes the report; "
                     f"it runs its stages on up to {m['cores']} processes while datasketch uses "
                     "one, so CPU s is the fairer measure of work.")
    rt = tools.get("retold") or {}
    if rt.get("stages"):
        st = ", ".join(f"{k} {v:.1f}" for k, v in rt["stages"].items() if isinstance(v, (int, float)))
        lines.append(f"- retold stage timings (s): {st}.")
    if ag.get("truth"):
        tr = ag["truth"]
        s = [f"- Agreement with the exact answer ({tr['pairs']:,} pairs with word 5-gram "
             f"Jaccard >= {THRESHOLD}, found by exact all-pairs search):"]
        if "datasketch" in ag:
            s.append(f"datasketch recall {ag['datasketch']['recall_vs_truth']:.1%}")
        for t in RENSA_TOOLS:
            if t in ag:
                s.append(f"{t} recall {ag[t]['recall_vs_truth']:.1%}")
        if "retold-dedup" in ag:
            own = ag["retold-dedup"].get("own_tokens")
            s.append(f"retold dedup recall {ag['retold-dedup']['recall_vs_truth']:.1%}"
                     + (f" ({own['recall_vs_truth']:.1%} against the same answer over its own tokens)"
                        if own else ""))
        if "retold" in ag:
            a = ag["retold"]
            bt = a["below_threshold"]
            s.append(f"retold recall {a['recall_vs_truth']:.1%}; {bt.get('n', 0):,} retold pairs are "
                     f"below {THRESHOLD}" + (f" (Jaccard median {bt['median']}, min {bt['min']})"
                                            if bt.get("n") else ""))
        if "overlap" in ag:
            o = ag["overlap"]
            s.append(f"both list {o['both']:,}, only datasketch {o['only_datasketch']['n']:,}, "
                     f"only retold {o['only_retold']['n']:,}")
        lines.append(s[0] + " " + "; ".join(s[1:]) + ".")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
