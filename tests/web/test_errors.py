"""Unknown URLs and methods: one line of Chinese for readers, JSON for the API."""

from __future__ import annotations

import pytest
from support.tokens import API_TOKEN

from syndicator.web import create_app


@pytest.fixture(params=[None, API_TOKEN], ids=["api-off", "api-on"])
def client(request, config, engine):
    return create_app(config, {"TESTING": True, "API_TOKEN": request.param}).test_client()


@pytest.mark.parametrize("url", ["/nope", "/articles/no-such-id", "/editions/1999-01-01"])
def test_unknown_pages_are_a_chinese_line_not_flasks_english_page(client, url) -> None:
    response = client.get(url)
    assert response.status_code == 404
    assert response.content_type == "text/plain; charset=utf-8"
    assert response.get_data(as_text=True) == f"未找到：{url}\n"


def test_a_wrong_method_says_so_and_what_is_allowed(client) -> None:
    response = client.post("/feeds/all/rss.xml")
    assert response.status_code == 405
    assert response.get_data(as_text=True).startswith("不支持此请求方法")
    assert "GET" in response.headers["Allow"]


def test_the_api_answers_json_even_for_a_wrong_method(client) -> None:
    response = client.get("/api/articles")
    assert response.is_json
    if client.application.extensions["syndicator.api_token"]:
        assert response.status_code == 405 and "POST" in response.headers["Allow"]
    else:  # off means off, whatever the method
        assert response.status_code == 404 and "SYNDICATOR_API_TOKEN" in response.json["error"]
