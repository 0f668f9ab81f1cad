"""The ingest API against a real `syndicator run`: passes on demand, limits at the socket."""

from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.request

import pytest
from support.paths import DATA
from support.tokens import API_TOKEN

pytestmark = pytest.mark.slow

TOKEN = API_TOKEN
ARTICLES = json.loads((DATA / "articles.json").read_text(encoding="utf-8"))


def _request(url: str, method: str = "GET", body: bytes | None = None, token: str | None = TOKEN):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _feed_ids(base: str) -> list[str]:
    status, body = _request(f"{base}/feeds/all/feed.json", token=None)
    return [i["url"].rsplit("/", 1)[1] for i in json.loads(body)["items"]] if status == 200 else []


def _wait(predicate, timeout: float) -> float:
    started = time.monotonic()
    while not predicate():
        assert time.monotonic() - started < timeout
        time.sleep(0.02)
    return time.monotonic() - started


def test_post_publishes_at_once_and_delete_withdraws(live_server, monkeypatch) -> None:
    monkeypatch.setenv("SYNDICATOR_API_TOKEN", TOKEN)
    server = live_server("[scheduler]\ninterval = 600\n", command="run")  # no tick would help
    _wait(lambda: _request(f"{server.url}/feeds/opml.xml", token=None)[0] == 200, 10)
    article = dict(ARTICLES[0], published_at="2021-09-01T06:00:00+08:00")

    status, _ = _request(f"{server.url}/api/articles", "POST", json.dumps(article).encode(), "x")
    assert status == 401
    assert _feed_ids(server.url) == []

    status, body = _request(f"{server.url}/api/articles", "POST", json.dumps(article).encode())
    assert status == 200 and json.loads(body)["pass"] == "started"
    seconds = _wait(lambda: article["id"] in _feed_ids(server.url), 5)
    assert seconds < 2

    status, _ = _request(f"{server.url}/api/articles/{article['id']}", "DELETE")
    assert status == 200
    _wait(lambda: article["id"] not in _feed_ids(server.url), 5)


def test_twenty_megabyte_post_is_413_before_it_is_read(live_server, monkeypatch) -> None:
    monkeypatch.setenv("SYNDICATOR_API_TOKEN", TOKEN)
    server = live_server()
    size = 20 * 1024 * 1024
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(
            (
                "POST /api/articles HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                f"Authorization: Bearer {TOKEN}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {size}\r\n\r\n"
            ).encode()
        )
        sent = 0
        chunk = b"x" * 65536
        try:
            while sent < size:
                sock.sendall(chunk)
                sent += len(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server stopped listening: what we want
        answer = b""
        try:
            while True:
                data = sock.recv(65536)
                if not data:
                    break
                answer += data
        except ConnectionResetError:
            pass
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]


def _post_chunked(port: int, chunks: list[bytes]) -> tuple[int, bytes]:
    """POST ``chunks`` chunked, with no length, as a streaming CMS does."""
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(
            "POST",
            "/api/articles",
            body=iter(chunks),
            headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"},
            encode_chunked=True,
        )
        response = conn.getresponse()
        return response.status, response.read()
    except (BrokenPipeError, ConnectionResetError) as exc:  # the assertion shows it
        return 0, repr(exc).encode()
    finally:
        conn.close()


def test_chunked_post_over_the_limit_is_413_not_cut(live_server, monkeypatch) -> None:
    """A chunked body was once cut at ``max_body`` and the rest ignored: a well-formed
    article followed by padding was saved (200), anything else "malformed JSON"."""
    monkeypatch.setenv("SYNDICATOR_API_TOKEN", TOKEN)
    server = live_server("[api]\nmax_body = 4096\n")
    article = json.dumps(dict(ARTICLES[0], published_at="2021-09-01T06:00:00+08:00")).encode()
    status, body = _post_chunked(server.port, [article, b" " * 8192])
    assert status == 413, body
    assert b"max_body" in body
    status, body = _post_chunked(server.port, [b"[", b" " * 8192, b"]"])
    assert status == 413, body
    status, body = _post_chunked(server.port, [article[:100], article[100:]])
    assert status == 200, body
