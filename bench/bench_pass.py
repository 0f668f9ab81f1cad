"""Target 3: the pass for one new article, in a store of 100,000 against one of 1,000.

Each store is filled with synthetic editions of 50 articles (20 of them;
2,000), published once (the full pass is timed too, for information), and
then gets one new article at a time: the pass that publishes it is timed,
``reps`` times, and the medians of the two stores give the ratio. Three
channels (``all`` and two sections) keep the big store's archive (about
6,000 pages) and its WeChat files within a few gigabytes.
"""

from __future__ import annotations

import statistics
import time
from datetime import datetime, timedelta
from pathlib import Path

import procs
import synth
from sites import make_site
from table import Row

from syndicator import store
from syndicator.publish import run_pass


def _store_pass_times(root: Path, editions: int, per_edition: int, reps: int) -> dict:
    site = make_site(root, procs.free_port(), channels=3)
    config = site.config
    last_day = synth.edition_day(editions - 1)
    now = datetime.combine(last_day, datetime.min.time(), synth.SHANGHAI) + timedelta(hours=12)
    engine = synth.open_store(config)
    try:
        started = time.perf_counter()
        synth.fill_store(engine, synth.synthetic_articles(editions, per_edition), now=now)
        filled = time.perf_counter() - started
        started = time.perf_counter()
        run_pass(engine, config, now=now)
        full = time.perf_counter() - started
        times = []
        for rep in range(reps):
            now += timedelta(minutes=1)
            article = synth.synthetic_article(
                last_day + timedelta(days=1), rep, published_at=now - timedelta(seconds=1)
            )
            with store.transaction(engine) as conn:
                store.save_articles(conn, [article], now=now)
            started = time.perf_counter()
            report = run_pass(engine, config, now=now)
            times.append(time.perf_counter() - started)
            assert report.added == [article.id], report.added
    finally:
        engine.dispose()
    return {"fill": filled, "full": full, "pass": statistics.median(times)}


def measure(tmp: Path, *, big: int = 100_000, reps: int = 5) -> list[Row]:
    # The same paper in both: 50 articles an edition, 20 editions or 2,000,
    # so archive pages are alike and only the store's size differs.
    small = _store_pass_times(tmp / "small", 20, 50, reps)
    large_editions = 2000 if big >= 100_000 else big // 50
    large = _store_pass_times(tmp / "large", large_editions, big // large_editions, reps)
    return [
        Row(
            f"3 incremental: 1 new in {big:,}",
            large["pass"] * 1000,
            small["pass"] * 1000,
            "ms",
            2.0,
            False,
            f"pass for one new article, {big:,} vs 1,000 articles, median of {reps}; "
            f"full first pass {large['full']:.1f}s vs {small['full']:.2f}s, "
            f"filling the store {large['fill']:.1f}s",
        )
    ]
