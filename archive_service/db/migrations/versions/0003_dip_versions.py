"""dip versions

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 09:54:01.157316
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import archive_service.db.types

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "dip_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_no", sa.Integer(), nullable=False),
        sa.Column("decree_no", sa.String(length=128), nullable=False),
        sa.Column("decree_date", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("fixed_at", archive_service.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("fixed_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("version_no"),
    )
    op.create_table(
        "dip_rows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("dip_no", sa.String(length=16), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("controlling_unit", sa.String(length=255), nullable=True),
        sa.Column("responsible_official", sa.String(length=255), nullable=True),
        sa.Column("created_time", sa.String(length=64), nullable=True),
        sa.Column("created_place", sa.String(length=255), nullable=True),
        sa.Column(
            "available_forms",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("retention_text", sa.String(length=255), nullable=True),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["records.id"],
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["dip_versions.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("version_id", "record_id"),
    )
    with op.batch_alter_table("dip_rows", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dip_rows_version_id"), ["version_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("dip_rows", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dip_rows_version_id"))

    op.drop_table("dip_rows")
    op.drop_table("dip_versions")
