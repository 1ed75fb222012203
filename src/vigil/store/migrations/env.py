"""Alembic environment: runs migrations on the engine handed over by :mod:`vigil.store.db`."""

from __future__ import annotations

from alembic import context

from vigil.store.all_models import include_object, models

engine = context.config.attributes["engine"]
target_metadata = models.Base.metadata

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_object=include_object,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
