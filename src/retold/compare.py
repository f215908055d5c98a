"""Compare two documents: align, score, classify, explain. A pure function of the pair,
used by `retold.compare` and, pair by pair, by the run engines."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .align.order import common_sorted
from .align.passages import SeedIndex, align_tokens, covered_tokens, seed_index
from .classify import Evidence, bag, bag_cosine, content_weights, overlap_scores, relation, residual_bag
from .config import Config
from .explain.direction import direction, parse_date
from .explain.edits import (Sent, SentenceIndex, diff_documents, headline_tokens, lead,
                            match_sentences, quoted_tokens, sentence_index, sentence_units)
from .model import Comparison, Direction, Document, Passage, Scores
from .sketch.formula import EMPTY, covered_by, covered_by_rank
from .sketch.sortedset import member
from .story.pair import pair_story_score
from .text.boilerplate import chrome_mask
from .text.contact import contact_tokens
from .text.facts import fact_mask, figure_values, mentions
from .text.normalise import FLAG_FIGURE, FLAG_UPPER, FLAG_WORD, Tokens, content_hash, tokenize
from .text.shingle import shingles

EXPLAINED = ("near_duplicate", "reuse", "rewrite", "template")
LOWER_CASE_SHARE = 0.02  # a text with fewer capitalised words than this is written in lower case
VERBATIM_DICE = 0.9  # two sentences this close share all but a word or two


@dataclass
class Profile:
    """Everything about one document that does not depend on the other side of a pair;
    the engine computes it once per document, not once per pair."""

    doc: Document
    tokens: Tokens
    hash: str
    shingles: np.ndarray  # unique word n-gram hashes
    gram_rank: np.ndarray  # per n-gram position: its row in shingles
    weights: np.ndarray  # content weight per token (0 for function words)
    bag: tuple[np.ndarray, np.ndarray]  # content words: sorted hashes, summed weights
    bag_tokens: np.ndarray  # the content tokens' indexes (weight > 0)
    bag_index: np.ndarray  # per content token: its word's row in bag
    sentences: list[Sent]
    sentence_index: SentenceIndex
    quoted: np.ndarray  # per token: inside quotation marks?
    chrome: np.ndarray  # per token: on a line known as the source's site chrome
    n_sentences: int  # sentences that are not chrome
    grams: np.ndarray  # word n-gram hash at each token position
    formula: np.ndarray  # per token: inside wording the corpus knows as formula
    facts: np.ndarray  # per token: a name or a figure
    own_facts: np.ndarray  # facts neither on chrome lines nor in formula wording
    name_words: list[str]  # sorted words a respelt name of the other side may be (_name_words)
    seeds: SeedIndex  # the aligner's seed n-grams, sorted
    headlines: np.ndarray  # per token: on a line that reads as a title (headline_tokens)
    contact: np.ndarray  # per token: in a sentence giving a phone number or an address (text/contact.py)
    # fact -> does one of name_words name it loosely: the same document meets the same names
    # pair after pair, and the fuzzy match is the costly part of _fact_cover
    _named: dict = field(default_factory=dict, repr=False, compare=False)

    # what the lead test asks of the other side pair after pair, computed once
    _title: list[str] | None = field(default=None, repr=False, compare=False)
    _title_keys: frozenset | None = field(default=None, repr=False, compare=False)
    _values: frozenset | None = field(default=None, repr=False, compare=False)
    _lead: int | None = field(default=-1, repr=False, compare=False)  # -1: not known yet
    _key_set: frozenset | None = field(default=None, repr=False, compare=False)
    # per sentence start: what _new_figures and _new_actor read of this side (its lead,
    # asked pair after pair)
    _opening: dict = field(default_factory=dict, repr=False, compare=False)

    def title_tokens(self) -> list[str]:
        """The token keys of the record's title, in order."""
        if self._title is None:
            self._title = tokenize(self.doc.title or "").keys
        return self._title

    def title_keys(self) -> frozenset:
        """The token keys of the record's title, as a set."""
        if self._title_keys is None:
            self._title_keys = frozenset(self.title_tokens())
        return self._title_keys

    def values(self) -> frozenset:
        """The figure values the text and title state (`text.facts.figure_values`)."""
        if self._values is None:
            self._values = frozenset(figure_values(self.tokens.keys) | figure_values(self.title_tokens()))
        return self._values

    def lead_index(self, cfg: Config) -> int | None:
        """Index of the article's lead sentence (`explain.edits.lead`)."""
        if self._lead == -1:
            self._lead = lead(self.doc.text, self.tokens, self.sentences, cfg)
        return self._lead

    def key_set(self) -> frozenset:
        """The token keys of the text, as a set (a few KB: a worker caches 2,048 profiles)."""
        if self._key_set is None:
            self._key_set = frozenset(self.tokens.keys)
        return self._key_set

    def names(self, fact: str) -> bool:
        """Does this document name `fact` loosely (`text.facts.mentions` over name_words)?"""
        got = self._named.get(fact)
        if got is None:
            got = self._named[fact] = mentions(fact, self.name_words)
        return got


def profile(doc: Document, cfg: Config, chrome_lines: set[int] | None = None,
            formula: np.ndarray | None = None) -> Profile:
    """chrome_lines: hashes of lines the corpus knows as this document's source's chrome;
    formula: sorted n-gram hashes the corpus knows as formula (sketch/formula.py)."""
    toks = tokenize(doc.text)
    chrome = chrome_mask(doc.text, toks, chrome_lines or set())
    w = content_weights(toks, doc.text)
    content_bag, bag_tokens, bag_index = bag(toks.hashes, w)
    quoted = quoted_tokens(doc.text, toks)
    sents = sentence_units(doc.text, toks, chrome)
    grams = shingles(toks.hashes, cfg.shingle_n)
    form = covered_by(grams, formula if formula is not None else EMPTY, len(toks), cfg.shingle_n)
    facts = fact_mask(doc.text, toks, np.array([s.t0 for s in sents], dtype=np.int64))
    unique = np.unique(grams)
    return Profile(doc, toks, content_hash(toks), unique, np.searchsorted(unique, grams), w,
                   content_bag, bag_tokens, bag_index, sents, sentence_index(sents, toks), quoted, chrome,
                   sum(not s.chrome for s in sents), grams, form, facts, facts & ~chrome & ~form,
                   _name_words(toks),
                   seed_index(toks.hashes, cfg.seed_n, cfg.max_seed_repeat),
                   headline_tokens(doc.text, toks, doc.title, cfg.chrome_date_share),
                   contact_tokens(doc.text, toks, sents))


def _in(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """Per value: is it in `sorted_set` (sorted, unique)? Looked up (`sketch.sortedset`): the
    corpus's formula set is large and np.isin would sort it again for every pair."""
    if len(sorted_set) == 0 or len(values) == 0:
        return np.zeros(len(values), dtype=bool)
    return member(values, sorted_set)


def _covered_pair(p: Profile, rows: np.ndarray, specific: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Per token of `p`: covered by a shared n-gram (rows `rows` of its distinct n-grams),
    and by one of those that is `specific` (per shared n-gram: not formula)."""
    flags = np.zeros(len(p.shingles), dtype=np.uint8)
    flags[rows] = 1
    flags[rows[specific]] = 2
    n_tok = len(p.tokens)
    return covered_by_rank(p.gram_rank, flags, n_tok, n), covered_by_rank(p.gram_rank, flags == 2, n_tok, n)


def _name_words(toks: Tokens) -> list[str]:
    """The words of a text a respelt name can be: its capitalised words, or all its words when
    it is written in lower case (then a name has no capital to find it by). Sorted, unique."""
    keys = toks.keys
    caps = [k for k, f in zip(keys, toks.flags.tolist()) if f & FLAG_UPPER and not f & FLAG_FIGURE]
    if len(caps) < LOWER_CASE_SHARE * max(1, len(keys)):
        caps = [k for k in keys if not k[:1].isdigit()]
    return sorted(set(caps))


def _fact_cover(pa: Profile, pb: Profile, ma: np.ndarray, mb: np.ndarray,
                min_facts: int) -> tuple[float | None, bool]:
    """How much of what lines up keeps its facts, judged on the whole other article.

    The facts (names, figures) of the parts of one side that have a counterpart on the other
    (masks `ma`, `mb`: aligned passages and matched sentences) are looked for anywhere in the
    other article, a respelt name too; of the sides with at least `min_facts` distinct facts,
    the larger share kept. Two versions of one item, a spun copy or an update keep nearly
    all; one wire form filled in for another day or firm keeps only its labels. Sentences
    with no counterpart (a paragraph added or cut) do not count. A side with too few facts off
    its chrome lines counts those on them too: a wire's recurring report repeats its lines
    word for word, so they read as the site's chrome while its figures are the news. Returns
    the share (None: neither side has enough facts) and whether both sides have enough (a
    short answer that keeps two of a long source's names is not that source filled in again).
    """
    keys_a, keys_b = pa.tokens.keys, pb.tokens.keys
    set_a, set_b = pa.key_set(), pb.key_set()

    def facts(p: Profile, m: np.ndarray, keys, other: set[str], chrome: bool) -> set[str]:
        sel = p.facts & m & (True if chrome else ~p.chrome)
        # a fact inside formula wording counts only when the other side lacks it: the labels a
        # form repeats ("Securities and Exchange Commission", a city's hospital) say nothing,
        # the firm or figure it fills in for another filing does
        own = {keys[i] for i in np.flatnonzero(sel & ~p.formula).tolist()}
        return own | ({keys[i] for i in np.flatnonzero(sel & p.formula).tolist()} - other)

    fa, fb = facts(pa, ma, keys_a, set_b, False), facts(pb, mb, keys_b, set_a, False)
    if min(len(fa), len(fb)) < min_facts:
        fa, fb = facts(pa, ma, keys_a, set_b, True), facts(pb, mb, keys_b, set_a, True)
    best = None
    for x, y, other in ((fa, set_b, pb), (fb, set_a, pa)):
        if len(x) < min_facts:
            continue
        missing = [f for f in x if f not in y]
        kept = len(x) - len(missing) + sum(other.names(f) for f in missing)
        best = kept / len(x) if best is None else max(best, kept / len(x))
    return best, min(len(fa), len(fb)) >= min_facts


def _sentences_of(p: Profile, tps, side: str) -> np.ndarray:
    """Mask of the tokens of every sentence of `p` that an aligned passage touches."""
    m = np.zeros(len(p.tokens), dtype=bool)
    if not tps or not p.sentences:
        return m
    starts = np.array([s.t0 for s in p.sentences], dtype=np.int64)
    for t in tps:
        t0, t1 = (t.a0, t.a1) if side == "a" else (t.b0, t.b1)
        first = max(0, int(np.searchsorted(starts, t0, "right")) - 1)
        last = max(first, int(np.searchsorted(starts, t1 - 1, "right")) - 1)
        m[min(t0, p.sentences[first].t0):max(t1, p.sentences[last].t1)] = True
    return m


def _lead_kept(pa: Profile, pb: Profile, pair_a: np.ndarray, pair_b: np.ndarray, cfg: Config) -> bool:
    """Does the later article's lead (its first sentence of article text) re-tell the earlier
    one? An update or a second version of an item re-tells its news; a new item of a running
    story opens with its own news and re-tells the earlier one only as background. Undated:
    either side's lead will do.

    The lead re-tells the earlier article when it has a counterpart there (a matched sentence or
    an aligned passage: masks `pair_a`, `pair_b`), states no figure the earlier never states
    (the next stage of an item reports one: a further 20 mln after the first 17 mln, the close
    after the midday prices) and does not open with an actor its headline names and the
    earlier never names (another firm's or party's item in the same words).
    """
    da, db = parse_date(pa.doc.date), parse_date(pb.doc.date)
    sides = [(pb, pair_b, pa)] if da and db and da < db else [(pa, pair_a, pb)] if da and db and db < da \
        else [(pa, pair_a, pb), (pb, pair_b, pa)]
    for p, paired, other in sides:
        k = p.lead_index(cfg)
        if k is None:
            return True
        s = p.sentences[k]
        if paired[s.t0:s.t1].any() and not _new_figures(p, s, other) and not _new_actor(p, s, other):
            return True
    return False


def _opening(p: Profile, s: Sent) -> tuple[list[set[float]], str | None]:
    """What sentence `s` of `p` says whatever the other side: the values of each of its
    figures outside formula, and the name it opens with (the first of its first three words
    that is capitalised) when `p`'s headline repeats it. Kept per profile."""
    got = p._opening.get(s.t0)
    if got is None:
        keys, flags = p.tokens.keys, p.tokens.flags
        figures = [figure_values(keys, [i]) for i in range(s.t0, s.t1)
                   if keys[i][:1].isdigit() and not p.formula[i]]
        actor = None
        for i in range(s.t0, min(s.t1, s.t0 + 3)):
            if flags[i] & FLAG_UPPER and flags[i] & FLAG_WORD and not flags[i] & FLAG_FIGURE:
                actor = keys[i] if keys[i] in p.title_keys() else None
                break
        got = p._opening[s.t0] = (figures, actor)
    return got


def _new_figures(p: Profile, s: Sent, other: Profile) -> bool:
    """Does sentence `s` of `p` state a figure (outside formula) whose value `other` never states,
    in its text or title ("two mln" states 2,000,000)?"""
    figures = _opening(p, s)[0]
    if not figures:
        return False
    known = other.values()
    return any(not (values & known) for values in figures)


def _new_actor(p: Profile, s: Sent, other: Profile) -> bool:
    """Does sentence `s` of `p` open with a name (one of its first three words, capitalised)
    that `p`'s headline repeats and `other` never names, in its text or title, even respelt?"""
    k = _opening(p, s)[1]
    return k is not None and k not in other.key_set() and k not in other.title_keys() and not other.names(k)


def _days_apart(date_a: str | None, date_b: str | None) -> float | None:
    """Days between two publication dates; None when either is missing or unreadable."""
    da, db = parse_date(date_a), parse_date(date_b)
    return abs((da - db).total_seconds()) / 86400 if da and db else None


def _fact_tokens(p: Profile, t0: int, t1: int) -> np.ndarray:
    """Indexes of the fact tokens in [t0, t1), chrome and formula left out (a hospital named
    in every report of one city is not a fact of this one)."""
    return t0 + np.flatnonzero(p.own_facts[t0:t1])


def _fact_counts(pa: Profile, pb: Profile, tps, strict, covered_a: np.ndarray,
                 covered_b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The facts of what lines up, [figures, names]: how many the other side keeps and how
    many there are. Inside an aligned passage a fact is kept when a shared n-gram covers
    it or the other side's span names it (a respelt name too); between two parallel
    sentences when the other sentence names it (a figure in any spelling; a name also in the
    sentences either side of it). A copy keeps its facts however it is
    reworded; a template filled in for another day or company changes its figures or its
    names while the labels around them ("Bank of Japan", "Swiss francs") stay."""
    kept = np.zeros(2, dtype=np.int64)  # [figures, names]
    total = np.zeros(2, dtype=np.int64)
    ka, kb = pa.tokens.keys, pb.tokens.keys
    in_a = np.zeros(len(pa.tokens), dtype=bool)
    in_b = np.zeros(len(pb.tokens), dtype=bool)
    # (a0, a1, b0, b1, passage, i, j): the spans, and for two parallel sentences their indexes,
    # for the words around the other one where a name counts as kept (a reworded lead moves
    # "Malik Causey" into the next sentence; a form filled in for another firm names it nowhere near)
    units = [(t.a0, t.a1, t.b0, t.b1, True, -1, -1) for t in tps]
    units += [(pa.sentences[i].t0, pa.sentences[i].t1, pb.sentences[j].t0, pb.sentences[j].t1, False, i, j)
              for i, j, _ in strict]
    for a0, a1, b0, b1, passage, i, j in units:
        fa, fb = _fact_tokens(pa, a0, a1), _fact_tokens(pb, b0, b1)
        if not passage:  # facts of a sentence inside a passage are counted there already
            fa, fb = fa[~in_a[fa]], fb[~in_b[fb]]
        if len(fa) == 0 and len(fb) == 0:
            continue
        for facts, covered, keys, other, other_p, k, other_keys in (
                (fa, covered_a, ka, set(kb[b0:b1]), pb, j, kb[b0:b1]),
                (fb, covered_b, kb, set(ka[a0:a1]), pa, i, ka[a0:a1])):
            listed = facts.tolist()
            values = near = loose = None
            for x in listed:
                kind = 0 if keys[x][:1].isdigit() else 1
                total[kind] += 1
                if passage and covered[x]:
                    kept[kind] += 1
                elif kind == 1:
                    if keys[x] not in other and not passage and near is None:
                        near = _around(other_p, k)
                    if keys[x] in other or (near is not None and keys[x] in near):
                        kept[kind] += 1
                        continue
                    if loose is None:  # made once a name is not found as it is (most are)
                        loose = sorted(other - set(keys[y] for y in listed))
                    if mentions(keys[x], loose):
                        kept[kind] += 1  # a name may be respelt, or moved next door
                elif not passage:
                    # inside a passage a figure must sit where the other side has it (a table
                    # filled in again reuses its figures in other places); between parallel
                    # sentences it may be spelt out ("14-year-old", "Fourteen-year-old")
                    if values is None:
                        values = figure_values(other_keys)
                    if keys[x] in other or figure_values(keys, [x]) & values:
                        kept[kind] += 1
        if passage:
            in_a[a0:a1] = True
            in_b[b0:b1] = True
    return kept, total


def _around(p: Profile, k: int) -> set[str]:
    """The token keys of sentence `k` of `p` and of the sentences either side of it."""
    s = p.sentences
    return set(p.tokens.keys[s[max(0, k - 1)].t0:s[min(len(s) - 1, k + 1)].t1])


def _fact_agreement(kept: np.ndarray, total: np.ndarray, min_facts: int = 6) -> float | None:
    """Share of the facts of what lines up that the other side keeps (`_fact_counts`); where
    figures (or names) are many, no more than the share of those kept. None: fewer than
    `min_facts` facts to compare."""
    if total.sum() < min_facts:
        return None  # too few to tell a form filled in again from a copy
    share = kept.sum() / total.sum()
    # a kind of fact weighs on its own when there are enough of it, and at least as many as of
    # the other kind (two changed ages in a long reworded article are not a template; a table of
    # figures filled in again is)
    for k in (0, 1):
        if total[k] >= min_facts and total[k] >= total[1 - k]:
            share = min(share, kept[k] / total[k])
    return float(share)


def compare_profiles(pa: Profile, pb: Profile, cfg: Config, anchors: int | None = None,
                     formula: np.ndarray | None = None) -> Comparison:
    """Compare two profiled documents. `formula`: the sorted formula n-gram hashes the
    profiles were made with (none: every shared n-gram is evidence)."""
    formula = EMPTY if formula is None else formula
    a, b, ta, tb = pa.doc, pb.doc, pa.tokens, pb.tokens
    exact = len(ta) > 0 and pa.hash == pb.hash
    in_a, in_b = common_sorted(pa.shingles, pb.shingles)  # the word n-grams both share
    res, cont_a, cont_b = overlap_scores(len(pa.shingles), len(pb.shingles), len(in_a))
    tps = align_tokens(ta.hashes, tb.hashes, cfg.seed_n, cfg.max_seed_repeat, cfg.max_gap,
                       cfg.min_passage_tokens, cfg.max_shift, cfg.min_chained_tokens,
                       min_identity=cfg.passage_min_identity, index_a=pa.seeds, index_b=pb.seeds)
    # Two pages of one site share its chrome: a passage must hold enough article text.
    tps = [p for p in tps
           if min((~pa.chrome[p.a0:p.a1]).sum(), (~pb.chrome[p.b0:p.b1]).sum()) >= cfg.min_passage_tokens]
    ma, mb = covered_tokens(tps, len(ta), len(tb))
    ma &= ~pa.chrome
    mb &= ~pb.chrome
    # Evidence of copying: tokens inside word n-grams both texts share that are neither
    # chrome nor formula. A passage without enough of it on both sides (blotter phrases
    # chained across other names and numbers) is house style, not a shared text.
    shared = pa.shingles[in_a]
    # which distinct n-grams of each side are shared, and which of those are not formula,
    # read at each n-gram position through its rank (no search per position)
    specific = ~_in(shared, formula)
    covered_a, sa = _covered_pair(pa, in_a, specific, cfg.shingle_n)
    covered_b, sb = _covered_pair(pb, in_b, specific, cfg.shingle_n)
    # nor titles: two pages listing the same other stories' headlines share no written text
    sa &= ~pa.chrome & ~pa.headlines
    sb &= ~pb.chrome & ~pb.headlines
    evidence = [int(min(sa[p.a0:p.a1].sum(), sb[p.b0:p.b1].sum())) >= cfg.min_passage_tokens for p in tps]
    ea, eb = covered_tokens([p for p, e in zip(tps, evidence) if e], len(ta), len(tb))
    ea &= sa
    eb &= sb
    passages = []
    for p in tps:
        a0, a1 = ta.char_span(p.a0, p.a1)
        b0, b1 = tb.char_span(p.b0, p.b1)
        passages.append(Passage(a0, a1, b0, b1, round(p.identity, 4), a.text[a0:a1], b.text[b0:b1]))
    matches = match_sentences(pa.sentence_index, pb.sentence_index, cfg.sentence_match, cfg.sentence_match_gap,
                              cfg.sentence_gap_min_words)
    # The relation counts only sentences alike on their own: in-order gap matches help explain
    # a spun copy, but two reports of one event also line up sentence by sentence that way.
    strict = [m for m in matches if m[2] >= cfg.sentence_match]
    kept, total = _fact_counts(pa, pb, tps, strict, covered_a, covered_b)
    facts = _fact_agreement(kept, total, cfg.copy_min_facts)
    # what has a counterpart: the whole sentences an aligned passage runs through (a form
    # filled in again shares the words around the figure it changes) and matched sentences
    # (gap matches too: a strongly reworded sentence still tells the same facts)
    pair_a, pair_b = _sentences_of(pa, tps, "a"), _sentences_of(pb, tps, "b")
    for i, j, _ in matches:
        pair_a[pa.sentences[i].t0:pa.sentences[i].t1] = True
        pair_b[pb.sentences[j].t0:pb.sentences[j].t1] = True
    cover, cover_both = _fact_cover(pa, pb, pair_a, pair_b, cfg.rewrite_min_facts)
    scores = Scores(
        resemblance=res, containment_a=cont_a, containment_b=cont_b,
        story=pair_story_score(pa, pb),
        coverage_a=float(ma.sum() / max(1, (~pa.chrome).sum())),
        coverage_b=float(mb.sum() / max(1, (~pb.chrome).sum())),
        residual=bag_cosine(residual_bag(pa.bag[0], pa.bag_tokens, pa.bag_index, pa.weights, ma),
                            residual_bag(pb.bag[0], pb.bag_tokens, pb.bag_index, pb.weights, mb)),
        # share of the shorter side's sentences with a counterpart: high for a copy
        # reworded sentence by sentence, low for an independent report of the same event
        parallel=len(strict) / max(1, min(pa.n_sentences, pb.n_sentences)),
        # of those, the ones reworded rather than copied: what separates a spun copy
        # from an article that quotes a few sentences verbatim
        reworded=sum(d < VERBATIM_DICE for _, _, d in strict) / max(1, min(pa.n_sentences, pb.n_sentences)),
        identity=sum(p.identity * (p.a1 - p.a0) for p in tps) / max(1, sum(p.a1 - p.a0 for p in tps)),
        anchors=int(anchors if anchors is not None else len(shared)),
        facts=1.0 if facts is None else facts,
        fact_cover=cover,
        specific=float((ea.sum() + eb.sum()) / max(1, ma.sum() + mb.sum())),
    )
    # a contact line (a tip line, a press office's number) counts contact_weight of its length:
    # one office's closing lines recur on its unrelated cases, too few times to learn as formula
    weight_a = np.where(pa.contact, cfg.contact_weight, 1.0)
    weight_b = np.where(pb.contact, cfg.contact_weight, 1.0)
    ev = Evidence(
        exact=exact,
        # characters of shared specific text: evidence tokens' own characters
        chars=int(round(((ta.ends - ta.starts + 1) * weight_a)[ea].sum())),
        coverage_a=float(weight_a[ea].sum() / max(1, (~pa.chrome).sum())),
        coverage_b=float(weight_b[eb].sum() / max(1, (~pb.chrome).sum())),
        length_ratio=min(pa.n_sentences, pb.n_sentences) / max(1, pa.n_sentences, pb.n_sentences),
        same_source=bool(a.source) and a.source == b.source,
        facts_both=cover_both,
        lead_kept=_lead_kept(pa, pb, pair_a, pair_b, cfg),
        days_apart=_days_apart(a.date, b.date),
    )
    rel = relation(scores, ev, cfg)
    if rel not in ("exact", "near_duplicate", "template"):
        # what is shown as shared is what counts as shared
        passages = [p for p, e in zip(passages, evidence) if e]
    edits = []
    if rel in EXPLAINED or (rel == "exact" and a.text != b.text):
        # Added/removed sentences only mean something when the texts run in parallel; for an
        # article that quotes a passage of another, its own sentences are not "added".
        whole = rel != "reuse" or scores.parallel >= cfg.rewrite_parallel
        edits = diff_documents(a.text, b.text, ta, tb, cfg, whole, pa.sentences,
                               pb.sentences, matches, pa.quoted, gap=rel != "reuse")
    if rel == "template":
        dirn = Direction("unknown", 0.0, ["one form filled in with other names and figures: neither copies the other"])
    else:
        dirn = direction(a.date, b.date, edits, a.doc_id, b.doc_id) if rel != "unrelated" else Direction()
    return Comparison(a.doc_id, b.doc_id, len(a.text), len(b.text), rel, _rounded(scores),
                      passages, edits, dirn)


def compare_documents(a: Document, b: Document, cfg: Config | None = None,
                      formula: np.ndarray | None = None) -> Comparison:
    """Compare two documents; `formula`: sorted n-gram hashes known as formula (a store's)."""
    cfg = cfg or Config()
    return compare_profiles(profile(a, cfg, None, formula), profile(b, cfg, None, formula), cfg,
                            formula=formula)


def _rounded(s: Scores) -> Scores:
    fields = vars(s)  # written in place: values change, keys do not
    for k, v in fields.items():
        if isinstance(v, float):
            fields[k] = round(min(1.0, max(0.0, v)), 4)
    return s


def as_document(x: Document | str, default_id: str) -> Document:
    return x if isinstance(x, Document) else Document(doc_id=default_id, text=x)
