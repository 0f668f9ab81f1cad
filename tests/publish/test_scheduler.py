"""The scheduler's job: ticks that never pile up, passes on demand, failures survived."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from support.sampledata import SHANGHAI

from syndicator import metrics
from syndicator.publish.scheduler import JOB_ID, NOW_JOB_ID, TICK_ORIGIN, Publisher, build_scheduler

NOW = datetime(2021, 9, 2, 12, 0, tzinfo=SHANGHAI)


def test_scheduler_job_is_set_to_one_instance_coalesced_on_the_interval_grid(
    engine, config
) -> None:
    """Only the job's settings; that a tick is skipped while a pass runs is
    shown by ``test_tick_skips_while_a_triggered_pass_runs``."""
    scheduler = build_scheduler(engine, config)
    job = scheduler.get_job(JOB_ID)
    assert job.max_instances == 1 and job.coalesce is True
    assert job.misfire_grace_time == config.scheduler.misfire_grace
    assert job.trigger.start_date == TICK_ORIGIN.astimezone(config.tz)
    first = scheduler.get_job(NOW_JOB_ID)  # the pass at start
    assert first is not None


def test_failed_tick_is_counted_and_the_next_one_works(engine, config, monkeypatch) -> None:
    """Counted where /metrics reads it (under run, the shared directory: test_live.py)."""
    from prometheus_client.parser import text_string_to_metric_families

    from syndicator.publish import cluster

    publisher = Publisher(engine, config, clock=lambda: NOW)
    failed_before = metrics.PASSES.value(role="failed")

    def broken(*_args, **_kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("syndicator.publish.scheduler.publish_or_follow", broken)
    assert publisher.tick() is None
    assert metrics.PASSES.value(role="failed") == failed_before + 1
    scraped = {
        (s.name, s.labels.get("role")): s.value
        for family in text_string_to_metric_families(metrics.scrape())
        for s in family.samples
    }
    assert scraped["syndicator_passes_total", "failed"] == failed_before + 1
    assert scraped["syndicator_pass_duration_seconds_count", "failed"] >= 1
    monkeypatch.setattr("syndicator.publish.scheduler.publish_or_follow", cluster.publish_or_follow)
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
