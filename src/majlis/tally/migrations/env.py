"""Alembic environment: migrations run on the engine the Store hands over.

On SQLite a batch migration copies a table and drops the old one, which its foreign keys would
refuse: they are off while migrations run (SQLite only changes that outside a transaction) and
checked whole afterwards.
"""

from alembic import context

from majlis.tally._schema import Base

engine = context.config.attributes["engine"]
with engine.connect() as connection:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
    try:
        with connection.begin():
            context.configure(connection=connection, target_metadata=Base.metadata,
                              render_as_batch=True)
            with context.begin_transaction():
                context.run_migrations()
            if sqlite and connection.exec_driver_sql("PRAGMA foreign_key_check").first():
                raise RuntimeError("a migration left a row whose foreign key points nowhere")
    finally:
        if sqlite:
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")
