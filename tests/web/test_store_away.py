"""A restart while the store is unreachable still serves the feeds (issue 13).

`syndicator run` and `serve` used to create or upgrade the store first and
stop when they could not open it, so a restart during a database outage
took down feeds that were sitting in the output dir. Each test publishes
with a working SQLite store, then starts a real server whose store cannot
be opened: a PostgreSQL URL on a closed port, or an SQLite file whose
directory is a file (until the test makes it a directory).
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from datetime import datetime
from email.message import Message
from pathlib import Path

import pytest

from syndicator.errors import StoreError
from syndicator.web.store_wait import prepare_or_retry

pytestmark = pytest.mark.slow

NOW = datetime.fromisoformat("2021-09-02T12:00:00+08:00")
CLOSED_PG = "postgresql+psycopg://postgres@127.0.0.1:1/syndicator"


def _get(url: str) -> tuple[int, bytes, Message]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read(), response.headers
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), exc.headers


def _config(root: Path, port: int, store_url: str) -> Path:
    path = root / f"config-{port}.toml"  # one per server: they share the output dir
    path.write_text(
        f'[store]\nurl = "{store_url}"\n'
        f'[output]\ndir = "{root / "feeds"}"\n'
        f'[server]\nhost = "127.0.0.1"\nport = {port}\n'
        "[scheduler]\ninterval = 1\n"
        f'[site]\nbase_url = "http://127.0.0.1:{port}"\n',
        encoding="utf-8",
    )
    return path


@pytest.fixture
def published(tmp_path, free_port, sample_data) -> Path:
    """The output dir, holding feeds published from a working SQLite store."""
    config = _config(tmp_path, free_port(), f"sqlite:///{tmp_path / 'store.db'}")
    sample_data.save(config)
    sample_data.publish(config, NOW)
    return tmp_path / "feeds"


def _assert_serves_the_old_feeds(base: str, feeds: Path) -> None:
    for name in ("all/rss.xml", "all/atom.xml", "all/feed.json", "opml.xml"):
        status, body, _ = _get(f"{base}/feeds/{name}")
        assert status == 200, name
        assert body == (feeds / name).read_bytes(), name
    status, body, headers = _get(f"{base}/healthz")
    assert status == 503
    assert json.loads(body)["status"] == "error"
    assert int(headers["Retry-After"]) > 0


@pytest.mark.parametrize("command", ["run", "serve"])
def test_a_server_started_with_the_database_down_serves_the_feeds(
    published, tmp_path, free_port, live_server, command
) -> None:
    before = {p: p.read_bytes() for p in published.rglob("*") if p.is_file()}
    port = free_port()
    config = _config(tmp_path, port, CLOSED_PG)
    server = live_server(config_path=config, command=command, port=port)
    _assert_serves_the_old_feeds(server.url, published)
    if command == "run":
        time.sleep(2.5)  # a few passes, each failing on the store
    output = server.stop()
    assert "cannot open" in output and "serving the feeds in" in output, output
    assert "Traceback" not in output, output
    assert {p: p.read_bytes() for p in published.rglob("*") if p.is_file()} == before


def test_run_prepares_the_store_once_it_answers_and_publishes_again(
    published, tmp_path, free_port, live_server
) -> None:
    missing = tmp_path / "later"  # an SQLite file under a name taken by a file
    missing.write_text("not a directory\n", encoding="utf-8")
    port = free_port()
    config = _config(tmp_path, port, f"sqlite:///{missing / 'store.db'}")
    server = live_server(config_path=config, command="run", port=port)
    _assert_serves_the_old_feeds(server.url, published)
    missing.unlink()
    missing.mkdir()  # the store comes back (empty: the next pass publishes no items)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        status, body, _ = _get(f"{server.url}/healthz")
        if status == 200 and json.loads(body)["last_pass_at"]:
            break
        time.sleep(0.2)
    else:
        pytest.fail(f"/healthz never recovered:\n{server.stop()}")
    assert (missing / "store.db").exists()
    output = server.stop()
    assert "store reachable again" in output, output


def test_only_a_store_that_cannot_be_opened_is_waited_for(tmp_path) -> None:
    attempts: list[int] = []

    def away() -> None:
        attempts.append(1)
        if len(attempts) < 3:
            error = StoreError("store: cannot open sqlite:///x.db: unable to open database file")
            error.unreachable = True
            raise error

    thread = prepare_or_retry(away, tmp_path, every=0.01)
    assert thread is not None
    thread.join(timeout=10)
    assert len(attempts) == 3 and not thread.is_alive()

    def refused() -> None:  # it answered: a migration failed, say
        raise StoreError("store: relation already exists")

    with pytest.raises(StoreError, match="already exists"):
        prepare_or_retry(refused, tmp_path, every=0.01, stop=threading.Event())
