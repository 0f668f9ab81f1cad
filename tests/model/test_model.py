from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
from support.sampledata import SHANGHAI

from syndicator.errors import InputError
from syndicator.model import article_from_dict, summarize


def test_article_round_trips_through_its_dict(articles) -> None:
    for article in articles:
        again = article_from_dict(article.to_dict())
        assert again == article
        assert again.content_hash() == article.content_hash()


def test_article_naive_datetime_is_an_error(articles) -> None:
    data = articles[0].to_dict()
    data["published_at"] = "2021-09-01T06:00:00"
    with pytest.raises(InputError) as info:
        article_from_dict(data)
    assert info.value.field == "published_at"
    assert "offset" in info.value.message


def test_content_hash_ignores_offset_and_status_but_not_text(articles) -> None:
    article = articles[0]
    utc = article.replace(published_at=article.published_at.astimezone(UTC))
    assert utc.content_hash() == article.content_hash()
    assert article.replace(status="withdrawn").content_hash() == article.content_hash()
    later = article.updated_at + timedelta(hours=1)
    assert article.replace(updated_at=later).content_hash() == article.content_hash()
    assert article.replace(title="改过的标题").content_hash() != article.content_hash()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", None),
        ("title", "   "),
        ("id", "has space"),
        ("id", ".."),  # would climb a directory in /articles/<id> and wechat/<id>.html
        ("id", ".pages"),
        ("status", "live"),
        ("edition", "30/08/2021"),
        ("tags", "not-a-list"),
        ("body", [{"type": "video"}]),
    ],
)
def test_article_from_dict_names_the_bad_field(articles, field: str, value: object) -> None:
    data = articles[1].to_dict()
    data[field] = value
    with pytest.raises(InputError) as info:
        article_from_dict(data)
    assert info.value.field.split(".")[0].split("[")[0] == field


def test_article_unknown_field_is_rejected(articles) -> None:
    data = articles[1].to_dict()
    data["titel"] = "typo"
    with pytest.raises(InputError, match="titel"):
        article_from_dict(data)


def test_summarize_cuts_at_sentence_end() -> None:
    text = "第一句话说完了。" + "第二句很长" * 30 + "。"
    assert summarize(text, 120) == "第一句话说完了。"
    assert summarize("短句。", 120) == "短句。"
    long_clause = "没有句号" * 50
    cut = summarize(long_clause, 120)
    assert len(cut) <= 120 and cut.endswith("…")


def test_digest_prefers_lead_paragraph(articles) -> None:
    article = articles[1]
    assert article.digest() == article.body[0].text
    assert len(article.digest(20)) <= 20


def test_article_rejects_updated_before_published(articles) -> None:
    data = articles[1].to_dict()
    data["updated_at"] = (
        datetime.fromisoformat(data["published_at"]) - timedelta(days=1)
    ).isoformat()
    with pytest.raises(InputError) as info:
        article_from_dict(data)
    assert info.value.field == "updated_at"


def test_release_times_are_distinct_and_in_page_order_on_a_big_paper() -> None:
    """A 100-page paper with 40 articles a page: every article due in the
    edition's second, none sharing a time, newest first in page order."""
    from syndicator.model import release_time

    edition_at = datetime(2021, 8, 30, 6, 0, tzinfo=SHANGHAI)
    order = [(page, seq) for page in range(1, 101) for seq in range(1, 41)]
    times = [release_time(edition_at, page, seq) for page, seq in order]
    assert len(set(times)) == len(times)
    assert times == sorted(times, reverse=True)
    assert all(edition_at <= t < edition_at + timedelta(seconds=1) for t in times)


TABLE = {
    "type": "table",
    "caption": "表1 全省职工技能大赛参赛人数",
    "credit": "制表：程雪",
    "head": 1,
    "rows": [
        ["赛区", "2020年", "2021年"],
        [{"text": "杭州", "header": True}, "210", "236"],
        [{"text": "合计", "header": True}, {"text": "未统计", "colspan": 2}],
    ],
}


@pytest.fixture
def with_body(articles):
    """A factory: the dict form of an article whose body is ``blocks``."""

    def make(*blocks: object) -> dict:
        data = articles[1].to_dict()
        data["body"] = list(blocks)
        return data

    return make


def test_table_round_trips_through_its_dict_with_head_spans_and_row_headers(with_body) -> None:
    article = article_from_dict(with_body({"type": "paragraph", "text": "导语。"}, TABLE))
    table = article.body[1]
    assert [[c.text for c in row] for row in table.rows] == [
        ["赛区", "2020年", "2021年"],
        ["杭州", "210", "236"],
        ["合计", "未统计"],
    ]
    assert [[c.header for c in row] for row in table.rows] == [
        [True, True, True],
        [True, False, False],
        [True, False],
    ]
    assert table.rows[2][1].colspan == 2
    assert table.to_dict() == TABLE  # the compact form: head rows and plain cells as strings
    again = article_from_dict(article.to_dict())
    assert again == article and again.content_hash() == article.content_hash()
    changed = dict(TABLE, rows=[TABLE["rows"][0], ["杭州", "210", "237"], TABLE["rows"][2]])
    other = article_from_dict(with_body({"type": "paragraph", "text": "导语。"}, changed))
    assert other.content_hash() != article.content_hash()


def test_table_text_counts_as_article_text(with_body) -> None:
    article = article_from_dict(with_body(TABLE))
    assert article.plain_text.splitlines() == [
        "表1 全省职工技能大赛参赛人数",
        "赛区 2020年 2021年",
        "杭州 210 236",
        "合计 未统计",
        "制表：程雪",
    ]


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"rows": []}, "body[0].rows", "at least one row"),
        ({"rows": "赛区"}, "body[0].rows", "list of rows"),
        ({"rows": [["a"], []]}, "body[0].rows", "row 2 has no cells"),
        ({"rows": [["a", 1]]}, "body[0].rows[0][1]", "expected a cell"),
        ({"rows": [[{"text": "a", "style": "color:red"}]]}, "body[0].rows[0][0].style", "unknown"),
        ({"rows": [[{"text": "a", "colspan": 0}]]}, "body[0].rows[0][0].colspan", "at least 1"),
        ({"rows": [[{"text": "a", "colspan": "2"}]]}, "body[0].rows[0][0].colspan", "whole"),
        ({"rows": [[{"text": "a", "rowspan": 3}], ["b"]]}, "body[0].rows", "past the last row"),
        ({"rows": [[{"text": "a", "colspan": 21}]]}, "body[0].rows", "colspan must be 1 to 20"),
        ({"rows": [["a"] * 21]}, "body[0].rows", "row 1 is 21 columns wide"),
        # Columns held by rowspans count too: 20 carried down beside 20 more are 40.
        (
            {"rows": [[{"text": "a", "rowspan": 2}] * 20, ["b"] * 20]},
            "body[0].rows",
            "row 2 is 40 columns wide",
        ),
        ({"rows": [[{"text": "a", "header": "yes"}]]}, "body[0].rows[0][0].header", "true"),
        ({"head": 1, "rows": [[{"text": "a", "header": False}]]}, "body[0].rows[0][0].header", ""),
        ({"head": 2, "rows": [["a"]]}, "body[0].head", "2 head rows"),
        ({"rows": [["格"] * 100] * 100}, "body[0].rows", "10,000 cells"),
        ({"rows": [["格"]] * 201}, "body[0].rows", "201 rows"),
        ({"html": "<table></table>"}, "body[0].html", "unknown field"),
    ],
)
def test_table_from_dict_names_the_bad_field(
    with_body, change: dict, field: str, words: str
) -> None:
    block = {"type": "table", "rows": [["a"]], **change}
    with pytest.raises(InputError) as info:
        article_from_dict(with_body(block))
    assert info.value.field == field
    assert words in info.value.message


PHOTO = "https://news.example.com/media/" + "ab" * 32 + ".jpg"
OTHER = "https://img.zjgrrb.com/2021/0901/b.jpg"


def test_image_length_round_trips_and_is_left_out_when_unknown(with_body) -> None:
    known = {
        "type": "image",
        "src": PHOTO,
        "caption": "现场。",
        "credit": "李东 摄",
        "length": 2_345_678,
    }
    unknown = {"type": "image", "src": OTHER, "caption": "旧图。", "credit": None}
    article = article_from_dict(with_body(known, unknown))
    assert [b.length for b in article.body] == [2_345_678, None]
    assert article.to_dict()["body"] == [known, unknown]  # no "length": null for the old shape
    again = article_from_dict(article.to_dict())
    assert again == article and again.content_hash() == article.content_hash()
    shorter = dataclasses.replace(article.body[0], length=1)
    assert article.replace(body=(shorter,)).content_hash() != (
        article.replace(body=article.body[:1]).content_hash()
    )


@pytest.mark.parametrize(
    ("length", "words"),
    [
        (-1, "must not be negative"),
        ("12", "expected a size in bytes"),
        (1.5, "expected a size in bytes"),
        (True, "expected a size in bytes"),
        (1 << 41, "too large"),
    ],
)
def test_image_length_must_be_a_size_in_bytes(with_body, length: object, words: str) -> None:
    block = {"type": "image", "src": PHOTO, "length": length}
    with pytest.raises(InputError) as info:
        article_from_dict(with_body({"type": "paragraph", "text": "导语。"}, block))
    assert info.value.field == "body[1].length"
    assert words in info.value.message


def test_image_length_needs_a_src(with_body) -> None:
    with pytest.raises(InputError) as info:
        article_from_dict(with_body({"type": "image", "caption": "只有图说。", "length": 10}))
    assert info.value.field == "body[0].length"


def test_length_belongs_to_images_only(with_body) -> None:
    with pytest.raises(InputError) as info:
        article_from_dict(with_body({"type": "paragraph", "text": "导语。", "length": 10}))
    assert info.value.field == "body[0].length"


def test_cover_round_trips_and_is_left_out_when_unset(with_body) -> None:
    images = [
        {"type": "image", "src": src, "caption": None, "credit": None} for src in (OTHER, PHOTO)
    ]
    data = with_body(*images)
    plain = article_from_dict(data)
    assert plain.cover is None and "cover" not in plain.to_dict()
    chosen = article_from_dict({**data, "cover": f"  {PHOTO} "})
    assert chosen.cover == PHOTO
    assert chosen.to_dict()["cover"] == PHOTO
    again = article_from_dict(chosen.to_dict())
    assert again == chosen and again.content_hash() == chosen.content_hash()
    assert chosen.content_hash() != plain.content_hash()  # choosing a cover is a correction
    assert article_from_dict({**data, "cover": None}) == plain


@pytest.mark.parametrize(
    "cover",
    [
        "https://news.example.com/media/" + "cd" * 32 + ".jpg",  # no such image
        OTHER + "?x",
        42,
    ],
)
def test_cover_must_be_one_of_the_article_s_images(with_body, cover: object) -> None:
    data = with_body({"type": "image", "src": OTHER, "caption": "图。"}, "正文。")
    with pytest.raises(InputError) as info:
        article_from_dict({**data, "cover": cover})
    assert info.value.field == "cover"


def test_cover_of_an_article_without_pictures_is_refused(with_body) -> None:
    data = with_body({"type": "image", "caption": "只有图说。"}, "正文。")
    with pytest.raises(InputError, match="the cover must be one of its pictures") as info:
        article_from_dict({**data, "cover": PHOTO})
    assert str(info.value).startswith("cover: ")
