"""/metrics: prometheus_client's text format, the right types, and not public.

The scrape is parsed with prometheus_client's own parser. Under a real
``syndicator run`` (the supervisor's metrics read by the worker) see
test_live.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families
from support.sampledata import SHANGHAI

from syndicator import metrics, store
from syndicator.cli import cli
from syndicator.errors import ConfigError
from syndicator.web import create_app

NOW = datetime(2021, 9, 2, 12, 0, tzinfo=SHANGHAI)
TOKEN = "m" * 40
REMOTE = {"REMOTE_ADDR": "203.0.113.9"}
METRICS_TOKEN_ENV = metrics.TOKEN_ENV


def families(text: str) -> dict[str, object]:
    """The scrape's families by name (counters without ``_total``, as the parser names them)."""
    out = {}
    for family in text_string_to_metric_families(text):
        assert family.name not in out, f"{family.name} twice"
        out[family.name] = family
    return out


def sample(family, name: str, **labels: str) -> float | None:
    for s in family.samples:
        if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()):
            return s.value
    return None


def test_types_passes_requests_and_process(articles, client, engine, config) -> None:
    from syndicator.publish.scheduler import Publisher

    with engine.begin() as conn:
        store.save_articles(conn, articles, now=NOW)
    published_before = metrics.ARTICLES.value(kind="new")
    Publisher(engine, config, clock=lambda: NOW).tick()
    etag = client.get("/feeds/all/rss.xml").headers["ETag"]  # the fast path
    for _ in range(3):
        assert client.get("/feeds/all/rss.xml", headers={"If-None-Match": etag}).status_code == 304
    assert client.get("/no/such/page", buffered=True).status_code == 404  # read, as a server does
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    assert response.headers["Cache-Control"] == "no-store"
    found = families(response.get_data(as_text=True))

    passes = found["syndicator_passes"]
    assert passes.type == "counter"
    assert sample(passes, "syndicator_passes_total", role="published") >= 1
    duration = found["syndicator_pass_duration_seconds"]
    assert duration.type == "histogram"
    assert sample(duration, "syndicator_pass_duration_seconds_count", role="published") >= 1
    assert sample(duration, "syndicator_pass_duration_seconds_bucket", role="published", le="+Inf")
    assert metrics.ARTICLES.value(kind="new") - published_before == 3
    assert found["syndicator_last_pass_timestamp_seconds"].type == "gauge"

    requests = found["syndicator_http_requests"]
    assert requests.type == "counter"
    name = "syndicator_http_requests_total"
    assert sample(requests, name, handler="feeds.serve_feed", code="304") >= 3
    assert sample(requests, name, handler="feeds.serve_feed", code="200") >= 1
    assert sample(requests, name, handler="unmatched", code="404") >= 1
    assert found["syndicator_http_request_duration_seconds"].type == "histogram"
    assert "syndicator_feed_not_modified_ratio" not in found  # a rate of the counter instead

    me = {"role": "main", "pid": str(os.getpid())}
    cpu = found["process_cpu_seconds"]
    assert cpu.type == "counter"  # was a gauge
    assert sample(cpu, "process_cpu_seconds_total", **me) > 0
    assert found["process_resident_memory_bytes"].type == "gauge"
    assert sample(found["process_resident_memory_bytes"], "process_resident_memory_bytes", **me)
    assert sample(found["process_open_fds"], "process_open_fds", **me) > 0
    assert sample(found["process_start_time_seconds"], "process_start_time_seconds", **me) > 0


def test_a_remote_client_without_the_token_is_refused(client) -> None:
    """/metrics was public; now only a request straight from this machine, or with the token."""
    assert client.get("/metrics", environ_base=REMOTE).status_code == 403
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.0.0.2"}).status_code == 403
    # Through a proxy on this machine (which adds a forwarding header): refused too.
    for header in ("X-Forwarded-For", "Forwarded", "X-Real-IP"):
        assert client.get("/metrics", headers={header: "203.0.113.9"}).status_code == 403
    local = client.get("/metrics")
    assert local.status_code == 200 and b"syndicator_" in local.data
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "::1"}).status_code == 200


def test_behind_a_proxy_only_the_proxy_machine_itself_may_scrape(make_config, tmp_path) -> None:
    """With ``[server] proxies`` the forwarded address is the client's; a forwarded
    request is never local, even when it claims a loopback client."""
    app = create_app(make_config(tmp_path, server={"proxies": 1}), {"TESTING": True})
    client = app.test_client()
    for forwarded in ("203.0.113.9", "127.0.0.1"):
        refused = client.get("/metrics", headers={"X-Forwarded-For": forwarded})
        assert refused.status_code == 403
    assert client.get("/metrics").status_code == 200  # a scraper on the proxy's host


def test_with_a_token_it_is_required_from_anywhere(config, engine) -> None:
    client = create_app(config, {"TESTING": True, "METRICS_TOKEN": TOKEN}).test_client()
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"}):
        refused = client.get("/metrics", headers=headers)
        assert refused.status_code == 401
        assert refused.headers["WWW-Authenticate"].startswith("Bearer")
        assert b"syndicator_" not in refused.data
    bearer = {"Authorization": f"Bearer {TOKEN}"}
    assert client.get("/metrics", headers=bearer, environ_base=REMOTE).status_code == 200
    assert client.get("/metrics").status_code == 401  # loopback too: the token is the rule


def test_a_short_token_stops_the_start(runner, config_file, monkeypatch) -> None:
    with pytest.raises(ConfigError, match=METRICS_TOKEN_ENV):
        metrics.token({METRICS_TOKEN_ENV: "x" * 31})
    with pytest.raises(ConfigError):
        metrics.token({METRICS_TOKEN_ENV: " " * 40})
    assert metrics.token({METRICS_TOKEN_ENV: "x" * 32}) == "x" * 32
    assert metrics.token({}) is None
    monkeypatch.setenv(METRICS_TOKEN_ENV, "short")
    for command in ("serve", "run"):
        result = runner.invoke(cli, ["--config", str(config_file), command, "--port", "0"])
        assert result.exit_code == 2, result.output
        assert METRICS_TOKEN_ENV in result.output
        assert len(result.output.strip().splitlines()) == 1


def test_the_shared_directory_is_fresh_and_orphans_are_removed(tmp_path: Path) -> None:
    """A directory whose maker died (kill -9) goes at the next start; a live one stays."""
    dead = tmp_path / f"{metrics.DIR_PREFIX}999999999-abc"
    dead.mkdir()
    (dead / "counter_999999999.db").write_bytes(b"old")
    alive = tmp_path / f"{metrics.DIR_PREFIX}{os.getpid()}-abc"
    alive.mkdir()
    code = (
        "import os, sys; from syndicator import metrics; "
        "path = metrics.use_directory(sys.argv[1]); "
        "metrics.PASSES.inc(role='published'); "
        "print(path, os.environ[metrics.DIR_ENV] == path, sorted(os.listdir(path)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, check=True
    )
    path, announced, files = done.stdout.split(" ", 2)
    assert announced == "True" and Path(path).parent == tmp_path
    assert "counter_" in files  # multiprocess mode: the value lives in the shared directory
    assert not dead.exists() and alive.exists()
    assert (Path(path).stat().st_mode & 0o777) == 0o700


def test_the_directory_comes_before_any_metric() -> None:
    metrics.PASSES.value(role="published")  # prometheus_client is in use in this process
    with pytest.raises(RuntimeError, match="before any metric"):
        metrics.use_directory()
