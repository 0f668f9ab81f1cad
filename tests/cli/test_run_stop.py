"""SIGTERM stops a real `syndicator run` within 10 s, even in the middle of a long pass.

The scheduler's shutdown used to wait for the pass in progress to end:
a big pass (or one stalled by a hostile article) kept `run` alive long
after SIGTERM, and a supervisor would then SIGKILL it. Now the pass gives
up at its next check (:mod:`syndicator.publish.deadline`), before it has
written anything, so the feeds on disk stay the previous pass's.
"""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from support.paths import SAMPLE_PAGE
from support.processes import LiveServer

from syndicator import store
from syndicator.config import load_config
from syndicator.ingest import ImportOptions, load_file
from syndicator.model import Article, make_article_id
from syndicator.publish.cluster import publish_or_follow

pytestmark = pytest.mark.slow

#: Enough articles that their pass takes far longer than 10 s: about 4 ms
#: each for a WeChat post, feed items and archive pages (3,000 took 11.5 s
#: on the development machine; before the fix, `run` waited for all of it).
ARTICLES = 5_000


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _many(sample: list[Article]) -> list[Article]:
    """The sample page's articles printed again on earlier days, eight a day."""
    out = []
    for number in range(ARTICLES):
        day = date(2016, 1, 1) + timedelta(days=number // len(sample))
        seq = number % len(sample) + 1
        at = datetime.combine(day, datetime.min.time(), sample[0].published_at.tzinfo)
        at += timedelta(hours=6, seconds=seq)
        out.append(
            sample[seq - 1].replace(
                id=make_article_id("zjgrrb", day, 1, seq),
                edition=day,
                seq=seq,
                published_at=at,
                updated_at=at,
            )
        )
    return out


def test_run_stops_within_10s_of_sigterm_mid_pass_keeping_the_last_feeds(
    tmp_path: Path, free_port, write_config_file
) -> None:
    port = free_port()
    config = load_config(write_config_file(tmp_path, port))
    engine = store.create_store_engine(config.store_url)
    try:
        store.init_schema(engine)
        sample = load_file(SAMPLE_PAGE, ImportOptions(tz=config.tz, page=1)).articles
        with store.transaction(engine) as conn:
            store.save_articles(conn, sample, now=datetime.now(config.tz))
        # The last complete pass: the sample page, as `run` or `publish` leaves it.
        publish_or_follow(engine, config, now=datetime.now(config.tz), clean=True)
        before = _snapshot(config.output_dir)
        assert "all/rss.xml" in before
        with store.transaction(engine) as conn:
            store.save_articles(conn, _many(sample), now=datetime.now(config.tz))
    finally:
        engine.dispose()

    # The server answers once granian is up; the first pass started 0.1 s
    # after the scheduler, before granian, and has many seconds to go.
    server = LiveServer(config.path, port, "run")
    time.sleep(1.0)
    assert server.proc.poll() is None
    asked = time.monotonic()
    out = server.stop()
    took = time.monotonic() - asked
    assert took < 10, f"run took {took:.1f}s to stop:\n{out}"
    assert server.proc.returncode == 0, out
    assert "pass stopped while" in out, out  # it was mid-pass, and gave up
    assert "Traceback" not in out, out
    assert _snapshot(config.output_dir) == before
