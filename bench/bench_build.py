"""Target 4: one 50-item channel in all three formats against bare feedgen.

The reference is feedgen alone building the same channel's RSS and Atom
(title, links, ids, times, authors, categories, summary and full text of
each item; no extensions, no JSON Feed). Both are timed in turns on the
same fifty articles; the median of each gives the ratio. Before timing,
the two RSS and the two Atom documents are parsed with feedparser and
their entries compared, so the race is between equivalent outputs.
"""

from __future__ import annotations

import statistics
import time
from datetime import datetime

import feedparser
import synth
from feedgen.feed import FeedGenerator
from table import Row

from syndicator.config import config_from_dict
from syndicator.model import sort_for_feed
from syndicator.render import feeds
from syndicator.render.html import article_html, article_url

NOW = datetime(2015, 6, 1, 12, 0, tzinfo=synth.SHANGHAI)


def bare_feedgen(ctx: feeds.FeedContext, articles) -> tuple[bytes, bytes]:
    fg = FeedGenerator()
    fg.id(ctx.feed_url("atom.xml"))
    fg.title(ctx.channel.title)
    fg.subtitle(ctx.channel.description)
    fg.author({"name": ctx.site.title, "uri": ctx.home_url})
    fg.language(ctx.site.language)
    fg.link(href=ctx.feed_url("atom.xml"), rel="self")
    fg.link(href=ctx.home_url, rel="alternate")
    fg.updated(feeds.feed_updated(articles).astimezone(ctx.tz))
    for article in articles:
        fe = fg.add_entry(order="append")
        guid = feeds.article_guid(ctx.site, article)
        fe.id(guid)
        fe.guid(guid, permalink=False)
        fe.title(article.title)
        fe.link(href=article_url(ctx.site, article), rel="alternate")
        fe.published(article.published_at.astimezone(ctx.tz))
        fe.updated(article.updated_at.astimezone(ctx.tz))
        for author in article.authors:
            fe.author({"name": author.name})
        fe.content(article_html(article), type="html")
        fe.description(article.digest(), isSummary=True)
        for term in [article.section, *article.tags]:
            if term:
                fe.category(term=term)
    return fg.rss_str(pretty=True), fg.atom_str(pretty=True)


def _entries(data: bytes, authors: bool) -> list[tuple]:
    """What a reader takes from each entry. feedgen writes no RSS author
    without an e-mail address, so RSS authors (our ``dc:creator``) are
    compared only in Atom."""
    parsed = feedparser.parse(data)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    return [
        (
            e.id,
            e.title,
            e.link,
            e.published_parsed,
            e.get("updated_parsed"),
            [a.get("name") for a in e.get("authors", [])] if authors else None,
            [t.term for t in e.get("tags", [])],
            e.content[0].value if "content" in e else None,
            e.get("summary"),
        )
        for e in parsed.entries
    ]


def _first_difference(a: list[tuple], b: list[tuple]) -> str:
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        for j, (u, v) in enumerate(zip(x, y, strict=False)):
            if u != v:
                return f"entry {i} field {j}: {str(u)[:80]!r} != {str(v)[:80]!r}"
    return f"{len(a)} entries against {len(b)}"


def _time(func, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        out.append(time.perf_counter() - start)
    return out


def measure(*, rounds: int = 15) -> list[Row]:
    config = config_from_dict({"channels": synth.channels_dict(1)})
    ctx = feeds.context_for(config, config.channel("all"))
    items = sort_for_feed(synth.synthetic_articles(7, 8))[:50]
    assert len(items) == 50
    ours = feeds.render_channel(ctx, items)
    rss, atom = bare_feedgen(ctx, items)
    for mine, theirs, name in ((ours["rss.xml"], rss, "RSS"), (ours["atom.xml"], atom, "Atom")):
        a, b = _entries(mine, name == "Atom"), _entries(theirs, name == "Atom")
        assert a == b, f"{name} entries differ from feedgen's: {_first_difference(a, b)}"
    cold: list[float] = []
    warm: list[float] = []
    reference: list[float] = []
    cache = getattr(feeds, "_fragments", None)
    newer = synth.synthetic_articles(rounds, 1, first=7)
    for _ in range(rounds):
        reference += _time(lambda items=items: bare_feedgen(ctx, items), 1)
        if cache is not None:
            cache.clear()
        cold += _time(lambda items=items: feeds.render_channel(ctx, items), 1)
        # A pass's case: one new article at the top, 49 items seen before.
        items = [next(newer), *items[:-1]]
        warm += _time(lambda items=items: feeds.render_channel(ctx, items), 1)
    ref = statistics.median(reference) * 1000
    return [
        Row(
            "4 build: 50 items, 3 formats",
            statistics.median(warm) * 1000,
            ref,
            "ms",
            1.0,
            False,
            "render_channel (RSS+Atom+JSON) with one new item vs bare feedgen RSS+Atom "
            f"of the same items, parsed equal; median of {rounds} alternating runs; "
            f"from nothing (no kept items) {statistics.median(cold) * 1000:.1f} ms",
        ),
    ]
