"""Compare two documents: align, score, classify, explain. A pure function of the pair,
used by `retold.compare` and, pair by pair, by the run engines."""
from __future__ import annotations

from .align.passages import align_tokens, covered_tokens
from .classify import content_bag, cosine, relation, shingle_overlap
from .config import Config
from .explain.direction import direction
from .explain.edits import diff_documents, match_sentences, sentence_units
from .model import Comparison, Direction, Document, Passage, Scores
from .text.normalise import Tokens, content_hash, tokenize
from .text.shingle import shingles

EXPLAINED = ("near_duplicate", "reuse", "rewrite")


def compare_documents(a: Document, b: Document, cfg: Config | None = None,
                      ta: Tokens | None = None, tb: Tokens | None = None,
                      anchors: int | None = None) -> Comparison:
    cfg = cfg or Config()
    ta = ta if ta is not None else tokenize(a.text)
    tb = tb if tb is not None else tokenize(b.text)
    exact = len(ta) > 0 and content_hash(ta) == content_hash(tb)
    sa, sb = shingles(ta.hashes, cfg.shingle_n), shingles(tb.hashes, cfg.shingle_n)
    res, cont_a, cont_b = shingle_overlap(sa, sb)
    tps = align_tokens(ta.hashes, tb.hashes, cfg.seed_n, cfg.max_seed_repeat, cfg.max_gap,
                       cfg.min_passage_tokens)
    ma, mb = covered_tokens(tps, len(ta), len(tb))
    passages = []
    for p in tps:
        a0, a1 = ta.char_span(p.a0, p.a1)
        b0, b1 = tb.char_span(p.b0, p.b1)
        passages.append(Passage(a0, a1, b0, b1, round(p.identity, 4), a.text[a0:a1], b.text[b0:b1]))
    scores = Scores(
        resemblance=res, containment_a=cont_a, containment_b=cont_b,
        story=cosine(content_bag(ta, a.text), content_bag(tb, b.text)),
        coverage_a=float(ma.mean()) if len(ma) else 0.0,
        coverage_b=float(mb.mean()) if len(mb) else 0.0,
        residual=cosine(content_bag(ta, a.text, ~ma), content_bag(tb, b.text, ~mb)),
        anchors=int(anchors if anchors is not None else len(set(sa.tolist()) & set(sb.tolist()))),
    )
    sents_a, sents_b = sentence_units(a.text, ta), sentence_units(b.text, tb)
    matches = match_sentences(sents_a, sents_b, cfg.sentence_match)
    # share of the shorter side's sentences that have a counterpart: high for a reworded
    # copy (sentence by sentence), low for an independent report of the same event
    scores.parallel = len(matches) / max(1, min(len(sents_a), len(sents_b)))
    aligned_chars = sum(p.a_end - p.a_start for p in passages)
    rel = relation(scores, exact, aligned_chars, cfg)
    edits = []
    if rel in EXPLAINED:
        edits = diff_documents(a.text, b.text, ta, tb, cfg, rel != "reuse", sents_a, sents_b, matches)
    dirn = direction(a.date, b.date, edits) if rel != "unrelated" else Direction()
    return Comparison(a.doc_id, b.doc_id, len(a.text), len(b.text), rel, _rounded(scores),
                      passages, edits, dirn)


def _rounded(s: Scores) -> Scores:
    for k, v in vars(s).items():
        if isinstance(v, float):
            setattr(s, k, round(min(1.0, max(0.0, v)), 4))
    return s


def as_document(x: Document | str, default_id: str) -> Document:
    return x if isinstance(x, Document) else Document(doc_id=default_id, text=x)
