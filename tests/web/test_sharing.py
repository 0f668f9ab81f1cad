"""Share metadata: absolute addresses, the NewsArticle, JSON that cannot leave its <script>."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from support.sampledata import SHANGHAI

from syndicator.config import config_from_dict
from syndicator.model import Article, Author, Block
from syndicator.web import sharing

BASE = "https://news.example.com"
AT = datetime(2021, 8, 30, 6, 0, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("src", "url"),
    [
        ("https://img.example.com/a.jpg", "https://img.example.com/a.jpg"),
        ("/media/abc.jpg", "https://news.example.com/media/abc.jpg"),
        ("media/abc.jpg", "https://news.example.com/media/abc.jpg"),
        ("//cdn.example.com/a.jpg", "https://cdn.example.com/a.jpg"),
        ("javascript:alert(1)", None),
        ("data:image/png;base64,AAAA", None),
        ("", None),
        (None, None),
    ],
)
def test_picture_addresses_are_made_absolute_and_only_http(src, url) -> None:
    assert sharing.absolute_url(BASE, src) == url


def test_the_share_image_is_the_first_picture_with_an_address() -> None:
    article = Article(
        id="a",
        edition=date(2021, 8, 30),
        title="t",
        published_at=AT,
        updated_at=AT,
        body=(
            Block("image", caption="只有说明"),
            Block("paragraph", text="正文。"),
            Block("image", src="/media/x.jpg", caption="图一"),
            Block("image", src="https://img.example.com/y.jpg"),
        ),
    )
    assert sharing.share_images(article, BASE) == [
        f"{BASE}/media/x.jpg",
        "https://img.example.com/y.jpg",
    ]
    config = config_from_dict({"site": {"base_url": BASE}})
    card = sharing.article_card(article, config, f"{BASE}/articles/a")
    assert (card.image, card.image_alt, card.twitter_card) == (
        f"{BASE}/media/x.jpg",
        "图一",
        "summary_large_image",
    )


def test_a_news_article_without_authors_is_by_the_paper(config) -> None:
    article = Article(
        id="a", edition=date(2021, 8, 30), title="t", published_at=AT, updated_at=AT, paper="某报"
    )
    data = sharing.news_article(article, config, "u")
    assert data["author"] == {"@type": "NewsMediaOrganization", "name": "某报"}
    assert "image" not in data and "alternativeHeadline" not in data
    credited = article.replace(authors=(Author("李东", "摄"), Author("王敏")))
    assert sharing.news_article(credited, config, "u")["author"] == [
        {"@type": "Person", "name": "李东", "jobTitle": "摄"},
        {"@type": "Person", "name": "王敏"},
    ]


def test_script_json_escapes_what_could_end_the_script_and_keeps_chinese() -> None:
    data = {"headline": "标题</script><!--&\u2028\u2029>"}
    out = str(sharing.script_json(data))
    assert out == ('{"headline":"标题\\u003c/script\\u003e\\u003c!--\\u0026\\u2028\\u2029\\u003e"}')
    assert json.loads(out) == data
