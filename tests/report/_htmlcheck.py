"""Parse our HTML output back: check nesting and see which marks cover each character."""
from __future__ import annotations

from html.parser import HTMLParser

VOID = {"br", "meta", "img", "input", "hr", "link"}


class MarkWalker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict[str, str | None]]] = []
        self.text = ""
        self.covers: list[list[str]] = []  # per character: classes of enclosing marks, outer first
        self.marks: list[dict[str, str | None]] = []  # attributes of every <mark>, in order
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag == "mark":
            self.marks.append(a)
        if tag not in VOID:
            self.stack.append((tag, a))

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1][0] == tag, f"</{tag}> closes {self.stack[-1:]}"
        self.stack.pop()

    def handle_data(self, data):
        if any("clipped" in (a.get("class") or "") for _, a in self.stack):
            return
        classes = [a.get("class") or "" for t, a in self.stack if t == "mark"]
        self.text += data
        self.covers.extend([classes] * len(data))


def walk(html: str) -> MarkWalker:
    w = MarkWalker()
    w.feed(str(html))  # a Markup would re-escape every slice the parser hands back
    w.close()
    assert not w.stack, f"unclosed: {w.stack}"
    return w
