"""The headers aggregators rely on: WebSub ``Link``, CORS on feeds and OPML only, robots.txt.

Each is checked on the fast path (the running app) and on the Flask route
behind it (``FEEDS_FAST_PATH: False``), for 200s, 304s and HEAD.
"""

from __future__ import annotations

from datetime import datetime
from urllib.robotparser import RobotFileParser

import pytest
from support.sampledata import SHANGHAI

from syndicator import store
from syndicator.publish import run_pass
from syndicator.web import create_app

NOW = datetime(2021, 9, 2, 12, 0, tzinfo=SHANGHAI)
HUBS = ["https://pubsubhubbub.appspot.com/", "https://websub.example.net/hub"]
TOPICS = ["/feeds/all/rss.xml", "/feeds/all/atom.xml", "/feeds/all/feed.json"]
ARCHIVE = [
    "/feeds/all/archive/2021-09-01/rss.xml",
    "/feeds/all/archive/2021-09-01/atom.xml",
    "/feeds/all/archive/2021-09-01/feed.json",
    "/feeds/all/archive/start/atom.xml",
]
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture
def site(articles, make_config, engine, tmp_path):
    config = make_config(tmp_path / "site", feeds={"limit": 1, "hubs": HUBS})
    with engine.begin() as conn:
        store.save_articles(conn, articles, now=NOW)
    run_pass(engine, config, now=NOW)
    return config


@pytest.fixture(params=["fast path", "flask route"])
def client(request, site):
    test_config = {"TESTING": True}
    if request.param == "flask route":
        test_config["FEEDS_FAST_PATH"] = False
    return create_app(site, test_config).test_client()


def _answers(client, path: str):
    """GET, a browser's GET (the feed's page), HEAD and a conditional GET (304)."""
    first = client.get(path)
    yield "GET", first
    yield "browser", client.get(path, headers={"Accept": BROWSER})
    yield "HEAD", client.head(path)
    conditional = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert conditional.status_code == 304
    yield "304", conditional


@pytest.mark.parametrize("path", TOPICS)
def test_every_feed_response_links_its_hubs_and_itself(client, site, path) -> None:
    """WebSub 4: a publisher MUST advertise the hub(s) and the topic's own URL."""
    self_url = f"{site.site.base_url}{path}"
    for kind, response in _answers(client, path):
        links = response.headers.getlist("Link")
        assert links == [
            '<https://pubsubhubbub.appspot.com/>; rel="hub"',
            '<https://websub.example.net/hub>; rel="hub"',
            f'<{self_url}>; rel="self"',
        ], kind


@pytest.mark.parametrize("path", ARCHIVE)
def test_an_archive_page_links_itself_but_no_hub(client, site, path) -> None:
    """No hub is ever pinged for an archive page, as its body says (no rel=hub)."""
    for kind, response in _answers(client, path):
        assert response.headers.getlist("Link") == [f'<{site.site.base_url}{path}>; rel="self"'], (
            kind
        )


def test_without_hubs_a_feed_still_links_itself(articles, make_config, engine, tmp_path) -> None:
    config = make_config(tmp_path / "nohub")
    with engine.begin() as conn:
        store.save_articles(conn, articles, now=NOW)
    run_pass(engine, config, now=NOW)
    response = create_app(config, {"TESTING": True}).test_client().get("/feeds/all/rss.xml")
    assert response.headers.getlist("Link") == [
        f'<{config.site.base_url}/feeds/all/rss.xml>; rel="self"'
    ]


@pytest.mark.parametrize("path", [*TOPICS, *ARCHIVE, "/feeds/opml.xml"])
def test_feeds_and_opml_may_be_read_by_any_origin(client, path) -> None:
    for kind, response in _answers(client, path):
        assert response.headers["Access-Control-Allow-Origin"] == "*", kind
        # A web reader polls with the ETag and finds the hub: both readable by its script.
        assert response.headers["Access-Control-Expose-Headers"] == "ETag, Link", kind


def test_a_cors_preflight_for_a_conditional_poll_is_allowed(client) -> None:
    """A web reader that sends If-None-Match itself makes the browser ask first."""
    response = client.options(
        "/feeds/all/atom.xml",
        headers={
            "Origin": "https://reader.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "if-none-match",
        },
    )
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "If-None-Match" in response.headers["Access-Control-Allow-Headers"]
    assert response.headers["Access-Control-Allow-Methods"] == "GET, HEAD"


def test_nothing_else_is_open_to_other_origins(client, site) -> None:
    post = next((site.output_dir / "wechat").glob("*.html")).name
    for path in (
        "/",
        "/articles/zjgrrb-20210902-01-01",
        "/desk/",
        "/desk/login",
        "/api/articles",
        "/healthz",
        "/robots.txt",
        "/static/app.css",
        f"/feeds/wechat/{post}",  # the newsroom's WeChat files are not feeds
        "/feeds/all/nope.xml",
    ):
        response = client.get(path)
        response.close()  # a static file's stream
        assert "Access-Control-Allow-Origin" not in response.headers, (path, response.status)
        assert "Link" not in response.headers, path
    preflight = client.options(f"/feeds/wechat/{post}", headers={"Origin": "https://x.example"})
    assert "Access-Control-Allow-Origin" not in preflight.headers


def test_robots_txt_allows_feeds_and_pages_not_desk_or_api(client) -> None:
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    robots = RobotFileParser()
    robots.parse(response.get_data(as_text=True).splitlines())
    for agent in ("*", "Googlebot", "Baiduspider"):
        for path in (
            "/",
            "/feeds/all/rss.xml",
            "/feeds/opml.xml",
            "/articles/zjgrrb-20210902-01-01",
            "/editions/2021-09-02",
            "/static/app.css",
        ):
            assert robots.can_fetch(agent, path), (agent, path)
        for path in ("/desk/", "/desk/login", "/desk/articles/x", "/api/articles", "/metrics"):
            assert not robots.can_fetch(agent, path), (agent, path)
