"""The lock files pin every dependency pyproject.toml names, at a version it allows.

``make run`` installs exactly what ``requirements.lock`` says and ``make test``
what ``requirements-test.lock`` says; ``make lock`` writes both from
pyproject.toml. A dependency added to or re-bounded in pyproject.toml (the
``test`` extra included) without ``make lock`` fails here, as does a lock
edited by hand into anything but exact pins.
"""

from __future__ import annotations

import importlib.metadata
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
RUNTIME = [Requirement(line) for line in PROJECT["dependencies"]]
TEST = RUNTIME + [Requirement(line) for line in PROJECT["optional-dependencies"]["test"]]
LOCKS = {"requirements.lock": RUNTIME, "requirements-test.lock": TEST}


def parse_lock(text: str) -> tuple[dict[str, Version], list[str]]:
    """The pins of a lock file by canonical name, and its lines that are not ``name==version``."""
    pins: dict[str, Version] = {}
    problems = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        try:
            req = Requirement(line)
        except InvalidRequirement:
            problems.append(f"line {number}: not a requirement: {line}")
            continue
        specs = list(req.specifier)
        exact = (
            len(specs) == 1
            and specs[0].operator == "=="
            and not specs[0].version.endswith("*")
            and not (req.extras or req.url or req.marker)
        )
        name = canonicalize_name(req.name)
        if not exact:
            problems.append(f"line {number}: not an exact pin: {line}")
        elif name in pins:
            problems.append(f"line {number}: {name} pinned twice")
        else:
            pins[name] = Version(specs[0].version)
    return pins, problems


def unmet(requirements: list[Requirement], pins: dict[str, Version]) -> list[str]:
    """The requirements (and their extras' own) that ``pins`` leaves out or pins out of range."""
    out = []
    for req in requirements:
        if req.marker is not None and not req.marker.evaluate():
            continue
        name = canonicalize_name(req.name)
        pinned = pins.get(name)
        if pinned is None:
            out.append(f"{req}: not in the lock")
            continue
        if not req.specifier.contains(pinned, prereleases=True):
            out.append(f"{req}: the lock pins {pinned}")
        out += [f"{req}: {problem}" for problem in _unmet_extras(req, pinned, pins)]
    return out


def _unmet_extras(req: Requirement, pinned: Version, pins: dict[str, Version]) -> list[str]:
    """What ``req``'s extras (``psycopg[binary]``) add, from the installed metadata.

    Only when the installed version is the pinned one: otherwise this
    environment was not installed from the lock and cannot say.
    """
    if not req.extras:
        return []
    try:
        dist = importlib.metadata.distribution(req.name)
    except importlib.metadata.PackageNotFoundError:
        return []
    if Version(dist.version) != pinned:
        return []
    wanted = [Requirement(line) for line in dist.requires or ()]
    needed = [
        Requirement(f"{r.name}{r.specifier}")
        for r in wanted
        if r.marker is not None
        and any(r.marker.evaluate({"extra": extra}) for extra in req.extras)
        and not r.marker.evaluate({"extra": ""})
    ]
    return unmet(needed, pins)


def read_lock(name: str) -> tuple[dict[str, Version], list[str]]:
    path = ROOT / name
    if not path.exists():
        pytest.fail(f"{name} is missing: run `make lock`")
    return parse_lock(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", LOCKS)
def test_every_line_is_an_exact_pin(name: str) -> None:
    _pins, problems = read_lock(name)
    assert problems == [], f"{name} (rewrite it with `make lock`)"


@pytest.mark.parametrize("name", LOCKS)
def test_every_dependency_is_pinned_within_its_bounds(name: str) -> None:
    pins, _problems = read_lock(name)
    assert unmet(LOCKS[name], pins) == [], f"{name} is stale: run `make lock`"


def test_the_test_lock_has_the_runtime_lock_s_versions() -> None:
    runtime, _ = read_lock("requirements.lock")
    test, _ = read_lock("requirements-test.lock")
    differ = {name: (v, test.get(name)) for name, v in runtime.items() if test.get(name) != v}
    assert differ == {}, "run `make lock`"


def test_the_checks_find_a_broken_lock() -> None:
    pins, problems = parse_lock(
        "# made by hand\nflask>=3.0\ngranian==2.8.*\nfeedgen==0.9.0\n"
        "psycopg[binary]==3.2.0\n-e .\nclick==8.1.0\nclick==8.1.7\n"
    )
    assert len(problems) == 5
    assert pins == {"feedgen": Version("0.9.0"), "click": Version("8.1.0")}
    reqs = [Requirement("feedgen>=1.0,<1.1"), Requirement("click>=8.1"), Requirement("nh3")]
    stale = unmet(reqs, pins)
    assert len(stale) == 2
    assert stale[0].startswith("feedgen") and stale[0].endswith("the lock pins 0.9.0")
    assert stale[1] == "nh3: not in the lock"
