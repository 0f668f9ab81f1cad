"""`wechat push` fetches pictures only from [wechat] image_hosts, never from a
non-public address: an article's picture URL must not reach loopback, the
private network or a cloud metadata service."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from support.sampledata import SHANGHAI
from support.wechat_fake import APP_ID, SECRET, FakeWechat, png

from syndicator import store
from syndicator.cli import cli
from syndicator.errors import InputError
from syndicator.integrations import push
from syndicator.integrations.push import (
    APPID_ENV,
    SECRET_ENV,
    client_from_env,
    host_matches,
    image_url_problem,
    push_article,
)
from syndicator.model import Block
from syndicator.store import MediaStore, media_url

ENV = {APPID_ENV: APP_ID, SECRET_ENV: SECRET}
NOW = datetime(2021, 9, 1, 12, 0, tzinfo=SHANGHAI)


class PictureServer:
    """A loopback HTTP server that records every request: a PNG at /x.jpg,
    a redirect at /moved to ``redirect_to``."""

    def __init__(self) -> None:
        self.hits: list[str] = []
        self.redirect_to = ""
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

            def do_GET(self) -> None:
                outer.hits.append(self.path)
                if self.path == "/moved":
                    self.send_response(302)
                    self.send_header("Location", outer.redirect_to)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                data = png()
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@pytest.fixture
def pictures() -> Iterator[PictureServer]:
    server = PictureServer()
    yield server
    server.close()


def _config(make_config, tmp_path: Path, fake_wechat: FakeWechat, **wechat: Any):
    return make_config(
        tmp_path, wechat={"api_base": fake_wechat.url, "cache_dir": "wx-cache", **wechat}
    )


def _with_picture(article, src: str):
    body = [b for b in article.body if b.type != "image"]
    body.insert(1, Block(type="image", src=src, caption="图。"))
    return article.replace(body=tuple(body), cover=None)


def _push(article, config):
    return push_article(article, config, client_from_env(config, ENV))


def _resolves_to(*addresses: str):
    def fake(host: str, port: int, *args: Any, **kwargs: Any) -> list:
        family = socket.AF_INET6
        return [
            (family if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
            for a in addresses
        ]

    return fake


@pytest.mark.parametrize("hosts", [[], ["127.0.0.1"]])
def test_a_picture_on_loopback_is_refused_and_never_requested(
    articles, make_config, tmp_path, fake_wechat, pictures, hosts
) -> None:
    config = _config(make_config, tmp_path, fake_wechat, image_hosts=hosts)
    src = f"http://127.0.0.1:{pictures.port}/x.jpg"
    with pytest.raises(InputError, match=rf"refusing to fetch picture {src}: "):
        _push(_with_picture(articles[0], src), config)
    assert pictures.hits == []
    assert not fake_wechat.uploads and not fake_wechat.drafts


@pytest.mark.parametrize(
    "src",
    [
        "http://10.0.0.1/x.jpg",
        "http://[::1]/x.jpg",
        "http://169.254.169.254/latest/meta-data/x.jpg",
        "http://[::ffff:127.0.0.1]/x.jpg",
        "http://0.0.0.0/x.jpg",
    ],
)
def test_a_picture_at_a_non_public_address_is_refused(
    articles, make_config, tmp_path, fake_wechat, src
) -> None:
    hosts = ["10.0.0.1", "169.254.169.254", "0.0.0.0", "*.zjgrrb.com"]
    config = _config(make_config, tmp_path, fake_wechat, image_hosts=hosts)
    assert image_url_problem(src, config) is not None
    with pytest.raises(InputError, match="refusing to fetch picture"):
        _push(_with_picture(articles[0], src), config)
    assert not fake_wechat.uploads


def test_a_host_outside_image_hosts_is_refused_before_any_lookup(
    articles, make_config, tmp_path, fake_wechat, monkeypatch
) -> None:
    looked_up: list[str] = []
    monkeypatch.setattr(socket, "getaddrinfo", lambda host, *a, **k: looked_up.append(host))
    config = _config(make_config, tmp_path, fake_wechat, image_hosts=["img.example.com"])
    src = "https://evil.example.net/x.jpg"
    with pytest.raises(InputError, match=r"host evil\.example\.net is not in \[wechat\] image_"):
        _push(_with_picture(articles[0], src), config)
    assert looked_up == []


def test_an_allowed_host_that_resolves_to_loopback_is_refused(make_config, tmp_path) -> None:
    config = make_config(tmp_path, wechat={"image_hosts": ["*.example.com"]})
    src = "https://img.example.com/x.jpg"
    assert image_url_problem(src, config, _resolves_to("93.184.216.34")) is None
    for bad in ("127.0.0.1", "192.168.1.5", "fe80::1", "fd00::1", "224.0.0.1", "::"):
        problem = image_url_problem(src, config, _resolves_to("93.184.216.34", bad))
        assert problem == f"host img.example.com resolves to {bad}, not a public address"


def test_an_allowed_host_resolving_to_loopback_is_refused_by_push(
    articles, make_config, tmp_path, fake_wechat, pictures, monkeypatch
) -> None:
    monkeypatch.setattr(socket, "getaddrinfo", _resolves_to("127.0.0.1"))
    config = _config(make_config, tmp_path, fake_wechat, image_hosts=["img.example.com"])
    src = f"http://img.example.com:{pictures.port}/x.jpg"
    with pytest.raises(InputError, match=r"resolves to 127\.0\.0\.1, not a public address"):
        _push(_with_picture(articles[0], src), config)
    assert pictures.hits == []


def test_default_hosts_are_the_site_domain_and_its_subdomains(make_config, tmp_path) -> None:
    config = make_config(tmp_path, site={"domain": "zjgrrb.com"})
    assert push.allowed_image_hosts(config) == ("*.zjgrrb.com",)
    assert host_matches("zjgrrb.com", ["*.zjgrrb.com"])
    assert host_matches("IMG.zjgrrb.com.", ["*.zjgrrb.com"])
    assert not host_matches("evilzjgrrb.com", ["*.zjgrrb.com"])
    assert not host_matches("zjgrrb.com.evil.net", ["*.zjgrrb.com"])
    assert not host_matches("a.img.example.com", ["img.example.com"])
    assert image_url_problem("ftp://zjgrrb.com/x.jpg", config) == "not an http(s) address"


def test_a_redirect_to_a_host_not_allowed_is_not_followed(
    articles, make_config, tmp_path, fake_wechat, pictures, monkeypatch
) -> None:
    """Loopback is let through for this test only, so the first hop is fetched;
    its redirect to another host is checked like the first and refused."""
    monkeypatch.setattr(push, "public_address", lambda address: address.is_loopback)
    pictures.redirect_to = f"http://localhost:{pictures.port}/x.jpg"
    config = _config(make_config, tmp_path, fake_wechat, image_hosts=["127.0.0.1"])
    src = f"http://127.0.0.1:{pictures.port}/moved"
    with pytest.raises(InputError, match=r"refusing to fetch picture .*/moved: host localhost"):
        _push(_with_picture(articles[0], src), config)
    assert pictures.hits == ["/moved"]


def test_desk_photos_are_still_pushed_from_the_media_store(
    articles, make_config, tmp_path, fake_wechat, make_picture, monkeypatch
) -> None:
    """The site's own photos (its base_url is on loopback here) are read from
    disk, not fetched, so the address rules do not stand in their way."""
    monkeypatch.setattr(socket, "getaddrinfo", _resolves_to("127.0.0.1"))
    config = _config(make_config, tmp_path, fake_wechat)
    stored = MediaStore(config.media_dir).put(make_picture(300, 200), filename="a.jpg")
    src = media_url(config.site.base_url, stored.name)
    result = _push(_with_picture(articles[0], src), config)
    assert result.media_id and (result.uploaded, result.reused) == (2, 0)


def test_cli_refuses_with_exit_2_and_one_line(
    articles, runner, engine, tmp_path, fake_wechat, pictures
) -> None:
    article = _with_picture(articles[0], f"http://127.0.0.1:{pictures.port}/x.jpg")
    with engine.begin() as conn:
        store.save_articles(conn, [article], now=NOW)
    path = tmp_path / "config.toml"
    path.write_text(
        f'[store]\nurl = "sqlite:///{tmp_path / "store.db"}"\n'
        f'[output]\ndir = "{tmp_path / "feeds"}"\n'
        f'[wechat]\napi_base = "{fake_wechat.url}"\ncache_dir = "wx-cache"\n',
        encoding="utf-8",
    )
    result = runner.invoke(cli, ["--config", str(path), "wechat", "push", article.id], env=ENV)
    assert result.exit_code == 2, result.output
    assert result.output.count("\n") == 1, result.output
    assert "refusing to fetch picture http://127.0.0.1:" in result.output
    assert pictures.hits == [] and not fake_wechat.drafts
