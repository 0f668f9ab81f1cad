"""A whole day at the desk in a real headless Chromium (Debian's), over real HTTP.

The app runs in a real threaded WSGI server and the real scheduler of
``syndicator run`` publishes; only the clock is the test's, so an article
scheduled two minutes ahead can come due without waiting. After every
step the feeds are fetched over HTTP and read with feedparser until they
show the change (the scheduler's watcher starts a pass within moments of
a write). Screenshots of every desk page at 1280 and 375 px land in the
test's directory; at 375 px no page may scroll sideways.
"""

from __future__ import annotations

import io
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import feedparser
import pytest
from PIL import Image
from support import desk
from support.paths import SAMPLE_PAGE
from support.sampledata import SHANGHAI
from werkzeug.serving import make_server

from syndicator import store
from syndicator.web import create_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]

RSS = "/feeds/all/rss.xml"
FIRST = "zjgrrb-20210830-01-01"
SECOND = "zjgrrb-20210830-01-02"
THIRD = "zjgrrb-20210830-01-03"
WIDTHS = {"desktop": 1280, "phone": 375}


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now
        self.lock = threading.Lock()

    def __call__(self) -> datetime:
        with self.lock:
            return self.now

    def set(self, now: datetime) -> None:
        with self.lock:
            self.now = now


class Desk:
    """The running desk: its URL, its clock, and the feeds as a reader fetches them."""

    def __init__(self, url: str, clock: Clock, engine, shots: Path) -> None:
        self.url, self.clock, self.engine, self.shots = url, clock, engine, shots

    def feed(self) -> feedparser.FeedParserDict:
        with urllib.request.urlopen(self.url + RSS, timeout=10) as response:
            return feedparser.parse(response.read())

    def feed_until(self, test: Callable[[feedparser.FeedParserDict], bool], what: str):
        deadline = time.monotonic() + 30
        while True:
            try:
                parsed = self.feed()
            except OSError:  # no feed written yet
                parsed = None
            if parsed is not None and test(parsed):
                return parsed
            if time.monotonic() > deadline:
                entries = [] if parsed is None else [e.title for e in parsed.entries]
                raise AssertionError(f"the feed never showed {what}; it has {entries}")
            time.sleep(0.2)


@pytest.fixture
def running_desk(tmp_path, make_config, free_port) -> Iterator[Desk]:
    from syndicator.actions.passes import start_scheduler
    from syndicator.integrations.websub import Pinger

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    config = make_config(tmp_path, site={"base_url": url}, scheduler={"interval": 1, "watch": 0.1})
    engine = store.create_store_engine(config.store_url)
    store.init_schema(engine)
    desk.add_user(engine, "chief", "admin")
    clock = Clock(datetime(2021, 8, 30, 7, 0, tzinfo=SHANGHAI))
    app = create_app(config, {"CLOCK": clock})
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    pinger = Pinger.from_config(config).start()
    scheduler = start_scheduler(engine, config, pinger, clock=clock)
    scheduler.start()
    shots = tmp_path / "screenshots"
    shots.mkdir()
    try:
        yield Desk(url, clock, engine, shots)
    finally:
        scheduler.shutdown(wait=True)
        pinger.stop(timeout=1)
        server.shutdown()
        engine.dispose()


def _jpeg(path: Path) -> Path:
    buffer = io.BytesIO()
    Image.new("RGB", (800, 533), (180, 40, 30)).save(buffer, "JPEG", quality=85)
    path.write_bytes(buffer.getvalue())
    return path


def _look(context, desk_: Desk, path: str, name: str) -> None:
    """Screenshots at both widths; at 375 px the page may not scroll sideways."""
    for label, width in WIDTHS.items():
        page = context.new_page()
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(desk_.url + path)
        page.screenshot(path=str(desk_.shots / f"{name}-{label}.png"), full_page=True)
        if label == "phone":
            scroll, inner = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
            assert scroll <= inner, f"{path} is {scroll} px wide at {inner} px"
        page.close()


def _entry(feed, article_id: str):
    return next((e for e in feed.entries if article_id in e.get("link", "")), None)


def test_a_day_at_the_desk(chromium, running_desk: Desk, tmp_path) -> None:
    d = running_desk
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=d.url)
    page = context.new_page()

    # Sign in.
    page.goto(d.url + "/desk/")
    assert "/desk/login" in page.url
    _look(context, d, "/desk/login", "login")
    page.fill("input[name=name]", "chief")
    page.fill("input[name=password]", desk.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(d.url + "/desk/")

    # Upload the sample page: the dry run shows every article, then confirm.
    page.goto(d.url + "/desk/import")
    # Under a name that gives no page number (``…-p1.txt`` would).
    upload = {"name": "today.txt", "mimeType": "text/plain", "buffer": SAMPLE_PAGE.read_bytes()}
    page.set_input_files("input[type=file]", files=[upload])
    page.click("button.primary")
    page.wait_for_url("**/desk/import/*")
    # The page prints no 第N版: the desk asks rather than assume page 1.
    assert "请补充版面信息" in page.locator("main").inner_text()
    page.fill("input[name=page-0]", "1")
    page.click("button.primary")
    page.wait_for_url("**/desk/import/*page-0=1*")
    preview = page.locator("main").inner_text()
    assert "我省公布一批数字化改革" in preview and "新稿" in preview
    _look(context, d, page.url.removeprefix(d.url), "import-preview")
    page.click("form.confirm button.primary")
    page.wait_for_url("**/desk/editions/2021-08-30")
    assert page.locator("li.row").count() == 8
    _look(context, d, "/desk/editions/2021-08-30", "edition")
    feed = d.feed_until(lambda f: len(f.entries) == 8, "the eight articles")
    guid = _entry(feed, FIRST).id

    # Fix a kicker.
    page.goto(f"{d.url}/desk/articles/{FIRST}/edit")
    _look(context, d, f"/desk/articles/{FIRST}/edit", "edit")
    page.fill("input[name=kicker]", "本报编辑部更正后的引题")
    page.click("button[name=save]")
    page.wait_for_url(f"**/desk/articles/{FIRST}")
    feed = d.feed_until(
        lambda f: "本报编辑部更正后的引题" in _entry(f, FIRST).content[0].value, "the new kicker"
    )
    assert _entry(feed, FIRST).id == guid  # a correction, not a new item

    # Attach a photo: the RSS enclosure carries its real length.
    photo = _jpeg(tmp_path / "photo.jpg")
    page.goto(f"{d.url}/desk/articles/{SECOND}/photos")
    page.set_input_files("input[type=file]", str(photo))
    page.fill("textarea[name=caption]", "工人们在车间里忙碌")
    page.click("button.primary")
    page.wait_for_url(f"**/desk/articles/{SECOND}/photos")
    _look(context, d, f"/desk/articles/{SECOND}/photos", "photos")
    feed = d.feed_until(lambda f: bool(_entry(f, SECOND).get("enclosures")), "the photo")
    [enclosure] = _entry(feed, SECOND).enclosures
    assert int(enclosure["length"]) == photo.stat().st_size
    with urllib.request.urlopen(enclosure["href"], timeout=10) as response:
        assert response.read() == photo.read_bytes()

    # Schedule one article two minutes ahead: it leaves the feed until due.
    later = datetime(2021, 8, 30, 7, 2, tzinfo=SHANGHAI)
    page.goto(f"{d.url}/desk/articles/{THIRD}")
    page.fill("input[name=published_at]", "2021-08-30T07:02")
    page.click("form[action$=embargo] button")
    page.wait_for_url(f"**/desk/articles/{THIRD}")
    assert "定时" in page.locator(".banner.held").inner_text()
    _look(context, d, f"/desk/articles/{THIRD}", "scheduled")
    d.feed_until(lambda f: _entry(f, THIRD) is None, "the scheduled article gone")
    d.clock.set(later)
    feed = d.feed_until(lambda f: _entry(f, THIRD) is not None, "the article when due")
    published = _entry(feed, THIRD).published_parsed
    assert (published.tm_hour, published.tm_min) == (23, 2)  # 07:02 in Shanghai, in UTC

    # Withdraw one with a reason, then restore it.
    page.goto(f"{d.url}/desk/articles/{SECOND}")
    page.on("dialog", lambda dialog: dialog.accept())
    page.fill("input[name=reason]", "图片版权待确认")
    page.click("form[action$=withdraw] button")
    page.wait_for_url(f"**/desk/articles/{SECOND}")
    assert "已撤回" in page.locator(".banner.held").inner_text()
    assert "图片版权待确认" in page.locator(".history").inner_text()
    _look(context, d, f"/desk/articles/{SECOND}", "withdrawn")
    d.feed_until(lambda f: _entry(f, SECOND) is None, "the withdrawal")
    page.click("form[action$=restore] button")
    page.wait_for_url(f"**/desk/articles/{SECOND}")
    d.feed_until(lambda f: _entry(f, SECOND) is not None, "the restored article")

    # Copy one: the clipboard holds the post exactly as wechat.html serves it.
    page.goto(f"{d.url}/desk/articles/{FIRST}")
    page.click("#copy")
    page.locator("#copy-status", has_text="已复制").wait_for(timeout=10_000)
    clipboard = page.evaluate(desk.READ_CLIPBOARD)
    assert "本报编辑部更正后的引题" in clipboard["text/plain"]
    assert "我省公布一批数字化改革" in clipboard["text/plain"]

    # The remaining desk pages, at both widths.
    _look(context, d, "/desk/audit", "audit")
    _look(context, d, "/desk/users", "users")
    _look(context, d, f"/desk/articles/{FIRST}", "article")
    context.close()
