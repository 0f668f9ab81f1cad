"""One store connection per request, behind a get/close pair.

Views call :func:`get_conn`; the connection is closed when the request
ends, so no view ever opens or leaks one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from flask import Flask, current_app, g
from sqlalchemy.engine import Connection, Engine

from .. import store
from ..config import Config


def get_config() -> Config:
    return current_app.extensions["syndicator.config"]


def get_engine() -> Engine:
    return current_app.extensions["syndicator.engine"]


#: ``app.extensions`` key of a callable giving "now" (tests move it; default: the wall clock).
CLOCK_KEY = "syndicator.clock"


def get_now() -> datetime:
    """Now in the paper's zone: what is due, what is embargoed, when a session expires."""
    clock: Callable[[], datetime] | None = current_app.extensions.get(CLOCK_KEY)
    return clock() if clock is not None else datetime.now(get_config().tz)


def get_conn() -> Connection:
    if "conn" not in g:
        g.conn = get_engine().connect()
    return g.conn


def close_conn(_exc: BaseException | None = None) -> None:
    conn = g.pop("conn", None)
    if conn is not None:
        conn.close()


def init_app(app: Flask) -> None:
    config: Config = app.extensions["syndicator.config"]
    engine = store.create_store_engine(config.store_url, busy_timeout=config.store.busy_timeout)
    if not app.config.get("STORE_READY"):  # a server's worker: its supervisor did this
        store.init_schema(engine)
    app.extensions["syndicator.engine"] = engine
    app.teardown_appcontext(close_conn)
