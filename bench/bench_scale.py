"""Target 6: import and publish 1,000 editions, and import the sample page.

1,000 e-paper page files (the sample page printed on 1,000 days: about
8,000 articles) are imported with one ``syndicator import`` and
published with one ``syndicator publish``, as an operator loading a
back catalogue would; the wall time of both commands is the row. The
sample page's import time comes from ``bench_import`` (parsing, median
of many runs) plus saving it into a fresh store.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import procs
import synth
from sites import make_site
from table import Row

from syndicator import store
from syndicator.ingest import ImportOptions, load_file

BOUND_S = 60.0
PAGE_BOUND_MS = 100.0


def _cli(config: Path, *args: str, timeout: float) -> float:
    started = time.perf_counter()
    result = subprocess.run(
        [str(procs.VENV_BIN / "syndicator"), "--config", str(config), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    if result.returncode != 0:
        raise RuntimeError(f"syndicator {args[0]} failed:\n{result.stdout}{result.stderr}")
    return time.perf_counter() - started


def sample_import_ms(tmp: Path, runs: int = 20) -> float:
    """Parse and save the sample page into a fresh store, median of ``runs``."""
    times = []
    for i in range(runs):
        site = make_site(tmp / f"page{i}", 8080, channels=1)
        engine = synth.open_store(site.config)
        started = time.perf_counter()
        parsed = load_file(synth.SAMPLE_PAGE, ImportOptions(tz=synth.SHANGHAI, page=1))
        with store.transaction(engine) as conn:
            store.save_edition(conn, parsed.edition)
            store.save_articles(conn, parsed.articles, now=datetime.now(synth.SHANGHAI))
        times.append(time.perf_counter() - started)
        engine.dispose()
    return statistics.median(times) * 1000


def sample_cli_ms(tmp: Path, runs: int = 5) -> float:
    """``syndicator import`` of the sample page as a command, start to exit
    (interpreter start and library imports included), median of ``runs``."""
    times = []
    for i in range(runs):
        site = make_site(tmp / f"cli{i}", 8080, channels=1)
        _cli(site.config_path, "init", timeout=60)
        times.append(
            _cli(site.config_path, "import", "--page", "1", str(synth.SAMPLE_PAGE), timeout=60)
        )
    return statistics.median(times) * 1000


def measure(tmp: Path, *, editions: int = 1000) -> list[Row]:
    site = make_site(tmp / "site", 8080, channels=1)
    pages = synth.write_pages(tmp / "pages", editions)
    _cli(site.config_path, "init", timeout=60)
    imported = _cli(site.config_path, "import", "--page", "1", *map(str, pages), timeout=600)
    now = datetime.combine(synth.edition_day(editions), datetime.min.time(), synth.SHANGHAI)
    published = _cli(site.config_path, "publish", "--now", now.isoformat(), timeout=900)
    page_ms = sample_import_ms(tmp)
    cli_ms = sample_cli_ms(tmp)
    print(
        f"bench: scale: import {imported:.1f}s, publish {published:.1f}s",
        file=sys.stderr,
    )
    return [
        Row(
            f"6 scale: import+publish {editions:,} eds",
            imported + published,
            BOUND_S,
            "s",
            1.0,
            False,
            f"{editions * 8:,} articles: import {imported:.1f}s + publish {published:.1f}s",
        ),
        Row(
            "6 scale: sample page import",
            page_ms,
            PAGE_BOUND_MS,
            "ms",
            1.0,
            False,
            f"parse + save into a fresh store, median; the command end to end {cli_ms:.0f} ms",
        ),
    ]
