"""Schema migrations: the revisions make exactly the tables ``store`` describes."""

from __future__ import annotations

import threading
from datetime import datetime

import pytest
import sqlalchemy as sa
from support.sampledata import SHANGHAI

from syndicator import store
from syndicator.store import migrations

NOW = datetime(2021, 9, 1, 12, 0, tzinfo=SHANGHAI)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def fresh_engine(request, tmp_path, pg_database):
    """An empty database with no tables at all."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'fresh.db'}"
    else:
        url = pg_database(migrate=False)
    engine = store.create_store_engine(url)
    yield engine
    engine.dispose()


def _diffs(engine) -> list:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, store.metadata)


def test_migrations_make_the_tables_store_describes(fresh_engine) -> None:
    store.init_schema(fresh_engine)
    assert _diffs(fresh_engine) == []
    with fresh_engine.connect() as conn:
        assert migrations.current_revision(conn) == migrations.head_revision()


def test_the_head_the_code_knows_is_alembics_head() -> None:
    """``migrations.HEAD`` spares every command loading Alembic: it must
    name the newest revision file, or a new migration would never run."""
    assert migrations.alembic_head() == migrations.HEAD


def test_store_made_before_migrations_is_stamped_and_upgraded(articles, fresh_engine) -> None:
    # The first release's create_all made what revision 0001 makes, minus
    # Alembic's own table.
    migrations.upgrade(fresh_engine, migrations.BASELINE)
    with fresh_engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE alembic_version"))
        conn.execute(
            sa.text(
                "INSERT INTO passes (started_at, finished_at, clock, added, changed, removed, "
                "files) VALUES (:t, :t, :t, 1, 0, 0, 3)"
            ),
            {"t": NOW},
        )
    store.init_schema(fresh_engine)
    assert _diffs(fresh_engine) == []
    with fresh_engine.begin() as conn:
        assert store.last_pass(conn)["files"] == 3
        store.save_articles(conn, articles, now=NOW)
        assert store.count_articles(conn) == 3


def test_a_store_of_revision_0003_upgrades_to_the_desk_tables(articles, fresh_engine) -> None:
    """A store made before the desk keeps its articles and gains users and the audit trail."""
    migrations.upgrade(fresh_engine, "0003")
    with fresh_engine.begin() as conn:
        assert not sa.inspect(conn).has_table("users")
        store.save_articles(conn, articles, now=NOW)
    store.init_schema(fresh_engine)
    assert _diffs(fresh_engine) == []
    with fresh_engine.begin() as conn:
        assert migrations.current_revision(conn) == migrations.HEAD
        assert store.count_articles(conn) == len(articles)
        conn.execute(
            sa.text(
                "INSERT INTO users (name, role, password_hash, created_at, password_changed_at)"
                " VALUES ('admin', 'admin', 'hash', :t, :t)"
            ),
            {"t": NOW},
        )
        user = store.get_user(conn, "admin")
        assert user is not None and not user.disabled  # the default holds on both backends
        store.record_audit(conn, at=NOW, actor="admin", action="user-add")


def test_migrations_run_down_and_up_again(fresh_engine) -> None:
    store.init_schema(fresh_engine)
    migrations.upgrade(fresh_engine, migrations.BASELINE)  # already past it: nothing to do
    from alembic import command

    with fresh_engine.begin() as conn:
        command.downgrade(migrations.alembic_config(conn), "base")
    with fresh_engine.connect() as conn:
        assert sa.inspect(conn).get_table_names() == ["alembic_version"]
    store.init_schema(fresh_engine)
    assert _diffs(fresh_engine) == []


def test_instances_starting_together_migrate_once(fresh_engine) -> None:
    errors: list[BaseException] = []

    def start() -> None:
        try:
            store.init_schema(fresh_engine)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert _diffs(fresh_engine) == []


def test_migrations_ship_inside_the_package() -> None:
    names = {p.name for p in (migrations.HERE / "versions").glob("*.py")}
    assert {"0001_initial.py", "0002_pass_instance.py", "0004_desk.py"} <= names
    assert (migrations.HERE / "env.py").exists()
