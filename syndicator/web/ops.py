"""For operators: ``/healthz``, ``/metrics`` and the request counters behind them.

``/healthz`` answers 200 with JSON while the store answers, 503 when it
does not. It reports the age of the last publish pass by any instance
(``status: "stale"`` when older than three intervals: nobody is
publishing) and the publish generation of the store and of this
instance's output dir (equal when this instance serves the latest feeds).
An instance whose output has been behind the store's for more than three
intervals answers 503 (``status: "behind"``): a load balancer should stop
sending readers feeds that nothing updates (a ``serve`` that nobody
follows, a worker left over from a crashed process). Every 503 says in
``Retry-After`` when asking again is worth it.

``/metrics`` is the Prometheus text format: passes, their duration,
articles published, requests by handler and status, the share of feed
polls answered 304, and the process's memory.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from flask import Blueprint, Flask, Response, g, jsonify, request

from .. import metrics, store
from ..errors import StoreError
from ..publish.cluster import instance_id, local_generation
from .db import get_config, get_engine
from .errors import STORE_RETRY_AFTER

bp = Blueprint("ops", __name__)

#: A last pass older than this many intervals means nobody is publishing.
STALE_INTERVALS = 3


@bp.route("/healthz", methods=["GET", "HEAD"])
def healthz() -> Response:
    config = get_config()
    body: dict[str, object] = {"instance": instance_id(), "interval": config.scheduler.interval}
    try:
        with get_engine().connect() as conn:
            last_at, last_by = store.last_pass_at(conn)
            generation = store.get_generation(conn)
            local = local_generation(config.output_dir)
            # Behind since the publisher made the first generation we lack.
            behind_since = (
                (
                    store.generation_made_at(conn, (local or 0) + 1)
                    or store.generation_made_at(conn, generation.number)
                )
                if (local or 0) < generation.number
                else None
            )
    except StoreError as exc:
        body.update(status="error", store=f"unreachable: {type(exc).__name__}")
        response = jsonify(body)
        response.status_code = 503
        response.headers["Retry-After"] = str(STORE_RETRY_AFTER)
        return _no_store(response)
    now = datetime.now(UTC)
    limit = STALE_INTERVALS * config.scheduler.interval
    age = (now - last_at).total_seconds() if last_at else None
    stale = age is None or age > limit
    behind = behind_since is not None and (now - behind_since).total_seconds() > limit
    body.update(
        status="behind" if behind else "stale" if stale else "ok",
        store="ok",
        last_pass_at=last_at.isoformat() if last_at else None,
        last_pass_age_seconds=round(age, 3) if age is not None else None,
        last_pass_by=last_by,
        generation={"store": generation.number, "local": local},
    )
    response = jsonify(body)
    if behind:
        # Catching up takes a pass at most: ask again after one interval.
        response.status_code = 503
        response.headers["Retry-After"] = str(config.scheduler.interval)
    return _no_store(response)


@bp.route("/metrics")
def metrics_text() -> Response:
    return _no_store(Response(metrics.scrape(), content_type=metrics.CONTENT_TYPE))


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


def _start_timer() -> None:
    g.request_started = time.perf_counter()


def _count(response: Response) -> Response:
    handler = request.endpoint or "unmatched"
    metrics.REQUESTS.inc(handler=handler, code=str(response.status_code))
    started = g.get("request_started")
    if started is not None:
        metrics.REQUEST_SECONDS.observe(time.perf_counter() - started, handler=handler)
    return response


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.before_request(_start_timer)
    app.after_request(_count)
