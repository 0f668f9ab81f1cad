"""A pass over its time budget, or under way when the process stops, gives up cleanly.

Nothing of the abandoned pass reaches the output directory (every file
keeps its bytes), the store's bookkeeping is not moved (the next pass
publishes what it would have), and the tick is counted and logged in one
line. How fast ``syndicator run`` stops on SIGTERM is in
``tests/cli/test_run_stop.py``.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from datetime import datetime
from pathlib import Path

import pytest
from support.sampledata import SHANGHAI

from syndicator import metrics, store
from syndicator.errors import ConfigError
from syndicator.publish import deadline, run_pass
from syndicator.publish.cluster import PUBLISH_LOCK
from syndicator.publish.scheduler import Publisher, build_scheduler, stop_scheduler
from syndicator.store.lock import store_lock

SEP1_NOON = datetime(2021, 9, 1, 12, 0, tzinfo=SHANGHAI)
SEP2_NOON = datetime(2021, 9, 2, 12, 0, tzinfo=SHANGHAI)


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def published(articles, engine, config) -> dict[str, bytes]:
    """The three sample articles saved, the first two published on 1 September."""
    with store.transaction(engine) as conn:
        store.save_articles(conn, articles, now=SEP1_NOON)
    outcome = Publisher(engine, config, clock=lambda: SEP1_NOON).tick()
    assert outcome is not None and outcome.report is not None and outcome.report.added
    return _snapshot(config.output_dir)


def _with_budget(config, seconds: float):
    return dataclasses.replace(
        config, scheduler=dataclasses.replace(config.scheduler, pass_budget=seconds)
    )


def test_pass_over_budget_leaves_the_feeds_and_is_counted_and_logged(
    published, engine, config, caplog
) -> None:
    # A budget no pass can keep (the config file's least is 1 s): the first
    # check, right after the store is read, is already past it.
    publisher = Publisher(engine, _with_budget(config, 1e-9), clock=lambda: SEP2_NOON)
    before = metrics.PASSES.value(role="timeout")
    with caplog.at_level(logging.ERROR, logger="syndicator.publish.scheduler"):
        assert publisher.tick() is None
    assert metrics.PASSES.value(role="timeout") == before + 1
    [record] = [r for r in caplog.records if getattr(r, "role", None) == "timeout"]
    line = record.getMessage()
    assert "[scheduler] pass_budget" in line and "previous feeds are still served" in line
    assert "\n" not in line and record.exc_info is None
    assert _snapshot(config.output_dir) == published
    # Nothing was recorded: within its budget, the next tick publishes the new article.
    outcome = Publisher(engine, config, clock=lambda: SEP2_NOON).tick()
    assert outcome is not None and outcome.report is not None
    assert outcome.report.added == ["zjgrrb-20210902-01-01"]


def test_pass_stopped_mid_way_leaves_the_feeds_and_is_counted(
    published, engine, config, caplog
) -> None:
    publisher = Publisher(engine, config, clock=lambda: SEP2_NOON)
    seen: list[int] = []

    def stopping() -> bool:
        """The stop comes after the tick began and the channel was rendered."""
        seen.append(1)
        return len(seen) >= 3

    publisher.stopping = stopping
    before = metrics.PASSES.value(role="stopped")
    with caplog.at_level(logging.INFO, logger="syndicator.publish.scheduler"):
        assert publisher.tick() is None
    assert len(seen) == 3  # given up at the first check after the stop (the WeChat post)
    assert metrics.PASSES.value(role="stopped") == before + 1
    assert any("shutting down" in r.getMessage() for r in caplog.records)
    assert _snapshot(config.output_dir) == published
    assert publisher.tick() is None  # stopping: no new pass starts


def test_pass_checks_its_budget_at_every_channel_page_and_post(
    articles, engine, make_config, tmp_path
) -> None:
    """The checks are fine-grained enough to stop a big pass within moments."""
    # One item a feed: the other articles go to the archive's day pages.
    config = make_config(tmp_path, feeds={"limit": 1}, channels={"economy": {"section": "经济"}})
    with store.transaction(engine) as conn:
        store.save_articles(conn, articles, now=SEP2_NOON)
    steps: list[str] = []
    original = deadline.Limit.check

    def recording(self, step: str) -> None:
        steps.append(step)
        original(self, step)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(deadline.Limit, "check", recording)
        with deadline.limited(None):
            run_pass(engine, config, now=SEP2_NOON)
    assert "rendering channel all" in steps and "rendering channel economy" in steps
    assert any(s.startswith("rendering archive page all/") for s in steps)
    assert sum(s.startswith("rendering WeChat post ") for s in steps) == len(articles)
    assert steps[-1] == "about to write"


def test_pass_budget_below_one_second_is_refused(write_config_file, tmp_path) -> None:
    from syndicator.config import load_config

    path = write_config_file(tmp_path, 8080, extra="[scheduler]\npass_budget = 0.5\n")
    with pytest.raises(ConfigError, match=r"scheduler\.pass_budget: must be at least 1"):
        load_config(path)


@pytest.mark.parametrize("triggered", [True, False], ids=["waiting-for-lock", "following"])
def test_tick_waiting_for_another_instance_gives_up_when_stopping(
    published, engine, config, triggered
) -> None:
    """Another instance's pass holds the lock: a triggered tick waits for it
    (up to half an interval, 30 s), a scheduled one waits to follow it; a
    stop ends either wait within a slice of it, not at its end."""
    publisher = Publisher(engine, config, clock=lambda: SEP2_NOON)
    calls: list[int] = []

    def stopping() -> bool:
        calls.append(1)
        return len(calls) > 1  # not yet when the tick starts; at its first look after

    publisher.stopping = stopping
    outcomes: list[object] = []
    with store_lock(engine, PUBLISH_LOCK) as held:
        assert held
        waiter = threading.Thread(target=lambda: outcomes.append(publisher.tick(triggered)))
        waiter.start()
        waiter.join(timeout=10)
        assert not waiter.is_alive(), "the tick kept waiting for the lock"
    assert outcomes == [None] and len(calls) == 2
    assert _snapshot(config.output_dir) == published


def test_stop_scheduler_waits_a_grace_for_a_pass_stuck_in_one_step(
    published, engine, config
) -> None:
    """A pass inside one long store query cannot check; `run` waits for it a
    few seconds (``STOP_GRACE``), then exits regardless."""
    scheduler = build_scheduler(engine, config, clock=lambda: SEP2_NOON)
    started, release = threading.Event(), threading.Event()

    class SlowEngine:
        """Every connection of the pass waits: a store read that takes long."""

        def __getattr__(self, name):
            return getattr(engine, name)

        def connect(self):
            started.set()
            release.wait(10)
            return engine.connect()

    scheduler.publisher.engine = SlowEngine()
    scheduler.start()
    try:
        assert started.wait(10)
        assert stop_scheduler(scheduler, grace=0.2) is False  # still in its store read
    finally:
        release.set()
    assert scheduler.publisher.wait_idle(10)  # and at its next check, it gave up
    assert _snapshot(config.output_dir) == published
