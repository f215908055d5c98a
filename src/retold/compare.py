"""Compare two documents: align, score, classify, explain. A pure function of the pair,
used by `retold.compare` and, pair by pair, by the run engines."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .align.passages import align_tokens, covered_tokens
from .classify import bag, bag_cosine, content_weights, relation, shingle_overlap
from .config import Config
from .explain.direction import direction
from .explain.edits import (Sent, SentenceIndex, diff_documents, match_sentences, quoted_tokens,
                            sentence_index, sentence_units)
from .model import Comparison, Direction, Document, Passage, Scores
from .text.boilerplate import chrome_mask
from .text.normalise import Tokens, content_hash, tokenize
from .text.shingle import shingles

EXPLAINED = ("near_duplicate", "reuse", "rewrite")
VERBATIM_DICE = 0.9  # two sentences this close share all but a word or two


@dataclass
class Profile:
    """Everything about one document that does not depend on the other side of a pair;
    the engine computes it once per document, not once per pair."""

    doc: Document
    tokens: Tokens
    hash: str
    shingles: np.ndarray  # unique word n-gram hashes
    weights: np.ndarray  # content weight per token (0 for function words)
    bag: tuple[np.ndarray, np.ndarray]  # content words: sorted hashes, summed weights
    sentences: list[Sent]
    sentence_index: SentenceIndex
    quoted: np.ndarray  # per token: inside quotation marks?
    chrome: np.ndarray  # per token: on a line known as the source's site chrome
    n_sentences: int  # sentences that are not chrome


def profile(doc: Document, cfg: Config, chrome_lines: set[int] | None = None) -> Profile:
    """chrome_lines: hashes of lines the corpus knows as this document's source's chrome."""
    toks = tokenize(doc.text)
    chrome = chrome_mask(doc.text, toks, chrome_lines or set())
    w = content_weights(toks, doc.text)
    quoted = quoted_tokens(doc.text, toks)
    sents = sentence_units(doc.text, toks, chrome)
    return Profile(doc, toks, content_hash(toks), np.unique(shingles(toks.hashes, cfg.shingle_n)), w,
                   bag(toks.hashes, w), sents, sentence_index(sents, toks), quoted, chrome,
                   sum(not s.chrome for s in sents))


def compare_profiles(pa: Profile, pb: Profile, cfg: Config, anchors: int | None = None) -> Comparison:
    a, b, ta, tb = pa.doc, pb.doc, pa.tokens, pb.tokens
    exact = len(ta) > 0 and pa.hash == pb.hash
    res, cont_a, cont_b = shingle_overlap(pa.shingles, pb.shingles)
    tps = align_tokens(ta.hashes, tb.hashes, cfg.seed_n, cfg.max_seed_repeat, cfg.max_gap,
                       cfg.min_passage_tokens, cfg.max_shift, cfg.min_chained_tokens)
    # Two pages of one site share its chrome: a passage must hold enough article text.
    tps = [p for p in tps
           if min((~pa.chrome[p.a0:p.a1]).sum(), (~pb.chrome[p.b0:p.b1]).sum()) >= cfg.min_passage_tokens]
    ma, mb = covered_tokens(tps, len(ta), len(tb))
    ma &= ~pa.chrome
    mb &= ~pb.chrome
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
    scores = Scores(
        resemblance=res, containment_a=cont_a, containment_b=cont_b,
        story=bag_cosine(pa.bag, pb.bag),
        coverage_a=float(ma.sum() / max(1, (~pa.chrome).sum())),
        coverage_b=float(mb.sum() / max(1, (~pb.chrome).sum())),
        residual=bag_cosine(bag(ta.hashes, pa.weights, ~ma), bag(tb.hashes, pb.weights, ~mb)),
        # share of the shorter side's sentences with a counterpart: high for a copy
        # reworded sentence by sentence, low for an independent report of the same event
        parallel=len(strict) / max(1, min(pa.n_sentences, pb.n_sentences)),
        # of those, the ones reworded rather than copied: what separates a spun copy
        # from an article that quotes a few sentences verbatim
        reworded=sum(d < VERBATIM_DICE for _, _, d in strict) / max(1, min(pa.n_sentences, pb.n_sentences)),
        identity=sum(p.identity * (p.a1 - p.a0) for p in tps) / max(1, sum(p.a1 - p.a0 for p in tps)),
        anchors=int(anchors if anchors is not None else len(np.intersect1d(pa.shingles, pb.shingles))),
    )
    # characters of article text aligned (a passage's share of chrome tokens discounted)
    aligned_chars = sum((p.a_end - p.a_start) * float((~pa.chrome[t.a0:t.a1]).mean())
                        for p, t in zip(passages, tps))
    rel = relation(scores, exact, aligned_chars, cfg)
    edits = []
    if rel in EXPLAINED or (rel == "exact" and a.text != b.text):
        # Added/removed sentences only mean something when the texts run in parallel; for an
        # article that quotes a passage of another, its own sentences are not "added".
        whole = rel != "reuse" or scores.parallel >= cfg.rewrite_parallel
        edits = diff_documents(a.text, b.text, ta, tb, cfg, whole, pa.sentences,
                               pb.sentences, matches, pa.quoted, gap=rel != "reuse")
    dirn = direction(a.date, b.date, edits, a.doc_id, b.doc_id) if rel != "unrelated" else Direction()
    return Comparison(a.doc_id, b.doc_id, len(a.text), len(b.text), rel, _rounded(scores),
                      passages, edits, dirn)


def compare_documents(a: Document, b: Document, cfg: Config | None = None) -> Comparison:
    cfg = cfg or Config()
    return compare_profiles(profile(a, cfg), profile(b, cfg), cfg)


def _rounded(s: Scores) -> Scores:
    for k, v in vars(s).items():
        if isinstance(v, float):
            setattr(s, k, round(min(1.0, max(0.0, v)), 4))
    return s


def as_document(x: Document | str, default_id: str) -> Document:
    return x if isinstance(x, Document) else Document(doc_id=default_id, text=x)
