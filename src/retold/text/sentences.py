"""Sentence and paragraph spans (character offsets), rule-based and language-light."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# A sentence ends at . ! ? (optionally followed by closing quotes/brackets) when the next
# non-space character starts a new sentence (capital, digit, quote); a newline ends one, unless
# the text is hard-wrapped (below).
_END = re.compile(r"""[.!?]+["'”’)\]]*(?=\s+["'“‘(\[]?[A-Z0-9À-ÖØ-Þ])|\n+""")
_END_CHAR = re.compile(r"[.!?\n]")  # where a match of _END can start
_ABBREV = re.compile(r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|Sen|Rep|Gov|Gen|Lt|Col|St|Jr|Sr|Inc|Co|Corp|Ltd|No|vs|U\.S|U\.K|[A-Z]))\.$")


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    paragraph: int  # index of the paragraph (blank-line separated block) it belongs to


_TERMINAL = tuple(".!?:;\"'”’)]")
WRAP_SHARE = 0.2  # of the line breaks inside a block, this share continuing a sentence: wrapped


@lru_cache(maxsize=4)  # asked by sentences() and headline_tokens() of one text in turn
def hard_wrapped(text: str) -> bool:
    """Is the text wrapped at a fixed width (wire copy, e-mail, plain-text archives)?

    Such text breaks lines inside sentences; a line that does not end a sentence and a next
    line that goes on in lower case or with a figure ("said it set / tentative talks") is the
    sign. Web text puts one paragraph or heading per line and almost never has it.
    """
    lines = text.split("\n")
    breaks = joins = 0
    for x, y in zip(lines, lines[1:]):
        if not x.strip() or not y.strip() or y[:1].isspace():
            continue  # blank line or indented line: a paragraph break either way
        breaks += 1
        if (y[0].islower() or y[0].isdigit()) and not x.rstrip().endswith(_TERMINAL):
            joins += 1
    return breaks >= 3 and joins >= max(2, WRAP_SHARE * breaks)


def sentences(text: str) -> list[Span]:
    """Split into sentence spans, trimmed of surrounding whitespace; never empty spans.

    In hard-wrapped text (`hard_wrapped`) a single line break is a space, unless the next
    line is indented (a new paragraph, a table row, a sign-off) or the line ends in a figure
    before a capital (a table's last row).
    """
    out: list[Span] = []
    para = 0
    start = 0
    wrapped = hard_wrapped(text)
    for m in _ends(text):
        end = m.end() if m.group()[0] != "\n" else m.start()
        if m.group()[0] != "\n" and _ABBREV.search(text[max(start, end - 6):end]):
            continue
        indented = m.end() < len(text) and text[m.end()] in " \t"
        if wrapped and m.group() == "\n" and not indented and not _line_ends_unit(text, m):
            continue  # a wrapped line: the sentence goes on
        _emit(text, start, end, para, out)
        if m.group().count("\n") >= 2 or (m.group()[0] == "\n" and "\n\n" in m.group()):
            para += 1
        elif wrapped and m.group() == "\n" and indented:
            para += 1  # wrapped text marks a paragraph by indenting its first line
        elif m.group()[0] == "\n" and out and out[-1].paragraph == para:
            # single newline: a line break inside a paragraph keeps the paragraph
            pass
        start = m.end()
    _emit(text, start, len(text), para, out)
    return out


def _ends(text: str):
    """The matches of `_END` in `text`, as `finditer` gives them: tried only where one of its
    first characters is (finditer tries the pattern at every position: a third of the
    splitter's time on news text)."""
    find, match = _END_CHAR.search, _END.match
    c = find(text)
    while c is not None:
        m = match(text, c.start())
        if m is None:
            c = find(text, c.start() + 1)
        else:
            yield m
            # an empty match is impossible (both branches take a character)
            c = find(text, m.end())


def _line_ends_unit(text: str, m: re.Match) -> bool:
    """Did the line before this break end a unit rather than wrap? So it is when it ends in a
    figure and the next line starts like a sentence (a table's last row). A short line is not
    enough: wire copy often opens with a short first line where its dateline was cut."""
    line = text[text.rfind("\n", 0, m.start()) + 1:m.start()].rstrip()
    nxt = text[m.end():m.end() + 1]
    return line[-1:].isdigit() and not (nxt.islower() or nxt.isdigit())


def _emit(text: str, start: int, end: int, para: int, out: list[Span]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        out.append(Span(start, end, para))
