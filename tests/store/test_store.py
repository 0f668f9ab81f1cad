from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
from support.sampledata import SHANGHAI

from syndicator import store
from syndicator.errors import StoreError

NOW = datetime(2021, 9, 1, 12, 0, tzinfo=SHANGHAI)


@pytest.fixture
def engine(store_engine):
    """Every test here runs on SQLite and on PostgreSQL."""
    return store_engine


def test_save_articles_reimport_changes_nothing(articles, engine) -> None:
    with engine.begin() as conn:
        first = store.save_articles(conn, articles, now=NOW)
    with engine.begin() as conn:
        second = store.save_articles(conn, articles, now=NOW)
        assert store.count_articles(conn) == len(articles)
    assert len(first.added) == len(articles)
    assert second.added == [] and second.changed == []
    assert sorted(second.unchanged) == sorted(a.id for a in articles)


def test_get_article_returns_exactly_what_was_saved(articles, engine) -> None:
    article = articles[0]
    with engine.begin() as conn:
        store.save_articles(conn, [article], now=NOW)
        back = store.get_article(conn, article.id)
    assert back == article
    assert back.published_at.utcoffset() == timedelta(hours=8)


def test_correction_of_seen_article_gets_fresh_updated_at(articles, engine) -> None:
    article = articles[0]
    with engine.begin() as conn:
        store.save_articles(conn, [article], now=NOW)
    fixed = article.replace(title="杭州湾新区一批重大项目集中开工（更正）")
    later = NOW + timedelta(hours=2)
    with engine.begin() as conn:
        report = store.save_articles(conn, [fixed], now=later)
        back = store.get_article(conn, article.id)
    assert report.changed == [article.id]
    assert back.title.endswith("（更正）")
    assert back.updated_at == later
    assert back.published_at == article.published_at


def test_correction_before_due_keeps_given_time(articles, engine) -> None:
    future = articles[2]
    with engine.begin() as conn:
        store.save_articles(conn, [future], now=NOW)
        store.save_articles(conn, [future.replace(title="改稿")], now=NOW)
        back = store.get_article(conn, future.id)
    assert back.title == "改稿"
    assert back.updated_at == future.published_at


def test_list_due_only_published_and_past(articles, engine) -> None:
    with engine.begin() as conn:
        store.save_articles(conn, articles, now=NOW)
        store.set_status(conn, articles[1].id, "withdrawn")
        due = store.list_due(conn, NOW)
        assert [a.id for a in due] == [articles[0].id]
        assert store.next_due_at(conn, NOW) == articles[2].published_at
        tomorrow = NOW + timedelta(days=1)
        assert {a.id for a in store.list_due(conn, tomorrow)} == {articles[0].id, articles[2].id}


def test_set_status_unknown_id_returns_false(engine) -> None:
    with engine.begin() as conn:
        assert store.set_status(conn, "nope", "withdrawn") is False


def test_store_refuses_naive_datetime(engine) -> None:
    # Our own StoreError comes out of the engine as it went in.
    with pytest.raises(StoreError, match="naive datetime"), engine.begin() as conn:
        conn.execute(
            sa.insert(store.passes).values(
                started_at=datetime(2021, 1, 1),
                finished_at=NOW,
                clock=NOW,
                added=0,
                changed=0,
                removed=0,
                files=0,
            )
        )


def test_init_schema_is_idempotent(engine) -> None:
    store.init_schema(engine)
    store.init_schema(engine)
    with engine.connect() as conn:
        assert store.count_articles(conn) == 0


def test_list_editions_newest_first(articles, engine) -> None:
    with engine.begin() as conn:
        store.save_articles(conn, articles, now=NOW)
        editions = store.list_editions(conn)
    assert [d.isoformat() for d, _ in editions] == ["2021-09-02", "2021-09-01"]
    assert [n for _, n in editions] == [1, 2]


def test_overlapping_batches_in_opposite_orders_do_not_deadlock(articles, engine) -> None:
    """Two writers (two API requests, two instances) save the same articles,
    one list reversed. Rows are locked in id order, so one waits for the
    other; in request order PostgreSQL would break a deadlock by aborting one."""
    base = articles[0]
    batch = [base.replace(id=f"{base.id}-{i:02d}") for i in range(30)]
    with store.transaction(engine) as conn:
        store.save_articles(conn, batch, now=NOW)
    failures: list[BaseException] = []
    start = threading.Barrier(2)

    def writer(items, round_: int) -> None:
        start.wait()
        try:
            with store.transaction(engine) as conn:  # corrections: every row is locked
                store.save_articles(
                    conn, [a.replace(title=f"{a.title} {round_}") for a in items], now=NOW
                )
        except BaseException as exc:
            failures.append(exc)

    for round_ in range(8):
        threads = [
            threading.Thread(target=writer, args=(batch, round_)),
            threading.Thread(target=writer, args=(batch[::-1], round_ + 100)),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    assert not failures, failures


def test_a_reimport_does_not_undo_a_withdrawal(articles, engine) -> None:
    """Withdrawing is an editor's decision: a page re-sent (or ``make run``
    importing the demo again) keeps it, and still corrects the text; only
    an input that says ``status: published`` for the article takes it back."""
    article = articles[0]
    with store.transaction(engine) as conn:
        store.save_articles(conn, [article], now=NOW)
        store.set_status(conn, article.id, "withdrawn")
        again = store.save_articles(conn, [article], now=NOW)
        assert again.unchanged == [article.id]
        assert store.get_article(conn, article.id).status == "withdrawn"
        fixed = store.save_articles(conn, [article.replace(title="更正")], now=NOW)
        assert fixed.changed == [article.id]
        kept = store.get_article(conn, article.id)
        assert kept.status == "withdrawn" and kept.title == "更正"
        back = store.save_articles(
            conn, [article.replace(title="更正")], now=NOW, stated={article.id}
        )
        assert back.changed == [article.id]
        assert store.get_article(conn, article.id).status == "published"


def test_document_floors_only_rise(engine) -> None:
    key = ("all", "@current")
    with engine.begin() as conn:
        store.raise_document_floors(conn, {key: NOW})
        store.raise_document_floors(conn, {key: NOW - timedelta(days=1)})
        assert store.get_document_floors(conn) == {key: NOW}
        store.raise_document_floors(conn, {key: NOW + timedelta(days=1)})
        assert store.get_document_floors(conn) == {key: NOW + timedelta(days=1)}
