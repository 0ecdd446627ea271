"""The conversation record's content, addenda and the indexes that find earlier contacts.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 00:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("conversation_records") as batch:
        batch.add_column(sa.Column("content", sa.JSON(), server_default="{}", nullable=False))
        batch.add_column(
            sa.Column("content_versions", sa.JSON(), server_default="{}", nullable=False)
        )
        batch.add_column(sa.Column("assigned_worker_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("outcome", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("completed_by_user_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_conversation_records_assigned_worker_id_workers"),
            "workers",
            ["assigned_worker_id"],
            ["id"],
        )
        batch.create_foreign_key(
            op.f("fk_conversation_records_completed_by_user_id_users"),
            "users",
            ["completed_by_user_id"],
            ["id"],
        )
        batch.create_index(
            op.f("ix_conversation_records_assigned_worker_id"), ["assigned_worker_id"]
        )
        batch.create_index(op.f("ix_conversation_records_outcome"), ["outcome"])
    with op.batch_alter_table("callback_tasks") as batch:
        batch.add_column(sa.Column("claimed_by_worker_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("completed_by_user_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("outcome", sa.String(length=32), nullable=True))
        batch.create_foreign_key(
            op.f("fk_callback_tasks_claimed_by_worker_id_workers"),
            "workers",
            ["claimed_by_worker_id"],
            ["id"],
        )
        batch.create_foreign_key(
            op.f("fk_callback_tasks_completed_by_user_id_users"),
            "users",
            ["completed_by_user_id"],
            ["id"],
        )
    op.create_table(
        "record_children",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name_key", sa.String(length=120), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=True),
        sa.Column("reference_key", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["conversation_records.id"],
            name=op.f("fk_record_children_record_id_conversation_records"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_children")),
    )
    op.create_index(
        op.f("ix_record_children_record_id"), "record_children", ["record_id"], unique=False
    )
    op.create_index("ix_record_children_name_dob", "record_children", ["name_key", "date_of_birth"])
    op.create_index("ix_record_children_reference_key", "record_children", ["reference_key"])
    op.create_table(
        "record_addenda",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("author_user_id", sa.Integer(), nullable=False),
        sa.Column("author_name", sa.String(length=120), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["conversation_records.id"],
            name=op.f("fk_record_addenda_record_id_conversation_records"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_user_id"],
            ["users.id"],
            name=op.f("fk_record_addenda_author_user_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_addenda")),
    )
    op.create_index(
        op.f("ix_record_addenda_record_id"), "record_addenda", ["record_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_record_addenda_record_id"), table_name="record_addenda")
    op.drop_table("record_addenda")
    op.drop_index("ix_record_children_reference_key", table_name="record_children")
    op.drop_index("ix_record_children_name_dob", table_name="record_children")
    op.drop_index(op.f("ix_record_children_record_id"), table_name="record_children")
    op.drop_table("record_children")
    with op.batch_alter_table("callback_tasks") as batch:
        batch.drop_constraint(
            op.f("fk_callback_tasks_completed_by_user_id_users"), type_="foreignkey"
        )
        batch.drop_constraint(
            op.f("fk_callback_tasks_claimed_by_worker_id_workers"), type_="foreignkey"
        )
        batch.drop_column("outcome")
        batch.drop_column("completed_by_user_id")
        batch.drop_column("claimed_at")
        batch.drop_column("claimed_by_worker_id")
    with op.batch_alter_table("conversation_records") as batch:
        batch.drop_index(op.f("ix_conversation_records_outcome"))
        batch.drop_index(op.f("ix_conversation_records_assigned_worker_id"))
        batch.drop_constraint(
            op.f("fk_conversation_records_completed_by_user_id_users"), type_="foreignkey"
        )
        batch.drop_constraint(
            op.f("fk_conversation_records_assigned_worker_id_workers"), type_="foreignkey"
        )
        batch.drop_column("completed_by_user_id")
        batch.drop_column("completed_at")
        batch.drop_column("outcome")
        batch.drop_column("assigned_worker_id")
        batch.drop_column("content_versions")
        batch.drop_column("content")
