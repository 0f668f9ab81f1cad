"""Issue 11: desk pages on a 100,000-article store answer with p99 < 100 ms.

The store is a paper of many years: editions of 8 to 40 articles
(:func:`synth.edition_sizes`, about 4,200 days for 100,000 articles),
each with its masthead, one article in 97 withdrawn and one in 89 a
draft, and an audit trail as imports leave it (an ``import`` entry per
article, a ``correct`` entry for one in 20), so the trail is as long as
the store. A staff user signs in over HTTP (the login form, its CSRF
token, the session cookie) to ``syndicator serve``, and one client asks
each page in turn over a keep-alive connection: ``warmup`` rounds, then
``rounds`` timed ones. Rows take turns within a round, so a busy moment
of the machine falls on all of them alike. The edition and article rows
cycle through the :data:`SAMPLES` biggest editions (40 articles, spread
over the years: the worst case of a page that lists a day) and their
longest articles, so no page is one hot row of the database's cache.
Each row is a page's p99 (nearest rank) against the 100 ms bound;
``/healthz`` from the same server (one small query) is the reference for
what the machine and the server add by themselves.
"""

from __future__ import annotations

import http.client
import math
import random
import re
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlencode

import procs
import synth
from sites import make_site
from table import Row

from syndicator import store
from syndicator.actions import accounts
from syndicator.model import Edition
from syndicator.store.schema import audit_log

BOUND_MS = 100.0
#: Different editions or articles each row cycles through.
SAMPLES = 25
USER = "bench"
PASSWORD = "bench-desk-password"
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


# -- the store -----------------------------------------------------------------------


@dataclass(frozen=True)
class Paper:
    """What a filled store holds, for choosing pages to ask for."""

    days: list[date]  # oldest first
    sizes: list[int]  # articles of each day's edition
    audit_ids: int  # entries in the trail

    def biggest_days(self, count: int) -> list[date]:
        """The days of the ``count`` biggest editions (40 articles in a big store),
        spread over the years: the edition pages' worst case."""
        biggest = sorted(range(len(self.days)), key=lambda i: (-self.sizes[i], i))[:count]
        return [self.days[i] for i in biggest]

    def big_articles(self, count: int, *, photo: bool = False) -> list[str]:
        """One article of each of the ``count`` biggest editions: the longest,
        or the longest with a photo."""
        samples = synth.sample_articles()
        numbers = [n for n in range(synth.PER_PAGE) if samples[n].images or not photo]
        longest = max(numbers, key=lambda n: len(samples[n].plain_text))
        return [synth.synthetic_article(day, longest).id for day in self.biggest_days(count)]


def _status(serial: int) -> str:
    if serial % 97 == 0:
        return "withdrawn"
    if serial % 89 == 0:
        return "draft"
    return "published"


def fill_paper(engine, total: int, *, now: datetime, seed: int = 11) -> Paper:
    """``total`` articles in editions of 8 to 40, with mastheads and an audit trail."""
    sizes = synth.edition_sizes(total, 8, 40, seed=seed)
    days: list[date] = []
    serial = 0
    audit = 0
    chunk = 60  # editions per transaction: about 1,500 articles
    for first in range(0, len(sizes), chunk):
        with store.transaction(engine) as conn:
            batch = []
            for index in range(first, min(first + chunk, len(sizes))):
                day = synth.edition_day(index)
                days.append(day)
                store.save_edition(
                    conn,
                    Edition(
                        date=day,
                        paper="浙江工人日报",
                        issue_number=10000 + index,
                        weekday=f"星期{'一二三四五六日'[day.weekday()]}",
                    ),
                )
                for number in range(sizes[index]):
                    serial += 1
                    article = synth.synthetic_article(day, number)
                    article = article.replace(status=_status(serial))
                    batch.append(article)
            store.save_articles(conn, batch, now=now)
            # The trail an import leaves, written in bulk (record_audit's
            # row shape; one INSERT per entry would add minutes).
            rows = [
                {
                    "at": a.published_at,
                    "actor": "cli:bench",
                    "action": "import",
                    "article_id": a.id,
                    "note": f"zjgrrb-{a.edition:%Y-%m-%d}-p{a.page}.txt",
                    "before": None,
                    "after": {"title": a.title, "page": a.page, "seq": a.seq},
                }
                for a in batch
            ]
            rows += [
                {
                    "at": a.published_at,
                    "actor": "desk:editor1",
                    "action": "correct",
                    "article_id": a.id,
                    "note": None,
                    "before": {"kicker": None},
                    "after": {"kicker": "本报讯"},
                }
                for i, a in enumerate(batch)
                if i % 20 == 3
            ]
            conn.execute(audit_log.insert(), rows)
            audit += len(rows)
    return Paper(days=days, sizes=sizes, audit_ids=audit)


# -- a signed-in client ----------------------------------------------------------------


class DeskClient:
    """A browser's part, over one keep-alive connection: cookies, the CSRF token, timings."""

    def __init__(self, base: str) -> None:
        host, port = base.removeprefix("http://").split(":")
        self.host, self.port = host, int(port)
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict | None = None
    ) -> tuple[int, bytes, float]:
        """Status, body and the milliseconds from sending to the last byte read."""
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.perf_counter()
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            # A server may close a keep-alive connection; a browser opens another.
            self.conn.close()
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
            started = time.perf_counter()
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            data = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        for header in response.msg.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, data, elapsed

    def close(self) -> None:
        self.conn.close()

    def sign_in(self, name: str, password: str) -> None:
        status, page, _ = self.request("GET", "/desk/login")
        match = _TOKEN.search(page.decode())
        if status != 200 or not match:
            raise RuntimeError(f"desk: no login form at /desk/login ({status})")
        form = urlencode({"name": name, "password": password, "csrf_token": match.group(1)})
        status, page, _ = self.request(
            "POST",
            "/desk/login",
            form.encode(),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
        if status != 302:
            raise RuntimeError(f"desk: sign-in refused ({status}): {page[:300]!r}")


# -- the pages -------------------------------------------------------------------------


def _targets(paper: Paper, seed: int = 11) -> list[tuple[str, str, list[str]]]:
    """(row name, what it shows, paths it cycles through)."""
    rng = random.Random(seed)
    days = paper.days
    big_days = paper.biggest_days(SAMPLES)
    # Archive pages: a big day's page with the list of editions from far back.
    paging = [f"/desk/editions/{d}?before={rng.choice(days[1:])}" for d in big_days]
    ids = paper.big_articles(SAMPLES)
    with_photo = paper.big_articles(SAMPLES, photo=True)
    article = "the longest article of a biggest edition"
    deep_audit = [
        f"/desk/audit?before={rng.randrange(100, paper.audit_ids)}" for _ in range(SAMPLES)
    ]
    return [
        ("/desk/", "the latest edition", ["/desk/"]),
        (
            "/desk/editions/<day>",
            "a biggest edition, years back",
            [f"/desk/editions/{d}" for d in big_days],
        ),
        ("/desk/editions/<day>?before=", "the same, archive list paged back", paging),
        ("/desk/articles/<id>", article, [f"/desk/articles/{i}" for i in ids]),
        (
            "/desk/articles/<id>/edit",
            f"{article}, its edit form",
            [f"/desk/articles/{i}/edit" for i in ids],
        ),
        (
            "/desk/articles/<id>/photos",
            "an article with a photo, its photos",
            [f"/desk/articles/{i}/photos" for i in with_photo],
        ),
        ("/desk/audit", "the trail's newest page", ["/desk/audit"]),
        ("/desk/audit?before=", "a page deep in the trail", deep_audit),
        ("/desk/import", "the upload form", ["/desk/import"]),
        ("/healthz", "reference: one small query, same server", ["/healthz"]),
    ]


def percentile(values: list[float], share: float) -> float:
    """Nearest rank: the smallest value at least ``share`` of them do not exceed."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def time_pages(
    client: DeskClient, targets: list[tuple[str, str, list[str]]], *, rounds: int, warmup: int
) -> dict[str, list[float]]:
    """Each row's timings; rows take turns within a round."""
    times: dict[str, list[float]] = {name: [] for name, _, _ in targets}
    for r in range(warmup + rounds):
        for name, _, paths in targets:
            path = paths[r % len(paths)]
            status, body, ms = client.request("GET", path)
            if status != 200:
                raise RuntimeError(f"desk: {path} answered {status}: {body[:300]!r}")
            if r >= warmup:
                times[name].append(ms)
    return times


def measure(tmp: Path, *, total: int = 100_000, rounds: int = 200, warmup: int = 20) -> list[Row]:
    site = make_site(tmp / "site", procs.free_port(), channels=1)
    now = datetime.now(synth.SHANGHAI)
    engine = synth.open_store(site.config)
    try:
        started = time.perf_counter()
        paper = fill_paper(engine, total, now=now)
        filled = time.perf_counter() - started
        accounts.add_user(engine, USER, "editor", PASSWORD, actor="bench", now=now)
    finally:
        engine.dispose()
    print(
        f"bench: desk: {total:,} articles in {len(paper.days):,} editions, "
        f"{paper.audit_ids:,} audit entries, filled in {filled:.0f}s",
        file=sys.stderr,
    )
    targets = _targets(paper)
    with procs.syndicator(site.config_path, "serve") as (base, _proc):
        client = DeskClient(base)
        try:
            client.sign_in(USER, PASSWORD)
            times = time_pages(client, targets, rounds=rounds, warmup=warmup)
        finally:
            client.close()
    rows = []
    for name, shows, _ in targets:
        ms = times[name]
        rows.append(
            Row(
                f"desk: {name} p99",
                percentile(ms, 0.99),
                BOUND_MS,
                "ms",
                1.0,
                False,
                f"{shows}; p50 {statistics.median(ms):.1f} ms, p95 {percentile(ms, 0.95):.1f} ms,"
                f" max {max(ms):.1f} ms, {len(ms)} requests",
            )
        )
    return rows
