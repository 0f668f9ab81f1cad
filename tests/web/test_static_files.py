"""``/static/`` says when a file really changed, never 1970.

Reproducible builds and package stores stamp every file with an old fixed
mtime (1 in the Nix store, SOURCE_DATE_EPOCH=0); Flask would send it as
``Last-Modified: Thu, 01 Jan 1970``.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

import pytest


def _get(client, path: str, **headers: str):
    response = client.get(path, headers=headers)
    response.close()
    return response


def test_a_static_file_is_dated_by_its_mtime(app, client) -> None:
    path = os.path.join(app.static_folder, "app.css")
    response = _get(client, "/static/app.css")
    assert response.status_code == 200
    mtime = datetime.fromtimestamp(int(os.stat(path).st_mtime), UTC)
    assert response.headers["Last-Modified"] == format_datetime(mtime, usegmt=True)
    again = _get(
        client, "/static/app.css", **{"If-Modified-Since": response.headers["Last-Modified"]}
    )
    assert again.status_code == 304


@pytest.mark.parametrize("stamp", [0, 1, 315532800])  # SOURCE_DATE_EPOCH=0, Nix, a zip's 1980
def test_a_file_stamped_by_a_reproducible_build_gets_the_package_date(
    app, client, tmp_path, stamp
) -> None:
    folder = tmp_path / "static"
    folder.mkdir()
    (folder / "app.css").write_text("body { color: #222; }\n", encoding="utf-8")
    os.utime(folder / "app.css", (stamp, stamp))
    app.static_folder = str(folder)
    response = _get(client, "/static/app.css")
    assert response.status_code == 200
    modified = parsedate_to_datetime(response.headers["Last-Modified"])
    assert modified.year >= 2000, response.headers["Last-Modified"]
    from syndicator.web import static_files

    built = static_files.package_time()
    assert built is not None
    assert modified == datetime.fromtimestamp(int(built), UTC)


def test_without_any_believable_date_no_last_modified_is_sent(
    app, client, tmp_path, monkeypatch
) -> None:
    folder = tmp_path / "static"
    folder.mkdir()
    (folder / "app.css").write_text("body {}\n", encoding="utf-8")
    os.utime(folder / "app.css", (1, 1))
    app.static_folder = str(folder)
    from syndicator.web import static_files

    monkeypatch.setattr(static_files, "package_time", lambda: None)
    response = _get(client, "/static/app.css")
    assert response.status_code == 200
    assert "Last-Modified" not in response.headers
    assert response.headers["ETag"]  # the tag still validates
