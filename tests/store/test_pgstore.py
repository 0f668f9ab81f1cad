"""Without PostgreSQL its tests skip on a laptop, and fail in CI.

CI sets ``SYNDICATOR_REQUIRE_POSTGRES=1`` (``.ci/run``) because a skip there
would report the store as tested on PostgreSQL when it was not. These tests
run pytest itself on a PostgreSQL store test against a loopback port that
nothing listens on, with and without the variable.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from support.paths import ROOT
from support.pgstore import REQUIRE_ENV


@pytest.fixture
def run_without_server(child_env, free_port):
    """A function: run a PostgreSQL store test where no server listens, with
    ``SYNDICATOR_REQUIRE_POSTGRES`` set to ``require`` (or unset for None)."""

    def run(require: str | None) -> subprocess.CompletedProcess:
        env = child_env()
        env["SYNDICATOR_TEST_POSTGRES"] = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/x"
        env.pop(REQUIRE_ENV, None)
        if require is not None:
            env[REQUIRE_ENV] = require
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-p",
                "no:cacheprovider",
                "-q",
                "-rs",
                "tests/store/test_store.py",
                "-m",
                "postgres",
                "-k",
                "test_save_articles",
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    return run


def test_required_postgres_unreachable_fails_naming_the_problem(run_without_server) -> None:
    result = run_without_server("1")
    out = result.stdout + result.stderr
    assert result.returncode == 1, out
    assert f"{REQUIRE_ENV} is set, so this test must run, but PostgreSQL is unreachable" in out, out
    assert " error" in out.splitlines()[-1] and "skipped" not in out.splitlines()[-1], out


def test_unreachable_postgres_skips_saying_how_to_enable(run_without_server) -> None:
    for require in (None, "0"):
        result = run_without_server(require)
        out = result.stdout + result.stderr
        assert result.returncode == 0, out
        assert "skipped" in out.splitlines()[-1] and "error" not in out.splitlines()[-1], out
        assert "start PostgreSQL on 127.0.0.1:5432" in out, out
        assert f"CI sets {REQUIRE_ENV}=1 to make this a failure" in out, out


def test_ci_requires_postgres() -> None:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert f"export {REQUIRE_ENV}=1" in script
    assert script.index(f"export {REQUIRE_ENV}=1") < script.index("make test")
