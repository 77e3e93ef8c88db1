"""Alembic environment: the service hands over its own connection (webapp.store.migrate), so there is
no alembic.ini and no URL here."""
from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
