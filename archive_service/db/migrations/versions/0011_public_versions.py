"""records.public_version and records.public_snapshot: the last approved public version of a record

A change to a published record is a revision that goes through SOP steps 5-9 again; until it is determined and
published, the portal, the public index, OAI and the feeds show the version approved last. ``public_version`` is
the record version that was approved (NULL: nothing is public), ``public_snapshot`` its public fields and file ids.
Records already published get a snapshot of what they hold now.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 03:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    json_type = sa.JSON().with_variant(JSONB(), "postgresql")
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.add_column(sa.Column("public_version", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("public_snapshot", json_type, nullable=True))
    # Snapshots of records published before this migration are made by the application on first start
    # (services.public_versions.backfill), which knows the public fields; here only the marker is set.
    op.execute("UPDATE records SET public_version = version WHERE publication_state = 'dipublikasikan'")


def downgrade() -> None:
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.drop_column("public_snapshot")
        batch_op.drop_column("public_version")
