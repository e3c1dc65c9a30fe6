"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-24 08:57:09.819379
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import archive_service.db.types

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", archive_service.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_name", sa.String(length=64), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("entity_type", sa.String(length=32), nullable=False),
        sa.Column("entity_id", sa.String(length=64), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column(
            "changes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index("ix_audit_record", ["record_id", "id"], unique=False)

    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_id", sa.Integer(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "blobs",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("mime", sa.String(length=255), nullable=False),
        sa.Column("created_at", archive_service.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sha256"),
    )
    op.create_table(
        "counters",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "outbox_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", archive_service.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("topic", sa.String(length=64), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column("record_version", sa.Integer(), nullable=True),
        sa.Column(
            "payload",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("processed_at", archive_service.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("outbox_events", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_pending", ["processed_at", "id"], unique=False)

    op.create_table(
        "work_units",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("created_at", archive_service.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("full_name", sa.String(length=255), nullable=False),
        sa.Column("email", sa.String(length=255), nullable=True),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("unit_code", sa.String(length=32), nullable=True),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("deleted_at", archive_service.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", archive_service.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", archive_service.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_code"],
            ["work_units.code"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("username"),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", archive_service.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", archive_service.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", archive_service.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", archive_service.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_tokens_user_id"), ["user_id"], unique=False)

    op.create_table(
        "records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("record_no", sa.String(length=64), nullable=False),
        sa.Column("file_no", sa.String(length=64), nullable=True),
        sa.Column("creator_org", sa.String(length=255), nullable=False),
        sa.Column("processing_unit", sa.String(length=32), nullable=False),
        sa.Column("classification_code", sa.String(length=32), nullable=False),
        sa.Column("classification_scheme", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("doc_date", sa.Date(), nullable=True),
        sa.Column("period_start", sa.Date(), nullable=True),
        sa.Column("period_end", sa.Date(), nullable=True),
        sa.Column("development_level", sa.String(length=16), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("quantity_unit", sa.String(length=16), nullable=False),
        sa.Column("media", sa.String(length=16), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("security_class", sa.String(length=16), nullable=False),
        sa.Column(
            "access_groups",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("is_vital", sa.Boolean(), nullable=False),
        sa.Column("is_terjaga", sa.Boolean(), nullable=False),
        sa.Column("location", sa.String(length=255), nullable=True),
        sa.Column("dip_summary", sa.Text(), nullable=True),
        sa.Column("controlling_unit", sa.String(length=255), nullable=True),
        sa.Column("responsible_official", sa.String(length=255), nullable=True),
        sa.Column("created_place", sa.String(length=255), nullable=True),
        sa.Column(
            "available_forms",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("dip_retention_text", sa.String(length=255), nullable=True),
        sa.Column("kip_category", sa.String(length=16), nullable=True),
        sa.Column("exemption_ground", sa.String(length=1), nullable=True),
        sa.Column("exemption_basis", sa.Text(), nullable=True),
        sa.Column("exemption_until", sa.Date(), nullable=True),
        sa.Column("exemption_decree_no", sa.String(length=128), nullable=True),
        sa.Column("publication_state", sa.String(length=32), nullable=False),
        sa.Column("receipt_no", sa.String(length=64), nullable=True),
        sa.Column("control_card_no", sa.String(length=64), nullable=True),
        sa.Column("verification_round", sa.Integer(), nullable=False),
        sa.Column("published_url", sa.String(length=500), nullable=True),
        sa.Column("jra_ref", sa.String(length=64), nullable=True),
        sa.Column("final_disposition", sa.String(length=16), nullable=True),
        sa.Column("retention_trigger_date", sa.Date(), nullable=True),
        sa.Column("active_until", sa.Date(), nullable=True),
        sa.Column("inactive_until", sa.Date(), nullable=True),
        sa.Column("archival_state", sa.String(length=32), nullable=False),
        sa.Column("legal_hold", sa.Boolean(), nullable=False),
        sa.Column("created_at", archive_service.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", archive_service.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
        ),
        sa.ForeignKeyConstraint(
            ["processing_unit"],
            ["work_units.code"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("record_no"),
    )
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.create_index("ix_records_classification", ["classification_code"], unique=False)
        batch_op.create_index("ix_records_unit_created", ["processing_unit", "created_at"], unique=False)

    op.create_table(
        "record_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("blob_sha256", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("mime", sa.String(length=255), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("created_at", archive_service.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["blob_sha256"],
            ["blobs.sha256"],
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
        ),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["records.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("record_files", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_record_files_blob_sha256"), ["blob_sha256"], unique=False)
        batch_op.create_index(batch_op.f("ix_record_files_record_id"), ["record_id"], unique=False)
    # The audit chain starts from a fixed genesis hash (see services/audit.py).
    op.bulk_insert(
        sa.table(
            "audit_head",
            sa.column("id", sa.Integer),
            sa.column("last_id", sa.Integer),
            sa.column("last_hash", sa.String),
            sa.column("count", sa.Integer),
        ),
        [{"id": 1, "last_id": 0, "last_hash": "0" * 64, "count": 0}],
    )


def downgrade() -> None:

    with op.batch_alter_table("record_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_record_files_record_id"))
        batch_op.drop_index(batch_op.f("ix_record_files_blob_sha256"))

    op.drop_table("record_files")
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.drop_index("ix_records_unit_created")
        batch_op.drop_index("ix_records_classification")

    op.drop_table("records")
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_tokens_user_id"))

    op.drop_table("api_tokens")
    op.drop_table("users")
    op.drop_table("work_units")
    with op.batch_alter_table("outbox_events", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_pending")

    op.drop_table("outbox_events")
    op.drop_table("counters")
    op.drop_table("blobs")
    op.drop_table("audit_head")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_record")

    op.drop_table("audit_events")
