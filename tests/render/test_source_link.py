"""The e-paper page (``source_url``) in every format: RSS too, and the 来源 footer."""

from __future__ import annotations

import json

import feedparser
import pytest

from syndicator.render import feeds

ECONOMY = "zjgrrb-20210901-02-01"  # has an e-paper page


@pytest.fixture
def ctx(config):
    return feeds.context_for(config, config.channel("all"))


@pytest.fixture
def economy(articles):
    return next(a for a in articles if a.id == ECONOMY)


def _render(ctx, article) -> dict[str, bytes]:
    return feeds.render_channel(ctx, [article])


def test_rss_item_links_to_the_e_paper_page_and_the_footer_is_a_link(ctx, economy) -> None:
    assert economy.source_url
    docs = _render(ctx, economy)
    entry = feedparser.parse(docs["rss.xml"]).entries[0]
    assert {(link.rel, link.href) for link in entry.links if link.rel != "enclosure"} == {
        ("alternate", f"{ctx.site.base_url}/articles/{ECONOMY}"),
        ("related", economy.source_url),
    }
    assert entry.link == f"{ctx.site.base_url}/articles/{ECONOMY}"  # <link> stays the page
    # (tests/data/articles.json names no paper; an import fills it in.)
    footer = f'<a href="{economy.source_url}">来源：2021年9月1日 第02版：经济</a>'
    for name in ("rss.xml", "atom.xml"):
        assert footer in feedparser.parse(docs[name]).entries[0].content[0].value
    assert footer in json.loads(docs["feed.json"])["items"][0]["content_html"]


def test_without_an_e_paper_page_the_footer_stays_text(ctx, articles) -> None:
    lead = next(a for a in articles if a.source_url is None)
    rss = _render(ctx, lead)["rss.xml"]
    assert b'rel="related"' not in rss
    content = feedparser.parse(rss).entries[0].content[0].value
    assert "<small>来源：" in content and "<a " not in content
