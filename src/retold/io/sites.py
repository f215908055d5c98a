"""The site a URL belongs to: its host, with archive and redirect wrappers taken off.

Site chrome is learnt per source (`text/boilerplate.py`), so a record that has a url and no
source gets the url's site as its source. A page read through an archive or a redirector
belongs to the site it shows, not to the wrapper:

- Wayback-style archives ("memento" paths, `/<timestamp>[modifier_]/<original url>`):
  web.archive.org/web/20140215012040/http://www.waff.com:80/story/..., .../20140215012040id_/...,
  and the same form on any host (archive-it, national web archives, arquivo.pt);
- archive.today and its mirrors (archive.ph, .is, .li, .vn, .md, .fo): /<timestamp>/<url>,
  /newest/<url>, /o/<id>/<url>; their short links (/AbCdE) do not name the site: no source;
- Google's AMP cache (<anything>.cdn.ampproject.org/c/s/<url>) and AMP viewer
  (google.<tld>/amp/s/<url>), Google's web cache (webcache.googleusercontent.com ...cache:<url>);
- redirectors carrying the target in a query parameter (google.<tld>/url?q=, l.facebook.com
  ?u=, out.reddit.com ?url=, Outlook safelinks ?url=, ...).

The site is the host in lower case without port, user info, a trailing dot and a leading
"www." (or "www2." and the like): "http://WWW.Waff.com:80/x" -> "waff.com".
"""
from __future__ import annotations

import re
from urllib.parse import parse_qs, unquote, urlsplit

_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)
_URLISH = re.compile(r"^(?:https?:/{0,3}|//)?[^/\s?#]+\.[^/\s?#]+", re.I)  # host with a dot
_HTTP = re.compile(r"^(?:https?|ftp):/*", re.I)
# a Wayback timestamp (4 to 14 digits: a year up to the second), optionally with a modifier
# (id_, im_, if_, js_, cs_, oe_, mp_, fw_), or archive.today's 2019.01.01-123456 form
_MEMENTO_TS = re.compile(r"^(?:\d{4,14}(?:[a-z]{2}_|\*)?|\d{4}\.\d\d\.\d\d-\d{6}|\*)$")
_WWW = re.compile(r"^www\d*\.")
_ARCHIVE_TODAY = re.compile(r"^archive\.(?:today|ph|is|li|vn|md|fo)$")
_REDIRECT_PARAMS = ("url", "u", "q", "target", "dest", "destination", "redirect", "to")
_MAX_UNWRAP = 5  # wrappers inside wrappers (a Wayback copy of an AMP cache page)


def site_of(url: str | None) -> str | None:
    """The site (normalised host) of url, archive/redirect wrappers unwrapped; None when
    there is no host, or only an archive's own short link that does not name the site."""
    if not url or not isinstance(url, str):
        return None
    url = url.strip()
    for _ in range(_MAX_UNWRAP):
        host, inner = _split(url)
        if host is None:
            return None
        if inner is _OPAQUE:
            return None
        if inner is None:
            return host
        url = inner
    return _split(url)[0]


_OPAQUE = "\0opaque"  # a wrapper whose target is not in the url


def _split(url: str) -> tuple[str | None, str | None]:
    """(host, wrapped url): wrapped is None when url is not a wrapper, _OPAQUE when it is one
    whose target cannot be read off."""
    if not _SCHEME.match(url):
        if not _URLISH.match(url):
            return None, None
        url = "//" + url.lstrip("/")
    parts = urlsplit(url)
    host = _host(parts.hostname)
    if host is None:
        return None, None
    path = parts.path
    # Wayback and friends: /<prefix...>/<timestamp>/<url>, the url may have lost a slash
    segs = path.split("/")
    for k, seg in enumerate(segs[:4]):
        if _MEMENTO_TS.match(seg) and k + 1 < len(segs):
            rest = "/".join(segs[k + 1:])
            rest = rest + ("?" + parts.query if parts.query else "")
            # any host may serve mementos of full urls; a bare "host/path" only counts on
            # a known archive ("/news/123456/story.html" is not a wrapper)
            if _HTTP.match(rest) or (_is_archive(host) and _URLISH.match(rest)):
                return host, _fix_scheme(rest)
    if _ARCHIVE_TODAY.match(host):
        rest = path.lstrip("/")
        for prefix in ("newest/", "oldest/", "timegate/", "timemap/"):
            if rest.startswith(prefix):
                return host, _fix_scheme(rest[len(prefix):])
        m = re.match(r"^o/[^/]+/(.+)$", rest)
        if m:
            return host, _fix_scheme(m.group(1))
        return host, _OPAQUE
    if host.endswith(".cdn.ampproject.org"):
        m = re.match(r"^/[a-z]/(s/)?(.+)$", path)
        if m:
            return host, ("https://" if m.group(1) else "http://") + m.group(2)
        return host, _OPAQUE
    if re.match(r"^google\.[a-z.]+$", host) and path.startswith("/amp/"):
        rest = path[len("/amp/"):]
        if rest.startswith("s/"):
            return host, "https://" + rest[2:]
        return host, _fix_scheme(rest)
    if host == "webcache.googleusercontent.com":
        q = " ".join(parse_qs(parts.query).get("q", []))
        m = re.search(r"cache:(?:[\w-]+:(?!/))?(\S+)", q)
        return host, (_fix_scheme(m.group(1)) if m else _OPAQUE)
    if _is_redirector(host, path):
        params = parse_qs(parts.query)
        for key in _REDIRECT_PARAMS:
            for val in params.get(key, []):
                val = unquote(val) if "%3a" in val.lower() else val
                if _HTTP.match(val):
                    return host, val
        return host, _OPAQUE
    return host, None


def _is_archive(host: str) -> bool:
    return (host == "archive.org" or host.endswith(".archive.org") or host.endswith(".archive-it.org")
            or _ARCHIVE_TODAY.match(host) is not None or "webarchive" in host or "wayback" in host
            or host == "arquivo.pt")


def _is_redirector(host: str, path: str) -> bool:
    return ((re.match(r"^google\.[a-z.]+$", host) is not None and path == "/url")
            or host in ("l.facebook.com", "lm.facebook.com", "l.messenger.com", "out.reddit.com",
                        "l.instagram.com", "href.li", "t.umblr.com", "away.vk.com")
            or host.endswith(".safelinks.protection.outlook.com"))


def _fix_scheme(url: str) -> str:
    """Archives collapse "http://" to "http:/"; a bare host gets "//"."""
    m = _HTTP.match(url)
    if m:
        return url[:m.end()].rstrip("/").rstrip(":") + "://" + url[m.end():]
    return "//" + url


def _host(hostname: str | None) -> str | None:
    if not hostname:
        return None
    h = hostname.strip().rstrip(".").lower()
    if not h or "." not in h and h != "localhost":
        return None
    return _WWW.sub("", h)
