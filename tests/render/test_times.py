"""The times feeds print: whole seconds, in page order, never after the due time."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st
from support.sampledata import SHANGHAI

from syndicator.model import Article, release_time
from syndicator.render.times import (
    PAGE_SECONDS,
    corrected_at,
    edition_second,
    order_offset,
    shown_published,
    shown_updated,
)

EDITION_AT = datetime(2021, 8, 30, 6, 0, tzinfo=SHANGHAI)
places = st.tuples(st.integers(1, 200), st.integers(1, PAGE_SECONDS))


def article(page: int, seq: int, **changes) -> Article:
    due = release_time(EDITION_AT, page, seq)
    base = Article(
        id=f"x-{page}-{seq}",
        edition=EDITION_AT.date(),
        title="标题",
        published_at=due,
        updated_at=due,
        page=page,
        seq=seq,
    )
    return base.replace(**changes)


def test_an_edition_counts_down_a_second_per_article_and_a_minute_per_page() -> None:
    assert shown_published(article(1, 1)) == EDITION_AT
    assert shown_published(article(1, 2)) == EDITION_AT - timedelta(seconds=1)
    assert shown_published(article(2, 1)) == EDITION_AT - timedelta(minutes=1)
    assert shown_published(article(2, 3)) == EDITION_AT - timedelta(seconds=62)
    # A page's 60th and later articles share its last second.
    assert order_offset(1, 60) == order_offset(1, 61) == timedelta(seconds=59)


@given(places, places)
def test_page_order_is_date_order_in_whole_seconds(a: tuple[int, int], b: tuple[int, int]) -> None:
    first, second = article(*a), article(*b)
    if a == b:
        return
    earlier_in_paper = a < b
    # Due times and printed times agree on the order, and the printed ones differ.
    assert (first.published_at > second.published_at) == earlier_in_paper
    assert (shown_published(first) > shown_published(second)) == earlier_in_paper
    assert shown_published(first).microsecond == 0


@given(places, st.integers(0, 10**6))
def test_a_printed_time_is_never_after_the_article_was_due(
    place: tuple[int, int], micros: int
) -> None:
    """No reader is shown an item dated after the moment it appeared."""
    item = article(*place)
    item = item.replace(published_at=item.published_at + timedelta(microseconds=micros))
    item = item.replace(updated_at=item.published_at)
    assert shown_published(item) <= item.published_at
    assert shown_updated(item) == shown_published(item)


def test_a_correction_is_printed_by_the_same_rule_and_after_the_publication() -> None:
    corrected = datetime(2021, 8, 30, 9, 15, 42, 123456, tzinfo=SHANGHAI)
    lead, second = (article(1, seq, updated_at=corrected) for seq in (1, 2))
    assert corrected_at(lead) == corrected
    assert shown_updated(lead) == corrected.replace(microsecond=0)
    # Corrected together, the page's articles stay apart and in order.
    assert shown_updated(second) == shown_updated(lead) - timedelta(seconds=1)
    assert shown_updated(second) > shown_published(second)


def test_a_time_somebody_gave_is_printed_as_given() -> None:
    """A JSON article's own ``published_at``, or the desk's 定时 07:02 for page
    1's third article: readers see 07:02, not a page-order second before it."""
    given_at = datetime(2021, 8, 30, 7, 2, tzinfo=SHANGHAI)
    scheduled = article(1, 3, published_at=given_at, updated_at=given_at)
    assert edition_second(scheduled) is None
    assert shown_published(scheduled) == shown_updated(scheduled) == given_at
    with_fraction = given_at + timedelta(microseconds=899_000)
    assert shown_published(article(2, 1, published_at=with_fraction)) == with_fraction
    assert edition_second(article(2, 1)) == EDITION_AT


def test_a_correction_soon_after_a_given_time_is_not_printed_before_it() -> None:
    given_at = datetime(2021, 8, 30, 7, 2, tzinfo=SHANGHAI)
    soon = article(3, 2, published_at=given_at, updated_at=given_at + timedelta(seconds=30))
    assert shown_updated(soon) == given_at  # 07:02:30 less 121 s would be before 07:02
