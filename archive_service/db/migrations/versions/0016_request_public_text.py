"""requests (issue 18): whether the PPID confirmed, when answering, that the request's text and the answer's
reasons hold no personal data and may be shown in the anonymised public register (default: not confirmed);
an index on the time of receipt

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05 09:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("information_requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("public_text", sa.Boolean(), server_default=sa.false(), nullable=False))
        # The registers, the monev and the public register select and order by the time of receipt.
        batch_op.create_index("ix_information_requests_received_at", ["received_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("information_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_information_requests_received_at")
        batch_op.drop_column("public_text")
