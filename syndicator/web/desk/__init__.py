"""The newsroom desk: run the day's paper from a browser, signed in.

Server-rendered pages under ``/desk/`` over the same use cases as the CLI
and the ingest API (``actions``), so a withdrawal from the desk is the
withdrawal ``syndicator withdraw`` makes, audited the same way. Staff sign
in with their own account; the API token stays for machines.

One blueprint, one module per job: :mod:`.session` (who is signed in,
CSRF, headers), :mod:`.auth` (sign in and out), :mod:`.editions` (the
day's pages), :mod:`.articles` (one article: status, WeChat, history),
:mod:`.users` (accounts, for admins), :mod:`.audit` (the trail).
"""

from __future__ import annotations

from flask import Flask

from . import (  # noqa: F401 (each adds its views to bp)
    articles,
    audit,
    auth,
    edit,
    editions,
    imports,
    labels,
    photos,
    users,
)
from .session import bp, init_session


def init_app(app: Flask) -> None:
    init_session(app)
    app.register_blueprint(bp)
