"""Alembic environment: always driven from goodwill.storage.migrate with an engine."""

from __future__ import annotations

from alembic import context

from goodwill.storage.schema import Base

config = context.config
engine = config.attributes["engine"]

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,
        compare_type=True,
    )
    context.run_migrations()
