"""A WebSub hub for tests: records publish pings on a loopback port."""

from __future__ import annotations

import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class LocalHub:
    """A WebSub hub that records publish pings; ``fail`` statuses are answered first."""

    def __init__(self, fail: tuple[int, ...] = ()) -> None:
        self.pings: list[tuple[str, str]] = []  # (hub.mode, hub.url)
        self.answers = list(fail)
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                form = urllib.parse.parse_qs(self.rfile.read(length).decode())
                assert self.headers["Content-Type"] == "application/x-www-form-urlencoded"
                with lock:
                    hub.pings.append((form["hub.mode"][0], form["hub.url"][0]))
                    status = hub.answers.pop(0) if hub.answers else 204
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_args) -> None:
                pass

        lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hub"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
