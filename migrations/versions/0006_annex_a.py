"""Annex A: a record's contact source, a child's gender, ethnicity and approximate age;
indexes for the measures.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 06:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
# Re-chained after 0005 when the branches are merged.
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MEASURES_COLUMNS = [
    "started_at", "line_id", "period", "answered_step", "accepted_worker_id",
    "answered_at", "ended_at", "current_step", "outcome", "completed_at",
]  # fmt: skip


def upgrade() -> None:
    # Nullable, no default: records written before this export with the fields blank.
    with op.batch_alter_table("conversation_records") as batch:
        batch.add_column(sa.Column("contact_source", sa.String(length=4), nullable=True))
    with op.batch_alter_table("record_children") as batch:
        batch.add_column(sa.Column("started_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("gender", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("ethnicity", sa.String(length=8), nullable=True))
        batch.add_column(sa.Column("approximate_age", sa.Integer(), nullable=True))
    # The measures read a stretch of calls from the index alone, not the wide rows.
    op.create_index(
        "ix_conversation_records_measures",
        "conversation_records",
        MEASURES_COLUMNS,
    )
    op.create_index("ix_call_legs_record_worker", "call_legs", ["record_id", "worker_id"])
    op.execute(
        "UPDATE record_children SET started_at = (SELECT started_at FROM conversation_records"
        " WHERE conversation_records.id = record_children.record_id)"
    )
    op.create_index(
        "ix_record_children_name_dob_started",
        "record_children",
        ["name_key", "date_of_birth", "started_at"],
    )
    op.create_index(
        "ix_record_children_reference_started", "record_children", ["reference_key", "started_at"]
    )
    op.create_index(
        "ix_record_children_measures",
        "record_children",
        ["record_id", "name_key", "date_of_birth", "reference_key"],
    )


def downgrade() -> None:
    op.drop_index("ix_record_children_measures", table_name="record_children")
    op.drop_index("ix_record_children_reference_started", table_name="record_children")
    op.drop_index("ix_record_children_name_dob_started", table_name="record_children")
    op.drop_index("ix_call_legs_record_worker", table_name="call_legs")
    op.drop_index("ix_conversation_records_measures", table_name="conversation_records")
    with op.batch_alter_table("record_children") as batch:
        batch.drop_column("approximate_age")
        batch.drop_column("ethnicity")
        batch.drop_column("gender")
        batch.drop_column("started_at")
    with op.batch_alter_table("conversation_records") as batch:
        batch.drop_column("contact_source")
