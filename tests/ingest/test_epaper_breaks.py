"""Where a paragraph ends when no full stop says so: printed line breaks.

``Page.continues`` joins a line that does not end a sentence to the next
one, because that is what a column break looks like. Some lines end
without a full stop and are still whole: label-value lines ("咨询电话：…")
and short headline-like lines before a new story.
"""

from __future__ import annotations

from datetime import date

import pytest
from support.epaper_expect import DATA

from syndicator.ingest import ImportOptions, ParsedFile, load_file
from syndicator.ingest.epaper import parse_page
from syndicator.ingest.grouping import Page, measure
from syndicator.ingest.layout import Line

# The pages here print no 第N版: the page is stated, as a person would.
OPTIONS = ImportOptions(edition=date(2021, 9, 10), page=1)
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
    page = page_of("报名时间：即日起至9月30日，报名者需携带身份证原件，", "到各区县总工会报名。")
    assert page.continues(0)  # a sentence that starts like a label-value line


@pytest.mark.parametrize("separator", ["\n\n", "\n", "\r\n\r\n"])
def test_parse_page_keeps_label_value_lines_as_their_own_paragraphs(separator: str) -> None:
    lines = ["工会开办暑期爱心托管班", LEAD, *CONTACT, "托管班的老师由大学生志愿者担任。"]
    parsed = parse(separator.join(["2021年9月10日", *lines]))
    assert paragraphs(parsed) == [LEAD.split(" ", 2)[2], *CONTACT, lines[-1]]


def test_load_file_keeps_the_contact_lines_of_a_page_apart() -> None:
    path = DATA / "zjgrrb-2021-09-10-contact.txt"
    parsed = load_file(path, ImportOptions(page=1))
    assert paragraphs(parsed) == [
        "今年暑假，市总工会在全市开办爱心托管班20个，免费接收职工子女入托。",
        *CONTACT,
        "托管班的老师由大学生志愿者担任。",
    ]
    assert [(d.line, d.text, d.reason) for d in parsed.dropped][-1] == (
        12,
        "新闻服务热线",
        "footer",
    )
    (warning,) = parsed.warnings
    assert warning.line == 12 and "新闻服务热线" in warning.message


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


# -- short lines before a new sentence ---------------------------------------------

PHOTO_HEAD = "开学,防疫先行"
PHOTO_TEXT = "昨日,玉环市龙溪镇星星幼儿园秋季开学开园。在家长的陪同下,安全健康入园入学。"
#: As printed: the importer gives commas between Chinese their full width back.
PRINTED_HEAD = "开学，防疫先行"
PRINTED_TEXT = "昨日，玉环市龙溪镇星星幼儿园秋季开学开园。在家长的陪同下，安全健康入园入学。"
BYLINED = f"东阳全力打造先进制造业基地\n本报讯 杜志华报道 {LONG}\n{LONG}\n"
NEXT = "湖州举办第六届邮政行业职业技能竞赛\n本报讯 记者程雪报道 为培养邮政行业技能人才,举办竞赛。\n"


def test_continues_stops_after_a_complete_short_line_before_a_lead() -> None:
    page = page_of(LONG, PHOTO_HEAD, PHOTO_TEXT)
    assert not page.continues(1)
    page = page_of(LONG, "经过紧张激烈的角逐,获得", PHOTO_TEXT)  # cut mid-phrase: joined
    assert page.continues(1)


def test_parse_page_short_headline_over_a_lead_then_an_article_is_photo_news() -> None:
    parsed = parse(f"2021年9月10日\n{BYLINED}{PHOTO_HEAD}\n{PHOTO_TEXT}\n{NEXT}")
    titles = [a.title for a in parsed.articles]
    assert titles == [
        "东阳全力打造先进制造业基地",
        PRINTED_HEAD,
        "湖州举办第六届邮政行业职业技能竞赛",
    ]
    photo = parsed.articles[1]
    assert photo.byline is None and [b.text for b in photo.body] == [PRINTED_TEXT]
    assert [w.line for w in parsed.warnings] == [5]
    assert PHOTO_HEAD in parsed.warnings[0].message


def test_parse_page_short_line_over_a_lead_inside_an_article_is_a_warned_subhead() -> None:
    parsed = parse(f"2021年9月10日\n{BYLINED}{PHOTO_HEAD}\n{PHOTO_TEXT}\n{LONG}\n{NEXT}")
    first = parsed.articles[0]
    assert len(parsed.articles) == 2
    assert [(b.type, b.text) for b in first.body[2:]] == [
        ("subhead", PRINTED_HEAD),
        ("paragraph", PRINTED_TEXT),
        ("paragraph", LONG),
    ]
    assert [w.line for w in parsed.warnings] == [5]
    assert PHOTO_HEAD in parsed.warnings[0].message


def test_parse_page_short_line_glued_to_the_next_one_is_warned() -> None:
    parsed = parse(f"2021年9月10日\n{BYLINED}质量提升,效益倍增\n{LONG}\n")
    (article,) = parsed.articles
    assert article.body[-1].text == "质量提升，效益倍增" + LONG
    assert [w.line for w in parsed.warnings] == [5]
    assert "质量提升,效益倍增" in parsed.warnings[0].message


def test_parse_page_couplet_inside_an_article_is_a_warned_subhead() -> None:
    parsed = parse(f"2021年9月10日\n{BYLINED}无时不在 无事不扰\n{LONG}\n")
    (article,) = parsed.articles
    assert (article.body[2].type, article.body[2].text) == ("subhead", "无时不在 无事不扰")
    assert [w.line for w in parsed.warnings] == [5]


def test_parse_page_warns_about_a_footer_between_article_lines() -> None:
    body = f"2021年9月10日\n标题\n本报讯 记者王敏报道 {LONG}\n"
    at_the_end = parse(f"{body}{LONG}\n新闻服务热线\n")
    assert at_the_end.warnings == []
    inside = parse(f"{body}新闻服务热线\n{LONG}\n")
    assert [(d.line, d.reason) for d in inside.dropped] == [(1, "masthead"), (4, "footer")]
    assert [w.line for w in inside.warnings] == [4]
    assert [b.text for b in inside.articles[0].body] == [LONG, LONG]


def test_parse_page_headline_after_contact_lines_is_found_by_its_signature() -> None:
    parsed = parse(
        f"2021年9月10日\n工会开办暑期爱心托管班\n{LEAD}\n" + "\n".join(CONTACT) + "\n"
        f"托管班里的暑假\n{LONG}（记者 李强）\n"
    )
    assert [a.title for a in parsed.articles] == ["工会开办暑期爱心托管班", "托管班里的暑假"]
    assert [b.text for b in parsed.articles[0].body][1:] == CONTACT
    assert parsed.articles[1].byline == "（记者 李强）"
