"""The times a feed prints for an article: whole seconds, in page order.

An edition goes out at one moment, and :func:`~syndicator.model.release_time`
makes its articles due within that one second, a microsecond apart in page
order. Those microseconds keep the store's order exact, but RSS dates have
no fractions and most readers keep whole seconds of Atom and JSON Feed
dates too (newsboat, sfeed and feedparser all do), so eight articles of a
page all read "06:00:00" and a reader that sorts by date shuffles the page.

So a feed prints the time of an article released with its edition as the
edition's second less one second per place on its page and one minute per
page after the first: page 1's lead at 06:00:00, its second article at
05:59:59, page 2's lead at 05:59:00, its third at 05:58:58. A page's 60th
and later articles share its last second (no page of a daily comes near).
An article given a time of its own (a JSON ``published_at``, the desk's
定时) is printed at that time, as the person gave it.

A correction's time is printed by the page-order rule too (never before
the article's publication): articles corrected together (one import saves
them all at one ``now``) then stay in page order for readers that sort by
the time of change, and no two entries share an Atom ``updated`` (the W3C
validator warns of that).

This is a rule of rendering, not of the model, on purpose. ``published_at``
is part of the content hash and decides when an article is due: changing
how it is stored would turn every stored article into a "correction" on
its next re-import, and moving an article's due time earlier would release
it before its edition's embargo. Printed earlier than it became due, a
time never lies the other way: no reader is shown an article dated after
the moment it appeared.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from ..model import Article, release_time

#: The seconds a page's articles take before the next page starts.
PAGE_SECONDS = 60


def order_offset(page: int, seq: int) -> timedelta:
    """How much earlier than its edition's second the ``seq``-th article of ``page`` is printed."""
    place = min(max(seq, 1), PAGE_SECONDS) - 1
    return timedelta(seconds=(max(page, 1) - 1) * PAGE_SECONDS + place)


def edition_second(article: Article) -> datetime | None:
    """The second its edition went out, when the article was released with it.

    That is when ``published_at`` is exactly the time
    :func:`~syndicator.model.release_time` gives its page and order (the
    e-paper importer, a JSON article without ``published_at``); ``None``
    for a time somebody gave.
    """
    second = article.published_at.replace(microsecond=0)
    return (
        second if release_time(second, article.page, article.seq) == article.published_at else None
    )


def corrected_at(article: Article) -> datetime | None:
    """When the article was last corrected after it was due, or ``None``.

    The store gives a correction of an article readers could already see a
    fresh ``updated_at`` (:func:`syndicator.store.save_articles`); one
    corrected before it was due keeps its publication time, because nobody
    read the earlier text. So ``updated_at`` later than ``published_at`` is
    exactly "corrected after readers could see it".
    """
    return article.updated_at if article.updated_at > article.published_at else None


def shown_published(article: Article) -> datetime:
    """The article's publication time as every feed format prints it."""
    edition = edition_second(article)
    if edition is None:
        return article.published_at
    return edition - order_offset(article.page, article.seq)


def shown_updated(article: Article) -> datetime:
    """When the article last changed as readers are told: its correction
    time by the page-order rule, or its publication time when it was never
    corrected."""
    published = shown_published(article)
    corrected = corrected_at(article)
    if corrected is None:
        return published
    ordered = corrected.replace(microsecond=0) - order_offset(article.page, article.seq)
    return max(published, ordered)
