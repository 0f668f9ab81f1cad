"""Issue 13: a pass costs the same per tag and per author whether an article has 100 or 10,000.

Each row publishes 10,000 tags and 10,000 authors in all, spread over
articles of N each: 100 articles of 100, 10 of 1,000, one of 10,000. A
step that is linear in an article's size costs the same in every row; a
quadratic one (feedgen's category list rebuilt at each tag took a pass of
8,000 tags to 7.7 s) costs 100 times as much per item in the last row as
in the first. The cost of an item is the pass's time minus the time of
the same pass over the same articles without tags and authors, divided
by the items; each is the best of ``rounds`` passes over a fresh store
and output directory, the whole pass (store, plan, every feed format,
archive pages, WeChat files, writing).

The articles are saved through the store, below the import limits
(:mod:`syndicator.model.limits` allow 100 of each): the limits keep
input small, and this keeps the pass linear for whatever is in a store
(saved before the limits, or under raised ones).
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from pathlib import Path

import procs
import synth
from sites import make_site
from table import Row

from syndicator import store
from syndicator.model import Author
from syndicator.publish import run_pass

TOTAL = 10_000
SIZES = (100, 1_000, 10_000)


def _pass_seconds(root: Path, per_article: int, with_items: bool) -> float:
    """One pass over ``TOTAL // per_article`` articles, fresh store and output."""
    site = make_site(root, procs.free_port(), channels=1)
    config = site.config
    day = synth.edition_day(0)
    now = datetime.combine(day, datetime.min.time(), synth.SHANGHAI) + timedelta(hours=12)
    articles = []
    for number in range(TOTAL // per_article):
        article = synth.synthetic_article(day, number, published_at=now - timedelta(minutes=1))
        if with_items:
            article = article.replace(
                tags=tuple(f"标签{i}" for i in range(per_article)),
                authors=tuple(Author(f"作者{i}", "记者") for i in range(per_article)),
            )
        articles.append(article)
    engine = synth.open_store(config)
    try:
        with store.transaction(engine) as conn:
            store.save_articles(conn, articles, now=now)
        started = time.perf_counter()
        run_pass(engine, config, now=now)
        return time.perf_counter() - started
    finally:
        engine.dispose()


def _cost_per_item(tmp: Path, per_article: int, rounds: int) -> tuple[float, float, float]:
    """Microseconds per tag or author; and the best passes with and without, in seconds."""
    best = {True: float("inf"), False: float("inf")}
    for r in range(rounds):
        for with_items in (False, True):
            root = tmp / f"n{per_article}-{r}-{int(with_items)}"
            best[with_items] = min(best[with_items], _pass_seconds(root, per_article, with_items))
    return (best[True] - best[False]) / (2 * TOTAL) * 1e6, best[True], best[False]


def measure(tmp: Path, *, rounds: int = 5) -> list[Row]:
    costs = {n: _cost_per_item(tmp, n, rounds) for n in SIZES}
    reference = costs[SIZES[0]][0]
    rows = []
    for n in SIZES:
        cost, with_items, without = costs[n]
        rows.append(
            Row(
                f"13 items: {n:,} tags+authors an article",
                cost,
                reference,
                "µs/item",
                1.2,
                False,
                f"{TOTAL // n:,} article(s) of {n:,} tags and {n:,} authors:"
                f" pass {with_items:.2f}s, {without:.2f}s without them; best of {rounds},"
                " per item against"
                f" {SIZES[0]} an article",
            )
        )
    return rows
