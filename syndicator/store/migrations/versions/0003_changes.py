"""Which articles each store revision wrote, so a pass reads only those.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "changes",
        sa.Column("revision", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("article_id", sa.String(120), primary_key=True),
    )


def downgrade() -> None:
    op.drop_table("changes")
