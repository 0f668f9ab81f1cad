"""A feed opened in Chromium with XSLT switched off: a readable page, at 375 and 1280 px.

``--disable-features=XSLT`` is what Chrome ships from version 155 on (and
what Firefox and WebKit plan): no ``XSLTProcessor``, no
``<?xml-stylesheet?>``. The feed's URL answers the browser's navigation
with the page of web/feedpage.py; the same URL fetched by a script (a
web-based feed reader, another origin) is the feed, readable through CORS.
Screenshots of every page at both widths, and of the raw feed Chromium
would show without the page, land in the module's directory (kept by
pytest with the test run's tmp dirs); at neither width may a page scroll
sideways.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from support.paths import SAMPLE_PAGE
from support.processes import CHROMIUM, CHROMIUM_ARGS
from support.sampledata import SHANGHAI
from werkzeug.serving import make_server

from syndicator import store
from syndicator.ingest import load_file
from syndicator.publish import run_pass
from syndicator.web import create_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NOW = datetime(2021, 9, 2, 12, 0, tzinfo=SHANGHAI)
WIDTHS = (375, 1280)
CURRENT = [
    "明天才发布的稿件",
    "全省职工技能大赛开幕",
    "杭州湾新区一批重大项目集中开工",
    "我省公布一批数字化改革“硬核”成果",
]


@dataclass
class Site:
    url: str
    shots: Path


@pytest.fixture(scope="module")
def site(tmp_path_factory, make_config, import_options, load_articles, free_port) -> Iterator[Site]:
    """The sample page and tests/data/articles.json, served by the app (fast path and all)."""
    root = tmp_path_factory.mktemp("feed-page")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    config = make_config(
        root,
        site={"base_url": url},
        channels={"all": {"title": "浙江工人日报", "limit": 4}},
        feeds={"hubs": ["https://pubsubhubbub.appspot.com/"]},
    )
    engine = store.create_store_engine(config.store_url)
    store.init_schema(engine)
    sample = load_file(SAMPLE_PAGE, import_options(config, page=1))
    with store.transaction(engine) as conn:
        store.save_edition(conn, sample.edition)
        store.save_articles(conn, [*sample.articles, *load_articles()], now=NOW)
    run_pass(engine, config, now=NOW)
    engine.dispose()
    server = make_server("127.0.0.1", port, create_app(config), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    shots = root / "screenshots"
    shots.mkdir()
    try:
        yield Site(url, shots)
    finally:
        server.shutdown()


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium with XSLT switched off, as Chrome ships it from 155 on."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} missing: run `make test` as root, or `apt-get install chromium`")
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="install the test extras: pip install -e '.[test]'"
    )
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[*CHROMIUM_ARGS, "--disable-features=XSLT"],
        )
        try:
            yield chromium
        finally:
            chromium.close()


def _no_sideways_scroll(page, what: str) -> None:
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
    assert scroll <= inner, f"{what} is {scroll} px wide at {inner} px"


def test_xslt_is_off_in_this_chromium(browser) -> None:
    page = browser.new_page()
    page.goto("about:blank")
    assert page.evaluate("typeof XSLTProcessor") == "undefined"
    page.close()


@pytest.mark.parametrize("name", ["rss.xml", "atom.xml", "feed.json", "archive/2021-08-30/rss.xml"])
def test_a_feed_opened_in_chromium_is_a_page_saying_how_to_subscribe(site, browser, name) -> None:
    feed_url = f"{site.url}/feeds/all/{name}"
    archived = name.startswith("archive/")
    for width in WIDTHS:
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        response = page.goto(feed_url)
        assert response.status == 200
        assert response.headers["content-type"] == "text/html; charset=utf-8"
        assert page.evaluate("document.documentElement.lang") == "zh-CN"
        title = page.locator("#feed-title").inner_text()
        how = page.locator("#how-to-subscribe").inner_text()
        items = page.locator("#items .item-title").all_inner_texts()
        assert "如何订阅" in how
        if archived:
            assert title == "浙江工人日报（2021-08-30 存档）"
            assert f"{site.url}/feeds/all/rss.xml" in how  # subscribe to the channel
            assert len(items) == 8 and "我省公布一批数字化改革“硬核”成果" in items
        else:
            assert title == "浙江工人日报"
            assert feed_url in how
            assert items == CURRENT
        # Every link on the page goes somewhere real: the articles, the other formats.
        first = page.locator("#items .item-title").first.get_attribute("href")
        assert first.startswith(f"{site.url}/articles/")
        shot = site.shots / f"{name.replace('/', '-')}-{width}.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 10_000
        _no_sideways_scroll(page, f"{name} at {width} px")
        context.close()


def test_without_the_page_chromium_would_show_the_raw_feed(site, browser) -> None:
    """The same navigation with a feed reader's Accept: Chromium shows the bytes."""
    context = browser.new_context(viewport={"width": 375, "height": 900})
    page = context.new_page()
    page.route(
        "**/feeds/**",
        lambda route: route.continue_(headers={**route.request.headers, "accept": "*/*"}),
    )
    response = page.goto(f"{site.url}/feeds/all/rss.xml")
    assert response.headers["content-type"] == "application/rss+xml; charset=utf-8"
    assert page.locator("#how-to-subscribe").count() == 0
    assert "<rss" in page.locator("body").inner_text()
    page.screenshot(path=str(site.shots / "raw-rss-375.png"), full_page=True)
    context.close()


def test_a_web_reader_on_another_origin_reads_the_feed_not_the_pages(site, browser) -> None:
    """A script on localhost (another origin than 127.0.0.1) fetches the feed, its ETag and
    hub through CORS, polls with If-None-Match (a preflight first), and cannot read a page."""
    other_origin = site.url.replace("127.0.0.1", "localhost")
    page = browser.new_page()
    page.goto(f"{other_origin}/robots.txt")
    feed = page.evaluate(
        """async (url) => {
            const r = await fetch(url);
            const etag = r.headers.get('ETag');
            const again = await fetch(url, {headers: {'If-None-Match': etag}});
            return {status: r.status, type: r.headers.get('Content-Type'), etag,
                    link: r.headers.get('Link'), text: await r.text(), again: again.status};
        }""",
        f"{site.url}/feeds/all/atom.xml",
    )
    assert feed["status"] == 200
    assert feed["type"] == "application/atom+xml; charset=utf-8"
    assert feed["text"].startswith("<?xml") and "浙江工人日报" in feed["text"]
    assert feed["etag"] and feed["again"] == 304
    assert '<https://pubsubhubbub.appspot.com/>; rel="hub"' in feed["link"]
    refused = page.evaluate(
        """async (url) => { try { await fetch(url); return 'read'; }
                            catch (e) { return 'refused'; } }""",
        f"{site.url}/articles/zjgrrb-20210902-01-01",
    )
    assert refused == "refused"
    page.close()
