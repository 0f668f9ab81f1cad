"""Where each cell of a rendered table lands, computed as a browser does.

A ``rowspan`` stops at the end of its row group (``<thead>``, ``<tbody>``),
so a header cell spanning into the body used to push the body's cells
into the wrong column. These tests read the rendered HTML with lxml and
place every cell on the grid by HTML's table model (``tests/support/tablegrid.py``).
"""

from __future__ import annotations

import pytest
from lxml import html as lxml_html

from syndicator.model import Article, Block, Cell, head_rows
from syndicator.render.html import render_table
from syndicator.render.wechat.html import render_wechat
from syndicator.render.wechat.post import build_post

SPANNED_HEAD = (
    (Cell("地区", header=True, rowspan=2), Cell("工种", header=True), Cell("人数", header=True)),
    (Cell("电工"), Cell("236")),
)


@pytest.fixture
def with_table(articles):
    """A factory: the text-only article with a table of ``rows`` as its body."""

    def make(rows) -> Article:
        return articles[1].replace(body=(Block("table", rows=rows),))

    return make


def _table(fragment: str):
    root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    (table,) = root.iter("table")
    return table


@pytest.mark.parametrize("render", ["feed", "wechat"])
def test_header_rowspan_into_the_body_keeps_body_cells_in_their_columns(
    table_columns, with_table, render: str
) -> None:
    block = Block("table", rows=SPANNED_HEAD)
    html = render_table(block) if render == "feed" else render_wechat(with_table(SPANNED_HEAD))
    table = _table(html)
    assert table_columns(table) == {"地区": 0, "工种": 1, "人数": 2, "电工": 1, "236": 2}
    for tr in table.xpath("thead/tr"):  # no span leaves its group
        assert all(int(c.get("rowspan", 1)) == 1 for c in tr)


def test_head_extends_over_header_rows_a_span_reaches(table_columns) -> None:
    rows = (
        (Cell("地区", header=True, rowspan=2), Cell("2021年", header=True, colspan=2)),
        (Cell("上半年", header=True), Cell("下半年", header=True)),
        (Cell("杭州"), Cell("1"), Cell("2")),
    )
    assert head_rows(rows) == 2
    assert head_rows(SPANNED_HEAD) == 0
    table = _table(render_table(Block("table", rows=rows)))
    assert len(table.xpath("thead/tr")) == 2
    assert table_columns(table) == {
        "地区": 0,
        "2021年": 1,
        "上半年": 1,
        "下半年": 2,
        "杭州": 0,
        "1": 1,
        "2": 2,
    }


def test_wechat_post_with_a_table_too_wide_for_a_phone_is_not_ready(with_table, config) -> None:
    rows = (
        tuple(Cell(f"R{i}", rowspan=2) for i in range(20)),
        tuple(Cell(f"S{i}") for i in range(20)),
    )
    post = build_post(with_table(rows), config)
    assert not post.ready
    assert [p.rule for p in post.check] == ["width"]
    assert "40 columns" in post.check[0].message
