"""Lines: a greeting and a fallback number of their own (the Lines page, issue 11).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 07:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
# Re-chained after the other branches' migrations when they are merged.
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable: empty means the service's standard greeting and DUTYLINE_FALLBACK_NUMBER, so
    # existing lines keep behaving as before.
    with op.batch_alter_table("lines") as batch:
        batch.add_column(sa.Column("greeting", sa.String(length=300), nullable=True))
        batch.add_column(sa.Column("fallback_number", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("lines") as batch:
        batch.drop_column("fallback_number")
        batch.drop_column("greeting")
