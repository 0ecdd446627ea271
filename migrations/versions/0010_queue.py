"""The in-hours queue (issue 12): callers waiting per line, the offers made to free
workers, and each line's longest wait.

Revision ID: 0010
Revises: 0006
Create Date: 2026-12-03 07:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
# Re-chained after the other branches' migrations when they are merged.
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIVE = sa.text("ended_at IS NULL")


def upgrade() -> None:
    with op.batch_alter_table("lines") as batch:
        batch.add_column(
            sa.Column("queue_max_wait_seconds", sa.Integer(), nullable=False, server_default="300")
        )
    op.create_table(
        "queue_entries",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "record_id",
            sa.Integer(),
            sa.ForeignKey("conversation_records.id", ondelete="CASCADE"),
            nullable=False,
            unique=True,
        ),
        sa.Column("line_id", sa.Integer(), sa.ForeignKey("lines.id"), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("position_on_arrival", sa.Integer(), nullable=False),
        sa.Column("max_wait_seconds", sa.Integer(), nullable=False),
        sa.Column("callback_chosen", sa.Boolean(), nullable=False),
        sa.Column("left_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("result", sa.String(length=16), nullable=True),
    )
    op.create_index(
        "ix_queue_entries_waiting", "queue_entries", ["line_id", "left_at", "queued_at"]
    )
    op.create_table(
        "queue_offers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "entry_id",
            sa.Integer(),
            sa.ForeignKey("queue_entries.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("worker_id", sa.Integer(), sa.ForeignKey("workers.id"), nullable=False),
        sa.Column("call_sid", sa.String(length=64), nullable=True),
        sa.Column("offered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("result", sa.String(length=16), nullable=True),
    )
    op.create_index("ix_queue_offers_entry_id", "queue_offers", ["entry_id"])
    # One live offer per caller and per worker, whichever process makes it.
    for name, column in (
        ("uq_queue_offers_live_entry", "entry_id"),
        ("uq_queue_offers_live_worker", "worker_id"),
    ):
        op.create_index(
            name,
            "queue_offers",
            [column],
            unique=True,
            sqlite_where=LIVE,
            postgresql_where=LIVE,
        )


def downgrade() -> None:
    op.drop_table("queue_offers")
    op.drop_table("queue_entries")
    with op.batch_alter_table("lines") as batch:
        batch.drop_column("queue_max_wait_seconds")
