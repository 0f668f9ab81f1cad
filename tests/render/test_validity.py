"""Every channel and archive page of the sample data validates in every format.

The sample page (8 articles, 2021-08-30) and tests/data/articles.json (three
more, with sections, tags and an image, on 2021-09-01 and 09-02) are
published through several channels with small limits, so that channels
have archive pages. Each document is checked against the Atom RELAX NG
schema of RFC 4287, a JSON Schema of JSON Feed 1.1, or the RSS 2.0
specification's required elements (tests/support/feedcheck.py).
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from lxml import etree
from support.paths import SAMPLE_PAGE
from support.sampledata import SHANGHAI

from syndicator import store
from syndicator.ingest import load_file
from syndicator.publish import run_pass

NOW = datetime(2021, 9, 2, 12, 0, tzinfo=SHANGHAI)
CHANNELS = {
    "all": {"title": "浙江工人日报", "limit": 2},
    "yaowen": {"title": "浙江工人日报 · 要闻", "section": "要闻"},
    "projects": {"title": "重大项目", "tag": "重大项目"},
    "chengxue": {"title": "记者程雪", "author": "程雪", "limit": 1},
    "page1": {"title": "第1版", "page": 1, "limit": 3},
}
FILES = ("rss.xml", "atom.xml", "feed.json")


@pytest.fixture(scope="module")
def site(tmp_path_factory, make_config, import_options, load_articles):
    """The sample page and tests/data/articles.json published through ``CHANNELS``."""
    config = make_config(
        tmp_path_factory.mktemp("site"),
        channels=CHANNELS,
        site={"logo": "http://127.0.0.1:8080/static/logo.png"},
        feeds={"hubs": ["http://127.0.0.1:9/hub"]},
    )
    engine = store.create_store_engine(config.store_url)
    store.init_schema(engine)
    sample = load_file(SAMPLE_PAGE, import_options(config, page=1))
    with engine.begin() as conn:
        store.save_edition(conn, sample.edition)
        store.save_articles(conn, [*sample.articles, *load_articles()], now=NOW)
    run_pass(engine, config, now=NOW)
    yield config
    engine.dispose()


def documents(config) -> list[Path]:
    return sorted(p for name in FILES for p in config.output_dir.rglob(name))


def _ids(path: Path) -> list[str]:
    if path.name == "feed.json":
        return [i["id"] for i in json.loads(path.read_bytes())["items"]]
    root = etree.fromstring(path.read_bytes())
    if path.name == "rss.xml":
        return [g.text for g in root.iter("guid")]
    return [e.text for e in root.iter("{http://www.w3.org/2005/Atom}id")][1:]


def test_every_document_of_every_channel_validates(feed_problems, site) -> None:
    docs = documents(site)
    archives = [p for p in docs if "archive" in p.parts]
    assert len(docs) == 3 * len(CHANNELS) + len(archives)
    assert {p.parent.parent.parent.name for p in archives} == {"all", "chengxue", "page1"}
    failures = {}
    for path in docs:
        problems = feed_problems(path.name, path.read_bytes())
        if problems:
            failures[str(path.relative_to(site.output_dir))] = problems
    assert not failures, failures


def test_archive_pages_carry_history_links_and_all_items_stay_reachable(articles, site) -> None:
    from syndicator.model import sort_for_feed

    everything = {a.id: a for a in articles}
    for name, channel in ((c.name, c) for c in site.channels):
        root = site.output_dir / name
        for fmt in FILES:
            reachable = set(_ids(root / fmt))
            for page in sorted((root / "archive").glob(f"*/{fmt}")):
                reachable |= set(_ids(page))
                if fmt == "feed.json":
                    doc = json.loads(page.read_bytes())
                    # Final only at the chain's empty end; a correction rewrites a day's page.
                    assert doc.get("expired", False) is (page.parent.name == "start")
                    assert doc["feed_url"].endswith(
                        f"/feeds/{name}/archive/{page.parent.name}/{fmt}"
                    )
                    continue
                tree = etree.fromstring(page.read_bytes())
                assert tree.xpath(
                    "//fh:archive", namespaces={"fh": "http://purl.org/syndication/history/1.0"}
                )
                rels = {
                    link.get("rel"): link.get("href")
                    for link in tree.iter("{http://www.w3.org/2005/Atom}link")
                }
                assert rels["current"] == f"{site.site.base_url}/feeds/{name}/{fmt}"
                assert rels["self"].endswith(f"/archive/{page.parent.name}/{fmt}")
                assert "hub" not in rels  # no hub is ever pinged for an archive page
            due = [a for a in everything.values() if channel.matches(a) and a.published_at <= NOW]
            wanted = {f"tag:zjgrrb.com,{a.edition}:{a.id}" for a in sort_for_feed(due)}
            assert wanted <= reachable, (name, fmt)


def test_prev_archive_chain_walks_from_current_to_the_oldest_page(site) -> None:
    """An RFC 5005 client follows prev-archive from the subscription document."""
    root = site.output_dir / "all"
    pages = sorted(p.name for p in (root / "archive").iterdir() if p.is_dir())
    assert pages == ["2021-08-30", "2021-09-01", "start"]
    seen = []
    doc = json.loads((root / "feed.json").read_bytes())
    while "next_url" in doc:
        key = doc["next_url"].split("/archive/")[1].split("/")[0]
        seen.append(key)
        doc = json.loads((root / "archive" / key / "feed.json").read_bytes())
    assert seen == ["2021-09-01", "2021-08-30", "start"]  # the empty origin ends the chain
    assert doc["items"] == []
    atom = etree.fromstring((root / "archive" / "2021-08-30" / "atom.xml").read_bytes())
    rels = {link.get("rel"): link.get("href") for link in atom.iter(f"{{{ATOM}}}link")}
    assert rels["prev-archive"].endswith("/feeds/all/archive/start/atom.xml")
    assert rels["next-archive"].endswith("/feeds/all/archive/2021-09-01/atom.xml")
    # Every archive page links on, so a client can tell the chain is whole.
    for page in (root.parent).glob("*/archive/*/atom.xml"):
        rels = {
            link.get("rel") for link in etree.fromstring(page.read_bytes()).iter(f"{{{ATOM}}}link")
        }
        assert rels & {"prev-archive", "next-archive"}, page


ATOM = "http://www.w3.org/2005/Atom"


def test_documents_stay_well_under_one_megabyte(site) -> None:
    sizes = {str(p.relative_to(site.output_dir)): p.stat().st_size for p in documents(site)}
    assert max(sizes.values()) < 100_000, sizes


def test_validators_reject_broken_documents(feed_problems, site) -> None:
    """The checks are not vacuous: each catches a missing required element."""
    atom = (site.output_dir / "all" / "atom.xml").read_bytes()
    assert feed_problems("atom.xml", atom) == []
    broken = atom.replace(b"<id>http://127.0.0.1:8080/feeds/all/atom.xml</id>", b"", 1)
    assert feed_problems("atom.xml", broken)
    rss = (site.output_dir / "all" / "rss.xml").read_bytes()
    assert feed_problems("rss.xml", rss) == []
    assert feed_problems(
        "rss.xml",
        rss.replace(b"<description>", b"<summary>", 1).replace(b"</description>", b"</summary>", 1),
    )
    assert feed_problems("rss.xml", rss.replace(b"+0800</pubDate>", b"GMT</pubDate>", 1))
    feed = json.loads((site.output_dir / "all" / "feed.json").read_bytes())
    assert feed_problems("feed.json", json.dumps(feed).encode()) == []
    del feed["items"][0]["content_html"]
    assert feed_problems("feed.json", json.dumps(feed).encode())


def test_only_subscription_documents_carry_polling_hints(site) -> None:
    """ttl and sy:updatePeriod say how often to poll: right for a channel's
    feed, wrong for an archive page that is cached for days."""
    sy = "{http://purl.org/rss/1.0/modules/syndication/}"
    for path in site.output_dir.rglob("rss.xml"):
        channel = etree.fromstring(path.read_bytes()).find("channel")
        hints = [channel.find("ttl"), channel.find(f"{sy}updatePeriod")]
        if "archive" in path.parts:
            assert hints == [None, None], path
        else:
            assert all(h is not None for h in hints), path
