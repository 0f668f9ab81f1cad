"""feedgen extensions: the elements feedgen does not write, or writes wrong.

Registered once per document by ``render.feeds`` under the name
``syndicator``. Channel level: WebSub hubs, RFC 5005 history links and
``fh:archive``, syndication hints (``sy:updatePeriod``/``sy:updateFrequency``).
Item level: ``dc:creator`` for every author, the image ``enclosure`` and
``media:content`` in RSS, RSS's ``atom:updated`` of a corrected item and
``atom:link rel="related"`` to the e-paper page, and Atom links with their
``rel``/``type`` (feedgen 1.0 drops them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from html import escape
from typing import Any

from lxml import etree

# isort: split
# feedgen.util uses ``lxml.etree`` after a bare ``import lxml``, so it fails
# unless something imported lxml.etree first: the line above does.
from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.util import xml_elem

ATOM_NS = "http://www.w3.org/2005/Atom"
SY_NS = "http://purl.org/rss/1.0/modules/syndication/"
DC_NS = "http://purl.org/dc/elements/1.1/"
FH_NS = "http://purl.org/syndication/history/1.0"
MEDIA_NS = "http://search.yahoo.com/mrss/"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"


@dataclass(frozen=True)
class Enclosure:
    """An image attached to an item.

    ``length`` is the size in bytes when known: a photo from the media
    store knows it (its image block's ``length``). The paper's own pictures
    are remote and the renderer never downloads them, so theirs is
    unknown: RSS then says ``length="0"``, as the RSS Advisory Board and
    the W3C validator recommend for an unknown size, and Atom and JSON
    Feed leave their optional length out.
    """

    url: str
    type: str
    caption: str | None = None
    credit: str | None = None
    length: int = 0


class FeedExtension(BaseExtension):
    """Channel-level elements feedgen does not write."""

    def __init__(self) -> None:
        self.hubs: tuple[str, ...] = ()
        self.history: list[tuple[str, str, str]] = []  # (rel, href, type)
        self.archive = False
        self.update_period = "hourly"
        self.update_frequency = 1

    def extend_ns(self) -> dict[str, str]:
        return {"sy": SY_NS, "dc": DC_NS, "fh": FH_NS, "media": MEDIA_NS}

    def extend_rss(self, feed: Any) -> Any:
        channel = feed.find("channel")
        anchor = channel.find(f"{{{ATOM_NS}}}link")
        index = list(channel).index(anchor) + 1 if anchor is not None else len(channel)
        links = [("hub", hub, "") for hub in self.hubs] + self.history
        for offset, (rel, href, kind) in enumerate(links):
            link = etree.Element(f"{{{ATOM_NS}}}link", href=href, rel=rel)
            if kind:
                link.set("type", kind)
            channel.insert(index + offset, link)
        if self.archive:
            channel.insert(index + len(links), etree.Element(f"{{{FH_NS}}}archive"))
        else:  # an archive page is not polled on a schedule: no update hints
            xml_elem(f"{{{SY_NS}}}updatePeriod", channel).text = self.update_period
            xml_elem(f"{{{SY_NS}}}updateFrequency", channel).text = str(self.update_frequency)
        return feed

    def extend_atom(self, feed: Any) -> Any:
        # feedgen's Atom tree is un-namespaced under an xmlns attribute;
        # plain names keep our elements in the Atom namespace on output.
        for hub in self.hubs:
            xml_elem("link", feed, href=hub, rel="hub")
        for rel, href, kind in self.history:
            xml_elem("link", feed, href=href, rel=rel, type=kind)
        if self.archive:
            xml_elem(f"{{{FH_NS}}}archive", feed)
        return feed


def _html_escape_plain_text(entry: Any) -> None:
    """HTML-escape the plain text in the RSS elements readers treat as HTML.

    An item's ``title`` is sniffed as HTML by feedparser and others, and its
    ``description`` is HTML by the spec; both hold plain text here (the
    title, the summary), so ``<img …>`` in them must arrive as the visible
    characters, never as a tag. ``category`` and ``dc:creator`` are plain
    text to the spec and to feedparser and are left as they are. When there
    is no summary, feedgen fills ``description`` with the HTML body, which
    is already HTML: left alone (no ``content:encoded`` beside it).
    """
    title = entry.find("title")
    if title is not None and title.text:
        title.text = escape(title.text, quote=False)
    description = entry.find("description")
    if (
        description is not None
        and description.text
        and entry.find(f"{{{CONTENT_NS}}}encoded") is not None
    ):
        description.text = escape(description.text, quote=False)


class EntryExtension(BaseEntryExtension):
    """Per-item elements: authors, images and correct links."""

    def __init__(self) -> None:
        self.creators: list[str] = []
        self.links: list[dict[str, str]] = []
        self.enclosures: list[Enclosure] = []
        #: When a corrected item changed. RSS 2.0 has no element for it:
        #: ``atom:updated`` is the one feedparser and SimplePie (FreshRSS)
        #: read as the item's modification time, and the W3C validator accepts.
        self.modified: datetime | None = None

    def extend_rss(self, entry: Any) -> Any:
        _html_escape_plain_text(entry)
        for name in self.creators:
            xml_elem(f"{{{DC_NS}}}creator", entry).text = name
        if self.modified is not None:
            xml_elem(f"{{{ATOM_NS}}}updated", entry).text = self.modified.isoformat()
        # The <link> is the item's page; an e-paper page is Atom's "related".
        for attrs in self.links:
            if attrs["rel"] == "related":
                xml_elem(f"{{{ATOM_NS}}}link", entry, **attrs)
        if self.enclosures:
            # RSS 2.0 allows one enclosure per item; media:content lists all.
            first = self.enclosures[0]
            xml_elem("enclosure", entry, url=first.url, length=str(first.length), type=first.type)
        for image in self.enclosures:
            media = xml_elem(
                f"{{{MEDIA_NS}}}content", entry, url=image.url, type=image.type, medium="image"
            )
            if image.length:
                media.set("fileSize", str(image.length))
            if image.caption:
                # feedparser reads it as HTML whatever its ``type``: escape it.
                description = xml_elem(f"{{{MEDIA_NS}}}description", media, type="plain")
                description.text = escape(image.caption, quote=False)
            if image.credit:
                xml_elem(f"{{{MEDIA_NS}}}credit", media).text = image.credit
        return entry

    def extend_atom(self, entry: Any) -> Any:
        for old in entry.findall("link"):
            entry.remove(old)
        anchor = entry.find("content")
        index = list(entry).index(anchor) + 1 if anchor is not None else len(entry)
        links = list(self.links)
        for image in self.enclosures:
            attrs = {"href": image.url, "rel": "enclosure", "type": image.type}
            if image.length:
                attrs["length"] = str(image.length)
            if image.caption:
                attrs["title"] = image.caption
            links.append(attrs)
        for offset, attrs in enumerate(links):
            entry.insert(index + offset, etree.Element("link", attrs))
        return entry
