"""Callback attempts (each try at calling back, before the task is done) and a worker's
word on likely earlier contacts about the same child (issue 11).

Revision ID: 0009
Revises: 0006
Create Date: 2026-12-03 07:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
# Re-chained after the other branches' migrations when they are merged.
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "callback_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("worker_name", sa.String(length=120), nullable=False),
        sa.Column("result", sa.String(length=16), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(["task_id"], ["callback_tasks.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["worker_id"], ["workers.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_callback_attempts_task_id", "callback_attempts", ["task_id"])
    op.create_table(
        "record_child_matches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("other_record_id", sa.Integer(), nullable=False),
        sa.Column("same_child", sa.Boolean(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["record_id"], ["conversation_records.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["other_record_id"], ["conversation_records.id"], ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("record_id", "other_record_id"),
    )
    op.create_index("ix_record_child_matches_record_id", "record_child_matches", ["record_id"])


def downgrade() -> None:
    op.drop_index("ix_record_child_matches_record_id", table_name="record_child_matches")
    op.drop_table("record_child_matches")
    op.drop_index("ix_callback_attempts_task_id", table_name="callback_attempts")
    op.drop_table("callback_attempts")
