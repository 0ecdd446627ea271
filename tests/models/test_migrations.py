"""The migrations build the schema the models describe, and can be walked back."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

import migrations
from models import Base, Line, RoutingState


def test_migrated_schema_matches_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection)
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_migrations_are_at_head_and_seed_the_two_lines(
    engine: Engine, session_factory: sessionmaker[Session]
) -> None:
    assert migrations.is_up_to_date(engine)
    with session_factory() as session:
        lines = {line.key: line.number for line in session.scalars(select(Line))}
        assert lines == {"professional": "+441305228558", "public": "+441305228866"}
        assert session.scalar(select(RoutingState.version).where(RoutingState.id == 1)) == 1


def test_downgrade_to_base_and_up_again(database_url: str, engine: Engine) -> None:
    migrations.downgrade(database_url, "base")
    assert not migrations.is_up_to_date(engine)
    migrations.upgrade(database_url)
    assert migrations.is_up_to_date(engine)
