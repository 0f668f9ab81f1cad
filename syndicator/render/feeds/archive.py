"""Which items go in a channel's feed, and which in its RFC 5005 archive pages.

The subscription document holds the newest items: at most the channel's
limit, and fewer when a format would exceed the byte budget (the oldest
items go first; an item is never cut short). Every older item stays
reachable through ``prev-archive`` links: one archive page per edition
date that has an item outside the subscription document, holding all of
the channel's items of that edition.

Pages per edition date, not per fixed number of items, keep archive pages
stable, as RFC 5005 asks ("the set of entries ... SHOULD NOT change"): a
new day's paper adds a page and leaves the entries of the others alone,
and a correction or withdrawal changes only its own day's page. Pages
link both ways: ``prev-archive`` to the next older page, ``next-archive``
to the next newer one (added to a page once, when the page after it
appears). The oldest day's page links back to an empty page,
``archive/start/`` (:data:`~.feeds.ORIGIN`), where the chain ends, so
that even a lone day's page has a neighbour. Pure functions: no store,
no clock.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from ...model import Article
from .context import ORIGIN, FeedContext, Listed, feed_updated, listed_updated
from .documents import render_channel

#: The key of a channel's subscription document among its documents' floors.
CURRENT = "@current"
#: ``{document key: time}``: the least ``updated`` a document may show, kept
#: by the publish pass for documents an item was taken out of (a withdrawal
#: leaves the newest remaining time behind the one readers have seen).
Floors = Mapping[str, datetime]


@dataclass(frozen=True)
class ArchivePage:
    """One edition date's items of a channel, newest first (none for the origin).

    ``floor``: the least ``updated`` the page may show (see :data:`Floors`).
    """

    key: str
    items: tuple[Article, ...]
    prev: str | None
    next: str | None = None
    floor: datetime | None = None


@dataclass(frozen=True)
class ChannelPlan:
    """A channel's subscription document and archive pages, newest first."""

    current: tuple[Article, ...]
    archives: tuple[ArchivePage, ...]
    documents: dict[str, bytes]
    #: The subscription document's ``updated`` (see :func:`.context.listed_updated`).
    updated: datetime

    @property
    def prev(self) -> str | None:
        return self.archives[0].key if self.archives else None


def plan_channel(
    ctx: FeedContext,
    items: Sequence[Article],
    *,
    limit: int,
    max_bytes: int,
    listed: Listed | None = None,
    floors: Floors | None = None,
) -> ChannelPlan:
    """Split a channel's due items (newest first) into its feed and archive pages.

    The subscription documents are rendered to measure them against
    ``max_bytes``, so the plan carries them: the largest of the three
    formats decides, and all three hold the same items.

    :param listed: when items were first published; ``None`` dates the
        document by its items' ``updated_at`` alone.
    :param floors: the least ``updated`` of each document (:data:`Floors`).
    """
    floors = floors or {}
    count = min(limit, len(items))
    while True:
        left_out = items[count:]
        newest_left_out = max((a.edition for a in left_out), default=None)
        prev = newest_left_out.isoformat() if newest_left_out else None
        updated = at_least(listed_updated(items[:count], listed), floors.get(CURRENT))
        documents = render_channel(ctx.for_current(prev, updated=updated), items[:count])
        size = max(len(data) for data in documents.values())
        if size <= max_bytes or count <= 1:
            break
        # Shrink in proportion to the excess, but always by at least one item.
        count = min(count - 1, max(1, count * max_bytes // size))
    archived_days = {a.edition for a in left_out}
    by_day: dict[str, list[Article]] = {}
    for article in items:
        if article.edition in archived_days:
            by_day.setdefault(article.edition.isoformat(), []).append(article)
    keys = sorted(by_day, reverse=True)
    if keys:
        keys.append(ORIGIN)
    older: list[str | None] = [*keys[1:], None]
    newer: list[str | None] = [None, *keys[:-1]]
    pages = tuple(
        ArchivePage(
            key=key,
            items=tuple(by_day.get(key, ())),
            prev=prev,
            next=next_,
            floor=floors.get(key),
        )
        for key, prev, next_ in zip(keys, older, newer, strict=False)
    )
    return ChannelPlan(
        current=tuple(items[:count]), archives=pages, documents=documents, updated=updated
    )


def at_least(updated: datetime, floor: datetime | None) -> datetime:
    """``updated``, or ``floor`` when that is later."""
    return updated if floor is None or updated >= floor else floor


def page_updated(ctx: FeedContext, page: ArchivePage) -> datetime:
    """The page's ``updated``: its newest item's, or its floor when that is later.

    The empty origin page has no items; it says the start of the oldest
    archived day, where the history it ends begins (1970, an empty
    feed's date, reads as a broken clock: "ImplausibleDate").
    """
    if page.items or page.next is None:
        return at_least(feed_updated(page.items), page.floor)
    start = datetime.combine(date.fromisoformat(page.next), time(), ctx.tz)
    return at_least(start, page.floor)


def render_archive_page(ctx: FeedContext, page: ArchivePage) -> dict[str, bytes]:
    """The three documents of one archive page, keyed by file name."""
    updated = page_updated(ctx, page)
    page_ctx = ctx.for_archive(page.key, page.prev, page.next, updated=updated)
    return render_channel(page_ctx, page.items)
