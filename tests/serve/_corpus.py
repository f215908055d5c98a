"""A small store for the query and web-app tests: one story copied, reprinted, quoted and
reported again, two unrelated ones, and documents whose id, title, url and text are hostile."""
from __future__ import annotations

import json
from pathlib import Path

import retold

XSS_SCRIPT = "<script>alert(1)</script>"
XSS_IMG = '"><img src=x onerror=alert(1)>'
XSS_URL = "javascript:alert(1)"
RLO = "\u202e"  # right-to-left override, never closed: it must not turn the fields after it

HARBOUR = (
    "The harbour authority closed the eastern pier on Monday after divers found cracks in three "
    "of its concrete pillars. Repairs will take at least four months and cost 2.5 million euros, "
    "director Anneke Visser told reporters at the port office. Ferries will use the western pier "
    "until the work is finished, and the morning timetable will change from next week. Fishing "
    "boats may still moor at the northern quay, but the fish market will open an hour later. "
    "Visser said the pillars were last inspected in 2019 and had shown no damage then. The city "
    "council will discuss the cost of the repairs at its meeting on Thursday.")
REPRINT = HARBOUR.replace("four months", "five months") + " viral now trending"
QUOTING = (
    "Commuters on the island line faced a changed timetable this week. Ferries will use the western "
    "pier until the work is finished, and the morning timetable will change from next week. "
    "Fishing boats may still moor at the northern quay, but the fish market will open an hour "
    f"later. Regular passenger Tom Berg said he would take the bus instead. {XSS_SCRIPT} {XSS_IMG} "
    "The ferry company apologised for the delays and promised extra evening crossings in June.")
SAME_STORY = (
    "Cracks in three concrete pillars have shut the eastern pier of the port, harbour director "
    "Anneke Visser announced on Monday. Divers discovered the damage during a routine check. Fixing "
    "the pillars is expected to last four months and to cost 2.5 million euros. Ferry passengers "
    "will board at the western pier meanwhile. Councillors are to debate the repair bill on Thursday.")
BAKERY = (
    "A bakery in the old town won the national bread prize on Saturday for its rye sourdough. The "
    "owners, Lena and Piotr Nowak, opened the shop eleven years ago and bake through the night. The "
    "jury praised the crust and the slow fermentation. The Nowaks plan to hire two apprentices and "
    "to open a second shop near the railway station in the autumn.")
DAM = (
    "Engineers began draining the reservoir above the Tallin dam on Wednesday so that the spillway "
    "gates can be replaced. The water level will drop by six metres over three weeks. Anglers were "
    "asked to stay away from the banks, which may slide as the water falls. The new gates were "
    "built in Bremen and will arrive by barge in July.")

DOCS = [
    {"id": "harbour-original", "text": HARBOUR, "title": "Eastern pier closed after divers find cracks",
     "date": "2026-03-02", "source": "harbourtimes.example", "url": "https://harbourtimes.example/pier"},
    {"id": "harbour-reprint", "text": REPRINT, "title": f"Pier closed {XSS_IMG}",
     "date": "2026-03-03", "source": "scraper.example", "url": XSS_URL},
    {"id": XSS_SCRIPT, "text": HARBOUR, "title": XSS_SCRIPT, "date": "2026-03-04",
     "source": "mirror.example", "url": "JavaScript:alert(document.domain)"},
    {"id": "ferry-quotes", "text": QUOTING, "title": "Island line timetable changes",
     "date": "2026-03-05", "source": "islandnews.example", "url": "https://islandnews.example/ferry"},
    {"id": "harbour-report", "text": SAME_STORY, "title": "Port shuts eastern pier",
     "date": "2026-03-02", "source": "portgazette.example", "url": "https://portgazette.example/p"},
    {"id": "bakery", "text": BAKERY, "title": "Old town bakery wins bread prize", "date": "2026-02-10",
     "source": "citylife.example", "url": "https://citylife.example/bread"},
    {"id": "dam", "text": DAM, "title": f"Reservoir {RLO}drained for new dam gates", "date": "2026-01-20",
     "source": "citylife.example", "url": "https://citylife.example/dam"},
]


def write_jsonl(path: Path, docs: list[dict]) -> Path:
    path.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    return path


def make_store(root: Path, docs: list[dict] | None = None) -> Path:
    """Run retold on the corpus and load it into a store; returns the store path."""
    root.mkdir(parents=True, exist_ok=True)
    inp = write_jsonl(root / "docs.jsonl", DOCS if docs is None else docs)
    store = root / "store.duckdb"
    retold.run([inp], out=root / "run", store=store)
    return store
