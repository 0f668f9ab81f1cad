"""``/static/``: the pages' CSS and JS, with a ``Last-Modified`` that is a real date.

Flask dates a static file by its mtime. Reproducible builds and some
package stores set every file's mtime to a fixed old value (``1`` in the
Nix store, ``SOURCE_DATE_EPOCH=0`` builds): the app would then say
``Last-Modified: Thu, 01 Jan 1970``, which reads as a broken clock and
makes every If-Modified-Since revalidation meaningless. A file whose mtime
is older than :data:`PLAUSIBLE` is dated by the newest believable mtime
among the package's files (when the package was built or installed);
when no file has one, no ``Last-Modified`` is sent and the ETag alone
validates (better no date than a false one).
"""

from __future__ import annotations

import functools
import os
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask, Response, current_app, send_from_directory
from werkzeug.security import safe_join

#: Nothing in this package was written before this: an older mtime is a stamp, not a date.
PLAUSIBLE = datetime(2000, 1, 1, tzinfo=UTC).timestamp()
PACKAGE = Path(__file__).resolve().parent.parent


@functools.cache
def package_time(root: Path = PACKAGE) -> float | None:
    """The newest believable mtime among the package's files, once per process."""
    newest = None
    for path in root.rglob("*"):
        try:
            mtime = path.stat().st_mtime
        except OSError:
            continue
        if mtime >= PLAUSIBLE and (newest is None or mtime > newest):
            newest = mtime
    return newest


def file_date(path: str) -> float | None:
    """When ``path`` last changed, as a timestamp; ``None`` when nothing believable is known."""
    try:
        mtime = os.stat(path).st_mtime
    except (OSError, ValueError):  # ValueError: a NUL in the name (``/static/%00``)
        return None
    return mtime if mtime >= PLAUSIBLE else package_time()


def send_static(filename: str) -> Response:
    """Flask's static view, dated by :func:`file_date`."""
    folder = str(current_app.static_folder)
    path = safe_join(folder, filename)
    modified = file_date(path) if path is not None else None
    response = send_from_directory(
        folder,
        filename,
        max_age=current_app.get_send_file_max_age(filename),
        last_modified=modified,
    )
    if modified is None:
        response.headers.pop("Last-Modified", None)
    return response


def init_app(app: Flask) -> None:
    if app.has_static_folder:
        app.view_functions["static"] = send_static
