"""What counting and logging a request costs, against the fast path's own answer.

Calls the WSGI app directly (no server, no socket) with a conditional GET
of a published feed, a 304 from memory, the cheapest request there is:
bare (the fast path alone), with its request counter (:mod:`.web.access_log`
without the log line) and with both, in one process and in prometheus_client's
multiprocess mode (values in memory-mapped files, as under ``run``). Prints
microseconds per request and the ratio to the bare answer measured in the
same run (best of nine rounds of 10,000, the variants taking turns).

    python bench/bench_observe.py
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROUNDS, CALLS = 9, 10_000


def measure() -> dict[str, float]:
    """Microseconds per request: bare, +metrics, +metrics+log (in this process's mode)."""
    sys.path.insert(0, str(ROOT / "tests"))
    from support import configs, sampledata

    from syndicator import store
    from syndicator.publish.scheduler import Publisher
    from syndicator.web import create_app

    now = datetime(2021, 9, 2, 12, tzinfo=sampledata.SHANGHAI)
    root = Path(tempfile.mkdtemp())
    apps = {}
    for name in ("bare", "metrics", "log"):
        (root / name).mkdir()
        config = configs.make_config(root / name, log={"access": name == "log"})
        engine = store.create_store_engine(config.store_url)
        store.init_schema(engine)
        with engine.begin() as conn:
            store.save_articles(conn, sampledata.load_articles(), now=now)
        Publisher(engine, config, clock=lambda: now).tick()
        fast = create_app(config, {"TESTING": True}).wsgi_app
        if name == "bare":
            fast.log = None  # the fast path as it was: no counter, no line
        else:
            fast.log.stream = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
        apps[name] = fast
    headers: dict[str, str] = {}
    start = _recorder(headers)
    b"".join(apps["bare"](_environ(), start))
    etag = headers["ETag"]
    out = dict.fromkeys(apps, float("inf"))
    for _ in range(ROUNDS):  # in turns, so that a busy moment hits every variant alike
        for name, app in apps.items():
            began = time.perf_counter()
            for _ in range(CALLS):
                app(_environ(etag), start)
            out[name] = min(out[name], (time.perf_counter() - began) / CALLS * 1e6)
    return out


def _environ(etag: str | None = None) -> dict[str, str]:
    env = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/feeds/all/rss.xml",
        "HTTP_ACCEPT_ENCODING": "gzip",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_USER_AGENT": "wrk",
    }
    if etag:
        env["HTTP_IF_NONE_MATCH"] = etag
    return env


def _recorder(headers: dict[str, str]):
    def start(_status: str, sent: list[tuple[str, str]], _exc: object = None) -> None:
        headers.update(sent)

    return start


def main() -> None:
    if sys.argv[1:] == ["--child"]:
        print(json.dumps(measure()))
        return
    rows = []
    for mode in ("one process", "multiprocess"):
        env = dict(os.environ)
        env.pop("PROMETHEUS_MULTIPROC_DIR", None)
        if mode == "multiprocess":
            env["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="bench-observe-")
        done = subprocess.run(
            [sys.executable, __file__, "--child"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        rows.append((mode, json.loads(done.stdout.strip().splitlines()[-1])))
    print(f"{'fast path 304, µs/request':28} {'bare':>8} {'+metrics':>10} {'+log':>10}")
    for mode, got in rows:
        bare = got["bare"]
        print(
            f"{mode:28} {bare:8.2f} {got['metrics']:6.2f} ({got['metrics'] / bare:.1f}×)"
            f" {got['log']:6.2f} ({got['log'] / bare:.1f}×)"
        )


if __name__ == "__main__":
    main()
