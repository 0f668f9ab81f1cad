"""The processes a benchmark drives: nginx, the project's server, wrk.

Everything listens on 127.0.0.1 only, lives in a temporary directory
(nginx's configuration is generated there, never the system's) and is
stopped when its ``with`` block ends, whatever happens inside it.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
WRK = shutil.which("wrk") or "/usr/bin/wrk"
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, proc: subprocess.Popen | None = None, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
            raise RuntimeError(f"{proc.args[0]} exited with {proc.returncode}:\n{out[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except urllib.error.HTTPError:
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.05)
    raise RuntimeError(f"nothing answered on {url} within {timeout}s")


def stop(proc: subprocess.Popen, timeout: float = 15.0) -> str:
    """SIGTERM, then SIGKILL if it ignores it; returns its output."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    try:
        out = proc.communicate(timeout=timeout)[0]
    except subprocess.TimeoutExpired:
        proc.kill()
        out = proc.communicate()[0]
    return (out or b"").decode(errors="replace")


NGINX_CONF = """\
daemon off;
worker_processes {workers};
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    types {{
        application/rss+xml xml;
        application/feed+json json;
        text/xsl xsl;
    }}
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_timeout 65;
    keepalive_requests 1000000;
    open_file_cache max=10000 inactive=60s;
    server {{
        listen 127.0.0.1:{port};
        location /feeds/ {{
            alias {root}/;
            gzip_static on;
            etag on;
            add_header Cache-Control "public, max-age=60";
            add_header Vary "Accept-Encoding";
        }}
    }}
}}
"""


@contextlib.contextmanager
def nginx(root: Path, tmp: Path, workers: int = 2) -> Iterator[str]:
    """nginx serving ``root`` as ``/feeds/`` with ``gzip_static``; yields its base URL."""
    if not Path(NGINX).exists():
        raise RuntimeError("nginx missing: run `make bench` as root, or `apt-get install nginx`")
    tmp.mkdir(parents=True, exist_ok=True)
    port = free_port()
    conf = tmp / "nginx.conf"
    conf.write_text(NGINX_CONF.format(workers=workers, tmp=tmp, port=port, root=root))
    proc = subprocess.Popen(
        [NGINX, "-c", str(conf), "-p", str(tmp), "-e", str(tmp / "error.log")],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_http(f"{base}/feeds/opml.xml", proc)
        yield base
    finally:
        stop(proc)


@contextlib.contextmanager
def syndicator(
    config: Path, command: str = "serve", env: dict[str, str] | None = None
) -> Iterator[tuple[str, subprocess.Popen]]:
    """``syndicator serve`` (or ``run``) with ``config``; yields its base URL and process."""
    port = int(re.search(r"port = (\d+)", config.read_text()).group(1))  # type: ignore[union-attr]
    proc = subprocess.Popen(
        [str(VENV_BIN / "syndicator"), "--config", str(config), command],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_http(f"{base}/feeds/opml.xml", proc)
        yield base, proc
    finally:
        stop(proc)


# -- wrk -----------------------------------------------------------------------------

WRK_SCRIPT = """\
local reqs = {{}}
local n = 0
local targets = {{
{targets}
}}
init = function(args)
  for i, t in ipairs(targets) do
    local headers = {{["Accept-Encoding"] = "gzip"}}
    if t[2] ~= "" then headers["If-None-Match"] = t[2] end
    reqs[i] = wrk.format("GET", t[1], headers)
  end
end
request = function()
  n = n % #reqs + 1
  return reqs[n]
end
"""


@dataclass(frozen=True)
class WrkResult:
    requests_per_s: float
    errors: int
    output: str


def wrk(
    base: str,
    targets: Sequence[tuple[str, str]],
    tmp: Path,
    *,
    seconds: float,
    connections: int = 32,
    threads: int = 1,
) -> WrkResult:
    """Load ``base`` with GETs cycling over ``(path, etag)``; an empty etag is a full GET."""
    lines = ",\n".join(f'  {{"{path}", {_lua(etag)}}}' for path, etag in targets)
    script = tmp / "wrk.lua"
    script.write_text(WRK_SCRIPT.format(targets=lines))
    result = subprocess.run(
        [
            WRK,
            f"-t{threads}",
            f"-c{connections}",
            f"-d{max(1, round(seconds))}s",
            "--timeout",
            "5s",
            "-s",
            str(script),
            base,
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 30,
    )
    out = result.stdout + result.stderr
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if not match:
        raise RuntimeError(f"wrk printed no rate:\n{out}")
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors += int(bad.group(1)) if bad else 0
    return WrkResult(float(match.group(1)), errors, out)


def _lua(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


# -- memory --------------------------------------------------------------------------
#
# A server's memory is that of its whole process tree: ``syndicator run``
# serves requests in a granian worker it spawns (and multiprocessing adds
# a resource tracker), so the main pid alone misses where a leak would be.


def _children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            out += [int(p) for p in (task / "children").read_text().split()]
    return out


def tree_rss_by_pid(pid: int) -> dict[int, int]:
    """Resident bytes of a process and each of its descendants, by pid."""
    out: dict[int, int] = {}
    todo = [pid]
    while todo:
        current = todo.pop()
        with contextlib.suppress(OSError, ValueError, AttributeError):
            status = Path(f"/proc/{current}/status").read_text()
            kb = int(re.search(r"VmRSS:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
            out[current] = kb * 1024
            todo += _children(current)
    return out


def tree_rss(pid: int) -> int:
    """Resident bytes of a process and all its descendants."""
    return sum(tree_rss_by_pid(pid).values())


def process_role(pid: int, root: int) -> str:
    """``main`` (the root), ``tracker`` (multiprocessing's resource tracker) or ``worker``."""
    if pid == root:
        return "main"
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return "worker"
    return "tracker" if b"resource_tracker" in cmdline else "worker"


@dataclass
class RssSample:
    """One look at the tree: seconds since sampling began, resident bytes by pid."""

    at: float
    by_pid: dict[int, int]

    @property
    def total(self) -> int:
        return sum(self.by_pid.values())


class RssSampler:
    """A process tree's resident size, sampled every ``period`` seconds.

    ``peak`` is the largest total seen; ``samples`` (kept when ``keep``)
    and ``roles`` (every pid seen: main, worker or tracker) let a long run
    report each process's memory over time.
    """

    def __init__(self, pid: int, period: float = 0.1, *, keep: bool = False) -> None:
        self.pid = pid
        self.period = period
        self.keep = keep
        self.peak = 0
        self.samples: list[RssSample] = []
        self.roles: dict[int, str] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def by_role(self, sample: RssSample) -> dict[str, int]:
        """A sample's resident bytes summed by role, with ``total``."""
        out = {"main": 0, "worker": 0, "tracker": 0}
        for pid, size in sample.by_pid.items():
            out[self.roles[pid]] += size
        return {**out, "total": sample.total}

    def summary(self, warm_after: float) -> dict[str, dict[str, int]]:
        """KiB at the start, after ``warm_after`` seconds, at the end and at most,
        for ``total`` and each role (needs ``keep``): what a memory check compares."""
        kib = [(s.at, {k: v // 1024 for k, v in self.by_role(s).items()}) for s in self.samples]
        warm = next((sizes for at, sizes in kib if at >= warm_after), kib[-1][1])
        return {
            role: {
                "start": kib[0][1][role],
                "warm": warm[role],
                "end": kib[-1][1][role],
                "max": max(sizes[role] for _, sizes in kib),
            }
            for role in kib[0][1]
        }

    def _run(self) -> None:
        started = time.monotonic()
        while True:
            self._take(started)
            if self._stop.wait(self.period):
                self._take(started)  # the tree as it is at the end
                return

    def _take(self, started: float) -> None:
        sample = RssSample(time.monotonic() - started, tree_rss_by_pid(self.pid))
        for pid in sample.by_pid:
            if pid not in self.roles:
                self.roles[pid] = process_role(pid, self.pid)
        self.peak = max(self.peak, sample.total)
        if self.keep:
            self.samples.append(sample)
