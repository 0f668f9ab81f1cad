"""The time under each feed document's ``updated`` after a pass took an item out.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "document_floors",
        sa.Column("channel", sa.String(64), primary_key=True),
        sa.Column("document", sa.String(16), primary_key=True),
        sa.Column("modified_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("document_floors")
