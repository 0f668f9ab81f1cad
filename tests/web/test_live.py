"""A real server process: `syndicator run` and `make run`, polled over HTTP.

These start subprocesses on a free loopback port, poll until the feeds are
up, show the process output if it died, and always stop it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import feedparser
import pytest
from prometheus_client.parser import text_string_to_metric_families
from support.paths import ROOT, SAMPLE_PAGE

pytestmark = pytest.mark.slow


def _write_config(tmp_path: Path, port: int) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        f'[store]\nurl = "sqlite:///{tmp_path / "store.db"}"\n'
        f'[output]\ndir = "{tmp_path / "feeds"}"\n'
        f'[server]\nhost = "127.0.0.1"\nport = {port}\n'
        f'[site]\nbase_url = "http://127.0.0.1:{port}"\n',
        encoding="utf-8",
    )
    return path


def _get(url: str, timeout: float = 2.0) -> tuple[int, bytes, dict[str, str]]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), dict(exc.headers)


def _count(name: str, body: bytes) -> int:
    if name == "feed.json":
        return len(json.loads(body)["items"])
    return len(feedparser.parse(body).entries)


def _wait_for_feeds(proc: subprocess.Popen, base: str, count: int, deadline: float) -> float:
    """Seconds until every feed has ``count`` items; fails with the server's output."""
    start = time.monotonic()
    while time.monotonic() - start < deadline:
        if proc.poll() is not None:
            out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
            pytest.fail(f"server exited with {proc.returncode}:\n{out}")
        try:
            sizes = []
            for name in ("rss.xml", "atom.xml", "feed.json"):
                status, body, _ = _get(f"{base}/feeds/all/{name}")
                sizes.append(_count(name, body) if status == 200 else -1)
            if all(n == count for n in sizes):
                return time.monotonic() - start
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    proc.send_signal(signal.SIGTERM)
    out = proc.communicate(timeout=10)[0].decode(errors="replace")
    pytest.fail(f"feeds did not reach {count} items within {deadline}s:\n{out}")


def _stop(proc: subprocess.Popen, *, group: bool = False) -> str:
    if proc.poll() is None:
        if group:
            os.killpg(proc.pid, signal.SIGTERM)
        else:
            proc.send_signal(signal.SIGTERM)
    try:
        out = proc.communicate(timeout=15)[0]
    except subprocess.TimeoutExpired:
        if group:
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            proc.kill()
        out = proc.communicate()[0]
        pytest.fail(f"process ignored SIGTERM:\n{out.decode(errors='replace')}")
    return out.decode(errors="replace")


@pytest.fixture
def site(tmp_path: Path, free_port, venv_bin, child_env):
    """A factory: ``site(*steps)``, a site on a free port, with ``init``, the sample
    page imported and ``steps`` run; returns its port, config, executable and env."""

    def make(*steps: str) -> tuple[int, Path, str, dict[str, str]]:
        port = free_port()
        config = _write_config(tmp_path, port)
        exe = venv_bin("syndicator")
        env = child_env()
        for args in (
            ["init"],
            ["import", "--page", "1", str(SAMPLE_PAGE)],
            *([step] for step in steps),
        ):
            subprocess.run(
                [exe, "--config", str(config), *args], check=True, env=env, capture_output=True
            )
        return port, config, exe, env

    return make


def _start(exe: str, config: Path, command: str, env: dict[str, str], **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        [exe, "--config", str(config), command],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
        **kwargs,
    )


def test_run_serves_sample_feeds_and_stops_on_sigterm(site, tmp_path: Path) -> None:
    port, config, exe, env = site()
    env["TMPDIR"] = str(tmp_path / "tmp")  # where the metrics' shared directory goes
    (tmp_path / "tmp").mkdir()
    proc = _start(exe, config, "run", env)
    try:
        base = f"http://127.0.0.1:{port}"
        elapsed = _wait_for_feeds(proc, base, 8, deadline=10)
        assert elapsed < 10
        status, body, headers = _get(f"{base}/feeds/all/atom.xml")
        server = {k.lower(): v for k, v in headers.items()}["server"]
        assert server == "granian"  # the production server, not Flask's development one
        parsed = feedparser.parse(body)
        assert parsed.bozo == 0
        assert all(e.published.endswith("+08:00") for e in parsed.entries)
        status, body, _ = _get(f"{base}/")
        assert status == 200 and "我省公布一批数字化改革" in body.decode()
        _check_metrics(base, proc.pid)
    finally:
        out = _stop(proc)
    assert proc.returncode == 0, out
    assert "Traceback" not in out
    assert list((tmp_path / "tmp").iterdir()) == []  # the shared directory is gone
    # The worker's access log: one JSON line per request, on the command's stderr.
    logged = [json.loads(line) for line in out.splitlines() if '"event": "access"' in line]
    scrape = [entry for entry in logged if entry["route"] == "ops.metrics_text"]
    assert len(scrape) == 1 and scrape[0]["status"] == 200 and scrape[0]["bytes"] > 1000


def _check_metrics(base: str, supervisor: int) -> None:
    """Passes run in the supervisor, requests in the worker: the worker's /metrics
    has both, and the process metrics of each (prometheus_client multiprocess mode)."""
    status, body, _ = _get(f"{base}/metrics")
    assert status == 200
    found: dict[str, object] = {}
    for family in text_string_to_metric_families(body.decode()):
        assert family.name not in found  # each family once
        found[family.name] = family
    samples = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in found.values()
        for s in family.samples
    }
    assert found["syndicator_passes"].type == "counter"
    assert samples["syndicator_passes_total", (("role", "published"),)] >= 1
    assert found["syndicator_pass_duration_seconds"].type == "histogram"
    assert samples["syndicator_pass_duration_seconds_count", (("role", "published"),)] >= 1
    assert samples["syndicator_articles_published_total", (("kind", "new"),)] == 8
    feeds_200 = (("code", "200"), ("handler", "feeds.serve_feed"))
    assert samples["syndicator_http_requests_total", feeds_200] >= 3
    assert found["process_cpu_seconds"].type == "counter"
    cpu = {
        dict(labels)["role"]: dict(labels)["pid"]
        for (name, labels), _value in samples.items()
        if name == "process_cpu_seconds_total"
    }
    assert cpu["supervisor"] == str(supervisor)
    assert cpu["worker"] not in ("", str(supervisor))
    for role, pid in cpu.items():
        labels = (("pid", pid), ("role", role))
        assert samples["process_resident_memory_bytes", labels] > 1_000_000
        assert samples["process_open_fds", labels] > 0
        assert samples["process_start_time_seconds", labels] > 0


def test_make_run_serves_the_demo_feeds_within_a_minute(
    child_env, free_port, tmp_path: Path
) -> None:
    """The README's first command, exactly as a newcomer types it (on a free port).

    The minute covers make's own steps (the venv and package install, no-ops
    when already done) as well as the server's start and first pass.
    """
    port = free_port()
    config = _write_config(tmp_path, port)
    env = child_env()
    env["MAKEFLAGS"] = ""
    proc = subprocess.Popen(
        ["make", "--no-print-directory", "-C", str(ROOT), "run", f"CONFIG={config}"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
        start_new_session=True,
    )
    try:
        _wait_for_feeds(proc, f"http://127.0.0.1:{port}", 8, deadline=60)
    finally:
        _stop(proc, group=True)


@pytest.mark.parametrize("after", [0.3, 1.5])
def test_run_stops_on_ctrl_c_even_while_starting(
    child_env, free_port, venv_bin, tmp_path: Path, after: float
) -> None:
    """A terminal's Ctrl-C signals the whole process group: the supervisor and
    the granian worker, which may still be starting. `run` must still exit."""
    config = _write_config(tmp_path, free_port())
    proc = subprocess.Popen(
        [venv_bin("syndicator"), "--config", str(config), "run"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=child_env(),
        start_new_session=True,
    )
    try:
        assert proc.stdout is not None
        for line in proc.stdout:  # wait until it says it is serving
            if b"serving on" in line:
                break
        time.sleep(after)
        os.killpg(proc.pid, signal.SIGINT)
        out = proc.communicate(timeout=30)[0].decode(errors="replace")
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            pytest.fail("syndicator run ignored Ctrl-C")
    assert proc.returncode == 0, out
    assert "Traceback" not in out


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"  # a zombie is dead


@pytest.mark.parametrize("command", ["run", "serve"])
def test_worker_dies_with_a_killed_supervisor(site, tmp_path: Path, command: str) -> None:
    """kill -9 of the supervising process must not leave its HTTP worker
    serving stale feeds on the port (and saying it is healthy)."""
    port, config, exe, env = site("publish")
    proc = _start(exe, config, command, env, start_new_session=True)
    workers: list[int] = []
    try:
        _wait_for_feeds(proc, f"http://127.0.0.1:{port}", 8, deadline=20)
        workers = [p for p in _children(proc.pid) if _alive(p)]
        assert workers, "no worker process found"
        proc.kill()
        proc.wait(10)
        deadline = time.monotonic() + 15
        while any(_alive(p) for p in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        orphans = [p for p in workers if _alive(p)]
        assert not orphans, f"workers {orphans} outlived their supervisor"
        with pytest.raises((urllib.error.URLError, ConnectionError)):
            _get(f"http://127.0.0.1:{port}/healthz", timeout=1)
    finally:
        for pid in workers:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
        if proc.poll() is None:
            proc.kill()
        proc.communicate()


def test_a_second_server_on_a_taken_port_is_refused_in_one_line(site, tmp_path: Path) -> None:
    """granian binds with SO_REUSEPORT: without a check, a second instance
    would share the port and split readers between two stores."""
    port, config, exe, env = site("publish")
    first = _start(exe, config, "serve", env)
    try:
        _wait_for_feeds(first, f"http://127.0.0.1:{port}", 8, deadline=20)
        for command in ("serve", "run"):
            second = subprocess.run(
                [exe, "--config", str(config), command],
                capture_output=True,
                text=True,
                env=env,
                timeout=30,
            )
            assert second.returncode == 1, second
            assert second.stderr.strip().splitlines()[-1] == (
                f"Error: cannot listen on 127.0.0.1:{port}: Address already in use"
            )
            assert "Traceback" not in second.stderr
    finally:
        _stop(first)
