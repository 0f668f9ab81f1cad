"""Passes run in a forked child that can SIGKILL itself at a chosen step.

The fault tests need a real process killed by a real SIGKILL at a known
place in the pass: in the middle of renaming the files, between the last
file and the commit. A kill timed from outside mostly lands before any
file is touched (a pass is rendering for most of its life), so the child
kills *itself*, from an observer of :mod:`syndicator.checkpoints`, and
first appends the step to a trace file, which the parent reads to learn
where it died.
"""

from __future__ import annotations

import gzip
import json
import os
import signal
import warnings
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from lxml import etree

from support.sampledata import SHANGHAI
from syndicator import store
from syndicator.model import Article, Block
from syndicator.publish import checkpoints, cluster

SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)
CHANNELS = {"yaowen": {"section": "要闻"}, "page2": {"page": 2}}

#: ``kill(point, info)``: whether the child should die at this step.
Kill = Callable[[str, dict[str, Any]], bool]


def make_article(n: int, now: datetime, corrected: int = 0) -> Article:
    """Article ``n``, due a few minutes before ``now``; a correction when ``corrected``."""
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


def tick(url: str, config) -> cluster.Outcome:
    """One tick, exactly as the scheduler runs it."""
    engine = store.create_store_engine(url)
    try:
        return cluster.publish_or_follow(
            engine,
            config,
            now=datetime.now(SHANGHAI),
            instance=f"tick:{os.getpid()}",
            wait=10.0,
            follow=False,
            clean=True,
        )
    finally:
        engine.dispose()


def fork_tick(url: str, config, *, kill: Kill | None = None, trace: Path | None = None) -> int:
    """Fork a child that runs one tick and exits; returns its pid.

    :param kill: asked at every step; ``True`` makes the child SIGKILL itself there.
    :param trace: a file the child appends each step to (one JSON
        ``[point, info]`` a line) before it is asked, so the last line is
        where a killed child died.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # fork with threads (3.12+)
        pid = os.fork()
    if pid:
        return pid
    code = 0  # pragma: no cover - the child, from here on
    try:

        def observe(point: str, info: dict[str, Any]) -> None:
            if trace is not None:
                line = json.dumps([point, info]) + "\n"
                fd = os.open(trace, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
                try:
                    os.write(fd, line.encode())
                finally:
                    os.close(fd)
            if kill is not None and kill(point, info):
                os.kill(os.getpid(), signal.SIGKILL)

        with checkpoints.observing(observe):
            tick(url, config)
    except BaseException:
        code = 1
    os._exit(code)


def read_trace(trace: Path) -> list[tuple[str, dict[str, Any]]]:
    if not trace.exists():
        return []
    return [tuple(json.loads(line)) for line in trace.read_text().splitlines()]  # type: ignore[misc]


def served_files(root: Path) -> dict[Path, int]:
    """The files a reader can get (not hidden, not temporary), with their inodes.

    Every rename into place gives a path a new inode, even when the bytes
    are the same, so comparing inodes counts the renames a pass made.
    """
    return {
        p: p.stat().st_ino
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.name.startswith(".")
    }


def temp_files(root: Path) -> list[Path]:
    return sorted(root.rglob(".*.tmp"))


def check_documents(root: Path) -> int:
    """Every file served from ``root`` is a complete, valid document; returns how many."""
    count = 0
    for path in served_files(root):
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
            assert root_tag.rsplit("}", 1)[-1] in {"rss", "feed", "opml"}, path
        count += 1
    return count


def feed_ids(root: Path, channel: str) -> dict[str, list[str]]:
    """The article ids in each of a channel's three feeds, in feed order."""
    out = {}
    feed = json.loads((root / channel / "feed.json").read_text(encoding="utf-8"))
    out["feed.json"] = [item["url"].rsplit("/", 1)[1] for item in feed["items"]]
    rss = etree.fromstring((root / channel / "rss.xml").read_bytes(), SAFE_PARSER)
    out["rss.xml"] = [g.text.rsplit(":", 1)[1] for g in rss.iter("guid")]
    atom = etree.fromstring((root / channel / "atom.xml").read_bytes(), SAFE_PARSER)
    ns = "{http://www.w3.org/2005/Atom}"
    out["atom.xml"] = [e.findtext(f"{ns}id").rsplit(":", 1)[1] for e in atom.iter(f"{ns}entry")]
    return out
