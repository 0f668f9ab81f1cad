"""Tables stay tables: in the WeChat post (styled cell by cell, phone-wide) and in the feeds.

The article of tests/data/table.json carries a 3×3 table as a CMS sends it
(inside a paragraph's ``html``); the reviewer saw its cells run together
as one line in the WeChat output.
"""

from __future__ import annotations

import json
import re

import pytest
from lxml import etree
from lxml import html as lxml_html
from support.paths import DATA

from syndicator.ingest import ImportOptions, load_file
from syndicator.model import MAX_TABLE_CELLS, Article, Block, Cell, table_problem
from syndicator.render import feeds
from syndicator.render.wechat.check import MAX_CHARS, check_html, parse_style
from syndicator.render.wechat.post import build_post

CELLS = ["赛区", "工种", "人数", "杭州", "电工", "236", "宁波", "焊工", "198"]
NS = {"content": "http://purl.org/rss/1.0/modules/content/", "atom": "http://www.w3.org/2005/Atom"}


@pytest.fixture
def article() -> Article:
    (article,) = load_file(DATA / "table.json", ImportOptions()).articles
    return article


@pytest.fixture
def spanned(articles):
    """A factory: an article whose table has a row header and a cell spanning two columns."""

    def make(text: str = "未统计") -> Article:
        rows = (
            (Cell("赛区", header=True), Cell("2020年", header=True), Cell("2021年", header=True)),
            (Cell("杭州", header=True), Cell("210"), Cell("236")),
            (Cell("合计", header=True), Cell(text, colspan=2)),
        )
        table = Block("table", caption="参赛人数", credit="制表：程雪", rows=rows)
        return articles[1].replace(body=(Block("paragraph", text="导语。"), table))

    return make


def cell_texts(table) -> list[str]:
    return [" ".join(c.text_content().split()) for c in table.iter("th", "td")]


@pytest.mark.parametrize("theme", ["neutral", "red"])
def test_wechat_table_is_a_real_table_that_passes_the_checker(
    make_config, article: Article, tmp_path, theme: str
) -> None:
    post = build_post(article, make_config(tmp_path, wechat={"theme": theme}))
    assert check_html(post.content) == [] and post.ready, post.complaints
    root = lxml_html.fragment_fromstring(post.content)
    (table,) = root.findall("table")  # a block of its own, not inside a <p>
    assert cell_texts(table) == CELLS
    assert [th.text for th in table.xpath("thead/tr/th")] == ["赛区", "工种", "人数"]
    assert [len(tr) for tr in table.xpath("tbody/tr")] == [3, 3]
    caption = table.getprevious()
    assert caption.tag == "p" and caption.text == "各赛区报名人数"
    assert table.getnext().text == "比赛将于9月中旬举行。"


def test_wechat_table_is_styled_inline_for_a_phone(article: Article, config) -> None:
    root = lxml_html.fragment_fromstring(build_post(article, config).content)
    (table,) = root.iter("table")
    style = dict(parse_style(table.get("style"))[0])
    assert style["width"] == "100%" and style["max-width"] == "100%"
    assert style["table-layout"] == "fixed"  # columns share the width; text wraps
    assert style["border-collapse"] == "collapse"
    for cell in table.iter("th", "td"):
        declared = dict(parse_style(cell.get("style"))[0])
        assert declared["border"].startswith("1px solid #")
        assert declared["padding"] and declared["color"].startswith("#")
        assert (declared.get("font-weight") == "bold") == (cell.tag == "th")
        assert set(cell.attrib) == {"style"}
    # Nothing anywhere is given a width wider than the 375 px phone column.
    for element in root.iter():
        for prop, value in parse_style(element.get("style") or "")[0]:
            if prop.endswith("width") and value.endswith("px"):
                assert float(value[:-2]) <= 375, (element.tag, prop, value)


def test_wechat_table_keeps_spans_row_headers_and_credit(spanned, config) -> None:
    post = build_post(spanned(), config)
    assert check_html(post.content) == []
    root = lxml_html.fragment_fromstring(post.content)
    (table,) = root.iter("table")
    rows = table.xpath("thead/tr | tbody/tr")
    assert [[c.tag for c in tr] for tr in rows] == [["th"] * 3, ["th", "td", "td"], ["th", "td"]]
    assert rows[2][1].get("colspan") == "2" and rows[2][1].text == "未统计"
    assert table.getnext().text == "制表：程雪"


def test_wechat_table_cell_text_is_escaped_never_injected(spanned, config) -> None:
    evil = '<script>alert(1)</script><td style="position:absolute">'
    post = build_post(spanned(text=evil), config)
    assert check_html(post.content) == []
    root = lxml_html.fragment_fromstring(post.content)
    assert not root.xpath("//script") and "<script" not in post.content
    assert root.xpath("//td[@colspan]")[0].text == evil


def test_wechat_table_too_big_for_a_post_is_reported_not_cut(articles, config) -> None:
    rows = tuple(tuple(Cell(f"{r}-{c}") for c in range(8)) for r in range(40))
    body = (Block("table", rows=rows),)
    post = build_post(articles[1].replace(body=body), config)
    assert [p.rule for p in post.check] == ["size"]
    assert post.content.count("<td ") == 320 and "39-7" in post.content


def test_feeds_carry_the_table(spanned, feed_problems, article: Article, config) -> None:
    ctx = feeds.context_for(config, config.channel("all"))
    docs = feeds.render_channel(ctx, [article, spanned()])
    for name, data in docs.items():
        assert feed_problems(name, data) == [], name
    rss = etree.fromstring(docs["rss.xml"])
    atom = etree.fromstring(docs["atom.xml"])
    fragments = {
        "rss": [e.text for e in rss.iterfind(".//content:encoded", NS)],
        "atom": [e.text for e in atom.iterfind(".//atom:content", NS)],
        "json": [i["content_html"] for i in json.loads(docs["feed.json"])["items"]],
    }
    for name, (first, second) in fragments.items():
        root = lxml_html.fragment_fromstring(first, create_parent="div")
        (table,) = root.iter("table")
        assert table.findtext("caption") == "各赛区报名人数", name
        assert cell_texts(table) == CELLS, name
        assert [th.text for th in table.xpath("thead/tr/th")] == CELLS[:3], name
        assert table.xpath("tbody/tr[1]/td/text()") == CELLS[3:6], name
        assert all(not c.attrib for c in table.iter())  # bare HTML: readers bring styles
        root = lxml_html.fragment_fromstring(second, create_parent="div")
        (figure,) = root.iter("figure")
        assert figure.findtext("figcaption") == "制表：程雪", name
        assert figure.xpath("table/tbody/tr[2]/td/@colspan") == ["2"], name
        assert figure.xpath("table/tbody/tr/th/text()") == ["杭州", "合计"], name


def test_feeds_escape_cell_text(spanned, config) -> None:
    ctx = feeds.context_for(config, config.channel("all"))
    doc = feeds.render_channel(ctx, [spanned(text="<b>粗</b>&")])
    item = json.loads(doc["feed.json"])["items"][0]
    assert re.search(r'<td colspan="2">&lt;b&gt;粗&lt;/b&gt;&amp;</td>', item["content_html"])


def test_wechat_largest_allowed_table_fits_the_size_budget(articles, config) -> None:
    """MAX_TABLE_CELLS cells of 8 characters, 8 columns, a header row, in the sample article."""
    columns = 8
    head = (tuple(Cell("表头文字表头文字", header=True) for _ in range(columns)),)
    body = tuple(
        tuple(Cell(f"杭州市{r:03d}电工"[:8]) for _ in range(columns))
        for r in range(MAX_TABLE_CELLS // columns - 1)
    )
    rows = head + body
    assert sum(map(len, rows)) == MAX_TABLE_CELLS and table_problem(rows) is None
    article = articles[1]
    table = Block("table", caption="各赛区报名人数", credit="制表：程雪", rows=rows)
    post = build_post(article.replace(body=(*article.body, table)), config)
    assert check_html(post.content) == [], len(post.content)
    assert post.ready


def test_wechat_modest_table_is_well_under_the_size_limit(articles, config) -> None:
    rows = tuple(tuple(Cell("杭州市电工") for _ in range(6)) for _ in range(25))
    post = build_post(articles[1].replace(body=(Block("table", rows=rows),)), config)
    assert len(post.content) < MAX_CHARS * 0.7 and check_html(post.content) == []
