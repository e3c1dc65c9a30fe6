"""workflow

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 09:35:35.593078
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import archive_service.db.types

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "control_card_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=16), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("from_state", sa.String(length=32), nullable=False),
        sa.Column("to_state", sa.String(length=32), nullable=False),
        sa.Column("actor_name", sa.String(length=64), nullable=False),
        sa.Column("actor_role", sa.String(length=32), nullable=False),
        sa.Column("at", archive_service.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_at", archive_service.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("due_at", archive_service.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["records.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("control_card_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_control_card_entries_record_id"), ["record_id"], unique=False)

    op.create_table(
        "receipts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("no", sa.String(length=64), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("issued_at", archive_service.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("issued_by", sa.String(length=64), nullable=False),
        sa.Column("countersigned_at", archive_service.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("countersigned_by", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["records.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("no"),
    )
    with op.batch_alter_table("receipts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_receipts_record_id"), ["record_id"], unique=False)

    op.create_table(
        "consequence_tests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("harm", sa.Text(), nullable=False),
        sa.Column("public_interest", sa.Text(), nullable=False),
        sa.Column(
            "participants",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("signed_sheet_file_id", sa.Integer(), nullable=False),
        sa.Column("created_at", archive_service.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["records.id"],
        ),
        sa.ForeignKeyConstraint(
            ["signed_sheet_file_id"],
            ["record_files.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("consequence_tests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_consequence_tests_record_id"), ["record_id"], unique=False)

    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.add_column(sa.Column("proposed_kip_category", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("exemption_no_expiry", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("state_reason", sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column("step_started_at", archive_service.db.types.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("step_due_at", archive_service.db.types.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("published_at", archive_service.db.types.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.create_index(batch_op.f("ix_records_step_due_at"), ["step_due_at"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_records_step_due_at"))
        batch_op.drop_column("published_at")
        batch_op.drop_column("step_due_at")
        batch_op.drop_column("step_started_at")
        batch_op.drop_column("state_reason")
        batch_op.drop_column("exemption_no_expiry")
        batch_op.drop_column("proposed_kip_category")

    with op.batch_alter_table("consequence_tests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consequence_tests_record_id"))

    op.drop_table("consequence_tests")
    with op.batch_alter_table("receipts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_receipts_record_id"))

    op.drop_table("receipts")
    with op.batch_alter_table("control_card_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_control_card_entries_record_id"))

    op.drop_table("control_card_entries")
