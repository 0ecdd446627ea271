"""Rota: rotations, covers, swaps, leave, calendar feeds, gap alerts; shifts learn their source.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 00:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)


def _worker_fk(table: str, column: str, ondelete: str = "RESTRICT") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], ["workers.id"], name=op.f(f"fk_{table}_{column}_workers"), ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        "rotations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("handover_time", sa.Time(), nullable=False),
        sa.Column("backup_offset", sa.Integer(), nullable=False),
        sa.Column("anchor_date", sa.Date(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.CheckConstraint("period IN ('daily', 'weekly')", name=op.f("ck_rotations_period_known")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rotations")),
    )
    op.create_table(
        "rotation_members",
        sa.Column("rotation_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["rotation_id"],
            ["rotations.id"],
            name=op.f("fk_rotation_members_rotation_id_rotations"),
            ondelete="CASCADE",
        ),
        _worker_fk("rotation_members", "worker_id"),
        sa.PrimaryKeyConstraint("rotation_id", "position", name=op.f("pk_rotation_members")),
        sa.UniqueConstraint("rotation_id", "worker_id", name="uq_rotation_members_worker"),
    )
    op.create_table(
        "rota_covers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("covering_worker_id", sa.Integer(), nullable=False),
        sa.Column("covered_worker_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=True),
        sa.Column("starts_at", UTC_TIME, nullable=False),
        sa.Column("ends_at", UTC_TIME, nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_rota_covers_period_positive")),
        _worker_fk("rota_covers", "covering_worker_id"),
        _worker_fk("rota_covers", "covered_worker_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rota_covers")),
    )
    op.create_index(op.f("ix_rota_covers_starts_at"), "rota_covers", ["starts_at"])

    with op.batch_alter_table("oncall_shifts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("source", sa.String(length=16), server_default="manual", nullable=False)
        )
        batch_op.add_column(sa.Column("rotation_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("slot_key", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("cover_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("sequence", sa.Integer(), server_default="0", nullable=False))
        batch_op.create_foreign_key(
            batch_op.f("fk_oncall_shifts_rotation_id_rotations"),
            "rotations",
            ["rotation_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_oncall_shifts_cover_id_rota_covers"),
            "rota_covers",
            ["cover_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_unique_constraint(
            "uq_oncall_shifts_slot", ["rotation_id", "slot_key", "starts_at"]
        )
        batch_op.create_index(batch_op.f("ix_oncall_shifts_rotation_id"), ["rotation_id"])
        batch_op.create_index("ix_oncall_shifts_worker", ["worker_id", "ends_at"])

    op.create_table(
        "rota_swaps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shift_id", sa.Integer(), nullable=True),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("starts_at", UTC_TIME, nullable=False),
        sa.Column("ends_at", UTC_TIME, nullable=False),
        sa.Column("requested_by_worker_id", sa.Integer(), nullable=False),
        sa.Column("with_worker_id", sa.Integer(), nullable=True),
        sa.Column("accepted_by_worker_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("history", sa.JSON(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("decided_at", UTC_TIME, nullable=True),
        sa.ForeignKeyConstraint(
            ["shift_id"],
            ["oncall_shifts.id"],
            name=op.f("fk_rota_swaps_shift_id_oncall_shifts"),
            ondelete="SET NULL",
        ),
        _worker_fk("rota_swaps", "requested_by_worker_id"),
        _worker_fk("rota_swaps", "with_worker_id"),
        _worker_fk("rota_swaps", "accepted_by_worker_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rota_swaps")),
    )
    op.create_index(op.f("ix_rota_swaps_shift_id"), "rota_swaps", ["shift_id"])
    op.create_index(op.f("ix_rota_swaps_status"), "rota_swaps", ["status"])

    op.create_table(
        "worker_leave",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", UTC_TIME, nullable=False),
        sa.Column("ends_at", UTC_TIME, nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_worker_leave_period_positive")),
        _worker_fk("worker_leave", "worker_id", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_worker_leave")),
    )
    op.create_index(op.f("ix_worker_leave_worker_id"), "worker_leave", ["worker_id"])
    op.create_index(op.f("ix_worker_leave_ends_at"), "worker_leave", ["ends_at"])

    op.create_table(
        "calendar_feeds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("revoked_at", UTC_TIME, nullable=True),
        _worker_fk("calendar_feeds", "worker_id", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_feeds")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_calendar_feeds_token_hash")),
    )
    op.create_table(
        "rota_gap_alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("starts_at", UTC_TIME, nullable=False),
        sa.Column("ends_at", UTC_TIME, nullable=False),
        sa.Column("alerted_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rota_gap_alerts")),
        sa.UniqueConstraint("role", "starts_at", "ends_at", name="uq_rota_gap_alerts_gap"),
    )


def downgrade() -> None:
    op.drop_table("rota_gap_alerts")
    op.drop_table("calendar_feeds")
    op.drop_index(op.f("ix_worker_leave_ends_at"), table_name="worker_leave")
    op.drop_index(op.f("ix_worker_leave_worker_id"), table_name="worker_leave")
    op.drop_table("worker_leave")
    op.drop_index(op.f("ix_rota_swaps_status"), table_name="rota_swaps")
    op.drop_index(op.f("ix_rota_swaps_shift_id"), table_name="rota_swaps")
    op.drop_table("rota_swaps")
    with op.batch_alter_table("oncall_shifts", schema=None) as batch_op:
        batch_op.drop_index("ix_oncall_shifts_worker")
        batch_op.drop_index(batch_op.f("ix_oncall_shifts_rotation_id"))
        batch_op.drop_constraint("uq_oncall_shifts_slot", type_="unique")
        batch_op.drop_constraint(
            batch_op.f("fk_oncall_shifts_cover_id_rota_covers"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_oncall_shifts_rotation_id_rotations"), type_="foreignkey"
        )
        batch_op.drop_column("sequence")
        batch_op.drop_column("cover_id")
        batch_op.drop_column("slot_key")
        batch_op.drop_column("rotation_id")
        batch_op.drop_column("source")
    op.drop_index(op.f("ix_rota_covers_starts_at"), table_name="rota_covers")
    op.drop_table("rota_covers")
    op.drop_table("rotation_members")
    op.drop_table("rotations")
