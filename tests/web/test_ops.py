"""/healthz and structured logs (/metrics: test_metrics.py)."""

from __future__ import annotations

import io
import json
import logging
from datetime import UTC, datetime, timedelta

from support.sampledata import SHANGHAI

from syndicator import store
from syndicator.logs import JsonFormatter, setup_logging
from syndicator.publish import cluster

NOW = datetime(2021, 9, 2, 12, 0, tzinfo=SHANGHAI)


def test_healthz_reports_store_and_last_pass(articles, client, engine, config) -> None:
    before = client.get("/healthz")
    assert before.status_code == 200
    assert before.json["status"] == "stale" and before.json["last_pass_at"] is None
    assert before.headers["Cache-Control"] == "no-store"
    with engine.begin() as conn:
        store.save_articles(conn, articles, now=NOW)
    cluster.publish_or_follow(engine, config, now=datetime.now(SHANGHAI), instance="host:1")
    after = client.get("/healthz").json
    assert after["status"] == "ok" and after["store"] == "ok"
    assert 0 <= after["last_pass_age_seconds"] < 5
    assert after["last_pass_by"] == "host:1"
    assert after["generation"] == {"store": 1, "local": 1}


def test_last_pass_time_moves_even_when_nothing_changed(engine, config) -> None:
    cluster.publish_or_follow(engine, config, now=NOW)
    with engine.connect() as conn:
        first, _ = store.last_pass_at(conn)
        passes = store.last_pass(conn)
    report = cluster.publish_or_follow(engine, config, now=NOW).report
    assert not report.changed_anything
    with engine.connect() as conn:
        second, _ = store.last_pass_at(conn)
        assert store.last_pass(conn) == passes  # no pass row for a pass that changed nothing
    assert second > first


def test_healthz_is_503_when_the_store_is_down(app, client) -> None:
    app.extensions["syndicator.engine"] = store.create_store_engine(
        "postgresql+psycopg://postgres@127.0.0.1:9/nowhere"
    )
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["status"] == "error" and "unreachable" in response.json["store"]
    assert int(response.headers["Retry-After"]) > 0  # a load balancer knows when to ask again


def test_json_log_lines_carry_the_extras() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("syndicator.test.json")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("pass by %s", "甲", extra={"event": "pass", "instance": "h:1", "n": 2})
        try:
            raise ValueError("boom")
        except ValueError:
            logger.exception("failed")
    finally:
        logger.removeHandler(handler)
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["msg"] == "pass by 甲" and first["level"] == "warning"
    assert first["event"] == "pass" and first["instance"] == "h:1" and first["n"] == 2
    assert first["ts"].endswith("+00:00")
    assert "ValueError: boom" in second["exc"]


def test_setup_logging_json(monkeypatch) -> None:
    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", [])
    stream = io.StringIO()
    setup_logging(fmt="json", stream=stream)
    logging.getLogger("syndicator.x").info("hello", extra={"event": "e"})
    assert json.loads(stream.getvalue())["event"] == "e"


def test_healthz_is_503_when_this_instance_stays_behind(
    load_articles, make_config, client, engine, config, tmp_path
) -> None:
    """Another instance published; this one's output dir never caught up (a
    serve that nobody follows, a worker orphaned by a crash). Briefly behind
    is normal; behind for more than three intervals is not healthy."""
    other = make_config(tmp_path / "other")
    with engine.begin() as conn:
        store.save_articles(conn, load_articles(), now=NOW)
    cluster.publish_or_follow(engine, other, now=datetime.now(SHANGHAI), instance="other:1")
    fresh = client.get("/healthz")
    assert fresh.status_code == 200 and fresh.json["generation"] == {"store": 1, "local": None}
    with engine.begin() as conn:
        long_ago = datetime.now(UTC) - timedelta(seconds=4 * config.scheduler.interval)
        store.set_meta(conn, "generation_made_at.1", long_ago.isoformat())
    # The publisher keeps making new generations: the lag counts from the
    # first one this instance lacks, not from the newest.
    more = [a.replace(id=f"{a.id}-more") for a in load_articles()[:1]]
    with engine.begin() as conn:
        store.save_articles(conn, more, now=NOW)
    cluster.publish_or_follow(engine, other, now=datetime.now(SHANGHAI), instance="other:1")
    behind = client.get("/healthz")
    assert behind.status_code == 503 and behind.json["status"] == "behind"
    assert behind.headers["Retry-After"] == str(config.scheduler.interval)
    assert behind.json["generation"] == {"store": 2, "local": None}
    cluster.publish_or_follow(engine, config, now=datetime.now(SHANGHAI), instance="this:1")
    caught_up = client.get("/healthz")
    assert caught_up.status_code == 200 and caught_up.json["generation"]["local"] == 2
