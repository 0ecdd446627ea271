"""Account security: an admin's reset makes the person change their password; sign-in
throttles by account and by source address replace the per-attempt rows.

Revision ID: 0008
Revises: 0006
Create Date: 2026-12-03 07:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
# Re-chained after the other branches' migrations when they are merged.
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column(
                "must_change_password", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )
    op.create_table(
        "sign_in_throttles",
        sa.Column("key_digest", sa.String(length=64), nullable=False),
        sa.Column("tries", sa.Integer(), nullable=False),
        sa.Column("last_try_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("blocked_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key_digest", name=op.f("pk_sign_in_throttles")),
    )
    # Failed sign-ins of the old kind only slowed a username down for 15 minutes.
    with op.batch_alter_table("sign_in_attempts") as batch:
        batch.drop_index("ix_sign_in_attempts_key_at")
    op.drop_table("sign_in_attempts")


def downgrade() -> None:
    op.create_table(
        "sign_in_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key_digest", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_attempts")),
    )
    with op.batch_alter_table("sign_in_attempts") as batch:
        batch.create_index("ix_sign_in_attempts_key_at", ["key_digest", "at"], unique=False)
    op.drop_table("sign_in_throttles")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("must_change_password")
