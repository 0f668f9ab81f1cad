"""RSS 2.0, Atom 1.0, JSON Feed 1.1 and OPML documents, as bytes.

Pure functions of articles and configuration: no store, no clock. A
feed's ``updated``/``lastBuildDate`` is the newest ``updated_at`` among its
items, so rebuilding an unchanged channel yields identical bytes and the
same ETag on every instance.

feedgen builds RSS and Atom. Its known traps are handled here, not
trusted: every datetime is aware, ``updated`` is always set (it defaults
to now), entries are appended (it prepends by default), the RSS channel
``<link>`` is added last (feedgen keeps the last one), Atom entry links
are written by our extension because feedgen 1.0 drops their
``rel``/``type``, and content is never ``type='CDATA'`` (invalid Atom).
The elements feedgen lacks live in :mod:`.feedext`. Each item is built by
feedgen once per format and kept (:mod:`.fragments`): a document is the
channel's skeleton with the kept items spliced in, byte for byte what
feedgen writes for the whole document.

A document is either a channel's subscription document or one of its
RFC 5005 archive pages: :class:`~.context.FeedContext` says which, and
:mod:`.archive` decides which items go where.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from feedgen.feed import FeedGenerator
from lxml import etree

from ... import __version__
from ...config import Config
from ...model import Article
from ..corrections import correction_note
from ..html import article_html, article_link, article_url
from ..times import corrected_at, shown_published, shown_updated
from .context import (
    ARCHIVE_DIR,
    EPOCH,
    FORMATS,
    ORIGIN,
    FeedContext,
    Listed,
    article_guid,
    context_for,
    doc_title,
    feed_updated,
    history_links,
    image_enclosures,
    listed_updated,
)
from .feedext import ATOM_NS, DC_NS, SY_NS, Enclosure, EntryExtension, FeedExtension
from .fragments import FragmentCache, splice_items, split_items

#: The context's names, re-exported: callers think of them as the feeds'.
__all__ = [
    "ARCHIVE_DIR",
    "ATOM_NS",
    "DC_NS",
    "EPOCH",
    "FORMATS",
    "ORIGIN",
    "SY_NS",
    "FeedContext",
    "Listed",
    "article_guid",
    "context_for",
    "feed_updated",
    "image_enclosures",
    "listed_updated",
]

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"

#: Every item rendered lately, in every format (see :mod:`.fragments`).
_fragments = FragmentCache()

# -- RSS and Atom ----------------------------------------------------------------


def _generator(
    ctx: FeedContext, articles: Sequence[Article], fmt: str, updated: datetime | None = None
) -> FeedGenerator:
    """feedgen with the channel and ``articles``; ``updated`` when the items are not all there."""
    fg = FeedGenerator()
    fg.register_extension("syndicator", FeedExtension, EntryExtension)
    ext: FeedExtension = fg.syndicator
    ext.hubs = ctx.hubs
    ext.history = history_links(ctx, fmt)
    ext.archive = ctx.archive is not None
    ext.update_period, ext.update_frequency = ctx.update_schedule
    fg.id(ctx.feed_url("atom.xml"))  # one id for the channel and all its archive pages
    fg.title(doc_title(ctx))
    fg.subtitle(ctx.channel.description)
    fg.author({"name": ctx.site.title, "uri": ctx.home_url})
    fg.language(ctx.site.language)
    fg.generator("syndicator", version=__version__)
    if ctx.site.copyright:
        fg.rights(ctx.site.copyright)
    if ctx.site.logo:
        fg.logo(ctx.site.logo)
        fg.image(url=ctx.site.logo, title=doc_title(ctx), link=ctx.home_url)
    fg.link(href=ctx.doc_url(fmt), rel="self", type=FORMATS[fmt])
    fg.link(href=ctx.home_url, rel="alternate", type="text/html")  # last: RSS <link>
    fg.updated((updated or ctx.updated or feed_updated(articles)).astimezone(ctx.tz))
    if ctx.archive is None:  # an archive page keeps for days (feeds.archive_max_age)
        fg.ttl(ctx.ttl_minutes)
    for article in articles:
        _add_entry(fg, ctx, article)
    return fg


def _add_entry(fg: FeedGenerator, ctx: FeedContext, article: Article) -> None:
    fe = fg.add_entry(order="append")
    guid = article_guid(ctx.site, article)
    url = article_link(ctx.site, article)
    fe.id(guid)
    fe.guid(guid, permalink=False)
    fe.title(article.title)
    fe.link(href=url, rel="alternate")
    ext: EntryExtension = fe.syndicator
    ext.links = [{"href": url, "rel": "alternate", "type": "text/html"}]
    if article.source_url:
        ext.links.append({"href": article.source_url, "rel": "related", "type": "text/html"})
    ext.enclosures = image_enclosures(ctx.site, article)
    fe.published(shown_published(article).astimezone(ctx.tz))
    fe.updated(shown_updated(article).astimezone(ctx.tz))
    if corrected_at(article) is not None:  # RSS has no element of its own for it
        ext.modified = shown_updated(article).astimezone(ctx.tz)
    if article.authors:  # one call: feedgen rebuilds its whole list at each call
        fe.author([{"name": author.name} for author in article.authors])
    ext.creators = [a.name for a in article.authors]
    fe.content(article_html(article, tz=ctx.tz), type="html")
    # isSummary: without it feedgen overwrites the Atom <content> with the summary.
    fe.description(_summary(ctx, article), isSummary=True)
    terms = _categories(article)
    if terms:  # one call, as for the authors
        fe.category([{"term": term} for term in terms])


def _summary(ctx: FeedContext, article: Article) -> str:
    """The digest, after the correction note if there is one: a reader that
    shows only the summary (RSS ``description``) still sees the note."""
    note = correction_note(article, ctx.tz)
    return article.digest() if note is None else f"{note}。{article.digest()}"


def _categories(article: Article) -> list[str]:
    """The section, then the tags but the one that repeats the section."""
    if not article.section:
        return list(article.tags)
    return [article.section, *(t for t in article.tags if t != article.section)]


def _serialise(fg: FeedGenerator, fmt: str) -> bytes:
    return fg.rss_str(pretty=True) if fmt == "rss.xml" else fg.atom_str(pretty=True)


def render_xml_reference(ctx: FeedContext, articles: Sequence[Article], fmt: str) -> bytes:
    """The whole document from feedgen, items and all: what :func:`render_rss`
    and :func:`render_atom` reproduce byte for byte from kept item fragments."""
    return _serialise(_generator(ctx, articles, fmt), fmt)


def _xml_document(ctx: FeedContext, articles: Sequence[Article], fmt: str) -> bytes:
    items = _fragments.items(
        articles,
        fmt,
        ctx.site,
        lambda missing: split_items(render_xml_reference(ctx, missing, fmt), fmt),
    )
    skeleton = _serialise(
        _generator(ctx, [], fmt, updated=ctx.updated or feed_updated(articles)), fmt
    )
    return splice_items(skeleton, items, fmt)


def render_rss(ctx: FeedContext, articles: Sequence[Article]) -> bytes:
    """RSS 2.0 with full text in ``content:encoded`` and ``dc:creator`` authors."""
    return _xml_document(ctx, articles, "rss.xml")


def render_atom(ctx: FeedContext, articles: Sequence[Article]) -> bytes:
    """Atom 1.0 (RFC 4287) with ``content type="html"`` and ``xml:lang``."""
    return _xml_document(ctx, articles, "atom.xml")


# -- JSON Feed ---------------------------------------------------------------------


def render_json_feed(ctx: FeedContext, articles: Sequence[Article]) -> bytes:
    """JSON Feed 1.1, UTF-8 with Chinese unescaped.

    An archive page's ``next_url`` pages on to older items, as JSON Feed's
    pagination. ``expired`` ("will never update again") is said only where
    it is true: on the empty page at the old end of the archive chain
    (:data:`.context.ORIGIN`), whose JSON holds no item and no ``next_url``.
    A day's page is never final: a correction or withdrawal of one of its
    articles rewrites it, and so does a new older page (its ``next_url``).
    """
    feed: dict[str, Any] = {
        "version": JSON_FEED_VERSION,
        "title": doc_title(ctx),
        "home_page_url": ctx.home_url,
        "feed_url": ctx.doc_url("feed.json"),
        "description": ctx.channel.description,
        "language": ctx.site.language,
        "authors": [{"name": ctx.site.title, "url": ctx.home_url}],
    }
    if ctx.prev_archive is not None:
        feed["next_url"] = ctx.archive_url(ctx.prev_archive, "feed.json")
    if ctx.site.logo:
        feed["icon"] = ctx.site.logo
    if ctx.archive == ORIGIN:
        feed["expired"] = True
    if ctx.hubs:
        feed["hubs"] = [{"type": "WebSub", "url": hub} for hub in ctx.hubs]
    feed["items"] = []
    head = json.dumps(feed, ensure_ascii=False, indent=2).encode("utf-8")
    items = _fragments.items(articles, "feed.json", ctx.site, lambda new: _json_items(ctx, new))
    if not items:
        return head + b"\n"
    # What json.dumps(indent=2) writes for the whole document, one item at a time.
    if not head.endswith(b"[]\n}"):
        raise AssertionError(f"feed.json: unexpected head end {head[-20:]!r}")
    return b"".join((head[:-3], b"\n", b",\n".join(items), b"\n  ]\n}\n"))


def _json_items(ctx: FeedContext, articles: Sequence[Article]) -> list[bytes]:
    out = []
    for article in articles:
        text = json.dumps(_json_item(ctx, article), ensure_ascii=False, indent=2)
        out.append(("    " + text.replace("\n", "\n    ")).encode("utf-8"))
    return out


def _json_item(ctx: FeedContext, article: Article) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": article_guid(ctx.site, article),
        # The page itself: JSON Feed readers keep items by id alone, so the
        # correction fragment that RSS and Atom links carry for sfeed's sake
        # (html.article_link) would only make the URL noisier here.
        "url": article_url(ctx.site, article),
        "title": article.title,
        "content_html": article_html(article, tz=ctx.tz),
    }
    if article.source_url:
        item["external_url"] = article.source_url
    item["summary"] = _summary(ctx, article)
    item["date_published"] = shown_published(article).astimezone(ctx.tz).isoformat()
    item["date_modified"] = shown_updated(article).astimezone(ctx.tz).isoformat()
    if article.authors:
        item["authors"] = [{"name": a.name} for a in article.authors]
    tags = _categories(article)
    if tags:
        item["tags"] = tags
    images = image_enclosures(ctx.site, article)
    if images:
        item["image"] = images[0].url
        item["attachments"] = [_attachment(image) for image in images]
    item["language"] = ctx.site.language
    return item


def _attachment(image: Enclosure) -> dict[str, Any]:
    out: dict[str, Any] = {"url": image.url, "mime_type": image.type}
    title = " ".join(p for p in (image.caption, image.credit) if p)
    if title:
        out["title"] = title
    if image.length:
        out["size_in_bytes"] = image.length
    return out


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
