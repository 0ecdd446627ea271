"""The call path without the database: replayed journal entries; records whose end was lost.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 06:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "applied_journal_entries",
        sa.Column("entry_id", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("call_sid", sa.String(length=64), nullable=True),
        sa.Column("applied_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("entry_id", name=op.f("pk_applied_journal_entries")),
    )
    with op.batch_alter_table("conversation_records") as batch:
        batch.add_column(sa.Column("end_unconfirmed_at", UTC_TIME, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("conversation_records") as batch:
        batch.drop_column("end_unconfirmed_at")
    op.drop_table("applied_journal_entries")
