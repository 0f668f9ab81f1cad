"""Passes killed with SIGKILL at random points while articles keep arriving.

A forked child runs one real tick (``cluster.publish_or_follow``: locks,
marker, pass, bookkeeping) against the store; the parent kills it after a
random delay drawn over the length of an uninterrupted tick, so the kill
lands anywhere: while connecting, rendering, between the renames of a
feed and its ``.gz`` twin, before or after the commit. Between kills new
articles arrive and earlier ones are corrected. After every kill each
file in the output dir must be a complete document; after the twentieth,
one ordinary tick must leave every due article in each of its feeds
exactly once.
"""

from __future__ import annotations

import gzip
import json
import os
import random
import signal
import time
import warnings
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from conftest import SHANGHAI, make_config
from lxml import etree

from syndicator import cluster, files, store
from syndicator.model import Article, Block

pytestmark = pytest.mark.slow

KILLS = 20
MAX_ATTEMPTS = 80
SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)
CHANNELS = {"yaowen": {"section": "要闻"}, "page2": {"page": 2}}


@pytest.fixture
def engine(store_engine):
    return store_engine


def _article(n: int, now: datetime, corrected: int = 0) -> Article:
    published = now - timedelta(minutes=5) + timedelta(seconds=n)
    suffix = f"（更正{corrected}）" if corrected else ""
    return Article(
        id=f"zjgrrb-20210901-{1 + n % 2:02d}-{n:02d}",
        edition=published.date(),
        title=f"第{n}篇稿件{suffix}",
        published_at=published,
        updated_at=published + timedelta(seconds=corrected),
        page=1 + n % 2,
        seq=n,
        section="要闻" if n % 3 else "经济",
        body=(Block("paragraph", text=f"第{n}篇的正文。" * 20 + suffix),),
    )


def _tick(url: str, config) -> None:
    """The child: one tick, exactly as the scheduler runs it, then exit."""
    engine = store.create_store_engine(url)
    cluster.publish_or_follow(
        engine,
        config,
        now=datetime.now(SHANGHAI),
        instance=f"child:{os.getpid()}",
        wait=10.0,
        follow=False,
        clean=True,
    )
    engine.dispose()


def _fork_tick(url: str, config) -> int:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # fork with threads (3.12+)
        pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 0
        try:
            _tick(url, config)
        except BaseException:
            code = 1
        os._exit(code)
    return pid


def _check_documents(root: Path) -> int:
    """Every file served from ``root`` is a complete, valid document."""
    count = 0
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.name.startswith("."):
            continue
        data = path.read_bytes()
        name = path.name
        if name.endswith(".gz"):
            data = gzip.decompress(data)  # a torn .gz fails here
            name = name[:-3]
        if name.endswith(".json") and path.parent.name == "wechat":
            assert json.loads(data)["content"].endswith("</section>"), path
        elif name.endswith(".json"):
            assert isinstance(json.loads(data)["items"], list), path
        elif name.endswith(".html"):  # a WeChat fragment: one whole <section>
            text = data.decode("utf-8")
            assert text.startswith("<section") and text.endswith("</section>"), path
        else:
            root_tag = etree.fromstring(data, SAFE_PARSER).tag
            assert root_tag.rsplit("}", 1)[-1] in {"rss", "feed", "opml", "stylesheet"}, path
        count += 1
    return count


def _ids(root: Path, channel: str) -> dict[str, list[str]]:
    out = {}
    feed = json.loads((root / channel / "feed.json").read_text(encoding="utf-8"))
    out["feed.json"] = [item["url"].rsplit("/", 1)[1] for item in feed["items"]]
    rss = etree.fromstring((root / channel / "rss.xml").read_bytes(), SAFE_PARSER)
    out["rss.xml"] = [g.text.rsplit(":", 1)[1] for g in rss.iter("guid")]
    atom = etree.fromstring((root / channel / "atom.xml").read_bytes(), SAFE_PARSER)
    ns = "{http://www.w3.org/2005/Atom}"
    out["atom.xml"] = [e.findtext(f"{ns}id").rsplit(":", 1)[1] for e in atom.iter(f"{ns}entry")]
    return out


def test_pass_killed_at_random_points_loses_and_duplicates_nothing(engine, tmp_path) -> None:
    rng = random.Random(int(os.environ.get("SYNDICATOR_FAULT_SEED", "0")) or None)
    config = make_config(tmp_path, feeds={"limit": 500}, channels=CHANNELS)
    url = engine.url.render_as_string(hide_password=False)
    now = datetime.now(SHANGHAI)
    with engine.begin() as conn:
        store.save_articles(conn, [_article(n, now) for n in range(3)], now=now)

    # How long one uninterrupted tick takes here: the kills are drawn over it.
    samples = []
    for _ in range(3):
        started = time.monotonic()
        pid = _fork_tick(url, config)
        assert os.waitpid(pid, 0)[1] == 0
        samples.append(time.monotonic() - started)
    horizon = max(samples)

    next_id, corrections, kills, attempts = 3, 0, 0, 0
    landed: dict[str, int] = {}
    while kills < KILLS and attempts < MAX_ATTEMPTS:
        attempts += 1
        with engine.begin() as conn:  # the store keeps receiving articles
            fresh = [_article(n, now) for n in range(next_id, next_id + rng.randint(1, 2))]
            if rng.random() < 0.3:
                corrections += 1
                fresh.append(_article(rng.randrange(next_id), now, corrected=corrections))
            store.save_articles(conn, fresh, now=datetime.now(SHANGHAI))
        next_id += len([a for a in fresh if "更正" not in a.title])
        before = {p: p.read_bytes() for p in config.output_dir.rglob("*.xml")}
        with engine.connect() as conn:
            generation = store.get_generation(conn).number
        pid = _fork_tick(url, config)
        time.sleep(rng.uniform(0, horizon))
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        if not os.WIFSIGNALED(status):
            continue  # the tick finished before the kill: not one of the twenty
        kills += 1
        _check_documents(config.output_dir)
        replaced = sum(1 for p, data in before.items() if p.read_bytes() != data)
        with engine.connect() as conn:
            committed = store.get_generation(conn).number != generation
        point = "after commit" if committed else ("mid-write" if replaced else "before writing")
        landed[point] = landed.get(point, 0) + 1
    assert kills == KILLS, f"only {kills} of {attempts} kills landed inside a tick"
    print(f"\n{kills} kills in {attempts} ticks of ~{horizon:.3f}s; landed: {landed}")

    # The next ordinary tick completes the work.
    with engine.begin() as conn:
        store.save_articles(conn, [_article(next_id, now)], now=datetime.now(SHANGHAI))
    pid = _fork_tick(url, config)
    assert os.waitpid(pid, 0)[1] == 0
    count = _check_documents(config.output_dir)
    assert not list(config.output_dir.rglob(".*.tmp"))
    clock = datetime.now(SHANGHAI)
    with engine.connect() as conn:
        due = store.list_due(conn, clock)
        assert set(store.published_states(conn)) == {a.id for a in due}
        assert cluster.local_generation(config.output_dir) == store.get_generation(conn).number
    assert len(due) == next_id + 1
    # Each with its .gz twin: three feeds per channel, the OPML and the XSL,
    # and every due article's WeChat .html and .json.
    assert count == 2 * (3 * len(config.channels) + 2) + 2 * 2 * len(due)
    for channel in config.channels:
        expected = sorted(a.id for a in due if channel.matches(a))
        assert expected, channel.name
        for fmt, ids in _ids(config.output_dir, channel.name).items():
            assert sorted(ids) == expected, (channel.name, fmt)  # each exactly once
        for fmt in ("rss.xml", "atom.xml", "feed.json"):
            plain = config.output_dir / channel.name / fmt
            twin = plain.with_name(fmt + ".gz").read_bytes()
            assert twin == files.gzip_bytes(plain.read_bytes())
    latest = {a.id: a.title for a in due}
    feed = json.loads((config.output_dir / "all" / "feed.json").read_text(encoding="utf-8"))
    assert {i["url"].rsplit("/", 1)[1]: i["title"] for i in feed["items"]} == latest
