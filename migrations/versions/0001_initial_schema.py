"""Initial schema: lines (seeded with the two real numbers), hours overrides, workers,
on-call shifts, conversation records with their call legs, callback tasks.

Revision ID: 0001
Revises:
Create Date: 2026-11-22 22:12:34.765577
"""

from collections.abc import Sequence
from datetime import time

import sqlalchemy as sa
from alembic import op

LINES = (
    ("professional", "Professionals line", "+441305228558"),
    ("public", "Public line", "+441305228866"),
)


revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("weekday_open", sa.Time(), nullable=False),
        sa.Column("weekday_close", sa.Time(), nullable=False),
        sa.Column("weekend_open", sa.Time(), nullable=False),
        sa.Column("weekend_close", sa.Time(), nullable=False),
        sa.Column("bank_holidays_as_weekend", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lines")),
        sa.UniqueConstraint("key", name=op.f("uq_lines_key")),
        sa.UniqueConstraint("number", name=op.f("uq_lines_number")),
    )
    op.create_table(
        "routing_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_routing_state")),
    )
    op.create_table(
        "workers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=False),
        sa.Column("available", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("last_offered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workers")),
        sa.UniqueConstraint("name", name=op.f("uq_workers_name")),
    )
    op.create_table(
        "conversation_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_sid", sa.String(length=64), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=False),
        sa.Column("caller_number", sa.String(length=32), nullable=True),
        sa.Column("dialled_number", sa.String(length=32), nullable=True),
        sa.Column("dialled_known", sa.Boolean(), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("period_reason", sa.String(length=200), nullable=False),
        sa.Column("plan", sa.JSON(), nullable=False),
        sa.Column("current_step", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("twilio_status", sa.String(length=16), nullable=True),
        sa.Column("twilio_status_rank", sa.Integer(), nullable=False),
        sa.Column("accepted_worker_id", sa.Integer(), nullable=True),
        sa.Column("answered_step", sa.Integer(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("duration_seconds", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["accepted_worker_id"],
            ["workers.id"],
            name=op.f("fk_conversation_records_accepted_worker_id_workers"),
        ),
        sa.ForeignKeyConstraint(
            ["line_id"], ["lines.id"], name=op.f("fk_conversation_records_line_id_lines")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_records")),
        sa.UniqueConstraint("call_sid", name=op.f("uq_conversation_records_call_sid")),
    )
    with op.batch_alter_table("conversation_records", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_conversation_records_started_at"), ["started_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_conversation_records_status"), ["status"], unique=False
        )

    op.create_table(
        "hours_overrides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=True),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_hours_overrides_period_positive")),
        sa.ForeignKeyConstraint(
            ["line_id"],
            ["lines.id"],
            name=op.f("fk_hours_overrides_line_id_lines"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hours_overrides")),
    )
    with op.batch_alter_table("hours_overrides", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hours_overrides_ends_at"), ["ends_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_hours_overrides_starts_at"), ["starts_at"], unique=False
        )

    op.create_table(
        "oncall_shifts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "role IN ('primary', 'backup')", name=op.f("ck_oncall_shifts_role_known")
        ),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_oncall_shifts_period_positive")),
        sa.ForeignKeyConstraint(
            ["worker_id"],
            ["workers.id"],
            name=op.f("fk_oncall_shifts_worker_id_workers"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oncall_shifts")),
    )
    with op.batch_alter_table("oncall_shifts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_oncall_shifts_ends_at"), ["ends_at"], unique=False)
        batch_op.create_index("ix_oncall_shifts_period", ["starts_at", "ends_at"], unique=False)

    op.create_table(
        "worker_lines",
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["line_id"],
            ["lines.id"],
            name=op.f("fk_worker_lines_line_id_lines"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["worker_id"],
            ["workers.id"],
            name=op.f("fk_worker_lines_worker_id_workers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("worker_id", "line_id", name=op.f("pk_worker_lines")),
    )
    op.create_table(
        "call_legs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=True),
        sa.Column("leg_sid", sa.String(length=64), nullable=True),
        sa.Column("result", sa.String(length=16), nullable=False),
        sa.Column("result_rank", sa.Integer(), nullable=False),
        sa.Column("accepted", sa.Boolean(), nullable=False),
        sa.Column("offered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["conversation_records.id"],
            name=op.f("fk_call_legs_record_id_conversation_records"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["worker_id"], ["workers.id"], name=op.f("fk_call_legs_worker_id_workers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_call_legs")),
        sa.UniqueConstraint("record_id", "step", "number", name="uq_call_legs_one_per_step"),
    )
    op.create_table(
        "callback_tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=False),
        sa.Column("caller_number", sa.String(length=32), nullable=True),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("recording_url", sa.String(length=500), nullable=True),
        sa.Column("recording_seconds", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("resolution", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["line_id"], ["lines.id"], name=op.f("fk_callback_tasks_line_id_lines")
        ),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["conversation_records.id"],
            name=op.f("fk_callback_tasks_record_id_conversation_records"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_callback_tasks")),
        sa.UniqueConstraint("record_id", name=op.f("uq_callback_tasks_record_id")),
    )
    with op.batch_alter_table("callback_tasks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_callback_tasks_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_callback_tasks_status"), ["status"], unique=False)

    lines = sa.table(
        "lines",
        sa.column("key", sa.String),
        sa.column("name", sa.String),
        sa.column("number", sa.String),
        sa.column("weekday_open", sa.Time),
        sa.column("weekday_close", sa.Time),
        sa.column("weekend_open", sa.Time),
        sa.column("weekend_close", sa.Time),
        sa.column("bank_holidays_as_weekend", sa.Boolean),
    )
    op.bulk_insert(
        lines,
        [
            {
                "key": key,
                "name": name,
                "number": number,
                "weekday_open": time(8, 0),
                "weekday_close": time(22, 0),
                "weekend_open": time(9, 0),
                "weekend_close": time(22, 0),
                "bank_holidays_as_weekend": True,
            }
            for key, name, number in LINES
        ],
    )
    routing_state = sa.table(
        "routing_state", sa.column("id", sa.Integer), sa.column("version", sa.Integer)
    )
    op.bulk_insert(routing_state, [{"id": 1, "version": 1}])


def downgrade() -> None:
    with op.batch_alter_table("callback_tasks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_callback_tasks_status"))
        batch_op.drop_index(batch_op.f("ix_callback_tasks_created_at"))

    op.drop_table("callback_tasks")
    op.drop_table("call_legs")
    op.drop_table("worker_lines")
    with op.batch_alter_table("oncall_shifts", schema=None) as batch_op:
        batch_op.drop_index("ix_oncall_shifts_period")
        batch_op.drop_index(batch_op.f("ix_oncall_shifts_ends_at"))

    op.drop_table("oncall_shifts")
    with op.batch_alter_table("hours_overrides", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hours_overrides_starts_at"))
        batch_op.drop_index(batch_op.f("ix_hours_overrides_ends_at"))

    op.drop_table("hours_overrides")
    with op.batch_alter_table("conversation_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conversation_records_status"))
        batch_op.drop_index(batch_op.f("ix_conversation_records_started_at"))

    op.drop_table("conversation_records")
    op.drop_table("workers")
    op.drop_table("routing_state")
    op.drop_table("lines")
