"""The post's fragment and ``draft/add`` payload on the desk, signed in.

They were public at ``/articles/<id>/wechat.html`` and ``wechat.json``
until the article page became the readers'; they are newsroom tools and
live beside the desk's Copy button now.
"""

from __future__ import annotations

import json

import pytest
from lxml import html
from support.sampledata import AFTER_EDITION

from syndicator import store
from syndicator.render.wechat import post as wechat_post
from syndicator.render.wechat.check import Problem

LONG = "这是一个非常非常长的标题" * 3  # 36 characters: over draft/add's 32


@pytest.fixture
def long_title(engine, loaded):
    article = loaded[0].replace(title=LONG)
    with engine.begin() as conn:
        store.save_articles(conn, [article], now=AFTER_EDITION)
    return article


def test_fragment_and_payload_agree_and_are_linked_from_the_article(editor_client, loaded) -> None:
    article_id = loaded[0].id
    page = html.fromstring(editor_client.get(f"/desk/articles/{article_id}").data)
    links = page.xpath('//p[@class="links"]/a/@href')
    assert links == [
        f"/desk/articles/{article_id}/wechat.html",
        f"/desk/articles/{article_id}/wechat.json",
    ]
    fragment = editor_client.get(links[0])
    assert fragment.status_code == 200
    assert fragment.headers["Content-Type"] == "text/html; charset=utf-8"
    assert fragment.headers["Cache-Control"] == "private, no-store"
    payload = editor_client.get(links[1])
    assert payload.headers["Content-Type"] == "application/json; charset=utf-8"
    raw = payload.get_data(as_text=True)
    assert "\\u" not in raw and "我省公布一批数字化改革" in raw
    data = json.loads(raw)
    assert set(data) == {
        "title",
        "author",
        "digest",
        "content",
        "content_source_url",
        "thumb_media_id",
        "need_open_comment",
        "only_fans_can_comment",
    }
    assert data["content"] == fragment.get_data(as_text=True)


def test_they_need_a_signed_in_user_and_a_known_article(desk_app, editor_client, loaded) -> None:
    anonymous = desk_app.test_client()
    for suffix in ("wechat.html", "wechat.json"):
        response = anonymous.get(f"/desk/articles/{loaded[0].id}/{suffix}")
        assert response.status_code == 302 and "/desk/login" in response.headers["Location"]
        assert editor_client.get(f"/desk/articles/nope/{suffix}").status_code == 404
        # The public addresses are gone: readers never see the newsroom's tools.
        assert anonymous.get(f"/articles/{loaded[0].id}/{suffix}").status_code == 404


def test_an_embargoed_post_can_be_checked_before_it_is_due(editor_client, engine, loaded, clock):
    from syndicator.actions import articles as article_actions

    later = clock.now.replace(hour=23)
    article_actions.set_embargo(engine, loaded[1].id, later, actor="test", now=clock.now)
    response = editor_client.get(f"/desk/articles/{loaded[1].id}/wechat.html")
    assert response.status_code == 200 and "<section" in response.get_data(as_text=True)


def test_payload_over_a_limit_is_422_with_the_problems(editor_client, long_title) -> None:
    response = editor_client.get(f"/desk/articles/{long_title.id}/wechat.json")
    assert response.status_code == 422
    body = response.get_json()
    assert body["problems"][0].startswith("title is 36 characters")
    assert LONG in response.get_data(as_text=True)
    # The fragment is still fine to paste: the editor takes titles up to 64.
    assert editor_client.get(f"/desk/articles/{long_title.id}/wechat.html").status_code == 200
    page = html.fromstring(editor_client.get(f"/desk/articles/{long_title.id}").data)
    shown = page.xpath('//div[@class="wechat-problems"]')[0].text_content()
    assert "标题 36 字，微信最多 32 字" in shown
    assert page.get_element_by_id("copy").get("disabled") is None


def test_content_the_checker_rejects_is_never_served(editor_client, loaded, monkeypatch) -> None:
    fake = [Problem("tag", "<div>: use <section> or <p>", 1, 5)]
    monkeypatch.setattr(wechat_post, "check_html", lambda content: fake)
    article_id = loaded[0].id
    for suffix in ("wechat.html", "wechat.json"):
        response = editor_client.get(f"/desk/articles/{article_id}/{suffix}")
        assert response.status_code == 422
        assert response.get_json()["problems"] == ["content 1:5: tag: <div>: use <section> or <p>"]
    page = html.fromstring(editor_client.get(f"/desk/articles/{article_id}").data)
    assert page.get_element_by_id("copy").get("disabled") is not None
