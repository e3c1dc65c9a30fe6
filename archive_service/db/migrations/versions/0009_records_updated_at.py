"""records.updated_at index: the OAI-PMH sync looks only at what changed since its last run

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 15:10:00
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.create_index("ix_records_updated_at", ["updated_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.drop_index("ix_records_updated_at")
