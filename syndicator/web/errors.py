"""Answers for URLs no view takes: short, and in the reader's language.

Flask's own 404 and 405 pages are English HTML ("check your spelling").
A reader who mistypes a feed URL, or follows a link to an article that is
not out yet, gets one line of Chinese instead; an API client gets JSON, as
from every other ``/api/`` answer, including while the API is off.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, jsonify, request
from werkzeug.exceptions import HTTPException

MESSAGES = {404: "未找到", 405: "不支持此请求方法"}


def _answer(exc: HTTPException) -> Response:
    status = exc.code or 500
    if request.path == "/api" or request.path.startswith("/api/"):
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


def init_app(app: Flask) -> None:
    for status in MESSAGES:
        app.register_error_handler(status, _answer)
