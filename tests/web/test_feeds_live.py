"""Real clients against a real server process (`syndicator serve`/`run` on loopback).

feedparser fetches every feed and archive page itself; Debian's newsboat
reloads them headless, and Debian's sfeed (sfeed_update: curl, then the
sfeed parser) too; each gets the feed's bytes and the feed's ETag, not
the page a browser gets at the same URL (test_feed_page.py lists the
Accept headers they and other readers send); an aggregator polls with
If-None-Match across passes and restarts; a local WebSub hub counts the
pings of `run`.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import subprocess
import time
import urllib.error
import urllib.request
from datetime import datetime
from email.message import Message
from pathlib import Path

import feedparser
import pytest
from support.paths import DATA

pytestmark = pytest.mark.slow

NOW = "2021-09-02T12:00:00+08:00"
CHANNELS = """
[channels.all]
title = "浙江工人日报"
limit = 5
[channels.economy]
title = "浙江工人日报 · 经济"
section = "经济"
[channels.chengxue]
title = "记者程雪"
author = "程雪"
"""
#: Items per channel once the sample page and tests/data/articles.json are due.
EXPECTED = {"all": 5, "economy": 1, "chengxue": 3}
ARCHIVED = {"all": {"2021-08-30": 8}}
NEWSBOAT = shutil.which("newsboat") or "/usr/bin/newsboat"
SFEED_UPDATE = shutil.which("sfeed_update") or "/usr/bin/sfeed_update"
SFEED = shutil.which("sfeed") or "/usr/bin/sfeed"


@pytest.fixture
def cli(venv_bin, child_env):
    """A function: ``cli(config, *args)`` runs `syndicator`, asserts success, returns stdout."""

    def run(config: Path, *args: str) -> str:
        result = subprocess.run(
            [venv_bin("syndicator"), "--config", str(config), *args],
            env=child_env(),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    return run


@pytest.fixture
def load_and_publish(sample_data):
    """A function: fill a server's store with the sample data and publish it at ``NOW``."""

    def run(config: Path) -> None:
        sample_data.save(config)
        sample_data.publish(config, datetime.fromisoformat(NOW))

    return run


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes, Message]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read(), response.headers
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), exc.headers


def feed_urls(base: str) -> list[str]:
    urls = [
        f"{base}/feeds/{channel}/{name}"
        for channel in EXPECTED
        for name in ("rss.xml", "atom.xml", "feed.json")
    ]
    urls += [
        f"{base}/feeds/{channel}/archive/{day}/{name}"
        for channel, days in ARCHIVED.items()
        for day in days
        for name in ("rss.xml", "atom.xml", "feed.json")
    ]
    return urls


def test_feedparser_reads_every_feed_and_archive_page(
    load_and_publish, feed_problems, live_server
) -> None:
    server = live_server(CHANNELS)
    load_and_publish(server.config_path)
    for url in feed_urls(server.url):
        name = url.rsplit("/", 1)[1]
        archived = "/archive/" in url
        channel = url.split("/feeds/")[1].split("/")[0]
        expected = ARCHIVED[channel][url.split("/")[-2]] if archived else EXPECTED[channel]
        status, body, _headers = get(url)
        assert status == 200, url
        assert feed_problems(name, body) == [], url
        if name == "feed.json":
            # feedparser 6.0 (the newest release) has no JSON Feed parser.
            items = json.loads(body)["items"]
            assert len(items) == expected, url
            assert all(i["date_published"].endswith("+08:00") for i in items)
            continue
        parsed = feedparser.parse(url)  # feedparser does its own HTTP
        assert parsed.bozo == 0, (url, parsed.get("bozo_exception"))
        assert parsed.status == 200
        assert len(parsed.entries) == expected, url
        suffix = "+0800" if name == "rss.xml" else "+08:00"
        for entry in parsed.entries:
            assert entry.published.endswith(suffix), entry.published
            assert entry.id.startswith("tag:zjgrrb.com,")
        if name == "atom.xml":
            assert all(e.updated.endswith("+08:00") for e in parsed.entries)
        rels = {link.rel: link.href for link in parsed.feed.links}
        assert rels["self"] == url
        if archived:
            assert rels["current"] == url.replace(f"archive/{url.split('/')[-2]}/", "")
    opml = feedparser.parse(f"{server.url}/feeds/opml.xml")
    assert opml.status == 200


@pytest.fixture
def newsboat(child_env):
    """A function: ``newsboat(urls, cache, home)`` reloads ``urls`` headless; the unread count."""

    def run(urls: list[str], cache: Path, home: Path) -> int:
        urls_file = cache.with_suffix(".urls")
        urls_file.write_text("\n".join(urls) + "\n", encoding="utf-8")
        env = {**child_env(), "HOME": str(home), "XDG_CONFIG_HOME": str(home), "LANG": "C.UTF-8"}
        result = subprocess.run(
            [
                NEWSBOAT,
                "-u",
                urls_file,
                "-c",
                cache,
                "-C",
                "/dev/null",
                "-x",
                "reload",
                "print-unread",
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        match = re.search(r"(\d+) unread articles?", result.stdout)
        assert match, result.stdout
        return int(match.group(1))

    return run


def _cached(cache: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(cache) as db:
        return db.execute("SELECT guid, title FROM rss_item ORDER BY guid").fetchall()


@pytest.mark.skipif(
    not Path(NEWSBOAT).exists(),
    reason="newsboat missing: run `make test` as root (scripts/system-deps.sh), "
    "or `apt-get install newsboat`",
)
def test_newsboat_gets_every_item_and_no_duplicate_after_a_correction(
    cli, load_and_publish, newsboat, sample_data, live_server, tmp_path
) -> None:
    server = live_server(CHANNELS)
    load_and_publish(server.config_path)
    home = tmp_path / "home"
    home.mkdir()
    caches = {}
    for channel, count in EXPECTED.items():
        for name in ("rss.xml", "atom.xml"):
            cache = tmp_path / f"{channel}-{name}.db"
            url = f"{server.url}/feeds/{channel}/{name}"
            assert newsboat([url], cache, home) == count, url
            caches[(channel, name)] = cache
    # One reader subscribed to everything: newsboat keys items by GUID, and
    # an article's GUID is the same in every channel and format, so it sees
    # each article once: the 5 of "all" and zjgrrb-20210830-01-05 of "chengxue".
    every = [f"{server.url}/feeds/{c}/{n}" for c in EXPECTED for n in ("rss.xml", "atom.xml")]
    assert newsboat(every, tmp_path / "every.db", home) == 6

    # The newsroom corrects a headline; the reader reloads.
    article = json.loads((DATA / "articles.json").read_text(encoding="utf-8"))[1]
    article["title"] = "全省职工职业技能大赛隆重开幕"
    correction = tmp_path / "correction.json"
    correction.write_text(json.dumps(article, ensure_ascii=False), encoding="utf-8")
    cli(server.config_path, "import", str(correction))  # as the newsroom does
    sample_data.publish(server.config_path, datetime.fromisoformat(NOW))
    guid = f"tag:zjgrrb.com,2021-09-01:{article['id']}"
    for (channel, name), cache in caches.items():
        assert newsboat([f"{server.url}/feeds/{channel}/{name}"], cache, home) == EXPECTED[channel]
        if channel in ("all", "chengxue"):
            rows = [row for row in _cached(cache) if row[0] == guid]
            assert rows == [(guid, "全省职工职业技能大赛隆重开幕")], (channel, name)
    assert newsboat(every, tmp_path / "every.db", home) == 6
    assert len({guid for guid, _title in _cached(tmp_path / "every.db")}) == 6


def test_polling_aggregator_gets_304_between_passes_and_across_restarts(
    free_port, local_hub, sample_data, write_config_file, live_server, tmp_path
) -> None:
    """`syndicator run` publishes every second; nothing changes; polls are all 304.

    A local WebSub hub sees exactly one ping per feed: from the first pass,
    none from the passes or restarts that changed nothing.
    """
    hub = local_hub()
    port = free_port()
    extra = CHANNELS + f'[scheduler]\ninterval = 1\n[feeds]\nhubs = ["{hub.url}"]\n'
    config = write_config_file(tmp_path, port, extra)
    sample_data.save(config)
    server = live_server(extra, command="run", port=port)
    urls = feed_urls(server.url)  # every channel, format and archive page
    urls += [f"{server.url}/feeds/opml.xml"]
    deadline = time.monotonic() + 15
    while any(get(u)[0] != 200 for u in urls) and time.monotonic() < deadline:
        time.sleep(0.1)
    gzip = {"Accept-Encoding": "gzip"}  # as aggregators ask
    etags = {}
    for url in urls:
        status, _body, headers = get(url, gzip)
        assert status == 200, url
        assert headers["Content-Encoding"] == "gzip"
        etags[url] = headers["ETag"]
    polls = 0
    for restart in range(3):
        if restart:
            server.stop()
            server = live_server(extra, command="run", port=port)
        for poll in range(2):
            if poll:
                time.sleep(1.1)  # a pass runs between two polls (interval = 1 s)
            for url in urls:
                status, body, headers = get(url, {**gzip, "If-None-Match": etags[url]})
                assert (status, body) == (304, b""), url
                assert headers["ETag"] == etags[url]
                polls += 1
    assert polls == 6 * len(urls)
    output = server.stop()
    assert "Traceback" not in output
    topics = sorted(url for _mode, url in hub.pings)
    assert topics == sorted(
        f"{server.url}/feeds/{c}/{n}"
        for c in EXPECTED
        for n in ("rss.xml", "atom.xml", "feed.json")
    )


@pytest.mark.skipif(
    not Path(NEWSBOAT).exists(),
    reason="newsboat missing: run `make test` as root (scripts/system-deps.sh), "
    "or `apt-get install newsboat`",
)
def test_feedparser_and_newsboat_keep_the_feeds_etag(
    load_and_publish, newsboat, live_server, tmp_path
) -> None:
    """The ETag each reader keeps is the feed's (gzip variant: both ask for gzip),
    and polling with it is a 304: they were given the feed, not the browser's page."""
    server = live_server(CHANNELS)
    load_and_publish(server.config_path)
    home = tmp_path / "home"
    home.mkdir()
    for name in ("rss.xml", "atom.xml"):
        url = f"{server.url}/feeds/all/{name}"
        status, _body, headers = get(url, {"Accept-Encoding": "gzip, deflate"})
        assert status == 200 and headers["Content-Type"].startswith("application/")
        etag = headers["ETag"]
        parsed = feedparser.parse(url)
        assert (parsed.status, parsed.etag, len(parsed.entries)) == (200, etag, EXPECTED["all"])
        assert feedparser.parse(url, etag=parsed.etag).status == 304
        cache = tmp_path / f"newsboat-{name}.db"
        # newsboat keeps a feed's validators from its second reload on; the third polls with them.
        for _reload in range(3):
            assert newsboat([url], cache, home) == EXPECTED["all"]
        with sqlite3.connect(cache) as db:
            kept = db.execute("SELECT etag FROM rss_feed WHERE rssurl = ?", (url,)).fetchone()
        assert kept == (etag,)


def _sfeed_tsv(lines: str) -> set[tuple[str, ...]]:
    """sfeed(5) lines as (timestamp, title, link, id), the fields a reader keys on."""
    rows = set()
    for line in lines.splitlines():
        fields = line.split("\t")
        rows.add((fields[0], fields[1], fields[2], fields[5]))
    return rows


@pytest.mark.skipif(
    not (Path(SFEED_UPDATE).exists() and Path(SFEED).exists()),
    reason="sfeed missing: run `make test` as root (scripts/system-deps.sh), "
    "or `apt-get install sfeed`",
)
def test_sfeed_reads_every_feed_as_written(
    load_and_publish, child_env, live_server, tmp_path
) -> None:
    """sfeed_update fetches with curl (Accept: */*) and parses with sfeed: what it
    keeps is exactly what sfeed makes of the file the pass wrote."""
    server = live_server(CHANNELS)
    load_and_publish(server.config_path)
    names = {
        f"{channel}-{fmt.split('.')[0]}": f"{channel}/{fmt}"
        for channel in EXPECTED
        for fmt in ("rss.xml", "atom.xml")
    }
    names |= {
        f"all-archive-{fmt.split('.')[0]}": f"all/archive/2021-08-30/{fmt}"
        for fmt in ("rss.xml", "atom.xml")
    }
    feeds = "\n".join(
        f'    feed "{name}" "{server.url}/feeds/{path}"' for name, path in names.items()
    )
    rc = tmp_path / "sfeedrc"
    rc.write_text(f'sfeedpath="{tmp_path / "sfeed"}"\nfeeds() {{\n{feeds}\n}}\n', encoding="utf-8")
    result = subprocess.run(
        [SFEED_UPDATE, str(rc)],
        env={**child_env(), "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    output = tmp_path / "feeds"
    for name, path in names.items():
        kept = (tmp_path / "sfeed" / name).read_text(encoding="utf-8")
        direct = subprocess.run(
            [SFEED], input=(output / path).read_bytes(), capture_output=True, check=True
        ).stdout.decode("utf-8")
        assert _sfeed_tsv(kept) == _sfeed_tsv(direct), name
        channel = path.split("/")[0]
        count = ARCHIVED["all"]["2021-08-30"] if "/archive/" in path else EXPECTED[channel]
        assert len(_sfeed_tsv(kept)) == count, name
        assert all(row[2].startswith(f"{server.url}/articles/") for row in _sfeed_tsv(kept)), name
