"""The scheduler's job: ticks that never pile up, passes on demand, failures survived."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta

from conftest import SHANGHAI, load_articles

from syndicator import metrics, store
from syndicator.service import (
    JOB_ID,
    NOW_JOB_ID,
    TICK_ORIGIN,
    Publisher,
    build_scheduler,
    trigger_pass,
)

NOW = datetime(2021, 9, 2, 12, 0, tzinfo=SHANGHAI)


def test_scheduler_job_does_not_pile_up_and_ticks_on_the_interval_grid(engine, config) -> None:
    scheduler = build_scheduler(engine, config)
    job = scheduler.get_job(JOB_ID)
    assert job.max_instances == 1 and job.coalesce is True
    assert job.misfire_grace_time == config.scheduler.misfire_grace
    assert job.trigger.start_date == TICK_ORIGIN.astimezone(config.tz)
    first = scheduler.get_job(NOW_JOB_ID)  # the pass at start
    assert first is not None


def test_trigger_pass_runs_a_pass_now_and_merges_triggers(engine, config) -> None:
    with engine.begin() as conn:
        store.save_articles(conn, load_articles(), now=NOW)
    scheduler = build_scheduler(engine, config, clock=lambda: NOW)
    scheduler.remove_job(NOW_JOB_ID)
    scheduler.start(paused=True)
    try:
        trigger_pass(scheduler)
        trigger_pass(scheduler)  # a second trigger while the first waits: merged
        pending = [j for j in scheduler.get_jobs() if j.id == NOW_JOB_ID]
        assert len(pending) == 1 and pending[0].kwargs == {"triggered": True}
        scheduler.resume()
        deadline = time.monotonic() + 10
        while not (config.output_dir / "all" / "rss.xml").exists():
            assert time.monotonic() < deadline, "triggered pass did not run"
            time.sleep(0.05)
    finally:
        scheduler.shutdown(wait=True)


def test_failed_tick_is_counted_and_the_next_one_works(engine, config, monkeypatch) -> None:
    from syndicator import cluster

    publisher = Publisher(engine, config, clock=lambda: NOW)
    failed_before = metrics.PASSES.value(role="failed")

    def broken(*_args, **_kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("syndicator.service.publish_or_follow", broken)
    assert publisher.tick() is None
    assert metrics.PASSES.value(role="failed") == failed_before + 1
    monkeypatch.setattr("syndicator.service.publish_or_follow", cluster.publish_or_follow)
    assert publisher.tick().role == "published"


def test_tick_skips_while_a_triggered_pass_runs(engine, config, monkeypatch) -> None:
    publisher = Publisher(engine, config, clock=lambda: NOW + timedelta(minutes=1))
    started, release = threading.Event(), threading.Event()
    original = publisher.engine

    class SlowEngine:
        """The first connection waits, so a triggered pass stays in progress."""

        def __getattr__(self, name):
            return getattr(original, name)

        def connect(self):
            started.set()
            release.wait(5)
            return original.connect()

    publisher.engine = SlowEngine()  # type: ignore[assignment]
    runner = threading.Thread(target=publisher.tick, kwargs={"triggered": True})
    runner.start()
    try:
        assert started.wait(5)
        assert publisher.tick() is None  # a scheduled tick does not queue behind it
    finally:
        release.set()
        runner.join()


def test_trigger_during_a_running_triggered_pass_gets_its_own_pass(
    engine, config, monkeypatch
) -> None:
    """A write that lands while a triggered pass runs must not be skipped as a
    second instance of the same job: it gets a pass of its own."""
    import syndicator.service as service

    calls: list[int] = []
    first_running, release = threading.Event(), threading.Event()
    real = service.publish_or_follow

    def slow_then_real(*args, **kwargs):
        calls.append(len(calls))
        if len(calls) == 1:
            first_running.set()
            release.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(service, "publish_or_follow", slow_then_real)
    scheduler = build_scheduler(engine, config, clock=lambda: NOW)
    scheduler.remove_job(NOW_JOB_ID)
    scheduler.start()
    try:
        trigger_pass(scheduler)
        assert first_running.wait(10)
        trigger_pass(scheduler)  # the API's second write, mid-pass
        time.sleep(0.2)  # let the scheduler hand the job to its executor
        release.set()
        deadline = time.monotonic() + 10
        while len(calls) < 2:
            assert time.monotonic() < deadline, "the second trigger was skipped"
            time.sleep(0.05)
    finally:
        release.set()
        scheduler.shutdown(wait=True)
