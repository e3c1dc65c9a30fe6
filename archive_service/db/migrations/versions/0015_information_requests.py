"""requests for information and objections (issue 18): applicants' personal data apart, requests, links to the
records that answer them, the request's control card, delivery tokens, objections, Komisi Informasi disputes; a
notification may go to someone without an account (an applicant)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05 07:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import archive_service.db.types

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "request_applicants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("nik", sa.String(length=16), nullable=True),
        sa.Column("organisation", sa.String(length=255), nullable=True),
        sa.Column("legal_basis", sa.String(length=500), nullable=True),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("email", sa.String(length=255), nullable=True),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column("identity_blob_sha256", sa.String(length=64), nullable=True),
        sa.Column("identity_filename", sa.String(length=255), nullable=True),
        sa.Column("identity_mime", sa.String(length=255), nullable=True),
        sa.Column("created_at", archive_service.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("erased_at", archive_service.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["identity_blob_sha256"],
            ["blobs.sha256"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("request_applicants", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_request_applicants_identity_blob_sha256"), ["identity_blob_sha256"], unique=False
        )

    op.create_table(
        "information_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("applicant_id", sa.Integer(), nullable=False),
        sa.Column("information", sa.Text(), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column(
            "receipt_forms",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "delivery_methods",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("state", sa.String(length=32), nullable=False),
        sa.Column("received_at", archive_service.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("due_at", archive_service.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("extended_at", archive_service.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("extension_reasons", sa.Text(), nullable=True),
        sa.Column("original_due_at", archive_service.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("answered_at", archive_service.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decision_reasons", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("exemption_record_id", sa.Integer(), nullable=True),
        sa.Column("exemption_test_id", sa.Integer(), nullable=True),
        sa.Column("not_held_holder", sa.Text(), nullable=True),
        sa.Column("cost_amount", sa.BigInteger(), nullable=True),
        sa.Column("cost_note", sa.Text(), nullable=True),
        sa.Column("tracking_secret_hash", sa.String(length=64), nullable=False),
        sa.Column("challenge_nonce", sa.String(length=64), nullable=True),
        sa.Column("created_at", archive_service.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", archive_service.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["applicant_id"],
            ["request_applicants.id"],
        ),
        sa.ForeignKeyConstraint(
            ["exemption_record_id"],
            ["records.id"],
        ),
        sa.ForeignKeyConstraint(
            ["exemption_test_id"],
            ["consequence_tests.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("applicant_id"),
        sa.UniqueConstraint("challenge_nonce"),
        sa.UniqueConstraint("number"),
    )
    with op.batch_alter_table("information_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_information_requests_due_at"), ["due_at"], unique=False)
        batch_op.create_index("ix_information_requests_state_due", ["state", "due_at"], unique=False)

    op.create_table(
        "information_objections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=64), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column(
            "grounds", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("filed_at", archive_service.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("due_at", archive_service.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_at", archive_service.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("decision_reasons", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["information_requests.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("number"),
    )
    with op.batch_alter_table("information_objections", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_information_objections_due_at"), ["due_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_information_objections_request_id"), ["request_id"], unique=False)

    op.create_table(
        "request_card_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=16), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("from_state", sa.String(length=32), nullable=True),
        sa.Column("to_state", sa.String(length=32), nullable=True),
        sa.Column("actor_name", sa.String(length=64), nullable=False),
        sa.Column("actor_role", sa.String(length=32), nullable=False),
        sa.Column("at", archive_service.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("due_at", archive_service.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["information_requests.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("request_card_lines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_request_card_lines_request_id"), ["request_id"], unique=False)

    op.create_table(
        "request_delivery_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("expires_at", archive_service.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", archive_service.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", archive_service.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["information_requests.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("request_delivery_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_request_delivery_tokens_request_id"), ["request_id"], unique=False)

    op.create_table(
        "request_record_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("partly_exempted", sa.Boolean(), nullable=False),
        sa.Column("redacted_blob_sha256", sa.String(length=64), nullable=True),
        sa.Column("redacted_filename", sa.String(length=255), nullable=True),
        sa.Column("redacted_mime", sa.String(length=255), nullable=True),
        sa.Column("not_in_dip", sa.Boolean(), nullable=False),
        sa.Column("linked_by", sa.String(length=64), nullable=False),
        sa.Column("linked_at", archive_service.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["records.id"],
        ),
        sa.ForeignKeyConstraint(
            ["redacted_blob_sha256"],
            ["blobs.sha256"],
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["information_requests.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("request_id", "record_id"),
    )
    with op.batch_alter_table("request_record_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_request_record_links_record_id"), ["record_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_request_record_links_request_id"), ["request_id"], unique=False)

    op.create_table(
        "ki_disputes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("objection_id", sa.Integer(), nullable=False),
        sa.Column("commission", sa.String(length=255), nullable=False),
        sa.Column("registry_no", sa.String(length=128), nullable=False),
        sa.Column("filed_on", sa.Date(), nullable=False),
        sa.Column("mediation_on", sa.Date(), nullable=True),
        sa.Column("hearing_on", sa.Date(), nullable=True),
        sa.Column("outcome", sa.String(length=32), nullable=False),
        sa.Column("outcome_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", archive_service.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["objection_id"],
            ["information_objections.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("ki_disputes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ki_disputes_objection_id"), ["objection_id"], unique=False)

    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.alter_column("user_id", existing_type=sa.INTEGER(), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM notifications WHERE user_id IS NULL")  # applicants' mail has no account to keep
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.alter_column("user_id", existing_type=sa.INTEGER(), nullable=False)

    with op.batch_alter_table("ki_disputes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ki_disputes_objection_id"))

    op.drop_table("ki_disputes")
    with op.batch_alter_table("request_record_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_request_record_links_request_id"))
        batch_op.drop_index(batch_op.f("ix_request_record_links_record_id"))

    op.drop_table("request_record_links")
    with op.batch_alter_table("request_delivery_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_request_delivery_tokens_request_id"))

    op.drop_table("request_delivery_tokens")
    with op.batch_alter_table("request_card_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_request_card_lines_request_id"))

    op.drop_table("request_card_lines")
    with op.batch_alter_table("information_objections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_information_objections_request_id"))
        batch_op.drop_index(batch_op.f("ix_information_objections_due_at"))

    op.drop_table("information_objections")
    with op.batch_alter_table("information_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_information_requests_state_due")
        batch_op.drop_index(batch_op.f("ix_information_requests_due_at"))

    op.drop_table("information_requests")
    with op.batch_alter_table("request_applicants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_request_applicants_identity_blob_sha256"))

    op.drop_table("request_applicants")
