"""Autodiscovery: every channel's three feeds are announced on / and on article pages."""

from __future__ import annotations

from datetime import datetime

from lxml import html
from support.sampledata import SHANGHAI

from syndicator import store
from syndicator.publish import run_pass
from syndicator.web import create_app

NOW = datetime(2021, 9, 2, 12, 0, tzinfo=SHANGHAI)
TYPES = {
    "rss.xml": "application/rss+xml",
    "atom.xml": "application/atom+xml",
    "feed.json": "application/feed+json",
}


def test_every_channel_and_format_is_discoverable_and_served(
    articles, make_config, engine, tmp_path
) -> None:
    config = make_config(
        tmp_path,
        channels={"economy": {"title": "经济", "section": "经济"}, "p1": {"page": 1}},
    )
    with engine.begin() as conn:
        store.save_articles(conn, articles, now=NOW)
    run_pass(engine, config, now=NOW)
    client = create_app(config, {"TESTING": True}).test_client()
    expected = {
        (f"{config.site.base_url}/feeds/{c.name}/{name}", kind)
        for c in config.channels
        for name, kind in TYPES.items()
    }
    for path in ("/", "/articles/zjgrrb-20210901-02-01"):
        page = html.fromstring(client.get(path).data)
        links = page.xpath('//head/link[@rel="alternate"]')
        assert {(link.get("href"), link.get("type")) for link in links} == expected, path
        assert all(link.get("title") for link in links)
    for href, _kind in expected:
        response = client.get(href.removeprefix(config.site.base_url))
        assert response.status_code == 200, href
