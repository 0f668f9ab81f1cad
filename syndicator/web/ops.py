"""For operators: ``/healthz`` and ``/metrics``.

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

``/metrics`` is the Prometheus text format (:mod:`syndicator.metrics`):
passes, their duration, articles published, requests by handler and
status, and each process's CPU, memory and open files. It tells an
outsider the instance's traffic and load, so it is not public: with
``$SYNDICATOR_METRICS_TOKEN`` set it asks for that bearer token, from
anywhere; without one it answers only a request straight from this
machine: a loopback address, carrying none of the headers a proxy adds
(``X-Forwarded-For``, ``Forwarded``, ``X-Real-IP``), so nothing a proxy in
front passes on, whatever ``[server] proxies`` says. Refused: 401 (token
missing or wrong) or 403 (no token configured, not local).
"""

from __future__ import annotations

import hmac
import ipaddress
from datetime import UTC, datetime

from flask import Blueprint, Flask, Response, current_app, jsonify, request

from .. import metrics, store
from ..errors import StoreError
from ..publish.cluster import instance_id, local_generation
from .access_log import ROUTE_KEY, UNMATCHED
from .db import get_config, get_engine
from .errors import STORE_RETRY_AFTER

bp = Blueprint("ops", __name__)

#: A last pass older than this many intervals means nobody is publishing.
STALE_INTERVALS = 3
TOKEN_KEY = "syndicator.metrics_token"
#: Headers a proxy adds: a request carrying one did not come straight from this machine.
FORWARDED = ("X-Forwarded-For", "Forwarded", "X-Real-IP")


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
    refused = _refusal()
    if refused is not None:
        return _no_store(refused)
    return _no_store(Response(metrics.scrape(), content_type=metrics.CONTENT_TYPE))


def _refusal() -> Response | None:
    """Why this request may not read ``/metrics`` (a response), or ``None``."""
    token: str | None = current_app.extensions[TOKEN_KEY]
    if token:
        sent = request.headers.get("Authorization", "")
        scheme, _, value = sent.partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(
            value.strip().encode("utf-8", "surrogateescape"), token.encode("utf-8")
        ):
            return None
        response = Response("metrics: send Authorization: Bearer TOKEN\n", status=401)
        response.headers["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    if _local(request.remote_addr) and not any(h in request.headers for h in FORWARDED):
        return None
    return Response(
        "metrics: only from this machine, unless SYNDICATOR_METRICS_TOKEN is set\n", status=403
    )


def _local(address: str | None) -> bool:
    try:
        return address is not None and ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


def _name_route(endpoint: str | None, _values: object) -> None:
    """Tell the access log and the request metrics which route this is.

    A URL value preprocessor, because those run before any ``before_request``
    hook, one of which may answer (a refusal) and skip the rest.
    """
    request.environ[ROUTE_KEY] = endpoint or UNMATCHED


def init_app(app: Flask) -> None:
    """Register the routes; ``METRICS_TOKEN`` in the app's config stands in for the variable.

    :raises ConfigError: when ``$SYNDICATOR_METRICS_TOKEN`` is too short.
    """
    app.register_blueprint(bp)
    token = app.config["METRICS_TOKEN"] if "METRICS_TOKEN" in app.config else metrics.token()
    app.extensions[TOKEN_KEY] = token or None
    app.url_value_preprocessor(_name_route)
