"""Deterministic demo corpus: ECB+ news articles plus the copies a content farm makes of them.

Originals are ECB+ documents, detokenised into prose. From some of them the generator makes
exact copies, reprints (site chrome, junk tags, a name spelt another way), spun rewrites
(reworded sentences, transliterated names, changed numbers and dates, paragraphs dropped and
added, a few sentences kept verbatim) and reuse (another article quoting a passage). Every
change is recorded with its text and character offsets in ``truth.jsonl``, so the pipeline's
relations, passages, typed edits and direction can be scored against it.

Same seed, same bytes: all randomness goes through one ``random.Random(seed)`` and every
iteration order is fixed (sorted ids and lists, never the order of a set of strings).

Run: ``.venv/bin/python -m retold.demo.generator --out demo/corpus``
"""
from __future__ import annotations

import argparse
import difflib
import itertools
import json
import random
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Iterable

REPO_ROOT = Path(__file__).resolve().parents[3]
# ECB+ lives next to the repository (../shared/data); never an absolute machine path.
DEFAULT_ECB = REPO_ROOT / ".." / "shared" / "data" / "stories" / "ecbplus" / "docs.jsonl"

_WORD_RE = re.compile(r"\w+")


def words(text: str) -> list[str]:
    """Lowercased word tokens, as used for the reference Jaccard."""
    return _WORD_RE.findall(text.lower())


def shingles(text: str, n: int = 5) -> set[tuple[str, ...]]:
    w = words(text)
    return set(zip(*(w[i:] for i in range(n))))


def jaccard5(a: str, b: str) -> float:
    """Word 5-gram Jaccard of lowercased word tokens (the reference resemblance)."""
    sa, sb = shingles(a), shingles(b)
    if not sa and not sb:
        return 1.0 if words(a) == words(b) else 0.0
    return len(sa & sb) / len(sa | sb)


# --------------------------------------------------------------------------------------------
# Detokenisation
# --------------------------------------------------------------------------------------------
_ATTACH_LEFT = {",", ".", ":", ";", "?", "!", ")", "]", "}", "%", "...", "…", "”",
                "'s", "'re", "'ve", "'m", "'ll", "'d", "n't", "'S", "N'T"}
_ATTACH_RIGHT = {"(", "[", "{", "$", "#", "“", "‘", "£", "€"}
_CLITICS = {"s", "t", "re", "ve", "m", "ll", "d"}
_ALNUM = re.compile(r"^\w+$")


def _detok_line(line: str, state: dict[str, bool]) -> str:
    toks = line.split()
    out: list[str] = []
    glue_next = True  # nothing before the first token
    for i, tok in enumerate(toks):
        prev = toks[i - 1] if i else ""
        nxt = toks[i + 1] if i + 1 < len(toks) else ""
        glue_before, glue_next = glue_next, False
        if tok == "``":
            tok, glue_next = '"', True
        elif tok == "''":
            tok, glue_before = '"', True
        elif tok == '"':
            # Straight quotes carry no side: line edges decide, else alternate per document.
            opening = True if i == 0 else False if i == len(toks) - 1 else not state["dq"]
            state["dq"] = opening
            if opening:
                glue_next = True
            else:
                glue_before = True
        elif tok == ":":
            glue_before = True
            if prev.isdigit() and nxt[:1].isdigit():
                glue_next = True  # 5 : 03pm -> 5:03pm
        elif tok in ("’", "'") and nxt in _CLITICS and prev:
            glue_before = glue_next = True  # Lohan ’ s -> Lohan’s
        elif tok in _ATTACH_LEFT or tok in ("’", "'"):
            glue_before = True
        elif tok in _ATTACH_RIGHT:
            glue_next = True
        elif tok in ("-", "/") and _ALNUM.match(prev or "_-") and _ALNUM.match(nxt or "_-"):
            glue_before = glue_next = True  # 90 - day -> 90-day, and / or -> and/or
        if tok == "." and len(prev) == 1 and prev.isalpha() and len(nxt) == 1 and nxt.isalpha() \
                and prev.isupper() == nxt.isupper():
            glue_next = True  # L . A -> L.A, a . m . -> a.m.
        if tok == "." and prev[-1:].isdigit() and re.fullmatch(r"\d+[A-Za-z]*", nxt):
            glue_next = True  # magnitude-5 . 9 -> magnitude-5.9, 2 . 5GHz -> 2.5GHz
        if tok == "," and re.fullmatch(r"\D{0,3}\d{1,3}", prev) and re.fullmatch(r"\d{3}", nxt):
            glue_before = glue_next = True  # 1 , 000 -> 1,000
        if out and not glue_before:
            out.append(" ")
        out.append(tok)
    return "".join(out)


def detokenise(text: str) -> str:
    """ECB+ tokens (one sentence a line) -> natural prose, still one sentence a line."""
    state = {"dq": False}
    return "\n".join(_detok_line(line, state) for line in text.split("\n") if line.strip())


# --------------------------------------------------------------------------------------------
# Articles
# --------------------------------------------------------------------------------------------
_ABBREV = {"mr", "mrs", "ms", "dr", "st", "sgt", "gov", "sen", "rep", "gen", "lt", "col", "capt",
           "jr", "sr", "no", "vs", "inc", "corp", "ltd", "co", "jan", "feb", "mar", "apr", "jun",
           "jul", "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "calif", "fla", "mass", "ave"}


def split_sentences(paragraph: str) -> list[str]:
    """Small rule-based splitter for plain-text input (ECB+ already comes one sentence a line)."""
    parts: list[str] = []
    start = 0
    for m in re.finditer(r"[.!?][\"”’)]*\s+(?=[\"“‘(]?[A-Z0-9])", paragraph):
        before = paragraph[start:m.start()].rsplit(None, 1)
        last = before[-1].lower().rstrip(".") if before else ""
        if paragraph[m.start()] == "." and (last in _ABBREV or len(last) == 1
                                            or re.fullmatch(r"(?:[a-z]\.)+[a-z]", last)):
            continue  # Mr. Smith, U.S. troops, A.J. Smith
        parts.append(paragraph[start:m.end()].strip())
        start = m.end()
    tail = paragraph[start:].strip()
    if tail:
        parts.append(tail)
    return parts


@dataclass
class Article:
    """A document as paragraphs of sentences, so copies can track where each sentence went."""

    id: str
    paragraphs: list[list[str]]
    title: str | None = None
    date: str | None = None
    source: str | None = None
    url: str | None = None
    story: str | None = None
    topic: int | None = None

    @property
    def text(self) -> str:
        return "\n\n".join(" ".join(p) for p in self.paragraphs)

    def sentences(self) -> list[tuple[tuple[int, int], str]]:
        return [((pi, si), s) for pi, p in enumerate(self.paragraphs) for si, s in enumerate(p)]

    def sentence_spans(self) -> dict[tuple[int, int], tuple[int, int]]:
        spans, pos = {}, 0
        for pi, p in enumerate(self.paragraphs):
            if pi:
                pos += 2
            for si, s in enumerate(p):
                if si:
                    pos += 1
                spans[(pi, si)] = (pos, pos + len(s))
                pos += len(s)
        return spans

    @classmethod
    def from_text(cls, text: str, id: str = "doc", **kw: Any) -> "Article":
        paras = [split_sentences(" ".join(p.split())) for p in re.split(r"\n\s*\n", text)]
        return cls(id=id, paragraphs=[p for p in paras if p], **kw)


def _is_headline(sentence: str) -> bool:
    # Headlines, date lines and section heads have no final punctuation; keep them alone.
    return len(sentence.split()) <= 20 and not re.search(r"[.!?][\"”’)]*$", sentence)


def paragraphs_from_sentences(sentences: list[str], rng: random.Random) -> list[list[str]]:
    """Group sentences into paragraphs of 2-4, headline-like lines on their own."""
    paras: list[list[str]] = []
    cur: list[str] = []
    size = rng.randint(2, 4)
    for s in sentences:
        if _is_headline(s):
            if cur:
                paras.append(cur)
            paras.append([s])
            cur, size = [], rng.randint(2, 4)
            continue
        cur.append(s)
        if len(cur) >= size:
            paras.append(cur)
            cur, size = [], rng.randint(2, 4)
    if cur:
        paras.append(cur)
    return paras


# --------------------------------------------------------------------------------------------
# Fake sites: each has its own consistent chrome, so per-source boilerplate is learnable
# --------------------------------------------------------------------------------------------
_SITE_PREFIX = ["daily", "morning", "global", "metro", "national", "city", "world", "evening",
                "free", "open", "capital", "coastal", "valley", "united", "northern", "southern"]
_SITE_NOUN = ["globe", "herald", "ledger", "wire", "post", "digest", "chronicle", "courier",
              "tribune", "beacon", "dispatch", "bulletin", "gazette", "report", "journal",
              "sentinel", "observer", "monitor", "echo", "record"]
_HEADER_POOL = [
    "Dark Mode", "Skip to content", "Menu | Search | Sign In", "Home » News » World",
    "{NAME}", "BREAKING NEWS", "Listen to this article", "{mins} min read", "Share this article",
    "Share on Facebook | Share on X | Email", "Light Mode / Dark Mode", "Trending: {teaser}",
    "Advertisement",
]
_DATE_LINES = ["Published {date}", "{date} | Updated {date}", "Posted on {date} by Staff Writer",
               "By {NAME} Staff | {date}", "Last updated: {date}"]
_DATE_FORMATS = ["%B %d, %Y", "%d/%m/%Y", "%Y-%m-%d", "%b %d, %Y", "%d %B %Y"]
_FOOTER_POOL = [
    "Subscribe to our newsletter", "Sign up for the {NAME} morning briefing",
    "Related: {teaser}", "© 2013 {NAME}. All rights reserved.", "Share this article",
    "Tags: {tags}", "Comments are closed.", "Read more: {teaser}",
    "We use cookies to improve your experience. By continuing you accept our cookie policy.",
    "Follow us on Facebook and Twitter for the latest updates.", "Advertisement",
    "Have a story tip? Email the {NAME} newsroom.",
]
_DISCLAIMER = ("Disclaimer: The views expressed in this article are the author's own and do "
               "not necessarily reflect the editorial position of {NAME}.")
_MID_POOL = ["Advertisement", "Related: {teaser}", "Read more: {teaser}", "Continue reading below"]
_TEASERS = [
    "Five things to know before the markets open", "How to save on your energy bill this winter",
    "The best budget phones of the year", "Why commuters are switching to bikes",
    "Ten recipes for a quick weeknight dinner", "What the new tax rules mean for you",
    "Inside the race to build cheaper batteries", "The travel destinations everyone is talking about",
    "How to protect your accounts from hackers", "Experts weigh in on the housing market",
    "The surprising science of a good night's sleep", "Local heroes honoured at city hall",
    "Weekend weather: sunshine and showers ahead", "Opinion: our roads deserve better",
    "Photos: the week in pictures", "Quiz: how well do you know this week's news?",
    "The gadgets worth buying this season", "Why small businesses are hiring again",
    "A beginner's guide to investing", "The streaming shows to watch this month",
]
_JUNK_POOL = ["trending", "viral", "news", "breaking", "must-read", "exclusive", "update", "latest",
              "hot", "topstories", "worldnews", "daily", "headlines", "live", "today", "watch",
              "share", "follow", "readmore", "celeb", "gossip", "politics", "worldwide", "usnews",
              "explore", "fyp", "instanews", "newsfeed"]


@dataclass
class Site:
    domain: str
    name: str
    header: list[str]
    footer: list[str]
    mid: str | None
    date_line: str | None
    date_format: str
    junk: list[str]
    junk_rate: float
    opinion: bool

    def render(self, template: str, rng: random.Random, when: str | None, n_words: int) -> str:
        day = ""
        if when:
            day = date.fromisoformat(when).strftime(self.date_format)
        return template.format(NAME=self.name, date=day, mins=max(1, n_words // 220),
                               teaser=rng.choice(_TEASERS),
                               tags=", ".join(rng.sample(self.junk, min(3, len(self.junk)))))

    def chrome(self, rng: random.Random, when: str | None, n_words: int
               ) -> tuple[list[str], list[str], str | None]:
        """Header lines, footer lines and an optional mid-article line for one page."""
        head = [self.render(t, rng, when, n_words) for t in self.header]
        if self.opinion:
            head.insert(min(1, len(head)), "OPINION")
        if self.date_line and when:
            head.append(self.render(self.date_line, rng, when, n_words))
        foot = [self.render(t, rng, when, n_words) for t in self.footer]
        if self.opinion:
            foot.insert(0, self.render(_DISCLAIMER, rng, when, n_words))
        mid = self.render(self.mid, rng, when, n_words) if self.mid else None
        return head, foot, mid

    def junk_tag(self, rng: random.Random) -> str:
        return " ".join(rng.sample(self.junk, rng.randint(2, min(4, len(self.junk)))))


def make_sites(rng: random.Random, n: int) -> list[Site]:
    names = [(p, s) for p in _SITE_PREFIX for s in _SITE_NOUN]
    rng.shuffle(names)
    sites = []
    for prefix, noun in names[:n]:
        opinion = rng.random() < 0.3
        sites.append(Site(
            domain=f"{prefix}{noun}.example",
            name=f"{prefix.title()} {noun.title()}",
            header=rng.sample(_HEADER_POOL, rng.randint(1, 2)),
            footer=rng.sample(_FOOTER_POOL, rng.randint(1, 3)),
            mid=rng.choice(_MID_POOL) if rng.random() < 0.5 else None,
            date_line=rng.choice(_DATE_LINES) if rng.random() < 0.8 else None,
            date_format=rng.choice(_DATE_FORMATS),
            junk=rng.sample(_JUNK_POOL, rng.randint(3, 5)),
            junk_rate=rng.uniform(0.2, 0.5),
            opinion=opinion,
        ))
    return sites


# --------------------------------------------------------------------------------------------
# Name variants: general spelling rules, applicable to any name (no list of names)
# --------------------------------------------------------------------------------------------
_ACCENT = {"s": "š", "c": "č", "z": "ž", "e": "é", "a": "á", "o": "ö", "u": "ü", "n": "ñ"}
_V = "aeiouáéíóúäëïöü"
# (pattern, replacement): one match of one rule is applied; patterns are case-insensitive and
# the replacement takes the case of the matched text's first letter.
_NAME_RULES: list[tuple[str, str]] = [
    (r"ph", "f"), (r"(?<=[a-z])f(?=[a-z])", "ph"), (r"^f", "ph"),
    (r"ks", "x"), (r"x", "ks"), (r"cs", "x"),
    (r"c(?=[aou]|$|[^aeiouyhkz])", "k"), (r"ck", "k"), (r"k(?!h)", "c"),
    (r"([bdfglmnprstz])\1", r"\1"),
    (rf"(?<=[{_V}])([lnrstmp])(?=[{_V}])", r"\1\1"),
    (r"(?<=.)y", "i"), (r"i$", "y"), (rf"(?<=[^{_V}])i(?=[{_V}])", "y"),
    (rf"(?<=[{_V}])(?=[{_V}])(?<!^.)", "'"),
    (r"w", "v"), (r"(?<=.)v", "w"), (r"tz", "ts"), (r"ts$", "tz"),
    (r"sh", "sch"), (r"sch", "sh"), (r"sz", "sh"), (r"cz", "ch"), (r"kh", "h"),
    (r"š", "sh"), (r"č", "ch"), (r"ž", "zh"),  # Janša -> Jansha
    (r"ou", "u"), (r"ei", "ey"), (r"ey", "ei"), (r"oo", "u"), (r"j(?=[aeou])", "y"),
    (r"(?<=[a-z])(?=[A-Z][a-z])", " "),  # LaCalamita -> La Calamita
    (r"[-' ](?=[A-Za-z])", ""),  # Jean-Pierre -> JeanPierre, O'Brien -> OBrien
    (r"-", " "),
]


def _fold(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def _name_candidates(name: str) -> list[list[str]]:
    """Respellings of `name`, grouped by rule (so no single rule dominates the choice)."""
    groups: list[list[str]] = []
    folded = _fold(name)
    if folded != name:
        groups.append([folded])  # Szczepański -> Szczepanski
    else:
        groups.append([name[:i] + _ACCENT[ch] + name[i + 1:]  # Jansa -> Janša
                       for i, ch in enumerate(name) if i and ch in _ACCENT])
    for pat, repl in _NAME_RULES:
        if repl == "'" and ("'" in name or "’" in name):
            continue  # one apostrophe per name is plenty
        flags = 0 if "[A-Z]" in pat else re.IGNORECASE  # the CamelCase rule needs case
        group = []
        for m in re.finditer(pat, name, flags):
            new = m.expand(repl)
            if new and m.group(0)[:1].isupper():
                new = new[0].upper() + new[1:]
            cand = name[:m.start()] + new + name[m.end():]
            if cand != name and cand[:1].isupper() and "  " not in cand:
                group.append(cand)
        groups.append(group)
    return [sorted(set(g)) for g in groups if g]


def name_variant(name: str, rng: random.Random) -> str:
    """Another plausible spelling of `name` (transliteration-like), never equal to it.

    General rules, no list of names: diacritics stripped or added, ph/f, ks/x, c/k, doubled
    or single letters, i/y, w/v, sh/sch, an apostrophe between vowels, a compound split or
    joined. The result stays close to the name (character similarity >= 0.7).
    """
    def close(c: str) -> bool:
        return difflib.SequenceMatcher(None, _fold(c).lower(), _fold(name).lower()).ratio() >= 0.7
    groups = [[c for c in g if close(c)] for g in _name_candidates(name)]
    groups = [g for g in groups if g]
    if groups:
        return rng.choice(rng.choice(groups))
    return name + ("h" if name[-1:].lower() in _V else name[-1:])  # too short for any rule


# --------------------------------------------------------------------------------------------
# Numbers and dates
# --------------------------------------------------------------------------------------------
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"]
_MONTH_RE = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
             r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)")
_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
DATE_RE = re.compile(
    rf"\b{_MONTH_RE}\.? \d{{1,2}}(?:st|nd|rd|th)?(?:, (?:19|20)\d\d)?\b"
    rf"|\b(?:{'|'.join(_WEEKDAYS)})\b|\b(?:19[5-9]\d|20[0-2]\d)\b")
NUMBER_RE = re.compile(r"(?<![\w:/.,$])\d{1,3}(?:,\d{3})*(?:\.\d+)?(?![\w:/]|[.,]\d)"
                       r"|(?<=\$)\d+(?:\.\d+)?(?![\w:/]|[.,]\d)")


def change_number(text: str, rng: random.Random) -> str:
    """A nearby but different number in the same format (33 -> 34, 90 -> 80, 1,200 -> 1,300)."""
    digits = text.replace(",", "")
    if "." in digits:
        whole, frac = digits.split(".")
        last = (int(frac[-1]) + rng.randint(1, 8)) % 10
        return f"{text.rsplit('.', 1)[0]}.{frac[:-1]}{last}"
    n = int(digits)
    # Round numbers move by a round step (90 -> 80), small ones by a little (33 -> 34).
    step = 10 ** max(0, len(digits) - 2) if n >= 100 else (10 if n >= 20 and n % 10 == 0 else 1)
    k = rng.choice([-3, -2, -1, 1, 2, 3]) if step == 1 else rng.choice([-1, 1])
    ok = [v for v in (n + k * step, n - k * step)
          if v >= 0 and len(str(v)) == len(str(n))]  # keep the number of digits
    new = ok[0] if ok else n + step
    if "," in text:
        return f"{new:,}"
    return str(new).zfill(len(digits))


def change_date(text: str, rng: random.Random) -> str:
    """Shift one part of a date expression: weekday, day of month, month or year."""
    if text in _WEEKDAYS:
        return _WEEKDAYS[(_WEEKDAYS.index(text) + rng.choice([-1, 1])) % 7]
    if re.fullmatch(r"(?:19|20)\d\d", text):
        return str(int(text) + rng.choice([-1, 1]))
    m = re.match(r"(\w+)(\.?) (\d{1,2})(.*)$", text)
    if not m:
        return text
    mon, dot, day, rest = m.groups()
    if rng.random() < 0.6:
        new_day = int(day) + rng.choice([-2, -1, 1, 2])
        new_day = new_day if 1 <= new_day <= 28 else int(day) - 1 if int(day) > 1 else 2
        return f"{mon}{dot} {new_day}{rest}"
    idx = next((i for i, x in enumerate(_MONTHS) if x.startswith(mon[:3])), 0)
    new_full = _MONTHS[(idx + rng.choice([-1, 1])) % 12]
    if mon in _MONTHS or new_full in ("May", "June", "July"):
        return f"{new_full} {day}{rest}"  # full names (and May/June/July) take no dot
    return f"{new_full[:3]}{dot} {day}{rest}"  # keep the abbreviated style: Dec. -> Nov.


def _spans(regex: re.Pattern, text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in regex.finditer(text)]


def number_spans(text: str) -> list[tuple[int, int]]:
    """Numbers that are not part of a date expression."""
    dates = _spans(DATE_RE, text)
    return [(s, e) for s, e in _spans(NUMBER_RE, text)
            if not any(ds <= s < de for ds, de in dates)]


_NOT_NAMES = set("""The This That These Those There Their They Then Than He She His Her Him It Its
We Our Us You Your I In On At After Before When While But And Or So If As For From With Without
Into Over Under About Some Many Most More Other Another Every Each All Any No Not Both Mr Mrs Ms
Dr Sgt Gov Sen President Police Officials Authorities What Who Why How Where Which However Also
Meanwhile According During Since Until Today Yesterday Tomorrow Monday Tuesday Wednesday Thursday
Friday Saturday Sunday January February March April May June July August September October
November December New North South East West Central American Americans English Internet Web
Street Avenue Road County City State University Department Court Police Fire News Center Company
Group Party Government Minister Secretary Chief Director Sheriff Office Prison Jail Hospital""".split())


_NAME_AFTER = r"(?![\w-]|['’](?!s\b))"  # a whole token; a possessive 's may follow


def find_names(text: str) -> list[str]:
    """Capitalised name-like tokens used mid-sentence, most frequent first (ties by name).

    Headlines are skipped (Title Case is not a name) and so is any word that also appears
    in lower case in the text.
    """
    lower = set(re.findall(r"\b[a-z][\w'’-]*", text))  # words seen in lower case
    counts: Counter[str] = Counter()
    for line in (x for para in text.split("\n") for x in split_sentences(para)):
        if _is_headline(line):
            continue
        for m in re.finditer(r"(?<![\w'’.-])([A-Z](?:['’][A-Z])?[^\W\d_]+)" + _NAME_AFTER, line):
            tok = m.group(1)
            if m.start() == 0 or re.search(r"[.!?\"“”:]\s*$", line[:m.start()]):
                continue  # sentence-initial words are often not names
            if (len(tok) >= 4 and tok not in _NOT_NAMES and not tok.isupper()
                    and sum(c.isupper() for c in tok) <= 2 and tok.lower() not in lower):
                counts[tok] += 1
    return [t for t, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


# --------------------------------------------------------------------------------------------
# Rewording (article spinning)
# --------------------------------------------------------------------------------------------
# word=alt1|alt2 [/!not,before,these] [/+only,before,these] [/^not,after,these]
# [/~only,after,these]; '#' stands for any number, AUX for the auxiliaries (is, was, has ...).
_SYNONYMS = """
died=passed away|perished
coming=upcoming/~the
zone=area
computers=PCs|machines
rushed=hurried
option=choice
effect=impact
scheduled=slated|planned
anger=fury
affect=impact
crimes=offenses
larger=bigger
potentially=possibly
location=site
causing=triggering
located=situated
discovered=found
providing=offering
shop=store
allows=lets|permits
client=customer
numbers=figures
illness=sickness
allegations=claims|accusations
clashes=confrontations
supermarket=grocery store
escorted=accompanied|led
shooter=gunman
connected=linked
shook=rattled
amount=sum|quantity
shops=stores
animals=creatures
audience=viewers
organization=organisation
dies=passes away
fought=battled
documents=papers|files
defendant=accused
movies=films
exactly=precisely
necessary=needed
decisions=choices
businesses=firms|companies
injuring=wounding
websites=sites
sometimes=at times|occasionally
disaster=catastrophe
analyst=expert
disease=illness
unclear=uncertain
annual=yearly
rapidly=quickly
supported=backed
definitely=certainly
heist=robbery
conspiracy=plot
maker=manufacturer
triggered=sparked
grabbed=seized
helping=assisting
thieves=robbers|burglars
chased=pursued
noticed=spotted
tough=hard
changed=altered
expert=specialist
consecutive=straight
possibly=perhaps
initial=first
amazing=incredible
expressed=voiced
strategy=plan
arrests=detentions
gathered=assembled
aide=assistant
that=which/+is,was,are,were,has,had,have,will,would,could,can,may,might
when=as/^since,until,from,know,knew,say,said,asked,ask,wonder,is,was,of
could=might/!not,n't,have
should=ought to/!not,n't,have,be
may=might
new=latest/^brand,AUX
learn=discover
learned=discovered
understand=grasp
remember=recall
remembered=recalled
send=dispatch
stay=remain
stayed=remained
surgery=an operation/!on,to,for,at,in
everyone=everybody
telephone=phone
areas=regions
normal=regular
end=close/+of
announce=reveal|declare
approve=endorse
approved=endorsed|backed
reject=dismiss
rejected=dismissed|turned down
reveal=disclose
suggest=indicate
suggested=indicated
suggests=indicates
indicate=suggest
indicated=suggested
prevent=stop|avert
prevented=stopped|averted
ensure=guarantee
receive=get
receives=gets
create=establish
created=established
require=need
requires=needs
appear=seem/+to
expect=anticipate
expects=anticipates
investigate=probe
investigated=probed
confirm=verify
continues=goes on
decide=choose
die=perish
happen=occur
happens=occurs
improve=enhance|boost
improved=enhanced
reduce=cut|lower
reduced=cut|lowered
rose=climbed|went up
grow=expand
grew=expanded
hire=recruit
hired=recruited|employed
finish=complete
choose=select
chose=selected
admit=acknowledge
admits=acknowledges
unlikely=improbable
dangerous=hazardous|risky
safe=secure
severe=serious
rapid=swift
strange=odd|unusual
unusual=uncommon|rare
common=widespread
violent=brutal
wealthy=rich
rich=wealthy
rally=gathering
demonstrators=protesters
killer=murderer
killers=murderers
explosion=blast
blast=explosion
neighbors=neighbours
kids=children
road=route
roads=routes
plane=aircraft
boat=vessel
boats=vessels
cash=money
internet=web
rain=rainfall
risk=danger
concern=worry
concerns=worries
questions=queries
answer=response
answers=responses
response=reply|reaction
comments=remarks
article=piece
photo=picture|image
photos=pictures|images
video=clip
videos=clips
moment=instant
who=that/^,,AUX
which=that/^,,in,of,by,for,to,with,from,on,at,under,after,before,during,through
convicted=found guilty/~AUX
murder=killing|slaying/^to,would,will,could,can,not,did,AUX
office=bureau
head=chief/+of
home=house/^at,back,went,go,come,came,returned,AUX
case=matter/^in,just,worst,best
fired=dismissed/+from,as
woman=lady
group=band/+of
support=backing/^to,will,would,could,can,not,they,we,i,you,AUX
source=insider/^open
move=step/^to,will,would,AUX
agency=bureau
agencies=bureaus
market=marketplace
manager=supervisor
defense=defence
prosecutors=prosecuting attorneys
projects=initiatives
process=procedure
body=corpse/^governing,student,legislative
violence=bloodshed
nearby=neighboring/!.,
riot=disturbance
review=assessment/^to,will,AUX
included=featured
interview=conversation/^job
families=households
equipment=gear
doctor=physician
doctors=physicians
anyone=anybody
reason=cause
excited=thrilled
refused=declined
growing=increasing
arrived=showed up/^AUX
clear=evident/+that
argued=contended
threat=menace
potential=possible
lived=resided
appears=seems
event=occasion
industry=sector
reporter=journalist
captured=seized
related=linked/+to
additional=extra
seized=confiscated
husband=spouse
negotiations=talks
youths=youngsters
required=needed
website=site
teenager=teen|adolescent
protests=demonstrations
image=picture
police=law enforcement/!officer,officers,department,chief,station,car,cars,force,commissioner,spokesman,spokeswoman,officials,sources
about=around|roughly/+#
over=more than/+#
around=about/+#
man=individual|male
while=whilst
now=currently|at present
say=state|claim
another=an additional|one more
family=relatives|loved ones/^crime,mafia,royal,first
next=following|coming
called=dubbed|named/!for,on,off,up,out,in,police,the,a,an,him,her,them,it,911
released=freed/+from
released=issued|put out/+a,an,the,its,his,her,their
known=recognized/!for
store=shop
stores=shops
outside=outside of
technology=tech
part=portion/^take,took,taking,takes,play,played,playing
saying=stating|noting
jury=panel/^grand
best=finest|top
asked=requested/+to
think=believe
role=part
following=after/+the,a,an,his,her,their,its,this,that,#
though=although
person=individual
past=previous|last/!the,a,an,his,her,their,its,#
might=could|may
loss=defeat
arrest=detention/^to,would,will,could,can,did,not,is,are,was,were,be,been,being,has,have,had
international=global
among=amongst
assault=attack
affected=impacted|hit
great=tremendous|huge
every=each
each=every/!other,of
bomb=explosive
apartment=flat|unit
placed=put
fight=battle
ended=finished|concluded
protect=safeguard|shield
ship=vessel
vessel=ship
wife=spouse
likely=probably/!to
scientists=researchers
fell=dropped|tumbled
stopped=halted
vessels=ships
border=frontier
sure=certain
rules=regulations
regulations=rules
someone=somebody
identified=named
houses=homes
homes=houses
driver=motorist
issued=released
crime=offense|offence
main=primary|principal
countries=nations
wrote=penned
experts=specialists|analysts
finished=completed
completed=finished
global=worldwide
suspicious=questionable
measures=steps
sent=dispatched/!to
bombs=explosives
contract=deal
crowd=throng
employee=staffer|worker
find=discover
bad=poor
choice=option
threw=tossed|hurled
neighborhood=area
war=conflict
boss=chief
helicopter=chopper
alleged=purported
display=screen
staff=personnel
television=TV
similar=comparable
ability=capacity
witness=onlooker
wounded=injured
attempted=tried
efforts=attempts
result=outcome
provide=offer
provided=offered/^is,are,was,were,be,been,being,has,have,had
declined=refused
ordered=instructed/+to
daughter=girl
forced=compelled
parents=family
worried=concerned
concerned=worried
angry=furious
happy=pleased
sad=saddened
shocked=stunned
surprised=astonished
expensive=costly
cheap=inexpensive
quickly=rapidly|swiftly
slowly=gradually
immediately=at once|right away
suddenly=abruptly
fully=completely
nearly=almost|close to
mainly=primarily
mostly=largely
simply=merely
despite=in spite of
onto=on to
beside=next to
beneath=below
below=beneath
above=over
behind=at the back of/+the
begin=start
begins=starts
start=begin/^the,a,an,its,his,her,their,early,late,strong,fresh,head
starts=begins
ends=concludes
trying=attempting
try=attempt/^a,the,another,is,are,was,were,be,been,being,has,have,had
tries=attempts
wants=wishes
want=wish/!to
wanted=wished/+to
hope=expect/!to,for
hopes=expects/!to
hoped=expected
seek=pursue
seeks=pursues
seeking=pursuing|looking for
looking=searching/+for
show=reveal/+that
shows=reveals/+that
showing=revealing
told=informed/+reporters,the,police,investigators
tell=inform/!to,the
telling=informing
talk=speak
talked=spoke
talks=discussions/^is,are,was,were,be,been,being,has,have,had,he,she,it
speaking=talking
spoke=talked
discuss=talk about
discussed=talked about
explain=describe
explained=described
described=depicted
warn=caution
warned=cautioned
warning=caution
reportedly=supposedly
officially=formally
currently=presently
recently=lately|not long ago
previously=earlier|formerly
eventually=ultimately
finally=at last|ultimately
especially=particularly
particularly=especially
certainly=surely
actually=in fact
apparently=seemingly
totally=entirely
extremely=highly
highly=extremely
truly=genuinely
initially=at first
originally=at first
subsequently=later
largely=mostly
significant=considerable
serious=grave|severe
famous=well-known
popular=well-liked
strong=robust|sturdy
weak=feeble
major=significant|big
minor=small
entire=complete
several=a number of|multiple
numerous=many
various=several|assorted
many=numerous|lots of
huge=massive|enormous
massive=huge|enormous
enormous=huge|massive
tiny=small|minute
little=small/^a,very
early=premature/+death,retirement
late=delayed/+arrival,payment
killed=slain/+by,in,when,after,as,at,during,while,on,.,,
dead=deceased/^is,are,was,were,be,been,being,has,have,had,shot,found,left,drop,dropped
deadly=fatal|lethal
fatal=deadly|lethal
injury=wound
damage=harm
damaged=harmed/^is,are,was,were,be,been,being,has,have,had
wreckage=debris
debris=wreckage
shooting=gunfire|shooting spree
gunfire=shots
shots=gunshots
weapon=firearm
suspects=accused
suspected=alleged
arrested=detained|taken into custody
custody=detention
charged=indicted/+with
accused=charged/+of
victim=casualty
rescued=saved
survivors=survivors
residents=locals|inhabitants
villages=hamlets
village=hamlet
town=city
capital=capital city
province=region
coast=shoreline
island=isle
storm=tempest
tsunami=tidal wave
earthquake=quake|tremor
quake=tremor|earthquake
tremor=quake
aftershock=tremor
aftershocks=tremors
evacuated=cleared/^is,are,was,were,be,been,being,has,have,had
destroyed=demolished|flattened
collapsed=caved in|fell down
flames=fire
fire=blaze|flames/^opened,open,opening,under,cease,set,caught,catch,is,are,was,were,be,been,being,has,have,had
firefighters=firemen|fire crews
blaze=fire|inferno
smoke=fumes
rehab=rehabilitation|treatment
actress=star|performer
singer=vocalist|artist
band=group
album=record
song=track
show=programme|program/^stole,steal,steals,stealing,is,are,was,were,be,been,being,has,have,had,to,will,would,could,can,may,might,must,should,did,does,do
movie=film|feature
director=filmmaker/^executive,managing,general,associate,deputy,film
announced=revealed|disclosed|made public
release=launch/^the,a,its,his,her,their
company=firm|business
firm=company|business
deal=agreement|transaction
buy=purchase|acquire
sell=offload
sold=offloaded/^is,are,was,were,be,been,being,has,have,had
shares=stock
stock=shares
profit=earnings
revenue=sales
analysts=experts|observers
customers=clients|buyers
users=customers
product=offering
products=offerings|goods
launch=unveiling|rollout
features=capabilities/^is,are,was,were,be,been,being,has,have,had,it,that,which
feature=capability/^is,are,was,were,be,been,being,has,have,had,to,will,would,it,that,which
version=edition
versions=editions
update=patch
security=protection/!guard,guards,forces,council,camera,cameras
attackers=hackers
hackers=attackers
flaw=vulnerability|weakness
fix=patch/^to,will,would,could,can,is,are,was,were,be,been,being,has,have,had
computer=PC|machine
laptop=notebook
smartphone=handset
phone=handset|mobile
screen=display
price=cost|price tag
cost=price/^to,will,would,could,can,is,are,was,were,be,been,being,has,have,had
game=match|contest
season=campaign
coach=manager|trainer
player=athlete
players=athletess
quarterback=QB
win=victory/^to,will,would,could,can,is,are,was,were,be,been,being,has,have,had,not
won=secured|clinched
scored=netted|tallied
defeated=beat|overcame
victory=win|triumph
title=crown/^the,a,its,his,her,their,film,book
championship=title
fans=supporters|followers
stadium=arena|ground
election=vote|poll
elections=polls|votes
voters=electorate
candidate=contender
president=leader
minister=secretary
government=administration
officials=authorities|officers
authorities=officials
lawmakers=legislators
leaders=heads
party=faction/^is,are,was,were,be,been,being,has,have,had,birthday,a,the
opposition=rivals
military=armed forces/^a,the
troops=soldiers
soldiers=troops
pirates=raiders/^Somali,somali
ransom=payout
navy=naval force
injured=hurt|wounded
found=discovered|located
began=started|commenced
started=began|commenced/^AUX
help=aid|assistance/!to
helped=assisted|aided
expected=anticipated|projected
received=got|obtained
caused=triggered|sparked
struck=hit|rocked
hit=struck
needed=required
tried=attempted
believed=thought
believe=think
continue=carry on|keep going
continued=went on|carried on/^AUX
allow=permit
allowed=permitted
returned=came back|went back/^AUX
moved=relocated
remain=stay
remained=stayed
showed=revealed|indicated
seen=observed|spotted
saw=witnessed|observed
gave=handed|provided
used=utilized|employed/!to
using=utilizing|employing
including=such as|among them
investigating=probing|looking into
investigation=probe|inquiry
investigators=detectives|officials
detectives=investigators
attack=assault
attacks=assaults
attacked=assaulted
people=individuals|persons|residents
children=kids|youngsters
child=youngster|kid
house=residence|home
building=structure|edifice
buildings=structures
car=vehicle
cars=vehicles
vehicle=car
companies=firms|businesses
deals=agreements
agreement=deal|accord
offer=bid|proposal/~the,a,an,his,her,their,its,this,that,new
acquisition=purchase|takeover
purchase=acquisition
acquire=buy|purchase
acquired=bought|purchased
bought=purchased
workers=employees|staff
employees=workers|staff
job=position|post
jobs=positions|posts
money=funds|cash
leader=head
spokesman=spokesperson|representative
spokeswoman=spokesperson|representative
statement=announcement|release
announcement=statement
report=account
reports=accounts
reported=revealed|disclosed
confirmed=verified|acknowledged
news=reports
story=report|article
media=press
reporters=journalists
journalists=reporters
magazine=publication
newspaper=paper|daily
film=movie|picture
actor=performer
star=celebrity
games=matches|contests
team=squad|side
teams=squads|sides
beat=defeated
playoffs=postseason
champion=winner|titleholder
victims=casualties
death=passing|demise
deaths=fatalities
injuries=wounds
hospital=medical center|clinic
treatment=care|therapy
facility=center|site
center=facility
prison=jail|penitentiary
jail=prison|lockup
judge=magistrate
lawyer=attorney
attorney=lawyer
murdered=slain
killing=slaying|murder
suspect=accused
gun=firearm|weapon
guns=firearms|weapons
gunman=shooter|attacker
crash=collision|accident
accident=crash|incident
incident=episode|event
area=region|zone
region=area
city=town
country=nation
nation=country
world=globe
local=area
large=big|sizable
big=large|major
small=little|minor
former=previous|onetime
previous=prior|earlier
later=subsequently|afterwards
recent=latest
soon=shortly
shortly=soon
almost=nearly
after=following/+the,a,an,his,her,their,its,#,being,this,that
before=prior to/+the,a,an,his,her,their,its,#,being,this,that
during=throughout|in the course of
because=since|as/!of
however=nevertheless|still
but=yet
also=additionally|likewise
important=significant|crucial
powerful=strong|potent
final=last|closing
biggest=largest
largest=biggest
latest=newest|most recent
current=present
possible=potential
available=accessible|on offer
full=complete
whole=entire
total=overall
different=distinct
difficult=hard|tough
easy=simple
quick=fast|rapid
fast=quick|rapid
attempt=bid|effort
effort=attempt
problem=issue
problems=issues
issue=matter
issues=matters
decision=choice|ruling
plan=proposal|scheme/^to
plans=proposals/^to
changes=alterations|shifts
chance=opportunity
opportunity=chance
information=details
details=specifics|particulars
prices=costs
vulnerability=weakness|flaw
patch=fix|update
device=gadget
evidence=proof
witnesses=onlookers|bystanders
scene=site|location
meeting=gathering|session
ceremony=event
candidates=contenders
protesters=demonstrators
protest=demonstration
flood=deluge
rescuers=rescue workers
claimed=alleged|asserted
stated=said
insisted=maintained
noted=observed|pointed out
revealed=disclosed
admitted=acknowledged|conceded
happened=occurred|took place
occurred=happened|took place
appeared=seemed/+to
seems=appears
seemed=appeared
decided=chose|opted
planned=intended
built=constructed
build=construct
closed=shut
launched=unveiled|introduced
introduced=unveiled|launched
unveiled=introduced
includes=contains
include=contain
suffered=sustained|endured
escaped=fled
fled=escaped
amid=amidst|in the midst of
although=though|even though
until=up until
without=with no/!much,many,any,a,an,the,his,her,their,its,being,having,further,more,this,that
within=inside
near=close to
across=throughout
inside=within
toward=towards
towards=toward
upon=on
therefore=thus
thus=therefore
again=once more|once again
often=frequently
usually=typically
quite=rather
probably=likely
approximately=about|roughly
roughly=about|approximately
percent=per cent
officers=cops|lawmen
community=neighborhood
school=academy
attorneys=lawyers
lawyers=attorneys
decade=ten years
hours=hrs
minutes=mins
today=on this day
tonight=this evening
morning=early hours/^this,Tuesday,Monday,Wednesday,Thursday,Friday,Saturday,Sunday
afternoon=later in the day/^this,Tuesday,Monday,Wednesday,Thursday,Friday,Saturday,Sunday
charges=counts
sentenced=jailed/+to
sought=looked for|pursued
searching=hunting|looking
search=hunt/!for,of,engine,engines,results
""".strip()

_PHRASES: list[tuple[str, list[str]]] = [
    (r"as many as(?= \d)", ["up to", "some"]), (r"more than(?= \d)", ["over", "upwards of"]), (r"at least(?= \d)", ["no fewer than"]),
    (r"because of", ["due to", "owing to"]), (r"due to", ["because of", "owing to"]),
    (r"as well as", ["along with", "together with"]), (r"in order to", ["to", "so as to"]),
    (r"a number of", ["several", "various"]), (r"a lot of", ["plenty of", "lots of"]),
    (r"last (week|month|year)", [r"the previous \1", r"the past \1"]),
    (r"checked (him|her|them)sel(?:f|ves) into", [r"admitted \1self to", r"booked \1self into"]),
    (r"checked into", ["entered"]), (r"took place", ["happened", "occurred"]),
    (r"in the wake of", ["following", "after"]), (r"as a result of", ["because of"]),
    (r"in addition to", ["besides", "on top of"]), (r"prior to", ["before", "ahead of"]),
    (r"so far", ["to date", "until now"]), (r"at the time", ["back then", "then"]),
    (r"for the first time", ["for the very first time"]), (r"a few", ["a handful of", "some"]),
    (r"is expected to", ["is likely to", "is set to"]), (r"went to", ["headed to", "made for"]),
    (r"has been", ["was"]), (r"one of the", ["among the"]), (r"such as", ["like", "including"]),
    (r"each other", ["one another"]), (r"as soon as", ["once"]), (r"in the past", ["previously"]),
    (r"in a statement", ["in a written statement", "in a prepared statement"]),
    (r"at the scene", ["on the spot", "at the site"]), (r"as well(?=[.,])", ["too", "also"]),
    (r"in front of", ["before", "outside"]), (r"no longer", ["not anymore"]),
    (r"a couple of", ["a pair of"]), (r"as a result", ["consequently", "as a consequence"]),
    (r"in addition", ["additionally", "on top of that"]), (r"more and more", ["increasingly"]),
    (r"up to(?= \d)", ["as many as"]), (r"(is|are) going to", [r"\1 set to", "will"]),
    (r"was going to", ["would", "was about to"]), (r"(was|were) able to", ["managed to"]),
    (r"(has|have) to", [r"\1 got to", "must"]), (r"had to", ["needed to", "was obliged to"]),
    (r"need to", ["have to"]), (r"even though", ["although", "despite the fact that"]),
    (r"in spite of", ["despite"]), (r"lots of", ["plenty of"]), (r"instead of", ["rather than"]),
    (r"rather than", ["instead of"]), (r"at the same time", ["simultaneously", "meanwhile"]),
    (r"at the end of", ["at the close of"]), (r"in the middle of", ["amid", "in the midst of"]),
    (r"on top of", ["besides"]), (r"as part of", ["within", "in"]),
    (r"in connection with", ["over", "in relation to"]), (r"in charge of", ["responsible for"]),
    (r"in response to", ["responding to", "reacting to"]), (r"on behalf of", ["for"]),
    (r"with regard to", ["regarding"]), (r"at the moment", ["currently", "right now"]),
    (r"earlier this (year|month|week)", [r"earlier in the \1"]),
    (r"next (year|month|week)", [r"the coming \1"]),
    (r"the (?:following|next) day", ["a day later"]), (r"a day after", ["one day after"]),
    (r"a total of(?= \d)", ["some", "in all"]), (r"so that", ["so"]),
    (r"in (?=(?:19|20)\d\d\b|January|February|March|April|June|July|August|September|October"
     r"|November|December)", ["during "]),
    (r"on (?=Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)", [""]),
]

_KEEP_LY = set("""family only early daily weekly monthly yearly likely unlikely holy rely reply
supply apply italy july assembly ally rally belly jelly friendly lonely lovely elderly ugly deadly
costly silly bully hourly nearly poorly fly""".split())
_FUNCTION = set("""that this them they then than there their these those when where with from
have been were will would could should into onto over under about after before while which what
whom whose also just only even some many more most such very much said says""".split())
_AFTER_NOUN = r"(?=[.,;:!?]| (?:was|is|has|had|were|are|will|would|and|in|on|at|for|after|said|says)\b)"


def _swap_ok(m: re.Match) -> bool:
    x, y = m.group(2), m.group(3)
    # Never swap function words or verbs in -ed/-ing: "slipped and fell" has an order.
    return not ({x, y} & _FUNCTION) and not any(w.endswith(("ed", "ing")) for w in (x, y))


# Case-sensitive reshaping of small constructions: (regex, replacements, extra check).
_SHAPES: list[tuple[re.Pattern, list[str], Any, float]] = [
    # Appositives and non-restrictive relative clauses go: "Gigante, a hulking man ..., would"
    (re.compile(r"(?<= )([A-Z][\w.'’-]+ [A-Z][\w.'’-]+), (?:a|an|the) [^,\"“”();]{5,70}(?:,|(?=\.$))"),
     [r"\1"], None, 0.5),
    (re.compile(r"(\w), (?:who|which|whose) [^,\"“”();]{5,90}(?:,|(?=\.$))"), [r"\1"], None, 0.5),
    (re.compile(rf"\bthe ([a-z]+)['’]s ([a-z]{{4,}}){_AFTER_NOUN}"), [r"the \2 of the \1"], None, 1.0),
    (re.compile(rf"\b([A-Z][a-z]+(?: [A-Z][a-z]+)?)['’]s ([a-z]{{4,}}){_AFTER_NOUN}"),
     [r"the \2 of \1"],
     lambda m: m.group(1) not in ("It", "That", "He", "She", "There", "What", "Who", "Here",
                                  "Let", "This"), 1.0),
    (re.compile(r"\b(the|his|her|their|its|our|of|for|with|about|on|in) ([a-z]{4,}) and "
                r"([a-z]{4,})(?=[.,;]| (?:in|on|at|of|for|with|were|are|have|had)\b)"),
     [r"\1 \3 and \2"], _swap_ok, 1.0),
    # "the timing of the move by" -> "the move's timing by"
    (re.compile(r"\bthe ([a-z]{3,}) of the ([a-z]{3,})(?=[.,;]| (?:by|in|on|at|was|is|were|are|and"
                r"|for|with|to|from|had|has|will|would)\b)"), [r"the \2's \1"], None, 0.8),
    # Named coordination: "Williams and Jackson" -> "Jackson and Williams" / "... as well as ..."
    (re.compile(r"\b([A-Z][a-z]{2,}) and ([A-Z][a-z]{2,})\b(?! [A-Z])"),
     [r"\2 and \1", r"\1 as well as \2"], lambda m: m.group(1) not in _LOWERABLE, 0.8),
    # A subject the story already named: "the company was" -> "this company was"
    (re.compile(r"(?<=[a-z,] )(?<!that )the ([a-z]{4,}) (?=(?:was|is|has|had|will|would|said|says)\b)"),
     [r"this \1 ", r"that \1 "], None, 0.4),
    (re.compile(r"\bon the (?=[a-z])"), ["upon the "], None, 0.3),
    # Prepositions before place names: in Greenwich Village -> within Greenwich Village.
    (re.compile(r"\bin (?=[A-Z][a-z]+\b)(?!(?:January|February|March|April|May|June|July|August"
                r"|September|October|November|December|Monday|Tuesday|Wednesday|Thursday|Friday"
                r"|Saturday|Sunday|The|A|An|His|Her|Their|Its|This|That)\b)"),
     ["within ", "inside "], None, 0.5),
    (re.compile(r"\bat (?=[A-Z][a-z]+\b)(?!(?:The|A|An|His|Her|Their|Its|This|That)\b)"),
     ["in "], None, 0.5),
    # Honorifics dropped, as many sites do: Mr. Gigante -> Gigante.
    (re.compile(r"\b(?:Mr|Mrs|Ms|Dr)\. (?=[A-Z])"), [""], None, 0.8),
    # Most -ly adverbs can go without breaking the sentence.
    (re.compile(r"(?<=[a-z,] )([a-z]{4,}ly) (?=[a-z])"), [""],
     lambda m: m.group(1) not in _KEEP_LY, 0.6),
    # Perfect to simple past for regular verbs: has checked -> checked.
    (re.compile(r"\b(?:has|have) ([a-z]{3,}ed)\b(?! by)"), [r"\1"], None, 0.8),
    # "that" after a verb of saying or knowing is optional.
    (re.compile(r"\b(said|says|believes?|believed|think|thinks|thought|knew|know|claimed|reported"
                r"|announced|noted|added|showed|found|revealed|confirmed|stated|explained"
                r"|insisted|argued|suggested|indicated|warned) that\b"), [r"\1"], None, 0.8),
    # Intensifier before a predicative adjective: was impressive -> was truly impressive.
    (re.compile(r"\b(is|was|are|were|be|been|became|remains?|remained|seems?|seemed) "
                r"([a-z]{3,}(?:ous|ful|ive|able|ible|ic|ent|ant|al))\b"),
     [r"\1 truly \2", r"\1 rather \2", r"\1 quite \2", r"\1 particularly \2"], None, 0.6),
    # Filler adverbs where they cannot hurt the grammar: was arrested -> was later arrested.
    (re.compile(r"\b(was|were|is|are|been) ([a-z]{3,}ed)\b"),
     [r"\1 later \2", r"\1 reportedly \2", r"\1 eventually \2", r"\1 then \2"], None, 0.6),
    (re.compile(r"\b([Hh]e|[Ss]he|[Tt]hey|[Pp]olice|[A-Z][a-z]{3,}) ([a-z]{3,}ed)\b(?! by)"),
     [r"\1 reportedly \2", r"\1 then \2", r"\1 later \2", r"\1 also \2"],
     lambda m: m.group(1) not in _LOWERABLE, 0.6),
    (re.compile(r"\b(will|would|could|can|may|might|should) (?!not\b|be\b|have\b)([a-z]{3,})\b"),
     [r"\1 likely \2", r"\1 potentially \2", r"\1 also \2", r"\1 still \2"], None, 0.6),
    (re.compile(r"\b(had|has|have) ([a-z]{3,}ed)\b"),
     [r"\1 already \2", r"\1 previously \2", r"\1 since \2"], None, 0.6),
    (re.compile(r"\bto (begin|start|help|make|take|get|see|find|keep|protect|stop|avoid|reach"
                r"|ensure|prevent|support|build|improve|allow|save|meet|discuss|provide)\b"),
     [r"in order to \1", r"so as to \1"], None, 0.6),
]
# A trailing time or place phrase moves to the front: "... in December." -> "In December, ..."
_TRAILING_PP = re.compile(r"^([A-Z][^\"“”;:,]{15,}?) ((?:in|on|at|during|after|before|since|last"
                          r"|earlier|later) [^\"“”,;:]{3,40})\.$")

_DROPPABLE = set("""very really reportedly also just still already currently recently apparently
allegedly previously officially actually finally immediately quickly eventually simply clearly
certainly especially largely mostly originally initially subsequently totally completely extremely
highly truly major huge massive entire famous popular powerful serious significant strong""".split())

_CONNECTORS = ["Meanwhile, ", "Notably, ", "In addition, ", "Separately, ", "Reportedly, ",
               "As it stands, ", "It is understood that ", "Reports indicate that "]
_LOWERABLE = set("""The A An He She It They We This That These Those His Her Its Their In On At
After When While There Our One Two Three Some Many Most Police Officials Authorities""".split())

_CONTRACT = [("did not", "didn't"), ("does not", "doesn't"), ("do not", "don't"),
             ("is not", "isn't"), ("was not", "wasn't"), ("were not", "weren't"),
             ("will not", "won't"), ("cannot", "can't"), ("has not", "hasn't"),
             ("have not", "haven't"), ("are not", "aren't"), ("could not", "couldn't"),
             ("would not", "wouldn't"), ("should not", "shouldn't"), ("had not", "hadn't"),
             ("it is", "it's"), ("that is", "that's"), ("there is", "there's"),
             ("they are", "they're"), ("we are", "we're"), ("I am", "I'm"), ("he is", "he's"),
             ("she is", "she's"), ("let us", "let's"), ("I have", "I've"), ("we have", "we've"),
             ("he would", "he'd"), ("she would", "she'd"), ("they would", "they'd"),
             ("I would", "I'd"), ("we would", "we'd"), ("he will", "he'll"),
             ("she will", "she'll"), ("they will", "they'll"), ("it will", "it'll"),
             ("we will", "we'll"), ("I will", "I'll"), ("they have", "they've"),
             ("you are", "you're"), ("who is", "who's")]


@dataclass
class _Syn:
    alts: list[str]
    not_next: set[str] = field(default_factory=set)
    only_next: set[str] = field(default_factory=set)
    not_prev: set[str] = field(default_factory=set)
    only_prev: set[str] = field(default_factory=set)


_AUX = {"is", "are", "was", "were", "be", "been", "being", "has", "have", "had"}


def _parse_synonyms(spec: str) -> dict[str, list[_Syn]]:
    table: dict[str, list[_Syn]] = {}
    for line in spec.splitlines():
        if not line.strip() or line.startswith("#"):
            continue  # blank lines and section comments
        head, *cons = line.split("/")
        word, alts = head.split("=")
        syn = _Syn(alts=alts.split("|"))
        for c in cons:
            target = {"!": syn.not_next, "+": syn.only_next, "^": syn.not_prev,
                      "~": syn.only_prev}[c[0]]
            for x in c[1:].split(","):
                target.update(_AUX if x == "AUX" else {"," if x == "COMMA" else x.lower()})
        table.setdefault(word, []).append(syn)  # several lines: the first that fits is used
    return table


SYNONYMS = _parse_synonyms(_SYNONYMS)
# Words a substitution can produce: a second pass leaves them alone (no president->leader->head).
_ALT_WORDS = {w for syns in SYNONYMS.values() for syn in syns for alt in syn.alts
              for w in alt.lower().split()}
_TOKEN_RE = re.compile(r"\x01[^\x02]*\x02|\w+(?:[-'’]\w+)*|\s+|[^\w\s]")


# --------------------------------------------------------------------------------------------
# Harder spinning (reword strength above 1)
# --------------------------------------------------------------------------------------------
# Strength 1 changes every word the table above has a synonym for; the hardest spinners go
# further. Between 1 and 2 the extra share (strength - 1) drives: a second, larger table of
# general news vocabulary (verbs of saying and reporting, common verbs, nouns, adjectives and
# adverbs), more phrase rewrites (small function-word changes such as "in order to" -> "to",
# "all of the" -> "all the"), more clause reordering (a trailing subordinate clause moved to
# the front, "X said Y" <-> "Y, X said"), contractions both ways, sentence connectors and
# shorter condensed sentences. None of it touches digits, number words, month or weekday
# names, capitalised words or the one quotation a hard spin keeps verbatim (see
# make_rewrite), so name, number and date edits stay separate from the paraphrase; other
# quoted speech is reworded as the base spinner already does. Measured on ECB+ (seed 31):
# rewrites at median word 5-gram Jaccard 0.092 at strength 1, 0.061 at 1.3, 0.051 at 1.6 and
# 0.036 at 2 (5th percentile 0.018); the long tail of vocabulary no table covers, names and
# quotations keep it from going much lower. Same table syntax as above; COMMA stands for
# ","; V: and N: lines expand to the inflected forms of regular verbs and nouns.
_SYNONYMS_HARD = """
# verbs of saying and reporting
added=went on to say|further noted/+that,COMMA,.,,"
adding=going on to say|further noting/+that,COMMA
noting=observing|pointing out
remarked=commented/+that,COMMA,.
claims=contends/+that/~he,she,it
stressed=emphasized|underlined/+that,the,COMMA
emphasized=stressed|underlined
acknowledged=conceded/+that,COMMA,.
conceded=admitted/+that,COMMA,.
denied=rejected/+the,a,an,any,all,claims,allegations,reports,accusations,that,wrongdoing
responded=replied/+COMMA,.,that,by,with
replied=responded/+that,COMMA,.
testified=gave evidence/+that,COMMA,.,in,at,on,before,against,during
recalled=remembered/+that,how,seeing,COMMA
urged=called on/+the,people,residents,him,her,them,police,officials
vowed=pledged|promised/+to
promised=pledged/+to
predicted=forecast/+that,the,a
questioned=quizzed/+by,him,her,them
interviewed=questioned/+by,him,her,them
asked=inquired/+whether,if,about,why,how,what,where,who
speak=talk/+to,with,about,on,at
# common verbs
came=arrived/+at,on,home,back,here,there
went=headed/+to,into,back,home,inside,outside
go=head/+to,into,back,home,out,inside,outside
held=kept/+without,hostage,captive,prisoner
held=conducted/+a,an
led=guided|headed/+by
led=steered/+the,his,her,their,its
became=went on to become/!a,an,the,one,more,less,so,very,too,increasingly,clear,known,available,apparent,aware,evident,public
became=turned into/+a,an,the,one
become=turn into/+a,an,the
given=handed/~AUX/+a,an,#
give=offer/+a,an,more,details,information,evidence,testimony
entered=went into/+the,rehab,his,her,their,its
failed=did not manage/+to
managed=ran/+the,a,an,his,her,their,its
worked=served/+as
working=employed/+at
signed=inked|penned/+a,an,the,his,her,their,its,#
agreed=consented/+to
agree=consent/+to
reached=arrived at/+the
threatened=menaced/+the,him,her,them,a,an,his,their,police,officers
recovered=retrieved/+the,a,an,his,her,their,its,#,evidence,weapons,guns
caught=nabbed|apprehended/~AUX,get,got,getting,police,officers/!fire,on,up,in
listed=classified/+as
involved=caught up/+in
based=headquartered/+in/~AUX,company,firm
designed=built|created/+to,for,by
posted=published|put up/+on,a,an,the,his,her,their,its,online
published=printed|put out/+a,an,the,his,her,their,its,in,by,on
delivered=gave/+a,an,his,her,their
committed=carried out/+the,a,an,crimes,murders,robberies,attacks,several,multiple,numerous
carried=transported|conveyed/+the,a,an,his,her,their,its,#,to,into,away
carrying=transporting/+the,a,an,his,her,their,its,#,guns,weapons,bags
wearing=dressed in|sporting
walked=strolled/+into,out,away,off,to,up,down,back,in,through,inside,toward,towards
drove=motored|travelled/+to,from,through,into,home,back,away,off,toward,towards
fleeing=escaping/+the,from,a,an,his,her,their,police,authorities
flee=escape/+the,from,a,an,his,her,their,police,authorities
stop=halt/+the,a,an,his,her,their,its,this,that,them,him,it
stopping=halting/+the,a,an,his,her,their,its,this,that,them,him,it
leave=exit/+the,a,an,his,her,their,its,town,office
leaving=departing/+the,for,from,town,office
left=departed/+office,town,home
return=come back/+to,home,later,soon,next/^the,a,an,his,her,their,its,tax,safe
returning=coming back/+to,home,from
change=alter/~to,will,would,could,can,not,may,might,must,should
face=confront/+charges,trial,a,an,the,life,death,possible,prosecution/~to,could,would,will,may,might,now,also,must
faced=confronted/+charges,a,an,the,possible,criticism,questions
facing=confronting/+charges,a,an,the,possible,criticism,questions,life
install=set up
installed=set up
restored=brought back
offered=put forward/+a,an,the,his,her,their,its,no
offered=proposed/+to
hosted=staged|held/+the,a,an,its,his,her,their
hosting=staging/+the,a,an,its,his,her,their
treated=cared for/+at,in,by
considered=seen as/~AUX/+a,an,the,one
determined=established/+that,the,whether,how,what
determined=resolved/+to
thought=believed/+to,that
felt=believed/+that
looked=appeared/+to,tired,calm,nervous,happy,sad,upset,shaken,fine,good,bad,healthy,ill,relaxed,confident
looks=appears/+to,tired,calm,nervous,happy,sad,upset,shaken,fine,good,bad,healthy,ill,relaxed,confident,set
searched=combed|scoured/+the,a,an,his,her,their,its,through
raided=stormed
filed=lodged|submitted/+a,an,the,charges,suit,papers,documents,complaints
allegedly=reportedly|supposedly
intended=meant/+to,for
meant=intended/+to
hoping=looking/+to
aims=seeks/+to
aimed=sought/+to
kill=slay/+the,a,an,him,her,them,his,their,people,himself,herself
dying=perishing
struggled=battled/+to,with
joined=became part of/+the,a,an,his,her,their,its
# nouns
time=occasion/~first,second,third,last,this,that,every,each,next
night=evening/!club,clubs,shift,sky,vision/^at
women=females
men=males/!who
mother=mum|mom
father=dad
friend=pal|associate
friends=pals|associates
co-workers=colleagues
colleagues=co-workers
place=location|spot/~the,a,an,this,that,his,her,their,its,same,another
business=enterprise/~the,a,an,his,her,their,its,this,that
data=information
software=applications|programs
law=legislation/!enforcement,firm,firms,school,student,students,professor,officers,office,partner,clerk
door=entrance|doorway/^next
doors=entrances|doorways
street=road/~the,a,an,this,that
streets=roads
career=working life/!high,highs,best,record,year,years
performance=showing|display
situation=state of affairs
conditions=circumstances/^weather,road,medical
results=outcomes|findings
idea=notion
message=note/~the,a,an,his,her,their,this,that
book=volume/~the,a,an,his,her,their,new,this,that
headquarters=head office
property=premises/~the,his,her,their,its,this,that
guy=fellow
relationship=association
marriage=union/~the,his,her,their,a
crew=team/~the,a,an,its,his,her,their,rescue,flight
bodies=remains
raid=swoop/~the,a,an,police,dawn,early
bombing=bomb attack
militants=fighters|insurgents
civilians=non-combatants
refugees=displaced people
riots=disturbances
scandal=affair|controversy
project=venture|scheme
processor=chip
processors=chips
chips=processors
notebook=laptop
outage=disruption|blackout
hearing=session/!aid,loss,impaired
ammunition=ammo|rounds
weapons=arms
aftermath=wake/+of
emergency=crisis/!room,rooms,services,crews,workers,responders,vehicles,department,landing,medical/^of
fears=concerns
fear=worry/~the,a,of,their,his,her
# adjectives and adverbs
good=fine|decent/!morning,evening,night,news,friday,faith
hard=difficult/+to,for,time,times,task,work,question,questions,decision,decisions,choice
long=lengthy/+career,history,wait,delay,journey,list,process,investigation,battle,trial,period,road,stretch
young=youthful/+man,woman,men,women,people,player,players,team,fans,person
short=brief/!of,on,term,while,distance
critical=crucial|vital/+to,for,role,part,issue,step,time,moment
financial=monetary|fiscal
successful=effective/!in
wide=broad/+range,variety,array,support,area,areas,spread
wrong=incorrect/!with,doing
specific=particular
original=initial
historic=landmark
clearly=obviously|plainly
completely=entirely
earlier=previously/+COMMA,.,
ago=back/~year,years,month,months,week,weeks,day,days,decade,decades,hour,hours
further=additional/+details,information,action,investigation,charges,evidence,comment,delays,questions,talks,tests,damage,violence
whether=if/!or,to
via=through
real=genuine|actual/!estate,time,world,life,name,names
key=crucial|vital/+role,part,witness,witnesses,figure,issue,issues,question,questions,factor,player,players,step,evidence
lucky=fortunate
terrible=awful|dreadful
horrible=awful|dreadful
quiet=calm
calm=peaceful|composed/!down
busy=hectic
unknown=unidentified|undisclosed
unidentified=unnamed
nervous=anxious|jittery
upset=distressed/!win,victory,loss
tragic=terrible|heartbreaking
shocking=startling|stunning
emotional=tearful
brief=short
meanwhile=in the meantime
afterward=later|subsequently
afterwards=later|subsequently
instead=rather/!of
moreover=furthermore
nevertheless=nonetheless
perhaps=maybe|possibly
just=only/+#,a,an,one,two,three,four,five,six,seven,eight,nine,ten,days,hours,weeks,minutes,months
only=just/+#,a,an,one,two,three,four,five,six,seven,eight,nine,ten
really=truly
very=extremely/+important,concerned,serious,difficult,close,dangerous,popular,successful,rare,unusual,proud,happy,sad,upset,worried,good,strong
# verbs with regular inflections on both sides: V:verb=alt (a * doubles the final consonant
# before -ed/-ing: stab* -> stabbed; a multi-word alternative inflects its first word)
V:dominate=overpower|outclass
V:pause=halt
V:repackage=rebrand|repack
V:repeal=revoke|rescind/^the,a,its
V:weaken=undermine|erode
V:achieve=attain|accomplish
V:urge=press|implore/^an,the
V:defraud=swindle|cheat
V:arrange=organize
V:resign=step* down
V:demand=call for/!to,that/^the,their,his,her,its,a,an,key,main,these,those,union,our,growing
V:evacuate=clear
V:warrant=justify/~to,would,could,may,might,not,does,did
V:certify=confirm|attest
V:resolve=settle
V:approach=near/^the,a,an,this,his,her,their,new,different,same
V:suspend=halt
V:restore=reinstate
V:target=aim at/^the,a,an,their,his,her,its,military,potential,easy,soft,main,primary
V:adopt=embrace
V:appoint=name
V:complain=grumble|protest
V:reverse=overturn/^in,the
V:overturn=reverse
V:confiscate=seize
V:smash=shatter|wreck/^a
V:torch=burn/^the,a,olympic
V:loot=ransack|plunder/^the
V:spot*=notice/^the,a,on,this,that,top,hot,same,one,every,blind
V:stab*=knife/^a
V:kidnap*=abduct
V:hijack=commandeer|seize
V:prompt=spur*/^a,the
V:provoke=spark
V:enable=allow
V:avoid=dodge|sidestep
V:delay=postpone/^a,the,any,further,long,short,no,without,lengthy,brief
V:mention=note|cite/^no,a,the,any
V:cite=mention
V:comment=remark
V:declare=state
V:contact=reach out to/^in,no,close,any,into,of,eye,physical,direct,regular,constant
V:notify=alert|inform
V:alert=warn|notify/^an,the,a,high,amber,security,on,terror
V:recommend=advise
V:praise=laud|commend/^won,high,much,lavish,the,of,with,for,earned,drew,received,great
V:criticize=slam*|fault
V:criticise=slam*|fault
V:condemn=denounce
V:blame=fault/^the
V:deny=reject
V:confess=admit*
V:examine=inspect
V:inspect=examine|check
V:detect=spot*
V:travel=journey/^air,of,the,rail,international,business
V:visit=call on/^a,the,his,her,their,state,official,recent,first,brief,surprise,rare,previous,planned
V:develop=create|devise/!countries,nations,world,story
V:produce=generate
V:manufacture=produce
V:earn=garner
V:expand=broaden
V:eliminate=remove|eradicate
V:integrate=incorporate
V:combine=merge
V:merge=combine
V:compete=contend
V:march=parade
V:celebrate=mark
V:mourn=grieve
V:bury=inter*
V:transport=ferry/^public,the,of,air,rail
V:deploy=dispatch
V:guard=protect/^a,the,security,national,prison,his,her,their,coast,border,armed,old,honor,honour,point,shooting
V:defend=protect
V:negotiate=broker
V:propose=suggest
V:request=ask for/^a,the,his,her,their,its,this,that,any,no,formal,written
V:chase=pursue/^the,a,car,police,high-speed
V:monitor=observe/^a,the,heart,baby
V:recognize=acknowledge
V:recognise=acknowledge
V:realize=grasp
V:realise=grasp
V:consider=weigh/!a,an,one,it,him,her,them,himself,herself,themselves
V:assume=presume/!office,control,responsibility,the,command,power,his,her,their,a,an,leadership
V:oppose=resist
V:challenge=contest/^a,the,legal,new,big,biggest,major,serious,his,her,their,real,tough
V:dispute=contest/^a,the,legal,labor,labour,long-running,bitter,border,pay,contract,territorial
V:debate=discuss/^the,a,heated,public,political,long,presidential,national
V:solve=resolve
V:obtain=acquire
V:supply=provide/^water,food,power,the,a,short,gas,oil,blood,medical,energy,electricity,fuel,drug,weapons
V:quote=cite/^a,the
V:perform=carry out
V:collapse=crumble/^the,a,its,economic,financial,total,sudden,near,partial,building
V:rock=jolt/!and,music,band,star,stars,bands,singer,n,roll,solid,bottom,climbing
V:pledge=vow
V:encourage=urge
V:highlight=underline/^the,game,video,season,career
V:hint=suggest/^a,no,any,the,slightest,strong
V:imply=suggest
V:jump=leap
V:rush=hurry
V:race=dash/^the,a,presidential,horse,his,her,their,senate,mayoral,close,tight,arms,space,human,rat,relay
V:block=obstruct/^a,the,city,#,one,two,three,four,five,several,cell,building,apartment,shot,shots,stumbling
V:resume=restart
V:restart=resume
V:study=examine/^a,the,new,recent,case,further,latest,another,one
V:check=verify/!into,in,out,on,up,for/^a,the,background,security,rain,spot,reality,fact,credit
V:reflect=mirror
V:signal=indicate/^a,the,clear,strong,warning,distress,traffic,radio,wireless
V:portray=depict
V:characterize=describe
V:waste=squander/^the,a,toxic,nuclear,food,human,of,hazardous,industrial,radioactive
V:fund=finance/^a,the,pension,hedge,investment,mutual,relief,trust,monetary,rescue,bailout,slush,emergency,campaign
V:promote=elevate
V:assign=task
V:award=grant/^the,an,a,academy,top,his,her,their,lifetime,special,achievement,emmy,music,film,annual,prestigious
V:welcome=greet/^a,warm,AUX,you,more,very,most,always
V:love=adore/^in,the,his,her,their,of,true,first,my,your,our,with,a,puppy,lost,secret
V:hate=loathe/^a,of,the,racial,religious
V:enjoy=relish
V:admire=respect
V:allege=claim
V:organize=arrange
V:organise=arrange
V:conduct=carry out/^the,his,her,their,disorderly,criminal,sexual,professional,its,of,good,bad,code
V:shift=move/^a,the,night,day,early,late,his,her,their,major,policy,dramatic,sudden,seismic
V:transfer*=move/^a,the,his,her,their,money,wire,power,bank
V:demonstrate=show
V:emerge=surface
V:accelerate=speed up
V:vanish=disappear
V:disappear=vanish
V:collect=gather
V:gather=collect
V:retrieve=recover
V:assess=evaluate
V:evaluate=assess
V:predict=forecast
V:specialize=focus
V:stress=emphasize/^the,of,under,post-traumatic,emotional,financial,mental,a,high,less,more,traumatic,physical,caused
V:finalize=complete
V:tackle=address/^a,the,his,her,their,left,right,defensive,offensive,hard,late
V:worsen=deteriorate
V:recruit=enlist/^a,the,new,army
V:interrupt=disrupt
V:disrupt=interrupt
V:possess=own
V:obey=follow
V:generate=produce
V:pursue=chase
V:unite=unify
V:wreck=destroy/^the,a,train,car,plane,ship
V:boost=lift/^a,the,big,major,huge,welcome,significant
V:halt=stop*
# other verb forms (irregular on one side)
exploded=blew up|detonated
explode=blow up|detonate
explodes=blows up|detonates
exploding=blowing up|detonating
stole=swiped|pinched
stolen=swiped|pinched/~AUX,been,were
stealing=swiping|pinching
steal=swipe|pinch/~to,would,could,can,not,will,did,didn't
surrendered=gave up/+to
surrender=give up/~to,will,would,not
handled=dealt with/!by
handle=deal with/~to,will,would,could,can,not,cannot
handling=dealing with/!of,by
handles=deals with
attended=went to|was at/!by,to
attending=going to|at
attend=go to/~to,will,would,could,can,not,cannot
prepared=got ready/+to,for
preparing=getting ready/+to,for
prepare=get ready/+to,for
married=wed/~AUX,been,got,get,getting,was,were,and,who
cancelled=called off
canceled=called off
cancel=call off/~to,will,would,could,can,not
cancelling=calling off
canceling=calling off
battled=fought
battling=fighting
battle=fight|struggle
battles=fights|struggles
proved=demonstrated/!to
prove=demonstrate/!to
recovering=recuperating/+from
increase=rise/~an,the,a,sharp,big,slight,large,significant,huge,dramatic,steep,small,any
increases=rises/~the,sharp,big,large,price,tax,significant,annual
robberies=heists|hold-ups
robbery=heist|hold-up
burglary=break-in
burglaries=break-ins
break-in=burglary
# nouns with regular plurals on both sides: N:noun=alt (a multi-word alternative
# pluralises its last word)
N:thief=robber
N:robber=thief
N:inmate=prisoner
N:prisoner=inmate
N:juror=jury member
N:verdict=ruling|decision
N:criminal=offender/~a,the,convicted,career,dangerous,violent,known,hardened,petty
N:courthouse=court building
N:homicide=killing
N:kidnapping=abduction
N:cop=officer
N:researcher=scientist|academic
N:teacher=educator
N:girlfriend=partner
N:boyfriend=partner
N:spectator=onlooker
N:musician=performer
N:writer=author
N:author=writer
N:publicist=spokesperson
N:chairman=chair|head
N:founder=creator
N:owner=proprietor
N:committee=panel
N:clash=confrontation
N:tragedy=catastrophe|calamity
N:temblor=quake|tremor
N:hostage=captive
N:truck=lorry
N:restaurant=eatery
N:factory=plant
N:consequence=repercussion
N:opinion=view
N:mistake=error
N:error=mistake
N:trip=journey
N:departure=exit
N:method=approach|technique
N:technique=method
N:tool=instrument
N:type=kind
N:episode=installment
N:prize=award
N:tournament=competition
N:era=period
N:task=job|assignment
N:vendor=supplier|seller
N:supplier=provider|vendor
N:provider=supplier
N:corporation=company
N:percentage=proportion|share
N:salary=wage
N:fee=charge
N:speech=address
N:letter=note/!of
N:sequel=follow-up
N:warship=naval vessel
N:rookie=newcomer
N:discussion=conversation
N:celebration=festivity
N:gunshot=shot
N:rampage=spree
N:crossing=intersection
N:intersection=junction
N:pedestrian=passer-by
N:claim=assertion/~a,the,his,her,their,its,this,that,these,false,such
N:attacker=assailant
N:assailant=attacker
N:motorist=driver
N:passenger=traveller
N:resident=inhabitant
N:citizen=resident
N:worry=concern
N:goal=aim/~the,his,her,their,its,our,main,primary,ultimate,stated,long-term
N:objective=aim|goal
N:target=goal/~the,a,an,their,his,her,its,main,primary,easy,soft,potential,military
N:benefit=advantage
N:advantage=benefit
N:drawback=downside
N:scheme=plan
N:strategy=approach
N:tactic=ploy
N:estimate=projection
N:forecast=prediction
N:survey=poll
N:poll=survey
N:sector=industry
N:executive=boss/~the,an,top,senior,company,chief
N:shareholder=stockholder
N:investor=backer
N:loan=credit
N:lawsuit=legal action|suit
N:allegation=accusation|claim
N:accusation=allegation
N:raid=swoop
N:rescue=recovery/~the,a,an,sea,mountain,dramatic
N:casualty=victim
N:fatality=death
N:tremor=quake
N:neighbourhood=neighborhood
N:neighbour=neighbor
N:centre=center
N:metre=meter
N:kilometre=kilometer
N:kilometer=kilometre
N:theatre=theater
N:theater=theatre
N:colour=color
N:favourite=favorite
N:favorite=favourite
N:behaviour=behavior
N:behavior=behaviour
N:rumour=rumor
N:rumor=rumour
N:programme=program
# more single words
defence=defense
offence=offense
licence=license
favour=favor
honour=honor
labour=labor
neighbouring=neighboring
neighboring=neighbouring
organised=organized
organized=organised
recognised=recognized
recognized=recognised
jewellery=jewelry
jewelry=jewellery
travelled=traveled
traveled=travelled
travelling=traveling
traveling=travelling
grey=gray
gray=grey
analyse=analyze
analyze=analyse
program=programme/!director,directors,manager
courtroom=court
testimony=evidence
conviction=guilty verdict
convictions=guilty verdicts
fraud=deception
jurors=jury members
cops=officers
punishment=penalty
footage=video
progress=headway
growth=expansion
feeling=sentiment
excitement=enthusiasm
joy=delight
grief=sorrow
criticism=censure|flak
electricity=power
medicine=medication
habitat=natural environment
relatives=family members
trial=court case/~the,a,his,her,their
sentence=term/~life,prison,jail,maximum,his,her,their,the,a,minimum,lengthy,long
strike=walkout/~general,a,the,national,nationwide,one-day,24-hour,48-hour
worth=valued at/+#,$,an,about,around,more,up,nearly,almost,some,over,roughly
served=acted/+as
serving=acting/+as
brought=filed/+charges
took=assumed/+office,control,power,responsibility,charge,command
points=pts/~#
yards=yds/~#
rebounds=boards/~#
touchdown=TD/~a,the,#,first,second,third,fourth
touchdowns=TDs/~#,two,three,four,five
host=presenter/~the,a,as,show,oscar,oscars,new,awards,ceremony,emmy,emmys,former,talk
host=present/~to,will,would,could,can,not
administration=government/~the,an,his,her,their,this,that,current,previous,new,federal
assistant=aide/~an,the,his,her,their,personal,former
seasons=campaigns
playoff=postseason
chief=head/~the,his,her,their,its,police,fire
fighting=combat/~heavy,the,fierce,intense,sporadic,street,renewed
planning=intending/+to
parliament=legislature/~the,a,its,their
always=at all times
repair=fix/~to,will,would,could,can,not
chip=processor
veteran=seasoned|experienced/~a,an,the,two,three,#,many,several,other,longtime,hollywood,nfl,league
# adjectives
dramatic=striking|spectacular
constant=continual|persistent
continuing=ongoing
ongoing=continuing
tactical=strategic
extensive=wide-ranging|broad
tumultuous=turbulent|stormy
endearing=charming|lovable
horribly=terribly
landmark=historic
positive=favourable/^tested,test,HIV,hiv
negative=unfavourable/^tested,test,HIV,hiv
aggressive=forceful|assertive
solid=strong|sound
dynamic=energetic|vibrant
innovative=inventive|groundbreaking
impressive=remarkable|striking
remarkable=striking|notable
notable=noteworthy
unprecedented=unparalleled|unheard-of
controversial=contentious|divisive
mysterious=puzzling|enigmatic
bizarre=weird|odd
weird=strange|odd
frequent=regular|repeated
typical=usual|standard
usual=customary
notorious=infamous
infamous=notorious
iconic=emblematic|legendary
legendary=fabled|storied
traditional=conventional|customary
conventional=traditional|standard
modern=contemporary
slow=sluggish/!down
sudden=abrupt|unexpected
immediate=instant|prompt
urgent=pressing
stable=steady
peaceful=calm|nonviolent
brazen=audacious|bold
bold=daring
brave=courageous
courageous=brave
afraid=scared|fearful
scared=frightened
frightened=scared
glad=happy|pleased
grateful=thankful
thankful=grateful
disappointed=dismayed
disappointing=underwhelming
confused=puzzled|baffled
tired=weary|exhausted
sick=ill
healthy=fit
elderly=older|aged
giant=huge|colossal
thin=slim
empty=vacant
vacant=empty
valuable=precious
luxury=upscale|high-end
upmarket=upscale
high-end=upscale
illegal=unlawful|illicit
responsible=accountable/+for
obvious=evident|plain
apparent=evident
false=untrue
fake=bogus|phony
correct=accurate|right
accurate=correct|precise
excellent=superb|outstanding
outstanding=excellent/!warrant,warrants,debt,debts,loans,balance,issues,bills,payments,fines
perfect=flawless|ideal
awful=dreadful
nice=pleasant|lovely
beautiful=gorgeous|lovely
funny=humorous|amusing
interesting=intriguing
intriguing=fascinating
boring=dull
essential=vital|crucial
multiple=numerous
foreign=overseas/!minister,ministry,secretary,office,affairs,policy,ministers,relations,exchange
technical=technological
# adverbs and small words
partly=partially
partially=partly
publicly=openly
privately=in private
openly=publicly
secretly=covertly|in secret
obviously=clearly|evidently
unfortunately=sadly|regrettably
fortunately=luckily|thankfully
luckily=fortunately
sadly=regrettably
surprisingly=unexpectedly
badly=severely/+injured,damaged,hurt,wounded,burned,beaten,burnt
severely=seriously/+injured,damaged,hurt,wounded,burned,beaten,burnt,restricted,limited
critically=gravely/+injured,wounded,hurt,ill
fatally=mortally/+wounded,injured
easily=readily|with ease
successfully=effectively
repeatedly=time and again
frequently=often
regularly=routinely
generally=broadly|by and large
widely=broadly
strongly=firmly
increasingly=progressively
newly=recently
relatively=comparatively|fairly
slightly=marginally|somewhat
greatly=considerably|hugely
significantly=considerably|markedly
dramatically=sharply|markedly
sharply=markedly
nationwide=across the country
worldwide=globally
overseas=abroad
abroad=overseas
elsewhere=in other places
anyway=in any case|anyhow
furthermore=moreover|what is more
indeed=in fact
maybe=perhaps
absolutely=totally|completely
alongside=along with
regarding=concerning
concerning=regarding
forward=ahead/~go,going,move,moving,moved,went,step,stepped,push,pushed,press,pressing,came,come,coming
get=obtain/+a,an,the,more,some,any,his,her,their,its
too=as well/+.,COMMA
times=occasions/~#,several,many,three,two,four,five,multiple,numerous,countless
got=received/+a,an,the,his,her,their,its,#,more,some
staying=remaining
seem=appear
watching=viewing|observing
deliver=provide
answered=responded to/+the,a,an,questions,his,her,their
housed=lodged
replaced=superseded/+by
starting=beginning/!point,lineup,pitcher,quarterback,five,line,blocks
handed=gave/+a,an,the,him,her,them,his,their
variety=range
V:maintain=sustain/!that,his,her,their,its
V:concoct=devise
access=entry/+to
bit=little/~a
revolver=handgun|pistol
configuration=setup
coverup=cover-up
caliber=calibre
corporate=business
senior=high-ranking/+official,officials,officer,officers,executive,executives,manager,managers,member,members,adviser,advisers,advisor,advisors,aide,aides,leader,leaders
strategist=tactician|planner
assessment=evaluation
partying=carousing|revelling
habits=routines
authorization=permission|approval
trawler=fishing boat
rerouted=diverted
scriptural=biblical
ballots=votes
sore=aching|painful
makeover=overhaul|revamp
articles=stories|pieces
enhanced=improved
helps=aids|assists
exceptional=outstanding|extraordinary
lifestyle=way of life
spans=covers
hierarchy=chain of command
municipal=city
siphoning=diverting|draining
# a second batch: the long tail of news vocabulary
round=frame/~sixth,seventh,first,second,third,fourth,fifth,eighth,ninth,tenth,eleventh,twelfth,next,final,opening,last,each,every
needs=requirements/~the,his,her,their,its,our,special,basic
combination=mix|blend
opening=launch/~the,grand,official
transaction=deal
temporary=provisional|interim
straight=consecutive/~third,second,fourth,fifth,sixth,seventh,eighth,ninth,tenth,two,three,four,five,six
suffering=anguish/!from
ready=prepared
section=segment
identifying=naming|pinpointing
sustained=suffered/+injuries,injury,damage,wounds,a,minor,serious,severe,head,burns
N:punch=blow/~a,the,clean,single,hard,big,knockout,one,two,his,her
blows=punches|strikes
slugger=hitter|batter
signs=indications/~the,no,any,early,clear,first,some,few
tourists=visitors|holidaymakers
broader=wider
complaints=grievances
corruption=graft
nepotism=favoritism|cronyism
failing=neglecting/+to
testify=give evidence
bonfires=fires
reasons=grounds
solidity=firmness
knowledge=awareness
V:conspire=plot*
revel=delight
N:comedian=comic
folks=people
statuettes=trophies
rivals=competitors
V:punish=penalize
legalized=legalised
legalised=legalized
factor=element
verifying=confirming
relations=ties
sanctions=penalties
progressing=advancing
principles=values
ethical=moral
beating=thrashing
survived=lived through/+the,a,an,his,her,their
experienced=seasoned/~an,a,the,more,most,very,highly
N:student=pupil
trouble=difficulty/~in,the,any,no,some,of
commitment=dedication|pledge
separate=distinct/~a,the,two,three,in,on
ports=harbours
protections=safeguards
built-in=integrated
drunk=intoxicated/~a,the,was,were,is,are,got,while,driving
production=output
austerity=belt-tightening
bailout=rescue
resulting=stemming/+from
affecting=impacting
affects=impacts
imperiled=endangered|threatened
handgun=pistol
handguns=pistols
screaming=shrieking|yelling
sect=cult
speculation=conjecture
marriages=unions
challenger=contender
coverage=reporting
reform=overhaul/~the,a,an,of,political,economic,tax,health,immigration,education,pension,labour,labor,welfare,electoral,major,sweeping
N:solution=answer|fix
telecast=broadcast
legitimate=legal|lawful
rioting=unrest
earthquakes=quakes|tremors
N:merger=tie-up
appreciate=value
advice=guidance
violations=breaches
murders=killings
lack=absence/~a,the
interim=temporary|acting
statements=announcements
N:reputation=standing
devastated=shattered|crushed
possibility=prospect
streak=run
struggling=battling/+to,with
shaken=rattled
efficient=effective
unique=distinctive
provides=offers
panic=alarm
crazy=mad|wild
mandatory=compulsory|obligatory
N:baby=infant
surrounded=encircled
N:component=part
willing=prepared|ready/+to
N:phase=stage
stories=reports
roster=lineup|squad
lineup=roster
transition=changeover|shift
deficit=shortfall
properties=premises
vulnerable=exposed|at risk
existing=current
appropriate=suitable|fitting
founded=established
undeserved=unmerited
connections=links
sidewalk=pavement
longtime=long-standing
blow=punch/~a,the,hard,heavy,big,major,fatal,serious,final,crushing,body
N:winner=victor
preliminary=initial|early
murdering=killing
arguing=contending
religion=faith
cache=stash|haul
nickname=moniker
N:accomplice=accessory
actors=performers
freedom=liberty
setback=blow
clothes=clothing
victories=wins|triumphs
meetings=gatherings
retain=keep/+the,his,her,their,its
V:undermine=weaken
rubble=debris
autopsy=post-mortem
participants=attendees
negligent=careless
document=paper
large-scale=wide-scale
followers=supporters|adherents
spotlight=limelight
noise=din
tradition=custom
talented=gifted
killings=slayings|murders
bombings=bomb attacks
peacefully=calmly
transform=change|overhaul
rarely=seldom
incredibly=remarkably
erupted=broke out
garbage=rubbish|trash
organizations=organisations
argument=quarrel/~an,the,heated
tensions=strains|friction
territory=area/~the,its,their,his,her,our,disputed,enemy,new,occupied,palestinian
N:sanction=penalty
# sports, tech, disasters, courts: words every ECB+ topic has
N:opponent=rival|adversary
N:teammate=team-mate|colleague
N:referee=official|umpire
N:spectator=onlooker
N:knockout=KO
N:inning=frame
N:quarterback=QB
N:rookie=newcomer
N:coach=trainer/~the,a,his,her,their,head,assistant,former,new
N:stadium=arena
N:arena=stadium
N:contest=competition
N:title=crown/~the,heavyweight,world,his,her,their,its,national,league,division
N:championship=title
N:fixture=match
N:goalkeeper=keeper|goalie
N:striker=forward
N:midfielder=midfield player
N:laptop=notebook
N:smartphone=handset
N:handset=phone
N:retailer=seller|store
N:manufacturer=maker
N:maker=manufacturer
N:rival=competitor
N:partnership=alliance
N:alliance=partnership
N:launch=introduction/~the,its,a,official
N:specification=spec
N:performance=output/~the,graphics,processor,battery,chip,system
N:processor=chip
N:storage=capacity/~the,more,extra,additional
N:upgrade=update
N:feature=function/~the,a,new,key,main
N:aftershock=tremor
N:epicentre=centre
N:epicenter=center
N:evacuation=clear-out
N:shelter=refuge
N:rescuer=rescue worker
N:damage=destruction/~the,extensive,widespread,severe,serious,major,minor,structural,significant,heavy
N:magnitude=strength
N:prosecutor=prosecuting attorney
N:attorney=lawyer
N:sentence=term/~life,prison,jail,maximum,his,her,their,the,a,minimum,lengthy,long,five-year,ten-year
N:jail=prison
N:charge=count/~the,a,one,two,three,four,five,six,seven,eight,nine,ten,several,multiple,misdemeanor,felony,murder
N:plea=petition/~a,the,his,her,their,guilty,no
N:motive=reason
N:accusation=allegation
N:custody=detention
N:warrant=writ/~a,the,an,arrest,search,outstanding
N:robber=thief
N:burglar=intruder
N:intruder=burglar
N:heist=robbery
N:gem=jewel
N:jewel=gem
N:necklace=chain
N:diamond=gem/~a,the,stolen,rare,huge,large,pink,blue,yellow
N:pirate=raider
N:hijacker=captor
N:frigate=warship
N:destroyer=warship
N:sailor=seaman
N:rioter=troublemaker
N:protester=demonstrator
N:demonstrator=protester
N:policeman=officer
N:shooting=shooting incident/~the,a,fatal,deadly,police
N:funeral=burial|memorial service
N:vigil=memorial
N:memorial=tribute
N:tribute=homage
N:nominee=candidate
N:nomination=nod
N:ceremony=event
N:award=honour
N:comedian=comic
N:audience=crowd
N:sketch=skit
N:joke=gag
N:rehab=rehabilitation
N:addiction=dependency
N:overdose=OD
N:celebrity=star
N:publicist=spokesperson
N:lawsuit=suit
N:merger=tie-up
N:deal=pact
N:bid=offer
N:stake=holding
N:shareholder=investor
N:analyst=expert
N:forecast=prediction
N:quarter=three-month period/~the,first,second,third,fourth,last,fiscal,previous,same,current
N:estimate=projection
N:decline=drop/~a,the,sharp,steep,slight,steady,further
N:drop=decline/~a,the,sharp,steep,slight,further
N:surge=spike
N:spike=surge
N:slump=downturn
N:downturn=slump
N:recession=slump
N:crisis=emergency
N:protest=demonstration
N:strike=walkout/~general,a,the,national,nationwide,one-day,24-hour,48-hour
N:legislation=law
N:lawmaker=legislator
N:election=vote
N:candidate=contender
N:campaign=drive/~the,a,his,her,their,election,presidential,re-election,advertising,fundraising,marketing
N:policy=strategy
N:reform=overhaul
N:minister=secretary
N:ambassador=envoy
N:envoy=ambassador
N:diplomat=envoy
N:summit=meeting
N:treaty=accord
N:ceasefire=truce
N:truce=ceasefire
N:rebel=insurgent
N:insurgent=rebel
N:militant=fighter
N:refugee=displaced person
N:convoy=column
N:checkpoint=roadblock
N:airstrike=air raid
N:missile=rocket
N:rocket=missile
# verbs of the same topics
V:pummel*=pound
V:batter=pound/^the,a,each,every,opposing,left-handed,right-handed,first,next
V:outpoint=outscore
V:retain=keep
V:defend=protect
V:clinch=secure
V:upgrade=update
V:unveil=introduce
V:announce=declare
V:crack=fracture/!down,up,open,cocaine/^a,the
V:topple=knock over
V:flatten=level*
V:shatter=smash
V:evacuate=clear
V:rescue=save/^the,a,an,sea,mountain,dramatic,daring/!workers,teams,team,crews,operations,efforts,effort,operation,mission,boat,boats,helicopter,helicopters,package,plan,services,worker
V:shelter=house/^a,the,temporary,emergency,animal,homeless,makeshift
V:indict=charge
V:arraign=charge
V:testify=give evidence
V:accuse=charge
V:acquit*=clear
V:overrule=overturn
V:appeal=challenge/^an,the,his,her,their,of,broad,wide,public,popular,mass,emotional,direct,urgent/!to,for
V:burgle=rob*
V:smuggle=sneak
V:clash=collide
V:storm=raid/^the,a,winter,tropical,severe,heavy,snow,ice,dust,major,big,political,perfect
V:besiege=surround
V:hijack=seize
V:nominate=shortlist
V:host=present/^the,a,an,oscar,oscars,new,former,talk,show,his,her,their,as,emmy,awards,ceremony
V:perform=carry out
V:joke=quip
V:tease=mock
V:campaign=canvass/^the,a,his,her,their,election,presidential,re-election,advertising,fundraising,marketing
V:govern=rule
V:negotiate=broker
V:protest=demonstrate/^the,a,in,of,peaceful,mass,student,anti-government,street,silent
V:march=parade
policemen=officers
robbed=held up
rob=hold up/~to,would,could,will,not
robbing=holding up
knocked=struck/!out,on,off,over,back,down,into,unconscious
knocking=striking/!out,on,off,over,back,down,into
""".strip()


def _inflect_verb(v: str) -> tuple[str, str, str, str]:
    """Base, -s, -ed and -ing forms of a regular verb; a trailing * doubles the consonant."""
    double = v.endswith("*")
    v = v.rstrip("*")
    cons_y = len(v) > 1 and v[-1] == "y" and v[-2] not in "aeiou"
    s = v + "es" if v.endswith(("s", "x", "z", "ch", "sh")) else v[:-1] + "ies" if cons_y \
        else v + "s"
    if double:
        ed, ing = v + v[-1] + "ed", v + v[-1] + "ing"
    else:
        ed = v + "d" if v.endswith("e") else v[:-1] + "ied" if cons_y else v + "ed"
        ing = v[:-2] + "ying" if v.endswith("ie") else \
            v[:-1] + "ing" if v.endswith("e") and not v.endswith(("ee", "ye", "oe")) else v + "ing"
    return v, s, ed, ing


def _plural(n: str) -> str:
    if n.endswith(("s", "x", "z", "ch", "sh")):
        return n + "es"
    if len(n) > 1 and n[-1] == "y" and n[-2] not in "aeiou":
        return n[:-1] + "ies"
    return n + "s"


def _expand_forms(spec: str) -> str:
    """Table lines V:verb=alt|alt/... and N:noun=alt/... -> one line per inflected form.

    A verb gives its base, -s, -ed and -ing forms (alternatives inflect their first word);
    a noun its singular and plural (alternatives pluralise their last word).
    """
    out = []
    for line in spec.splitlines():
        if not line.startswith(("V:", "N:")):
            out.append(line)
            continue
        head, *cons = line[2:].split("/")
        word, alts = head.split("=")
        rest = "".join("/" + c for c in cons)
        if line[0] == "V":
            forms = [_inflect_verb(word)]
            for alt in alts.split("|"):
                first, _, tail = alt.partition(" ")
                forms.append(tuple(f + (" " + tail if tail else "") for f in _inflect_verb(first)))
            for k in range(4):
                out.append(f"{forms[0][k]}={'|'.join(f[k] for f in forms[1:])}{rest}")
        else:
            plurals = []
            for alt in alts.split("|"):
                head_words, _, last = alt.rpartition(" ")
                plurals.append((head_words + " " if head_words else "") + _plural(last))
            out.append(f"{word}={alts}{rest}")
            out.append(f"{_plural(word)}={'|'.join(plurals)}{rest}")
    return "\n".join(out)

# Phrases only the hard spinner rewrites (case-insensitive, whole words).
_SPAN_AHEAD = (r"(?:\d|few|several|two|three|four|five|six|seven|eight|nine|ten|year|month|week"
               r"|decade|day|hour)")
_PHRASES_HARD: list[tuple[str, list[str]]] = [
    (r"according to", ["as per", "as stated by"]), (r"years old", ["years of age"]),
    (r"pointed out", ["noted", "observed"]), (r"turned into", ["became"]),
    (r"turned (?:him|her|them)sel(?:f|ves) in", ["surrendered"]),
    (r"the number of", ["the count of", "the tally of"]),
    (r"in the future", ["down the road", "going forward"]), (r"in fact", ["in reality", "indeed"]),
    (r"a lot", ["a great deal"]), (r"for example", ["for instance"]),
    (r"for instance", ["for example"]), (r"took part in", ["participated in"]),
    (r"take part in", ["participate in"]), (r"taking part in", ["participating in"]),
    (r"found out", ["discovered", "learned"]), (r"find out", ["discover", "learn"]),
    (r"carried out", ["conducted", "performed"]), (r"carry out", ["conduct", "perform"]),
    (r"looked into", ["examined"]), (r"look into", ["examine"]),
    (r"made up of", ["composed of"]), (r"in an effort to", ["in a bid to", "trying to"]),
    (r"a series of", ["a string of", "a succession of"]), (r"at this point", ["at this stage"]),
    (r"right now", ["at present"]), (r"is believed to", ["is thought to"]),
    (r"are believed to", ["are thought to"]), (r"in the area", ["in the vicinity"]),
    (r"the rest of", ["the remainder of"]), (r"most of", ["the majority of", "the bulk of"]),
    (r"all of the", ["all the"]), (r"all of his", ["all his"]), (r"all of her", ["all her"]),
    (r"all of their", ["all their"]), (r"next to", ["beside"]), (r"in order for", ["for"]),
    (r"as long as", ["provided that"]), (r"as if", ["as though"]), (r"as though", ["as if"]),
    (r"a member of", ["part of"]), (r"the start of", ["the beginning of"]),
    (r"the beginning of", ["the start of"]), (r"a news conference", ["a press conference"]),
    (r"a press conference", ["a news briefing", "a media briefing"]),
    (r"life in prison", ["a life term", "life behind bars"]), (r"behind bars", ["in jail"]),
    (r"death penalty", ["capital punishment"]), (r"each year", ["every year", "annually"]),
    (r"every year", ["each year", "annually"]), (r"in recent years", ["lately"]),
    (rf"over the past(?= {_SPAN_AHEAD})", ["in the last", "during the past"]),
    (rf"in the last(?= {_SPAN_AHEAD})", ["over the past", "during the last"]),
    (r"the police", ["police"]), (r"sort of", ["kind of"]), (r"kind of", ["sort of"]),
    (r"in the meantime", ["meanwhile"]), (r"at first", ["initially"]),
    (r"set to", ["poised to"]), (r"be able to", ["manage to"]),
    (r"in response", ["in reply"]), (r"the latest", ["the newest", "the most recent"]),
    (r"at the time of", ["at the moment of"]), (r"in the case of", ["in the matter of"]),
    (r"with the help of", ["with help from", "aided by"]),
    (r"(?<=\w) as well as", [" and"]),
    (r"(?<=\w) said that", [" said"]), (r"(?<=\w) says that", [" says"]),
    (r"despite the fact that", ["although"]), (r"because of the fact that", ["because"]),
    (r"the fact that", ["that"]), (r"at this time", ["currently"]),
    (r"on the other hand", ["conversely"]), (r"a great deal of", ["much"]),
    (r"is able to", ["can"]), (r"are able to", ["can"]), (r"was unable to", ["could not"]),
    (r"were unable to", ["could not"]), (r"is unable to", ["cannot"]),
    (r"when it comes to", ["regarding", "as for"]), (r"supposed to", ["meant to", "expected to"]),
    (r"going forward", ["from now on"]), (r"broke out", ["erupted"]),
    (r"pulled out of", ["withdrew from"]), (r"leading to", ["resulting in"]),
    (r"of course", ["naturally", "obviously"]), (r"shot and killed", ["gunned down"]),
    (r"shot dead", ["gunned down"]), (r"(was|were) shot\b", [r"\1 struck by gunfire"]),
    (r"at least", ["at minimum"]),
]
# A trailing subordinate clause moves to the front: "X was arrested after he fled." ->
# "After he fled, x was arrested."
_TRAIL_SUB = re.compile(r"^([A-Z][^\"“”;:]{15,}?),? (because|when|after|before|while|although"
                        r"|though|since|until|once|as soon as|even though) "
                        r"([^\"“”;:,]{8,90})([.!?])$")

SYNONYMS_HARD = _parse_synonyms(_expand_forms(_SYNONYMS_HARD))
# Words that never continue a name: at strength above 1 they are reworded even right after a
# capitalised word ("Jackman held", "LaRue became"; but "Genovese family" stays).
_AFTER_NAME_OK = {f for line in _SYNONYMS_HARD.splitlines() if line.startswith("V:")
                  for f in _inflect_verb(line[2:].split("=")[0])} | {
    k for k in (*SYNONYMS, *SYNONYMS_HARD) if k.endswith("ed")} | set(
    "also just until when during following could should would might may after before became "
    "becomes held dies died went goes however earlier later".split())
# Words any substitution or a reporting-verb swap can produce: a second pass at strength
# above 1 leaves them alone (no said -> stated -> said, no added -> further noted -> ...).
_HARD_ALT_WORDS = _ALT_WORDS | {w for syns in SYNONYMS_HARD.values() for syn in syns
                                for alt in syn.alts for w in alt.lower().split()} | {
    "stated", "noted", "explained", "remarked", "told", "added", "informed", "states", "notes",
    "explains", "tells"}


def _match_case(src: str, new: str) -> str:
    if src[:1].isupper() and new:
        return new[0].upper() + new[1:]
    return new


def _fix_article(tokens: list[str], i: int) -> None:
    """Make the a/an before token i agree with it after a substitution or a drop."""
    j = i - 1
    while j >= 0 and tokens[j].isspace():
        j -= 1
    if j < 0 or tokens[j].lower() not in ("a", "an") or i >= len(tokens):
        return
    word = tokens[i].lstrip("\x01").lower()
    an = word[:1] in ("a", "e", "i", "o") or word[:1] == "u" and \
        not word.startswith(("uni", "use", "usu"))
    tokens[j] = _match_case(tokens[j], "an" if an else "a")


def _next_word(tokens: list[str], i: int) -> str:
    for t in tokens[i + 1:]:
        if not t.isspace():
            return t
    return ""


def _prev_index(tokens: list[str], i: int) -> int:
    j = i - 1
    while j >= 0 and tokens[j].isspace():
        j -= 1
    return j


def _reporting(word: str, nxt: str, rng: random.Random) -> str | None:
    """Swap a reporting verb, unless the next word makes it a different construction."""
    low, n = word.lower(), nxt.lower()
    if n == "to":
        return None  # "said to be", "told to leave"
    if low == "said":
        alts = ["stated", "noted", "explained", "remarked"]
        if not n or not n[0].isalnum() or n in ("that", "he", "she", "they", "it", "on", "in"):
            alts += ["told reporters", "added"]
        return rng.choice(alts)
    if low == "says":
        return rng.choice(["states", "notes", "explains", "tells reporters"]
                          if not n or not n[0].isalnum() else ["states", "notes", "explains"])
    if low == "told" and n and (n[0].isupper() or n in ("the", "reporters", "him", "her", "them",
                                                        "police", "investigators", "a")):
        return rng.choice(["informed", "said to"])
    return None


_SUBJ = (r"(?:he|she|they|police|officials|authorities|(?:the|a|an) [a-z]+(?: [a-z]+)?"
         r"|[A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,2})")
_OBJ = {"he": "him", "she": "her", "they": "them", "He": "him", "She": "her", "They": "them"}
_FRONTED = re.compile(
    r"^(After|When|While|Although|Though|Because|Since|Before|As|If|Once|Despite|Following"
    r"|During|In|On|At|With|By|Under|Until|Last|Earlier|Later)\b([^,\"“”]{6,90}), "
    r"((?:[A-Z]\w*|he|she|they|it|we|i|the|a|an|his|her|their|its|this|that|these|those|police"
    r"|officials|authorities)\b[^\"“”]{11,})([.!?])$")
_QUOTE_ATTR = re.compile(rf"^([\"“])(.+?),([\"”]) ({_SUBJ}) (said|says|added|told [a-z]+)\.$")
_QUOTE_ATTR_INV = re.compile(rf"^([\"“])(.+?),([\"”]) (said|says|added) ({_SUBJ})\.$")
_TRAIL_ATTR = re.compile(rf"^([^\"“”]{{12,}}), ({_SUBJ}) (said|says|told [a-z]+)\.$")
_LEAD_ATTR = re.compile(rf"^({_SUBJ}) (said|says|say|told reporters) (?:that )?([^\"“”]{{12,}})\.$")


def _lcfirst(s: str) -> str:
    first = s.split(" ", 1)[0]
    return s[0].lower() + s[1:] if first in _LOWERABLE or first.lower() == first else s


def _ucfirst(s: str) -> str:
    return s[:1].upper() + s[1:]


_COMMON_SUBJECTS = set("""He She They We Police Officials Authorities The A An Critics Witnesses
Experts Analysts Investigators Prosecutors Residents Scientists Doctors Reports Sources Neighbors
Officers Friends Relatives Observers""".split())


def _subject_lower(subj: str) -> str:
    first = subj.split(" ")[0]
    return first.lower() + subj[len(first):] if first in _COMMON_SUBJECTS else subj


def _reshape(s: str, rng: random.Random) -> str:
    """Clause-level rewrites: fronted clause moved back, attribution turned around."""
    m = _QUOTE_ATTR.match(s) or None
    if m:
        op, q, cl, subj, verb = m.groups()
        subj_o = _OBJ.get(subj, _subject_lower(subj))
        if rng.random() < 0.5:
            return f"According to {subj_o}, {op}{q}{cl}."
        return f"{_ucfirst(subj)} {verb}: {op}{q}.{cl}"
    m = _QUOTE_ATTR_INV.match(s)
    if m:
        op, q, cl, verb, subj = m.groups()
        return f"{_ucfirst(subj)} {verb}: {op}{q}.{cl}"
    m = _TRAIL_ATTR.match(s)
    if m:
        body, subj, verb = m.groups()
        return f"According to {_OBJ.get(subj, _subject_lower(subj))}, {_lcfirst(body)}."
    m = _LEAD_ATTR.match(s)
    if m:
        subj, verb, body = m.groups()
        if rng.random() < 0.5:
            return f"According to {_OBJ.get(subj, _subject_lower(subj))}, {body}."
        return f"{_ucfirst(body)}, {_subject_lower(subj)} {verb}."
    m = _TRAILING_PP.match(s)
    if m and rng.random() < 0.5 and m.group(1).split(" ", 1)[0] in _LOWERABLE:
        main, pp = m.groups()
        return f"{_ucfirst(pp)}, {_lcfirst(main)}."
    m = _FRONTED.match(s)
    if m:
        lead, rest, main, end = m.groups()
        return f"{_ucfirst(main)} {lead.lower()}{rest}{end}"
    return s


def _condense(s: str, rng: random.Random, min_words: int = 20) -> str:
    """Cut a long sentence's trailing clause, as rewritten articles condense detail."""
    if len(s.split()) < min_words or re.search(r"[\"“”\x05]", s):  # \x05: a quotation kept aside
        return s
    cuts = [m.start() for m in re.finditer(r", ", s)
            if len(s[:m.start()].split()) >= 8 and len(s[m.end():].split()) >= 5]
    if not cuts:
        return s
    head = s[:rng.choice(cuts)]
    return head + (s[-1] if s[-1] in ".!?" else ".")


def _quoted(s: str) -> list[bool]:
    """Per character: inside quoted speech? A closing quote with no opening one in the
    sentence ends a quotation that began in an earlier sentence."""
    mask = [False] * len(s)
    inside, start = False, 0
    for i, ch in enumerate(s):
        opening = ch == "“" or (ch == '"' and not inside and (i == 0 or s[i - 1] in " ([—-"))
        if ch in "“”\"" and not inside and not opening:
            mask[:i + 1] = [True] * (i + 1)  # continuation of an earlier sentence's quote
        elif opening and not inside:
            inside, start = True, i
        elif ch in "”\"" and inside:
            mask[start:i + 1] = [True] * (i + 1 - start)
            inside = False
    if inside:
        mask[start:] = [True] * (len(s) - start)
    return mask


def _sub_unmarked(rx: re.Pattern, repl: Any, s: str) -> str:
    """re.sub, but never inside text an earlier rewrite marked (\x01...\x02)."""
    marked = [(m.start(), m.end()) for m in re.finditer(r"\x01[^\x02]*\x02", s)]
    out, pos = [], 0
    for m in rx.finditer(s):
        if any(a < m.end() and m.start() < b for a, b in marked):
            continue
        out.append(s[pos:m.start()])
        out.append(repl(m))
        pos = m.end()
    out.append(s[pos:])
    return "".join(out)


_ASKING = set("""ask asked asks know knew knows say said says tell told wonder wondered unclear sure
see saw explain explained decide decided determine determined clear certain""".split())


def _reshape_hard(s: str) -> str:
    """A trailing subordinate clause moves to the front (no quotes, names keep their case)."""
    m = _TRAIL_SUB.match(s)
    if not m or len(m.group(1).split()) < 4 or len(m.group(3).split()) < 3 or \
            m.group(1).rsplit(" ", 1)[-1].lower() in _ASKING:
        return s  # "did not say when he left": the clause belongs to the verb
    main, conj, sub, end = m.groups()
    return f"{_ucfirst(conj)} {sub}, {_lcfirst(main)}{end}"


def _pick(table: dict[str, list[_Syn]], low: str, nxt: str, prev: str,
          rng: random.Random) -> str | None:
    """The first alternative line of `low` whose context constraints fit, one of its words."""
    nlow = "#" if nxt[:1].isdigit() else nxt.lower()
    for syn in table[low]:
        if nlow in syn.not_next or prev.lower() in syn.not_prev or \
                (syn.only_next and nlow not in syn.only_next) or \
                (syn.only_prev and prev.lower() not in syn.only_prev):
            continue
        return rng.choice(syn.alts)
    return None


def reword(sentence: str, rng: random.Random, strength: float = 0.7, *,
           again: bool = False, keep_quotes: bool = False) -> str:
    """Spin one sentence. strength 0 leaves it unchanged; 1 changes everything the base
    table can; up to 2 spins harder.

    Operations, each applied with a probability that grows with strength: clause reordering
    and "according to" reshaping, phrase and word synonyms (a built-in table of common news
    words with context constraints), reporting-verb swaps, contractions, small constructions
    (possessives, named coordination, perfect -> past, optional "that", filler adverbs,
    dropped honorifics, appositives and -ly adverbs), a condensed tail and a sentence
    connector. Above 1, the share strength - 1 also drives a second, larger synonym table
    and phrase list (also for verbs right after a name), a trailing subordinate clause moved
    to the front, shorter sentences condensed, and more of the constructions, contractions
    and connectors (strengths up to 1 behave exactly as before).
    Digits, month and weekday names and capitalised words are never touched, so
    number, date and name edits stay separate from paraphrase. again=True is a second pass:
    it leaves words that are already substitutes alone. keep_quotes=True rewords only what is
    around the quotations (they come back verbatim).
    """
    if strength <= 0 or not sentence.strip():
        return sentence
    if keep_quotes:
        mask = _quoted(sentence)
        spans = [(m.start(), m.end()) for m in re.finditer(r"1+", "".join("01"[x] for x in mask))]
        if spans:
            parts, pos = [], 0
            for k, (a, b) in enumerate(spans):
                parts += [sentence[pos:a], f"\x01\x05{k}\x02"]  # marked: no rewrite touches it
                pos = b
            out = reword("".join(parts) + sentence[pos:], rng, strength, again=again)
            for k, (a, b) in enumerate(spans):
                out = out.replace(f"\x05{k}", sentence[a:b])
            return out
    base = min(strength, 1.0)
    hard = min(max(strength - 1.0, 0.0), 1.0)  # 0 for every strength up to 1
    s = sentence
    if rng.random() < 0.8 * base + 0.2 * hard:
        s = _reshape(s, rng)
    if hard and s == sentence and rng.random() < hard:
        s = _reshape_hard(s)
    for pat, alts in _PHRASES:
        def sub(m: re.Match, alts: list[str] = alts) -> str:
            if rng.random() >= base:
                return m.group(0)
            # Marked so the word-level pass leaves the new phrase alone.
            return "\x01" + _match_case(m.group(0), m.expand(rng.choice(alts))) + "\x02"
        s = re.sub(rf"\b{pat}\b", sub, s, flags=re.IGNORECASE)
    if hard:
        for pat, alts in _PHRASES_HARD:
            def sub_hard(m: re.Match, alts: list[str] = alts) -> str:
                if rng.random() >= hard:
                    return m.group(0)
                return "\x01" + _match_case(m.group(0), m.expand(rng.choice(alts))) + "\x02"
            s = _sub_unmarked(re.compile(rf"\b{pat}\b", re.IGNORECASE), sub_hard, s)
    for rx, alts, check, factor in _SHAPES:
        def shape(m: re.Match, alts: list[str] = alts, check: Any = check,
                  factor: float = factor) -> str:
            if rng.random() >= factor * (base + 0.5 * hard) or (check and not check(m)):
                return m.group(0)
            return m.expand(rng.choice(alts))
        s = rx.sub(shape, s)
    for full, short in _CONTRACT:
        a, b = (full, short) if rng.random() < 0.5 else (short, full)
        if re.search(rf"\b{a}\b", s) and rng.random() < 0.6 * base + 0.4 * hard:
            s = re.sub(rf"\b{a}\b", b, s)
    p_sub = min(1.0, 1.6 * base)  # spinners replace nearly every word they have a synonym for
    alt_words = _HARD_ALT_WORDS if hard else _ALT_WORDS
    tokens = _TOKEN_RE.findall(s)
    first_word = next((i for i, t in enumerate(tokens) if t[:1].isalnum()), -1)
    for i, tok in enumerate(tokens):
        if not tok[:1].isalpha():
            continue
        low = tok.lower()
        # Capitalised words mid-sentence are names ("People" the magazine), leave them alone.
        if tok[:1].isupper() and i != first_word:
            continue
        j = _prev_index(tokens, i)
        nxt, prev = _next_word(tokens, i), (tokens[j] if j >= 0 else "")
        if prev[:1].isupper() and j != first_word and low not in ("said", "says", "told") \
                and not (hard and low in _AFTER_NAME_OK):
            continue  # part of a name: "Genovese family", "Ford Center"
        new = None
        if low in ("said", "says", "told") and rng.random() < p_sub:
            new = _reporting(tok, nxt, rng)
        elif low in SYNONYMS and rng.random() < p_sub and not (again and low in alt_words):
            new = _pick(SYNONYMS, low, nxt, prev, rng)
        elif (low in _DROPPABLE and i != first_word and nxt[:1].isalnum()
              and rng.random() < 0.6 * base):
            new = ""
        if (new is None and hard and low in SYNONYMS_HARD
                and not (again and low in alt_words) and rng.random() < hard):
            new = _pick(SYNONYMS_HARD, low, nxt, prev, rng)
        if new is None:
            continue
        tokens[i] = _match_case(tok, new)
        if new == "":
            if i + 1 < len(tokens) and tokens[i + 1].isspace():
                tokens[i + 1] = ""
            nxt_i = next((k for k in range(i + 1, len(tokens)) if tokens[k][:1].isalnum()), None)
            if nxt_i is not None:
                _fix_article(tokens, nxt_i)
        else:
            _fix_article(tokens, i)
    s = "".join(tokens).replace("\x01", "").replace("\x02", "")
    if sentence[:1].isupper():
        s = _ucfirst(s)
    if rng.random() < 0.6 * base + 0.4 * hard:
        s = _condense(s, rng, 20 - round(6 * hard))
    if rng.random() < 0.15 * base + 0.25 * hard and not s.startswith(("\"", "“", "According")):
        first = s.split(" ", 1)[0]
        if first in _LOWERABLE:
            s = rng.choice(_CONNECTORS) + _lcfirst(s)
        elif hard and first in _COMMON_SUBJECTS:
            s = rng.choice(_CONNECTORS) + _subject_lower(s)
    return s


# --------------------------------------------------------------------------------------------
# Building a derived document while tracking where every character came from
# --------------------------------------------------------------------------------------------
@dataclass
class _Piece:
    sep: str  # text put before the piece ("", " ", "\n", "\n\n")
    text: str
    kind: str  # sent | boiler | junk | added | host
    src: tuple[int, int] | None = None  # (paragraph, sentence) in the original
    edits: list[dict[str, Any]] = field(default_factory=list)  # local offsets
    moved: bool = False
    reworded: bool = False


class _Builder:
    def __init__(self, a: Article):
        self.a = a
        self.spans = a.sentence_spans()
        self.order = {k: i for i, (k, _) in enumerate(a.sentences())}
        self.pieces: list[_Piece] = []
        self.new_block = False

    def paragraph(self) -> None:
        self.new_block = True

    def add(self, text: str, kind: str, *, src: tuple[int, int] | None = None,
            edits: list[dict[str, Any]] | None = None, glue: str = " ",
            moved: bool = False, reworded: bool = False) -> None:
        if not self.pieces:
            sep = ""
        elif self.new_block:
            sep = "\n\n"
        else:
            sep = glue
        self.new_block = False
        self.pieces.append(_Piece(sep, text, kind, src, edits or [], moved, reworded))

    def lines(self, lines: list[str]) -> None:
        """Chrome lines: one block, one line each, like text scraped from a page."""
        for line in lines:
            self.add(line, "boiler", glue="\n")
        self.paragraph()

    def build(self, with_removed: bool = True) -> tuple[str, list[dict[str, Any]], list[dict]]:
        a_text = self.a.text
        out: list[str] = []
        starts: list[int] = []
        pos = 0
        for p in self.pieces:
            out.append(p.sep)
            pos += len(p.sep)
            starts.append(pos)
            out.append(p.text)
            pos += len(p.text)
        b_text = "".join(out)
        edits: list[dict[str, Any]] = []

        def edit(typ: str, a_span: tuple[int, int], b_span: tuple[int, int]) -> None:
            edits.append({"type": typ, "a_text": a_text[a_span[0]:a_span[1]],
                          "b_text": b_text[b_span[0]:b_span[1]],
                          "a_start": a_span[0], "a_end": a_span[1],
                          "b_start": b_span[0], "b_end": b_span[1]})

        a_point = 0  # where, in a, the b-only text would sit: after the last original sentence
        for p, st in zip(self.pieces, starts):
            if p.src is not None:
                a_s, a_e = self.spans[p.src]
                a_point = a_e
                for e in p.edits:
                    ao, bo = e["a_off"], e["b_off"]
                    edit(e["type"], (a_s + ao[0], a_s + ao[1]), (st + bo[0], st + bo[1]))
            elif p.kind in ("boiler", "junk", "added"):
                typ = {"boiler": "boilerplate", "junk": "junk_token", "added": "sentence_added"}
                edit(typ[p.kind], (a_point, a_point), (st, st + len(p.text)))
        # Reordered paragraphs: the span of each moved paragraph on both sides.
        moved: dict[int, list[int]] = defaultdict(list)
        for idx, p in enumerate(self.pieces):
            if p.moved and p.src is not None:
                moved[p.src[0]].append(idx)
        for pi in sorted(moved):
            idxs = moved[pi]
            srcs = [self.pieces[i].src for i in idxs]
            a_span = (min(self.spans[s][0] for s in srcs), max(self.spans[s][1] for s in srcs))
            b_span = (starts[idxs[0]], starts[idxs[-1]] + len(self.pieces[idxs[-1]].text))
            edit("reordered", a_span, b_span)
        if with_removed:
            used = {p.src for p in self.pieces if p.src is not None}
            placed = sorted((self.order[p.src], st) for p, st in zip(self.pieces, starts)
                            if p.src is not None)
            # One edit per run of consecutive dropped sentences inside one paragraph.
            runs: list[list[tuple[int, int]]] = []
            for key, _ in self.a.sentences():
                if key in used:
                    continue
                last = runs[-1][-1] if runs else None
                if last and last[0] == key[0] and self.order[last] == self.order[key] - 1:
                    runs[-1].append(key)
                else:
                    runs.append([key])
            for run in runs:
                later = [st for o, st in placed if o > self.order[run[-1]]]
                b_point = min(later) if later else len(b_text)
                edit("sentence_removed", (self.spans[run[0]][0], self.spans[run[-1]][1]),
                     (b_point, b_point))
        edits.sort(key=lambda e: (e["b_start"], e["a_start"], e["type"]))
        return b_text, edits, self._passages(a_text, b_text, starts)

    def _passages(self, a_text: str, b_text: str, starts: list[int]) -> list[dict]:
        """Aligned spans: runs of original sentences that follow each other on both sides."""
        runs: list[list[int]] = []
        for idx, p in enumerate(self.pieces):
            if p.src is None:
                continue
            if runs:
                last = self.pieces[runs[-1][-1]]
                if (runs[-1][-1] == idx - 1 and self.order[p.src] == self.order[last.src] + 1
                        and p.reworded == last.reworded):
                    runs[-1].append(idx)
                    continue
            runs.append([idx])
        out = []
        for run in runs:
            first, last = self.pieces[run[0]], self.pieces[run[-1]]
            a_s, a_e = self.spans[first.src][0], self.spans[last.src][1]
            b_s, b_e = starts[run[0]], starts[run[-1]] + len(last.text)
            wa, wb = words(a_text[a_s:a_e]), words(b_text[b_s:b_e])
            ident = difflib.SequenceMatcher(None, wa, wb, autojunk=False).ratio() if wa else 0.0
            out.append({"a_start": a_s, "a_end": a_e, "b_start": b_s, "b_end": b_e,
                        "identity": round(ident, 3)})
        return out


class _Changes:
    """Document-level edit plan: names to respell everywhere, single numbers and dates."""

    def __init__(self, names: dict[str, str] | None = None,
                 numbers: dict[tuple[int, int], int] | None = None,
                 dates: dict[tuple[int, int], int] | None = None):
        self.names = names or {}
        self.numbers = numbers or {}  # sentence key -> index of the number to change in it
        self.dates = dates or {}

    def apply(self, key: tuple[int, int], original: str, b: str, rng: random.Random
              ) -> tuple[str, list[dict[str, Any]]]:
        """Apply the plan to `b` (the original sentence, maybe reworded).

        Returns the new sentence and edits with `a_off` (offsets in `original`) and `b_off`
        (offsets in the returned sentence). Reword never touches digits, month, weekday or
        capitalised words, so every planned string is still findable in `b`.
        """
        subs: list[tuple[int, int, str, str, tuple[int, int]]] = []
        for kind, plan, finder, changer in (
                ("date_change", self.dates, lambda t: _spans(DATE_RE, t), change_date),
                ("number_change", self.numbers, number_spans, change_number)):
            if key not in plan:
                continue
            a_spans = finder(original)
            if not a_spans:
                continue
            a_span = a_spans[min(plan[key], len(a_spans) - 1)]
            old = original[a_span[0]:a_span[1]]
            b_spans = [sp for sp in finder(b) if b[sp[0]:sp[1]] == old]
            new = changer(old, rng)
            if b_spans and new != old:
                subs.append((b_spans[0][0], b_spans[0][1], new, kind, a_span))
        if self.names:
            pat = re.compile(r"(?<![\w'’-])(" + "|".join(
                re.escape(k) for k in sorted(self.names, key=len, reverse=True)) + ")" + _NAME_AFTER)
            a_occ: dict[str, list[tuple[int, int]]] = defaultdict(list)
            for m in pat.finditer(original):
                a_occ[m.group(1)].append(m.span(1))
            seen: Counter[str] = Counter()
            for m in pat.finditer(b):
                occ = a_occ.get(m.group(1))
                if not occ:
                    continue
                # k-th occurrence in b <-> k-th in a (the last one if rewording moved things)
                a_span = occ[min(seen[m.group(1)], len(occ) - 1)]
                seen[m.group(1)] += 1
                subs.append((m.start(1), m.end(1), self.names[m.group(1)], "name_variant", a_span))
        subs.sort(key=lambda x: (x[0], x[1]))
        out: list[str] = []
        edits: list[dict[str, Any]] = []
        pos = shift = 0
        for bs, be, new, typ, a_span in subs:
            if bs < pos:
                continue  # overlaps an earlier change
            out.append(b[pos:bs])
            out.append(new)
            edits.append({"type": typ, "a_off": a_span, "b_off": (bs + shift, bs + shift + len(new))})
            shift += len(new) - (be - bs)
            pos = be
        out.append(b[pos:])
        return "".join(out), edits


# --------------------------------------------------------------------------------------------
# The derived documents
# --------------------------------------------------------------------------------------------
def _plan_names(a: Article, rng: random.Random, k: int, max_count: int = 0,
                top: int = 8) -> dict[str, str]:
    """Pick k of the document's `top` most frequent names and a respelling for each.

    max_count > 0 keeps only names used at most that often (light edits for reprints).
    """
    text = "\n".join(s for _, s in a.sentences())
    names = find_names(text)
    if max_count:
        names = [n for n in names if len(re.findall(rf"\b{re.escape(n)}\b", text)) <= max_count]
    names = names[:top]
    chosen = sorted(rng.sample(names, min(k, len(names))))
    return {n: name_variant(n, rng) for n in chosen}


def _plan_spans(a: Article, rng: random.Random, k: int, finder) -> dict[tuple[int, int], int]:
    found = [(key, i) for key, s in a.sentences() for i, _ in enumerate(finder(s))]
    picked = rng.sample(found, min(k, len(found)))
    plan: dict[tuple[int, int], int] = {}
    for key, i in sorted(picked):
        plan.setdefault(key, i)
    return plan


def _as_article(doc: Article | str) -> Article:
    return doc if isinstance(doc, Article) else Article.from_text(doc)


def _pick_site(site: Site | None | bool, rng: random.Random) -> Site | None:
    """None: a random site; False: no site at all (no chrome, no junk tags)."""
    if site is None:
        return make_sites(rng, 1)[0]
    return site or None


def _wrap(b: _Builder, site: Site | None, rng: random.Random, when: str | None,
          body: Iterable[tuple[str, Any]], n_words: int) -> None:
    """Site chrome around a body; junk tags glued to some paragraph ends."""
    head, foot, mid = site.chrome(rng, when, n_words) if site else ([], [], None)
    if head:
        b.lines(head)
    blocks = list(body)
    mid_at = rng.randint(1, max(1, len(blocks) - 1)) if mid and len(blocks) > 2 else -1
    n_junk = 0
    for bi, (kind, payload) in enumerate(blocks):
        if bi == mid_at:
            b.lines([mid])
        for item in payload:
            b.add(**item)
        # Tag words stick to the ends of real paragraphs, a handful per page at most.
        long_enough = sum(len(item["text"].split()) for item in payload) >= 15
        if site and kind != "added" and long_enough and n_junk < 4 \
                and rng.random() < site.junk_rate:
            b.add(site.junk_tag(rng), "junk")
            n_junk += 1
        b.paragraph()
    if foot:
        b.lines(foot)


def make_exact(doc: Article | str, rng: random.Random) -> tuple[str, list[dict[str, Any]]]:
    """Same text; sometimes trailing spaces or CRLF line ends (normalisation must absorb it)."""
    a = _as_article(doc)
    style = rng.choice(["same", "same", "trailing", "crlf"])
    if style == "trailing":
        return "\n".join(line + " " * rng.randint(1, 3) for line in a.text.split("\n")) + "\n", []
    if style == "crlf":
        return a.text.replace("\n", "\r\n") + "\r\n", []
    return a.text, []


def make_reprint(doc: Article | str, rng: random.Random, site: Site | None | bool = None,
                 when: str | None = None, *, with_passages: bool = False):
    """Full text with site chrome, junk tags and at most light edits -> (text, edits).

    Light edits: one or two names respelt everywhere, or one number changed, or nothing.
    site: a Site, None for a random one, False for none. with_passages=True also returns the
    aligned sentence runs (text, edits, passages). Edits carry offsets into `doc.text` and the
    returned text (the format is described in the corpus README).
    """
    a = _as_article(doc)
    site = _pick_site(site, rng)
    roll = rng.random()
    changes = _Changes()
    if roll < 0.45:
        changes.names = _plan_names(a, rng, rng.randint(1, 2), max_count=3)
    elif roll < 0.75:
        changes.numbers = _plan_spans(a, rng, 1, number_spans)
    b = _Builder(a)
    body = []
    for pi, para in enumerate(a.paragraphs):
        items = []
        for si, s in enumerate(para):
            text, edits = changes.apply((pi, si), s, s, rng)
            items.append({"text": text, "kind": "sent", "src": (pi, si), "edits": edits})
        body.append(("orig", items))
    _wrap(b, site, rng, when, body, len(words(a.text)))
    text, edits, passages = b.build(with_removed=False)
    return (text, edits, passages) if with_passages else (text, edits)


def _survival(a: str, b: str) -> float:
    """Share of a's word 5-grams still in b."""
    sa = shingles(a)
    return len(sa & shingles(b)) / len(sa) if sa else 0.0


def _trim_quote(s: str, rng: random.Random) -> str | None:
    """Cut a sentence the way a quote gets cut: drop its tail after a comma, or its head."""
    cands = []
    for m in re.finditer(r", ", s):
        head, tail = s[:m.start()], s[m.end():]
        if len(head.split()) >= 5 and len(tail.split()) >= 3:
            close = ""
            if head.count('"') % 2 == 1:
                close = '"'  # the cut falls inside a quotation: close it
            elif head.count("“") > head.count("”"):
                close = "”"
            cands.append(head + "." + close)
        if len(tail.split()) >= 5 and len(head.split()) >= 3 and not re.search(r"[\"“”]", head):
            cands.append(_ucfirst(tail))
    return rng.choice(cands) if cands else None


def make_rewrite(doc: Article | str, rng: random.Random, strength: float = 0.7,
                 site: Site | None | bool = None, when: str | None = None,
                 filler: list[list[str]] | None = None, *, with_passages: bool = False):
    """Spun republication -> (text, edits).

    Most sentences go through `reword(strength)`; 1-3 sentences (quotes first) stay verbatim;
    names are respelt everywhere (more of them at higher strength), 1-2 numbers and maybe a
    date changed; a share of paragraphs (never the lead) and single sentences dropped, 1-2
    paragraphs added from `filler` (unrelated text; None: a generic paragraph; []: none);
    maybe one quote trimmed and two paragraphs swapped; site chrome and junk tags.
    strength in [0, 1] scales the rewording and the cutting: see the corpus README for the
    measured word 5-gram Jaccard. In (1, 2] the rewording goes further (see `reword`), the
    paragraph cuts stay as at 1, a few more single sentences go, more names are respelt and
    the verbatim survivor is the shortest quotation alone (its attribution is reworded).
    site: a Site, None for a random one, False for none.
    """
    a = _as_article(doc)
    site = _pick_site(site, rng)
    text_of = {k: s for k, s in a.sentences()}
    n_para = len(a.paragraphs)
    # Above 1 the paragraph cuts stay as at 1; the rewording grows (see `reword`), a few more
    # sentences go, more names are respelt and the one verbatim survivor is the shortest quote.
    cut, hard = min(strength, 1.0), min(max(strength - 1.0, 0.0), 1.0)
    # A spinner cuts a share of the body; the harder the spin, the more it cuts.
    share = rng.uniform(0.5, 1.0) * 0.6 * cut ** 1.3
    n_drop = 0 if n_para < 3 else max(1, round((n_para - 1) * share))
    dropped = set(rng.sample(range(1, n_para), n_drop))  # never the lede
    kept_keys = [k for k in text_of if k[0] not in dropped]
    long_enough = [k for k in kept_keys if len(text_of[k].split()) >= 8]
    quotes = [k for k in long_enough if re.search(r"[\"“”]", text_of[k])]
    others = [k for k in long_enough if k not in quotes]
    rng.shuffle(quotes)
    rng.shuffle(others)
    # Verbatim survivors: what gives a spun copy away. Quotes first, as spinners keep them.
    n_verbatim = 1 if strength >= 0.85 else max(1, min(3, len(kept_keys) // 16))
    survivors = quotes + others
    if hard:
        # The shortest quotation (of the shortest sentence without one) survives; the stable
        # sort keeps the shuffled order among ties.
        def quoted_words(k: tuple[int, int]) -> int:
            s = text_of[k]
            return len("".join(c for c, q in zip(s, _quoted(s)) if q).split())
        survivors = sorted(quotes, key=quoted_words) + \
            sorted(others, key=lambda k: len(text_of[k].split()))
    verbatim = set(survivors[:n_verbatim])
    rest_quotes = [k for k in quotes if k not in verbatim]
    trimmed = {rest_quotes[0]} if rest_quotes and rng.random() < 0.35 else set()
    extra_drop = {k for k in kept_keys if k not in verbatim and k not in trimmed and k[1] > 0
                  and rng.random() < 0.2 * cut + 0.1 * hard}
    kept = [k for k in kept_keys if k not in extra_drop]
    editable = [k for k in kept if k not in verbatim and k not in trimmed]
    sub = Article(id=a.id, paragraphs=[[text_of[k] for k in editable]])
    # Transliterating sites respell names throughout; the harder the spin, the more names.
    changes = _Changes(names=_plan_names(
        sub, rng, rng.randint(1 + round(3 * hard), 1 + round(4 * cut + 7 * hard)),
        top=8 + round(4 * hard)))
    changes.numbers = {editable[k[1]]: i for k, i in _plan_spans(sub, rng, rng.randint(1, 2),
                                                                  number_spans).items()}
    if rng.random() < 0.7:
        changes.dates = {editable[k[1]]: i for k, i in
                         _plan_spans(sub, rng, 1, lambda t: _spans(DATE_RE, t)).items()}
    order = [pi for pi in range(n_para) if pi not in dropped]
    swap = None
    if len(order) >= 4 and rng.random() < 0.35:
        i = rng.randint(1, len(order) - 2)
        order[i], order[i + 1] = order[i + 1], order[i]
        swap = order[i]  # the paragraph that now comes before its predecessor
    kept_set = set(kept)
    body: list[tuple[str, list[dict[str, Any]]]] = []
    for pi in order:
        items = []
        for si, s in enumerate(a.paragraphs[pi]):
            key = (pi, si)
            if key not in kept_set:
                continue
            item: dict[str, Any] = {"text": s, "kind": "sent", "src": key, "edits": [],
                                    "moved": pi == swap}
            t = _trim_quote(s, rng) if key in trimmed else None
            if t:
                item.update(text=t, reworded=True, edits=[
                    {"type": "quote_change", "a_off": (0, len(s)), "b_off": (0, len(t))}])
            elif key not in verbatim:
                spun = reword(s, rng, strength)
                if _survival(s, spun) > 1.0 - strength:
                    # A spinner runs twice over what barely moved.
                    spun = reword(spun, rng, strength, again=True)
                new, edits = changes.apply(key, s, spun, rng)
                if spun != s:
                    edits.insert(0, {"type": "paraphrase", "a_off": (0, len(s)),
                                     "b_off": (0, len(new))})
                item.update(text=new, edits=edits, reworded=spun != s)
            elif hard and re.search(r"[\"“”]", s):
                # Above 1 the verbatim survivor is the quotation alone: what is around it is
                # reworded (no name or number plan touches it, as for any verbatim sentence).
                spun = reword(s, rng, strength, keep_quotes=True)
                if spun != s:
                    item.update(text=spun, reworded=True, edits=[
                        {"type": "paraphrase", "a_off": (0, len(s)), "b_off": (0, len(spun))}])
            items.append(item)
        if items:
            body.append(("orig", items))
    pool = [list(p) for p in filler] if filler is not None else [_generic_filler(rng)]
    for _ in range(min(len(pool), rng.randint(1, 2))):
        para = pool.pop(rng.randrange(len(pool)))
        body.insert(rng.randint(1, max(1, len(body))),
                    ("added", [{"text": " ".join(para), "kind": "added"}]))
    b = _Builder(a)
    _wrap(b, site, rng, when, body, len(words(a.text)))
    text, edits, passages = b.build(with_removed=True)
    return (text, edits, passages) if with_passages else (text, edits)


_FILLER_A = ["Officials have not yet released further details.", "More information is expected "
             "in the coming days.", "The situation remains under review.",
             "Observers say the coming weeks will be decisive.",
             "Neither side responded to requests for comment."]
_FILLER_B = ["Readers can follow our coverage for updates.", "Check back later for more.",
             "This article will be updated as the story develops.",
             "Analysts were divided on what comes next."]


def _generic_filler(rng: random.Random) -> list[str]:
    return [rng.choice(_FILLER_A), rng.choice(_FILLER_B)]


def make_reuse(doc: Article | str, host: Article, rng: random.Random,
               site: Site | None | bool = None,
               when: str | None = None, *, with_passages: bool = False):
    """Another article (`host`) that quotes 2-4 consecutive sentences of `doc` -> (text, edits).

    The quote may be trimmed at one end (a quote_change edit). Only changes to the quoted
    passage, chrome and junk are edits: the host's own text is another article, not an edit.
    """
    a = _as_article(doc)
    site = _pick_site(site, rng)
    sents = [(k, s) for k, s in a.sentences() if not _is_headline(s)]
    n = rng.randint(2, 4)
    starts = [i for i in range(len(sents) - n + 1)
              if sum(len(s.split()) for _, s in sents[i:i + n]) >= 30] or [0]
    i0 = rng.choice(starts)
    passage = sents[i0:i0 + n]
    items = []
    trim_at = rng.choice([0, len(passage) - 1]) if rng.random() < 0.4 else -1
    for j, (key, s) in enumerate(passage):
        t = _trim_quote(s, rng) if j == trim_at else None
        if t:
            items.append({"text": t, "kind": "sent", "src": key, "reworded": True,
                          "edits": [{"type": "quote_change", "a_off": (0, len(s)),
                                     "b_off": (0, len(t))}]})
        else:
            items.append({"text": s, "kind": "sent", "src": key, "edits": []})
    body: list[tuple[str, list[dict[str, Any]]]] = [
        ("host", [{"text": " ".join(p), "kind": "host"}]) for p in host.paragraphs]
    body.insert(rng.randint(1, max(1, len(body))), ("orig", items))
    b = _Builder(a)
    _wrap(b, site, rng, when, body, sum(len(words(" ".join(p))) for p in host.paragraphs))
    text, edits, passages = b.build(with_removed=False)
    return (text, edits, passages) if with_passages else (text, edits)


# --------------------------------------------------------------------------------------------
# Corpus
# --------------------------------------------------------------------------------------------
def load_ecb(path: Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _dedupe(records: list[dict[str, Any]], texts: dict[str, str], max_shared: int) -> set[str]:
    """Keep documents that share fewer than `max_shared` word 5-grams with any kept one.

    ECB+ holds wire stories printed by several outlets; left in, they would be unlabelled
    near-duplicates and reuse inside what the truth calls same_story.
    """
    sh = {r["doc_id"]: shingles(texts[r["doc_id"]]) for r in records}
    index: dict[tuple[str, ...], list[str]] = defaultdict(list)
    kept: set[str] = set()
    for r in sorted(records, key=lambda r: (-len(sh[r["doc_id"]]), r["doc_id"])):
        shared: Counter[str] = Counter()
        for g in sh[r["doc_id"]]:
            for other in index.get(g, ()):
                shared[other] += 1
        if shared and max(shared.values()) >= max_shared:
            continue
        kept.add(r["doc_id"])
        for g in sh[r["doc_id"]]:
            index[g].append(r["doc_id"])
    return kept


def _slug(text: str | None, fallback: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", _fold(text or "").lower()).strip("-")
    return "-".join(s.split("-")[:8]) or fallback


def _sibling_relation(k1: str, k2: str) -> str:
    kinds = {k1, k2}
    if kinds == {"exact"}:
        return "exact"
    if "rewrite" in kinds:
        return "rewrite"
    return "near_duplicate"


def _dump(rows: Iterable[dict[str, Any]]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def generate(ecb_path: str | Path = DEFAULT_ECB, out_dir: str | Path = "demo/corpus", seed: int = 7,
             n_sources: int = 12, reword_strength: float = 0.7, topic_share: float = 0.7,
             copy_share: float = 0.75, min_copy_words: int = 200, max_shared: int = 5,
             kind_weights: dict[str, float] | None = None) -> dict[str, int]:
    """Write docs.jsonl, truth.jsonl, families.jsonl (plus README/ATTRIBUTION) into out_dir.

    topic_share: share of ECB+ topics whose documents become originals; the other topics are
    a pool of unrelated text for reuse hosts and added paragraphs (so that text never
    connects two corpus documents by accident). copy_share: share of long-enough originals
    that get copies. Returns counts per relation and document kind.
    """
    rng = random.Random(seed)
    weights = kind_weights or {"exact": 0.12, "near_duplicate": 0.33, "rewrite": 0.35,
                               "reuse": 0.20}
    records = load_ecb(Path(ecb_path))
    n_ecb = len(records)
    texts = {r["doc_id"]: detokenise(r["text"]) for r in records}
    clean = _dedupe(records, texts, max_shared)
    records = sorted((r for r in records if r["doc_id"] in clean),
                     key=lambda r: (r["topic"], r["doc_id"]))
    topics = sorted({r["topic"] for r in records})
    corpus_topics = set(rng.sample(topics, max(1, round(len(topics) * topic_share))))
    if len(corpus_topics) == len(topics) and len(topics) > 1:
        corpus_topics.discard(topics[-1])  # keep a pool for hosts and fillers

    # Story dates: the documents of one event cluster within a few days.
    story_day: dict[str, date] = {}
    for st in sorted({r["subtopic"] for r in records}):
        story_day[st] = date(2013, 1, 5) + timedelta(days=rng.randint(0, 320))

    originals: list[Article] = []
    pool: list[Article] = []
    for r in records:
        sents = texts[r["doc_id"]].split("\n")
        first = sents[0] if sents else ""
        art = Article(
            id=f"ecb-{r['doc_id']}", paragraphs=paragraphs_from_sentences(sents, rng),
            title=first if len(first.split()) <= 15 else None,
            date=(story_day[r["subtopic"]] + timedelta(days=rng.randint(0, 4))).isoformat(),
            source=f"ecbplus-{r['topic']}", story=r["subtopic"], topic=r["topic"])
        art.url = f"https://ecbplus.example/{r['topic']}/{r['doc_id']}"
        (originals if r["topic"] in corpus_topics else pool).append(art)

    sites = make_sites(rng, n_sources)
    # Pool: whole documents as reuse hosts, the rest cut into paragraphs for fillers.
    pool_docs = [p for p in pool if len(p.paragraphs) >= 3]
    rng.shuffle(pool_docs)
    eligible = [o for o in originals if len(words(o.text)) >= min_copy_words
                and len([k for k, s in o.sentences() if not _is_headline(s)]) >= 5]
    chosen = sorted(rng.sample(eligible, round(len(eligible) * copy_share)), key=lambda o: o.id)
    kinds = _kind_schedule(rng, len(chosen), weights)
    n_reuse = kinds.count("reuse")
    hosts, filler_docs = pool_docs[:n_reuse], pool_docs[n_reuse:] + \
        [p for p in pool if len(p.paragraphs) < 3]
    # Each rewrite takes its added paragraphs from its own pool document, so two rewrites
    # never share added text (that would be reuse nobody labelled).
    filler_groups = [[p for p in d.paragraphs if len(p) >= 2 and len(" ".join(p).split()) >= 25]
                     for d in filler_docs]
    filler_groups = [g for g in filler_groups if g]

    docs: list[dict[str, Any]] = []
    truth: list[dict[str, Any]] = []
    families: dict[str, tuple[str, str]] = {}
    for o in originals:
        docs.append({"id": o.id, "text": o.text, "title": o.title, "date": o.date,
                     "source": o.source, "url": o.url})
        families[o.id] = (o.id, o.story or "")
    copies_of: dict[str, list[tuple[str, str]]] = defaultdict(list)
    n = 0
    for o, kind in zip(chosen, kinds):
        copy_kinds = [kind]
        if kind != "reuse":
            # Some originals are copied more than once: families with several members.
            extra = rng.choices([0, 1, 2], weights=[0.4, 0.35, 0.25])[0]
            copy_kinds += rng.choices(["exact", "near_duplicate", "rewrite"],
                                      weights=[0.15, 0.45, 0.4], k=extra)
        for ck in copy_kinds:
            n += 1
            cid = f"copy-{n:04d}"
            site = sites[rng.randrange(len(sites))]
            has_date = rng.random() >= 0.2
            when = (date.fromisoformat(o.date) + timedelta(days=rng.randint(1, 21))).isoformat() \
                if has_date else None
            title, story, family = o.title, o.story, o.id
            if ck == "reuse" and not hosts:
                ck = "near_duplicate"  # the pool ran out of host articles
            if ck == "exact":
                text, edits = make_exact(o, rng)
                passages = [{"a_start": 0, "a_end": len(o.text), "b_start": 0,
                             "b_end": len(text), "identity": 1.0}]
            elif ck == "near_duplicate":
                text, edits, passages = make_reprint(o, rng, site, when, with_passages=True)
            elif ck == "rewrite":
                take = filler_groups.pop() if filler_groups else []  # [] adds nothing
                text, edits, passages = make_rewrite(o, rng, reword_strength, site, when, take,
                                                     with_passages=True)
                title = reword(o.title, rng, reword_strength) if o.title else None
            else:
                host = hosts.pop()
                text, edits, passages = make_reuse(o, host, rng, site, when, with_passages=True)
                title, story, family = host.title, host.story, cid
            slug = _slug(title, cid)
            url = f"https://{site.domain}/{when[:4]}/{when[5:7]}/{slug}" if when else \
                f"https://{site.domain}/news/{slug}-{n}"
            docs.append({"id": cid, "text": text, "title": title, "date": when,
                         "source": site.domain, "url": url})
            families[cid] = (family, story or "")
            truth.append({"a": o.id, "b": cid, "kind": "copy", "relation": ck, "direction": "a",
                          "b_has_date": has_date, "jaccard5": round(jaccard5(o.text, text), 4),
                          "edits": edits, "passages": passages})
            if ck != "reuse":
                copies_of[o.id].append((cid, ck))
    # Copies of one original relate to each other too.
    for oid in sorted(copies_of):
        for (c1, k1), (c2, k2) in itertools.combinations(copies_of[oid], 2):
            truth.append({"a": c1, "b": c2, "kind": "sibling", "relation": _sibling_relation(k1, k2),
                          "direction": "unknown", "edits": [], "via": oid})
    # Same event, different text: every pair sharing a story and no copy relation.
    related = {(t["a"], t["b"]) for t in truth} | {(t["b"], t["a"]) for t in truth}
    by_story: dict[str, list[str]] = defaultdict(list)
    for did in sorted(families):
        by_story[families[did][1]].append(did)
    for st in sorted(by_story):
        for x, y in itertools.combinations(by_story[st], 2):
            if (x, y) in related:
                continue
            both_orig = x.startswith("ecb-") and y.startswith("ecb-")
            truth.append({"a": x, "b": y, "kind": "story" if both_orig else "story_copy",
                          "relation": "same_story", "direction": "unknown", "edits": []})

    rng.shuffle(docs)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    _write(out / "docs.jsonl", _dump(docs))
    _write(out / "truth.jsonl", _dump(truth))
    _write(out / "families.jsonl", _dump(
        {"doc_id": d["id"], "family": families[d["id"]][0], "story": families[d["id"]][1]}
        for d in docs))
    counts: dict[str, int] = {"documents": len(docs), "originals": len(originals),
                              "copies": len(docs) - len(originals), "ecb_documents": n_ecb,
                              "ecb_kept": len(records), "ecb_topics": len(topics),
                              "corpus_topics": len(corpus_topics), "pool_documents": len(pool)}
    for t in truth:
        counts[f"{t['kind']}:{t['relation']}"] = counts.get(f"{t['kind']}:{t['relation']}", 0) + 1
    _write(out / "ATTRIBUTION.md", _ATTRIBUTION)
    _write(out / "README.md", _readme(counts, seed, n_sources, reword_strength, truth,
                                      sorted(corpus_topics)))
    return counts


def _kind_schedule(rng: random.Random, n: int, weights: dict[str, float]) -> list[str]:
    """Kinds in the given proportions, each at least once when n allows, in random order."""
    names = sorted(weights)
    total = sum(weights.values())
    counts = {k: max(1 if n >= len(names) else 0, round(n * weights[k] / total)) for k in names}
    while sum(counts.values()) > n:
        counts[max(names, key=lambda k: counts[k])] -= 1
    while sum(counts.values()) < n:
        counts[max(names, key=lambda k: weights[k])] += 1
    kinds = [k for k in names for _ in range(counts[k])]
    rng.shuffle(kinds)
    return kinds


def _write(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


_ATTRIBUTION = """# Attribution

The originals in this corpus (ids `ecb-*`) are texts of **ECB+ (EventCorefBank+)**:

> Agata Cybulska and Piek Vossen. 2014. *Using a sledgehammer to crack a nut? Lexical diversity
> and event coreference resolution.* In Proceedings of LREC 2014.

ECB+ is distributed under the Creative Commons Attribution 3.0 Unported licence (CC BY 3.0,
https://creativecommons.org/licenses/by/3.0/). Its texts are news pages; the tokenised text of
the release was **detokenised** here (punctuation attached, quotes restored, hyphenated words
joined), grouped into paragraphs, and given synthetic dates, titles, sources and URLs. Some
documents whose text overlapped another's were left out.

The derived documents (ids `copy-*`) were **generated by retold's demo generator**
(`retold.demo.generator`) from those texts: they are modified works (reworded sentences,
respelt names, changed numbers and dates, added site chrome and tag words, paragraphs from
other ECB+ texts). They are not real publications; the sites (`*.example`) do not exist.

This corpus is redistributed under the same licence, CC BY 3.0.
"""


def jaccard_histogram(values: list[float], width: float = 0.025, top: float = 0.3) -> list[str]:
    """Text histogram lines ("0.075-0.100 | ##### 5") of word 5-gram Jaccard values."""
    n_bins = int(round(top / width))
    counts = [0] * (n_bins + 1)
    for v in values:
        counts[min(n_bins, int(v / width))] += 1
    lines = []
    for i, c in enumerate(counts):
        if not c and (i == n_bins or not any(counts[i:])):
            continue
        label = f">={top:.3f}      " if i == n_bins else f"{i * width:.3f}-{(i + 1) * width:.3f}"
        lines.append(f"{label} | {'#' * c} {c}")
    return lines


def _readme(counts: dict[str, int], seed: int, n_sources: int, strength: float,
            truth: list[dict[str, Any]], corpus_topics: list[int]) -> str:
    rel_lines = "\n".join(f"| {k.split(':')[0]} | {k.split(':')[1]} | {v} |"
                          for k, v in sorted(counts.items()) if ":" in k)
    jac: dict[str, list[float]] = defaultdict(list)
    for t in truth:
        if t["kind"] == "copy":
            jac[t["relation"]].append(t["jaccard5"])
    jac_lines = "\n".join(
        f"| {r} | {len(v)} | {min(v):.3f} | {sorted(v)[len(v) // 2]:.3f} | {max(v):.3f} |"
        for r, v in sorted(jac.items()))
    hist = "\n".join(f"{r}:\n\n    " + "\n    ".join(jaccard_histogram(jac[r])) + "\n"
                     for r in ("rewrite", "reuse") if jac.get(r))
    edit_counts: Counter[str] = Counter(e["type"] for t in truth for e in t["edits"])
    edit_lines = ", ".join(f"{k} {v}" for k, v in sorted(edit_counts.items()))
    return f"""# Demo corpus

A small news corpus with known text reuse, for `make demo`, tests and evaluation. Originals are
ECB+ news texts (see ATTRIBUTION.md); copies were made from them by
`retold.demo.generator` the way content farms do: exact copies, reprints with site chrome and
junk tags, spun rewrites, and other articles quoting a passage.

Regenerate (byte-identical for the same seed and ECB+ file):

    .venv/bin/python -m retold.demo.generator --out demo/corpus

(defaults: seed {seed}, {n_sources} fake sites, reword strength {strength}; ECB+ read from
`../shared/data/stories/ecbplus/docs.jsonl` next to the repository, or `--ecb PATH`).

## How it was made
Of the {counts['ecb_documents']} ECB+ documents, {counts['ecb_kept']} share fewer than
5 word 5-grams with any other (ECB+ holds wire stories printed by several outlets; those would
be unlabelled reprints). Their texts were detokenised and grouped into paragraphs of 2-4
sentences. The documents of {counts['corpus_topics']} of {counts['ecb_topics']} topics
({", ".join(map(str, corpus_topics))}) are the originals; the other
{counts['pool_documents']} documents are never in the corpus themselves: they are the host
articles of reuse copies and the source of paragraphs added to rewrites (each used once), so
no text links two corpus documents unless the truth says so. Originals get a synthetic 2013
date (the documents of one event within a few days), copies a later one or none.

## Files
- `docs.jsonl`: {counts['documents']} documents ({counts['originals']} originals `ecb-*`,
  {counts['copies']} derived `copy-*`), one JSON object a line: `id`, `text`, `title`, `date`
  (ISO date or null), `source`, `url`. Shuffled.
- `truth.jsonl`: one record per related pair: `a`, `b`, `kind`, `relation`, `direction`,
  `edits`; copy records also `b_has_date`, `jaccard5`, `passages`.
  - `kind` `copy`: `a` an original, `b` a document made from it; `relation` exact,
    near_duplicate, rewrite or reuse; `direction` is `a` (a came first, by construction; about
    20% of copies have no date: `b_has_date` false). `jaccard5`: word 5-gram Jaccard of the
    lowercased word tokens, for reference.
  - `kind` `sibling`: two copies of one original (`via`); relation exact if both are exact,
    rewrite if either is a rewrite, else near_duplicate; direction unknown.
  - `kind` `story`: two originals about the same ECB+ event (subtopic), relation same_story.
  - `kind` `story_copy`: same_story pairs that involve a copy (a copy of one original and
    another original or copy of the same event, or two reuse articles whose host text covers
    one event).
  Any pair not listed is unrelated (ECB+ holds two similar events per topic: hard negatives).
- `families.jsonl`: `doc_id`, `family` (the original's id for an original and its exact
  copies, reprints and rewrites; a reuse article is its own family), `story` (ECB+ subtopic;
  for a reuse article, the subtopic of its host text).

## Edits
Every change the generator made, as `type`, `a_text`, `b_text`, `a_start`, `a_end`,
`b_start`, `b_end`: `text[a_start:a_end] == a_text` in document `a`, likewise for `b`. The side
without the text has start == end at the place it would sit.
- `boilerplate`: one per chrome line (each site has its own consistent set); `junk_token`:
  one per group of tag words glued to a paragraph end.
- `name_variant`: one per respelt occurrence (a name is respelt everywhere in the copy);
  `number_change`, `date_change`: the changed token(s) only.
- `paraphrase`: a whole reworded sentence on both sides; the name/number/date edits inside it
  are listed too (they overlap). `quote_change`: the whole sentence in `a`, the trimmed one
  in `b`.
- `sentence_removed`: one per run of consecutive dropped sentences in one paragraph;
  `sentence_added`: one per added paragraph (text of an ECB+ document not in the corpus);
  `reordered`: the paragraph that moved before its predecessor.
- reuse records list only the quoted passage's changes, chrome and junk (the host article is
  another text, not an edit of `a`).

`passages` (copy records): runs of original sentences that stay in order in the copy:
`a_start`, `a_end`, `b_start`, `b_end`, `identity` (word-sequence similarity, 1.0 verbatim).

Counts of edits: {edit_lines}.

## Pairs
| kind | relation | pairs |
|---|---|---|
{rel_lines}

Word 5-gram Jaccard between original and copy:

| relation | n | min | median | max |
|---|---|---|---|---|
{jac_lines}

{hist}"""


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(
        prog="python -m retold.demo.generator",
        description="Generate the deterministic demo corpus (ECB+ originals and synthetic copies).")
    p.add_argument("--ecb", default=str(DEFAULT_ECB),
                   help="ECB+ docs.jsonl (default: ../shared/data/stories/ecbplus/docs.jsonl "
                        "next to the repository)")
    p.add_argument("--out", default="demo/corpus", help="output folder (default: demo/corpus)")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--sources", type=int, default=12, help="number of fake sites")
    p.add_argument("--strength", type=float, default=0.7,
                   help="reword strength in [0, 2]: up to 1 the table-driven spinner with "
                        "cuts; above 1 rewording goes further (strength 2: rewrites at median "
                        "word 5-gram Jaccard about 0.04, 5th percentile about 0.02)")
    p.add_argument("--topic-share", type=float, default=0.7,
                   help="share of ECB+ topics used as originals (the rest feed fillers/hosts)")
    p.add_argument("--copy-share", type=float, default=0.75,
                   help="share of long-enough originals that get copies")
    args = p.parse_args(argv)
    counts = generate(args.ecb, args.out, seed=args.seed, n_sources=args.sources,
                      reword_strength=args.strength, topic_share=args.topic_share,
                      copy_share=args.copy_share)
    print(json.dumps(counts, indent=1))


if __name__ == "__main__":
    main()
