"""What a channel's documents share besides their items: URLs, times, links.

A document is either a channel's subscription document
(``/feeds/<channel>/rss.xml``) or one of its RFC 5005 archive pages
(``/feeds/<channel>/archive/<edition date>/rss.xml``); :class:`FeedContext`
says which. The format renderers (:mod:`.feeds`) and the archive planner
(:mod:`.archive`) both read it. Pure: no store, no clock.
"""

from __future__ import annotations

import math
import mimetypes
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo

from ...config import ChannelConfig, Config, SiteConfig
from ...model import Article
from .feedext import Enclosure

#: Used as ``updated`` of a channel with no items, so even an empty feed
#: is a pure function of the store.
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

FORMATS = {
    "rss.xml": "application/rss+xml",
    "atom.xml": "application/atom+xml",
    "feed.json": "application/feed+json",
}

ARCHIVE_DIR = "archive"
#: The key of the empty page at the old end of a channel's archive chain.
#: RFC 5005 lets a lone archive page link nowhere, but then a client cannot
#: tell it from a page whose links were lost (the W3C validator warns
#: "ArchiveIncomplete"); with this page every archive page has a neighbour.
ORIGIN = "start"

#: sy:updatePeriod values and their length in minutes, shortest first.
_PERIODS = (("hourly", 60), ("daily", 1440), ("weekly", 10080), ("yearly", 525600))


@dataclass(frozen=True)
class FeedContext:
    """Everything a channel's documents need besides the articles.

    ``archive`` names the archive page being rendered (an edition date),
    ``None`` for the subscription document; ``prev_archive`` and
    ``next_archive`` are the pages holding the next older and the next
    newer items, if any. ``updated`` is the document's ``updated`` when
    it is not simply its newest item's (see :func:`listed_updated`).
    """

    site: SiteConfig
    channel: ChannelConfig
    hubs: tuple[str, ...] = ()
    interval: int = 60
    archive: str | None = None
    prev_archive: str | None = None
    next_archive: str | None = None
    updated: datetime | None = None

    @property
    def tz(self) -> ZoneInfo:
        return self.site.tz

    def feed_url(self, filename: str) -> str:
        """The channel's subscription document: the URL readers subscribe to."""
        return f"{self.site.base_url}/feeds/{self.channel.name}/{filename}"

    def archive_url(self, key: str, filename: str) -> str:
        return f"{self.site.base_url}/feeds/{self.channel.name}/{ARCHIVE_DIR}/{key}/{filename}"

    def doc_url(self, filename: str) -> str:
        """This document's own URL (``rel="self"``)."""
        if self.archive is None:
            return self.feed_url(filename)
        return self.archive_url(self.archive, filename)

    def doc_path(self, filename: str) -> str:
        """This document's path under the output directory."""
        return self.doc_url(filename).removeprefix(f"{self.site.base_url}/feeds/")

    @property
    def home_url(self) -> str:
        return f"{self.site.base_url}/"

    @property
    def ttl_minutes(self) -> int:
        """The publish interval in whole minutes (rounded up; at least 1)."""
        return max(1, math.ceil(self.interval / 60))

    @property
    def update_schedule(self) -> tuple[str, int]:
        """``(sy:updatePeriod, sy:updateFrequency)`` saying "every interval".

        The longest period that the interval divides exactly (every 2 hours
        is ``daily``/12); failing that, the shortest period it fits in, with
        the frequency rounded.
        """
        minutes = self.ttl_minutes
        for period, length in _PERIODS:
            if minutes <= length and length % minutes == 0:
                return period, length // minutes
        for period, length in _PERIODS:
            if minutes <= length:
                return period, max(1, round(length / minutes))
        return "yearly", 1

    def for_archive(
        self, key: str, prev: str | None, next: str | None, *, updated: datetime | None = None
    ) -> FeedContext:
        """An archive page: no hubs, since no hub is ever pinged for one."""
        return replace(
            self,
            archive=key,
            prev_archive=prev,
            next_archive=next,
            hubs=(),
            updated=updated,
        )

    def for_current(self, prev: str | None, *, updated: datetime | None = None) -> FeedContext:
        return replace(self, archive=None, prev_archive=prev, next_archive=None, updated=updated)


def context_for(config: Config, channel: ChannelConfig) -> FeedContext:
    return FeedContext(
        site=config.site,
        channel=channel,
        hubs=config.feeds.hubs,
        interval=config.scheduler.interval,
    )


def article_guid(site: SiteConfig, article: Article) -> str:
    """A ``tag:`` URI that never changes, whatever is corrected.

    Built from the paper's domain and the article's stable id only; not
    from the title or the service's URL, either of which may change.
    """
    return f"tag:{site.domain},{article.edition.isoformat()}:{article.id}"


def feed_updated(articles: Sequence[Article], default: datetime = EPOCH) -> datetime:
    """The newest ``updated_at`` among the items: never "now"."""
    return max((a.updated_at for a in articles), default=default)


#: When each article was first published (``published.first_published_at``),
#: for the ids asked; an article not yet published gets the pass's clock.
Listed = Callable[[Sequence[str]], Mapping[str, datetime]]


def listed_updated(articles: Sequence[Article], listed: Listed | None) -> datetime:
    """A subscription document's ``updated``: when it last gained an item or
    an item last changed, whichever is later.

    The newest ``updated_at`` alone misses an item that arrives older than
    the newest one (page 2 imported after page 1, a back-dated article):
    the document changes, yet its ``updated`` and Last-Modified would not,
    and a reader polling with If-Modified-Since would never see the item.
    The time an item was first published is in the store, so every
    instance still renders the same bytes.
    """
    newest = feed_updated(articles)
    if listed is None or not articles:
        return newest
    return max(newest, *listed([a.id for a in articles]).values())


def image_enclosures(site: SiteConfig, article: Article) -> list[Enclosure]:
    """The article's images with absolute URLs, a media type from the file name
    and the file's size in bytes when the block knows it.

    A name without a known image suffix is served by a newspaper's image
    server as a photo, so ``image/jpeg`` is the fallback; inline ``data:``
    images are not enclosures. Photos from the media store carry their
    ``length``; the paper's own remote pictures are never downloaded, so
    theirs stays unknown (0).
    """
    out = []
    for block in article.images:
        if not block.src or block.src.startswith("data:"):
            continue
        url = urljoin(f"{site.base_url}/", block.src)
        guessed = mimetypes.guess_type(urlsplit(url).path)[0]
        kind = guessed if guessed and guessed.startswith("image/") else "image/jpeg"
        out.append(
            Enclosure(
                url=url,
                type=kind,
                caption=block.caption,
                credit=block.credit,
                length=block.length or 0,
            )
        )
    return out


def history_links(ctx: FeedContext, fmt: str) -> list[tuple[str, str, str]]:
    """RFC 5005 links: ``current`` from an archive page, ``prev-archive`` to older
    items and ``next-archive`` to newer archived ones."""
    kind = FORMATS[fmt]
    links = []
    if ctx.archive is not None:
        links.append(("current", ctx.feed_url(fmt), kind))
    if ctx.prev_archive is not None:
        links.append(("prev-archive", ctx.archive_url(ctx.prev_archive, fmt), kind))
    if ctx.next_archive is not None:
        links.append(("next-archive", ctx.archive_url(ctx.next_archive, fmt), kind))
    return links


def doc_title(ctx: FeedContext) -> str:
    """The document's title: a reader lists archive pages by it, so it names the day."""
    if ctx.archive is None:
        return ctx.channel.title
    if ctx.archive == ORIGIN:
        return f"{ctx.channel.title}（存档起点）"
    return f"{ctx.channel.title}（{ctx.archive} 存档）"
