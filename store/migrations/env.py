"""Alembic environment: runs migrations on the engine handed over by store.migrate."""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from sqlalchemy import Connection, text

from store.models import Base
from store.types import UTCDateTime

PG_MIGRATION_LOCK = 7_140_001  # any constant; serialises concurrent upgrades from replicas


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | Literal[False]:
    """Write our UTC column type as plain SQL DateTime so migrations never import app code."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _sqlite_foreign_keys(connection: Connection, *, on: bool) -> None:
    """Switch SQLite's foreign keys; only takes effect outside a transaction, hence the driver's
    own connection (in autocommit mode, store/db.py) rather than one SQLAlchemy would begin."""
    driver = connection.connection.driver_connection
    assert driver is not None
    driver.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


def run_migrations_online() -> None:
    engine = context.config.attributes["engine"]
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Batch mode rebuilds a table (copy, drop the old one, rename); with foreign keys on,
            # dropping the old table would delete every row that refers to it (ON DELETE
            # CASCADE: a mentor's slots, bookings, reviews...). SQLite's procedure for schema
            # changes: keys off outside the transaction, check them all before committing.
            _sqlite_foreign_keys(connection, on=False)
        try:
            if connection.dialect.name == "postgresql":
                # Two replicas starting together must not both create the same tables.
                connection.execute(text(f"SELECT pg_advisory_xact_lock({PG_MIGRATION_LOCK})"))
            context.configure(
                connection=connection,
                target_metadata=Base.metadata,
                render_as_batch=sqlite,
                compare_type=True,
                render_item=render_item,
            )
            with context.begin_transaction():
                context.run_migrations()
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                    if broken:
                        raise RuntimeError(f"migration broke foreign keys: {broken[:5]}")
            connection.commit()
        finally:
            if sqlite:
                connection.rollback()
                _sqlite_foreign_keys(connection, on=True)


run_migrations_online()
