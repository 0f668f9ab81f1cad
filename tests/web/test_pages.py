"""The edition list and the article preview page."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from lxml import html
from support.sampledata import SHANGHAI

from syndicator import store

NOW = datetime(2021, 9, 1, 12, 0, tzinfo=SHANGHAI)


@pytest.fixture
def saved(articles, engine):
    with engine.begin() as conn:
        store.save_articles(conn, articles, now=NOW)
    return articles


def test_index_lists_latest_edition_with_autodiscovery(client, saved) -> None:
    response = client.get("/")
    assert response.status_code == 200
    page = html.fromstring(response.data)
    alternates = page.xpath('//head/link[@rel="alternate"]')
    types = {link.get("type") for link in alternates}
    assert types == {"application/rss+xml", "application/atom+xml", "application/feed+json"}
    assert all(link.get("href").startswith("http://127.0.0.1:8080/feeds/") for link in alternates)
    titles = [a.text for a in page.xpath('//a[@class="title"]')]
    assert titles == ["明天才发布的稿件"]  # 2021-09-02 is the latest edition
    assert page.xpath('//a[contains(@href, "/editions/2021-09-01")]')


def test_edition_page_lists_articles_in_page_order(client, saved) -> None:
    page = html.fromstring(client.get("/editions/2021-09-01").data)
    titles = [a.text for a in page.xpath('//a[@class="title"]')]
    assert titles == ["全省职工技能大赛开幕", "杭州湾新区一批重大项目集中开工"]
    assert client.get("/editions/2020-01-01").status_code == 404
    assert client.get("/editions/garbage").status_code == 404


def test_index_without_articles_says_how_to_import(client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert "syndicator import" in response.get_data(as_text=True)


def test_article_page_shows_wechat_rendering_and_copy_button(client, saved) -> None:
    response = client.get("/articles/zjgrrb-20210901-02-01")
    assert response.status_code == 200
    page = html.fromstring(response.data)
    post = page.get_element_by_id("post")
    section = post[0]
    assert section.tag == "section"
    for element in section.iter():
        assert element.get("class") is None and element.get("id") is None
    for p in section.iter("p"):
        assert "color:" in p.get("style", "")
    button = page.get_element_by_id("copy")
    assert button.get("data-target") == "post"
    assert page.xpath('//script[contains(@src, "copy.js")]')
    assert page.xpath('//head/link[@rel="alternate"]')


def test_article_page_unknown_id_is_404(client, saved) -> None:
    assert client.get("/articles/nope").status_code == 404


def test_wechat_json_is_utf8_with_chinese_unescaped(client, saved) -> None:
    response = client.get("/articles/zjgrrb-20210901-02-01/wechat.json")
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    raw = response.get_data(as_text=True)
    assert "杭州湾新区" in raw and "\\u" not in raw
    payload = json.loads(raw)
    assert set(payload) == {
        "title",
        "author",
        "digest",
        "content",
        "content_source_url",
        "thumb_media_id",
        "need_open_comment",
        "only_fans_can_comment",
    }
    assert payload["author"] == "王敏、李东"
    assert payload["content_source_url"].startswith("https://www.zjgrrb.com/")
    fragment = client.get("/articles/zjgrrb-20210901-02-01/wechat.html")
    assert fragment.get_data(as_text=True) == payload["content"]


def test_static_copy_script_is_served(client) -> None:
    response = client.get("/static/copy.js")
    assert response.status_code == 200
    assert b"ClipboardItem" in response.data and b"execCommand" in response.data
    response.close()


def test_pages_say_503_while_the_store_is_away(app, client) -> None:
    """Feeds are files and keep being served; the pages need the store."""
    app.extensions["syndicator.engine"] = store.create_store_engine(
        "postgresql+psycopg://postgres@127.0.0.1:9/nowhere"
    )
    for url in ("/", "/articles/zjgrrb-20210830-01-01", "/editions/2021-08-30"):
        response = client.get(url)
        assert response.status_code == 503, url
        assert response.headers["Retry-After"] == "10"
        assert "稿库暂时无法访问" in response.get_data(as_text=True)
