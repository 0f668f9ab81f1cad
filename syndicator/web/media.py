"""Serve the newsroom's photos from the media store: ``/media/<name>`` and its thumbnail.

A name is the SHA-256 of the photo's bytes, so what a URL serves never
changes: the answer may be cached for a year as ``immutable`` (browsers
do not even revalidate on reload), its ETag is the hash itself (strong,
the same on every instance), and a client that asks again with it gets a
304. Anything that is not a content name of a photo in the store is a
404, before any path is built from it.

Feeds are not slowed: the fast path in front of Flask (:mod:`.fastpath`)
answers ``/feeds/`` only and hands ``/media/`` on to this blueprint.
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response, abort, current_app, send_file

from ..errors import InputError, NotFoundError
from ..store.media import MediaStore, media_type

bp = Blueprint("media", __name__)

STORE_KEY = "syndicator.media"
#: A year, and ``immutable``: the bytes behind a content name never change.
CACHE_CONTROL = "public, max-age=31536000, immutable"
MAX_AGE = 31_536_000


def get_media_store() -> MediaStore:
    """The app's media store (``[media] dir``), for views that show or take photos."""
    return current_app.extensions[STORE_KEY]


@bp.route("/media/<name>", methods=["GET", "HEAD"])
def serve_media(name: str) -> Response:
    return _serve(name, thumb=False)


@bp.route("/media/thumbs/<name>", methods=["GET", "HEAD"])
def serve_thumb(name: str) -> Response:
    return _serve(name, thumb=True)


def _serve(name: str, *, thumb: bool) -> Response:
    try:
        path = get_media_store().open(name, thumb=thumb)
    except (InputError, NotFoundError):
        abort(404)
    digest = name.split(".", 1)[0]
    response = send_file(
        path,
        mimetype="image/jpeg" if thumb else media_type(name),
        # The thumbnail's bytes are made from the photo's: its own tag.
        etag=f"{digest}-thumb" if thumb else digest,
        conditional=True,
        max_age=MAX_AGE,
    )
    response.headers["Cache-Control"] = CACHE_CONTROL
    return response


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    config = app.extensions["syndicator.config"]
    app.extensions[STORE_KEY] = MediaStore(config.media_dir)
