"""The fast path for /feeds/ answers exactly as the Flask route does."""

from __future__ import annotations

import os
from datetime import datetime

import pytest
from support.sampledata import SHANGHAI

from syndicator import store
from syndicator.publish import run_pass
from syndicator.web import create_app
from syndicator.web.documents import DocumentCache
from syndicator.web.feedpage import render_feed_page

NOW = datetime(2021, 9, 2, 12, 0, tzinfo=SHANGHAI)
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
PATHS = [
    "/feeds/all/rss.xml",
    "/feeds/all/atom.xml",
    "/feeds/all/feed.json",
    "/feeds/all/archive/2021-09-01/atom.xml",
    "/feeds/all/archive/2021-09-01/feed.json",
    "/feeds/opml.xml",
    "/feeds/feed.xsl",
    "/feeds/all/rss.xml.gz",
    "/feeds/all/archive/.pages.json",
    "/feeds/nope/rss.xml",
    "/feeds/all/missing.xml",
    "/feeds/../config.toml",
    "/feeds/all//rss.xml",
]
MINIFLUX = (
    "application/xml, application/atom+xml, application/rss+xml, application/rdf+xml, "
    "application/feed+json, text/html, */*;q=0.9"
)
HEADERS = [
    {},
    {"Accept-Encoding": "gzip"},
    {"Accept-Encoding": "gzip;q=0, identity"},
    {"Accept-Encoding": "br, gzip, deflate", "Accept": BROWSER},  # the feed's page
    {"Accept": BROWSER},
    {"Accept": MINIFLUX, "Accept-Encoding": "br, gzip"},
    {"Accept": "application/rss+xml, */*;q=0.1"},
]


@pytest.fixture
def site(articles, make_config, engine, tmp_path):
    config = make_config(
        tmp_path / "site", feeds={"limit": 1, "hubs": ["https://hub.example/", "http://h2/"]}
    )
    with engine.begin() as conn:
        store.save_articles(conn, articles, now=NOW)
    run_pass(engine, config, now=NOW)
    return config


def _answer(client, method, path, headers):
    response = client.open(path, method=method, headers=headers)
    kept = sorted((k, v) for k, v in response.headers.items() if k not in ("Date", "Server"))
    return response.status_code, kept, response.data


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_fast_path_answers_like_the_flask_route(site, method) -> None:
    fast = create_app(site, {"TESTING": True}).test_client()
    slow = create_app(site, {"TESTING": True, "FEEDS_FAST_PATH": False}).test_client()
    for path in PATHS:
        for headers in HEADERS:
            first = _answer(slow, method, path, headers)
            assert _answer(fast, method, path, headers) == first, (path, headers)
            etag = dict(first[1]).get("ETag")
            if etag:
                for conditional in ({"If-None-Match": etag}, {"If-None-Match": f"W/{etag}, x"}):
                    both = {**headers, **conditional}
                    assert _answer(fast, method, path, both) == _answer(slow, method, path, both)
                    assert _answer(fast, method, path, both)[0] == 304


def test_document_cache_stays_within_its_budget(site) -> None:
    cache = DocumentCache(max_bytes=1)
    paths = [p for p in site.output_dir.rglob("*.xml")]
    for path in paths:
        assert cache.get(str(path)) is not None
    assert len(cache._docs) == 1  # always keeps the newest one
    assert cache.get(str(site.output_dir / "nope.xml")) is None


def test_a_feeds_page_is_made_once_and_counted_with_the_feed(site) -> None:
    cache = DocumentCache(render_page=render_feed_page)
    path = str(site.output_dir / "all" / "rss.xml")
    feed = cache.get(path)
    alone = cache.bytes
    page = cache.page(path, feed)
    assert page.media_type == "text/html; charset=utf-8" and page.etag != feed.etag
    assert cache.page(path, feed) is page
    assert cache.bytes == alone + page.size
    os.utime(path, (1, 1))  # a new version of the feed: read again, its old page dropped
    fresh = cache.get(path)
    assert fresh is not feed and fresh._page is None
    assert cache.bytes == fresh.size


def test_a_feed_that_cannot_be_shown_as_a_page_is_served_as_itself(site, caplog) -> None:
    def broken(_feed):
        raise ValueError("no")

    cache = DocumentCache(render_page=broken)
    path = str(site.output_dir / "all" / "atom.xml")
    feed = cache.get(path)
    assert cache.page(path, feed) is feed
    assert "cannot be shown as a page" in caplog.text


def test_document_cache_has_no_document_for_a_name_too_long(tmp_path) -> None:
    """The cache's own guard, behind :func:`resolve`'s: ``ENAMETOOLONG`` is not a 500."""
    cache = DocumentCache()
    assert cache.get(str(tmp_path / ("x" * 300))) is None
    assert cache.get(str(tmp_path / "/".join(["y" * 200] * 25))) is None
