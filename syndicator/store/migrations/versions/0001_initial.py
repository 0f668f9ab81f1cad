"""The schema as the first release made it with ``create_all``.

Revision ID: 0001
Revises:
Create Date: 2026-11-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# Times are timezone-aware: timestamptz on PostgreSQL; on SQLite the
# store's type decorator keeps them as naive UTC.
Timestamp = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.String(200), nullable=False),
    )
    op.create_table(
        "editions",
        sa.Column("paper", sa.String(200), primary_key=True),
        sa.Column("date", sa.Date, primary_key=True),
        sa.Column("data", sa.JSON, nullable=False),
    )
    op.create_table(
        "articles",
        sa.Column("id", sa.String(120), primary_key=True),
        sa.Column("edition", sa.Date, nullable=False),
        sa.Column("page", sa.Integer, nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("published_at", Timestamp, nullable=False),
        sa.Column("updated_at", Timestamp, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
    )
    op.create_index("ix_articles_due", "articles", ["status", "published_at"])
    op.create_index("ix_articles_edition", "articles", ["edition", "page", "seq"])
    op.create_table(
        "published",
        sa.Column("article_id", sa.String(120), primary_key=True),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("updated_at", Timestamp, nullable=False),
        sa.Column("channels", sa.JSON, nullable=False),
        sa.Column("first_published_at", Timestamp, nullable=False),
    )
    op.create_table(
        "passes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("started_at", Timestamp, nullable=False),
        sa.Column("finished_at", Timestamp, nullable=False),
        sa.Column("clock", Timestamp, nullable=False),
        sa.Column("added", sa.Integer, nullable=False),
        sa.Column("changed", sa.Integer, nullable=False),
        sa.Column("removed", sa.Integer, nullable=False),
        sa.Column("files", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    for table in ("passes", "published", "articles", "editions", "meta"):
        op.drop_table(table)
