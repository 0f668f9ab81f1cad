"""The web app's one error boundary: short answers in the reader's language.

Flask's own 404 and 405 pages are English HTML ("check your spelling").
A reader who mistypes a feed URL, or follows a link to an article that is
not out yet, gets one line of Chinese instead; an API client gets JSON, as
from every other ``/api/`` answer, including while the API is off.

Errors the library raises on purpose are mapped here and nowhere else:
bad input is 400 (naming the field), an id that names nothing 404, a
store that is down or locked 503 with ``Retry-After`` (the feeds are
still served from their files meanwhile). No view catches them itself.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, current_app, jsonify, request
from werkzeug.exceptions import HTTPException

from ..errors import InputError, NotFoundError, StoreError, SyndicatorError

log = logging.getLogger(__name__)

MESSAGES = {404: "未找到", 405: "不支持此请求方法", 413: "上传的文件太大"}
#: Seconds a client is asked to wait before trying a store that is away.
STORE_RETRY_AFTER = 10


def _for_api() -> bool:
    return request.path == "/api" or request.path.startswith("/api/")


def _answer(exc: HTTPException) -> Response:
    status = exc.code or 500
    if _for_api():
        if not current_app.extensions.get("syndicator.api_token"):
            status, message = 404, "the ingest API is off: set SYNDICATOR_API_TOKEN to turn it on"
        else:
            message = exc.description or exc.name
        response = jsonify({"error": message})
        response.status_code = status
    else:
        text = f"{MESSAGES.get(status, exc.name)}：{request.path[:80]}\n"
        response = Response(text, status=status, content_type="text/plain; charset=utf-8")
    for key, value in exc.get_headers():
        if key == "Allow":  # a 405 says what is allowed
            response.headers["Allow"] = value
    return response


def _library_error(exc: SyndicatorError) -> Response:
    """A library error as an answer: the status its kind means, one line or JSON."""
    fields: dict[str, object] = {}
    if isinstance(exc, StoreError):
        log.error("web: %s", exc)
        status, message, text = (
            503,
            "the store is unavailable; try again",
            "稿库暂时无法访问，请稍后刷新",
        )
    elif isinstance(exc, NotFoundError):
        status, message, text = 404, str(exc), f"{MESSAGES[404]}：{request.path[:80]}"
    elif isinstance(exc, InputError):
        status, message, text = 400, str(exc), str(exc)
        fields = {"field": exc.field, "line": exc.line}
    else:
        log.error("web: %s", exc)
        status, message, text = 500, str(exc), "服务器出错，请稍后再试"
    if _for_api():
        response = jsonify({"error": message, **fields})
        response.status_code = status
    else:
        response = Response(text + "\n", status=status, content_type="text/plain; charset=utf-8")
    if status == 503:
        response.headers["Retry-After"] = str(STORE_RETRY_AFTER)
    return response


def init_app(app: Flask) -> None:
    for status in MESSAGES:
        app.register_error_handler(status, _answer)
    app.register_error_handler(SyndicatorError, _library_error)
