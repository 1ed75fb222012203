"""Storage: SQLAlchemy models, Alembic migrations and the content-addressed evidence store."""

from vigil.store.db import Store

__all__ = ["Store"]
