"""The web app without a browser: views, the JSON API, escaping, CSP, read-only store."""
from __future__ import annotations

import re
import shutil
import urllib.parse
from html.parser import HTMLParser

import duckdb
import pytest
from fastapi.testclient import TestClient

import retold
from retold.serve import CSP, create_app

from ._corpus import DAM, DOCS, XSS_SCRIPT, write_jsonl

PAGES = ["/", "/families", "/stories", "/documents", "/query", "/api",
         "/doc?id=harbour-original", "/doc?id=" + "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
         "/doc?id=harbour-reprint", "/family?id=fam%3A%3Cscript%3Ealert(1)%3C%2Fscript%3E",
         "/story?id=story%3A%3Cscript%3Ealert(1)%3C%2Fscript%3E",
         "/pair?a=harbour-original&b=harbour-reprint", "/pair?a=harbour-original&b=ferry-quotes",
         "/pair?a=harbour-report&b=bakery", "/documents?q=script"]


@pytest.fixture(scope="module")
def client(store):
    return TestClient(create_app(store))


@pytest.mark.parametrize("url", PAGES)
def test_every_page_loads_escaped_with_a_csp(client, url):
    r = client.get(url)
    assert r.status_code == 200, r.text[:500]
    assert r.headers["content-security-policy"] == CSP
    assert "script-src 'none'" in CSP and "default-src 'none'" in CSP
    tags = _tags(r.text)
    names = {t for t, _ in tags}
    assert "script" not in names and "img" not in names and "iframe" not in names
    for tag, attrs in tags:
        assert not [k for k in attrs if k.startswith("on")], (tag, attrs)  # no event handlers
        for k in ("href", "src", "action"):
            v = (attrs.get(k) or "").strip().lower()
            assert not v.startswith(("javascript:", "data:", "//")), (tag, attrs)
            # every link is ours or a document's http(s) url
            assert not v or v.startswith(("/", "#", "http://", "https://")), (tag, attrs)
        if tag == "link":
            assert attrs.get("href", "").startswith("/static/")  # nothing from the network


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _tags(html):
    p = _Tags()
    p.feed(html)
    p.close()
    return p.tags


def test_hostile_strings_are_shown_as_text(client):
    html = client.get("/doc?id=ferry-quotes").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in html or "&quot;&gt;&lt;img" in html
    reprint = client.get("/doc?id=harbour-reprint").text
    assert "javascript:alert(1)" in reprint  # shown, as text
    assert 'href="javascript' not in reprint.lower()


def test_overview_counts_by_relation_and_site(client):
    ov = client.get("/api/overview").json()
    assert ov["documents"] == len(DOCS)
    rel = {r["relation"]: r["pairs"] for r in ov["relations"]}
    assert rel["exact"] == 1 and rel["near_duplicate"] == 1 and rel["reuse"] == 2
    sites = {s["source"]: s for s in ov["sites"]}
    assert sites["citylife.example"]["documents"] == 2 and sites["citylife.example"]["copies"] == 0
    assert sites["harbourtimes.example"]["copies"] == 3  # exact, reprint, reuse
    html = client.get("/").text
    assert html.index("reuse") < html.index("exact copy")  # what matters leads


def test_families_are_named_after_their_earliest_member_and_searchable(client):
    fams = client.get("/api/families").json()
    assert fams["total"] == 1
    fam = fams["items"][0]
    assert fam["earliest_id"] == "harbour-original" and fam["size"] == 3
    assert client.get("/api/families", params={"q": "bakery"}).json()["total"] == 0
    assert client.get("/api/families", params={"q": "reprint"}).json()["total"] == 1
    html = client.get("/families").text
    assert "Eastern pier closed after divers find cracks" in html


def test_family_provenance_puts_the_original_at_the_root(client):
    fam = client.get("/api/family", params={"id": f"fam:{XSS_SCRIPT}"}).json()
    tree = [(n["depth"], n["doc_id"]) for n in fam["tree"]]
    assert tree[0] == (0, "harbour-original")
    assert sorted(tree[1:]) == [(1, XSS_SCRIPT), (1, "harbour-reprint")]
    days = {t["doc_id"]: t["day"] for t in fam["timeline"]}
    assert days == {"harbour-original": 0.0, "harbour-reprint": 1.0, XSS_SCRIPT: 2.0}


def test_document_page_lists_family_story_and_copies(client):
    d = client.get("/api/document", params={"id": "harbour-original"}).json()
    others = {p["other"]: p["relation"] for p in d["pairs"]}
    assert others == {XSS_SCRIPT: "exact", "harbour-reprint": "near_duplicate",
                      "ferry-quotes": "reuse", "harbour-report": "same_story"}
    assert d["family"]["size"] == 3 and len(d["story"]) == 5
    assert client.get("/api/document", params={"id": "nope"}).status_code == 404
    assert client.get("/doc?id=nope").status_code == 404


def test_pair_view_marks_passages_and_edits(client):
    p = client.get("/api/pair", params={"a": "harbour-reprint", "b": "harbour-original"}).json()
    assert p["pair"]["relation"] == "near_duplicate" and p["passages"]
    assert "number_change" in {e["type"] for e in p["edits"]}
    html = client.get("/pair?a=harbour-original&b=harbour-reprint").text
    assert 'class="passage p0"' in html and 'class="edit number_change"' in html
    # a pair the store does not hold is compared on the spot
    live = client.get("/pair?a=bakery&b=dam").text
    assert "Compared just now" in live


def test_query_api_and_form(client):
    text = DOCS[0]["text"][:400]
    got = client.post("/api/query", json={"text": text, "limit": 5}).json()
    ids = [m["doc"]["id"] for m in got["matches"]]
    assert set(ids[:3]) == {"harbour-original", XSS_SCRIPT, "harbour-reprint"}
    assert "bakery" not in ids
    html = client.post("/query", data={"text": text, "limit": "5"}).text
    assert html.count('class="card match"') == len(ids)
    assert "Eastern pier closed after divers find cracks" in html
    assert client.post("/api/query", json={"limit": 5}).status_code == 422


def test_openapi_is_served_and_docs_need_no_network(client):
    spec = client.get("/openapi.json").json()
    assert {"/api/query", "/api/overview", "/api/document", "/api/pair"} <= set(spec["paths"])
    docs = client.get("/docs", follow_redirects=True)
    assert docs.status_code == 200 and 'href="/openapi.json"' in docs.text
    assert not [a for t, a in _tags(docs.text) if t in ("script", "link") and "static" not in a.get("href", "")]
    assert client.get("/redoc").status_code == 404


def test_a_run_can_add_documents_while_the_app_serves(store, tmp_path, monkeypatch):
    import retold.serve as serve_mod
    monkeypatch.setattr(serve_mod, "REFRESH_EVERY", 0.0)
    monkeypatch.setattr(serve_mod, "SETTLE", 0.0)
    s = tmp_path / "live.duckdb"
    shutil.copy(store, s)
    client = TestClient(create_app(s))
    assert client.post("/api/query", json={"text": DAM}).json()["matches"][0]["doc"]["id"] == "dam"
    before = client.get("/api/overview").json()["documents"]
    # the app holds no connection between requests: a run can write to the store now
    extra = {"id": "dam-followup", "text": DAM.replace("six metres", "seven metres"),
             "title": "Dam", "date": "2026-01-22", "source": "other.example"}
    retold.run([write_jsonl(tmp_path / "more.jsonl", [extra])], out=tmp_path / "r2", store=s)
    assert client.get("/api/overview").json()["documents"] == before + 1
    ids = [m["doc"]["id"] for m in client.post("/api/query", json={"text": DAM}).json()["matches"]]
    assert "dam-followup" in ids


def test_the_app_never_writes_to_the_store(store, tmp_path):
    s = tmp_path / "ro.duckdb"
    shutil.copy(store, s)
    before = s.read_bytes()
    client = TestClient(create_app(s))
    for url in PAGES:
        client.get(url)
    client.post("/api/query", json={"text": DAM})
    assert s.read_bytes() == before
    duckdb.connect(str(s)).close()


def test_missing_store_is_a_clear_error(tmp_path):
    client = TestClient(create_app(tmp_path / "none.duckdb"))
    r = client.get("/api/overview")
    assert r.status_code == 503 and "E020" in r.json()["error"]
    assert "E020" in client.get("/").text


def test_cli_serve_binds_localhost_by_default(store, tmp_path, monkeypatch):
    import uvicorn
    from typer.testing import CliRunner

    from retold.cli import app
    seen = {}
    monkeypatch.setattr(uvicorn, "run", lambda application, **kw: seen.update(kw, app=application))
    s = tmp_path / "cli.duckdb"
    shutil.copy(store, s)
    res = CliRunner().invoke(app, ["serve", "--store", str(s), "--port", "8765"])
    assert res.exit_code == 0, res.output
    assert seen["host"] == "127.0.0.1" and seen["port"] == 8765
    local = TestClient(seen["app"], base_url="http://127.0.0.1:8765")
    assert local.get("/api/overview").json()["documents"] == len(DOCS)
    # bound to this machine, it answers this machine's names only (no DNS rebinding)
    assert TestClient(seen["app"], base_url="http://evil.example").get("/").status_code == 400
    res = CliRunner().invoke(app, ["serve", "--store", str(tmp_path / "none.duckdb")])
    assert res.exit_code == 2 and "E020" in res.output


def test_a_stored_document_can_be_searched_for(client):
    html = client.get("/query", params={"doc": "harbour-reprint"}).text
    assert "searched in the whole store" in html
    found = re.findall(r'<h3>\d+\. <span class="badge (\w+)">.*?<a class="id" href="/doc\?id=([^"]+)"', html)
    ids = {urllib.parse.unquote(i): rel for rel, i in found}
    assert "harbour-reprint" not in ids
    assert ids["harbour-original"] == "near_duplicate" and ids[XSS_SCRIPT] == "near_duplicate"
    assert ids["ferry-quotes"] == "reuse"
    assert client.get("/query", params={"doc": "nope"}).status_code == 404


def test_an_empty_store_is_served(tmp_path):
    from retold.io.store import Store
    with Store(tmp_path / "empty.duckdb"):
        pass
    client = TestClient(create_app(tmp_path / "empty.duckdb"))
    for url in ("/", "/families", "/stories", "/documents", "/query", "/api"):
        assert client.get(url).status_code == 200, url
    assert client.get("/api/overview").json()["documents"] == 0
    assert client.get("/doc?id=x").status_code == 404
    assert client.post("/api/query", json={"text": "nothing stored yet"}).json()["matches"] == []
