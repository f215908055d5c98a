"""One options object. Every threshold is named here with the reason for its value.

Values marked "measured" were chosen on data; the evidence is in README.md ("Thresholds").
"""
from __future__ import annotations

import hashlib
import json
import math
import tomllib
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from .errors import Err, RetoldError


@dataclass(frozen=True)
class Config:
    # --- sketch -------------------------------------------------------------------------
    shingle_n: int = 5  # word n-gram size for resemblance/containment and MinHash (field norm)
    num_perm: int = 128  # MinHash permutations
    seed: int = 1  # MinHash seed: same seed, same signatures, across runs and engines
    near_threshold: float = 0.8  # Jaccard at which LSH bands are tuned (datasketch default use)
    lsh_fp_weight: float = 0.5  # weight of false positives vs negatives when picking bands
    max_bucket: int = 200  # an LSH bucket bigger than this is boilerplate, not a family
    dedup_lsh_recall: float = 0.99  # retold dedup: chance that LSH proposes a pair at exactly
    # near_threshold (bands chosen for it, every candidate checked exactly); the banding `run`
    # uses (lsh_fp_weight 0.5, as datasketch's) proposes a pair at 0.8 only a third of the time,
    # and found 0.72 of the demo's pairs at 0.8 or more (tests/engine/test_dedup.py)

    # --- rare anchors (reuse candidates, passim-style) --------------------------------------
    anchor_n: int = 5  # word n-gram size of anchors
    anchor_max_df: int = 8  # an n-gram in more documents than this is a cliche, not evidence
    min_anchors: int = 3  # shared rare n-grams needed to align a pair
    max_candidates_per_doc: int = 200  # keep the best-anchored partners of each document

    # --- boilerplate ------------------------------------------------------------------------
    boilerplate_min_docs: int = 3  # a line in this many documents of one source is site chrome
    title_chrome_min_titles: int = 3  # a title segment in this many titles of one source is its
    # chrome, not read by the story model (GVA clean: 2, 3 or 5 give the same scores; README)

    # --- alignment ----------------------------------------------------------------------------
    seed_n: int = 3  # word n-gram size of alignment seeds
    max_seed_repeat: int = 4  # seeds repeated more often than this in one document are ignored
    max_gap: int = 12  # tokens two seeds may be apart (on both sides) and still chain
    max_shift: int = 5  # one-sided insertion longer than this (a sentence) splits a passage
    min_passage_tokens: int = 8  # a verbatim passage (a quote) counts from this length
    min_chained_tokens: int = 15  # a chain with gaps (identity < 0.9) needs this many (README)
    passage_min_identity: float = 0.6  # a chain below this identity is cut at its widest gaps:
    # on GVA news, 67% of passages at 0.5-0.6 had texts less than 0.7 alike word by word (stock
    # phrases around other facts), 23% at 0.6-0.7, none above; PAN13 tolerant 0.917 -> 0.923 (README)

    # --- relation levels (classify) -------------------------------------------------------------
    near_resemblance: float = 0.8  # Jaccard above which a pair is a reprint
    near_coverage: float = 0.8  # or: both sides this much inside aligned passages ...
    near_identity: float = 0.9  # ... with this share of aligned words identical (a template
    # filled with other facts aligns end to end too, but with many words changed)
    reuse_coverage: float = 0.15  # passage share of the smaller side for a real reuse
    reuse_min_chars: int = 120  # or at least this many aligned characters (a long quote)
    reuse_coverage_chars: int = 80  # ... the share counts from this many characters of shared
    # specific text (or near_coverage of a side): in a short wire item a 9-word name or price
    # phrase covers 15%. Of 152 hand-read reuse pairs, a floor of 80 takes out 14 of 26 wrong and
    # 7 of 126 right (0.83 -> 0.91; README)
    contact_weight: float = 0.5  # what a character of a contact line (text/contact.py) counts
    # for as shared text. On GVA clean, at 1 three reuse pairs link other incidents through a
    # sheriff's or station's tip line; at 0 three pairs of one case lose their shared police tip
    # line and reward offer; at 0.5 two of the three go, none of the case's (README)
    rewrite_parallel: float = 0.35  # share of sentences with a counterpart (verbatim or not)
    rewrite_reworded: float = 0.15  # share of sentences with a reworded counterpart
    rewrite_story: float = 0.1  # pair story score (story/pair.py) a rewrite needs on top (synonyms
    # lower it): the former cosine gate 0.2 on the new scale; seed 11 rewrites score >= 0.45 (README)
    rewrite_length_ratio: float = 0.25  # a rewrite is not a quarter of the other's length
    # (a page that aggregates many press releases reuses one of them; it does not reword it)
    story_threshold: float = 0.44  # pair-only story score (story/pair.py) for same_story (compare A B,
    # no corpus): best F1 on ECB+ train and GVA clean half-0 pairs (README)
    copy_facts: float = 0.5  # fact agreement (names, figures) of the aligned parts a copy keeps
    copy_min_facts: int = 6  # fewer facts than this in the aligned parts decide nothing (README)
    template_parallel: float = 0.5  # sentences lined up with other facts: a filled-in template
    rewrite_facts: float = 0.75  # a rewrite re-tells one item: the facts of what lines up are named
    # in the other article (Scores.fact_cover). Of 140 hand-read pairs, the rewrites called so at 0.75
    # are 67 right and 61 wrong, at 0.8 67 and 53; but at 0.8 the seed-31 reword sweep fell to 0.961 /
    # 0.931 / 0.906 at strengths 1.0 / 1.3 / 1.6 (0.974 / 0.954 / 0.929 before), the spun copies
    # changing a date or a number, and issue 9 allows no loss there (README)
    rewrite_min_facts: int = 3  # a side with fewer distinct facts says nothing of fact_cover
    rewrite_version_parallel: float = 0.75  # within one source, a version of an item re-tells
    # nearly all of it sentence by sentence; an item re-telling part of the last one under its own
    # news is a new item. Of the 208 hand-read pairs (165-pair set, seeds 23 and 29) the rules call
    # rewrite at 0.55: 77 right of 93 (0.83); at 0.65 71/82, at 0.75 65/71 (0.92), at 0.85 56/61 (README)
    rewrite_version_days: float = 1.0  # within one source, a rewrite is another version of an item
    # published within this many days; a later item re-telling it is a follow-up (new news). Of 109
    # hand-read pairs called rewrite, 31 were a source's items more than a day apart: 5 right, 26
    # wrong (a filing and its redemption, a ban and the appeal); precision 0.57 -> 0.73 (README)
    template_facts: float = 0.5  # across sources, fact_cover below which wording that lines up is a
    # template (most facts changed); within one source rewrite_facts is the cut. Two agencies'
    # releases on one case naming other defendants are GVA cross-site copies at 0.74-0.78 (README)
    formula_min_stories: int = 3  # an n-gram in documents of this many stories is formula
    formula_min_site_stories: int = 2  # ... or in this many stories of one site (its tip line)
    formula_min_sources: int = 3  # ... or on this many sites ...
    formula_min_span_days: float = 30.0  # ... over more than this many days (a widget, not a reprint)
    formula_story_link: float = 0.08  # stories are cut this loosely when counting them for formula
    formula_min_weeks: int = 0  # ... or in this many weeks of one story (a recurring report); 0: off,
    # since reposts of one article spread over weeks look the same to it (README)

    # --- stories (corpus model; evidence in README "Stories") ----------------------------------
    story_mode: str = "batch"  # batch: average linkage over the graph; stream: online, date order
    story_name_weight: float = 3.0  # a name counts this many times more than a common word
    story_k: int = 8  # story neighbours per document (graph degree and neighbour profile size)
    story_mix: float = 0.5  # weight of shared-neighbour similarity against the direct cosine
    story_link: float = 0.12  # average-linkage threshold on the blended story similarity (README)
    story_stream_link: float = 0.09  # threshold of the online assignment (tuned, GVA clean half 0)
    story_tau_days: float = 7.0  # publication-date distance at which the time factor decays 1/e
    story_time_floor: float = 0.3  # the time factor never falls below this (follow-ups, trials)
    # pairs published more than story_specific_after_days apart keep their story similarity
    # only with story_specific_count of shared specific evidence (a feature counts
    # min(1, story_specific_df / its document frequency)^2: a name, a street block), and
    # story_specific_floor of it with none: one neighbourhood's shootings months apart share
    # the place, not the victim (tuned on the tuning splits; README "Stories",
    # benchmarks/results/2026-11-30-story-specific.json)
    story_specific_df: int = 10
    story_specific_count: float = 4.0
    story_specific_floor: float = 0.35
    story_specific_after_days: float = 1.0
    story_edge_floor: float = 0.02  # graph edges weaker than this are dropped (memory)
    story_query_terms: int = 40  # strongest features of a document used to search neighbours
    story_max_df: float = 0.02  # features in more than this share of documents are not indexed
    story_min_index_df: int = 100  # ... unless the corpus is small: always index df up to this
    story_max_index_df: int = 500  # ... and never above this: keeps the search linear in n (README)
    story_candidates: int = 50  # retrieved per document before exact rescoring
    story_embed_weight: float = 0.0  # > 0: blend centred MiniLM embeddings into the rescoring
    # (pip install 'retold[embed]'; 0.25 measured best, README "Stories")

    # --- explain --------------------------------------------------------------------------------
    sentence_match: float = 0.45  # token Dice of two sentences to call them the same sentence
    sentence_match_gap: float = 0.25  # ... when they sit in order between two such matches (README)
    sentence_gap_min_words: int = 2  # ... and share this many content words (half the shorter
    # sentence's if fewer; a number in each counts as one): keeps 92% of the sweep's reworded
    # pairs matched so, drops 89% of pairings with another article's paragraph pasted in (README)
    name_similarity: float = 0.7  # char similarity of two capitalised tokens to be one name
    chrome_date_share: float = 0.3  # a line without corpus evidence is a date line (chrome) when
    # this share of its tokens are numbers or date words ("Posted on March 9, 2013 by Staff
    # Writer" 3/8; a headline naming a date, "Man Killed In March 3 Shooting", 2/8) (README)

    # --- engine -----------------------------------------------------------------------------------
    workers: int = 0  # 0 = all cores
    batch_docs: int = 2000  # documents per shard
    max_memory_gb: float = 0.0  # a run whose measured peak bound (io/limits.py: 1 GB + 5 bytes a
    # character of text) is above this stops after ingest with E062; 0: the memory available when
    # the run starts (README Limits)
    store_memory_gb: float = 1.0  # DuckDB's memory while the store takes in a run; past it DuckDB
    # spills to disk. 101k documents: no limit 1.92 GB peak in 8.6 s, 1 GB 0.99 GB in 13.4 s,
    # 0.5 GB 0.71 GB in 15.4 s (README Limits). 0: DuckDB's own default (80% of the memory)

    def __post_init__(self) -> None:
        """Every value is checked when the object is built (type, range, choice)."""
        for f in fields(self):
            problem = check_option(f.name, getattr(self, f.name))
            if problem:
                raise RetoldError(Err.E030, "Config", problem)

    def fingerprint(self) -> str:
        """Hash of every option that changes results (not workers, batch size or memory budgets)."""
        d = {k: v for k, v in asdict(self).items() if k not in ("workers", "batch_docs", "max_memory_gb",
                                                                    "store_memory_gb")}
        return hashlib.sha256(json.dumps(d, sort_keys=True).encode()).hexdigest()[:16]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def replace(self, **changes: Any) -> "Config":
        return load_config(overrides=changes, base=self)


CHOICES = {"story_mode": ("batch", "stream")}


@dataclass(frozen=True)
class Range:
    """Valid values of a numeric option: lo and hi are included unless marked open."""

    lo: float | None = None
    hi: float | None = None
    lo_open: bool = False

    def __contains__(self, v: float) -> bool:
        if self.lo is not None and (v < self.lo or (self.lo_open and v == self.lo)):
            return False
        return self.hi is None or v <= self.hi

    def describe(self, kind: str) -> str:
        def num(x: float) -> str:
            return str(int(x)) if float(x).is_integer() else f"{x:g}"
        if self.lo is not None and self.hi is not None and not self.lo_open:
            return f"{kind} from {num(self.lo)} to {num(self.hi)}"
        lo = None if self.lo is None else f"{'>' if self.lo_open else '>='} {num(self.lo)}"
        hi = None if self.hi is None else f"<= {num(self.hi)}"
        return " ".join([kind, " and ".join(x for x in (lo, hi) if x)]).strip()


SHARE = Range(0, 1)  # a fraction, a similarity or a weight
COUNT = Range(1)  # a count that must be positive
GRAM = Range(1, 20)  # an n-gram size in words
# The valid range of every numeric option (tests/test_config_errors.py checks none is missing).
RANGES: dict[str, Range] = {
    "shingle_n": GRAM, "num_perm": Range(2, 1024), "seed": Range(0, 2**32 - 1),
    "near_threshold": Range(0, 1, lo_open=True), "lsh_fp_weight": SHARE, "max_bucket": Range(2),
    "dedup_lsh_recall": Range(0, 1, lo_open=True),
    "anchor_n": GRAM, "anchor_max_df": Range(2), "min_anchors": COUNT, "max_candidates_per_doc": COUNT,
    "boilerplate_min_docs": Range(2), "title_chrome_min_titles": Range(2),
    "seed_n": GRAM, "max_seed_repeat": COUNT, "max_gap": Range(0), "max_shift": Range(0),
    "min_passage_tokens": COUNT, "min_chained_tokens": COUNT, "passage_min_identity": SHARE,
    "near_resemblance": SHARE, "near_coverage": SHARE, "near_identity": SHARE, "reuse_coverage": SHARE,
    "reuse_min_chars": Range(0), "contact_weight": SHARE, "reuse_coverage_chars": Range(0), "rewrite_parallel": SHARE, "rewrite_reworded": SHARE,
    "rewrite_story": SHARE, "rewrite_length_ratio": SHARE, "story_threshold": SHARE,
    "copy_facts": SHARE, "copy_min_facts": Range(0), "template_parallel": SHARE,
    "rewrite_facts": SHARE, "rewrite_min_facts": Range(0), "template_facts": SHARE,
    "rewrite_version_days": Range(0), "rewrite_version_parallel": SHARE,
    "formula_min_stories": Range(2), "formula_min_site_stories": Range(2), "formula_min_sources": Range(2),
    "formula_min_span_days": Range(0), "formula_story_link": SHARE, "formula_min_weeks": Range(0),
    "story_name_weight": Range(0, 100, lo_open=True), "story_k": COUNT, "story_mix": SHARE,
    "story_link": SHARE, "story_stream_link": SHARE, "story_tau_days": Range(0, lo_open=True),
    "story_time_floor": SHARE, "story_edge_floor": SHARE, "story_query_terms": COUNT,
    "story_max_df": Range(0, 1, lo_open=True), "story_min_index_df": COUNT, "story_max_index_df": COUNT,
    "story_candidates": COUNT, "story_embed_weight": SHARE,
    "story_specific_df": COUNT, "story_specific_count": Range(0, lo_open=True), "story_specific_floor": SHARE,
    "story_specific_after_days": Range(0),
    "sentence_match": SHARE, "sentence_match_gap": SHARE, "sentence_gap_min_words": Range(0),
    "name_similarity": SHARE, "chrome_date_share": SHARE,
    "workers": Range(0, 1024), "batch_docs": COUNT, "max_memory_gb": Range(0),
    "store_memory_gb": Range(0),
}


def check_option(key: str, val: Any) -> str | None:
    """Why `val` is not a valid value of option `key` (naming both and the valid values), or None."""
    default = getattr(Config, key)
    if key in CHOICES:
        if val not in CHOICES[key]:
            return f"{key} = {val!r}: must be one of {', '.join(CHOICES[key])}"
        return None
    if isinstance(default, bool) or not isinstance(default, (int, float)):
        return None if isinstance(val, type(default)) else f"{key} = {val!r}: must be a {type(default).__name__}"
    kind = "an integer" if isinstance(default, int) else "a number"
    rng = RANGES.get(key, Range())
    if isinstance(val, bool) or not isinstance(val, (int, float)) or (
            isinstance(default, int) and not isinstance(val, int)):
        return f"{key} = {val!r}: must be {rng.describe(kind)}"
    if not math.isfinite(val) or val not in rng:
        return f"{key} = {val!r}: must be {rng.describe(kind)}"
    return None


def _coerce(key: str, val: Any) -> Any:
    """A TOML or command-line value as the option's type, where that loses nothing
    ("5" or 5.0 for an integer option, 1 for a number); anything else is left for the check."""
    default = getattr(Config, key)
    if isinstance(val, bool) or isinstance(default, bool) or not isinstance(default, (int, float)):
        return val
    try:
        if isinstance(default, int):
            if isinstance(val, float) and val.is_integer():
                return int(val)
            return int(val) if isinstance(val, str) else val
        return float(val) if isinstance(val, (int, str)) else val
    except ValueError:
        return val


def _read_toml(path: str | Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as e:  # the message names the line and column
        raise RetoldError(Err.E054, str(path), str(e)) from None
    except FileNotFoundError:
        raise RetoldError(Err.E053, str(path), "no such file") from None
    except OSError as e:
        raise RetoldError(Err.E053, str(path), e.strerror or str(e)) from None
    section = data.get("retold", data)
    if not isinstance(section, dict):
        raise RetoldError(Err.E030, str(path), "'retold' must be a table of options ([retold])")
    return section


def load_config(path: str | Path | None = None, overrides: dict[str, Any] | None = None,
                base: Config | None = None) -> Config:
    """Build a Config from defaults, then a TOML file, then keyword overrides.

    Raises RetoldError: E053 (file missing or unreadable), E054 (TOML syntax, with the line),
    E030 (unknown option, or a value of the wrong type or out of its range, naming both)."""
    values = asdict(base or Config())
    known = {f.name for f in fields(Config)}
    where = str(path or "overrides")
    if path is not None:
        values.update(_read_toml(path))
    for key, val in (overrides or {}).items():
        if val is not None:
            values[key] = val
    for key, val in values.items():
        if key not in known:
            raise RetoldError(Err.E030, where, f"unknown option {key!r}")
        values[key] = _coerce(key, val)
        problem = check_option(key, values[key])
        if problem:
            raise RetoldError(Err.E030, where, problem)
    return Config(**values)
