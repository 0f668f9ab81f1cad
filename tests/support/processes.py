"""Real processes: ports, the environment of a child, a `syndicator serve`."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def venv_bin(name: str) -> str:
    """A console script of the environment running the tests."""
    candidate = Path(sys.executable).parent / name
    return str(candidate) if candidate.exists() else name


def child_env() -> dict[str, str]:
    """The environment for a child process: no developer config, unbuffered output."""
    env = dict(os.environ)
    env.pop("SYNDICATOR_CONFIG", None)
    env["PYTHONUNBUFFERED"] = "1"
    return env


class LiveServer:
    """`syndicator serve` in a subprocess on a free loopback port."""

    def __init__(self, config_path: Path, port: int, command: str = "serve") -> None:
        self.config_path = config_path
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self._output: str | None = None
        self.proc = subprocess.Popen(
            [venv_bin("syndicator"), "--config", str(config_path), command, "--port", str(port)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=child_env(),
        )
        self._wait()

    def _wait(self, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                out = self.proc.stdout.read().decode(errors="replace")
                pytest.fail(f"server exited with {self.proc.returncode}:\n{out}")
            try:
                with urllib.request.urlopen(self.url + "/", timeout=1):
                    return
            except urllib.error.HTTPError:
                return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.1)
        self.stop()
        pytest.fail(f"server did not answer on {self.url} within {timeout}s")

    def stop(self) -> str:
        """Stop the server (once; later calls return the same output): its output."""
        if self._output is None:
            if self.proc.poll() is None:
                self.proc.send_signal(signal.SIGTERM)
            try:
                out = self.proc.communicate(timeout=15)[0]
            except subprocess.TimeoutExpired:
                self.proc.kill()
                out = self.proc.communicate()[0]
            self._output = out.decode(errors="replace")
        return self._output


class AppThread:
    """A Flask app in a threaded WSGI server on a loopback port, in this process.

    For browser tests that need the app's clock or store in hand (a fixed
    "now", a signed-in desk); ``LiveServer`` runs the real `syndicator serve`.
    """

    def __init__(self, app, port: int) -> None:
        from werkzeug.serving import make_server

        self.url = f"http://127.0.0.1:{port}"
        self.server = make_server("127.0.0.1", port, app, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)
