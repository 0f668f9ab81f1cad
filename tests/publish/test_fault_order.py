"""Files first, then bookkeeping: the order that makes a killed pass redo its work.

The store's bookkeeping (``published``, the covered revision, the publish
generation) is what tells the next pass an article is already in the
feeds. Committed after the files, a pass killed in between leaves feeds
that already hold the articles and bookkeeping that does not, so the next
pass publishes them again: nothing lost. Committed first, the same kill
leaves bookkeeping that claims articles no file holds.

The outcome alone cannot pin the order: when nothing fails both orders
write the same files, and the output dir's ``.generation`` marker makes
the next tick re-render everything after such a crash, which hid a
commit-first pass from the fault test. So the order is checked where the
pass announces it (:mod:`syndicator.checkpoints`), and what a commit-first
pass would lose is shown by running the pass's own steps in that order.
"""

from __future__ import annotations

import os
import signal
from datetime import datetime, timedelta

import pytest
from support.faultkit import CHANNELS, check_documents, feed_ids, fork_tick, make_article, tick
from support.sampledata import SHANGHAI

from syndicator import store
from syndicator.publish import checkpoints, cluster
from syndicator.publish import run as publish

pytestmark = pytest.mark.slow


@pytest.fixture
def engine(store_engine):
    return store_engine


@pytest.fixture
def site(make_config, engine, tmp_path):
    """A store with three articles, published by one tick; returns (url, config, now)."""
    config = make_config(tmp_path, feeds={"limit": 500}, channels=CHANNELS)
    url = engine.url.render_as_string(hide_password=False)
    now = datetime.now(SHANGHAI)
    with engine.begin() as conn:
        store.save_articles(conn, [make_article(n, now) for n in range(3)], now=now)
    assert tick(url, config).role == "published"
    return url, config, now


def _add(engine, now: datetime, numbers: range) -> list[str]:
    with engine.begin() as conn:
        store.save_articles(conn, [make_article(n, now) for n in numbers], now=now)
    return sorted(make_article(n, now).id for n in numbers)


def _in_feeds(config, ids: list[str]) -> dict[str, bool]:
    """Whether each article is in every feed of the ``all`` channel."""
    feeds = feed_ids(config.output_dir, "all").values()
    return {i: all(i in found for found in feeds) for i in ids}


def test_pass_commits_bookkeeping_only_after_every_file(engine, site) -> None:
    url, config, now = site
    _add(engine, now, range(3, 5))
    steps: list[str] = []
    with checkpoints.observing(lambda point, info: steps.append(point)):
        outcome = tick(url, config)
    assert outcome.report is not None and len(outcome.report.added) == 2
    assert steps[0] == "planned" and steps[-2:] == ["files-written", "committed"]
    assert set(steps[1:-2]) == {"replaced"} and len(steps[1:-2]) > 2, steps

    # A follower's catch-up pass writes files and commits nothing.
    steps.clear()
    with checkpoints.observing(lambda point, info: steps.append(point)):
        publish.run_pass(engine, config, now=now, force=True, record=False)
    assert "committed" not in steps and steps[-1] == "files-written", steps


def test_pass_killed_between_files_and_bookkeeping_is_redone(engine, site) -> None:
    url, config, now = site
    new = _add(engine, now, range(3, 5))
    with engine.connect() as conn:
        generation = store.get_generation(conn).number

    pid = fork_tick(url, config, kill=lambda point, _info: point == "files-written")
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL

    # The feeds are complete and already hold the new articles ...
    check_documents(config.output_dir)
    assert _in_feeds(config, new) == dict.fromkeys(new, True)
    for article_id in new:
        assert (config.output_dir / "wechat" / f"{article_id}.json").exists()
    # ... while the bookkeeping does not: nothing says they were published.
    with engine.connect() as conn:
        assert not set(new) & set(store.published_states(conn))
        assert store.get_generation(conn).number == generation

    # So the next pass publishes the same articles again, once each.
    outcome = tick(url, config)
    assert outcome.report is not None and outcome.report.added == new
    with engine.connect() as conn:
        assert set(new) <= set(store.published_states(conn))
    for ids in feed_ids(config.output_dir, "all").values():
        assert sorted(ids) == sorted(a.id for a in _due(engine)), ids


def test_bookkeeping_committed_before_files_would_lose_articles(engine, site) -> None:
    """The pass's own steps in the forbidden order, killed between commit and files."""
    url, config, now = site
    new = _add(engine, now, range(3, 5))
    plan = publish.plan_pass(engine, config, now=now)
    assert plan.report.added == new
    publish.commit_plan(engine, plan, started=now, finished=now)
    # The pass dies here: publish.write_plan(config, plan) never runs.

    # A plain pass trusts the bookkeeping: nothing new, and the articles
    # never reach the feeds or WeChat.
    later = now + timedelta(seconds=1)
    report = publish.run_pass(engine, config, now=later)
    assert report.added == []
    assert _in_feeds(config, new) == dict.fromkeys(new, False)
    assert not any((config.output_dir / "wechat" / f"{i}.json").exists() for i in new)

    # A tick sees its marker behind the store's generation and re-renders
    # everything, so the files come back; but the pass still reports
    # nothing new: whatever follows a publication never hears of them.
    assert cluster.local_generation(config.output_dir) != _generation(engine)
    outcome = tick(url, config)
    assert outcome.report is not None and outcome.report.added == []
    assert _in_feeds(config, new) == dict.fromkeys(new, True)


def _due(engine):
    with engine.connect() as conn:
        return store.list_due(conn, datetime.now(SHANGHAI))


def _generation(engine) -> int:
    with engine.connect() as conn:
        return store.get_generation(conn).number
