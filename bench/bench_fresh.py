"""Target 2: every affected feed serves a new article within a second of its due time.

``syndicator run`` serves a site of 1,000 articles in 20 channels with
the shipped scheduler settings. Fifty more articles, all in one section,
are saved with due times over the next seconds: half ``spacing`` apart,
half a millisecond apart, as an imported edition's articles are
(``model.release_time``), which fall due while a pass runs; a poller asks
the six affected feeds (``all`` and the section's channel, three formats
each) every 20 ms with ``If-None-Match`` and notes when each article
first appears in each. An article's delay is the time from its due time
until the last of its six feeds carried it; the row is the p99 of the
fifty delays (nearest rank: the worst of them), bounded by ``timeout``.
An article served before its due time fails the row.
"""

from __future__ import annotations

import dataclasses
import http.client
import json
import math
import sys
import time
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path

import procs
import synth
from sites import fill_and_publish, make_site
from table import Row

from syndicator import store

FORMATS = ("rss.xml", "atom.xml", "feed.json")
BOUND_S = 1.0
COUNT = 50


class Poller:
    """Conditional GETs over one keep-alive connection."""

    def __init__(self, base: str) -> None:
        host, port = base.removeprefix("http://").split(":")
        self.conn = http.client.HTTPConnection(host, int(port), timeout=5)
        self.etags: dict[str, str] = {}

    def get(self, path: str) -> bytes | None:
        """The body when it changed since the last call, else ``None``."""
        headers = {"If-None-Match": self.etags[path]} if path in self.etags else {}
        try:
            self.conn.request("GET", path, headers=headers)
            response = self.conn.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            return None
        if response.status != 200:
            return None
        self.etags[path] = response.getheader("ETag") or ""
        return body


TOKEN = "bench-token-" + "0123456789abcdef" * 2  # 32 or more: the service refuses less


def _post(base: str, article) -> None:  # type: ignore[no-untyped-def]
    body = json.dumps(article.to_dict(), ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(
        f"{base}/api/articles",
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200, response.status


def _api_delays(base: str, paths: list[str], *, timeout: float, spacing: float) -> list[float]:
    """POST one article at a time (due at once); seconds until all feeds carry it."""
    poller = Poller(base)
    for path in paths:
        poller.get(path)
    delays = []
    day = datetime.now(synth.SHANGHAI).date()
    for i in range(COUNT):
        article = synth.synthetic_article(
            day, 400 + i, published_at=datetime.now(synth.SHANGHAI) - timedelta(seconds=1)
        ).replace(section=synth.SECTIONS[0])
        started = time.time()
        _post(base, article)
        waiting = set(paths)
        deadline = started + timeout
        while waiting and time.time() < deadline:
            for path in sorted(waiting):
                body = poller.get(path)
                if body is not None and article.id.encode() in body:
                    waiting.discard(path)
            if waiting:
                time.sleep(0.01)
        delays.append(time.time() - started if not waiting else math.inf)
        time.sleep(spacing)
    return sorted(delays)


def _row(name: str, delays: list[float], timeout: float, note: str) -> Row:
    p99 = delays[math.ceil(0.99 * len(delays)) - 1]
    return Row(
        name,
        p99 if math.isfinite(p99) else timeout,
        BOUND_S,
        "s",
        1.0,
        False,
        f"{note}; median {delays[len(delays) // 2]:.2f}s"
        + ("" if math.isfinite(p99) else f"; some never served within {timeout:g}s"),
    )


def measure(tmp: Path, *, timeout: float = 90.0, spacing: float = 0.2) -> list[Row]:
    start_clock = datetime.now(synth.SHANGHAI)
    site = make_site(tmp / "site", procs.free_port(), extra="[api]\nrate_limit = 100000\n")
    fill_and_publish(site, editions=125, per_edition=8, now=start_clock)
    config = site.config
    section_channel = next(c for c in config.channels if c.section == synth.SECTIONS[0])
    paths = [f"/feeds/{ch}/{name}" for ch in ("all", section_channel.name) for name in FORMATS]
    env = {"SYNDICATOR_API_TOKEN": TOKEN}
    with procs.syndicator(site.config_path, "run", env=env) as (base, _proc):
        poller = Poller(base)
        for path in paths:
            poller.get(path)
        # Fifty articles of today's edition, due from 2 s from now: one after
        # another, then a burst 1 ms apart.
        first_due = datetime.now(synth.SHANGHAI) + timedelta(seconds=2)
        burst_at = first_due + timedelta(seconds=COUNT // 2 * spacing + 1)
        due_times = [first_due + timedelta(seconds=i * spacing) for i in range(COUNT // 2)]
        due_times += [burst_at + timedelta(milliseconds=i) for i in range(COUNT - len(due_times))]
        day = first_due.date()
        articles = [
            synth.synthetic_article(day, 200 + i, published_at=at).replace(
                section=synth.SECTIONS[0]
            )
            for i, at in enumerate(due_times)
        ]
        engine = synth.open_store(config)
        with store.transaction(engine) as conn:
            store.save_articles(conn, articles, now=datetime.now(synth.SHANGHAI))
        engine.dispose()
        due = {a.id: a.published_at.timestamp() for a in articles}
        seen: dict[tuple[str, str], float] = {}
        deadline = time.time() + COUNT * spacing + timeout
        while len(seen) < COUNT * len(paths) and time.time() < deadline:
            for path in paths:
                body = poller.get(path)
                if body is None:
                    continue
                now = time.time()
                for article_id in due:
                    if (article_id, path) not in seen and article_id.encode() in body:
                        seen[(article_id, path)] = now
            time.sleep(0.02)
        api = _api_delays(base, paths, timeout=timeout / 3, spacing=spacing)
    missing = sorted({p for i in due for p in paths if (i, p) not in seen})
    if missing:
        print(f"bench: fresh: never served in {missing}", file=sys.stderr)
    delays = sorted(max(seen.get((i, p), math.inf) for p in paths) - due[i] for i in due)
    # First sight in any feed before the due time (less a millisecond of clock rounding).
    early = sum(min(seen.get((i, p), math.inf) for p in paths) < due[i] - 0.001 for i in due)
    fresh = _row(
        "2 freshness: due → served, p99",
        delays,
        timeout,
        f"{COUNT} articles: half due {spacing:g}s apart, half 1 ms apart;"
        f" 6 affected feeds polled every 20 ms; {early} served early",
    )
    if early:
        fresh = dataclasses.replace(fresh, measured=timeout)
    return [
        fresh,
        _row(
            "2 freshness: API POST → served, p99",
            api,
            timeout / 3,
            f"{COUNT} articles POSTed one at a time to /api/articles, due at once",
        ),
    ]
