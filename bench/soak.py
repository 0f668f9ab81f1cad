#!/usr/bin/env python3
"""Soak test: `syndicator serve` under mixed polling and API writes, on loopback only.

    python bench/soak.py --minutes 5            # the full soak, prints a table
    python bench/soak.py --seconds 5 --json     # a quick one (the test suite runs this)

It sets up a store in a temporary directory (SQLite, or ``--store`` a
PostgreSQL URL), imports the sample page, starts ``syndicator serve`` on
a free port of 127.0.0.1 with the ingest API on, beside a ``syndicator
run`` on another port that publishes into the same output dir (as nginx
serves what ``run`` writes; ``--command run`` loads the ``run`` instead),
and then, for the given
time, keeps ``--clients`` pollers busy at about ``--rate`` requests a
second in all (conditional GETs of the feeds as aggregators do, pages,
/healthz, /metrics, a few 404s) while a writer POSTs new articles,
corrections and withdrawals through the API, cycling through ``--pool``
article ids so that the data reaches a steady state. Every request loop is
bounded by the clock and by ``--max-requests``; nothing leaves the machine.

The server's resident memory is sampled every few seconds over its whole
process tree (``procs.RssSampler``): the main process runs the scheduler
and the passes, but requests are served by the granian worker it spawns,
so the main pid alone would miss a leak where the load is. At the end it
checks that every article posted (and not withdrawn) is in the feed once,
prints the table (memory as the tree's total, then each process) and
exits 1 if any request got a 5xx or failed, or if the tree or any of its
processes grew by more than ``--rss-growth`` after the warm-up (the first
fifth of the run). The temporary directory is removed unless the run
failed or ``--keep`` is given.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from datetime import datetime, timedelta, timezone
from pathlib import Path

from procs import RssSampler, free_port

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "demo" / "zjgrrb-2021-08-30-p1.txt"
HOST = "127.0.0.1"  # loopback only, always
TOKEN = "soak-" + os.urandom(16).hex()  # 37 characters: the service refuses under 32
BEIJING = timezone(timedelta(hours=8))
#: The memory figures reported and checked: the process tree's total, then its parts
#: (the tracker is multiprocessing's resource tracker, started with the worker).
RSS_ROLES = ("total", "main", "worker", "tracker")


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.status: Counter[tuple[str, int]] = Counter()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: Counter[str] = Counter()

    def add(self, kind: str, status: int, seconds: float) -> None:
        with self.lock:
            self.status[(kind, status)] += 1
            if len(self.latency[kind]) < 200_000:
                self.latency[kind].append(seconds)

    def error(self, kind: str, exc: BaseException) -> None:
        with self.lock:
            self.errors[f"{kind}: {type(exc).__name__}"] += 1

    @property
    def total(self) -> int:
        return sum(self.status.values())


class Client:
    """One keep-alive connection; reconnects when the server closes it."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body: bytes | None = None, headers=None):
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=10)
            try:
                self.conn.request(method, path, body=body, headers=headers or {})
                response = self.conn.getresponse()
                data = response.read()
                if response.getheader("Connection", "").lower() == "close":
                    self.close()
                return response.status, data, response
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def poller(port: int, stop: threading.Event, stats: Stats, pace: float, budget, seed: int):
    rng = random.Random(seed)
    client = Client(port)
    etags: dict[str, str] = {}
    feeds = [f"/feeds/all/{n}" for n in ("rss.xml", "atom.xml", "feed.json")] + ["/feeds/opml.xml"]
    pages = ["/", "/articles/zjgrrb-20210830-01-01", "/editions/2021-08-30/1"]
    while not stop.is_set() and budget():
        roll = rng.random()
        if roll < 0.70:
            kind, path = "feed", rng.choice(feeds)
        elif roll < 0.88:
            kind, path = "page", rng.choice(pages)
        elif roll < 0.95:
            kind, path = "health", "/healthz"
        elif roll < 0.97:
            kind, path = "metrics", "/metrics"
        else:
            kind, path = "missing", rng.choice(["/feeds/nope.xml", "/articles/nope", "/feeds/../x"])
        headers = {"Accept-Encoding": "gzip"} if rng.random() < 0.5 else {}
        if kind == "feed" and path in etags and rng.random() < 0.8:
            headers["If-None-Match"] = etags[path]
        started = time.perf_counter()
        try:
            status, _data, response = client.request("GET", path, headers=headers)
        except OSError as exc:
            stats.error(kind, exc)
            time.sleep(0.05)
            continue
        stats.add(kind, status, time.perf_counter() - started)
        if kind == "feed" and status == 200 and "Content-Encoding" not in headers:
            etag = response.getheader("ETag")
            if etag:
                etags[path] = etag.replace("-gz", "")
        time.sleep(pace * rng.uniform(0.5, 1.5))
    client.close()


def writer(
    port: int, stop: threading.Event, stats: Stats, every: float, budget, seed: int, out, pool
):
    """Posts, corrections and withdrawals over a fixed pool of ids, so the data stays bounded.

    A steady state is what a memory check needs: the store, the feeds and
    the pages stop growing once the pool is full, and growth after that is
    the server's own.
    """
    rng = random.Random(seed)
    client = Client(port)
    ids = [f"soak-{seed}-{k:04d}" for k in range(pool)]
    live: set[str] = set()
    versions: Counter[str] = Counter()
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    while not stop.is_set() and budget():
        roll = rng.random()
        now = datetime.now(BEIJING) - timedelta(seconds=1)
        idle = [i for i in ids if i not in live]
        if live and (roll < 0.1 or (not idle and roll < 0.3)):
            target = rng.choice(sorted(live))
            kind, method, path, body = "withdraw", "DELETE", f"/api/articles/{target}", None
        else:
            if idle and (roll < 0.6 or len(live) < pool // 2):
                target, kind = rng.choice(idle), "post"
            else:
                target, kind = rng.choice(sorted(live)), "correct"
            versions[target] += 1
            n = versions[target]
            article = {
                "id": target,
                "edition": now.date().isoformat(),
                "title": f"压力测试稿件 {target} 第{n}版",
                "published_at": (now - timedelta(minutes=1)).isoformat(),
                "page": 7,
                "seq": 1,
                "byline": "本报讯 记者测试",
                "body": [{"type": "paragraph", "html": f"正文<strong>{n}</strong>。" * 30}],
                # Re-posting a withdrawn id means "publish it again": say so,
                # or the store keeps the editor's withdrawal.
                "status": "published",
            }
            method, path = "POST", "/api/articles"
            body = json.dumps(article, ensure_ascii=False).encode("utf-8")
        started = time.perf_counter()
        try:
            status, _data, _response = client.request(method, path, body=body, headers=headers)
        except OSError as exc:
            stats.error(kind, exc)
            time.sleep(0.1)
            continue
        stats.add(kind, status, time.perf_counter() - started)
        if status == 200:
            if kind == "withdraw":
                live.discard(target)
            else:
                live.add(target)
        time.sleep(every * rng.uniform(0.5, 1.5))
    out.extend(sorted(live))
    client.close()


def run(args: argparse.Namespace) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="syndicator-soak-"))
    port = free_port()
    store_url = args.store or f"sqlite:///{workdir / 'store.db'}"
    config = workdir / "config.toml"
    config.write_text(
        f'[store]\nurl = "{store_url}"\n[output]\ndir = "{workdir / "feeds"}"\n'
        f'[server]\nhost = "{HOST}"\nport = {port}\n[site]\nbase_url = "http://{HOST}:{port}"\n'
        f"[scheduler]\ninterval = {args.interval}\n[feeds]\nlimit = {args.pool + 20}\n"
        "[api]\nrate_limit = 100000\n",
        encoding="utf-8",
    )
    env = dict(os.environ, SYNDICATOR_API_TOKEN=TOKEN, PYTHONUNBUFFERED="1")
    env.pop("SYNDICATOR_CONFIG", None)
    base = [sys.executable, "-m", "syndicator", "--config", str(config)]
    for extra in (["init"], ["import", "--page", "1", str(SAMPLE)]):
        subprocess.run(base + extra, check=True, env=env, capture_output=True)
    log = (workdir / "server.log").open("wb")
    publisher = None
    if args.command == "serve":  # the passes happen beside the server under load
        publisher = subprocess.Popen(
            [*base, "run", "--port", str(free_port())],
            stdout=(workdir / "publisher.log").open("wb"),
            stderr=subprocess.STDOUT,
            env=env,
        )
    server = subprocess.Popen([*base, args.command], stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                probe = Client(port)
                if probe.request("GET", "/feeds/opml.xml")[0] == 200:
                    probe.close()
                    break
                probe.close()
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"server did not start; see {workdir / 'server.log'}")
            time.sleep(0.1)

        stats = Stats()
        stop = threading.Event()
        requests_left = [args.max_requests]
        lock = threading.Lock()

        def budget() -> bool:
            with lock:
                requests_left[0] -= 1
                return requests_left[0] > 0

        pace = args.clients / args.rate
        live: list[str] = []
        threads = [
            threading.Thread(target=poller, args=(port, stop, stats, pace, budget, i), daemon=True)
            for i in range(args.clients)
        ]
        threads.append(
            threading.Thread(
                target=writer,
                args=(port, stop, stats, args.write_every, budget, 1000, live, args.pool),
                daemon=True,
            )
        )
        with RssSampler(server.pid, period=args.sample_every, keep=True) as sampler:
            started = time.monotonic()
            for t in threads:
                t.start()
            while time.monotonic() - started < args.duration and server.poll() is None:
                time.sleep(min(0.5, max(0.01, args.duration - (time.monotonic() - started))))
            stop.set()
            for t in threads:
                t.join(15)
            elapsed = time.monotonic() - started

        # Every article still posted is in the feed exactly once, after one more pass.
        time.sleep(args.interval + 1)
        checker = Client(port)
        status, data, _ = checker.request("GET", "/feeds/all/feed.json")
        ids = (
            [i["url"].rsplit("/", 1)[1] for i in json.loads(data)["items"]] if status == 200 else []
        )
        checker.close()
        missing = sorted(set(live) - set(ids))
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        alive = server.poll() is None
    finally:
        for proc in (server, publisher):
            if proc is not None and proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(20)
                except subprocess.TimeoutExpired:
                    proc.kill()
        log.close()

    memory = sampler.summary(warm_after=args.duration * 0.2)
    growth = {
        role: round((m["end"] - m["warm"]) / max(1, m["warm"]), 3) for role, m in memory.items()
    }
    by_kind: dict[str, dict] = {}
    for (kind, status), count in stats.status.items():
        entry = by_kind.setdefault(kind, {"requests": 0, "codes": Counter()})
        entry["requests"] += count
        entry["codes"][status] += count
    for kind, entry in by_kind.items():
        lat = sorted(stats.latency[kind])
        entry["p50_ms"] = round(1000 * statistics.median(lat), 1) if lat else None
        entry["p99_ms"] = round(1000 * lat[int(0.99 * (len(lat) - 1))], 1) if lat else None
        entry["codes"] = dict(sorted(entry["codes"].items()))
    five_xx = sum(c for (_k, s), c in stats.status.items() if s >= 500)
    feed = by_kind.get("feed", {"codes": {}})["codes"]
    result = {
        "command": f"syndicator {args.command}",
        "seconds": round(elapsed, 1),
        "requests": stats.total,
        "requests_per_second": round(stats.total / elapsed, 1) if elapsed else 0,
        "5xx": five_xx,
        "errors": dict(stats.errors),
        "not_modified_ratio": round(
            feed.get(304, 0) / max(1, feed.get(200, 0) + feed.get(304, 0)), 3
        ),
        "by_kind": by_kind,
        "articles_live": len(live),
        "missing_from_feed": missing[:10],
        "duplicates_in_feed": duplicates[:10],
        "rss_kib": memory["total"],
        "rss_kib_by_process": {role: memory[role] for role in RSS_ROLES[1:]},
        "processes": {str(pid): role for pid, role in sorted(sampler.roles.items())},
        "rss_samples": [(round(x.at, 2), x.total // 1024) for x in sampler.samples],
        "rss_growth_after_warmup": growth["total"],
        "rss_growth_by_process": {role: growth[role] for role in RSS_ROLES[1:]},
        "server_alive": alive,
        "workdir": str(workdir),
    }
    result["ok"] = (
        five_xx == 0
        and not stats.errors
        and not missing
        and not duplicates
        and alive
        and max(growth.values()) <= args.rss_growth
    )
    if result["ok"] and not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
        result["workdir"] = None
    return result


def print_table(r: dict) -> None:
    print(
        f"soak of {r['command']}: {r['seconds']} s, {r['requests']} requests"
        f" ({r['requests_per_second']}/s)"
    )
    print(f"{'kind':<10}{'requests':>10}{'p50 ms':>9}{'p99 ms':>9}  codes")
    for kind, e in sorted(r["by_kind"].items()):
        codes = " ".join(f"{c}:{n}" for c, n in e["codes"].items())
        print(f"{kind:<10}{e['requests']:>10}{e['p50_ms']!s:>9}{e['p99_ms']!s:>9}  {codes}")
    print(f"5xx: {r['5xx']}   connection errors: {sum(r['errors'].values())} {r['errors'] or ''}")
    print(f"feed 304 ratio: {r['not_modified_ratio']}")
    rows = {"all processes": (r["rss_kib"], r["rss_growth_after_warmup"])}
    rows |= {k: (m, r["rss_growth_by_process"][k]) for k, m in r["rss_kib_by_process"].items()}
    print(f"RSS MiB ({len(r['processes'])} processes sampled)")
    for name, (m, growth) in rows.items():
        print(
            f"  {name:<14}start {m['start'] / 1024:6.1f}  after warm-up {m['warm'] / 1024:6.1f}  "
            f"end {m['end'] / 1024:6.1f}  max {m['max'] / 1024:6.1f}  "
            f"(growth after warm-up {100 * growth:.1f}%)"
        )
    print(
        f"articles live: {r['articles_live']}, missing from feed: {len(r['missing_from_feed'])}, "
        f"duplicated: {len(r['duplicates_in_feed'])}"
    )
    print("OK" if r["ok"] else "FAILED")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    length = parser.add_mutually_exclusive_group()
    length.add_argument("--minutes", type=float, help="how long to run (default 5)")
    length.add_argument("--seconds", type=float, help="how long to run, in seconds")
    parser.add_argument("--clients", type=int, default=6, help="polling threads (default 6)")
    parser.add_argument("--rate", type=float, default=150, help="target GETs per second in all")
    parser.add_argument("--write-every", type=float, default=0.5, help="seconds between writes")
    parser.add_argument("--interval", type=int, default=2, help="scheduler interval, seconds")
    parser.add_argument(
        "--pool", type=int, default=40, help="article ids the writer cycles through"
    )
    parser.add_argument("--store", help="store URL (default: SQLite in the temp dir)")
    parser.add_argument(
        "--command",
        choices=["serve", "run"],
        default="serve",
        help="the server under load (default serve, with a run publishing beside it)",
    )
    parser.add_argument("--max-requests", type=int, default=2_000_000, help="hard request cap")
    parser.add_argument("--sample-every", type=float, default=5.0, help="RSS sampling period")
    parser.add_argument(
        "--rss-growth", type=float, default=0.25, help="allowed growth after warm-up"
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (kept on failure)")
    args = parser.parse_args(argv)
    args.duration = args.seconds if args.seconds is not None else 60 * (args.minutes or 5)
    args.sample_every = min(args.sample_every, max(0.5, args.duration / 10))
    result = run(args)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print_table(result)
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
