"""A corrected article in every format: the note, the modification time, the
link that changes while the GUID stays."""

from __future__ import annotations

import json
from datetime import timedelta

import feedparser
import pytest
from lxml import etree

from syndicator.render import feeds
from syndicator.render.corrections import correction_anchor, correction_note
from syndicator.render.wechat.html import render_wechat

ATOM = "http://www.w3.org/2005/Atom"
#: Page 2's first article, with a time of its own (06:00:00.899): printed as given,
#: a correction by the page-order rule (render.times), a minute before its second.
ECONOMY = "zjgrrb-20210901-02-01"
GIVEN = "2021-09-01T06:00:00.899000+08:00"
NOTE = "更正：本文于2021年9月1日 15:30更正"


@pytest.fixture
def ctx(config):
    return feeds.context_for(config, config.channel("all"))


@pytest.fixture
def economy(articles):
    return next(a for a in articles if a.id == ECONOMY)


def corrected(article, after: timedelta = timedelta(hours=9, minutes=30, seconds=15)):
    """The article corrected ``after`` its due time (06:00:00.899 + 9:30:15 = 15:30:15)."""
    return article.replace(
        title=article.title + "（修订）", updated_at=article.published_at + after
    )


def _render(ctx, article) -> dict[str, bytes]:
    return feeds.render_channel(ctx, [article])


def test_an_article_never_corrected_has_no_note_and_its_plain_link(ctx, economy) -> None:
    assert correction_note(economy) is None and correction_anchor(economy) is None
    docs = _render(ctx, economy)
    for name in ("rss.xml", "atom.xml"):
        entry = feedparser.parse(docs[name]).entries[0]
        assert "更正" not in entry.content[0].value + entry.summary
        assert entry.link == f"{ctx.site.base_url}/articles/{ECONOMY}"
    rss = etree.fromstring(docs["rss.xml"])
    assert rss.find(f"channel/item/{{{ATOM}}}updated") is None
    item = json.loads(docs["feed.json"])["items"][0]
    assert item["date_modified"] == item["date_published"] == GIVEN


def test_a_corrected_article_says_so_in_every_format(ctx, economy) -> None:
    fixed = corrected(economy)
    # The words tell when the correction was made (15:30:15, to the minute); the
    # metadata below is that second less the page-order minute (render.times).
    assert correction_note(fixed, ctx.tz) == NOTE
    docs = _render(ctx, fixed)
    plain = _render(ctx, economy)
    for name in ("rss.xml", "atom.xml"):
        entry = feedparser.parse(docs[name]).entries[0]
        assert entry.id == feedparser.parse(plain[name]).entries[0].id  # the GUID stays
        assert entry.content[0].value.startswith(f"<p><strong>{NOTE}</strong></p>")
        assert entry.summary == f"{NOTE}。{economy.digest()}"  # RSS description, Atom summary
        assert entry.updated == "2021-09-01T15:29:15+08:00"  # RSS: atom:updated
        assert entry.published_parsed == feedparser.parse(plain[name]).entries[0].published_parsed
        anchor = "corrected-20210901T073015Z"
        assert entry.link == f"{ctx.site.base_url}/articles/{ECONOMY}#{anchor}"
    atom = etree.fromstring(docs["atom.xml"])
    assert atom.findtext(f"{{{ATOM}}}entry/{{{ATOM}}}updated") == "2021-09-01T15:29:15+08:00"
    item = json.loads(docs["feed.json"])["items"][0]
    assert item["content_html"].startswith(f"<p><strong>{NOTE}</strong></p>")
    assert item["summary"].startswith(NOTE)
    assert item["date_modified"] == "2021-09-01T15:29:15+08:00"
    assert item["date_published"] == GIVEN
    assert item["url"] == f"{ctx.site.base_url}/articles/{ECONOMY}"  # readers key JSON on id


def test_each_correction_changes_the_link_and_never_the_guid(ctx, economy) -> None:
    first, second = corrected(economy), corrected(economy, timedelta(days=1))
    entries = [feedparser.parse(_render(ctx, a)["rss.xml"]).entries[0] for a in (first, second)]
    assert entries[0].id == entries[1].id
    assert entries[0].link != entries[1].link
    assert correction_anchor(second) == "corrected-20210901T220000Z"  # 06:00 next day


def test_correction_note_is_in_local_time(economy) -> None:
    from zoneinfo import ZoneInfo

    fixed = corrected(economy)
    assert correction_note(fixed, ZoneInfo("UTC")) == "更正：本文于2021年9月1日 07:30更正"
    assert correction_note(fixed) == NOTE  # the offset the time carries: +08:00


def test_an_updated_at_equal_to_published_at_is_no_correction(ctx, economy) -> None:
    """One corrected before it was due keeps its time (store.save_articles): no note."""
    same = economy.replace(title="改过的标题", updated_at=economy.published_at)
    assert correction_note(same) is None
    assert "更正" not in _render(ctx, same)["feed.json"].decode()


def test_the_wechat_post_carries_no_correction_note(economy) -> None:
    """A WeChat post is a new send to followers, who never saw the earlier text;
    a sent post is mended in WeChat's own editor (see the README)."""
    assert "更正" not in render_wechat(corrected(economy))
