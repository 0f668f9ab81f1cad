"""The command starts light: its heavy libraries load only in the commands that use them.

Every ``syndicator`` process pays for what importing :mod:`syndicator.cli`
loads, and so does each granian worker, which re-imports the console
script before it imports the app: ``init`` run by ``serve``, the CLI in
scripts and cron jobs, a worker starting while a terminal's Ctrl-C may
arrive. When the use-case layer moved in, one module-level import made
``import syndicator.cli`` load SQLAlchemy, APScheduler, Flask and the
renderers, ten times the time.
"""

from __future__ import annotations

import json
import subprocess
import sys

#: Libraries a command loads when it needs them, never at start.
HEAVY = {"sqlalchemy", "alembic", "apscheduler", "flask", "werkzeug", "feedgen", "lxml", "granian"}


def test_importing_the_cli_loads_none_of_the_heavy_libraries() -> None:
    code = "import json, sys, syndicator.cli; print(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd="/"
    )
    loaded = {name.split(".")[0] for name in json.loads(done.stdout)}
    assert loaded & HEAVY == set()
    assert "syndicator.actions" not in json.loads(done.stdout)


def test_the_web_worker_loads_no_scheduler_and_no_outside_clients() -> None:
    """granian's worker imports the app at every start (and a terminal's Ctrl-C
    may come meanwhile): it saves and serves, and needs neither APScheduler nor
    the WebSub and WeChat clients, which run in the supervising process, nor
    the e-paper parser."""
    code = "import json, sys, syndicator.web; print(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd="/"
    )
    loaded = json.loads(done.stdout)
    assert not [m for m in loaded if m.split(".")[0] == "apscheduler"]
    assert not [m for m in loaded if m.startswith(("syndicator.integrations", "syndicator.cli"))]
    assert "syndicator.actions.articles" in loaded  # the API's use cases, and only those
    assert "syndicator.ingest.epaper" not in loaded  # the API takes JSON, not page text
