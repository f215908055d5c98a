"""Records that flow between stages. Plain dataclasses: cheap to build, easy to test."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

RELATIONS = ("exact", "near_duplicate", "reuse", "rewrite", "template", "same_story", "unrelated")
EDIT_TYPES = (
    "name_variant", "number_change", "date_change", "quote_change", "sentence_added",
    "sentence_removed", "reordered", "paraphrase", "junk_token", "boilerplate",
)


@dataclass
class Document:
    """One input document. `text` is the cleaned main text; every offset refers to it."""

    doc_id: str
    text: str
    title: str | None = None
    date: str | None = None  # ISO 8601 date or datetime, as given
    source: str | None = None
    url: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    origin: str | None = None  # file (and line) it came from, for error messages

    def to_row(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id, "text": self.text, "title": self.title, "date": self.date,
            "source": self.source, "url": self.url, "origin": self.origin,
        }


@dataclass
class Passage:
    """A span of `a` aligned with a span of `b` (character offsets, end exclusive)."""

    a_start: int
    a_end: int
    b_start: int
    b_end: int
    identity: float  # share of aligned tokens that match exactly, in [0, 1]
    a_text: str = ""
    b_text: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Edit:
    """A typed difference between two documents, with the text and span on each side.

    A side that has no counterpart (e.g. a sentence only in `b`) has empty text and
    start == end at the point where it would sit.
    """

    type: str
    a_text: str
    b_text: str
    a_start: int
    a_end: int
    b_start: int
    b_end: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Direction:
    source: str = "unknown"  # "a", "b" or "unknown": which side came first
    confidence: float = 0.0
    evidence: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Scores:
    resemblance: float = 0.0  # Jaccard of word shingle sets
    containment_a: float = 0.0  # share of a's shingles found in b
    containment_b: float = 0.0
    story: float = 0.0  # topical/event similarity
    coverage_a: float = 0.0  # share of a's characters inside aligned passages
    coverage_b: float = 0.0
    residual: float = 0.0  # word similarity of the parts outside the passages
    parallel: float = 0.0  # share of the shorter side's sentences matched to a sentence
    reworded: float = 0.0  # share of the shorter side's sentences matched but reworded
    identity: float = 0.0  # share of identical words inside the aligned passages
    anchors: int = 0  # shared rare n-grams
    facts: float = 1.0  # agreement of the names and figures of the aligned parts (1.0: none)
    specific: float = 0.0  # share of the aligned words that are shared, not chrome or formula
    fact_cover: float | None = None  # share of the facts of what lines up the other names (None: too few)

    def contract(self) -> dict[str, float]:
        return {"resemblance": self.resemblance, "containment_a": self.containment_a,
                "containment_b": self.containment_b, "story": self.story}


@dataclass
class Comparison:
    """Everything retold says about one pair. `to_dict()` is the compare --json contract."""

    a_id: str
    b_id: str
    a_chars: int
    b_chars: int
    relation: str
    scores: Scores
    passages: list[Passage] = field(default_factory=list)
    edits: list[Edit] = field(default_factory=list)
    direction: Direction = field(default_factory=Direction)

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": {"id": self.a_id, "chars": self.a_chars},
            "b": {"id": self.b_id, "chars": self.b_chars},
            "relation": self.relation,
            "scores": self.scores.contract(),
            "passages": [p.to_dict() for p in self.passages],
            "edits": [e.to_dict() for e in self.edits],
            "direction": self.direction.to_dict(),
        }
