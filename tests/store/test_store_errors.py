"""The store's error boundary: every driver error, reads included, is a StoreError.

Callers (the actions, the web app, the CLI) know one exception, so none of
them needs SQLAlchemy's, and none can let a driver error through as a
traceback or a bare 500.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from syndicator import store
from syndicator.errors import StoreError


def test_a_read_of_a_broken_store_is_a_store_error(tmp_path: Path) -> None:
    engine = store.create_store_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    with pytest.raises(StoreError, match="no such table: articles"), engine.connect() as conn:
        store.get_article(conn, "zjgrrb-20210830-01-01")


def test_an_unreachable_store_is_a_store_error_naming_it() -> None:
    engine = store.create_store_engine("postgresql+psycopg://postgres@127.0.0.1:9/nowhere")
    with pytest.raises(StoreError, match=r"store: cannot open .*127\.0\.0\.1:9") as caught:
        engine.connect()
    assert not caught.value.retryable  # an outage: running it again will not help


def test_a_lost_insert_race_is_retryable_and_an_outage_is_not(tmp_path: Path) -> None:
    engine = store.create_store_engine(f"sqlite:///{tmp_path / 'race.db'}")
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE t (id TEXT PRIMARY KEY)"))
        conn.execute(sa.text("INSERT INTO t VALUES ('a')"))
    with pytest.raises(StoreError) as caught, engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO t VALUES ('a')"))
    assert caught.value.retryable and caught.value.lost_race
    with pytest.raises(StoreError) as caught, engine.begin() as conn:
        conn.execute(sa.text("SELECT * FROM missing"))
    assert not caught.value.retryable


@pytest.mark.parametrize(
    ("sqlstate", "retryable"), [("40001", True), ("40P01", True), ("08006", False)]
)
def test_serialization_failures_and_deadlocks_are_retryable(sqlstate: str, retryable: bool) -> None:
    error = StoreError("store: rolled back")
    error.sqlstate = sqlstate
    assert error.retryable is retryable
