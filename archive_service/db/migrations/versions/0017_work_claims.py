"""work claims (issue 19): leases on outbox rows and extraction jobs, and named worker leases (the index writer)

Workers on several machines share one PostgreSQL database: each claims rows with ``FOR UPDATE SKIP LOCKED`` and
writes who it is (``claimed_by``) and until when the claim holds (``lease_until``, database time). A worker that
dies stops renewing; when its lease runs out another worker takes the row (services/work_claims.py).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05 10:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import archive_service.db.types

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("outbox_events", "extractions"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("claimed_by", sa.String(length=128), nullable=True))
            batch_op.add_column(
                sa.Column("lease_until", archive_service.db.types.UTCDateTime(timezone=True), nullable=True)
            )
    op.create_table(
        "worker_leases",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("holder", sa.String(length=128), nullable=False),
        sa.Column("lease_until", archive_service.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )


def downgrade() -> None:
    op.drop_table("worker_leases")
    for table in ("extractions", "outbox_events"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("lease_until")
            batch_op.drop_column("claimed_by")
