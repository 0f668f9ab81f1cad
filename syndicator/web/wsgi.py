"""The WSGI entry point for servers that import an app by name.

``syndicator serve`` and ``run`` use it to start their worker(s); an
operator may point gunicorn or granian at ``syndicator.web.wsgi:app`` too.
The configuration comes from ``$SYNDICATOR_CONFIG`` (or ``./config.toml``).
"""

from __future__ import annotations

from . import create_app

app = create_app()
