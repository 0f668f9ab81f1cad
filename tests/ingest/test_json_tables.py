"""Tables in JSON articles: HTML tables become rows of cells; hostile ones are cleaned or refused.

The WeChat editor keeps table tags, but the inline sanitiser does not, so a
table in a paragraph's ``html`` used to arrive as its cells run together.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.paths import DATA

from syndicator.errors import InputError
from syndicator.ingest import ImportOptions, load_file
from syndicator.ingest.jsonfile import parse_json

OPTIONS = ImportOptions()
BASE = json.loads((DATA / "table.json").read_text(encoding="utf-8"))
ROWS = "<tr><td>甲</td><td>乙</td></tr><tr><td>丙</td><td>丁</td></tr>"
GRID = f"<table>{ROWS}</table>"


def cells(block) -> list[list[str]]:
    return [[c.text for c in row] for row in block.rows]


def import_body(*blocks: object):
    """The article of tests/data/table.json with another body, imported from JSON text."""
    text = json.dumps(dict(BASE, body=list(blocks)), ensure_ascii=False, indent=2)
    return parse_json(text, source="table.json", options=OPTIONS).articles[0]


def refusal(*blocks: object) -> InputError:
    with pytest.raises(InputError) as info:
        import_body(*blocks)
    return info.value


def test_json_article_with_a_3x3_table_imports_as_a_table_block() -> None:
    (article,) = load_file(DATA / "table.json", OPTIONS).articles
    assert [b.type for b in article.body] == ["paragraph", "table", "paragraph"]
    table = article.body[1]
    assert table.caption == "各赛区报名人数"
    assert cells(table) == [
        ["赛区", "工种", "人数"],
        ["杭州", "电工", "236"],
        ["宁波", "焊工", "198"],
    ]
    assert [c.header for c in table.rows[0]] == [True, True, True]
    assert not any(c.header for row in table.rows[1:] for c in row)
    assert table.html is None and table.text == ""
    # What `import --dry-run --json` prints imports back unchanged.
    again = parse_json(
        json.dumps(article.to_dict(), ensure_ascii=False), source="again.json", options=OPTIONS
    )
    assert again.articles[0] == article


def test_cells_no_longer_run_together() -> None:
    article = import_body({"type": "paragraph", "html": GRID})
    assert cells(article.body[0]) == [["甲", "乙"], ["丙", "丁"]]
    assert "甲乙" not in article.plain_text


def test_table_block_takes_html_or_rows() -> None:
    from_html = import_body({"type": "table", "html": GRID, "credit": "制表：程雪"})
    from_rows = import_body(
        {"type": "table", "rows": [["甲", "乙"], ["丙", "丁"]], "credit": "制表：程雪"}
    )
    assert from_html == from_rows
    error = refusal({"type": "table", "html": GRID, "rows": [["甲"]]})
    assert error.field == "body[0].html" and "not both" in error.message


def test_hostile_table_keeps_its_structure_and_words_only() -> None:
    html = (
        '<table style="width:2000px;position:absolute" class="t" onclick="alert(1)">'
        "<caption>表<script>alert(2)</script></caption>"
        '<thead><tr style="color:#000"><th id="h" style="display:flex">项</th>'
        "<th>值</th></tr></thead>"
        '<tr><td onmouseover="alert(3)">甲<script>alert(4)</script><b>粗</b><br>二</td>'
        '<td><img src=x onerror=alert(5)><a href="javascript:alert(6)">1</a><!-- c --></td></tr>'
        '<tr><td colspan=" 2 " data-x="y">合计<style>td{color:red}</style></td></tr>'
        "</table>"
    )
    article = import_body({"type": "table", "html": html})
    table = article.body[0]
    assert table.caption == "表"
    assert cells(table) == [["项", "值"], ["甲粗 二", "1"], ["合计"]]
    assert table.rows[2][0].colspan == 2
    dumped = json.dumps(article.to_dict(), ensure_ascii=False)
    assert "alert" not in dumped and "style" not in dumped and "<" not in dumped


def test_cell_text_given_as_rows_is_plain_text_kept_as_sent() -> None:
    """Like any plain-text field: markup-looking text is text, nothing is lost."""
    rows = [["<script>alert(1)</script>甲", {"text": "<b onclick='x()'>乙</b>", "header": True}]]
    table = import_body({"type": "table", "rows": rows}).body[0]
    assert cells(table) == [["<script>alert(1)</script>甲", "<b onclick='x()'>乙</b>"]]
    from lxml import html as lxml_html

    from syndicator.render.html import render_table

    root = lxml_html.fragment_fromstring(render_table(table))
    assert not root.xpath("//script|//b")
    assert [c.text_content() for c in root.xpath("//td|//th")] == cells(table)[0]


@pytest.mark.parametrize(
    ("block", "words"),
    [
        (
            {
                "type": "table",
                "html": "<table><tr><td>外<table><tr><td>内</td></tr></table></td></tr></table>",
            },
            "a table inside a table cell",
        ),
        ({"type": "paragraph", "html": f"前言{GRID}"}, "text beside the table ('前言')"),
        ({"type": "quote", "html": f"{GRID}{GRID}"}, "2 tables in one block"),
        ({"type": "paragraph", "html": "<td>甲</td><td>乙</td>"}, "no <table>"),
        ({"type": "table", "html": "只是文字"}, "no <table>"),
        (
            {"type": "table", "html": '<table><tr><td colspan="1e3">甲</td></tr></table>'},
            "colspan='1e3' is not a whole number from 1 to 20",
        ),
        (
            {"type": "table", "html": '<table><tr><td rowspan="0">甲</td></tr></table>'},
            "rowspan='0'",
        ),
        (
            {"type": "table", "html": '<table><tr><td rowspan="9">甲</td></tr></table>'},
            "rowspan reaches past the last row",
        ),
        (
            {"type": "table", "html": "<table>" + ("<tr>" + "<td>格</td>" * 100 + "</tr>") * 100},
            "10,000 cells; a table may have at most 200",
        ),
        (
            {
                "type": "table",
                "caption": "标题",
                "html": f"<table><caption>另一个</caption>{ROWS}</table>",
            },
            "keep one",
        ),
    ],
)
def test_tables_that_cannot_be_shown_are_refused_naming_the_field(block: dict, words: str) -> None:
    error = refusal({"type": "paragraph", "text": "导语。"}, block)
    assert error.field == "body[1].html"
    assert words in error.message
    assert error.file == "table.json" and error.line is not None


def test_refusal_points_at_the_line_of_the_table(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    data = dict(BASE)
    data["body"] = [
        *BASE["body"][:1],
        {"type": "table", "html": "<table>" + "<tr><td>格</td></tr>" * 201},
    ]
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_file(path, OPTIONS)
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if '"html"' in text)
    assert str(info.value).startswith(f"{path}:{line}: body[1].html: 201 rows")


@pytest.mark.parametrize(
    ("cell", "text"),
    [
        ("<p>P1</p><p>P2</p>", "P1 P2"),
        ("<ul><li>一</li><li>二</li></ul>", "一 二"),
        ("<ol><li>一</li><li>二</li></ol>后", "一 二 后"),
        ("前<div>甲</div><div>乙</div>", "前 甲 乙"),
        ("甲<br>乙", "甲 乙"),
        ("<b>粗</b>体", "粗体"),  # inline markup joins nothing
    ],
)
def test_blocks_inside_a_cell_separate_its_words(cell: str, text: str) -> None:
    html = f"<div><table><tr><td>{cell}</td><td>x</td></tr></table></div>"
    assert cells(import_body({"type": "table", "html": html}).body[0]) == [[text, "x"]]


@pytest.mark.parametrize(
    ("cell", "text"),
    [
        ("&lt;script&gt;alert(1)&lt;/script&gt;KEEP", "<script>alert(1)</script>KEEP"),
        ("x &lt;b&gt; y", "x <b> y"),
        ("a &amp;lt; b", "a &lt; b"),
    ],
)
def test_text_the_author_encoded_in_a_cell_stays_text(cell: str, text: str) -> None:
    article = import_body({"type": "table", "html": f"<table><tr><td>{cell}</td></tr></table>"})
    assert cells(article.body[0]) == [[text]]
    # Still text, never markup, when shown.
    from lxml import html as lxml_html

    from syndicator.render.html import render_table

    root = lxml_html.fragment_fromstring(render_table(article.body[0]))
    assert not root.xpath("//script|//b") and root.xpath("string(//td)") == text


def test_text_beside_a_table_is_refused_naming_the_field_not_dropped() -> None:
    error = refusal({"type": "paragraph", "text": "表格说明。", "html": GRID})
    assert error.field == "body[0].text" and "表格说明" in error.message
    # The table's own words as ``text`` lose nothing: taken.
    article = import_body({"type": "paragraph", "text": "甲 乙\n丙丁", "html": GRID})
    assert cells(article.body[0]) == [["甲", "乙"], ["丙", "丁"]]


@pytest.mark.parametrize(
    "html",
    [
        "<table><tfoot><tr><td>合计</td></tr></tfoot><tbody><tr><td>杭州</td></tr></tbody>"
        "<thead><tr><th>赛区</th></tr></thead></table>",
        "<table><tbody><tr><td>杭州</td></tr></tbody><tfoot><tr><td>合计</td></tr></tfoot>"
        "<thead><tr><th>赛区</th></tr></thead></table>",
        "<table><thead><tr><th>赛区</th></tr></thead><tfoot><tr><td>合计</td></tr></tfoot>"
        "<tr><td>杭州</td></tr></table>",
    ],
)
def test_row_groups_come_out_as_browsers_show_them(html: str) -> None:
    table = import_body({"type": "table", "html": html}).body[0]
    assert cells(table) == [["赛区"], ["杭州"], ["合计"]]
    assert [c.header for row in table.rows for c in row] == [True, False, False]


def test_row_groups_order_matches_a_real_parser() -> None:
    """lxml's reading of the same markup, rendered, agrees with the importer's order."""
    from lxml import html as lxml_html

    from syndicator.render.html import render_table

    html = (
        "<table><tfoot><tr><td>合计</td></tr></tfoot><thead><tr><th>赛区</th></tr></thead>"
        "<tbody><tr><td>杭州</td></tr><tr><td>宁波</td></tr></tbody></table>"
    )
    block = import_body({"type": "table", "html": html}).body[0]
    root = lxml_html.fragment_fromstring(render_table(block))
    assert [" ".join(tr.itertext()) for tr in root.iter("tr")] == ["赛区", "杭州", "宁波", "合计"]
    assert root.xpath("thead/tr/th/text()") == ["赛区"]
