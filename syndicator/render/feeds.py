"""RSS 2.0, Atom 1.0, JSON Feed 1.1 and OPML documents, as bytes.

Pure functions of articles and configuration: no store, no clock. A
feed's ``updated``/``lastBuildDate`` is the newest ``updated_at`` among its
items, so rebuilding an unchanged channel yields identical bytes and the
same ETag on every instance.

feedgen builds RSS and Atom. Its known traps are handled here, not
trusted: every datetime is aware, ``updated`` is always set (it defaults
to now), entries are appended (it prepends by default), the RSS channel
``<link>`` is added last (feedgen keeps the last one), and Atom entry
links are written by our extension because feedgen 1.0 drops their
``rel``/``type``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from feedgen.util import xml_elem
from lxml import etree

from .. import __version__
from ..config import ChannelConfig, Config, SiteConfig
from ..model import Article
from .html import article_html, article_url

ATOM_NS = "http://www.w3.org/2005/Atom"
SY_NS = "http://purl.org/rss/1.0/modules/syndication/"
DC_NS = "http://purl.org/dc/elements/1.1/"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"

#: Used as ``updated`` of a channel with no items, so even an empty feed
#: is a pure function of the store.
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

FORMATS = {
    "rss.xml": "application/rss+xml",
    "atom.xml": "application/atom+xml",
    "feed.json": "application/feed+json",
}


@dataclass(frozen=True)
class FeedContext:
    """Everything a channel's documents need besides the articles."""

    site: SiteConfig
    channel: ChannelConfig
    hubs: tuple[str, ...] = ()
    interval_minutes: int = 1

    @property
    def tz(self) -> ZoneInfo:
        return self.site.tz

    def feed_url(self, filename: str) -> str:
        return f"{self.site.base_url}/feeds/{self.channel.name}/{filename}"

    @property
    def home_url(self) -> str:
        return f"{self.site.base_url}/"


def context_for(config: Config, channel: ChannelConfig) -> FeedContext:
    return FeedContext(
        site=config.site,
        channel=channel,
        hubs=config.feeds.hubs,
        interval_minutes=max(1, config.scheduler.interval // 60),
    )


def article_guid(site: SiteConfig, article: Article) -> str:
    """A ``tag:`` URI that never changes, whatever is corrected.

    Built from the paper's domain and the article's stable id only; not
    from the title or the service's URL, either of which may change.
    """
    return f"tag:{site.domain},{article.edition.isoformat()}:{article.id}"


def feed_updated(articles: Sequence[Article]) -> datetime:
    """The newest ``updated_at`` among the items: never "now"."""
    return max((a.updated_at for a in articles), default=EPOCH)


# -- feedgen extensions --------------------------------------------------------


class _FeedExtension(BaseExtension):
    """Channel-level elements feedgen does not write: hubs, syndication hints."""

    def __init__(self) -> None:
        self.hubs: tuple[str, ...] = ()
        self.update_minutes = 60

    def extend_ns(self) -> dict[str, str]:
        return {"sy": SY_NS, "dc": DC_NS}

    def extend_rss(self, feed: Any) -> Any:
        channel = feed.find("channel")
        anchor = channel.find(f"{{{ATOM_NS}}}link")
        index = list(channel).index(anchor) + 1 if anchor is not None else len(channel)
        for offset, hub in enumerate(self.hubs):
            link = etree.Element(f"{{{ATOM_NS}}}link", href=hub, rel="hub")
            channel.insert(index + offset, link)
        period = xml_elem(f"{{{SY_NS}}}updatePeriod", channel)
        period.text = "hourly"
        frequency = xml_elem(f"{{{SY_NS}}}updateFrequency", channel)
        frequency.text = str(max(1, 60 // max(1, self.update_minutes)))
        return feed

    def extend_atom(self, feed: Any) -> Any:
        # feedgen's Atom tree is un-namespaced under an xmlns attribute;
        # plain names keep our elements in the Atom namespace on output.
        for hub in self.hubs:
            xml_elem("link", feed, href=hub, rel="hub")
        return feed


class _EntryExtension(BaseEntryExtension):
    """Per-item elements: ``dc:creator`` in RSS, correct links in Atom."""

    def __init__(self) -> None:
        self.creators: list[str] = []
        self.links: list[dict[str, str]] = []

    def extend_rss(self, entry: Any) -> Any:
        for name in self.creators:
            creator = xml_elem(f"{{{DC_NS}}}creator", entry)
            creator.text = name
        return entry

    def extend_atom(self, entry: Any) -> Any:
        for old in entry.findall("link"):
            entry.remove(old)
        anchor = entry.find("content")
        index = list(entry).index(anchor) + 1 if anchor is not None else len(entry)
        for offset, attrs in enumerate(self.links):
            entry.insert(index + offset, etree.Element("link", **attrs))
        return entry


# -- RSS and Atom ----------------------------------------------------------------


def _generator(ctx: FeedContext, articles: Sequence[Article], fmt: str) -> FeedGenerator:
    fg = FeedGenerator()
    fg.register_extension("syndicator", _FeedExtension, _EntryExtension)
    fg.syndicator.hubs = ctx.hubs
    fg.syndicator.update_minutes = ctx.interval_minutes
    fg.id(ctx.feed_url("atom.xml"))
    fg.title(ctx.channel.title)
    fg.subtitle(ctx.channel.description)
    fg.language(ctx.site.language)
    fg.generator("syndicator", version=__version__)
    if ctx.site.copyright:
        fg.rights(ctx.site.copyright)
    if ctx.site.logo:
        fg.logo(ctx.site.logo)
        fg.image(url=ctx.site.logo, title=ctx.channel.title, link=ctx.home_url)
    fmt_type = FORMATS[fmt]
    fg.link(href=ctx.feed_url(fmt), rel="self", type=fmt_type)
    fg.link(href=ctx.home_url, rel="alternate", type="text/html")  # last: RSS <link>
    fg.updated(feed_updated(articles).astimezone(ctx.tz))
    fg.ttl(ctx.interval_minutes)
    for article in articles:
        _add_entry(fg, ctx, article)
    return fg


def _add_entry(fg: FeedGenerator, ctx: FeedContext, article: Article) -> None:
    fe = fg.add_entry(order="append")
    guid = article_guid(ctx.site, article)
    url = article_url(ctx.site, article)
    fe.id(guid)
    fe.guid(guid, permalink=False)
    fe.title(article.title)
    fe.link(href=url, rel="alternate")
    fe.syndicator.links = [{"href": url, "rel": "alternate", "type": "text/html"}]
    fe.published(article.published_at.astimezone(ctx.tz))
    fe.updated(article.updated_at.astimezone(ctx.tz))
    for author in article.authors:
        fe.author({"name": author.name})
    fe.syndicator.creators = [a.name for a in article.authors]
    fe.content(article_html(article), type="html")
    # isSummary: without it feedgen overwrites the Atom <content> with the summary.
    fe.description(article.digest(), isSummary=True)
    for term in _categories(article):
        fe.category(term=term)


def _categories(article: Article) -> list[str]:
    terms = [article.section] if article.section else []
    terms += [t for t in article.tags if t not in terms]
    return terms


def render_rss(ctx: FeedContext, articles: Sequence[Article]) -> bytes:
    """RSS 2.0 with full text in ``content:encoded`` and ``dc:creator`` authors."""
    return _generator(ctx, articles, "rss.xml").rss_str(pretty=True)


def render_atom(ctx: FeedContext, articles: Sequence[Article]) -> bytes:
    """Atom 1.0 (RFC 4287) with ``content type="html"`` and ``xml:lang``."""
    return _generator(ctx, articles, "atom.xml").atom_str(pretty=True)


# -- JSON Feed ---------------------------------------------------------------------


def render_json_feed(ctx: FeedContext, articles: Sequence[Article]) -> bytes:
    """JSON Feed 1.1, UTF-8 with Chinese unescaped."""
    feed: dict[str, Any] = {
        "version": JSON_FEED_VERSION,
        "title": ctx.channel.title,
        "home_page_url": ctx.home_url,
        "feed_url": ctx.feed_url("feed.json"),
        "description": ctx.channel.description,
        "language": ctx.site.language,
        "authors": [{"name": ctx.site.title}],
    }
    if ctx.site.logo:
        feed["icon"] = ctx.site.logo
    if ctx.hubs:
        feed["hubs"] = [{"type": "WebSub", "url": hub} for hub in ctx.hubs]
    feed["items"] = [_json_item(ctx, a) for a in articles]
    text = json.dumps(feed, ensure_ascii=False, indent=2)
    return (text + "\n").encode("utf-8")


def _json_item(ctx: FeedContext, article: Article) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": article_guid(ctx.site, article),
        "url": article_url(ctx.site, article),
        "title": article.title,
        "content_html": article_html(article),
    }
    item["summary"] = article.digest()
    item["date_published"] = article.published_at.astimezone(ctx.tz).isoformat()
    item["date_modified"] = article.updated_at.astimezone(ctx.tz).isoformat()
    if article.authors:
        item["authors"] = [{"name": a.name} for a in article.authors]
    tags = _categories(article)
    if tags:
        item["tags"] = tags
    image = next((b.src for b in article.images if b.src), None)
    if image:
        item["image"] = image
    item["language"] = ctx.site.language
    return item


# -- OPML --------------------------------------------------------------------------


def render_opml(config: Config) -> bytes:
    """An OPML 2.0 list of every channel, for importing all at once."""
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = f"{config.site.title} 订阅源"
    body = etree.SubElement(root, "body")
    for channel in config.channels:
        ctx = context_for(config, channel)
        etree.SubElement(
            body,
            "outline",
            type="rss",
            text=channel.title,
            title=channel.title,
            description=channel.description,
            xmlUrl=ctx.feed_url("rss.xml"),
            htmlUrl=ctx.home_url,
            language=config.site.language,
        )
    return etree.tostring(root, pretty_print=True, xml_declaration=True, encoding="UTF-8")


def render_channel(ctx: FeedContext, articles: Sequence[Article]) -> dict[str, bytes]:
    """All three documents of a channel, keyed by file name."""
    return {
        "rss.xml": render_rss(ctx, articles),
        "atom.xml": render_atom(ctx, articles),
        "feed.json": render_json_feed(ctx, articles),
    }
