"""No step of a pass grows faster than the article: many tags and authors cost each their share.

A pass once spent 7.7 s on one article of 8,000 tags: feedgen rebuilds
its whole list of categories (and of authors) at every call that adds
one, so adding them one at a time was quadratic. Time is measured in
``bench/bench_items.py``; here the work is counted: one call per entry,
whatever the number of tags, and every tag and author still comes out,
once each, in order.
"""

from __future__ import annotations

import itertools
from datetime import timedelta

import feedparser
import pytest
from feedgen.entry import FeedEntry

from syndicator import store
from syndicator.model import Author
from syndicator.publish import run_pass
from syndicator.render.wechat.post import wechat_author

MANY = 2_000


@pytest.fixture
def crowded(articles, engine):
    """The first sample article with ``MANY`` tags and authors, saved and due."""
    article = articles[0].replace(
        section="要闻",
        tags=(*(f"标签{i}" for i in range(MANY)), "要闻"),
        authors=tuple(Author(f"作者{i}", "记者") for i in range(MANY)),
    )
    with store.transaction(engine) as conn:
        store.save_articles(conn, [article], now=article.published_at)
    return article


def test_pass_hands_feedgen_each_list_in_one_call(crowded, engine, config, monkeypatch) -> None:
    calls = {"category": 0, "author": 0}
    for name in calls:
        original = getattr(FeedEntry, name)

        def counting(self, *args, _name=name, _original=original, **kwargs):
            if args or kwargs:
                calls[_name] += 1
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(FeedEntry, name, counting)
    report = run_pass(engine, config, now=crowded.published_at + timedelta(minutes=1))
    assert report.added == [crowded.id]
    # One RSS and one Atom entry for the one article, in the one channel.
    assert calls == {"category": 2, "author": 2}


def test_pass_keeps_every_tag_and_author_once_in_order(crowded, engine, config) -> None:
    run_pass(engine, config, now=crowded.published_at + timedelta(minutes=1))
    for fmt in ("rss.xml", "atom.xml"):
        [entry] = feedparser.parse((config.output_dir / "all" / fmt).read_bytes()).entries
        terms = [t["term"] for t in entry.tags]
        assert terms == ["要闻", *(f"标签{i}" for i in range(MANY))]
    [entry] = feedparser.parse((config.output_dir / "all" / "atom.xml").read_bytes()).entries
    assert [a["name"] for a in entry.authors] == [f"作者{i}" for i in range(MANY)]


def _fitting(names: list[str], limit: int) -> str:
    """The author field as first written: every prefix tried, longest first."""
    if not names or len("、".join(names)) <= limit:
        return "、".join(names)
    for count in range(len(names) - 1, 0, -1):
        candidate = "、".join(names[:count]) + "等"
        if len(candidate) <= limit:
            return candidate
    return names[0]


@pytest.mark.parametrize("limit", [1, 3, 4, 8, 16])
def test_wechat_author_keeps_the_longest_prefix_that_fits(articles, limit) -> None:
    pool = ["王", "李四", "张小三", "欧阳修文", "司马相如君"]
    for count in range(1, 5):
        for names in itertools.product(pool, repeat=count):
            unique = list(dict.fromkeys(names))
            article = articles[0].replace(authors=tuple(Author(n) for n in names))
            assert wechat_author(article, limit) == _fitting(unique, limit), (names, limit)


def test_wechat_author_of_many_names_is_the_first_that_fit(articles) -> None:
    article = articles[0].replace(authors=tuple(Author(f"人{i}") for i in range(MANY)))
    assert wechat_author(article, 8) == "人0、人1等"
