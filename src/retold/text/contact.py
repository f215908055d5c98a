"""Contact lines: sentences that tell readers how to reach someone.

A police release ends "anyone with information should call Detective Flores at 909-387-3589
or the We-Tip hotline at 1-800-78-CRIME"; a station's page "call Crime Stoppers at 554-1111";
a press release gives an e-mail address. Two reports that share such a sentence share the
issuing office's house matter, not a text: a sheriff's tip line closes its releases on every
case, and a corpus seldom holds enough of one office's releases to learn it as formula. What
marks these sentences is the contact detail itself (a phone number, an e-mail or web
address), not their wording, so no word list is needed.
"""
from __future__ import annotations

import re

import numpy as np

from .normalise import Tokens

# Three patterns, each asked only where it can match: one alternation over every kind, tried
# at every character of every text, cost a tenth of a document's whole profile.
_PHONE = re.compile(
    r"(?=[\d(+])(?:"  # a phone number starts with a digit, "(" or "+"
    r"\(?\b\d{3}\)?[ .-]\d{3}[ .-]\d{4}\b"  # (912) 234-2020, 253 856-5808, 909-387-3589
    r"|\b1-8\d\d-[\dA-Za-z]{2,4}-?[\dA-Za-z]{0,5}\b"  # 1-800-78-CRIME, 1-888-222-TIPS
    r"|(?<![\d,.-])\b\d{3}-\d{4}\b(?![\d-])"  # 554-1111 (a local number)
    r"|\+\d{1,3} \(?\d{1,4}\)? \d{3,4}[ -]?\d{3,4}\b)"  # +44 20 7946 0958
)
_MAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_WEB = re.compile(r"\bhttps?://\S+|\bwww\.[\w-]+\.\S+")


def _hits(text: str) -> list[int]:
    """Start offsets of the contact details in `text`."""
    out = [m.start() for m in _PHONE.finditer(text)]
    if "@" in text:
        out += [m.start() for m in _MAIL.finditer(text)]
    if "www." in text or "http" in text:
        out += [m.start() for m in _WEB.finditer(text)]
    return out


def contact_tokens(text: str, toks: Tokens, sentences) -> np.ndarray:
    """Per token: inside a sentence (`sentences`: objects with token bounds t0, t1) that gives
    a phone number, an e-mail address or a web address."""
    m = np.zeros(len(toks), dtype=bool)
    if len(toks) == 0:
        return m
    hits = _hits(text)
    if not hits:
        return m
    starts = toks.starts
    for s in sentences:
        if s.t1 <= s.t0:
            continue
        c0, c1 = int(starts[s.t0]), int(toks.ends[s.t1 - 1])
        if any(c0 <= h < c1 for h in hits):
            m[s.t0:s.t1] = True
    return m
