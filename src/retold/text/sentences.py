"""Sentence and paragraph spans (character offsets), rule-based and language-light."""
from __future__ import annotations

import re
from dataclasses import dataclass

# A sentence ends at . ! ? (optionally followed by closing quotes/brackets) when the next
# non-space character starts a new sentence (capital, digit, quote); a newline always ends one.
_END = re.compile(r"""[.!?]+["'”’)\]]*(?=\s+["'“‘(\[]?[A-Z0-9À-ÖØ-Þ])|\n+""")
_ABBREV = re.compile(r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|Sen|Rep|Gov|Gen|Lt|Col|St|Jr|Sr|Inc|Co|Corp|Ltd|No|vs|U\.S|U\.K|[A-Z]))\.$")


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    paragraph: int  # index of the paragraph (blank-line separated block) it belongs to


def sentences(text: str) -> list[Span]:
    """Split into sentence spans, trimmed of surrounding whitespace; never empty spans."""
    out: list[Span] = []
    para = 0
    start = 0
    for m in _END.finditer(text):
        end = m.end() if m.group()[0] != "\n" else m.start()
        if m.group()[0] != "\n" and _ABBREV.search(text[max(start, end - 6):end]):
            continue
        _emit(text, start, end, para, out)
        if m.group().count("\n") >= 2 or (m.group()[0] == "\n" and "\n\n" in m.group()):
            para += 1
        elif m.group()[0] == "\n" and out and out[-1].paragraph == para:
            # single newline: a line break inside a paragraph keeps the paragraph
            pass
        start = m.end()
    _emit(text, start, len(text), para, out)
    return out


def _emit(text: str, start: int, end: int, para: int, out: list[Span]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        out.append(Span(start, end, para))
