"""A real nginx running the shipped deploy/nginx.conf, as a non-root user can.

The site file is used unchanged except for the lines an operator edits
(marked EDIT: paths, ports, the site's address); the main file around it
keeps everything in a temp prefix: pid, error and access logs, temp dirs,
a port on 127.0.0.1.
"""

from __future__ import annotations

import http.client
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from support.paths import ROOT

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
SITE = ROOT / "deploy" / "nginx.conf"


def require_nginx() -> str:
    """The nginx binary, or a skip saying how to get one."""
    if not Path(NGINX).exists():
        pytest.skip(f"{NGINX} missing: `apt-get install nginx` (the tests run it as any user)")
    return NGINX


def render_site(
    root: Path, *, port: int, app_port: int, base_url: str, extra: tuple[tuple[str, str], ...] = ()
) -> str:
    """deploy/nginx.conf with its EDIT lines set for a test: ``root`` holds ``feeds/``."""
    site = SITE.read_text(encoding="utf-8")
    for old, new in (
        ("server 127.0.0.1:8080;", f"server 127.0.0.1:{app_port};"),
        ("listen 80;", f"listen 127.0.0.1:{port};"),
        ("listen [::]:80;", ""),
        ("root /var/lib/syndicator;", f"root {root};"),
        ('default "https://feeds.example.com";', f'default "{base_url}";'),
        *extra,
    ):
        assert old in site, f"deploy/nginx.conf no longer has the line {old!r}"
        site = site.replace(old, new)
    return site


def write_main_config(prefix: Path, site: str) -> Path:
    """The main nginx.conf around ``site``, everything under ``prefix``."""
    prefix.mkdir(parents=True, exist_ok=True)
    (prefix / "site.conf").write_text(site, encoding="utf-8")
    temp = "\n".join(
        f"  {kind}_temp_path {prefix / 'temp' / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (prefix / "temp").mkdir(exist_ok=True)
    main = prefix / "nginx.conf"
    main.write_text(
        f"""daemon off;
worker_processes 1;
pid {prefix / "nginx.pid"};
error_log {prefix / "nginx-error.log"};
{"user root;" if os.geteuid() == 0 else ""}
events {{ worker_connections 64; }}
http {{
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log {prefix / "nginx-access.log"};
{temp}
  include {prefix / "site.conf"};
}}
""",
        encoding="utf-8",
    )
    return main


def request(
    port: int, path: str, headers: dict[str, str] | None = None, method: str = "GET"
) -> tuple[int, bytes, dict[str, str]]:
    """One request on a fresh connection: status, body, headers (names lower-cased;
    a repeated header's values joined with ", ")."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.putrequest(method, path, skip_accept_encoding=True)
        for key, value in (headers or {}).items():
            conn.putheader(key, value)
        conn.endheaders()
        response = conn.getresponse()
        body = response.read()
    finally:
        conn.close()
    joined: dict[str, str] = {}
    for key, value in response.getheaders():
        key = key.lower()
        joined[key] = f"{joined[key]}, {value}" if key in joined else value
    return response.status, body, joined


class Nginx:
    """nginx in the foreground on ``port``, stopped by :meth:`stop`."""

    def __init__(self, prefix: Path, main: Path, port: int) -> None:
        binary = require_nginx()
        check = subprocess.run(
            [binary, "-t", "-p", str(prefix), "-c", str(main)], capture_output=True
        )
        assert check.returncode == 0, check.stderr.decode()
        self.port = port
        self.proc = subprocess.Popen(
            [binary, "-p", str(prefix), "-c", str(main)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                request(port, "/feeds/.probe")
                return
            except OSError:
                if self.proc.poll() is not None:
                    raise AssertionError(self.proc.stderr.read().decode()) from None  # type: ignore[union-attr]
                assert time.monotonic() < deadline, "nginx did not start"
                time.sleep(0.05)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        finally:
            if self.proc.stderr is not None:
                self.proc.stderr.close()
