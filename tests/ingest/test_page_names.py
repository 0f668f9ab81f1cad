"""A 版名 line at the top of a page names the page; it is never an article's kicker (issue 14)."""

from __future__ import annotations

import pytest

from syndicator.ingest import ImportOptions
from syndicator.ingest.epaper import parse_page

HEAD = "浙江工人日报\n2021年8月30日 星期一\n第2版\n"
ARTICLE = (
    "聚焦共同富裕示范区建设\n我省出台职工技能提升三年行动计划\n\n"
    "本报讯 记者王敏报道 近日，省总工会联合省人力社保厅出台职工技能提升三年行动计划，"
    "提出到2025年全省新增技能人才100万人。\n\n"
    "计划明确，各级工会将每年组织职工技能竞赛不少于3000场。\n"
)


@pytest.mark.parametrize("name", ["综合新闻", "要闻", "民 生", "工会新闻"])
def test_a_page_name_line_names_the_page_and_leaves_the_headline_alone(name: str) -> None:
    parsed = parse_page(f"{HEAD}{name}\n\n{ARTICLE}", source="p2.txt", options=ImportOptions())
    (article,) = parsed.articles
    assert article.kicker == "聚焦共同富裕示范区建设"
    assert article.title == "我省出台职工技能提升三年行动计划"
    assert article.subtitle is None
    assert article.page_name == "".join(name.split())
    assert [d.reason for d in parsed.dropped if d.text == name] == ["page name"]


def test_a_paper_may_name_its_own_pages() -> None:
    page = f"{HEAD}钱江潮\n\n{ARTICLE}"
    own = parse_page(page, source="p2.txt", options=ImportOptions(page_names=("钱江潮",)))
    assert own.articles[0].page_name == "钱江潮"
    assert own.articles[0].kicker == "聚焦共同富裕示范区建设"


def test_a_printed_page_label_keeps_its_own_name() -> None:
    parsed = parse_page(
        HEAD.replace("第2版", "第2版：要闻") + "综合新闻\n\n" + ARTICLE,
        source="p2.txt",
        options=ImportOptions(),
    )
    assert parsed.articles[0].page_name == "要闻"


def test_a_page_name_word_inside_the_text_stays_text() -> None:
    body = (
        ARTICLE
        + "\n国际新闻\n\n另据报道，多国工会组织也在推进类似的技能提升计划，参与职工逾千万人。\n"
    )
    parsed = parse_page(HEAD + "\n" + body, source="p2.txt", options=ImportOptions())
    texts = [b.text for a in parsed.articles for b in a.body] + [a.title for a in parsed.articles]
    assert any("国际新闻" in t for t in texts)
    assert all(d.reason != "page name" for d in parsed.dropped)


@pytest.mark.parametrize(
    "page",
    [
        # A masthead whose slogan and sponsor line the masthead rules do not know.
        "浙江工人日报\n2021年8月30日 星期一\n第1版\n\n"
        "团结奋进新时代 建功立业新征程\n\n浙江省总工会主管主办\n",
        # Only a box's label.
        "浙江工人日报\n2021年8月30日 星期一\n第1版\n\n今日导读\n",
    ],
)
def test_a_page_with_no_article_text_yields_no_article_and_says_so(page: str) -> None:
    """Issue 14: a masthead-only page became an empty article titled after its slogan."""
    parsed = parse_page(page, source="p1.txt", options=ImportOptions())
    assert parsed.articles == []
    assert "headline without text" in {d.reason for d in parsed.dropped}
    messages = [w.message for w in parsed.warnings]
    assert any("has no text under it" in m for m in messages)
    assert "no articles found on the page" in messages


@pytest.mark.parametrize(
    ("label", "page", "name"),
    [
        ("第3版", 3, None),
        ("3版", 3, None),
        ("第01版：要闻", 1, "要闻"),
        ("00002版:工会", 2, "工会"),
        ("A04:民生/影像", 4, "民生/影像"),
        ("B02：体育", 2, "体育"),
    ],
)
def test_the_page_comes_from_its_label_in_every_common_form(label, page, name) -> None:
    """Issue 14: the printed 版次 in any common form, A04:民生/影像 included."""
    text = f"浙江工人日报\n2021年8月30日 星期一\n{label}\n\n{ARTICLE}"
    parsed = parse_page(text, source="today.txt", options=ImportOptions())
    assert parsed.page == page and parsed.origins["page"] == "printed"
    assert parsed.articles[0].page_name == name


def test_an_article_page_that_prints_its_date_only_in_a_footer_line_is_read() -> None:
    """Issue 14: such a page was refused with "no edition date"."""
    text = (
        f"{ARTICLE}\n浙江工人日报 工会 00002 我省出台职工技能提升三年行动计划 "
        "2015-04-21 2 2015年04月21日 星期二\n"
    )
    parsed = parse_page(text, source="today.txt", options=ImportOptions())
    assert parsed.edition is not None and str(parsed.edition.date) == "2015-04-21"
    assert parsed.page == 2 and parsed.origins == {"edition": "printed", "page": "printed"}
    (article,) = parsed.articles
    assert article.page_name == "工会" and article.title == "我省出台职工技能提升三年行动计划"
    assert [d.reason for d in parsed.dropped] == ["chrome"]
