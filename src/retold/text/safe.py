"""Strings from documents made safe to print or write.

Input data is hostile or merely broken: a JSON escape `\\ud800` without its pair gives a
lone surrogate that no UTF-8 writer accepts; an id or title may hold ESC [2J (clear the
screen), an OSC 8 hyperlink, a carriage return that overwrites the line, or a bidi override
(U+202E) that reverses whatever follows it on the terminal.

- `repair_surrogates` replaces lone surrogates with U+FFFD (at read time, so every later
  stage and writer sees valid Unicode).
- `terminal_safe` makes a string inert for a terminal: C0 and C1 controls, DEL, bidi
  embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) and the invisible
  direction marks are shown as visible escapes (`\\x1b`, `\\u202e`); newlines and tabs
  become spaces unless `keep_newlines`.
- `json_safe` makes JSON text printable the same way while keeping it the same JSON: the
  characters `json.dumps(ensure_ascii=False)` leaves raw (C1 controls, bidi controls) become
  `\\uXXXX` escapes, which any JSON reader decodes back to the original string.
"""
from __future__ import annotations

import re

_SURROGATE = re.compile("[\ud800-\udfff]")

# C0 controls, DEL and C1 controls; bidi embeddings/overrides/isolates and direction marks
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_UNSAFE_KEEP_NL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def has_surrogates(s: str) -> bool:
    return _SURROGATE.search(s) is not None


def repair_surrogates(s: str) -> str:
    """`s` with every lone surrogate replaced by U+FFFD (the same string if there is none)."""
    if not s or _SURROGATE.search(s) is None:
        return s
    return _SURROGATE.sub("\ufffd", s)


def _escape(m: re.Match[str]) -> str:
    ch = m.group(0)
    if ch in "\t\n":
        return " "
    if "\ud800" <= ch <= "\udfff":
        return "\ufffd"
    o = ord(ch)
    return f"\\x{o:02x}" if o < 0x100 else f"\\u{o:04x}"


def terminal_safe(s: object, keep_newlines: bool = False) -> str:
    """`s` as a string a terminal prints literally: no escape sequence, control character,
    bidi override or lone surrogate survives (each is shown as a visible escape)."""
    text = s if isinstance(s, str) else str(s)
    pattern = _UNSAFE_KEEP_NL if keep_newlines else _UNSAFE
    if pattern.search(text) is None:
        return text
    return pattern.sub(_escape, text)


# what json.dumps(ensure_ascii=False) writes raw but a terminal acts on (C0 is escaped by JSON)
_JSON_RAW_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def json_safe(text: str) -> str:
    """JSON text (from `json.dumps(..., ensure_ascii=False)`) with C1 and bidi controls written
    as `\\uXXXX` escapes: the same JSON value, inert on a terminal."""
    if _JSON_RAW_UNSAFE.search(text) is None:
        return text
    return _JSON_RAW_UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)
