"""WeChat status on the edition list, the preview page, and the fragment/payload endpoints."""

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


def _status_cells(client) -> dict[str, str]:
    page = html.fromstring(client.get("/").data)
    rows = page.xpath('//table[@class="posts"]/tbody/tr')
    return {
        row.xpath('.//a[@class="title"]')[0].text: " ".join(row[-1].text_content().split())
        for row in rows
    }


@pytest.fixture
def with_cover(tmp_path, make_config, engine):
    """The app of a paper that set ``[wechat] cover``: posts without a picture can be pushed."""
    from syndicator.web import create_app

    config = make_config(tmp_path, wechat={"cover": "cover.jpg"})
    return create_app(config, {"TESTING": True}).test_client()


def test_index_lists_each_post_as_ready(with_cover, loaded) -> None:
    cells = _status_cells(with_cover)
    assert len(cells) == 8
    assert all(cell.startswith("可发布") for cell in cells.values()), cells


def test_a_post_without_a_picture_or_cover_is_not_ready(client, loaded) -> None:
    """Issue 11: photo news showed 可发布, and then ``wechat push`` failed for want of a cover."""
    cells = _status_cells(client)
    assert len(cells) == 8
    assert not any(cell.startswith("可发布") for cell in cells.values()), cells
    assert all("封面" in cell for cell in cells.values()), cells
    page = html.fromstring(client.get(f"/articles/{loaded[6].id}").data)
    assert not page.xpath('//p[@class="wechat-ready"]')
    assert "没有可作封面的图片" in page.xpath('//div[@class="wechat-problems"]')[0].text_content()


def test_index_shows_the_complaints_of_a_post_that_is_not_ready(with_cover, long_title) -> None:
    cells = _status_cells(with_cover)
    assert "标题 36 字，微信最多 32 字" in cells[LONG]  # the newsroom reads Chinese
    assert sum(cell.startswith("可发布") for cell in cells.values()) == 7


def test_preview_page_has_phone_frame_title_block_digest_and_copy(with_cover, loaded) -> None:
    article = loaded[0]
    page = html.fromstring(with_cover.get(f"/articles/{article.id}").data)
    assert page.xpath('//div[@class="phone"]//h2[@class="wx-title"]')[0].text == article.title
    assert page.xpath('//dd[@class="digest"]')[0].text == wechat_post.wechat_digest(article)
    assert page.get_element_by_id("post")[0].tag == "section"
    assert page.get_element_by_id("copy").get("disabled") is None
    assert page.xpath('//p[@class="wechat-ready"]')


def test_fragment_and_payload_endpoints_agree(client, loaded) -> None:
    article_id = loaded[0].id
    fragment = client.get(f"/articles/{article_id}/wechat.html")
    assert fragment.status_code == 200
    assert fragment.headers["Content-Type"] == "text/html; charset=utf-8"
    payload = client.get(f"/articles/{article_id}/wechat.json")
    assert payload.headers["Content-Type"] == "application/json; charset=utf-8"
    raw = payload.get_data(as_text=True)
    assert "\\u" not in raw
    assert json.loads(raw)["content"] == fragment.get_data(as_text=True)


def test_payload_over_a_limit_is_422_with_the_problems(client, long_title) -> None:
    response = client.get(f"/articles/{long_title.id}/wechat.json")
    assert response.status_code == 422
    body = response.get_json()
    assert body["problems"][0].startswith("title is 36 characters")
    assert LONG in response.get_data(as_text=True)
    # The fragment is still fine to paste: the editor takes titles up to 64.
    assert client.get(f"/articles/{long_title.id}/wechat.html").status_code == 200
    page = html.fromstring(client.get(f"/articles/{long_title.id}").data)
    shown = page.xpath('//div[@class="wechat-problems"]')[0].text_content()
    assert "标题 36 字，微信最多 32 字" in shown and "long_titles" in shown
    assert page.get_element_by_id("copy").get("disabled") is None


def test_content_the_checker_rejects_is_never_served(client, loaded, monkeypatch) -> None:
    fake = [Problem("tag", "<div>: use <section> or <p>", 1, 5)]
    monkeypatch.setattr(wechat_post, "check_html", lambda content: fake)
    article_id = loaded[0].id
    for suffix in ("wechat.html", "wechat.json"):
        response = client.get(f"/articles/{article_id}/{suffix}")
        assert response.status_code == 422
        assert response.get_json()["problems"] == ["content 1:5: tag: <div>: use <section> or <p>"]
    page = html.fromstring(client.get(f"/articles/{article_id}").data)
    assert page.get_element_by_id("copy").get("disabled") is not None


def test_the_posts_the_pass_writes_are_served_under_feeds(client, engine, config, loaded) -> None:
    """``feeds/`` is the URL tree under /feeds/, WeChat posts included (as
    nginx serves them from the same directory)."""
    from syndicator.publish import run_pass

    run_pass(engine, config, now=AFTER_EDITION)
    article_id = loaded[0].id
    page = client.get(f"/feeds/wechat/{article_id}.html")
    assert page.status_code == 200 and page.content_type == "text/html; charset=utf-8"
    assert page.data == (config.output_dir / "wechat" / f"{article_id}.html").read_bytes()
    assert "default-src" in page.headers["Content-Security-Policy"]
    payload = client.get(f"/feeds/wechat/{article_id}.json")
    assert payload.status_code == 200 and payload.json["title"] == loaded[0].title
    again = client.get(
        f"/feeds/wechat/{article_id}.json", headers={"If-None-Match": payload.headers["ETag"]}
    )
    assert again.status_code == 304
    assert client.get("/feeds/wechat/nope.html").status_code == 404
