"""nginx in front says what the app says: the same requests, through both, compared.

A real nginx runs the shipped deploy/nginx.conf (only its EDIT lines set)
in front of the app in a real WSGI server, both over one published output
dir: the demo page, the reader pages' paper (a photo in the media store)
and a channel limit small enough that archive pages exist. Every kind of
document (each feed format, the OPML list, archive pages, the WeChat
posts, photos) is asked for plainly, gzipped, with HEAD, as a browser, as
a CORS preflight, conditionally (each server's own ETag, and the
Last-Modified), and with a method neither serves; the status and every
header a client or a cache acts on must agree. ETags are compared for
presence only: the app's is a hash of the bytes, nginx's is built from
mtime and size (deploy/nginx.conf says why), and each must give a 304
for its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from support import nginx, processes, readerdata
from support.configs import make_config
from support.sampledata import SHANGHAI

from syndicator import store
from syndicator.publish import run_pass
from syndicator.web import create_app

pytestmark = pytest.mark.slow

NOW = datetime(2021, 9, 2, 12, 0, tzinfo=SHANGHAI)
BASE_URL = "https://feeds.example.com"
#: A hub named in [feeds] hubs, and in the site file's line marked for it (no
#: request goes to it: pings are the scheduler's, which does not run here).
HUB = "https://hub.example.com/"
TOPIC_LINKS = (
    '"~^(200|304) /feeds/[a-z0-9][a-z0-9_-]*/(rss\\.xml|atom\\.xml|feed\\.json)$" '
    "'<$syndicator_base_url$uri>; rel=\"self\"';"
)
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
PREFLIGHT = {"Origin": "https://reader.example", "Access-Control-Request-Method": "GET"}
#: What a client or a cache acts on (besides the status and the ETag's presence).
COMPARED = (
    "content-type",
    "content-encoding",
    "cache-control",
    "vary",
    "last-modified",
    "access-control-allow-origin",
    "access-control-expose-headers",
    "access-control-allow-methods",
    "link",
    "x-content-type-options",
    "content-security-policy",
    "x-frame-options",
    "referrer-policy",
)
#: What an error (404, 405) must agree on: its body is each server's own
#: words, but neither may let a cache keep it or another origin read it.
COMPARED_ON_ERRORS = ("cache-control", "access-control-allow-origin", "link")
#: A 304 need not repeat Last-Modified (RFC 9110, 15.4.5); nginx does, the app does not.
COMPARED_ON_304 = tuple(name for name in COMPARED if name not in ("content-type", "last-modified"))


@pytest.fixture(scope="module")
def front(tmp_path_factory) -> Iterator[SimpleNamespace]:
    nginx.require_nginx()
    root = tmp_path_factory.mktemp("front")
    config = make_config(root, site={"base_url": BASE_URL}, feeds={"limit": 2, "hubs": [HUB]})
    engine = store.create_store_engine(config.store_url)
    store.init_schema(engine)
    try:
        paper = readerdata.save_reader_paper(engine, config, readerdata.RELEASE)
        run_pass(engine, config, now=NOW)
    finally:
        engine.dispose()
    app = processes.AppThread(create_app(config), processes.free_port())
    app_port = int(app.url.rsplit(":", 1)[1])
    port = processes.free_port()
    hub_edit = TOPIC_LINKS.replace("'<$", f'\'<{HUB}>; rel="hub", <$')
    site = nginx.render_site(
        root, port=port, app_port=app_port, base_url=BASE_URL, extra=((TOPIC_LINKS, hub_edit),)
    )
    main = nginx.write_main_config(root / "nginx", site)
    try:
        server = nginx.Nginx(root / "nginx", main, port)
    except BaseException:
        app.stop()
        raise
    try:
        yield SimpleNamespace(
            nginx=port, app=app_port, feeds=Path(config.output_dir), photo=paper.photo_src
        )
    finally:
        server.stop()
        app.stop()


def _documents(feeds: Path, photo: str) -> list[str]:
    """One URL of every kind of document the output dir and the media store hold."""
    archive = sorted((feeds / "all" / "archive").glob("*/atom.xml"))
    assert archive, "the channel limit left no archive pages"
    day = archive[0].parent.name
    wechat = sorted((feeds / "wechat").glob("*.html"))[0].stem
    media = photo.split("/media/", 1)[1]
    return [
        "/feeds/all/rss.xml",
        "/feeds/all/atom.xml",
        "/feeds/all/feed.json",
        "/feeds/opml.xml",
        f"/feeds/all/archive/{day}/rss.xml",
        f"/feeds/all/archive/{day}/atom.xml",
        f"/feeds/all/archive/{day}/feed.json",
        "/feeds/all/archive/start/atom.xml",
        f"/feeds/wechat/{wechat}.html",
        f"/feeds/wechat/{wechat}.json",
        f"/media/{media}",
    ]


def _differences(front, method: str, path: str, headers: dict[str, str]) -> list[str]:
    """What nginx answers differently from the app to one request."""
    status, body, got = nginx.request(front.nginx, path, headers, method)
    want_status, want_body, want = nginx.request(front.app, path, headers, method)
    where = f"{method} {path} {headers}"
    found = []
    if status != want_status:
        found.append(f"{where}: status nginx {status}, app {want_status}")
    compared = COMPARED_ON_ERRORS if status >= 400 and want_status >= 400 else COMPARED
    for name in compared:
        if got.get(name) != want.get(name):
            found.append(f"{where}: {name} nginx {got.get(name)!r}, app {want.get(name)!r}")
    if ("etag" in got) != ("etag" in want):
        found.append(f"{where}: ETag nginx {got.get('etag')!r}, app {want.get('etag')!r}")
    if status == want_status == 200 and body != want_body:
        found.append(f"{where}: different bodies ({len(body)} and {len(want_body)} bytes)")
    return found


def _conditional(front, port: int, path: str, extra: dict[str, str]) -> list[dict[str, str]]:
    """The validators ``port`` gave for ``path``, as the requests a poller sends back."""
    _status, _body, headers = nginx.request(port, path, extra)
    asks = []
    if "etag" in headers:
        asks.append({**extra, "If-None-Match": headers["etag"]})
    if "last-modified" in headers:
        asks.append({**extra, "If-Modified-Since": headers["last-modified"]})
    return asks


def test_nginx_answers_every_document_as_the_app_does(front) -> None:
    differences: list[str] = []
    for path in _documents(front.feeds, front.photo):
        for method, headers in (
            ("GET", {}),
            ("GET", {"Accept-Encoding": "gzip"}),
            ("HEAD", {}),
            ("HEAD", {"Accept-Encoding": "gzip"}),
            ("GET", {"Accept": BROWSER}),
            (
                "OPTIONS",
                {"Origin": "https://reader.example", "Access-Control-Request-Method": "GET"},
            ),
            ("POST", {"Content-Type": "application/json"}),
        ):
            differences += _differences(front, method, path, headers)
    assert not differences, "\n".join(differences)
    # (The Link headers compared name the hub, as the line marked EDIT says.)
    assert f'<{HUB}>; rel="hub"' in nginx.request(front.nginx, "/feeds/all/rss.xml")[2]["link"]


def test_nginx_gives_304s_as_the_app_does(front) -> None:
    """Each server's own validators make a 304 on both, with the same headers."""
    differences: list[str] = []
    for path in _documents(front.feeds, front.photo):
        for extra in ({}, {"Accept-Encoding": "gzip"}):
            nginx_asks = _conditional(front, front.nginx, path, extra)
            app_asks = _conditional(front, front.app, path, extra)
            assert len(nginx_asks) == len(app_asks), path
            for ours, theirs in zip(nginx_asks, app_asks, strict=True):
                status, _body, got = nginx.request(front.nginx, path, ours)
                want_status, _body, want = nginx.request(front.app, path, theirs)
                where = f"{path} {sorted(ours)}"
                if (status, want_status) != (304, 304):
                    differences.append(f"{where}: nginx {status}, app {want_status}")
                for name in COMPARED_ON_304:
                    if got.get(name) != want.get(name):
                        differences.append(
                            f"{where}: {name} nginx {got.get(name)!r}, app {want.get(name)!r}"
                        )
    assert not differences, "\n".join(differences)


def test_nginx_refuses_what_the_app_refuses(front) -> None:
    """Names neither serves: missing files, dotfiles, twins, unfinished files."""
    day = sorted((front.feeds / "all" / "archive").glob("*/atom.xml"))[0].parent.name
    (front.feeds / "all" / "rss.xml.tmp").write_bytes(b"<rss>unfinished")
    differences: list[str] = []
    for path in (
        "/feeds/all/missing.xml",
        "/feeds/all/rss.xml.gz",
        "/feeds/all/rss.xml.tmp",
        "/feeds/all/archive/.pages.json",
        f"/feeds/all/archive/{day}/atom.xml.gz",
        f"/feeds/all/archive/{day}/missing.xml",
        "/feeds/wechat/missing.html",
        "/media/0000000000000000000000000000000000000000000000000000000000000000.jpg",
    ):
        for method in ("GET", "HEAD"):
            differences += _differences(front, method, path, {})
    assert not differences, "\n".join(differences)
