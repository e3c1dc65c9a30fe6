"""retention: JRA schedule versions and classes, legal holds, disposition batches, tombstone columns

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 11:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import archive_service.db.types

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "jra_schedules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_no", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("legal_basis", sa.String(length=255), nullable=True),
        sa.Column("source_filename", sa.String(length=255), nullable=True),
        sa.Column("source_sha256", sa.String(length=64), nullable=True),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("imported_at", archive_service.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("imported_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("version_no"),
    )
    op.create_table(
        "legal_holds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("reference", sa.String(length=255), nullable=True),
        sa.Column("placed_by", sa.String(length=64), nullable=False),
        sa.Column("placed_at", archive_service.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("released_by", sa.String(length=64), nullable=True),
        sa.Column("released_at", archive_service.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("release_reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "disposition_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("no", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("processing_unit", sa.String(length=32), nullable=True),
        sa.Column("authority", sa.String(length=32), nullable=False),
        sa.Column("total_years_max", sa.Integer(), nullable=False),
        sa.Column("proposal_note", sa.Text(), nullable=True),
        sa.Column("proposed_by", sa.String(length=64), nullable=False),
        sa.Column("proposed_at", archive_service.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("panel_concluded_by", sa.String(length=64), nullable=True),
        sa.Column("panel_concluded_at", archive_service.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("panel_summary", sa.Text(), nullable=True),
        sa.Column(
            "approval", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("approved_by", sa.String(length=64), nullable=True),
        sa.Column("approved_at", archive_service.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "berita_acara",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("berita_acara_no", sa.String(length=64), nullable=True),
        sa.Column("executed_by", sa.String(length=64), nullable=True),
        sa.Column("executed_at", archive_service.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("refused_reason", sa.Text(), nullable=True),
        sa.Column("package_sha256", sa.String(length=64), nullable=True),
        sa.Column("package_size", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["processing_unit"],
            ["work_units.code"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("no"),
    )
    op.create_table(
        "jra_classes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("schedule_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("source_line", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("record_type", sa.Text(), nullable=False),
        sa.Column(
            "active", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "inactive", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("active_years", sa.Integer(), nullable=False),
        sa.Column("inactive_years", sa.Integer(), nullable=False),
        sa.Column("final_disposition", sa.String(length=16), nullable=False),
        sa.Column("disposition_note", sa.Text(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["schedule_id"],
            ["jra_schedules.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("jra_classes", schema=None) as batch_op:
        batch_op.create_index("ix_jra_classes_schedule_code", ["schedule_id", "code"], unique=False)

    op.create_table(
        "panel_considerations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("member", sa.String(length=64), nullable=False),
        sa.Column("member_name", sa.String(length=255), nullable=False),
        sa.Column("opinion", sa.String(length=16), nullable=False),
        sa.Column("consideration", sa.Text(), nullable=False),
        sa.Column(
            "exclude_record_ids",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("at", archive_service.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["disposition_batches.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("batch_id", "member"),
    )
    op.create_table(
        "disposition_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("row", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False),
        sa.Column("excluded", sa.Boolean(), nullable=False),
        sa.Column("excluded_reason", sa.Text(), nullable=True),
        sa.Column(
            "outcome", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["disposition_batches.id"],
        ),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["records.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("batch_id", "record_id"),
    )
    with op.batch_alter_table("disposition_items", schema=None) as batch_op:
        batch_op.create_index("ix_disposition_items_record", ["record_id"], unique=False)

    op.create_table(
        "legal_hold_items",
        sa.Column("hold_id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["hold_id"],
            ["legal_holds.id"],
        ),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["records.id"],
        ),
        sa.PrimaryKeyConstraint("hold_id", "record_id"),
    )
    with op.batch_alter_table("legal_hold_items", schema=None) as batch_op:
        batch_op.create_index("ix_legal_hold_items_record", ["record_id"], unique=False)

    with op.batch_alter_table("blobs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("destroyed_at", archive_service.db.types.UTCDateTime(timezone=True), nullable=True)
        )

    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.add_column(sa.Column("jra_class_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("retention_override_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("retention_waiting_for", sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column("retention_total_years", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("destroyed_at", archive_service.db.types.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("transferred_at", archive_service.db.types.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.create_foreign_key("fk_records_jra_class_id", "jra_classes", ["jra_class_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.drop_constraint("fk_records_jra_class_id", type_="foreignkey")
        batch_op.drop_column("transferred_at")
        batch_op.drop_column("destroyed_at")
        batch_op.drop_column("retention_total_years")
        batch_op.drop_column("retention_waiting_for")
        batch_op.drop_column("retention_override_reason")
        batch_op.drop_column("jra_class_id")

    with op.batch_alter_table("blobs", schema=None) as batch_op:
        batch_op.drop_column("destroyed_at")

    with op.batch_alter_table("legal_hold_items", schema=None) as batch_op:
        batch_op.drop_index("ix_legal_hold_items_record")

    op.drop_table("legal_hold_items")
    with op.batch_alter_table("disposition_items", schema=None) as batch_op:
        batch_op.drop_index("ix_disposition_items_record")

    op.drop_table("disposition_items")
    op.drop_table("panel_considerations")
    with op.batch_alter_table("jra_classes", schema=None) as batch_op:
        batch_op.drop_index("ix_jra_classes_schedule_code")

    op.drop_table("jra_classes")
    op.drop_table("disposition_batches")
    op.drop_table("legal_holds")
    op.drop_table("jra_schedules")
