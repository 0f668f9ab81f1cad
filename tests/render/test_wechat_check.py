"""The WeChat checker: any HTML in, every broken editor rule out."""

from __future__ import annotations

import pytest

from syndicator.render.wechat import check
from syndicator.render.wechat.check import MAX_CHARS, check_html, is_wechat_link

P = '<p style="color:#333;">'
GOOD = (
    '<section style="margin:0;">'
    f"{P}正文<strong>加粗</strong><em>强调</em><sup>1</sup><br/>第二行</p>"
    '<p style="color:#888;text-align:center;">'
    '<img src="https://mmbiz.qpic.cn/a.jpg" alt="图" style="max-width:100%;"/></p>'
    '<blockquote style="border-left:3px solid #ccc;"><p style="color:#666">引文</p></blockquote>'
    '<h3 style="color:#b4161b;">小标题</h3><hr style="border:none;"/>'
    f'{P}<a href="https://mp.weixin.qq.com/s/abc" style="color:#576b95;">往期</a></p>'
    '<table><tbody><tr><td colspan="2" style="color:#333;">表格</td></tr></tbody></table>'
    "</section>"
)


def _rules(html: str) -> list[str]:
    return [p.rule for p in check_html(html)]


def _wrap(inner: str) -> str:
    return f'<section style="margin:0;">{inner}</section>'


def test_check_html_accepts_everything_the_editor_keeps() -> None:
    assert check_html(GOOD) == []


@pytest.mark.parametrize(
    ("inner", "rule", "words"),
    [
        ("<div>x</div>", "tag", "<div>"),
        ("<script>alert(1)</script>", "tag", "script"),
        ("<style>p{color:red}</style>", "tag", "<style>"),
        ("<iframe src='https://x.test'></iframe>", "tag", "iframe"),
        ("<!-- note -->", "tag", "comment"),
        ('<p class="lead" style="color:#333">x</p>', "attribute", "class"),
        ('<p id="a" style="color:#333">x</p>', "attribute", "id"),
        ('<p onclick="go()" style="color:#333">x</p>', "attribute", "event handler"),
        ('<p data-x="1" style="color:#333">x</p>', "attribute", "data-x"),
        ('<p style="color:#333"><img src="javascript:alert(1)"/></p>', "attribute", "http"),
        ('<p style="color:var(--main)">x</p>', "style", "CSS variable"),
        ('<p style="--main:#333;color:#333">x</p>', "style", "CSS variable"),
        ('<p style="color:#333;display:flex">x</p>', "style", "flex"),
        ('<section style="display:grid"></section>', "style", "grid"),
        ('<section style="flex-direction:row"></section>', "style", "flex"),
        ('<p style="color:#333;position:absolute;top:0">x</p>', "style", "position"),
        ('<p style="color:#333 !important">x</p>', "style", "!important"),
        ('<p style="color:#333;width">x</p>', "style", "malformed"),
        ('<span style="background:expression(alert(1))">x</span>', "style", "script in CSS"),
        ("<p>x</p>", "colour", "without an explicit color"),
        ('<p style="font-size:16px">x</p>', "colour", "without an explicit color"),
        ('<p style="color:#000">x</p>', "colour", "pure black"),
        ('<p style="color: black">x</p>', "colour", "pure black"),
        ('<span style="color:rgb(0, 0, 0)">x</span>', "colour", "pure black"),
        (f'{P}<a href="https://example.com/x">x</a></p>', "link", "45166"),
        (f'{P}<a href="https://mp.weixin.qq.com.evil.test/s">x</a></p>', "link", "evil.test"),
        (f"{P}<a>x</a></p>", "link", "without href"),
        (f'{P}<a href="javascript:alert(1)">x</a></p>', "link", "javascript"),
        (f"{P}<span>x</p>", "structure", "not closed"),
        (f"{P}x</p></span>", "structure", "closes nothing"),
        (f"{P}x", "structure", "<p> is not closed before </section>"),
        # Table parts WeChat drops, moves or cannot read.
        ("<table><caption>表</caption></table>", "tag", "<caption>"),
        ("<table><tfoot></tfoot></table>", "tag", "<tfoot>"),
        ("<table><colgroup></colgroup></table>", "tag", "<colgroup>"),
        ("<td>甲</td><td>乙</td>", "structure", "<td> outside <tr>"),
        ("<table><td>甲</td></table>", "structure", "<td> directly inside <table>"),
        ("<tr><td>甲</td></tr>", "structure", "<tr> outside <table>/<tbody>/<thead>"),
        ("<table><tr>甲</tr></table>", "structure", "text directly inside <tr>"),
        (f"<table><tr>{P}x</p></tr></table>", "structure", "<p> directly inside <tr>"),
        ('<table><tr><td colspan="0">x</td></tr></table>', "attribute", "colspan='0'"),
        ('<table><tr><th rowspan="two">x</th></tr></table>', "attribute", "rowspan='two'"),
        ('<table><tr><td colspan="1001">x</td></tr></table>', "attribute", "from 1 to 1000"),
        ('<table><tr><td width="900">x</td></tr></table>', "attribute", "width"),
        ('<table class="t"><tr><td style="color:#333">x</td></tr></table>', "attribute", "class"),
    ],
)
def test_check_html_names_each_broken_rule(inner: str, rule: str, words: str) -> None:
    problems = check_html(_wrap(inner))
    assert problems, inner
    assert any(p.rule == rule and words in str(p) for p in problems), [str(p) for p in problems]


@pytest.mark.parametrize(
    ("html", "words"),
    [
        ("", "no root <section>"),
        ('<p style="color:#333">x</p>', "outside the one root <section>"),
        ('<section style=""></section><section style=""></section>', "outside the one root"),
        ('<section style=""></section>tail', "text outside"),
        ("<!DOCTYPE html><section></section>", "fragment, not a document"),
        ("<html><body><section></section></body></html>", "<html>"),
    ],
)
def test_check_html_wants_one_root_section(html: str, words: str) -> None:
    assert any(words in str(p) for p in check_html(html)), [str(p) for p in check_html(html)]


def test_check_html_lists_every_problem_with_its_position() -> None:
    html = _wrap('<p>a</p>\n<p style="color:#333"><div class="x">b</div></p>')
    problems = check_html(html)
    assert [p.rule for p in problems] == ["colour", "tag", "attribute"]
    assert (problems[1].line, problems[1].column) == (2, 23)
    assert str(problems[1]).startswith("2:23: tag: <div>")
    assert "never closed" in str(check_html('<section style="">')[0])


def test_check_html_measures_size_in_characters_and_bytes() -> None:
    under = _wrap(f"{P}{'字' * (MAX_CHARS - 100)}</p>")
    assert len(under) < MAX_CHARS and check_html(under) == []
    over = _wrap(f"{P}{'字' * MAX_CHARS}</p>")
    assert _rules(over) == ["size"]
    assert "characters; WeChat takes fewer than 20,000" in str(check_html(over)[0])
    huge = _wrap(f"{P}{'字' * 350_000}</p>")
    assert [p.message.split(";")[0].endswith("bytes") for p in check_html(huge)] == [False, True]


def test_check_html_text_that_looks_like_markup_is_fine_when_escaped() -> None:
    assert check_html(_wrap(f"{P}&lt;script&gt;alert(1)&lt;/script&gt; &amp; 😀</p>")) == []


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://mp.weixin.qq.com/s/abc", True),
        ("http://mp.weixin.qq.com/s?__biz=1", True),
        ("https://MP.WEIXIN.QQ.COM/s/abc", True),
        ("https://mp.weixin.qq.com.evil.test/s", False),
        ("https://weixin.qq.com/", False),
        ("javascript:alert(1)", False),
        ("https://[broken/", False),
    ],
)
def test_is_wechat_link(url: str, ok: bool) -> None:
    assert is_wechat_link(url) is ok


def _grid(*rows: str, head: str = "") -> str:
    """A table of ``rows``, each a string of cells; ``head`` goes in a ``<thead>``."""
    body = "".join(f"<tr>{row}</tr>" for row in rows)
    thead = f"<thead><tr>{head}</tr></thead>" if head else ""
    return _wrap(f"<table>{thead}<tbody>{body}</tbody></table>")


TD = "<td>格</td>"


@pytest.mark.parametrize(
    ("html", "width"),
    [
        (_grid(TD * 8), None),
        (_grid(TD * 9), 9),
        (_grid('<td colspan="5">a</td>' + TD * 4), 9),
        # 20 cells held down by rowspan=2 beside a row of 20 more: 40 real columns.
        (_grid('<td rowspan="2">a</td>' * 20, TD * 20), 40),
        (_grid('<td rowspan="2">a</td>' * 4, TD * 5), 9),
        (_grid('<td rowspan="2">a</td>' * 4, TD * 4), None),
        # A rowspan stops at the end of its row group: the body starts afresh.
        (_grid(TD * 8, head='<th rowspan="2">a</th>' * 4), None),
    ],
)
def test_check_html_flags_tables_wider_than_a_phone(html: str, width: int | None) -> None:
    problems = [p for p in check_html(html) if p.rule == "width"]
    assert [p.message.split(" columns")[0] for p in problems] == (
        [f"<table> {width}"] if width else []
    )
    assert [p.rule for p in check_html(html)] == ["width"] * bool(width)
    if width:
        assert (problems[0].line, problems[0].column) == (1, len('<section style="margin:0;">') + 1)


def test_check_html_measures_nested_tables_apart() -> None:
    inner = f"<table><tbody><tr>{TD * 9}</tr></tbody></table>"
    html = _grid(f"<td>{inner}</td>" + TD)
    assert [p.message.split(" columns")[0] for p in check_html(html) if p.rule == "width"] == [
        "<table> 9"
    ]


def test_check_html_reads_each_distinct_style_once(monkeypatch) -> None:
    # A post repeats its theme's few styles on every paragraph, and the desk
    # checks every post of an edition on each view: a style is parsed once.
    check._style_verdict.cache_clear()
    seen: list[str] = []
    parse = check.parse_style
    monkeypatch.setattr(check, "parse_style", lambda style: seen.append(style) or parse(style))
    html = _wrap(f"{P}段落</p>" * 50 + '<p style="margin:0;">无色</p>' * 3)
    problems = check_html(html)
    assert [p.rule for p in problems] == ["colour"] * 3  # still found on every paragraph
    assert sorted(seen) == ["color:#333;", "margin:0;"]  # the root's style and P's
