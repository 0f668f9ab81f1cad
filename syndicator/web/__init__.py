"""The Flask app: feed files, the edition list and the WeChat preview.

``create_app`` follows the Flask tutorial's factory: defaults, then the
configuration handed in, then the store and blueprints wired inside.
"""

from __future__ import annotations

from typing import Any

from flask import Flask

from ..config import Config, load_config
from . import db, feeds, pages
from .documents import DocumentCache
from .fastpath import FeedFastPath


def create_app(config: Config | None = None, test_config: dict[str, Any] | None = None) -> Flask:
    """Build the web app.

    :param config: the syndicator configuration; ``None`` loads it from
        ``$SYNDICATOR_CONFIG`` or ``./config.toml``.
    :param test_config: Flask settings to override (``TESTING`` and such).
    """
    app = Flask(__name__)
    app.config.update(JSON_AS_ASCII=False, TEMPLATES_AUTO_RELOAD=False)
    if test_config:
        app.config.update(test_config)
    if config is None:
        from ..config import find_config_path

        config = load_config(find_config_path())
    app.extensions["syndicator.config"] = config
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    db.init_app(app)
    app.register_blueprint(feeds.bp)
    app.register_blueprint(pages.bp)
    cache = app.extensions[feeds.CACHE_KEY] = DocumentCache()
    if app.config.get("FEEDS_FAST_PATH") is not False:
        app.wsgi_app = FeedFastPath(app.wsgi_app, config, cache)  # type: ignore[method-assign]
    return app
