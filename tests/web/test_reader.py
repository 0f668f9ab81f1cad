"""How the reader pages arrange and word an edition: pages, page names, dates, corrections."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from support.sampledata import SHANGHAI

from syndicator.model import Article
from syndicator.render.times import corrected_at
from syndicator.web import reader

AT = datetime(2021, 8, 30, 6, 0, tzinfo=SHANGHAI)


def article(id: str, page: int, seq: int, **fields) -> Article:
    base = {"edition": date(2021, 8, 30), "title": id, "published_at": AT, "updated_at": AT}
    return Article(id=id, page=page, seq=seq, **{**base, **fields})


@pytest.mark.parametrize(
    ("printed", "name"),
    [
        ("第02版：经济", "经济"),
        ("第2版 要闻", "要闻"),
        ("第 12 版:职工生活", "职工生活"),
        ("第03版", None),
        ("要闻", "要闻"),
        (None, None),
        ("", None),
    ],
)
def test_page_name_drops_the_page_number_it_repeats(printed, name) -> None:
    assert reader.page_name(article("a", 2, 1, page_name=printed)) == name


def test_printed_pages_are_in_page_then_seq_order_whatever_the_feed_order() -> None:
    feed_order = [
        article("p2-1", 2, 1, page_name="第02版：经济", published_at=AT + timedelta(seconds=3)),
        article("p1-2", 1, 2),
        article("p2-2", 2, 2),
        article("p1-1", 1, 1, updated_at=AT + timedelta(hours=1)),
    ]
    pages = reader.printed_pages(feed_order)
    assert [(p.number, p.label, p.title) for p in pages] == [
        (1, "第1版", "第1版"),
        (2, "第2版", "第2版 经济"),
    ]
    assert [[a.id for a in p.articles] for p in pages] == [["p1-1", "p1-2"], ["p2-1", "p2-2"]]
    assert reader.printed_pages([]) == []


def test_a_page_takes_its_name_and_e_paper_link_from_any_of_its_articles() -> None:
    [page] = reader.printed_pages(
        [
            article("a", 3, 1),
            article("b", 3, 2, page_name="第03版：要闻", source_url="https://e.example/3"),
        ]
    )
    assert page.name == "要闻" and page.source_url == "https://e.example/3"


def test_dates_are_written_the_chinese_way_in_the_papers_zone() -> None:
    assert reader.chinese_date(date(2021, 8, 3)) == "2021年8月3日"
    utc = datetime(2021, 8, 30, 22, 5, tzinfo=SHANGHAI).astimezone(tz=None)
    assert reader.chinese_time(utc, SHANGHAI) == "2021年8月30日 22:05"


def test_an_article_updated_after_it_was_released_was_corrected() -> None:
    fresh = article("a", 1, 1)
    assert corrected_at(fresh) is None and reader.correction_notes(fresh, SHANGHAI) == []
    later = AT + timedelta(hours=9, minutes=20)
    fixed = article("a", 1, 1, updated_at=later)
    assert corrected_at(fixed) == later
    [note] = reader.correction_notes(fixed, SHANGHAI)
    assert note.text == "更正：本文于2021年8月30日 15:20更正"
    assert (note.label, note.detail) == ("更正", "本文于2021年8月30日 15:20更正")
    # The anchor is in UTC: the feeds' item links of a corrected article end with it.
    assert note.anchor == "corrected-20210830T072000Z"
