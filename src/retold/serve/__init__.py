"""`retold serve`: a web app over a store (FastAPI, uvicorn).

HTML views (overview, documents, families, stories, a page per document, family, story and
pair, a query box) and a JSON API under /api with its OpenAPI description at
/openapi.json and a plain page at /api listing it (FastAPI's /docs and /redoc load their
JavaScript from a CDN, so they are switched off: nothing a page needs comes from the
network).

Read-only on the store: each request opens the DuckDB file read-only and closes it before
answering, so `retold run --store` can add documents while the app serves them (a request
that meets the run's write lock waits for it, then answers 503). The query index lives
beside the store and is refreshed when the store changes.

Safety: every document string is untrusted. Templates are autoescaped (Jinja2, no |safe;
text around passages and edits is marked up only by `report.html.highlight`, which escapes
it), only http(s) urls become links, pages carry no script at all, and every response has a
Content-Security-Policy that forbids scripts, frames and anything not served by the app.
"""
from __future__ import annotations

import os
import threading
import time
import urllib.parse
from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, StrictUndefined
from pydantic import BaseModel, Field

from ..config import Config
from ..errors import RetoldError
from ..model import EDIT_TYPES
from ..query import ComparePool, QueryIndex, query as run_query
from ..query.storeread import StoreView, read_store
from ..report.html import (EDIT_WORDS, PASSAGE_COLOURS, RELATION_WORDS, _edit_groups, _edit_spans,
                           _pct, _safe_url, css_class, highlight)
from . import data

CSP = ("default-src 'none'; script-src 'none'; style-src 'self'; img-src 'self'; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
           "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY",
           "Cross-Origin-Opener-Policy": "same-origin"}
# the words of the one list page (groups.html) that serves both families and stories
GROUP_WORDS = {
    "families": {"one": "family", "plural": "families", "head": "family (earliest member)",
                 "blurb": "A family is the copies of one text (exact copies, reprints, rewrites)."},
    "stories": {"one": "story", "plural": "stories", "head": "story (earliest report)",
                "blurb": "A story is the coverage of one event across families."},
}
TEXT_CLIP = 200_000  # characters of a document shown on a page
PASSAGE_CLIP = 3000
QUERY_MAX_CHARS = 200_000  # a pasted text longer than this is cut
REFRESH_EVERY = 2.0  # seconds between checks that the store has not grown
SETTLE = 1.0  # a changed store is snapshotted once it has been left alone this long
CACHE_ENTRIES = 2000  # answers remembered per snapshot

STATIC = Path(__file__).parent / "static"
COMPUTE_LOCK = threading.Lock()  # tokenizing and comparing: one request at a time


def _q(value: Any) -> str:
    return urllib.parse.quote(str(value), safe="")


def _rel_label(rel: Any) -> str:
    return RELATION_WORDS.get(str(rel), (str(rel).replace("_", " "),))[0]


def _num(v: Any, digits: int = 2) -> str:
    if v is None:
        return "\u2013"
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, int):
        return f"{v:,}"
    if isinstance(v, float):
        return f"{v:.{digits}f}"
    return str(v)


@lru_cache(maxsize=1)
def _env() -> Environment:
    env = Environment(loader=PackageLoader("retold.serve", "templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(q=_q, rel=_rel_label, cls=css_class, num=_num, pct=_pct, url=_safe_url)
    env.globals.update(edit_words=EDIT_WORDS, edit_types=EDIT_TYPES, relation_words=RELATION_WORDS)
    return env


def _page_links(path: str, q: str, offset: int, limit: int, total: int) -> dict[str, Any]:
    def href(off: int) -> str:
        return path + "?" + urllib.parse.urlencode({"q": q, "offset": off, "limit": limit})
    return {"prev": href(max(0, offset - limit)) if offset > 0 else None,
            "next": href(offset + limit) if offset + limit < total else None,
            "first": offset + 1 if total else 0, "last": min(total, offset + limit), "total": total}


def _pair_sides(pr: dict[str, Any]) -> dict[str, Any]:
    """Both texts with the passages (numbered colours) and the typed edits marked."""
    out = {}
    passages = pr["passages"]
    edits = pr["edits"]
    for side in ("a", "b"):
        text = pr[side].get("text") or ""
        spans = [(p[f"{side}_start"], p[f"{side}_end"], f"passage p{i % PASSAGE_COLOURS}",
                  f"passage {i + 1}, identity {_pct(p.get('identity'))}", f"{side}-p{i + 1}")
                 for i, p in enumerate(passages)]
        spans += _edit_spans(edits, side, ids=True)
        out[side] = highlight(text, spans, limit=TEXT_CLIP)
    return out


def _comparison_view(c, a_doc: dict[str, Any], b_doc: dict[str, Any]) -> dict[str, Any]:
    d = c.to_dict()
    return {"pair": {"a": a_doc["doc_id"], "b": b_doc["doc_id"], "relation": d["relation"],
                     "direction": d["direction"]["source"], "direction_confidence": d["direction"]["confidence"],
                     **d["scores"], "coverage_a": c.scores.coverage_a, "coverage_b": c.scores.coverage_b},
            "a": a_doc, "b": b_doc, "passages": d["passages"], "edits": d["edits"],
            "evidence": d["direction"]["evidence"], "live": True}


class QueryBody(BaseModel):
    """A query: the text to look for."""

    text: str = Field(..., description="The text to look for (a paragraph or a whole article).")
    title: str | None = Field(None, description="Optional title (helps the story search).")
    limit: int = Field(20, ge=1, le=200, description="Matches returned at most.")


def create_app(store: str | os.PathLike[str], config: Config | None = None,
               index: QueryIndex | None = None, allowed_hosts: list[str] | None = None,
               pool: ComparePool | None = None) -> FastAPI:
    """The web app over `store`.

    Parameters
    ----------
    store : path-like
        A DuckDB store written by `retold run --store`; opened read-only per request.
    config : Config, optional
        Options for the query box (compare thresholds).
    index : QueryIndex, optional
        An open query index; otherwise opened (built if needed) on the first query.
    allowed_hosts : list of str, optional
        Host headers answered (others get 400): `serve` on a loopback address passes the
        loopback names, so a web page elsewhere cannot reach the app through DNS rebinding.
    pool : ComparePool, optional
        Worker processes the query box compares candidates on (`serve` starts one when the
        machine has more than one core); without it, queries compare in this process.

    Returns
    -------
    fastapi.FastAPI
    """
    store = Path(store)
    cfg = config or Config()
    state: dict[str, Any] = {"index": index, "checked": time.monotonic() if index else 0.0,
                             "view": None}
    lock = threading.Lock()  # the query index
    view_lock = threading.Lock()

    def view() -> StoreView:
        v = state["view"]
        if v is None:
            with view_lock:
                if state["view"] is None:
                    state["view"] = StoreView(store, every=REFRESH_EVERY, settle=SETTLE)
                v = state["view"]
        return v
    app = FastAPI(title="retold", version=_version(),
                  description="Where news and web text was reused and retold: a read-only view of a "
                              "retold store. Every string is data from the documents.",
                  docs_url=None, redoc_url=None, openapi_url="/openapi.json")
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    if allowed_hosts:
        from starlette.middleware.trustedhost import TrustedHostMiddleware
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts)
    if index is not None:
        index.reader = lambda: view().read()  # refresh from the app's snapshot, not the store

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        for k, v in HEADERS.items():
            response.headers.setdefault(k, v)
        return response

    @app.exception_handler(RetoldError)
    async def retold_error(request: Request, exc: RetoldError):
        body = {"error": str(exc)}
        if request.url.path.startswith("/api/"):
            return JSONResponse(body, status_code=503)
        return HTMLResponse(_render("error.html", request, status=503, message=str(exc)), status_code=503)

    def _render(name: str, request: Request, **ctx: Any) -> str:
        return _env().get_template(name).render(path=request.url.path, store=store.name, **ctx)

    def page(name: str, request: Request, **ctx: Any) -> HTMLResponse:
        return HTMLResponse(_render(name, request, **ctx))

    cache: dict[tuple, Any] = {}
    cache_lock = threading.Lock()

    def read(fn, *args: Any) -> Any:
        """`fn(con, *args)` on the current snapshot, remembered until the next snapshot (the
        same page asked twice reads the store once)."""
        v = view()
        with v.read() as con:
            key = (v.generation, fn.__name__, args)
            with cache_lock:
                if key in cache:
                    return cache[key]
            got = fn(con, *args)
        with cache_lock:
            if len(cache) > CACHE_ENTRIES or any(k[0] != key[0] for k in list(cache)[:1]):
                cache.clear()
            cache[key] = got
        return got

    def get_index() -> QueryIndex:
        with lock:
            idx = state["index"]
            if idx is None:
                with COMPUTE_LOCK:
                    idx = state["index"] = QueryIndex.open(store, cfg, reader=view().read)
                state["checked"] = time.monotonic()
            elif time.monotonic() - state["checked"] > REFRESH_EVERY:
                state["checked"] = time.monotonic()
                with COMPUTE_LOCK:
                    idx.refresh()
            return idx

    def do_query(text: str, title: str | None, limit: int) -> dict[str, Any]:
        text = text[:QUERY_MAX_CHARS]
        idx = get_index()
        # one query at a time in this process: the tokenizer's vocabulary is per process and
        # not made for threads; the pool spreads the query's comparisons over the cores
        with COMPUTE_LOCK:
            return run_query(text, store, limit=limit, config=cfg, index=idx, title=title,
                             reader=view().read, pool=pool).to_dict()

    # --- JSON API -----------------------------------------------------------------------------
    @app.get("/api/overview", tags=["api"], summary="Counts by relation and by site")
    def api_overview() -> dict[str, Any]:
        return read(data.overview)

    @app.get("/api/documents", tags=["api"], summary="Documents, searched by id, title, source or url")
    def api_documents(q: str = "", offset: int = Query(0, ge=0),
                      limit: int = Query(data.PAGE, ge=1, le=data.MAX_PAGE)) -> dict[str, Any]:
        return read(data.documents, q, offset, limit)

    @app.get("/api/document", tags=["api"], summary="One document: its family, story and related pairs")
    def api_document(id: str) -> dict[str, Any]:
        got = read(data.document, id)
        if got is None:
            raise HTTPException(404, "no such document")
        return got

    @app.get("/api/families", tags=["api"], summary="Families of copies, largest first")
    def api_families(q: str = "", offset: int = Query(0, ge=0),
                     limit: int = Query(data.PAGE, ge=1, le=data.MAX_PAGE)) -> dict[str, Any]:
        return data.page_of(read(data.group_list, "family_id", q), q, offset, limit)

    @app.get("/api/family", tags=["api"], summary="One family: members, provenance tree and timeline")
    def api_family(id: str) -> dict[str, Any]:
        got = read(data.group, "family", id)
        if got is None:
            raise HTTPException(404, "no such family")
        return got

    @app.get("/api/stories", tags=["api"], summary="Stories, largest first")
    def api_stories(q: str = "", offset: int = Query(0, ge=0),
                    limit: int = Query(data.PAGE, ge=1, le=data.MAX_PAGE)) -> dict[str, Any]:
        return data.page_of(read(data.group_list, "story_id", q), q, offset, limit)

    @app.get("/api/story", tags=["api"], summary="One story: members in date order and its families")
    def api_story(id: str) -> dict[str, Any]:
        got = read(data.group, "story", id)
        if got is None:
            raise HTTPException(404, "no such story")
        return got

    @app.get("/api/pair", tags=["api"], summary="A stored pair with its passages and edits")
    def api_pair(a: str, b: str) -> dict[str, Any]:
        with view().read() as con:
            got = data.pair(con, a, b)
        if got is None:
            raise HTTPException(404, "no such document")
        return got

    @app.post("/api/query", tags=["api"], summary="Where else did this text appear?")
    def api_query(body: QueryBody) -> dict[str, Any]:
        return do_query(body.text, body.title, body.limit)

    # --- HTML views ---------------------------------------------------------------------------
    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(request: Request):
        ov = read(data.overview)
        top = max((r["pairs"] for r in ov["relations"]), default=1) or 1
        top_site = max((s["documents"] for s in ov["sites"]), default=1) or 1
        return page("overview.html", request, ov=ov, top=top, top_site=top_site)

    def _list(request: Request, kind: str, q: str, offset: int, limit: int) -> HTMLResponse:
        if kind == "documents":
            got = read(data.documents, q, offset, limit)
            extra: dict[str, Any] = {}
        else:
            words = GROUP_WORDS[kind]
            got = data.page_of(read(data.group_list, f"{words['one']}_id", q), q, offset, limit)
            extra = {"words": words}
        return page("documents.html" if kind == "documents" else "groups.html", request, res=got,
                    nav=_page_links(request.url.path, got["q"], got["offset"], got["limit"], got["total"]),
                    **extra)

    @app.get("/documents", response_class=HTMLResponse, include_in_schema=False)
    def documents_view(request: Request, q: str = "", offset: int = Query(0, ge=0),
                       limit: int = Query(data.PAGE, ge=1, le=data.MAX_PAGE)):
        return _list(request, "documents", q, offset, limit)

    @app.get("/families", response_class=HTMLResponse, include_in_schema=False)
    def families_view(request: Request, q: str = "", offset: int = Query(0, ge=0),
                      limit: int = Query(data.PAGE, ge=1, le=data.MAX_PAGE)):
        return _list(request, "families", q, offset, limit)

    @app.get("/stories", response_class=HTMLResponse, include_in_schema=False)
    def stories_view(request: Request, q: str = "", offset: int = Query(0, ge=0),
                     limit: int = Query(data.PAGE, ge=1, le=data.MAX_PAGE)):
        return _list(request, "stories", q, offset, limit)

    @app.get("/doc", response_class=HTMLResponse, include_in_schema=False)
    def doc_view(request: Request, id: str):
        got = read(data.document, id)
        if got is None:
            return HTMLResponse(_render("error.html", request, status=404, message="No such document."),
                                status_code=404)
        return page("doc.html", request, d=got, text=highlight(got["doc"].get("text") or "", [],
                                                                limit=TEXT_CLIP))

    @app.get("/family", response_class=HTMLResponse, include_in_schema=False)
    def family_view(request: Request, id: str):
        return _group_view(request, "family", id)

    @app.get("/story", response_class=HTMLResponse, include_in_schema=False)
    def story_view(request: Request, id: str):
        return _group_view(request, "story", id)

    def _group_view(request: Request, kind: str, gid: str) -> HTMLResponse:
        got = read(data.group, kind, gid)
        if got is None:
            return HTMLResponse(_render("error.html", request, status=404, message=f"No such {kind}."),
                                status_code=404)
        return page("group.html", request, g=got)

    @app.get("/pair", response_class=HTMLResponse, include_in_schema=False)
    def pair_view(request: Request, a: str, b: str, live: int = 0):
        with view().read() as con:
            got = data.pair(con, a, b)
            formula = None
            if got is not None and (live or got["pair"] is None):
                from ..query.storeread import formula as store_formula
                formula = store_formula(con)
        if got is None:
            return HTMLResponse(_render("error.html", request, status=404, message="No such document."),
                                status_code=404)
        if live or got["pair"] is None:
            from ..compare import compare_documents
            from ..model import Document
            docs = [Document(d["doc_id"], d.get("text") or "", d.get("title"), d.get("date"),
                             d.get("source"), d.get("url")) for d in (got["a"], got["b"])]
            with COMPUTE_LOCK:
                c = compare_documents(docs[0], docs[1], cfg,
                                      formula if formula is not None and len(formula) else None)
            got = _comparison_view(c, got["a"], got["b"])
        sides = _pair_sides(got)
        groups = _edit_groups(got["edits"], numbered=True, cap=10_000)
        return page("pair.html", request, pr=got, sides=sides, groups=groups)

    @app.get("/query", response_class=HTMLResponse, include_in_schema=False)
    def query_form(request: Request, doc: str | None = None, limit: int = Query(20, ge=1, le=200)):
        if not doc:
            return page("query.html", request, text="", res=None, limit=limit, source=None)
        # where else does a stored document's text appear (beyond the pairs its runs found)?
        got = read(data.document, doc)
        if got is None:
            return HTMLResponse(_render("error.html", request, status=404, message="No such document."),
                                status_code=404)
        text = got["doc"].get("text") or ""
        res = do_query(text, got["doc"].get("title"), limit + 1)
        res["matches"] = [m for m in res["matches"] if m["doc"]["id"] != doc][:limit]
        _mark_matches(res, text)
        return page("query.html", request, text=text, res=res, limit=limit, source=got["doc"])

    @app.post("/query", response_class=HTMLResponse, include_in_schema=False)
    async def query_post(request: Request):
        raw = (await request.body()).decode("utf-8", errors="replace")
        form = urllib.parse.parse_qs(raw, keep_blank_values=True)
        text = (form.get("text") or [""])[0]
        try:
            limit = max(1, min(200, int((form.get("limit") or ["20"])[0])))
        except ValueError:
            limit = 20
        res = None
        if text.strip():
            import anyio
            res = await anyio.to_thread.run_sync(do_query, text, None, limit)
            _mark_matches(res, text)
        return page("query.html", request, text=text, res=res, limit=limit, source=None)

    @app.get("/api", response_class=HTMLResponse, include_in_schema=False)
    def api_page(request: Request):
        return page("api.html", request, ops=_operations(app.openapi()))

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon():
        return RedirectResponse("/static/favicon.svg")

    @app.get("/docs", include_in_schema=False)
    def docs_redirect():
        return RedirectResponse("/api")

    return app


def _mark_matches(res: dict[str, Any], text: str) -> None:
    """Each match's passages as escaped markup with its edits marked, side by side."""
    for m in res["matches"]:
        views = []
        for p in m["passages"][:12]:
            view = {"identity": _pct(p.get("identity"))}
            for side in ("a", "b"):
                seg = p.get(f"{side}_text") or ""
                lo = p[f"{side}_start"]
                view[side] = highlight(seg, _edit_spans(m["edits"], side, lo, lo + len(seg)),
                                       limit=PASSAGE_CLIP)
            views.append(view)
        m["passage_views"] = views
        m["edit_groups"] = _edit_groups(m["edits"], cap=20)
        m["doc"]["safe_url"] = _safe_url(m["doc"].get("url"))


def _operations(spec: dict[str, Any]) -> list[dict[str, Any]]:
    ops = []
    for path, item in sorted(spec.get("paths", {}).items()):
        for method, op in item.items():
            params = [{"name": p.get("name"), "in": p.get("in"), "required": bool(p.get("required"))}
                      for p in op.get("parameters", [])]
            ops.append({"method": method.upper(), "path": path, "summary": op.get("summary") or "",
                        "params": params, "body": "requestBody" in op})
    return ops


def _version() -> str:
    try:
        from .. import __version__
        return str(__version__)
    except ImportError:  # pragma: no cover
        return "0"


def serve(store: str | os.PathLike[str], host: str = "127.0.0.1", port: int = 8000,
          config: Config | None = None) -> None:
    """Build or refresh the query index, then serve the app with uvicorn until stopped.

    Parameters
    ----------
    store : path-like
        The DuckDB store (read-only).
    host : str
        Address to bind; 127.0.0.1 (this machine only) by default.
    port : int
        Port to listen on.
    config : Config, optional
        Options for the query box.
    """
    import uvicorn
    with read_store(store):
        pass  # fail early, with the store's own error, when it is missing or not DuckDB
    index = QueryIndex.open(store, config or Config())
    loopback = host in ("127.0.0.1", "localhost", "::1") or host.startswith("127.")
    hosts = ["127.0.0.1", "localhost", "[::1]", "::1", host] if loopback else None
    cfg = config or Config()
    # one query's candidates compared on every core (the query box's latency is compare time)
    pool = ComparePool(cfg) if (cfg.workers or os.cpu_count() or 1) > 1 else None
    try:
        uvicorn.run(create_app(store, cfg, index, allowed_hosts=hosts, pool=pool), host=host, port=port,
                    log_level="info")
    finally:
        if pool is not None:
            pool.close()
