"""Typed differences between two aligned documents.

Sentences of a and b are matched one-to-one by word overlap; inside each matched pair a
word-level diff names what changed (a number, a date, a respelt name, junk glued to the
end, a cut quote, a reworded clause). Sentences left unmatched were added or removed, or
are site chrome when they look like a label rather than a sentence.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from ..align.matcher import as_codes, opcodes, ratio
from ..config import Config
from ..model import Edit
from ..text.boilerplate import token_lines
from ..text.normalise import DATE_WORDS, FLAG_CONTENT, FLAG_FIGURE, FLAG_UPPER, Tokens, tokenize
from ..text.sentences import hard_wrapped, sentences
from .sentmatch import match_rows

MONTHS = DATE_WORDS  # months and weekdays: the words a changed date shows up in
_YEAR = re.compile(r"^(1[89]|20)\d\d$")
QUOTE_CUT_MIN = 3  # words a quote must lose to count as cut
JUNK_MAX_WORDS = 6  # longer runs after a sentence's end are a sentence, not glued tags
SAME_TEXT_CHECK = 4  # runs this long are first compared as one string (shorter: token by token is cheaper)
_END_GAP = re.compile(r"[.!?][\"'”’)\]]*\s")  # a sentence end: punctuation, then space ("p.m." is not)
_QUOTE_CHARS = re.compile("[\"“”«»„]")


def quoted_tokens(text: str, toks: Tokens) -> np.ndarray:
    """Per token: inside quotation marks? (odd number of quote marks before it in its line:
    news style opens a quote again on each paragraph it spans, so parity restarts there)"""
    quotes = np.array([m.start() for m in _QUOTE_CHARS.finditer(text)], dtype=np.int64)
    if len(quotes) == 0 or len(toks) == 0:
        return np.zeros(len(toks), dtype=bool)
    newlines = np.array([m.start() for m in re.finditer("\n", text)], dtype=np.int64)
    before = np.searchsorted(quotes, toks.starts)  # quote marks before each token
    line_start = np.searchsorted(newlines, toks.starts)  # line of each token
    starts = np.concatenate(([0], newlines + 1))[line_start]
    at_line_start = np.searchsorted(quotes, starts)  # quote marks before its line
    return (before - at_line_start) % 2 == 1
_SENT_END = re.compile(r"[.!?][\"'”’)\]]*\s*$")


@dataclass
class Sent:
    start: int  # chars
    end: int
    t0: int  # tokens
    t1: int
    chrome: bool = False  # on a line the corpus knows as this source's site chrome


@dataclass
class SentenceIndex:
    """Distinct words of each sentence as (hash, sentence) entries sorted by hash, so the
    overlap of every sentence pair of two texts is one sorted join."""

    hashes: np.ndarray  # uint64, sorted
    owner: np.ndarray  # sentence index of each entry
    sizes: np.ndarray  # distinct words per sentence
    content: np.ndarray | None = None  # per entry: a content word (not a function word)
    numbered: np.ndarray | None = None  # per sentence: holds a number (digits)


def sentence_units(text: str, toks: Tokens, chrome: np.ndarray | None = None) -> list[Sent]:
    spans = sentences(text)
    if not spans:
        return []
    bounds = np.searchsorted(toks.starts, [x for sp in spans for x in (sp.start, sp.end)], "left")
    t0s, t1s = bounds[0::2], bounds[1::2]
    if chrome is None or not chrome.any():
        on_chrome = [False] * len(spans)
    else:  # all of a sentence's tokens on chrome lines: none of its tokens off them
        off = np.concatenate(([0], np.cumsum(~chrome)))
        on_chrome = (off[t1s] == off[t0s]).tolist()
    return [Sent(sp.start, sp.end, t0, t1, c)
            for sp, t0, t1, c in zip(spans, t0s.tolist(), t1s.tolist(), on_chrome) if t1 > t0]


def sentence_index(sents: list[Sent], toks: Tokens) -> SentenceIndex:
    """Chrome sentences are left out: two pages of one site share them, which says
    nothing about the articles."""
    owner = np.full(len(toks), -1, dtype=np.int64)
    for k, s in enumerate(sents):
        if not s.chrome:
            owner[s.t0:s.t1] = k
    sel = owner >= 0
    h, o = toks.hashes[sel], owner[sel]
    c = (toks.flags[sel] & FLAG_CONTENT) > 0  # a content word (text/normalise.py FLAG_CONTENT)
    order = np.lexsort((o, h))
    h, o, c = h[order], o[order], c[order]
    keep = np.ones(len(h), dtype=bool)
    keep[1:] = (h[1:] != h[:-1]) | (o[1:] != o[:-1])
    h, o, c = h[keep], o[keep], c[keep]
    digits = (toks.flags & FLAG_FIGURE) > 0
    numbered = np.bincount(owner[sel & digits], minlength=len(sents)) > 0
    return SentenceIndex(h, o, np.bincount(o, minlength=len(sents)), c, numbered)


def match_sentences(xa: SentenceIndex, xb: SentenceIndex, threshold: float,
                    gap_threshold: float | None = None,
                    gap_min_words: int = 0) -> list[tuple[int, int, float]]:
    """One-to-one sentence matches (i, j, dice), best first, by Dice of distinct words.

    With gap_threshold, a second pass matches the sentences left between two consecutive
    matches (in order on both sides) at that lower Dice: a strongly reworded sentence keeps
    few of its words, but it still sits where the original's sentence sat. Needs two
    matches from the first pass, so unrelated texts get no boxes to fill, and shared content
    words (a number in each counts as one): gap_min_words, or half the content words of the
    shorter sentence if that is fewer (at least one), so two sentences that share only "the", "of" and "and" (another
    article's paragraph pasted in that place) are not called one reworded.
    """
    na, nb = len(xa.sizes), len(xb.sizes)
    if na == 0 or nb == 0:
        return []
    content = gap_min_words > 0 and xa.content is not None and xb.content is not None
    figures = content and xa.numbered is not None and xb.numbered is not None

    def side(x: SentenceIndex, n: int) -> tuple:  # as the kernel reads one side (sentmatch.match_rows)
        return (x.hashes, x.owner, x.content if content else np.zeros(len(x.hashes), dtype=bool), x.sizes,
                x.numbered if figures else np.zeros(n, dtype=bool))

    rows = match_rows(*side(xa, na), *side(xb, nb), float(threshold), float(gap_threshold or 0.0),
                      int(gap_min_words), gap_threshold is not None, content)
    return [(int(i), int(j), d) for i, j, d in rows.tolist()]


def _lis_members(seq: list[int]) -> set[int]:
    """Indexes of one longest increasing subsequence of seq."""
    import bisect
    tails, tails_idx, prev = [], [], [-1] * len(seq)
    for k, v in enumerate(seq):
        pos = bisect.bisect_left(tails, v)
        if pos == len(tails):
            tails.append(v)
            tails_idx.append(k)
        else:
            tails[pos] = v
            tails_idx[pos] = k
        prev[k] = tails_idx[pos - 1] if pos else -1
    out, k = set(), tails_idx[-1] if tails_idx else -1
    while k >= 0:
        out.add(k)
        k = prev[k]
    return out


LABEL_TOKENS = 4  # a whole line this short, not ending like a sentence, reads as a label
CHROME_LINE_TOKENS = 12  # longer lines are never chrome without the corpus saying so
_SEPARATOR = re.compile(r"[|»›•·©]|\s[/>]\s")  # menus, share bars, breadcrumbs, copyright
_WEBBY = re.compile(r"https?://|www\.|@\w|\b\w+\.(?:com|org|net)\b", re.I)
_LABEL_PREFIX = re.compile(r"^\W*[A-Za-z]+(?: [A-Za-z]+)?:\s+\S")  # "Related: ...", "Tags: ..."
_NUMERIC_DATE = re.compile(r"\b\d{1,4}[-/.]\d{1,2}[-/.]\d{2,4}\b|\b\d{1,2}:\d\d\b")


def _whole_line(text: str, start: int, end: int) -> bool:
    """Does the span fill its line (nothing but spaces around it up to the line breaks)?"""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    return not text[line_start:start].strip() and not text[end:None if line_end < 0 else line_end].strip()


def _looks_like_chrome(text: str, keys: list[str], whole_line: bool, date_share: float) -> bool:
    """Without corpus knowledge, be conservative: only a whole line can be chrome, and only
    when it reads as a label (a few words, no sentence end: "Dark Mode", "Share this
    article", "OPINION"), a date line ("Published March 3, 2013 | Updated 9:01 AM"), a
    menu or share bar (separators), a "Label: teaser" line, or carries a web address. A
    headline-like line of five or more words (a title, "Police Identify Man Killed In
    Crash") is a sentence, as is a short line ending like one ("Williams agreed.") or a
    line introducing what follows ("Statement:")."""
    n = len(keys)
    if not whole_line or n > CHROME_LINE_TOKENS or text.rstrip().endswith(":"):
        return False
    if _SENT_END.search(text):
        return False
    if n <= LABEL_TOKENS:
        return True
    dated = sum(k[:1].isdigit() or k in MONTHS for k in keys)
    if (_NUMERIC_DATE.search(text) or any(k in MONTHS for k in keys)) and \
            any(k[:1].isdigit() for k in keys) and dated >= date_share * n:
        return True
    return bool(_SEPARATOR.search(text) or _LABEL_PREFIX.match(text) or _WEBBY.search(text))


NUMBER_WORDS = frozenset(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety "
    "hundred thousand million billion trillion dozen dozens hundreds thousands millions half".split())


def _is_number(tok: str) -> bool:
    return tok[:1].isdigit() or tok in NUMBER_WORDS


def _char_sim(a: str, b: str) -> float:
    return ratio(as_codes(a), as_codes(b))


class _Differ:
    def __init__(self, a: str, b: str, ta: Tokens, tb: Tokens, cfg: Config,
                 quoted_a: np.ndarray | None = None):
        self.a, self.b, self.ta, self.tb, self.cfg = a, b, ta, tb, cfg
        self.quoted_a = quoted_a if quoted_a is not None else quoted_tokens(a, ta)
        self.edits: list[Edit] = []
        # per token: does the written token start with a capital (FLAG_UPPER tells it
        # without cutting the token out of the text)
        self.upper = {"a": ((ta.flags & FLAG_UPPER) > 0).tolist(), "b": ((tb.flags & FLAG_UPPER) > 0).tolist()}

    def span_edit(self, kind: str, i0: int, i1: int, j0: int, j1: int) -> None:
        a0, a1 = self.ta.char_span(i0, i1) if i1 > i0 else self._point(self.ta, i0)
        b0, b1 = self.tb.char_span(j0, j1) if j1 > j0 else self._point(self.tb, j0)
        self.edits.append(Edit(kind, self.a[a0:a1], self.b[b0:b1], a0, a1, b0, b1))

    @staticmethod
    def _point(t: Tokens, i: int) -> tuple[int, int]:
        """Where missing text would sit: right after token i-1."""
        if len(t) == 0:
            return 0, 0
        p = int(t.ends[i - 1]) if i > 0 else int(t.starts[0])
        return p, p

    def sentence_edit(self, kind: str, sa: Sent | None, sb: Sent | None,
                      at_a: int = 0, at_b: int = 0) -> None:
        """An edit over whole sentences (with their punctuation); a missing side is the
        point (token index) where the sentence would sit."""
        a0, a1 = (sa.start, sa.end) if sa else self._point(self.ta, at_a)
        b0, b1 = (sb.start, sb.end) if sb else self._point(self.tb, at_b)
        self.edits.append(Edit(kind, self.a[a0:a1], self.b[b0:b1], a0, a1, b0, b1))

    def raw(self, side: str, k: int) -> str:
        t, s = (self.ta, self.a) if side == "a" else (self.tb, self.b)
        return s[t.starts[k]:t.ends[k]]

    def _date_context(self, keys: list[str], k0: int, k1: int) -> bool:
        near = keys[max(0, k0 - 2):k1 + 2]
        return any(k in MONTHS for k in near)

    def _glued_tail(self, side: str, s: Sent, other_keys: list[str]) -> int:
        """Start of words glued after a sentence's final punctuation on the same line
        ("...he said. trending viral news"), which the other side does not end with; the
        sentence end when there are none."""
        text, toks = (self.a, self.ta) if side == "a" else (self.b, self.tb)
        for k in range(s.t1 - 1, max(s.t0, s.t1 - JUNK_MAX_WORDS - 1), -1):
            gap = text[toks.ends[k - 1]:toks.starts[k]]
            if "\n" in gap:
                break
            if _END_GAP.search(gap):
                before = text[toks.starts[k - 1]:toks.ends[k - 1]]
                raw_tail = [text[toks.starts[x]:toks.ends[x]] for x in range(k, s.t1)]
                # "Calif. on", "7 p.m. after": an abbreviation's period, not a sentence end; and
                # a capitalised continuation would have started a sentence of its own
                if len(before) == 1 or (len(before) <= 4 and before[:1].isupper()) or \
                        any(w[:1].isupper() for w in raw_tail):
                    return s.t1
                tail = toks.keys[k:s.t1]
                return s.t1 if other_keys[-len(tail):] == tail else k
        return s.t1

    def same_words(self, i0: int, j0: int, n: int) -> None:
        """n tokens from a's i0 and b's j0 with the same keys: a token written otherwise
        (beyond case) is a respelt name."""
        ta, tb = self.ta, self.tb
        if n >= SAME_TEXT_CHECK:
            # one string comparison answers for the whole run when both sides read the same
            a0, b0 = int(ta.starts[i0]), int(tb.starts[j0])
            # (the spans as arrays of one length: comparing them whole costs less than
            # np.array_equal's checks, a third of this test's time)
            if self.a[a0:int(ta.ends[i0 + n - 1])] == self.b[b0:int(tb.ends[j0 + n - 1])] and \
                    (ta.starts[i0:i0 + n] - a0 == tb.starts[j0:j0 + n] - b0).all() and \
                    (ta.ends[i0:i0 + n] - a0 == tb.ends[j0:j0 + n] - b0).all():
                return
        for d in range(n):
            ra, rb = self.raw("a", i0 + d), self.raw("b", j0 + d)
            if ra != rb and ra.casefold() != rb.casefold():
                self.span_edit("name_variant", i0 + d, i0 + d + 1, j0 + d, j0 + d + 1)

    def sentence_pair(self, sa: Sent, sb: Sent) -> None:
        ka_full, kb_full = self.ta.keys[sa.t0:sa.t1], self.tb.keys[sb.t0:sb.t1]
        if ka_full == kb_full:
            # the same words: nothing glued on that the other lacks, one run in common
            # (what the general path below finds for it, without the matcher)
            self.same_words(sa.t0, sb.t0, sa.t1 - sa.t0)
            return
        # Junk glued after the end is peeled off first, so a reworded or respelt last word
        # and the junk are not merged into one change.
        ea, eb = self._glued_tail("a", sa, kb_full), self._glued_tail("b", sb, ka_full)
        if ea < sa.t1:
            self.span_edit("junk_token", ea, sa.t1, sb.t1, sb.t1)
        if eb < sb.t1:
            self.span_edit("junk_token", sa.t1, sa.t1, eb, sb.t1)
        ka, kb = ka_full[:ea - sa.t0], kb_full[:eb - sb.t0]
        reworded = False
        quote_a = self.quoted_a[sa.t0:sa.t1]
        # difflib's opcodes over the words (their hashes), compiled (align/matcher.py)
        for op, i1, i2, j1, j2 in opcodes(self.ta.hashes[sa.t0:ea], self.tb.hashes[sb.t0:eb]):
            I1, I2, J1, J2 = sa.t0 + i1, sa.t0 + i2, sb.t0 + j1, sb.t0 + j2
            if op == "equal":
                self.same_words(I1, J1, i2 - i1)
                continue
            wa, wb = ka[i1:i2], kb[j1:j2]
            if op == "insert" and i1 == len(ka) and self._glued_after_end("b", J1):
                self.span_edit("junk_token", I1, I1, J1, J2)
            elif op == "delete" and j1 == len(kb) and self._glued_after_end("a", I1):
                self.span_edit("junk_token", I1, I2, J1, J1)
            elif wa and wb and all(map(_is_number, wa)) and all(map(_is_number, wb)):
                dated = self._date_context(ka, i1, i2) or all(_YEAR.match(w) for w in wa + wb)
                self.span_edit("date_change" if dated else "number_change", I1, I2, J1, J2)
            elif wa and wb and all(w in MONTHS or _is_number(w) for w in wa + wb):
                self.span_edit("date_change", I1, I2, J1, J2)
            elif self._is_name_change(I1, I2, J1, J2, wa, wb):
                self.span_edit("name_variant", I1, I2, J1, J2)
            elif (op == "delete" or (op == "replace" and 2 * (j2 - j1) < i2 - i1)) and \
                    i2 - i1 >= QUOTE_CUT_MIN and quote_a[i1:i2].mean() > 0.5:
                # a quote cut short by a clause (a dropped word or reworded quote is paraphrase)
                self.span_edit("quote_change", I1, I2, J1, J2)
            else:
                self._within_rewording(ka, I1, I2, J1, J2, sa.t0)
                reworded = True
        if reworded:
            self.sentence_edit("paraphrase", sa, sb)

    def _within_rewording(self, ka: list[str], I1: int, I2: int, J1: int, J2: int, s0: int) -> None:
        """A reworded stretch can still hide a changed number, date or respelt name
        ("About 5,000 gallons" -> "Around 4,900 gallons"): pair such tokens up in order."""
        ka_all, kb_all = self.ta.keys, self.tb.keys
        up_a, up_b = self.upper["a"], self.upper["b"]
        kinds = (("number", lambda k, _: _is_number(k) and k not in NUMBER_WORDS),
                 ("date", lambda k, _: k in MONTHS),
                 ("name", lambda k, upper: upper and len(k) >= 4))
        for kind, test in kinds:
            xa = [i for i in range(I1, I2) if test(ka_all[i], up_a[i])]
            xb = [j for j in range(J1, J2) if test(kb_all[j], up_b[j])]
            if not xa or not xb:
                continue
            if kind == "name":
                used: set[int] = set()
                for i in xa:
                    best = max((j for j in xb if j not in used),
                               key=lambda j: _char_sim(ka_all[i], kb_all[j]), default=None)
                    if best is not None and ka_all[i] != kb_all[best] and \
                            _char_sim(ka_all[i], kb_all[best]) >= self.cfg.name_similarity:
                        used.add(best)
                        self.span_edit("name_variant", i, i + 1, best, best + 1)
                continue
            if len(xa) != len(xb):
                continue  # cannot tell which figure became which
            for i, j in zip(xa, xb):
                if ka_all[i] == kb_all[j]:
                    continue
                if kind == "date" or self._date_context(ka, i - s0, i - s0 + 1) or \
                        (_YEAR.match(ka_all[i]) and _YEAR.match(kb_all[j])):
                    self.span_edit("date_change", i, i + 1, j, j + 1)
                else:
                    self.span_edit("number_change", i, i + 1, j, j + 1)

    def _glued_after_end(self, side: str, k: int) -> bool:
        """Words one side has at the very end of a sentence, after its final punctuation."""
        text, toks = (self.a, self.ta) if side == "a" else (self.b, self.tb)
        if k == 0:
            return False
        return bool(re.search(r"[.!?]", text[toks.ends[k - 1]:toks.starts[k]]))

    def _is_name_change(self, I1, I2, J1, J2, wa, wb) -> bool:
        if not wa or not wb or len(wa) > 3 or len(wb) > 3:
            return False
        caps = all(self.upper["a"][I1:I2]) and all(self.upper["b"][J1:J2])
        ja, jb = "".join(wa), "".join(wb)
        # very short capitalised tokens are abbreviations (PT/PDT, UN/UK), not names
        return caps and min(len(ja), len(jb)) >= 4 and _char_sim(ja, jb) >= self.cfg.name_similarity


def diff_documents(a: str, b: str, ta: Tokens, tb: Tokens, cfg: Config, whole: bool = True,
                   sa: list[Sent] | None = None, sb: list[Sent] | None = None,
                   matches: list[tuple[int, int, float]] | None = None,
                   quoted_a: np.ndarray | None = None, gap: bool = True) -> list[Edit]:
    """Typed edits turning a into b. With whole=False (passage reuse) only differences
    inside shared sentences are reported, not the unrelated rest of each text. With
    gap=False (a pair that is not one text retold: reuse) sentences matched only by their
    place between two matches are not paired: the texts do not run in parallel."""
    sa = sa if sa is not None else sentence_units(a, ta)
    sb = sb if sb is not None else sentence_units(b, tb)
    if matches is None:
        matches = match_sentences(sentence_index(sa, ta), sentence_index(sb, tb), cfg.sentence_match,
                                   cfg.sentence_match_gap, cfg.sentence_gap_min_words)
    if not gap:
        matches = [m for m in matches if m[2] >= cfg.sentence_match]
    d = _Differ(a, b, ta, tb, cfg, quoted_a)
    # Sentences out of order: those off a longest run in order, read in b's order, so that
    # of two swapped blocks of equal length the one b moved earlier is the one reported.
    in_b_order = sorted(range(len(matches)), key=lambda k: matches[k][1])
    kept = _lis_members([matches[k][0] for k in in_b_order])
    moved = {in_b_order[x] for x in range(len(in_b_order)) if x not in kept}
    for k, (i, j, _) in enumerate(matches):
        d.sentence_pair(sa[i], sb[j])
        if k in moved:
            d.sentence_edit("reordered", sa[i], sb[j])
    # A line both sides have is no edit, even when it was not matched as a sentence (chrome is
    # left out of matching; a repeated line loses the one-to-one match): unmatched sentences
    # with the same words, or chrome lines of the same shape (the same date line with another
    # date), pair off, and a line the other side has anywhere is never reported as chrome.
    unmatched = ({k for k in range(len(sa))} - {i for i, _, _ in matches},
                 {k for k in range(len(sb))} - {j for _, j, _ in matches})
    paired = _pair_identical(sa, sb, ta, tb, a, b, unmatched, cfg)
    for side, sents, other, text, missing, toks, other_toks in (
            ("a", sa, sb, a, "sentence_removed", ta, tb), ("b", sb, sa, b, "sentence_added", tb, ta)):
        other_keys = None  # the other side's sentences' keys, made when a chrome line asks
        matched = {m[0] if side == "a" else m[1] for m in matches}
        for k, sent in enumerate(sents):
            if k in matched or k in paired[side]:
                continue
            at = _insertion_point(matches, k, other, side)
            # Tags glued after a sentence are junk wherever they sit, even in text the
            # other side does not share (the rest of an article that quotes a passage).
            tail = d._glued_tail(side, sent, [])
            if tail < sent.t1:
                if side == "a":
                    d.span_edit("junk_token", tail, sent.t1, at, at)
                else:
                    d.span_edit("junk_token", at, at, tail, sent.t1)
            if not whole and not sent.chrome:
                # the unshared rest of an article that quotes a passage is not an edit; only
                # lines the corpus knows as its site's chrome are reported
                continue
            keys = toks.keys[sent.t0:sent.t1]
            chrome = reads_as_chrome(text, toks, sent, cfg)
            if chrome:
                if other_keys is None:
                    other_keys = {_keys(other_toks, s_) for s_ in other}
                if tuple(keys) in other_keys:
                    continue  # the other side has this very line: not an edit
            kind = "boilerplate" if chrome else missing
            if side == "a":
                d.sentence_edit(kind, sent, None, at_b=at)
            else:
                d.sentence_edit(kind, None, sent, at_a=at)
    d.edits.sort(key=lambda e: (e.a_start, e.b_start))
    return d.edits


def reads_as_chrome(text: str, toks: Tokens, s: Sent, cfg: Config) -> bool:
    """A sentence on a line the corpus knows as chrome, or a whole line that reads as one
    without that knowledge (a label, a date line, a menu: `_looks_like_chrome`)."""
    return s.chrome or _looks_like_chrome(text[s.start:s.end], toks.keys[s.t0:s.t1],
                                          _whole_line(text, s.start, s.end), cfg.chrome_date_share)


HEADLINE_TOKENS = 20  # a line longer than this without a sentence end is still prose (a quoted tweet)
HEADLINE_FIGURES = 0.3  # ... and one this much figures is a table row (a wire's results), not a title
TITLE_DICE = 0.5  # word Dice of a line and the record's title for the line to be that title (a
# spun copy rewords its title field but may keep the original headline in its text)


def headline_tokens(text: str, toks: Tokens, title: str | None = None,
                    date_share: float = 0.3) -> np.ndarray:
    """Per token: on a line that reads as another story's title, not prose (a line of a few
    words that does not end like a sentence and is not a table row of figures). The lists of
    other stories' titles a site prints around its articles (related links, video playlists,
    "most read") are made of such lines, and two pages sharing them share nothing written.

    The document's own title is kept: of the title-like lines before any prose that are not
    labels or date lines (`_looks_like_chrome`, `date_share`), the one closest to `title`
    (the record's title field) if any is close, else none; without a title, the first. A
    copy that keeps only the headline of what it rewords still shares it. Text wrapped at a
    fixed width breaks lines inside sentences, so it has none."""
    m = np.zeros(len(toks), dtype=bool)
    if len(toks) == 0 or hard_wrapped(text):
        return m
    _, first = token_lines(text, toks)
    bounds = np.append(first, len(toks))
    before_prose, own = True, []  # title-like lines before the first prose line
    for t0, t1 in zip(bounds[:-1].tolist(), bounds[1:].tolist()):
        n = t1 - t0
        line_end = text.find("\n", int(toks.starts[t1 - 1]))
        line = text[int(toks.starts[t0]):None if line_end < 0 else line_end].rstrip()
        keys = toks.keys[t0:t1]
        if n > HEADLINE_TOKENS or _SENT_END.search(line) or line.endswith(":") \
                or sum(k[:1].isdigit() for k in keys) > HEADLINE_FIGURES * n:
            before_prose = False  # prose (or a table): titles after it are other stories'
            continue
        m[t0:t1] = True
        if before_prose and n > LABEL_TOKENS and not _looks_like_chrome(line, keys, True, date_share):
            own.append((t0, t1))
    if own and title:  # the line that gives the record's title; none may (a video list on top)
        want = set(tokenize(title).keys)
        dice = [2 * len(want & set(toks.keys[a:b])) / max(1, len(want) + len(set(toks.keys[a:b])))
                for a, b in own]
        own = [own[int(np.argmax(dice))]] if max(dice) >= TITLE_DICE else []
    if own:
        m[own[0][0]:own[0][1]] = False
    return m


def lead(text: str, toks: Tokens, sents: list[Sent], cfg: Config) -> int | None:
    """Index of the article's lead: its first sentence that does not read as chrome."""
    return next((k for k, s in enumerate(sents) if not reads_as_chrome(text, toks, s, cfg)), None)


def _keys(t: Tokens, s: Sent) -> tuple[str, ...]:
    return tuple(t.keys[s.t0:s.t1])


def _pair_identical(sa: list[Sent], sb: list[Sent], ta: Tokens, tb: Tokens, a: str, b: str,
                    unmatched: tuple[set[int], set[int]], cfg: Config) -> dict[str, set[int]]:
    """Unmatched sentences of a and b that are the same line: the same words, or (for lines
    read as chrome) the same token shapes, numbers and date words blanked. In order, one to one."""
    def chrome_like(t: Tokens, s: Sent, text: str) -> bool:
        return reads_as_chrome(text, t, s, cfg)

    def shape(t: Tokens, s: Sent) -> tuple:
        return tuple((t.shapes if t.shapes is not None else t.hashes)[s.t0:s.t1].tolist())

    out: dict[str, set[int]] = {"a": set(), "b": set()}
    for pass_ in ("words", "shape"):
        free: dict[tuple, list[int]] = {}
        for j in sorted(unmatched[1] - out["b"]):
            if pass_ == "words":
                free.setdefault(_keys(tb, sb[j]), []).append(j)
            elif chrome_like(tb, sb[j], b):
                free.setdefault(shape(tb, sb[j]), []).append(j)
        for i in sorted(unmatched[0] - out["a"]):
            if pass_ == "words":
                js = free.get(_keys(ta, sa[i]))
            else:
                js = free.get(shape(ta, sa[i])) if chrome_like(ta, sa[i], a) else None
            if js:
                out["a"].add(i)
                out["b"].add(js.pop(0))
    return out


def _insertion_point(matches, k: int, other: list[Sent], side: str) -> int:
    """Token index in the other text where unmatched sentence k of `side` would sit: after
    the counterpart of the nearest matched sentence before it."""
    best = 0
    for i, j, _ in matches:
        mine, theirs = (i, j) if side == "a" else (j, i)
        if mine < k:
            best = other[theirs].t1
    return best
