"""A feed's URL: the feed's bytes for every reader, a page for a person's browser.

Browsers are dropping XSLT, so a feed opened in one would show as a raw
XML tree. The URL negotiates on ``Accept`` instead: a request that ranks
``text/html`` above every type of the feed gets an HTML page saying how
to subscribe; anything else gets the feed, byte for byte, with the same
ETag as before. The Accept headers below are what real clients send, each
with where it comes from; the real clients themselves (feedparser,
newsboat, sfeed, Chromium) are in test_feeds_live.py and
test_feed_page_browser.py.
"""

from __future__ import annotations

import gzip
from datetime import datetime

import pytest
from lxml import html
from support.sampledata import SHANGHAI

from syndicator import store
from syndicator.publish import run_pass
from syndicator.web import create_app
from syndicator.web.documents import MEDIA_TYPES, prefers_html

NOW = datetime(2021, 9, 2, 12, 0, tzinfo=SHANGHAI)

#: What feed readers send, and where each comes from. None of them may get the page.
READER_ACCEPTS = {
    # feedparser 6.0 (feedparser/http.py ACCEPT_HEADER), as captured from the real client.
    "feedparser": "application/atom+xml,application/rdf+xml,application/rss+xml,"
    "application/x-netcdf,application/xml;q=0.9,text/xml;q=0.2,*/*;q=0.1",
    # newsboat 2.21 (Debian), captured: libcurl's default.
    "newsboat": "*/*",
    # sfeed_update 1.7 fetches with `curl -L --max-redirs 0 -H "User-Agent:" -f -s -m 15`.
    "sfeed / curl": "*/*",
    # Miniflux 2 (miniflux/v2 internal/reader/fetcher/request_builder.go, defaultAcceptHeader):
    # text/html ranks as high as the feed types, never above them.
    "miniflux": "application/xml, application/atom+xml, application/rss+xml, "
    "application/rdf+xml, application/feed+json, text/html, */*;q=0.9",
    # SimplePie, the fetcher of FreshRSS (simplepie/simplepie src/SimplePie.php).
    "simplepie / freshrss": "application/atom+xml, application/rss+xml, "
    "application/rdf+xml;q=0.9, application/xml;q=0.8, text/xml;q=0.8, text/html;q=0.7, "
    "unknown/unknown;q=0.1, application/unknown;q=0.1, */*;q=0.1",
    # rss-parser on npm (rbren/rss-parser lib/parser.js, DEFAULT_HEADERS).
    "rss-parser": "application/rss+xml",
    # @extractus/feed-extractor: cross-fetch sends node-fetch's default (src/utils/retrieve.js);
    # its axios-based releases sent axios's default.
    "feed-extractor": "*/*",
    "feed-extractor (axios)": "application/json, text/plain, */*",
    # Go's net/http (gofeed, many aggregators) and Python's urllib send no Accept at all;
    # so does the W3C feed validator (w3c/feedvalidator src/feedvalidator/__init__.py).
    "no Accept header": "",
}
#: What browsers send when a person opens a link (MDN, "List of default Accept values").
BROWSER_ACCEPTS = {
    "chromium": "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,"
    "image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7",
    "firefox": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "safari": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
}
FEEDS = [
    "/feeds/all/rss.xml",
    "/feeds/all/atom.xml",
    "/feeds/all/feed.json",
    "/feeds/all/archive/2021-09-01/rss.xml",
    "/feeds/all/archive/2021-09-01/feed.json",
]


@pytest.fixture
def site(articles, make_config, engine, tmp_path):
    """The three sample articles; a limit of 1 puts 2021-09-01 on an archive page."""
    config = make_config(tmp_path / "site", feeds={"limit": 1})
    with engine.begin() as conn:
        store.save_articles(conn, articles, now=NOW)
    run_pass(engine, config, now=NOW)
    return config


@pytest.fixture
def client(site):
    return create_app(site, {"TESTING": True}).test_client()


def _get(client, path: str, accept: str, **headers: str):
    return client.get(path, headers={**({"Accept": accept} if accept else {}), **headers})


@pytest.mark.parametrize("path", FEEDS)
def test_every_feed_reader_gets_the_feed_bytes_and_etag(client, path) -> None:
    plain = client.get(path)
    media = MEDIA_TYPES[path.rsplit("/", 1)[1]]
    assert plain.headers["Content-Type"] == media
    for reader, accept in READER_ACCEPTS.items():
        got = _get(client, path, accept)
        assert got.status_code == 200, reader
        assert got.headers["Content-Type"] == media, reader
        assert got.data == plain.data, reader
        assert got.headers["ETag"] == plain.headers["ETag"], reader
        assert got.headers["Vary"] == "Accept, Accept-Encoding", reader
        zipped = _get(client, path, accept, **{"Accept-Encoding": "gzip"})
        assert gzip.decompress(zipped.data) == plain.data, reader
        again = _get(client, path, accept, **{"If-None-Match": plain.headers["ETag"]})
        assert again.status_code == 304 and again.data == b"", reader


@pytest.mark.parametrize("path", FEEDS)
def test_a_browser_gets_a_page_with_its_own_etag(client, site, path) -> None:
    feed = client.get(path)
    for browser, accept in BROWSER_ACCEPTS.items():
        page = _get(client, path, accept)
        assert page.status_code == 200, browser
        assert page.headers["Content-Type"] == "text/html; charset=utf-8", browser
        assert page.headers["Vary"] == "Accept, Accept-Encoding", browser
        assert page.headers["ETag"] != feed.headers["ETag"], browser
        assert page.headers["Last-Modified"] == feed.headers["Last-Modified"], browser
        assert "default-src 'none'" in page.headers["Content-Security-Policy"], browser
        tag = page.headers["ETag"]
        again = _get(client, path, accept, **{"If-None-Match": tag})
        assert again.status_code == 304 and again.data == b"", browser
        # The feed's own tag does not make the page fresh (nor the other way round).
        assert _get(client, path, accept, **{"If-None-Match": feed.headers["ETag"]}).data
        assert client.get(path, headers={"If-None-Match": tag}).data == feed.data
        zipped = _get(client, path, accept, **{"Accept-Encoding": "gzip"})
        assert zipped.headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(zipped.data) == page.data
        head = client.head(path, headers={"Accept": accept})
        assert head.data == b"" and head.headers["ETag"] == tag
        assert int(head.headers["Content-Length"]) == len(page.data)


def test_the_page_says_how_to_subscribe_and_lists_the_items(client, site) -> None:
    base = site.site.base_url
    for name in ("rss.xml", "atom.xml", "feed.json"):
        page = html.fromstring(_get(client, f"/feeds/all/{name}", BROWSER_ACCEPTS["chromium"]).data)
        assert page.get("lang") == "zh-CN"
        assert page.findtext(".//h1") == "浙江工人日报"
        how = page.get_element_by_id("how-to-subscribe").text_content()
        assert "如何订阅" in how and f"{base}/feeds/all/{name}" in how
        assert page.xpath("//code[@class='address']/text()") == [f"{base}/feeds/all/{name}"]
        links = page.xpath("//a[@class='item-title']")
        assert [a.text for a in links] == ["明天才发布的稿件"]
        assert links[0].get("href") == f"{base}/articles/zjgrrb-20210902-01-01"
        assert page.xpath("//time/text()") == ["2021-09-02 06:00"]
        formats = page.xpath("//ul[@class='formats']/li/a/@href")
        assert formats[0] == f"{base}/feeds/all/{name}"  # the one opened first
        assert f"{base}/feeds/opml.xml" in formats
        alternate = page.xpath("//head/link[@rel='alternate']")[0]
        assert alternate.get("href") == f"{base}/feeds/all/{name}"


def test_an_archive_page_points_to_the_feed_to_subscribe_to(client, site) -> None:
    base = site.site.base_url
    accept = BROWSER_ACCEPTS["firefox"]
    page = html.fromstring(_get(client, "/feeds/all/archive/2021-09-01/atom.xml", accept).data)
    assert page.findtext(".//h1") == "浙江工人日报（2021-09-01 存档）"
    how = page.get_element_by_id("how-to-subscribe").text_content()
    assert "2021-09-01 的往期存档" in how
    assert page.xpath("//code[@class='address']/text()") == [f"{base}/feeds/all/atom.xml"]
    assert len(page.xpath("//a[@class='item-title']")) == 2


def test_other_files_under_feeds_are_not_negotiated(client) -> None:
    accept = BROWSER_ACCEPTS["chromium"]
    opml = _get(client, "/feeds/opml.xml", accept)
    assert opml.headers["Content-Type"] == "text/x-opml; charset=utf-8"
    assert opml.headers["Vary"] == "Accept-Encoding"


@pytest.mark.parametrize(
    ("accept", "page"),
    [
        ("text/html", True),
        ("text/html;q=0.9, application/rss+xml;q=0.5", True),
        ("text/html, application/rss+xml", False),  # a tie goes to the feed
        ("application/rss+xml, text/html;q=0.9", False),
        ("text/html, application/xml", False),  # the generic types count as the feed's
        ("text/html, application/json", False),
        ("text/html;q=0.8, application/atom+xml;q=0.7, */*;q=0.9", False),
        ("text/html;q=0", False),
        ("TEXT/HTML", False),  # not what a browser sends: the feed, the safe answer
        ("text/*", False),
        ("*/*", False),
        ("", False),
    ],
)
def test_prefers_html_ranks_text_html_against_every_feed_type(accept, page) -> None:
    for name in ("rss.xml", "atom.xml", "feed.json"):
        assert prefers_html(accept, MEDIA_TYPES[name]) is page, name


def test_a_reader_of_one_format_gets_the_feed_in_another() -> None:
    """SimplePie reads no JSON Feed and ranks HTML above it, but Atom above HTML:
    a feed reader, even at a JSON Feed URL."""
    simplepie = READER_ACCEPTS["simplepie / freshrss"]
    assert not prefers_html(simplepie, MEDIA_TYPES["feed.json"])
    assert not prefers_html(BROWSER_ACCEPTS["chromium"], "text/x-opml; charset=utf-8")
