"""Fixtures for the desk: an app with a movable clock, users, signed-in clients."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from support import desk
from support.sampledata import AFTER_EDITION


class Clock:
    """A clock a test moves by hand; the desk and the passes read it."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(AFTER_EDITION)


@pytest.fixture
def desk_app(config, engine, clock):
    from syndicator.web import create_app

    return create_app(config, {"TESTING": True, "CLOCK": clock})


@pytest.fixture
def editor(engine) -> str:
    desk.add_user(engine, "editor1", "editor")
    return "editor1"


@pytest.fixture
def admin(engine) -> str:
    desk.add_user(engine, "chief", "admin")
    return "chief"


@pytest.fixture
def editor_client(desk_app, editor):
    client = desk_app.test_client()
    assert desk.login(client, editor).status_code == 302
    return client


@pytest.fixture
def admin_client(desk_app, admin):
    client = desk_app.test_client()
    assert desk.login(client, admin).status_code == 302
    return client
