"""Idle and slow connections against a real `syndicator serve` (issue 13, finding 3).

granian's *backpressure* counts connections, not requests. At 64, sixty-four
sockets that connected and sent nothing made the server unreachable for
everyone until granian dropped them 30 s later. Here a few hundred idle
sockets and half-sent requests are held open while a reader fetches a feed
over a fresh connection; and ``[server] header_timeout`` is seen closing a
connection that never finishes its headers, and one left idle after a
response.

The only time limits are failure timeouts, never measurements
(``bench/bench_conns.py`` measures latency with 1,000 of each).
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import textwrap
import urllib.request
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from syndicator.config import config_from_dict
from syndicator.errors import ConfigError

pytestmark = pytest.mark.slow

IDLE = 200
SLOW = 200
#: A request cut short before the blank line that ends its headers.
PARTIAL = b"GET /feeds/all/rss.xml HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: */*\r\n"
NOW = datetime.fromisoformat("2021-09-02T12:00:00+08:00")


def _write_config(root: Path, port: int, server: str = "") -> Path:
    path = root / "config.toml"
    path.write_text(
        f'[store]\nurl = "sqlite:///{root / "store.db"}"\n'
        f'[output]\ndir = "{root / "feeds"}"\n'
        f'[server]\nhost = "127.0.0.1"\nport = {port}\n{server}'
        f'[site]\nbase_url = "http://127.0.0.1:{port}"\n',
        encoding="utf-8",
    )
    return path


@pytest.fixture
def published(tmp_path, free_port, sample_data):
    """A function: ``published(server_toml)``, a config whose output dir holds feeds."""

    def make(server_toml: str = "") -> Path:
        path = _write_config(tmp_path, free_port(), server_toml)
        sample_data.save(path)
        sample_data.publish(path, NOW)
        return path

    return make


@contextlib.contextmanager
def _held(port: int, count: int, first_bytes: bytes = b"") -> Iterator[list[socket.socket]]:
    """``count`` connections to ``port``, each having sent ``first_bytes``, held open."""
    socks: list[socket.socket] = []
    try:
        for _ in range(count):
            sock = socket.create_connection(("127.0.0.1", port), timeout=10)
            if first_bytes:
                sock.sendall(first_bytes)
            socks.append(sock)
        yield socks
    finally:
        for sock in socks:
            sock.close()


def _still_open(sock: socket.socket) -> bool:
    """True when the server has neither closed nor answered ``sock``."""
    sock.setblocking(False)
    try:
        return not sock.recv(1)  # b"" (closed) or a byte of an answer: not held
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        sock.setblocking(True)


def _closed_by_server(sock: socket.socket, within: float) -> bool:
    """True when the server closes ``sock`` within ``within`` seconds, sending nothing."""
    sock.settimeout(within)
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


def test_idle_and_half_sent_connections_do_not_lock_readers_out(published, live_server) -> None:
    server = live_server(config_path=published())  # the default header_timeout (10 s)
    with _held(server.port, IDLE) as idle, _held(server.port, SLOW, PARTIAL) as slow:
        # A failure timeout, well inside the 10 s the held sockets may stay:
        # before the fix this waited for granian to drop the first 64.
        with urllib.request.urlopen(f"{server.url}/feeds/all/rss.xml", timeout=5) as response:
            assert response.status == 200
            assert b"<rss" in response.read()
        assert all(_still_open(s) for s in idle + slow), "the attack was not held"


def test_header_timeout_closes_a_request_that_never_ends(published, live_server) -> None:
    server = live_server(config_path=published("header_timeout = 1\n"))
    with _held(server.port, 1, PARTIAL) as (slow,), _held(server.port, 1) as (idle,):
        assert _closed_by_server(slow, within=15)
        assert _closed_by_server(idle, within=15)


def test_header_timeout_closes_a_kept_alive_connection_left_idle(published, live_server) -> None:
    server = live_server(config_path=published("header_timeout = 1\n"))
    with _held(server.port, 1, PARTIAL + b"\r\n") as (sock,):
        sock.settimeout(10)
        answer = sock.recv(65536)
        assert answer.startswith(b"HTTP/1.1 200")
        sock.settimeout(15)
        rest = b""
        with contextlib.suppress(ConnectionResetError):
            while chunk := sock.recv(65536):  # the rest of the body, then the close
                rest += chunk
        assert b"</rss>" in answer + rest


def test_keep_alive_off_closes_after_each_response(published, live_server) -> None:
    server = live_server(config_path=published("keep_alive = false\n"))
    with _held(server.port, 1, PARTIAL + b"\r\n") as (sock,):
        sock.settimeout(10)
        answer = b""
        while chunk := sock.recv(65536):  # ends: the server closes the connection
            answer += chunk
        assert answer.startswith(b"HTTP/1.1 200")
        assert b"</rss>" in answer


@pytest.mark.parametrize(
    ("key", "value"), [("header_timeout", 0), ("header_timeout", -1), ("max_connections", 0)]
)
def test_connection_settings_have_lower_bounds(key: str, value: int) -> None:
    with pytest.raises(ConfigError, match="must be at least"):
        config_from_dict({"server": {key: value}})


def test_connection_limit_fits_a_low_open_file_limit() -> None:
    # In a child: lowering the hard limit cannot be undone.
    script = textwrap.dedent(
        """
        import logging, resource
        from syndicator.web.server import SPARE_FDS, connection_limit
        logging.basicConfig(level=logging.WARNING, format="%(message)s")
        resource.setrlimit(resource.RLIMIT_NOFILE, (512, 1024))
        print(connection_limit(100), resource.getrlimit(resource.RLIMIT_NOFILE)[0])
        print(connection_limit(4096), 1024 - SPARE_FDS)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    small, fitted = result.stdout.split("\n")[:2]
    assert small == "100 512"  # enough already: the soft limit is left alone
    got, expected = fitted.split()
    assert got == expected
    assert "[server] max_connections = 4096" in result.stderr
