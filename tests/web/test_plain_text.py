"""Plain text stays plain text, from the API and the JSON importer to every output.

A title, kicker, subtitle, summary, section, tag, author or caption is
kept exactly as sent: ``&amp;amp;…lt;img …&gt;`` is not decoded (JSON has
no character references) and ``a<b`` is not stripped. Every output shows
those characters as text, never as an element or attribute: the three
feeds (RSS title and description HTML-escaped, as readers take them as
HTML), the reader's pages and the WeChat HTML.
"""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from support.plaintext import (
    assert_shown,
    check_atom,
    check_json_feed,
    check_rss,
)
from support.sampledata import SHANGHAI
from support.tokens import API_TOKEN

from syndicator import store
from syndicator.cli import cli
from syndicator.config import load_config
from syndicator.publish import run_pass
from syndicator.render.wechat.html import render_wechat
from syndicator.web import create_app

NOW = datetime(2021, 9, 1, 12, 0, tzinfo=SHANGHAI)
TOKEN = API_TOKEN
PAYLOAD = "&amp;amp;amp;amp;lt;img src=x onerror=alert(1)&amp;amp;amp;amp;gt;"
ID = "zjgrrb-20210901-09-01"
TAGS = [PAYLOAD, "a<b", "a&lt;b"]
NAMES = [PAYLOAD, "a<b", "a&lt;b"]
ARTICLE = {
    "id": ID,
    "edition": "2021-09-01",
    "published_at": "2021-09-01T06:00:00+08:00",
    "page": 9,
    "title": PAYLOAD,
    "kicker": "a<b",
    "subtitle": "a&lt;b",
    "summary": f"{PAYLOAD} a<b a&lt;b",
    "section": PAYLOAD,
    "tags": TAGS,
    "authors": [{"name": n} for n in NAMES],
    "body": [
        {"type": "paragraph", "text": f"正文 {PAYLOAD} a<b a&lt;b"},
        {
            "type": "image",
            "src": "https://img.example.com/a.jpg",
            "caption": PAYLOAD,
            "credit": "a&lt;b",
        },
    ],
}
SHOWN = [PAYLOAD, "a<b", "a&lt;b"]


def _check_everything(engine, config, client) -> None:
    with engine.connect() as conn:
        article = store.get_article(conn, ID)
    assert article is not None
    assert (article.title, article.kicker, article.subtitle) == (PAYLOAD, "a<b", "a&lt;b")
    assert article.summary == ARTICLE["summary"]
    assert list(article.tags) == TAGS and article.section == PAYLOAD
    assert [a.name for a in article.authors] == NAMES
    assert article.body[1].caption == PAYLOAD
    run_pass(engine, config, now=NOW)
    out = config.output_dir / "all"
    categories = [PAYLOAD, "a<b", "a&lt;b"]  # the section, then tags not already there
    check_rss((out / "rss.xml").read_bytes(), PAYLOAD, categories, NAMES, [PAYLOAD])
    check_atom((out / "atom.xml").read_bytes(), PAYLOAD, categories, NAMES)
    check_json_feed((out / "feed.json").read_bytes(), PAYLOAD, categories, NAMES)
    for url in (f"/articles/{ID}", "/editions/2021-09-01/9"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_shown(response.get_data(as_text=True), SHOWN, url)
    assert_shown(render_wechat(article), SHOWN, "wechat")


def test_plain_text_from_the_api_is_text_in_every_output(config, engine) -> None:
    app = create_app(config, {"TESTING": True, "API_TOKEN": TOKEN})
    client = app.test_client()
    response = client.post(
        "/api/articles", json=ARTICLE, headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert response.status_code == 200, response.json
    _check_everything(engine, config, client)


def test_plain_text_from_a_json_file_is_text_in_every_output(runner, config_file, tmp_path) -> None:
    path = tmp_path / "plain.json"
    path.write_text(json.dumps(ARTICLE, ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(cli, ["--config", str(config_file), "import", str(path)])
    assert result.exit_code == 0, result.output
    config = load_config(config_file)
    engine = store.create_store_engine(config.store_url)
    app = create_app(config, {"TESTING": True})
    try:
        _check_everything(engine, config, app.test_client())
    finally:
        engine.dispose()


@pytest.mark.parametrize("value", ["a<b", "a&lt;b", "x &amp; y", "<b>粗</b>", PAYLOAD])
def test_a_plain_text_field_keeps_every_character(import_options, config, value) -> None:
    from syndicator.ingest.jsonfile import parse_json

    article = dict(ARTICLE, title=value, tags=[value], authors=[{"name": value}])
    parsed = parse_json(json.dumps(article), source="x.json", options=import_options(config))
    [got] = parsed.articles
    assert (got.title, got.tags, got.authors[0].name) == (value, (value,), value)
