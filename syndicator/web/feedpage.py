"""The page a person sees who opens a feed's URL in a browser.

Browsers are dropping XSLT (Chrome from version 155, Firefox and WebKit
after it), so a feed can no longer dress itself up as a page through an
``<?xml-stylesheet?>``: opened in a browser it would be a raw XML tree.
Instead the feed's URL answers a browser (:func:`.documents.prefers_html`)
with this page: what the feed is, its address to paste into a reader, its
other formats, and its items linking to the articles. Everything on it
comes from the feed's own bytes (RSS, Atom or JSON Feed as the pass wrote
them), so the page is cached beside the feed and changes when it does.
No script: the address is a ``<code>`` a tap selects whole.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parsedate_to_datetime
from functools import cache

from jinja2 import Environment, PackageLoader, select_autoescape
from lxml import etree

from ..render.feeds.context import FORMATS
from .documents import Document

ATOM = "{http://www.w3.org/2005/Atom}"
FORMAT_NAMES = {
    "rss.xml": "RSS 2.0",
    "atom.xml": "Atom 1.0",
    "feed.json": "JSON Feed 1.1",
}
#: The pass wrote these files, but a parser that fetches nothing and expands
#: no entity costs nothing.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
_ARCHIVE = re.compile(r"/archive/([^/]+)/(?=[^/]+$)")


@dataclass(frozen=True)
class Item:
    title: str
    url: str
    published: datetime | None
    summary: str


@dataclass
class FeedSummary:
    """What the page shows of a feed, read from any of its three formats."""

    title: str
    description: str
    url: str
    home: str
    items: list[Item] = field(default_factory=list)

    @property
    def filename(self) -> str:
        return self.url.rsplit("/", 1)[-1]

    @property
    def format_name(self) -> str:
        return FORMAT_NAMES.get(self.filename, "")

    @property
    def media_type(self) -> str:
        return FORMATS.get(self.filename, "application/xml")

    @property
    def archive_day(self) -> str | None:
        """The edition date of an archive page (``start`` for the chain's end), else ``None``."""
        match = _ARCHIVE.search(self.url)
        return match.group(1) if match else None

    @property
    def current_url(self) -> str:
        """The subscription document: what to subscribe to, from an archive page too."""
        return _ARCHIVE.sub("/", self.url)

    @property
    def formats(self) -> list[tuple[str, str]]:
        """``(name, url)`` of the feed in each format, this one first."""
        base = self.current_url.rsplit("/", 1)[0]
        names = sorted(FORMAT_NAMES, key=lambda name: name != self.filename)
        return [(FORMAT_NAMES[name], f"{base}/{name}") for name in names]

    @property
    def opml_url(self) -> str:
        return self.url.split("/feeds/", 1)[0] + "/feeds/opml.xml"


def _date(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None


def _text(element: etree._Element | None) -> str:
    return "".join(element.itertext()).strip() if element is not None else ""


def read_rss(body: bytes) -> FeedSummary:
    channel = etree.fromstring(body, _PARSER).find("channel")
    if channel is None:
        raise ValueError("RSS without <channel>")
    self_link = channel.find(f"{ATOM}link[@rel='self']")
    return FeedSummary(
        title=channel.findtext("title", ""),
        description=channel.findtext("description", ""),
        url=self_link.get("href", "") if self_link is not None else "",
        home=channel.findtext("link", ""),
        items=[
            Item(
                title=item.findtext("title", ""),
                url=item.findtext("link", ""),
                published=_date(item.findtext("pubDate")),
                summary=item.findtext("description", ""),
            )
            for item in channel.iter("item")
        ],
    )


def _atom_link(element: etree._Element, rel: str) -> str:
    for link in element.iterfind(f"{ATOM}link"):
        if link.get("rel", "alternate") == rel:
            return link.get("href", "")
    return ""


def read_atom(body: bytes) -> FeedSummary:
    feed = etree.fromstring(body, _PARSER)
    return FeedSummary(
        title=_text(feed.find(f"{ATOM}title")),
        description=_text(feed.find(f"{ATOM}subtitle")),
        url=_atom_link(feed, "self"),
        home=_atom_link(feed, "alternate"),
        items=[
            Item(
                title=_text(entry.find(f"{ATOM}title")),
                url=_atom_link(entry, "alternate"),
                published=_date(entry.findtext(f"{ATOM}published")),
                summary=_text(entry.find(f"{ATOM}summary")),
            )
            for entry in feed.iterfind(f"{ATOM}entry")
        ],
    )


def read_json_feed(body: bytes) -> FeedSummary:
    feed = json.loads(body)
    return FeedSummary(
        title=feed.get("title", ""),
        description=feed.get("description", ""),
        url=feed.get("feed_url", ""),
        home=feed.get("home_page_url", ""),
        items=[
            Item(
                title=item.get("title", ""),
                url=item.get("url", ""),
                published=_date(item.get("date_published")),
                summary=item.get("summary", ""),
            )
            for item in feed.get("items", [])
        ],
    )


READERS = {
    "application/rss+xml": read_rss,
    "application/atom+xml": read_atom,
    "application/feed+json": read_json_feed,
}


@cache
def _environment() -> Environment:
    """Templates outside Flask: the fast path has no app context."""
    return Environment(
        loader=PackageLoader("syndicator.web", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def summarise(body: bytes, media_type: str) -> FeedSummary:
    """Read a feed in any of the three formats (its media type says which)."""
    reader = READERS.get(media_type.split(";")[0].strip())
    if reader is None:
        raise ValueError(f"not a feed type: {media_type}")
    return reader(body)


def render_feed_page(feed: Document) -> bytes:
    """The HTML page for a feed document (a :class:`.DocumentCache` page renderer)."""
    summary = summarise(feed.body, feed.media_type)
    html = _environment().get_template("feed_page.html").render(feed=summary)
    return html.encode("utf-8")
