"""Response headers that keep a hostile article from doing harm in a browser.

Every response says ``X-Content-Type-Options: nosniff``. HTML responses
(the edition list, the preview pages, ``wechat.html``) also carry a strict
Content-Security-Policy: scripts only from this origin (the Copy button's
``static/copy.js``; no inline script, no ``eval``), images from anywhere
over http(s) (articles show the paper's pictures), styles from this origin
plus inline ``style`` attributes (a WeChat post is nothing but inline
styles), and no frames, forms, plugins or ``<base>``. So even markup that
slipped past the importer's sanitiser could not run.
"""

from __future__ import annotations

from flask import Flask, Response

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' https: http:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    )
)


def add_headers(response: Response) -> Response:
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    if response.mimetype == "text/html":
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
    return response


def init_app(app: Flask) -> None:
    app.after_request(add_headers)
