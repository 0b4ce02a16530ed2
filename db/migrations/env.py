"""Alembic environment: runs on the connection handed over by ``db.migrate.upgrade``."""

from alembic import context

from db import models  # noqa: F401  (registers the tables on Base.metadata)
from db.base import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through 'python -m bot migrate' (db.migrate.upgrade)")
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
