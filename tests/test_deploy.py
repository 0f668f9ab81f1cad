"""The shipped deployment files, run for real: deploy/nginx.conf and the systemd unit.

nginx runs the shipped site file unchanged except for the lines marked
EDIT (paths and ports), in front of a real `syndicator serve`.
"""

from __future__ import annotations

import gzip
import http.client
import shutil
import subprocess
from pathlib import Path

import pytest
from support import nginx
from support.paths import ROOT, SAMPLE_PAGE

pytestmark = pytest.mark.slow

NGINX = nginx.NGINX
UNIT = ROOT / "deploy" / "syndicator.service"


def _nginx_config(tmp_path: Path, port: int, app_port: int) -> Path:
    site = nginx.render_site(
        tmp_path, port=port, app_port=app_port, base_url=f"http://127.0.0.1:{port}"
    )
    return nginx.write_main_config(tmp_path / "nginx", site)


def _get(port: int, path: str, headers: dict[str, str] | None = None, method: str = "GET"):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.putrequest(method, path, skip_accept_encoding=True)
    for key, value in (headers or {}).items():
        conn.putheader(key, value)
    conn.endheaders()
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, body, {k.lower(): v for k, v in response.getheaders()}


@pytest.fixture
def nginx_front(live_server, child_env, free_port, venv_bin, tmp_path):
    nginx.require_nginx()
    app_port = free_port()
    app_config = tmp_path / "config.toml"
    app_config.write_text(
        f'[store]\nurl = "sqlite:///{tmp_path / "store.db"}"\n'
        f'[output]\ndir = "{tmp_path / "feeds"}"\n'
        f'[server]\nhost = "127.0.0.1"\nport = {app_port}\nproxies = 1\n',
        encoding="utf-8",
    )
    server = live_server(port=app_port, config_path=app_config)
    front = None
    try:
        for args in (["import", "--page", "1", str(SAMPLE_PAGE)], ["publish"]):
            subprocess.run(
                [venv_bin("syndicator"), "--config", str(app_config), *args],
                check=True,
                env=child_env(),
                capture_output=True,
            )
        port = free_port()
        config = _nginx_config(tmp_path, port, server.port)
        front = nginx.Nginx(config.parent, config, port)
        yield port, server, tmp_path / "feeds"
    finally:
        if front is not None:
            front.stop()
        server.stop()


def test_nginx_serves_feed_files_with_cache_headers(nginx_front) -> None:
    port, server, feeds = nginx_front
    status, body, headers = _get(port, "/feeds/all/rss.xml")
    assert status == 200
    assert body == (feeds / "all" / "rss.xml").read_bytes()
    assert headers["content-type"] == "application/rss+xml; charset=utf-8"
    assert headers["cache-control"] == "public, max-age=60"
    assert headers["x-content-type-options"] == "nosniff"
    assert "etag" in headers
    app = _get(server.port, "/feeds/all/rss.xml")[2]
    assert headers["last-modified"] == app["last-modified"]  # the feed's own time, not "now"
    for name, media in (
        ("all/atom.xml", "application/atom+xml"),
        ("all/feed.json", "application/feed+json"),
        ("opml.xml", "text/x-opml"),
    ):
        assert _get(port, f"/feeds/{name}")[2]["content-type"].startswith(media), name

    status, zipped, gz_headers = _get(port, "/feeds/all/rss.xml", {"Accept-Encoding": "gzip"})
    assert gz_headers["content-encoding"] == "gzip"
    assert zipped == (feeds / "all" / "rss.xml.gz").read_bytes()  # the precompressed twin
    assert gzip.decompress(zipped) == body
    assert "Accept-Encoding" in gz_headers["vary"]

    assert _get(port, "/feeds/all/rss.xml", {"If-None-Match": headers["etag"]})[0] == 304
    since = {"If-Modified-Since": headers["last-modified"]}
    assert _get(port, "/feeds/all/rss.xml", since)[0] == 304


def test_nginx_keeps_requests_inside_the_output_dir(nginx_front) -> None:
    port, _server, _feeds = nginx_front
    for path in (
        "/feeds/../config.toml",
        "/feeds/%2e%2e/config.toml",
        "/feeds/..%2fconfig.toml",
        "/feeds/all/..%2f..%2fconfig.toml",
        "/feeds/%252e%252e/config.toml",
        "/feeds/.generation",
        "/feeds/.syndicator.lock",
        "/feeds/all/rss.xml.gz",
        "/feeds/",
        "/feeds/all",
    ):
        status, body, _ = _get(port, path)
        assert status in (400, 404), (path, status)
        assert b"[store]" not in body, path


def test_nginx_proxies_the_app_and_limits_bodies(nginx_front) -> None:
    port, _server, _feeds = nginx_front
    status, body, headers = _get(port, "/")
    assert status == 200 and "我省公布一批数字化改革" in body.decode()
    assert "default-src 'none'" in headers["content-security-policy"]
    assert _get(port, "/healthz")[0] == 200
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.request(
        "POST",
        "/api/articles",
        body=b"x" * (3 * 1024 * 1024),
        headers={"Content-Type": "application/json"},
    )
    response = conn.getresponse()
    response.read()
    conn.close()
    assert response.status == 413
    # The desk takes photos bigger than an API body: nginx passes them on (the
    # app then refuses this one for its missing CSRF token, not for its size).
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.request(
        "POST",
        "/desk/articles/zjgrrb-20210830-01-01/photos",
        body=b"x" * (3 * 1024 * 1024),
        headers={"Content-Type": "application/octet-stream"},
    )
    response = conn.getresponse()
    response.read()
    conn.close()
    assert response.status == 400


def test_systemd_unit_runs_real_commands(venv_bin, tmp_path) -> None:
    text = UNIT.read_text(encoding="utf-8")
    commands = [
        line.split("=", 1)[1].split() for line in text.splitlines() if line.startswith("Exec")
    ]
    assert [c[1:] for c in commands] == [["init"], ["run"]]
    exe = venv_bin("syndicator")
    for command in commands:
        result = subprocess.run([exe, *command[1:], "--help"], capture_output=True)
        assert result.returncode == 0, command
    assert "Restart=always" in text and "KillSignal=SIGTERM" in text
    assert "EnvironmentFile=-/etc/syndicator/env" in text
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        return  # the text checks above still ran
    local = tmp_path / "syndicator.service"
    local.write_text(text.replace("/opt/syndicator/.venv/bin/syndicator", exe), encoding="utf-8")
    result = subprocess.run([analyze, "verify", str(local)], capture_output=True, text=True)
    problems = [
        line
        for line in (result.stdout + result.stderr).splitlines()
        if "syndicator.service" in line and "Failed to" not in line
    ]
    assert problems == [], problems


def test_nginx_sends_browsers_to_the_feed_page_and_readers_the_file(nginx_front) -> None:
    port, _server, feeds = nginx_front
    browser = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
    for name in ("rss.xml", "atom.xml", "feed.json"):
        path = f"/feeds/all/{name}"
        status, body, headers = _get(port, path, {"Accept": "*/*"})
        assert status == 200 and body == (feeds / "all" / name).read_bytes(), name
        assert headers["vary"] == "Accept, Accept-Encoding", name
        status, page, headers = _get(port, path, browser)
        assert status == 200, name
        assert headers["content-type"] == "text/html; charset=utf-8", name
        assert "如何订阅" in page.decode(), name
        assert headers["vary"] == "Accept, Accept-Encoding", name
    # The app's rule decides for anything that starts like a browser.
    tie = {"Accept": "text/html, application/rss+xml"}
    status, body, headers = _get(port, "/feeds/all/rss.xml", tie)
    assert headers["content-type"] == "application/rss+xml; charset=utf-8"


def test_nginx_sends_the_websub_links_and_cors_headers_of_the_app(nginx_front) -> None:
    port, _server, feeds = nginx_front
    base = f"http://127.0.0.1:{port}"
    for path in ("/feeds/all/rss.xml", "/feeds/all/feed.json"):
        status, _body, headers = _get(port, path)
        assert headers["link"] == f'<{base}{path}>; rel="self"', path
        assert headers["access-control-allow-origin"] == "*", path
        assert headers["access-control-expose-headers"] == "ETag, Link", path
        assert _get(port, path, {"If-None-Match": headers["etag"]})[2]["link"], path
    # (One edition fits the feed: a stand-in archive page.)
    archive = feeds / "all" / "archive" / "2021-08-29" / "atom.xml"
    archive.parent.mkdir(parents=True)
    archive.write_bytes((feeds / "all" / "atom.xml").read_bytes())
    path = "/feeds/all/archive/2021-08-29/atom.xml"
    assert _get(port, path)[2]["link"] == f'<{base}{path}>; rel="self"'
    assert _get(port, "/feeds/opml.xml")[2]["access-control-allow-origin"] == "*"
    preflight = _get(
        port,
        "/feeds/all/atom.xml",
        {"Origin": "https://reader.example", "Access-Control-Request-Method": "GET"},
        method="OPTIONS",
    )
    assert preflight[0] == 204 and preflight[2]["access-control-allow-origin"] == "*"
    post = next((feeds / "wechat").glob("*.json")).name
    for path in ("/", f"/feeds/wechat/{post}", "/robots.txt"):
        status, _body, headers = _get(port, path)
        assert status == 200, path
        assert "access-control-allow-origin" not in headers, path
        assert "link" not in headers, path
    assert b"Disallow: /desk/" in _get(port, "/robots.txt")[1]
