"""Single rules of the e-paper importer, each on a small page written for it."""

from __future__ import annotations

from datetime import date

from syndicator.ingest import ImportOptions, ParsedFile
from syndicator.ingest.epaper import parse_page

# The pages here print no 第N版: the page is stated, as a person would.
OPTIONS = ImportOptions(edition=date(2021, 8, 30), page=1)
LONG = "全省各级工会组织共开展职工技能竞赛3200余场，参赛职工达85万人次，带动一大批职工提升技能。"


def parse(text: str, **options: object) -> ParsedFile:
    return parse_page(text, source="t.txt", options=ImportOptions(**{**vars(OPTIONS), **options}))


def warning_lines(parsed: ParsedFile) -> list[int | None]:
    return [w.line for w in parsed.warnings]


def test_parse_page_signature_cut_by_a_column_still_ends_the_article() -> None:
    parsed = parse(
        f"第一篇\n\n{LONG}（记者 陈晓东\n\n通讯员 周  琳）\n\n"
        f"第二篇\n\n{LONG}\n\n{LONG}（记者 李强）\n"
    )
    assert [a.title for a in parsed.articles] == ["第一篇", "第二篇"]
    assert parsed.articles[0].byline == "（记者 陈晓东通讯员 周  琳）"
    assert [a.name for a in parsed.articles[0].authors] == ["陈晓东", "周琳"]
    assert parsed.warnings == []


def test_parse_page_short_line_in_a_bylined_article_is_not_a_new_article() -> None:
    parsed = parse(
        f"大标题\n\n本报讯 记者王敏报道 {LONG}\n\n"
        f"坚持创新驱动\n\n{LONG}\n\n二、强化保障\n\n{LONG}\n"
    )
    (article,) = parsed.articles
    assert [b.type for b in article.body] == [
        "paragraph",
        "subhead",
        "paragraph",
        "subhead",
        "paragraph",
    ]
    assert warning_lines(parsed) == [5]  # the unnumbered subhead is a guess


def test_parse_page_package_of_bylined_items_stays_one_article() -> None:
    parsed = parse(
        "一线传真\n\n本报讯 记者王敏报道 杭州市总工会启动职工疗休养活动。\n\n"
        "本报讯 通讯员李强报道 宁波市总工会为外卖骑手送上防暑用品。\n"
    )
    (article,) = parsed.articles
    assert article.byline == "本报讯 记者王敏报道"
    assert [a.name for a in article.authors] == ["王敏", "李强"]
    assert article.body[1].text.startswith("本报讯 通讯员李强报道")


def test_parse_page_warns_about_long_headline_blocks_and_empty_articles() -> None:
    parsed = parse(
        "引题一行\n主题第一行\n副题第一行\n再多一行\n本报讯 记者王敏报道 正文内容。\n"
        "另一篇\n正文。（记者 李强）\n结尾标题\n"
    )
    # A headline with no text under it is no article (issue 14): set aside, warned.
    assert [a.title for a in parsed.articles] == ["主题第一行", "另一篇"]
    assert parsed.articles[0].subtitle == "副题第一行 再多一行"
    assert [(d.line, d.reason) for d in parsed.dropped] == [(8, "headline without text")]
    assert warning_lines(parsed) == [1, 6, 8]  # block, guessed split, empty


def test_parse_page_without_headlines_drops_text_with_reasons() -> None:
    parsed = parse(f"{LONG}\n\n{LONG}\n")
    assert parsed.articles == []
    assert [d.reason for d in parsed.dropped] == ["no headline (continued from another page?)"] * 2
    assert None in warning_lines(parsed) and 1 in warning_lines(parsed)


def test_parse_page_warns_when_options_disagree_with_the_page() -> None:
    parsed = parse(
        "人民日报\n2021年8月29日\n第02版：要闻\n\n标题\n\n本报讯 记者王敏报道 正文。\n", page=5
    )
    messages = {w.line: w.message for w in parsed.warnings}
    assert "人民日报" in messages[1] and "2021-08-29" in messages[2] and "page 2" in messages[3]
    assert parsed.articles[0].page == 5


def test_parse_page_reads_captions_after_a_picture_gap_in_blank_line_layouts() -> None:
    text = (
        "标题一\n\n本报讯 记者王敏报道 第一段。\n\n第二段。\n\n\n\n图片说明文字。\n\n"
        "标题二\n\n\n\n图为职工在车间作业。\n"
    )
    parsed = parse(text)
    assert [b.type for b in parsed.articles[0].body] == ["paragraph", "paragraph", "image"]
    assert [b.type for b in parsed.articles[1].body] == ["image"]


def test_parse_page_keeps_lines_between_blank_lines_in_packed_layouts() -> None:
    parsed = parse(
        f"标题一\n本报讯 记者王敏报道 {LONG}\n{LONG}\n\n\n标题二\n本报讯 通讯员李强报道 {LONG}\n"
    )
    assert [len(a.body) for a in parsed.articles] == [2, 1]
    assert all(b.type == "paragraph" for a in parsed.articles for b in a.body)


def test_parse_page_credit_after_a_long_paragraph_is_a_warned_caption() -> None:
    parsed = parse(f"标题\n\n本报讯 记者王敏报道 {LONG}\n\n{LONG * 4}\n\n记者 王敏 摄\n")
    (article,) = parsed.articles
    assert article.body[-1].type == "image" and article.body[-1].credit == "记者 王敏 摄"
    assert warning_lines(parsed) == [7]


def test_parse_page_bracketed_name_is_a_column_only_above_a_headline() -> None:
    parsed = parse(
        "标题\n本报讯 记者王敏报道 第一段内容。\n【数字赋能】\n第二段内容。\n"
        "【工会之声】\n评论标题\n评论正文。（李华）\n"
    )
    first, second = parsed.articles
    assert [b.type for b in first.body] == ["paragraph", "subhead", "paragraph"]
    assert (second.title, second.tags, second.byline) == ("评论标题", ("工会之声",), "（李华）")


def test_parse_page_headline_and_byline_end_an_unfinished_paragraph() -> None:
    parsed = parse(
        "标题一\n本报讯 记者王敏报道 上半年,规上工业增加值同比增长22.7%\n"
        "标题二\n本报讯 记者李强报道 正文。\n"
    )
    assert [a.title for a in parsed.articles] == ["标题一", "标题二"]
    assert parsed.articles[0].body[-1].text.endswith("增长22.7%")
    assert warning_lines(parsed) == [3]


def test_parse_page_column_fragment_before_text_is_no_headline() -> None:
    parsed = parse(
        f"标题\n\n本报讯 记者王敏报道 {LONG}\n\n经过紧张激烈的角逐,获得\n\n"
        "快递员个人全能前3名的选手,被授予“湖州市技术能手”荣誉称号。\n"
    )
    (article,) = parsed.articles
    assert article.body[-1].text == (
        "经过紧张激烈的角逐，获得快递员个人全能前3名的选手，被授予“湖州市技术能手”荣誉称号。"
    )
    assert parsed.warnings == []
