"""The feed files over real HTTP semantics: ETag, 304, gzip, HEAD, media types."""

from __future__ import annotations

import gzip
from datetime import datetime, timedelta

import feedparser
import pytest
from support.sampledata import SHANGHAI

from syndicator import store
from syndicator.publish import run_pass
from syndicator.web import create_app

NOW = datetime(2021, 9, 2, 12, 0, tzinfo=SHANGHAI)
TYPES = {
    "rss.xml": "application/rss+xml; charset=utf-8",
    "atom.xml": "application/atom+xml; charset=utf-8",
    "feed.json": "application/feed+json; charset=utf-8",
}


@pytest.fixture
def published(articles, engine, config):
    with engine.begin() as conn:
        store.save_articles(conn, articles, now=NOW)
    run_pass(engine, config, now=NOW)


@pytest.mark.parametrize("name", sorted(TYPES))
def test_feed_served_with_media_type_etag_and_last_modified(client, published, name) -> None:
    response = client.get(f"/feeds/all/{name}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == TYPES[name]
    assert response.headers["ETag"].startswith('"') and len(response.headers["ETag"]) > 20
    # Last-Modified is when the feed last changed as the store tells it (the
    # pass that first published its items, NOW), not when the file was written.
    assert response.headers["Last-Modified"] == "Thu, 02 Sep 2021 04:00:00 GMT"
    assert "max-age=60" in response.headers["Cache-Control"]
    # A browser gets a page at the same URL (test_feed_page.py): every answer varies.
    assert response.headers["Vary"] == "Accept, Accept-Encoding"


@pytest.mark.parametrize("name", sorted(TYPES))
def test_feed_conditional_get_returns_304_with_empty_body(client, published, name) -> None:
    first = client.get(f"/feeds/all/{name}")
    etag = first.headers["ETag"]
    again = client.get(f"/feeds/all/{name}", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag
    by_date = client.get(
        f"/feeds/all/{name}", headers={"If-Modified-Since": first.headers["Last-Modified"]}
    )
    assert by_date.status_code == 304 and by_date.data == b""
    stale = client.get(f"/feeds/all/{name}", headers={"If-None-Match": '"something-else"'})
    assert stale.status_code == 200 and stale.data == first.data


def test_feed_gzip_when_accepted(client, published) -> None:
    plain = client.get("/feeds/all/rss.xml")
    zipped = client.get("/feeds/all/rss.xml", headers={"Accept-Encoding": "gzip, deflate"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.data) == plain.data
    assert len(zipped.data) < len(plain.data)
    assert zipped.headers["ETag"] != plain.headers["ETag"]
    # A client holding either variant's tag is up to date.
    for tag in (plain.headers["ETag"], zipped.headers["ETag"]):
        again = client.get(
            "/feeds/all/rss.xml", headers={"Accept-Encoding": "gzip", "If-None-Match": tag}
        )
        assert again.status_code == 304
    refused = client.get("/feeds/all/rss.xml", headers={"Accept-Encoding": "gzip;q=0"})
    assert "Content-Encoding" not in refused.headers


def test_feed_head_has_headers_and_no_body(client, published) -> None:
    get = client.get("/feeds/all/atom.xml")
    head = client.head("/feeds/all/atom.xml")
    assert head.status_code == 200
    assert head.data == b""
    assert head.headers["ETag"] == get.headers["ETag"]
    assert int(head.headers["Content-Length"]) == len(get.data)


def test_feed_etag_stable_across_app_instances(config, engine, published) -> None:
    one = create_app(config, {"TESTING": True}).test_client().get("/feeds/all/feed.json")
    two = create_app(config, {"TESTING": True}).test_client().get("/feeds/all/feed.json")
    assert one.headers["ETag"] == two.headers["ETag"]
    assert one.headers["Last-Modified"] == two.headers["Last-Modified"]


def test_feed_etag_changes_when_feed_changes(client, engine, config, published) -> None:
    before = client.get("/feeds/all/atom.xml").headers["ETag"]
    with engine.begin() as conn:
        store.set_status(conn, "zjgrrb-20210901-01-01", "withdrawn")
    run_pass(engine, config, now=NOW)
    after = client.get("/feeds/all/atom.xml", headers={"If-None-Match": before})
    assert after.status_code == 200
    assert after.headers["ETag"] != before
    assert "zjgrrb-20210901-01-01" not in after.get_data(as_text=True)


@pytest.mark.parametrize(
    "path",
    [
        "/feeds/nope/rss.xml",
        "/feeds/all/rss.xml.gz",
        "/feeds/../config.toml",
        "/feeds/%2e%2e/store.db",
        "/feeds/all/../../store.db",
    ],
)
def test_feed_unknown_or_escaping_path_is_short_404(client, published, path) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert len(response.data) < 200
    assert b"Traceback" not in response.data


@pytest.mark.parametrize("fast_path", [True, False], ids=["fast-path", "flask-route"])
@pytest.mark.parametrize(
    "name",
    [
        "x" * 256,  # one file name over NAME_MAX
        "all/" + "y" * 300 + ".xml",
        "all/" + "页" * 90,  # 270 bytes in 90 characters
        "/".join(["all"] + ["z" * 200] * 25),  # each part short, the whole over PATH_MAX
        "wechat/" + "w" * 5000,
    ],
    ids=["name", "in-channel", "multibyte", "path-max", "wechat"],
)
def test_feed_name_too_long_for_the_filesystem_is_404(
    config, engine, published, fast_path, name
) -> None:
    """Once an ``ENAMETOOLONG`` from ``stat``: a 500 with a traceback."""
    client = create_app(config, {"TESTING": True, "FEEDS_FAST_PATH": fast_path}).test_client()
    for method in ("GET", "HEAD", "OPTIONS"):
        response = client.open(f"/feeds/{name}", method=method)
        assert response.status_code == 404, method
        assert len(response.data) < 300


def test_feeds_parse_cleanly_over_http(client, published) -> None:
    for name in TYPES:
        response = client.get(f"/feeds/all/{name}")
        if name == "feed.json":
            import json

            doc = json.loads(response.data)
            assert doc["version"] == "https://jsonfeed.org/version/1.1"
            assert len(doc["items"]) == 3
            continue
        parsed = feedparser.parse(response.data)
        assert parsed.bozo == 0, parsed.get("bozo_exception")
        assert len(parsed.entries) == 3
    opml = client.get("/feeds/opml.xml")
    assert opml.status_code == 200
    assert b"/feeds/all/rss.xml" in opml.data


def test_archive_pages_are_served_with_their_cache_lifetimes(
    articles, make_config, client, engine, tmp_path
) -> None:

    config = make_config(tmp_path / "small", feeds={"limit": 1})
    with engine.begin() as conn:
        store.save_articles(conn, articles, now=NOW)
    run_pass(engine, config, now=NOW)
    small = create_app(config, {"TESTING": True}).test_client()
    page = small.get("/feeds/all/archive/2021-09-01/atom.xml")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "public, max-age=2592000"
    assert page.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    again = small.get(
        "/feeds/all/archive/2021-09-01/atom.xml", headers={"If-None-Match": page.headers["ETag"]}
    )
    assert again.status_code == 304
    current = small.get("/feeds/all/atom.xml")
    assert current.headers["Cache-Control"] == "public, max-age=60"
    assert small.get("/feeds/opml.xml").headers["Cache-Control"] == "public, max-age=60"
    assert small.get("/feeds/feed.xsl").status_code == 404  # no XSLT: see test_feed_page.py
    assert small.get("/feeds/all/archive/.pages.json").status_code == 404


def test_unknown_channel_is_a_short_text_404_naming_the_channels(client, published) -> None:
    response = client.get("/feeds/sport/rss.xml")
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    text = response.get_data(as_text=True)
    assert "sport" in text and "all" in text and len(text) < 120
    long = client.get("/feeds/" + "x" * 500 + "/rss.xml")
    assert long.status_code == 404 and len(long.data) < 300


def test_channel_named_archive_is_not_cached_like_an_archive_page(
    articles, make_config, engine, tmp_path
) -> None:

    config = make_config(tmp_path / "a", channels={"archive": {"section": "经济"}})
    with engine.begin() as conn:
        store.save_articles(conn, articles, now=NOW)
    run_pass(engine, config, now=NOW)
    client = create_app(config, {"TESTING": True}).test_client()
    response = client.get("/feeds/archive/rss.xml")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=60"


@pytest.mark.parametrize("name", sorted(TYPES))
def test_an_older_item_arriving_moves_last_modified(
    articles, client, engine, config, published, name
):
    """Page 2 imported after page 1 (or a back-dated article) is older than
    the newest item, yet the feed changed: a reader polling with
    If-Modified-Since alone must get it, not a 304."""
    first = client.get(f"/feeds/all/{name}")
    oldest = min(articles, key=lambda a: a.updated_at)
    late = oldest.replace(id=f"{oldest.id}-late", seq=oldest.seq + 50)
    later = NOW + timedelta(hours=1)
    with engine.begin() as conn:
        store.save_articles(conn, [late], now=later)
    run_pass(engine, config, now=later)
    poll = client.get(
        f"/feeds/all/{name}", headers={"If-Modified-Since": first.headers["Last-Modified"]}
    )
    assert poll.status_code == 200 and late.id.encode() in poll.data
    assert poll.headers["Last-Modified"] == "Thu, 02 Sep 2021 05:00:00 GMT"
    if name != "feed.json":  # the document's own updated / lastBuildDate moved too
        parsed = feedparser.parse(poll.data)
        assert parsed.feed.updated_parsed[:4] == (2021, 9, 2, 5)


def _correct(engine, article, at: datetime) -> None:
    with engine.begin() as conn:
        store.save_articles(conn, [article.replace(title=f"{article.title}（更正）")], now=at)


def _withdraw(engine, article_id: str) -> None:
    with engine.begin() as conn:
        store.set_status(conn, article_id, "withdrawn")


@pytest.mark.parametrize("name", sorted(TYPES))
def test_a_withdrawal_moves_last_modified_and_updated_forward(
    articles, client, engine, config, published, name
) -> None:
    """The newest item (corrected at 13:00) is withdrawn at 14:00: the feed's
    time was the correction's; without that item it would fall back to 12:00,
    and a reader polling with If-Modified-Since would be told nothing changed."""
    newest = max(articles, key=lambda a: a.published_at)
    _correct(engine, newest, NOW + timedelta(hours=1))
    run_pass(engine, config, now=NOW + timedelta(hours=1))
    before = client.get(f"/feeds/all/{name}")
    assert before.headers["Last-Modified"] == "Thu, 02 Sep 2021 05:00:00 GMT"
    _withdraw(engine, newest.id)
    run_pass(engine, config, now=NOW + timedelta(hours=2))
    poll = client.get(
        f"/feeds/all/{name}", headers={"If-Modified-Since": before.headers["Last-Modified"]}
    )
    assert poll.status_code == 200 and newest.id.encode() not in poll.data
    assert poll.headers["Last-Modified"] == "Thu, 02 Sep 2021 06:00:00 GMT"
    if name != "feed.json":  # lastBuildDate / Atom updated: the withdrawal's pass too
        assert feedparser.parse(poll.data).feed.updated_parsed[:5] == (2021, 9, 2, 6, 0)


@pytest.mark.parametrize("name", sorted(TYPES))
def test_a_withdrawal_from_an_archive_page_moves_its_time_forward(
    articles, make_config, engine, tmp_path, name
) -> None:
    config = make_config(tmp_path / "small", feeds={"limit": 1})
    with engine.begin() as conn:
        store.save_articles(conn, articles, now=NOW)
    run_pass(engine, config, now=NOW)
    client = create_app(config, {"TESTING": True}).test_client()
    url = f"/feeds/all/archive/2021-09-01/{name}"
    corrected = next(a for a in articles if a.id == "zjgrrb-20210901-01-01")
    _correct(engine, corrected, NOW + timedelta(hours=1))
    run_pass(engine, config, now=NOW + timedelta(hours=1))
    before = client.get(url).headers["Last-Modified"]
    assert before == "Thu, 02 Sep 2021 05:00:00 GMT"
    _withdraw(engine, corrected.id)
    run_pass(engine, config, now=NOW + timedelta(hours=2))
    page = client.get(url, headers={"If-Modified-Since": before})
    assert page.status_code == 200 and corrected.id.encode() not in page.data
    assert page.headers["Last-Modified"] == "Thu, 02 Sep 2021 06:00:00 GMT"
    if name != "feed.json":
        assert feedparser.parse(page.data).feed.updated_parsed[:5] == (2021, 9, 2, 6, 0)
    # Put back, the article's old times would not move the page: the restore does.
    with engine.begin() as conn:
        store.set_status(conn, corrected.id, "published")
    run_pass(engine, config, now=NOW + timedelta(hours=3))
    restored = client.get(url)
    assert corrected.id.encode() in restored.data
    assert restored.headers["Last-Modified"] == "Thu, 02 Sep 2021 07:00:00 GMT"
