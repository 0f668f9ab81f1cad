"""WebSub publish pings against local hubs written here (real HTTP on loopback)."""

from __future__ import annotations

import functools
import socket
import time
from collections import Counter
from datetime import datetime, timedelta

import pytest
from support.sampledata import SHANGHAI

from syndicator import store
from syndicator.actions.passes import announce_changes
from syndicator.integrations import websub
from syndicator.publish.scheduler import Publisher

NOW = datetime(2021, 9, 1, 12, 0, tzinfo=SHANGHAI)


@pytest.fixture
def hub_config(tmp_path, make_config):
    """A factory: a config with two channels pinging ``hub_urls``, retrying after 50 ms."""

    def make(hub_urls, **feeds):
        return make_config(
            tmp_path,
            channels={"economy": {"section": "经济"}, "yaowen": {"section": "要闻"}},
            feeds={"hubs": hub_urls, "hub_retry_delay": 0.05, **feeds},
        )

    return make


def _save(engine, articles, now=NOW) -> None:
    with engine.begin() as conn:
        store.save_articles(conn, articles, now=now)


def test_pass_changing_two_channels_pings_each_feed_once_per_hub(
    hub_config, load_articles, engine, tmp_path, local_hub
) -> None:
    one, two = local_hub(), local_hub()
    config = hub_config([one.url, two.url])
    pinger = websub.Pinger.from_config(config).start()
    try:
        _save(engine, load_articles())
        Publisher(
            engine, config, lambda: NOW, functools.partial(announce_changes, pinger, config)
        ).tick()
        assert pinger.wait_idle(5)
        first = {url for _mode, url in one.pings}
        assert len(first) == len(one.pings) == 9  # all, economy, yaowen x 3 formats
        one.pings.clear()
        two.pings.clear()

        # A correction to the economy article changes two channels: all and economy.
        article = load_articles()[0]
        fixed_at = NOW + timedelta(hours=1)
        _save(engine, [article.replace(title="杭州湾新区重大项目集中开工")], now=fixed_at)
        Publisher(
            engine, config, lambda: fixed_at, functools.partial(announce_changes, pinger, config)
        ).tick()
        # A pass that changes nothing pings nobody.
        Publisher(
            engine,
            config,
            lambda: fixed_at + timedelta(minutes=1),
            functools.partial(announce_changes, pinger, config),
        ).tick()
        assert pinger.wait_idle(5)
    finally:
        pinger.stop()
    base = config.site.base_url
    expected = Counter(
        ("publish", f"{base}/feeds/{channel}/{name}")
        for channel in ("all", "economy")
        for name in ("rss.xml", "atom.xml", "feed.json")
    )
    assert Counter(one.pings) == expected
    assert Counter(two.pings) == expected


def test_hub_that_hangs_does_not_delay_the_pass_or_other_hubs(
    hub_config, articles, engine, tmp_path, local_hub, monkeypatch
) -> None:
    # A pass that waited for this hub would take the whole 30 s timeout.
    monkeypatch.setattr(websub, "TIMEOUT", 30.0)
    # Accepts connections (the kernel's backlog) but never answers.
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)
    live = local_hub()
    config = hub_config([f"http://127.0.0.1:{silent.getsockname()[1]}/", live.url])
    _save(engine, articles)
    pinger = websub.Pinger.from_config(config).start()
    try:
        started = time.monotonic()
        Publisher(
            engine, config, lambda: NOW, functools.partial(announce_changes, pinger, config)
        ).tick()
        assert time.monotonic() - started < 10.0
        deadline = time.monotonic() + 3
        while len(live.pings) < 9 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(live.pings) == 9  # the live hub was served while the other hung
    finally:
        pinger.stop(timeout=0.1)
        silent.close()


def test_failed_ping_is_retried_with_backoff_until_the_hub_answers(tmp_path, local_hub) -> None:
    flaky = local_hub(fail=(503, 502))
    pinger = websub.Pinger([flaky.url], attempts=5, retry_delay=0.05).start()
    topic = "http://127.0.0.1:8080/feeds/all/atom.xml"
    try:
        started = time.monotonic()
        pinger.publish([topic])
        assert pinger.wait_idle(5)
        elapsed = time.monotonic() - started
    finally:
        pinger.stop()
    assert flaky.pings == [("publish", topic)] * 3
    assert elapsed >= 0.05 + 0.1  # waited 0.05 s, then 0.1 s (doubled)


def test_ping_to_a_hub_that_is_down_is_retried_then_given_up(caplog) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{s.getsockname()[1]}/"  # nothing listens after this
    calls: list[str] = []

    def send(hub: str, topic: str) -> int:
        calls.append(topic)
        return websub.post_publish(hub, topic)

    pinger = websub.Pinger([closed], attempts=3, retry_delay=0.01, send=send).start()
    try:
        pinger.publish(["http://127.0.0.1:8080/feeds/all/rss.xml"])
        assert pinger.wait_idle(5)
    finally:
        pinger.stop()
    assert len(calls) == 3
    assert "giving up" in caplog.text


def test_client_errors_are_not_retried(local_hub) -> None:
    hub = local_hub(fail=(400,))
    pinger = websub.Pinger([hub.url], attempts=5, retry_delay=0.01).start()
    try:
        pinger.publish(["http://127.0.0.1:8080/feeds/all/rss.xml"])
        assert pinger.wait_idle(5)
    finally:
        pinger.stop()
    assert len(hub.pings) == 1


def test_changed_topics_are_subscription_documents_only(hub_config, tmp_path) -> None:
    config = hub_config([])
    written = [
        "all/rss.xml",
        "economy/feed.json",
        "all/archive/2021-09-01/atom.xml",
        "opml.xml",
        "feed.xsl",
        "gone/rss.xml",
    ]
    assert websub.changed_topics(config, written) == [
        "http://127.0.0.1:8080/feeds/all/rss.xml",
        "http://127.0.0.1:8080/feeds/economy/feed.json",
    ]
