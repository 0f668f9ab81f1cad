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


def test_failed_tick_is_counted_and_the_next_one_works(
    engine, config, monkeypatch, tmp_path
) -> None:
    """Counted where /metrics reads it under run too (the exported file)."""
    from syndicator.publish import cluster

    exported = tmp_path / "passes.prom"
    metrics.export_to(str(exported))
    monkeypatch.setenv(metrics.EXPORT_ENV, str(exported))
    publisher = Publisher(engine, config, clock=lambda: NOW)
    failed_before = metrics.PASSES.value(role="failed")

    def broken(*_args, **_kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("syndicator.publish.scheduler.publish_or_follow", broken)
    try:
        assert publisher.tick() is None
        assert metrics.PASSES.value(role="failed") == failed_before + 1
        line = f'syndicator_passes_total{{role="failed"}} {failed_before + 1:g}'
        assert line in exported.read_text(encoding="utf-8")
    finally:
        metrics.export_to(None)
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
