"""Alembic environment: the service hands over its own connection (webapp.store.migrate), so there is
no alembic.ini and no URL here. Offline (`migrate --sql`) it is handed the database's dialect and
writes the SQL instead of running it."""
from alembic import context

if context.is_offline_mode():
    context.configure(dialect_name=context.config.attributes["dialect"], literal_binds=True,
                      transaction_per_migration=False)
    with context.begin_transaction():
        context.run_migrations()
else:
    connection = context.config.attributes["connection"]
    context.configure(connection=connection, render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()
