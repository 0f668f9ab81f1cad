"""The ingest API for the CMS: save articles, withdraw them.

``POST /api/articles`` takes exactly what ``syndicator import`` takes in a
JSON file (one article object, a list of them, or ``{"edition": …,
"articles": […]}``), validated and sanitised by the same importer and
saved in one transaction. ``DELETE /api/articles/<id>`` withdraws one.
A successful write asks the scheduler (in ``syndicator run``) for a pass
at once, so a new article is in the feeds within moments.

The API is off unless ``$SYNDICATOR_API_TOKEN`` holds a token: then every
``/api/`` URL answers 404, as if it did not exist. Requests carry
``Authorization: Bearer <token>``, compared in constant time; each client
address gets ``[api] rate_limit`` requests a minute (429 beyond, with
``Retry-After``) and bodies up to ``[api] max_body`` bytes (413 beyond;
a body sent without a length, chunked, must stay under it).
"""

from __future__ import annotations

import hmac
import logging
import math
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify, request
from werkzeug.exceptions import HTTPException

from .. import metrics
from ..actions.articles import parse_posted, save_parsed, withdraw_article
from .db import get_config, get_engine
from .errors import STORE_RETRY_AFTER

log = logging.getLogger(__name__)

bp = Blueprint("api", __name__, url_prefix="/api")

TRIGGER_KEY = "syndicator.trigger"
SOURCE = "<request>"


class RateLimiter:
    """A token bucket per client: ``per_minute`` requests, refilled continuously."""

    MAX_CLIENTS = 10_000

    def __init__(self, per_minute: int) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, client: str) -> float:
        """Spend one token; 0 when allowed, else the seconds until one is free."""
        now = time.monotonic()
        with self._lock:
            tokens, since = self._buckets.get(client, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - since) * self.rate)
            if tokens >= 1.0:
                self._buckets[client] = (tokens - 1.0, now)
                wait = 0.0
            else:
                self._buckets[client] = (tokens, now)
                wait = (1.0 - tokens) / self.rate
            if len(self._buckets) > self.MAX_CLIENTS:
                self._forget_idle(now)
        return wait

    def wait(self, client: str) -> float:
        """Seconds until ``client`` may try again (0: now), spending nothing."""
        now = time.monotonic()
        with self._lock:
            tokens, since = self._buckets.get(client, (self.capacity, now))
        tokens = min(self.capacity, tokens + (now - since) * self.rate)
        return 0.0 if tokens >= 1.0 else (1.0 - tokens) / self.rate

    def _forget_idle(self, now: float) -> None:
        full = self.capacity / self.rate
        for key, (_tokens, since) in list(self._buckets.items()):
            if now - since >= full:
                del self._buckets[key]


def init_app(app: Flask, token: str | None) -> None:
    """Wire the API's settings into ``app``; ``token=None`` keeps it off."""
    config = app.extensions["syndicator.config"]
    app.extensions["syndicator.api_token"] = token or None
    app.extensions["syndicator.rate_limiter"] = RateLimiter(config.api.rate_limit)
    app.register_blueprint(bp)


def error(status: int, message: str, **fields: Any) -> Response:
    """The API's answer to a request it refuses: JSON naming the problem."""
    response = jsonify({"error": message, **fields})
    response.status_code = status
    if status == 503:  # every 503 says when to try again, as the store's do (errors.py)
        response.headers["Retry-After"] = str(STORE_RETRY_AFTER)
    return response


@bp.before_request
def _guard() -> Response | None:
    """Off, rate-limited or unauthorised requests stop here, before the body is read."""
    token: str | None = current_app.extensions["syndicator.api_token"]
    if not token:
        return error(404, "the ingest API is off: set SYNDICATOR_API_TOKEN to turn it on")
    wait = current_app.extensions["syndicator.rate_limiter"].take(request.remote_addr or "?")
    if wait:
        response = error(429, "too many requests: slow down")
        response.headers["Retry-After"] = str(max(1, math.ceil(wait)))
        return response
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        given.strip().encode("utf-8"), token.encode("utf-8")
    ):
        response = error(401, "missing or wrong bearer token")
        response.headers["WWW-Authenticate"] = 'Bearer realm="syndicator"'
        return response
    limit = get_config().api.max_body
    if request.content_length is not None and request.content_length > limit:
        return error(413, f"request body over {limit} bytes ([api] max_body)")
    return None


def _over_limit(size: int, limit: int) -> bool:
    """Whether the body read was, or was cut at, more than the API takes.

    A body sent without a length (chunked) is read up to
    ``MAX_CONTENT_LENGTH`` and no further, silently: werkzeug's stream
    stops there without an error. A body that fills the cap was cut, and
    what was read, however well-formed, is not what the client sent.
    """
    if size > limit:
        return True
    cap = request.max_content_length
    return request.content_length is None and cap is not None and size >= cap


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException) -> Response:
    return error(exc.code or 500, exc.description or exc.name)


def _trigger() -> bool:
    hook: Callable[[], None] | None = current_app.extensions.get(TRIGGER_KEY)
    if hook is None:
        return False
    hook()
    return True


@bp.post("/articles")
def post_articles() -> Response:
    """Save one or many articles; the response says what was new, corrected or unchanged."""
    if request.mimetype != "application/json":
        return error(415, "send the articles as application/json")
    raw = request.get_data(cache=False)
    limit = get_config().api.max_body
    if _over_limit(len(raw), limit):
        return error(413, f"request body over {limit} bytes ([api] max_body)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return error(400, f"body is not UTF-8 (byte {exc.start})")
    if not text.strip():
        return error(400, "empty body: send an article object or a list of them")
    parsed = parse_posted(text, get_config(), source=SOURCE)
    # ?correct=1: articles whose title and text are both new replace the stored ones.
    replace = request.args.get("correct", "").lower() in ("1", "true", "yes")
    [(_source, report)] = save_parsed(
        get_engine(), [parsed], now=datetime.now(get_config().tz), actor="api", replace=replace
    )
    for kind in ("added", "changed", "unchanged"):
        if getattr(report, kind):
            metrics.API_ARTICLES.inc(len(getattr(report, kind)), result=kind)
    triggered = bool(report.added or report.changed) and _trigger()
    log.info(
        "api: %d new, %d corrected, %d unchanged",
        len(report.added),
        len(report.changed),
        len(report.unchanged),
        extra={"event": "api-save", "client": request.remote_addr, **report.to_dict()},
    )
    return jsonify({**report.to_dict(), "pass": "started" if triggered else "next tick"})


@bp.delete("/articles/<article_id>")
def delete_article(article_id: str) -> Response:
    """Withdraw an article: it leaves every feed on the next pass (started at once)."""
    withdraw_article(get_engine(), article_id, actor="api", now=datetime.now(get_config().tz))
    metrics.API_ARTICLES.inc(result="withdrawn")
    triggered = _trigger()
    log.info(
        "api: withdrew %s",
        article_id,
        extra={"event": "api-withdraw", "client": request.remote_addr, "id": article_id},
    )
    return jsonify(
        {"id": article_id, "status": "withdrawn", "pass": "started" if triggered else "next tick"}
    )
