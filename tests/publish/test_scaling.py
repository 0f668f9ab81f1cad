"""Two `syndicator run` processes on one PostgreSQL store, as in production.

Both tick every second on the same grid. The test proves from their JSON
logs that passes never overlap, checks that both serve the same bytes,
then kills the publisher with SIGKILL and times how long the survivor
takes to publish the next new article.
"""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from support.paths import SAMPLE_PAGE
from support.sampledata import SHANGHAI

from syndicator import store
from syndicator.model import Article, Block

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

INTERVAL = 1
RUN_SECONDS = 10


def _write_config(tmp_path: Path, name: str, url: str, port: int) -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(
        f'[store]\nurl = "{url}"\n'
        f'[output]\ndir = "{tmp_path / name / "feeds"}"\n'
        f'[server]\nhost = "127.0.0.1"\nport = {port}\n'
        '[site]\nbase_url = "https://feeds.example.com"\n'  # the same public URL for both
        f"[scheduler]\ninterval = {INTERVAL}\n[feeds]\nlimit = 200\n",
        encoding="utf-8",
    )
    return path


class Instance:
    """`syndicator run` on ``port``, logging JSON to ``<name>.log``."""

    def __init__(
        self, tmp_path: Path, name: str, url: str, *, port: int, exe: str, env: dict[str, str]
    ) -> None:
        self.name = name
        self.port = port
        self.base = f"http://127.0.0.1:{self.port}"
        self.config = _write_config(tmp_path, name, url, self.port)
        self.log_path = tmp_path / f"{name}.log"
        self.log = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            [
                exe,
                "-v",
                "--log-format",
                "json",
                "--config",
                str(self.config),
                "run",
            ],
            stdout=self.log,
            stderr=subprocess.STDOUT,
            env=env,
        )

    def get(self, path: str) -> tuple[int, bytes, dict[str, str]]:
        try:
            with urllib.request.urlopen(self.base + path, timeout=2) as response:
                return response.status, response.read(), dict(response.headers)
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read(), dict(exc.headers)

    def wait_up(self, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.log_path.read_text(errors="replace")
            try:
                if self.get("/healthz")[0] == 200:
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.1)
        pytest.fail(f"{self.name} did not come up")

    def events(self) -> list[dict]:
        out = []
        for line in self.log_path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if record.get("event") == "pass":
                out.append(record)
        return out

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


@pytest.fixture
def start_instance(tmp_path, free_port, venv_bin, child_env):
    """A factory: ``start_instance(name, store_url)``, an instance on a free port."""

    def start(name: str, url: str) -> Instance:
        return Instance(
            tmp_path, name, url, port=free_port(), exe=venv_bin("syndicator"), env=child_env()
        )

    return start


def _article(n: int) -> Article:
    now = datetime.now(SHANGHAI) - timedelta(seconds=1)
    return Article(
        id=f"zjgrrb-20210830-05-{n:02d}",
        edition=now.date(),
        title=f"实时稿件{n}",
        published_at=now,
        updated_at=now,
        page=5,
        seq=n,
        body=(Block("paragraph", text=f"第{n}篇。"),),
    )


def _feed_ids(instance: Instance) -> list[str]:
    status, body, _ = instance.get("/feeds/all/feed.json")
    if status != 200:
        return []
    return [i["url"].rsplit("/", 1)[1] for i in json.loads(body)["items"]]


def test_two_instances_take_turns_and_the_survivor_takes_over(
    start_instance, child_env, venv_bin, tmp_path, pg_database
) -> None:
    url = pg_database()
    engine = store.create_store_engine(url)
    a = start_instance("a", url)
    b = start_instance("b", url)
    instances = [a, b]
    try:
        subprocess.run(
            [
                venv_bin("syndicator"),
                "--config",
                str(a.config),
                "import",
                "--page",
                "1",
                str(SAMPLE_PAGE),
            ],
            check=True,
            env=child_env(),
            capture_output=True,
        )
        a.wait_up()
        b.wait_up()

        # Many intervals with articles arriving all the time.
        added = []
        deadline = time.monotonic() + RUN_SECONDS
        n = 0
        while time.monotonic() < deadline:
            n += 1
            with engine.begin() as conn:
                store.save_articles(conn, [_article(n)], now=datetime.now(SHANGHAI))
            added.append(f"zjgrrb-20210830-05-{n:02d}")
            time.sleep(0.4)
        # Both instances converge on the same bytes (and ETags) within a few intervals.
        deadline = time.monotonic() + 5 * INTERVAL
        while time.monotonic() < deadline:
            answers = [i.get("/feeds/all/feed.json") for i in instances]
            bodies = {body for _, body, _ in answers}
            etags = {headers.get("ETag") for _, _, headers in answers}
            ids = [i["url"].rsplit("/", 1)[1] for i in json.loads(answers[0][1])["items"]]
            if len(bodies) == 1 and set(added) <= set(ids):
                break
            time.sleep(0.2)
        assert len(bodies) == 1 and len(etags) == 1, etags
        assert len(ids) == len(set(ids)) and set(added) <= set(ids)

        # Exactly one pass at a time: no two "published" ticks overlap.
        published = sorted(
            (
                datetime.fromisoformat(e["started_at"]),
                datetime.fromisoformat(e["finished_at"]),
                e["instance"],
            )
            for i in instances
            for e in i.events()
            if e["role"] == "published"
        )
        for (_s1, f1, who1), (s2, _f2, who2) in itertools.pairwise(published):
            assert s2 >= f1, f"{who2} started a pass at {s2} while {who1}'s ran until {f1}"
        followed = [e for i in instances for e in i.events() if e["role"] in ("synced", "current")]
        by = {e[2] for e in published}
        assert len(published) >= RUN_SECONDS // INTERVAL, len(published)
        assert followed, "no tick ever found the lock taken"
        with engine.connect() as conn:  # the store's own records agree
            rows = conn.execute(store.passes.select().order_by(store.passes.c.started_at)).all()
        for r1, r2 in itertools.pairwise(rows):
            assert r2.started_at >= r1.finished_at
        assert {r.instance for r in rows} <= by

        # Kill -9 whoever published last; the other publishes the next article.
        last = published[-1][2]
        victim = next(i for i in instances if f":{i.proc.pid}" in last)
        survivor = next(i for i in instances if i is not victim)
        os.kill(victim.proc.pid, signal.SIGKILL)
        victim.proc.wait()
        t0 = time.monotonic()
        wall0 = datetime.now(SHANGHAI)
        n += 1
        with engine.begin() as conn:
            store.save_articles(conn, [_article(n)], now=datetime.now(SHANGHAI))
        new_id = f"zjgrrb-20210830-05-{n:02d}"
        while new_id not in _feed_ids(survivor):
            assert time.monotonic() - t0 < 5 * INTERVAL, survivor.log_path.read_text()[-3000:]
            time.sleep(0.02)
        seen_after = time.monotonic() - t0
        # The tick logs after its files are in place: give the line a moment.
        takeover = []
        while not takeover and time.monotonic() - t0 < 5 * INTERVAL:
            takeover = [
                datetime.fromisoformat(e["started_at"])
                for e in survivor.events()
                if e["role"] == "published"
                and e.get("added", 0) >= 1
                and datetime.fromisoformat(e["finished_at"]) >= wall0
            ]
            time.sleep(0.05)
        assert takeover, survivor.events()[-5:]
        took_over = max(min(takeover), wall0)
        pass_after = (took_over - wall0).total_seconds()
        print(
            f"\npasses: {len(published)} by {sorted(by)}; follower ticks: {len(followed)}; "
            f"takeover: pass began {pass_after:.3f}s and the article was served "
            f"{seen_after:.3f}s after it was saved (interval {INTERVAL}s)"
        )
        assert pass_after <= INTERVAL + 0.25
    finally:
        for instance in instances:
            instance.stop()
        engine.dispose()
