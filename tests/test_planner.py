"""The planner runs a pass at each due time and after writes from elsewhere."""

from __future__ import annotations

from datetime import datetime, timedelta

from conftest import SHANGHAI, load_articles

from syndicator import store
from syndicator.planner import DUE_JOB_ID, PassPlanner

SEP1_NOON = datetime(2021, 9, 1, 12, 0, tzinfo=SHANGHAI)


class FakeScheduler:
    def __init__(self) -> None:
        self.jobs: dict[str, dict] = {}

    def add_job(self, func, trigger, *, id, run_date, **_kw) -> None:
        self.jobs[id] = {"func": func, "trigger": trigger, "run_date": run_date}

    def remove_job(self, job_id: str) -> None:
        from apscheduler.jobstores.base import JobLookupError

        if job_id not in self.jobs:
            raise JobLookupError(job_id)
        del self.jobs[job_id]


def test_planner_plans_next_due_time_and_reacts_to_writes(engine) -> None:
    passes: list[datetime] = []
    scheduler = FakeScheduler()
    planner = PassPlanner(scheduler, engine, lambda: passes.append(SEP1_NOON), lambda: SEP1_NOON)
    planner.run_now()
    assert passes == [SEP1_NOON] and DUE_JOB_ID not in scheduler.jobs  # nothing scheduled
    planner.watch()
    assert len(passes) == 1  # nothing changed
    articles = load_articles()  # two due on 09-01, one on 09-02 06:00
    with engine.begin() as conn:
        store.save_articles(conn, articles, now=SEP1_NOON)
    planner.watch()  # a write from elsewhere: a pass at once, and the next due time planned
    assert len(passes) == 2
    job = scheduler.jobs[DUE_JOB_ID]
    assert job["run_date"] == articles[2].published_at and job["trigger"] == "date"
    assert job["func"] == planner.run_now
    planner.watch()
    assert len(passes) == 2
    with engine.begin() as conn:
        store.set_status(conn, articles[2].id, "withdrawn")
    planner.watch()
    assert len(passes) == 3 and DUE_JOB_ID not in scheduler.jobs


def test_revision_grows_only_with_real_writes(engine) -> None:
    with engine.begin() as conn:
        assert store.get_revision(conn) == 0
        store.save_articles(conn, load_articles(), now=SEP1_NOON)
        assert store.get_revision(conn) == 1
        store.save_articles(conn, load_articles(), now=SEP1_NOON + timedelta(hours=1))
        assert store.get_revision(conn) == 1  # a re-import changes nothing
