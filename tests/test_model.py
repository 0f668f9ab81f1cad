from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from conftest import SHANGHAI, load_articles

from syndicator.errors import InputError
from syndicator.model import Article, summarize


def test_article_round_trips_through_its_dict() -> None:
    for article in load_articles():
        again = Article.from_dict(article.to_dict())
        assert again == article
        assert again.content_hash() == article.content_hash()


def test_article_naive_datetime_is_an_error() -> None:
    data = load_articles()[0].to_dict()
    data["published_at"] = "2021-09-01T06:00:00"
    with pytest.raises(InputError) as info:
        Article.from_dict(data)
    assert info.value.field == "published_at"
    assert "offset" in info.value.message


def test_content_hash_ignores_offset_and_status_but_not_text() -> None:
    article = load_articles()[0]
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
def test_article_from_dict_names_the_bad_field(field: str, value: object) -> None:
    data = load_articles()[1].to_dict()
    data[field] = value
    with pytest.raises(InputError) as info:
        Article.from_dict(data)
    assert info.value.field.split(".")[0].split("[")[0] == field


def test_article_unknown_field_is_rejected() -> None:
    data = load_articles()[1].to_dict()
    data["titel"] = "typo"
    with pytest.raises(InputError, match="titel"):
        Article.from_dict(data)


def test_summarize_cuts_at_sentence_end() -> None:
    text = "第一句话说完了。" + "第二句很长" * 30 + "。"
    assert summarize(text, 120) == "第一句话说完了。"
    assert summarize("短句。", 120) == "短句。"
    long_clause = "没有句号" * 50
    cut = summarize(long_clause, 120)
    assert len(cut) <= 120 and cut.endswith("…")


def test_digest_prefers_lead_paragraph() -> None:
    article = load_articles()[1]
    assert article.digest() == article.body[0].text
    assert len(article.digest(20)) <= 20


def test_article_rejects_updated_before_published() -> None:
    data = load_articles()[1].to_dict()
    data["updated_at"] = (
        datetime.fromisoformat(data["published_at"]) - timedelta(days=1)
    ).isoformat()
    with pytest.raises(InputError) as info:
        Article.from_dict(data)
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
