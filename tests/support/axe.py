"""axe-core (Deque's accessibility engine, from npm) in a Playwright page.

The reader pages' Content-Security-Policy forbids inline script and eval,
which is how axe gets into a page and runs; the audit therefore uses a
browser context made with ``bypass_csp=True`` and nothing else. Every
other check of those pages runs under the real policy.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

#: The exact release the tests use, so a new rule cannot fail a build by surprise.
AXE_CORE = "axe-core@4.14.1"
#: Impacts that fail a page (axe's scale: minor, moderate, serious, critical).
FAILING = ("serious", "critical")


def install_axe(folder: Path) -> Path:
    """``npm install`` axe-core into ``folder``: the path of ``axe.min.js``.

    Skips the test when npm is missing (Debian: ``apt-get install npm``).
    """
    script = folder / "node_modules" / "axe-core" / "axe.min.js"
    if script.exists():
        return script
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("npm missing: `apt-get install npm` to run the axe-core accessibility audit")
    done = subprocess.run(
        [npm, "install", "--prefix", str(folder), "--no-save", "--no-audit", "--no-fund", AXE_CORE],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0 or not script.exists():
        pytest.fail(f"npm install {AXE_CORE} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return script


def audit(page: Any, script: Path) -> list[dict[str, Any]]:
    """axe's violations on the page as loaded (the page's context must bypass its CSP)."""
    page.add_script_tag(path=str(script))
    return page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )


def failing(violations: list[dict[str, Any]]) -> list[str]:
    """One line per serious or critical violation: rule, impact, the first offending nodes."""
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + "; ".join(" ".join(n["target"]) for n in v["nodes"][:3])
        for v in violations
        if v.get("impact") in FAILING
    ]
