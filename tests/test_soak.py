"""A few seconds of bench/soak.py: mixed polling and API writes, no 5xx, nothing lost.

Memory must come from the server's whole process tree: ``syndicator run``
serves requests in a granian worker it spawns, and a soak that sampled
only the main pid would call memory flat while the worker grew.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from support.paths import ROOT

pytestmark = pytest.mark.slow


def test_short_soak_has_no_errors(child_env) -> None:
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "soak.py"),
            "--seconds",
            "4",
            "--rate",
            "80",
            "--json",
        ],
        capture_output=True,
        text=True,
        env=child_env(),
        timeout=120,
    )
    report = json.loads(result.stdout)
    assert result.returncode == 0, report
    assert report["5xx"] == 0 and report["errors"] == {}
    assert report["requests"] > 100 and report["articles_live"] > 0
    assert report["missing_from_feed"] == [] and report["duplicates_in_feed"] == []
    processes = report["processes"]
    assert len(processes) > 1, processes
    assert {"main", "worker"} <= set(processes.values()), processes
    parts = report["rss_kib_by_process"]
    assert parts["main"]["max"] > 0 and parts["worker"]["max"] > 0, parts
    assert report["rss_kib"]["end"] == sum(m["end"] for m in parts.values()), report["rss_kib"]
