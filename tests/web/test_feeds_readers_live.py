"""What real feed readers show of the content: page order and corrections.

A `syndicator serve` on loopback serves the sample page (eight articles of
page 1, all due in the same second of 2021-08-30); feedparser, Debian's
newsboat and sfeed (``sfeed_update``, the way its users run it) read the
same URLs before and after the newsroom corrects two of them. Each reader
must keep the paper's order when it sorts by date, and must show the
correction note (更正) afterwards, with the GUID unchanged.
"""

from __future__ import annotations

import calendar
import dataclasses
import json
import shutil
import sqlite3
import subprocess
import urllib.request
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

import feedparser
import pytest
from support.paths import SAMPLE_PAGE
from support.sampledata import SHANGHAI, import_options

from syndicator import store
from syndicator.config import load_config
from syndicator.ingest import load_file
from syndicator.model import Article
from syndicator.publish import run_pass

pytestmark = pytest.mark.slow

PUBLISHED = datetime(2021, 8, 30, 12, 0, tzinfo=SHANGHAI)
CORRECTED = datetime(2021, 8, 30, 15, 20, 30, tzinfo=SHANGHAI)
REPUBLISHED = datetime(2021, 8, 30, 16, 0, tzinfo=SHANGHAI)
#: The articles corrected (page 1's 2nd and 5th), with the seconds the feeds
#: print their times before the edition's (render.times).
FIXED = {"zjgrrb-20210830-01-02": 1, "zjgrrb-20210830-01-05": 4}
#: The note each shows: the minute the correction was made (15:20:30).
NOTE = "更正：本文于2021年8月30日 15:20更正"
FORMATS = ("rss.xml", "atom.xml")
NEWSBOAT = shutil.which("newsboat") or "/usr/bin/newsboat"
SFEED_UPDATE = shutil.which("sfeed_update") or "/usr/bin/sfeed_update"


def _sample(config_path: Path) -> list[Article]:
    config = load_config(config_path)
    return load_file(SAMPLE_PAGE, import_options(config, page=1)).articles


def _save(config_path: Path, articles: list[Article], now: datetime, publish_at: datetime) -> None:
    config = load_config(config_path)
    engine = store.create_store_engine(config.store_url)
    store.init_schema(engine)
    try:
        with store.transaction(engine) as conn:
            store.save_articles(conn, articles, now=now)
        run_pass(engine, config, now=publish_at)
    finally:
        engine.dispose()


def _corrected(article: Article) -> Article:
    """The article with a figure in its first paragraph fixed: title and id unchanged."""
    body = list(article.body)
    i = next(i for i, b in enumerate(body) if b.type == "paragraph")
    body[i] = dataclasses.replace(body[i], text=body[i].text + "（数据已核实）", html=None)
    return article.replace(body=tuple(body))


@pytest.fixture
def site(live_server) -> SimpleNamespace:
    """A server with the sample page published: its ``url``, the ``titles`` in
    page order, and ``correct()``, which saves the two corrections at
    ``CORRECTED`` and publishes again."""
    server = live_server()
    articles = _sample(server.config_path)
    _save(server.config_path, articles, now=PUBLISHED, publish_at=PUBLISHED)

    def correct() -> None:
        fixed = [_corrected(a) for a in articles if a.id in FIXED]
        _save(server.config_path, fixed, now=CORRECTED, publish_at=REPUBLISHED)

    return SimpleNamespace(url=server.url, titles=[a.title for a in articles], correct=correct)


def _feed(url: str) -> feedparser.FeedParserDict:
    parsed = feedparser.parse(url)  # feedparser does its own HTTP
    assert parsed.status == 200 and parsed.bozo == 0, (url, parsed.get("bozo_exception"))
    return parsed


def test_feedparser_keeps_page_order_and_shows_the_correction(site) -> None:
    before = {}
    for name in FORMATS:
        parsed = _feed(f"{site.url}/feeds/all/{name}")
        by_date = sorted(parsed.entries, key=lambda e: e.published_parsed, reverse=True)
        assert [e.title for e in by_date] == site.titles, name
        assert len({e.published_parsed for e in parsed.entries}) == len(site.titles), name
        assert all("更正" not in e.content[0].value for e in parsed.entries)
        before[name] = {e.id: e.link for e in parsed.entries}
    site.correct()
    for name in FORMATS:
        parsed = _feed(f"{site.url}/feeds/all/{name}")
        assert {e.id for e in parsed.entries} == set(before[name])  # the GUIDs stay
        by_date = sorted(parsed.entries, key=lambda e: e.published_parsed, reverse=True)
        assert [e.title for e in by_date] == site.titles, name
        for entry in parsed.entries:
            article_id = entry.id.rsplit(":", 1)[1]
            if article_id not in FIXED:
                assert "更正" not in entry.content[0].value + entry.summary
                assert entry.link == before[name][entry.id]
                continue
            assert NOTE in entry.content[0].value, name
            assert entry.summary.startswith(NOTE), name
            assert "数据已核实" in entry.content[0].value
            # The modification time: Atom <updated>, RSS atom:updated.
            shown = CORRECTED.timestamp() - FIXED[article_id]
            assert calendar.timegm(entry.updated_parsed) == shown, name
            assert entry.link.startswith(before[name][entry.id] + "#corrected-20210830T072030Z")
    with urllib.request.urlopen(f"{site.url}/feeds/all/feed.json", timeout=5) as response:
        items = json.load(response)["items"]
    stamps = [datetime.fromisoformat(i["date_published"]) for i in items]
    assert stamps == sorted(set(stamps), reverse=True) and all(s.microsecond == 0 for s in stamps)
    fixed = {i["id"].rsplit(":", 1)[1]: i for i in items if NOTE in i["content_html"]}
    assert set(fixed) == set(FIXED)
    for article_id, item in fixed.items():
        assert item["summary"].startswith(NOTE)
        modified = datetime.fromisoformat(item["date_modified"])
        assert modified.timestamp() == CORRECTED.timestamp() - FIXED[article_id]


def _newsboat(url: str, cache: Path, home: Path) -> list[tuple[str, str, int, str, str]]:
    """Reload ``url`` headless into ``cache``; its items as newsboat keeps them:
    (guid, title, pubDate, url, content), in newsboat's date order (newest first)."""
    urls = cache.with_suffix(".urls")
    urls.write_text(url + "\n", encoding="utf-8")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8"}
    result = subprocess.run(
        [NEWSBOAT, "-u", urls, "-c", cache, "-C", "/dev/null", "-x", "reload"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    with sqlite3.connect(cache) as db:
        query = "SELECT guid, title, pubDate, url, content FROM rss_item ORDER BY pubDate DESC"
        return db.execute(query).fetchall()


@pytest.mark.skipif(
    not Path(NEWSBOAT).exists(),
    reason="newsboat missing: run `make test` as root (scripts/system-deps.sh), "
    "or `apt-get install newsboat`",
)
def test_newsboat_keeps_page_order_and_shows_the_correction(site, tmp_path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    guids = {}
    for name in FORMATS:
        items = _newsboat(f"{site.url}/feeds/all/{name}", tmp_path / f"{name}.db", home)
        # newsboat keeps whole seconds and lists by them: the page's order survives.
        assert [title for _g, title, *_ in items] == site.titles, name
        assert len({pub for _g, _t, pub, *_ in items}) == len(items), name
        guids[name] = [guid for guid, *_ in items]
    site.correct()
    for name in FORMATS:
        after = _newsboat(f"{site.url}/feeds/all/{name}", tmp_path / f"{name}.db", home)
        assert [guid for guid, *_ in after] == guids[name], name  # the same items, none twice
        notes = {guid.rsplit(":", 1)[1] for guid, *_rest, content in after if NOTE in content}
        assert notes == set(FIXED), name


def _sfeed(urls: dict[str, str], home: Path) -> dict[str, list[list[str]]]:
    """``sfeed_update`` as its users run it; each feed's TSV lines, as sfeed keeps them."""
    feeds = home / "feeds"
    rc = home / "sfeedrc"
    lines = [f'sfeedpath="{feeds}"', "feeds() {"]
    lines += [f'\tfeed "{name}" "{url}"' for name, url in urls.items()]
    rc.write_text("\n".join([*lines, "}"]) + "\n", encoding="utf-8")
    result = subprocess.run(
        [SFEED_UPDATE, str(rc)],
        env={"PATH": "/usr/bin:/bin", "HOME": str(home), "LC_ALL": "C.UTF-8"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return {
        name: [line.split("\t") for line in (feeds / name).read_text("utf-8").splitlines()]
        for name in urls
    }


@pytest.mark.skipif(
    not (Path(SFEED_UPDATE).exists() and shutil.which("curl")),
    reason="sfeed or curl missing: run `make test` as root (scripts/system-deps.sh), "
    "or `apt-get install sfeed curl`",
)
def test_sfeed_keeps_page_order_and_gets_the_corrected_text(site, tmp_path) -> None:
    """sfeed merges the new lines with those it kept by (id, title, link),
    keeping the old line of a match: only a changed link brings it the new text."""
    home = tmp_path / "sfeed"
    home.mkdir()
    urls = {name.split(".")[0]: f"{site.url}/feeds/all/{name}" for name in FORMATS}
    kept = _sfeed(urls, home)
    for name, rows in kept.items():
        # TSV fields: timestamp, title, link, content, content-type, id, ...
        assert [row[1] for row in rows] == site.titles, name  # sfeed_update's date order
        assert len({row[0] for row in rows}) == len(rows), name
    site.correct()
    merged = _sfeed(urls, home)
    for name, rows in merged.items():
        fixed = [row for row in rows if row[5].rsplit(":", 1)[1] in FIXED]
        # The line it had, and the corrected one beside it: same id and title.
        assert len(fixed) == 2 * len(FIXED), name
        new = [row for row in fixed if NOTE in row[3]]
        assert len(new) == len(FIXED), name
        assert all("#corrected-" in row[2] and "数据已核实" in row[3] for row in new)
        assert len(rows) == len(site.titles) + len(FIXED)
        # Still in the paper's order: a correction does not move the item.
        titles = list(dict.fromkeys(row[1] for row in rows))
        assert titles == site.titles, name
