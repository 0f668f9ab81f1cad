"""Alembic's entry point: run the revisions on the connection we are handed.

``syndicator init`` (and every start) passes its own connection. Run by
hand, the ``alembic`` command needs a URL:
``alembic -c syndicator/migrations/alembic.ini -x url=sqlite:///syndicator.db upgrade head``.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

connection = context.config.attributes.get("connection")

if connection is not None:
    context.configure(connection=connection, target_metadata=None)
    with context.begin_transaction():
        context.run_migrations()
else:
    url = context.get_x_argument(as_dictionary=True).get("url")
    if not url:
        raise SystemExit("pass the store URL: alembic -x url=postgresql+psycopg://... upgrade head")
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        context.configure(connection=conn, target_metadata=None)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()
