"""Targets 1 and 5: polls against nginx on the same files, and the server's memory.

A site of 1,000 articles (125 editions of eight) in 20 channels of 50
items is published once; nginx (``gzip_static``, keep-alive) and
``syndicator serve`` then serve the same output dir. wrk loads each in
turn, alternating, with GETs cycling over all 60 feed documents:

- *poll*: ``If-None-Match`` with the tag each server gave, so every answer
  is a 304 (checked before the runs);
- *gzip*: a full GET accepting gzip, so every answer is the compressed
  feed (``gzip_static`` for nginx, the precompressed twin for us).

The median requests/s of each server gives the ratio. The peak resident
memory of the server's process tree is sampled during its runs.
"""

from __future__ import annotations

import statistics
import urllib.request
from datetime import datetime
from pathlib import Path

import procs
import synth
from sites import fill_and_publish, make_site
from table import Row

FORMATS = ("rss.xml", "atom.xml", "feed.json")
NOW = datetime(2015, 6, 1, 12, 0, tzinfo=synth.SHANGHAI)
MEMORY_BOUND_MB = 150.0


def _targets(base: str, channels: list[str]) -> tuple[list[tuple[str, str]], list[str]]:
    """``(path, etag)`` of every feed document as this server tags its gzip variant."""
    polls, full = [], []
    for channel in channels:
        for name in FORMATS:
            path = f"/feeds/{channel}/{name}"
            request = urllib.request.Request(base + path, headers={"Accept-Encoding": "gzip"})
            with urllib.request.urlopen(request, timeout=5) as response:
                assert response.status == 200, path
                assert response.headers["Content-Encoding"] == "gzip", (base, path)
                etag = response.headers["ETag"]
            check = urllib.request.Request(
                base + path, headers={"Accept-Encoding": "gzip", "If-None-Match": etag}
            )
            try:
                urllib.request.urlopen(check, timeout=5)
                raise AssertionError(f"{base}{path}: no 304 for its own ETag")
            except urllib.error.HTTPError as exc:
                assert exc.code == 304, (base, path, exc.code)
            polls.append((path, etag))
            full.append(path)
    return polls, full


def measure(tmp: Path, *, rounds: int = 3, seconds: float = 4.0) -> list[Row]:
    site = make_site(tmp / "site", procs.free_port())
    fill_and_publish(site, editions=125, per_edition=8, now=NOW)
    channels = [c.name for c in site.config.channels]
    assert len(channels) == 20
    rates: dict[tuple[str, str], list[float]] = {}
    peak = 0
    with (
        procs.nginx(site.output, tmp / "nginx") as nginx_base,
        procs.syndicator(site.config_path) as (ours_base, proc),
    ):
        servers = {"nginx": _targets(nginx_base, channels), "ours": _targets(ours_base, channels)}
        bases = {"nginx": nginx_base, "ours": ours_base}
        for mode in ("poll", "gzip"):
            for _ in range(rounds):
                for name in ("nginx", "ours"):
                    polls, full = servers[name]
                    targets = polls if mode == "poll" else [(p, "") for p in full]
                    sampler = procs.RssSampler(proc.pid) if name == "ours" else None
                    if sampler:
                        sampler.__enter__()
                    try:
                        result = procs.wrk(bases[name], targets, tmp, seconds=seconds)
                    finally:
                        if sampler:
                            sampler.__exit__(None, None, None)
                            peak = max(peak, sampler.peak)
                    if result.errors:
                        raise RuntimeError(f"wrk errors against {name}:\n{result.output}")
                    rates.setdefault((mode, name), []).append(result.requests_per_s)
    med = {key: statistics.median(values) for key, values in rates.items()}
    return [
        Row(
            "1 polls: If-None-Match 304s/s",
            med[("poll", "ours")],
            med[("poll", "nginx")],
            "req/s",
            0.3,
            True,
            "syndicator serve vs nginx, 60 feeds of 20 channels, keep-alive, "
            f"median of {rounds} alternating {seconds:g}s wrk runs",
        ),
        Row(
            "1 polls: full gzip 200s/s",
            med[("gzip", "ours")],
            med[("gzip", "nginx")],
            "req/s",
            0.3,
            True,
            "50-item channels, vs nginx gzip_static",
        ),
        Row(
            "5 memory: server RSS peak",
            peak / 1e6,
            MEMORY_BOUND_MB,
            "MB",
            1.0,
            False,
            "process tree of syndicator serve during the poll runs, 20 channels",
        ),
    ]
