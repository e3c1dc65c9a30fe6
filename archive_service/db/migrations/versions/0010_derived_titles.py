"""records.title_source and records.proposed_title: titles derived from a file's text

Existing records keep their titles as they are: they are all marked ``user`` (a title the system never changes),
since nothing recorded which of them were file names.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-14 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.add_column(sa.Column("title_source", sa.String(length=16), nullable=False, server_default="user"))
        batch_op.add_column(sa.Column("proposed_title", sa.String(length=500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.drop_column("proposed_title")
        batch_op.drop_column("title_source")
