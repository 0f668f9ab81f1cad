"""The Flask app (feed files, reader pages, the newsroom desk, the ingest API, ops) and its server.

``create_app`` follows the Flask tutorial's factory: defaults, then the
configuration handed in, then the store and blueprints wired inside.
"""

from __future__ import annotations

from typing import Any, cast

from flask import Flask
from flask.json.provider import DefaultJSONProvider

from ..config import Config, api_token, check_api_token, load_config
from . import api, db, desk, errors, feeds, media, ops, pages, robots, security, static_files
from .access_log import RequestLog
from .documents import DocumentCache
from .fastpath import FeedFastPath
from .feed_headers import feed_headers
from .feedpage import render_feed_page


def create_app(config: Config | None = None, test_config: dict[str, Any] | None = None) -> Flask:
    """Build the web app.

    :param config: the syndicator configuration; ``None`` loads it from
        ``$SYNDICATOR_CONFIG`` or ``./config.toml``.
    :param test_config: Flask settings to override (``TESTING`` and such;
        ``API_TOKEN`` stands in for ``$SYNDICATOR_API_TOKEN``).
    :raises ConfigError: for an API token too short or with spaces (see
        :func:`~syndicator.config.check_api_token`); empty or blank means off.
    """
    app = Flask(__name__)
    app.config.update(JSON_AS_ASCII=False, TEMPLATES_AUTO_RELOAD=False)
    if test_config:
        app.config.update(test_config)
    if config is None:
        from ..config import find_config_path

        config = load_config(find_config_path())
    app.extensions["syndicator.config"] = config
    # The one check every door shares: too short refuses, blank means off.
    token = check_api_token(app.config["API_TOKEN"]) if "API_TOKEN" in app.config else api_token()
    cast(DefaultJSONProvider, app.json).ensure_ascii = False  # the provider Flask made
    db.init_app(app)
    if app.config.get("CLOCK") is not None:  # tests move time; the desk reads it
        app.extensions[db.CLOCK_KEY] = app.config["CLOCK"]
    app.register_blueprint(feeds.bp)
    static_files.init_app(app)
    robots.init_app(app)
    media.init_app(app)
    pages.init_app(app)
    if app.config.get("MAX_CONTENT_LENGTH") is None:  # also bounds bodies sent without a length
        app.config["MAX_CONTENT_LENGTH"] = config.api.max_body
    api.init_app(app, token)
    desk.init_app(app)
    ops.init_app(app)
    errors.init_app(app)
    security.init_app(app)
    if config.server.proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = config.server.proxies
        # Flask types wsgi_app as a method; replacing it is how Flask adds middleware.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]
    cache = app.extensions[feeds.CACHE_KEY] = DocumentCache(
        extra_headers=feed_headers(config), render_page=render_feed_page
    )
    # Every request counted and logged once: here, or by the fast path itself.
    app.wsgi_app = log = RequestLog(app.wsgi_app, config)  # type: ignore[method-assign]
    if app.config.get("FEEDS_FAST_PATH") is not False:
        # Outermost: a feed poll needs none of the above (see fastpath).
        # (wsgi_app: a method to mypy, replaced as above)
        app.wsgi_app = FeedFastPath(app.wsgi_app, config, cache, log)  # type: ignore[method-assign]
    return app
