"""What a correction changed, kept small for the audit trail."""

from __future__ import annotations

from syndicator.model import Block
from syndicator.model.changes import LIMIT, article_changes, body_text, text_change


def test_only_the_fields_that_differ_are_kept(articles) -> None:
    old = articles[0]
    new = old.replace(
        title="新标题", tags=("重大项目",), updated_at=old.updated_at.replace(year=2030)
    )
    before, after = article_changes(old, new)
    assert before == {"tags": list(old.tags), "title": old.title}
    assert after == {"tags": ["重大项目"], "title": "新标题"}


def test_nothing_changed_gives_two_empty_dicts(articles) -> None:
    assert article_changes(articles[0], articles[0]) == ({}, {})


def test_a_body_change_is_the_stretch_that_changed_with_some_context() -> None:
    old = "甲" * 500 + "上午召开" + "乙" * 500
    new = "甲" * 500 + "下午召开" + "乙" * 500
    before, after = text_change(old, new, context=3)
    assert before == "…甲甲甲上午召开…"
    assert after == "…甲甲甲下午召开…"


def test_a_change_at_the_start_or_end_has_no_ellipsis_there() -> None:
    assert text_change("abc", "abd", context=5) == ("abc", "abd")
    assert text_change("xbc", "ybc", context=1) == ("xb…", "yb…")
    assert text_change("abc", "abcdef", context=1) == ("…c", "…cdef")


def test_a_long_change_is_cut() -> None:
    before, after = text_change("a" * 2000, "b" * 2000)
    assert before == "a" * LIMIT + "…" and after == "b" * LIMIT + "…"


def test_markup_only_changes_say_so(articles) -> None:
    old = articles[0]
    link = Block("paragraph", text="详见公告", html='详见<a href="https://a.example/">公告</a>')
    moved = Block("paragraph", text="详见公告", html='详见<a href="https://b.example/">公告</a>')
    before, after = article_changes(old.replace(body=(link,)), old.replace(body=(moved,)))
    assert before == {"body": "(markup only)"} and after == {"body": "(markup only)"}


def test_a_new_picture_shows_in_the_body_text() -> None:
    body = (Block("image", src="https://img.example/a.jpg", caption="开工现场", credit="李东 摄"),)
    assert body_text(body) == "[图 https://img.example/a.jpg] 开工现场 李东 摄"
