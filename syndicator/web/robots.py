"""``/robots.txt``: crawlers are welcome to the feeds and the reader pages, not to the
newsroom's desk, the ingest API or the operators' endpoints.

The desk also says ``X-Robots-Tag: noindex`` and needs a login, and the API
a token; robots.txt keeps polite crawlers from knocking at all (and from
counting against the login limits). It is advice, never access control.
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response

bp = Blueprint("robots", __name__)

ROBOTS_TXT = """\
# Feeds (/feeds/) and the reader pages are for everyone.
# The newsroom's desk, the ingest API and the operators' endpoints are not.
User-agent: *
Disallow: /desk/
Disallow: /api/
Disallow: /metrics
Disallow: /healthz
Allow: /
"""
#: A day: the file changes only with a release.
MAX_AGE = 86_400


@bp.route("/robots.txt", methods=["GET", "HEAD"])
def robots_txt() -> Response:
    response = Response(ROBOTS_TXT, content_type="text/plain; charset=utf-8")
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE
    return response


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
