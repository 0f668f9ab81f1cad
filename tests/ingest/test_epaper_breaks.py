"""Where a paragraph ends when no full stop says so: printed line breaks.

``Page.continues`` joins a line that does not end a sentence to the next
one, because that is what a column break looks like. Some lines end
without a full stop and are still whole: label-value lines ("咨询电话：…")
and short headline-like lines before a new story.
"""

from __future__ import annotations

from datetime import date

import pytest

from syndicator.ingest import ImportOptions, ParsedFile
from syndicator.ingest.epaper import parse_page
from syndicator.ingest.grouping import Page, measure
from syndicator.ingest.layout import Line

OPTIONS = ImportOptions(edition=date(2021, 9, 10))
LONG = "全省各级工会组织共开展职工技能竞赛3200余场，参赛职工达85万人次，带动一大批职工提升技能。"
LEAD = "本报讯 记者程雪报道 今年暑假，市总工会在全市开办爱心托管班20个，免费接收职工子女入托。"
CONTACT = ["报名地址：杭州市学院路107号", "咨询电话：0571-87654321"]


def parse(text: str) -> ParsedFile:
    return parse_page(text, source="t.txt", options=OPTIONS)


def page_of(*texts: str) -> Page:
    return measure([Line(no, text) for no, text in enumerate(texts, 1)])


def paragraphs(parsed: ParsedFile) -> list[str]:
    (article,) = parsed.articles
    assert all(b.type == "paragraph" for b in article.body)
    return [b.text for b in article.body]


def wrap(text: str, width: int = 20) -> list[str]:
    """Hard-wrap text the way a PDF extractor does: every line fills the column."""
    return [text[k : k + width] for k in range(0, len(text), width)]


def test_continues_stops_before_and_after_a_label_value_line() -> None:
    page = page_of("欢迎广大职工踊跃报名参加", *CONTACT, "托管班的老师由大学生志愿者担任。")
    assert [page.continues(i) for i in range(3)] == [False, False, False]


def test_continues_still_joins_a_column_break_before_prose() -> None:
    page = page_of("全国首部地方性法规已于今年3", "月1日施行。")
    assert page.continues(0)
    page = page_of("经过紧张激烈的角逐,获得", "快递员个人全能前3名的选手,被授予荣誉称号。")
    assert page.continues(0)


@pytest.mark.parametrize("separator", ["\n\n", "\n", "\r\n\r\n"])
def test_parse_page_keeps_label_value_lines_as_their_own_paragraphs(separator: str) -> None:
    lines = ["工会开办暑期爱心托管班", LEAD, *CONTACT, "托管班的老师由大学生志愿者担任。"]
    parsed = parse(separator.join(["2021年9月10日", *lines]))
    assert paragraphs(parsed) == [LEAD.split(" ", 2)[2], *CONTACT, lines[-1]]


def test_parse_page_joins_a_label_value_line_cut_by_hard_wrapping() -> None:
    address = "报名地址：杭州市西湖区学院路107号浙江工人日报社大楼三楼302室"
    lines = [
        "标题在这里",
        *wrap("本报讯 记者王敏报道 " + LONG * 3),
        *wrap(address),
        *wrap(LONG * 2),
    ]
    parsed = parse("2021年9月10日\n" + "\n".join(lines))
    assert paragraphs(parsed) == [LONG * 3, address, LONG * 2]
    assert page_of(*lines).width is not None  # the page really is hard-wrapped
