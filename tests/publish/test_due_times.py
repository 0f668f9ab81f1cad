"""The due-time watch runs a pass at each due time and after writes from elsewhere."""

from __future__ import annotations

from datetime import datetime, timedelta

from apscheduler.schedulers.base import STATE_RUNNING
from support.sampledata import SHANGHAI

from syndicator import store
from syndicator.publish.due_times import DueTimeWatch

SEP1_NOON = datetime(2021, 9, 1, 12, 0, tzinfo=SHANGHAI)


class FakeScheduler:
    state = STATE_RUNNING


def test_planner_runs_after_writes_and_at_the_next_due_time(articles, engine) -> None:
    passes: list[datetime] = []
    clock = [SEP1_NOON]
    planner = DueTimeWatch(
        FakeScheduler(), engine, lambda: passes.append(clock[0]), lambda: clock[0], watch=0.25
    )
    assert planner.step() == 0.25 and len(passes) == 1  # the first look: a pass
    assert planner.step() == 0.25 and len(passes) == 1  # nothing changed
    articles = articles  # two due on 09-01, one on 09-02 06:00
    with engine.begin() as conn:
        store.save_articles(conn, articles, now=SEP1_NOON)
    planner.step()  # a write from elsewhere: a pass at once, and the next due time found
    assert len(passes) == 2
    assert planner._next_due == articles[2].published_at
    clock[0] = articles[2].published_at - timedelta(seconds=0.1)
    assert 0 < planner.step() <= 0.1 + 1e-6  # sleeps until the due time, not a watch period
    assert len(passes) == 2
    clock[0] = articles[2].published_at
    planner.step()
    assert passes[-1] == articles[2].published_at and len(passes) == 3
    assert planner._next_due is None


def test_revision_grows_only_with_real_writes(load_articles, engine) -> None:
    with engine.begin() as conn:
        assert store.get_revision(conn) == 0
        store.save_articles(conn, load_articles(), now=SEP1_NOON)
        assert store.get_revision(conn) == 1
        store.save_articles(conn, load_articles(), now=SEP1_NOON + timedelta(hours=1))
        assert store.get_revision(conn) == 1  # a re-import changes nothing


def test_write_during_a_pass_gets_a_pass_of_its_own(articles, engine) -> None:
    """The revision is read before the pass, so a write that lands while the
    pass runs (an API POST mid-pass) is seen at the next look."""
    passes: list[int] = []

    def job() -> None:
        passes.append(len(passes))
        if len(passes) == 1:  # the API writes while the first pass runs
            with engine.begin() as conn:
                store.save_articles(conn, articles[:1], now=SEP1_NOON)

    planner = DueTimeWatch(FakeScheduler(), engine, job, lambda: SEP1_NOON, watch=0.25)
    planner.step()
    assert len(passes) == 1
    planner.step()
    assert len(passes) == 2
    planner.step()
    assert len(passes) == 2  # and then nothing more


def test_articles_falling_due_while_a_pass_runs_get_a_pass(articles, engine) -> None:
    """An edition's articles are due milliseconds apart; a pass takes longer.
    Those that fell due during a pass must not wait for the interval pass."""
    start = SEP1_NOON
    base = articles[0]
    due = [start + timedelta(milliseconds=ms) for ms in (5, 20)]
    with engine.begin() as conn:
        store.save_articles(
            conn,
            [
                base.replace(id=f"{base.id}-{i}", published_at=t, updated_at=t)
                for i, t in enumerate(due)
            ],
            now=start - timedelta(hours=1),
        )
    clock = [start]
    passes: list[datetime] = []

    def job() -> None:  # a pass sees the clock at its start and takes 50 ms
        passes.append(clock[0])
        clock[0] += timedelta(milliseconds=50)

    planner = DueTimeWatch(FakeScheduler(), engine, job, lambda: clock[0], watch=0.25)
    # The first pass sees nothing due at its clock; both fall due while it
    # runs, so the planner passes again at once, and then has nothing left.
    assert planner.step() == 0.0
    assert passes == [start, start + timedelta(milliseconds=50)]
    assert planner._next_due is None
