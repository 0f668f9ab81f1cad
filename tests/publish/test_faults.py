"""Passes killed with SIGKILL in every phase while articles keep arriving.

A forked child runs one real tick (``cluster.publish_or_follow``: locks,
clean-up, marker, pass, bookkeeping) against the store and SIGKILLs itself
at a step of the pass chosen in advance (``faultkit``). Killed from outside
after a random delay, most kills landed before any file was touched, since
a pass spends most of its time reading and rendering; choosing the steps
puts an equal share of the kills in each phase:

- *before writes*: everything rendered, or the temporary files durable
  and none renamed yet;
- *mid-write*: after a random number of the renames, possibly between a
  feed's ``.gz`` twin and the feed itself;
- *after writes*: every file in place, the bookkeeping not committed;
- *after commit*: committed, the output dir's generation marker not written.

The parent checks each phase from the outside too (which files got a new
inode, which temporary files remain, whether the store's generation moved),
so a step that moved in the pass shows up as a kill in the wrong phase.
Between kills new articles arrive and earlier ones are corrected. After
every kill each file in the output dir must be a complete document; after
the twentieth, one ordinary tick must leave every due article in each of
its feeds exactly once.
"""

from __future__ import annotations

import json
import os
import random
import signal
from datetime import datetime

import pytest
from support.faultkit import (
    CHANNELS,
    check_documents,
    feed_ids,
    fork_tick,
    make_article,
    read_trace,
    served_files,
    temp_files,
)
from support.sampledata import SHANGHAI

from syndicator import store
from syndicator.publish import cluster
from syndicator.publish import output_files as files

pytestmark = pytest.mark.slow

PHASES = ("before writes", "mid-write", "after writes", "after commit")
KILLS = 20
MAX_ATTEMPTS = 40


@pytest.fixture
def engine(store_engine):
    return store_engine


def _killer(phase: str, rng: random.Random):
    """Where in ``phase`` this child dies: a step, and for the renames, which one."""
    if phase == "before writes":
        at_temps = rng.random() < 0.5
        return lambda point, info: (
            point == "replaced" and info["done"] == 0 if at_temps else point == "planned"
        )
    if phase == "mid-write":
        share = rng.random()

        def mid(point: str, info: dict) -> bool:
            if point != "replaced" or info["total"] < 2:
                return False
            return info["done"] == min(info["total"] - 1, max(1, round(share * info["total"])))

        return mid
    step = {"after writes": "files-written", "after commit": "committed"}[phase]
    return lambda point, _info: point == step


def _observed_phase(before: dict, after: dict, temps: int, committed: bool, trace) -> str:
    """The phase a kill landed in, judged from the output dir and the store."""
    renamed = [p for p, inode in after.items() if before.get(p) != inode]
    replaced = [info for point, info in trace if point == "replaced"]
    if committed:
        return "after commit"
    if not renamed:
        assert temps == (replaced[-1]["total"] if replaced else 0), (temps, trace[-1])
        return "before writes"
    done, total = replaced[-1]["done"], replaced[-1]["total"]
    assert len(renamed) == done, (len(renamed), trace[-1])  # one new inode per rename
    assert temps == total - done, (temps, trace[-1])  # the rest still under temporary names
    return "mid-write" if done < total else "after writes"


def test_pass_killed_in_every_phase_loses_and_duplicates_nothing(
    make_config, engine, tmp_path
) -> None:
    rng = random.Random(int(os.environ.get("SYNDICATOR_FAULT_SEED", "0")) or None)
    config = make_config(tmp_path, feeds={"limit": 500}, channels=CHANNELS)
    url = engine.url.render_as_string(hide_password=False)
    now = datetime.now(SHANGHAI)
    with engine.begin() as conn:
        store.save_articles(conn, [make_article(n, now) for n in range(3)], now=now)
    pid = fork_tick(url, config)
    assert os.waitpid(pid, 0)[1] == 0

    plan = [p for _ in range(KILLS // len(PHASES)) for p in rng.sample(PHASES, len(PHASES))]
    next_id, corrections, attempts = 3, 0, 0
    landed = dict.fromkeys(PHASES, 0)
    for number, phase in enumerate(plan):
        killed = False
        while not killed and attempts < MAX_ATTEMPTS:
            attempts += 1
            with engine.begin() as conn:  # the store keeps receiving articles
                fresh = [make_article(n, now) for n in range(next_id, next_id + rng.randint(1, 2))]
                if rng.random() < 0.3:
                    corrections += 1
                    fresh.append(make_article(rng.randrange(next_id), now, corrections))
                store.save_articles(conn, fresh, now=datetime.now(SHANGHAI))
            next_id += len([a for a in fresh if "更正" not in a.title])
            before = served_files(config.output_dir)
            with engine.connect() as conn:
                generation = store.get_generation(conn).number
            trace = tmp_path / f"trace-{number}-{attempts}.jsonl"
            pid = fork_tick(url, config, kill=_killer(phase, rng), trace=trace)
            _, status = os.waitpid(pid, 0)
            killed = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        assert killed, f"no kill in {phase} after {attempts} ticks"

        check_documents(config.output_dir)
        with engine.connect() as conn:
            committed = store.get_generation(conn).number != generation
            recorded = set(store.published_states(conn))
        steps = read_trace(trace)
        after, temps = served_files(config.output_dir), len(temp_files(config.output_dir))
        seen = _observed_phase(before, after, temps, committed, steps)
        assert seen == phase, (phase, steps[-1])
        landed[seen] += 1
        if phase == "after writes":  # the files hold what the bookkeeping does not yet
            newest = {a.id for a in fresh if "更正" not in a.title}
            in_feed = set(feed_ids(config.output_dir, "all")["feed.json"])
            assert newest <= in_feed and not newest & recorded, newest
    print(f"\n{KILLS} kills in {attempts} ticks; landed: {landed}")
    assert landed == dict.fromkeys(PHASES, KILLS // len(PHASES)), landed

    # The next ordinary tick completes the work.
    with engine.begin() as conn:
        store.save_articles(conn, [make_article(next_id, now)], now=datetime.now(SHANGHAI))
    pid = fork_tick(url, config)
    assert os.waitpid(pid, 0)[1] == 0
    count = check_documents(config.output_dir)
    assert not temp_files(config.output_dir)
    clock = datetime.now(SHANGHAI)
    with engine.connect() as conn:
        due = store.list_due(conn, clock)
        assert set(store.published_states(conn)) == {a.id for a in due}
        assert cluster.local_generation(config.output_dir) == store.get_generation(conn).number
    assert len(due) == next_id + 1
    # Each with its .gz twin: three feeds per channel, the OPML, and every
    # due article's WeChat .html and .json.
    assert count == 2 * (3 * len(config.channels) + 1) + 2 * 2 * len(due)
    for channel in config.channels:
        expected = sorted(a.id for a in due if channel.matches(a))
        assert expected, channel.name
        for fmt, ids in feed_ids(config.output_dir, channel.name).items():
            assert sorted(ids) == expected, (channel.name, fmt)  # each exactly once
        for fmt in ("rss.xml", "atom.xml", "feed.json"):
            plain = config.output_dir / channel.name / fmt
            twin = plain.with_name(fmt + ".gz").read_bytes()
            assert twin == files.gzip_bytes(plain.read_bytes())
    latest = {a.id: a.title for a in due}
    feed = json.loads((config.output_dir / "all" / "feed.json").read_text(encoding="utf-8"))
    assert {i["url"].rsplit("/", 1)[1]: i["title"] for i in feed["items"]} == latest
