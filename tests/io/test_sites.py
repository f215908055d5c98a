"""The site of a url (io/sites.py) and the readers giving it as a document's source."""
import json

import pytest

from retold.io.readers import iter_documents
from retold.io.sites import site_of


@pytest.mark.parametrize("url, site", [
    # plain urls: lower case, no port, no user info, no leading www./www2.
    ("https://www.theguardian.com/world/2019/jan/01/story", "theguardian.com"),
    ("HTTP://WWW.Kansascity.COM:8080/news/local/article1.html", "kansascity.com"),
    ("https://www2.Example.org./x", "example.org"),
    ("https://user:secret@news.yahoo.com/x-123.html", "news.yahoo.com"),
    ("https://edition.cnn.com/2016/05/01/us/x/index.html", "edition.cnn.com"),
    ("www.kxan.com/news/crime/x", "kxan.com"),  # no scheme
    # news paths with numbers and dots are not wrappers
    ("https://www.nola.com/news/123456/story.html", "nola.com"),
    ("https://www.sfgate.com/2019/crime.report.html", "sfgate.com"),
    # Wayback: timestamp, modifiers, collapsed slashes, ports, no scheme, nested
    ("http://web.archive.org/web/20160919001452/http://www.wsmv.com:80/story/33099351/boy",
     "wsmv.com"),
    ("https://web.archive.org/web/20190101000000id_/https://www.nytimes.com/2019/01/01/x.html",
     "nytimes.com"),
    ("https://web.archive.org/web/20150301000000im_/http:/Edition.CNN.com/x", "edition.cnn.com"),
    ("http://web.archive.org/web/2014/www.reuters.com/article/x?id=1", "reuters.com"),
    ("http://wayback.archive.org/web/20110101000000*/http://www.latimes.com/x", "latimes.com"),
    ("http://web.archive.org/web/20170101/http://web.archive.org/web/2016/http://abc7ny.com/x",
     "abc7ny.com"),
    # other memento archives
    ("https://wayback.archive-it.org/1234/20200101000000/https://www.cbsnews.com/x", "cbsnews.com"),
    ("https://arquivo.pt/wayback/20150101000000/http://www.publico.pt/x", "publico.pt"),
    ("https://webarchive.nationalarchives.gov.uk/20130101000000/http://www.direct.gov.uk/en/x",
     "direct.gov.uk"),
    # archive.today and its mirrors; a short link names no site
    ("https://archive.ph/2019.01.01-123456/https://www.washingtonpost.com/x", "washingtonpost.com"),
    ("https://archive.is/newest/https://www.aljazeera.com/news/x", "aljazeera.com"),
    ("https://archive.today/o/AbCdE/https://www.dw.com/en/x", "dw.com"),
    ("http://archive.li/20180305120000/http://www.smh.com.au/x", "smh.com.au"),
    ("https://archive.ph/AbCdE", None),
    # Google AMP cache and viewer, Google cache, redirectors
    ("https://www-independent-co-uk.cdn.ampproject.org/c/s/www.independent.co.uk/news/x.amp",
     "independent.co.uk"),
    ("https://www-ksl-com.cdn.ampproject.org/v/www.ksl.com/article/x?amp_js_v=0.1", "ksl.com"),
    ("https://www.google.co.uk/amp/s/www.mirror.co.uk/news/x.amp", "mirror.co.uk"),
    ("https://webcache.googleusercontent.com/search?q=cache:AbC12:https://www.npr.org/x+&cd=1",
     "npr.org"),
    ("https://www.google.com/url?sa=t&url=http%3A%2F%2Fwww.startribune.com%2Fx%2F1&usg=A",
     "startribune.com"),
    ("https://l.facebook.com/l.php?u=https%3A%2F%2Fwww.foxnews.com%2Fus%2Fx&h=AT0", "foxnews.com"),
    ("https://eur01.safelinks.protection.outlook.com/?url=https%3A%2F%2Fwww.bbc.co.uk%2Fnews"
     "&data=1", "bbc.co.uk"),
    # a Wayback copy of a Google redirect
    ("http://web.archive.org/web/20170312160258/https://www.google.com/url?sa=t&url=http%3A%2F%2F"
     "homicides.suntimes.com%2F2013%2F11%2F14%2Fx", "homicides.suntimes.com"),
    # no host at all
    ("", None), (None, None), ("not a url", None), ("/relative/path.html", None),
])
def test_site_of(url, site):
    assert site_of(url) == site


def _read(path):
    issues = []
    return list(iter_documents([path], issues)), issues


def test_jsonl_source_from_url_and_given_source_wins(tmp_path):
    f = tmp_path / "in.jsonl"
    recs = [
        {"id": 1, "text": "one", "url": "http://web.archive.org/web/20140215012040/http://www.wdrb.com:80/x"},
        {"id": 2, "text": "two", "url": "https://www.wdrb.com/y", "source": "WDRB News"},
        {"id": 3, "text": "three", "url": "https://www.wdrb.com/z", "source": "  "},
        {"id": 4, "text": "four"},
    ]
    f.write_text("\n".join(json.dumps(r) for r in recs) + "\n")
    docs, issues = _read(f)
    assert issues == []
    assert [d.source for d in docs] == ["wdrb.com", "WDRB News", "wdrb.com", None]
    assert docs[0].url == recs[0]["url"]  # the url itself is kept as given


def test_parquet_source_from_url(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"id": ["p1", "p2"], "text": ["a text", "b text"],
                             "url": ["https://archive.ph/2020.02.02-020202/https://www.wral.com/x",
                                     None]}), tmp_path / "in.parquet")
    docs, issues = _read(tmp_path / "in.parquet")
    assert issues == [] and [d.source for d in docs] == ["wral.com", None]


def test_html_record_source_is_the_url_site_not_the_declared_name(tmp_path):
    html = ("<html><head><title>Fire downtown</title><meta property='og:site_name' content='KOMO'>"
            "</head><body><article><p>" + "A fire destroyed a warehouse downtown on Monday night. " * 8
            + "</p></article></body></html>")
    f = tmp_path / "in.jsonl"
    f.write_text(json.dumps({"id": "h", "html": html,
                             "url": "https://web.archive.org/web/2016id_/http://komonews.com/x"}) + "\n"
                 + json.dumps({"id": "n", "html": html}) + "\n")
    docs, issues = _read(f)
    assert issues == []
    assert docs[0].source == "komonews.com"
    assert docs[1].source == "KOMO"  # no url: the page's own site name
