"""Engines and session factories for SQLite (the default) and PostgreSQL (production)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 10_000
# The execution option that marks a connection's transactions as reads (deferred on SQLite).
READING = "mentor_bot_reading"
_SQLITE_BUSY = 5  # SQLITE_BUSY and its extended codes (BUSY_SNAPSHOT, ...) share the low byte

SessionFactory = sessionmaker[Session]
T = TypeVar("T")


def make_engine(url: str, **options: Any) -> Engine:
    """An engine tuned for its dialect.

    SQLite gets WAL (readers never block the writer), enforced foreign keys and a busy timeout so
    concurrent writers from several threads or processes wait instead of failing. A transaction
    opens with BEGIN IMMEDIATE, so a read-then-write transaction takes the write lock up front
    rather than failing with "database is locked" when it tries to upgrade; one on a connection
    marked `READING` (see `make_read_session_factory`) opens with a plain, deferred BEGIN and
    takes no lock at all, so readers never queue behind a writer.
    """
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
            **options,
        )
        _tune_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, **options)


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        reading = connection.get_execution_options().get(READING, False)
        connection.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")


def make_session_factory(engine: Engine) -> SessionFactory:
    """Sessions that keep loaded values after commit, so handlers can render what they saved.

    Their transactions may write: on SQLite each takes the write lock when it begins."""
    return sessionmaker(engine, expire_on_commit=False)


def make_read_session_factory(engine: Engine) -> SessionFactory:
    """Sessions for work that only reads (or rarely writes, see `read_then_write`): on SQLite
    their transactions begin deferred, read a WAL snapshot and never wait for the write lock.
    On PostgreSQL they are ordinary transactions (readers never wait there anyway)."""
    return sessionmaker(engine.execution_options(**{READING: True}), expire_on_commit=False)


def read_then_write(
    reads: SessionFactory, writes: SessionFactory, work: Callable[[Session], T]
) -> T:
    """Run `work` in one read transaction; if it turns out to write and SQLite refuses to upgrade
    the read to a write (another writer holds the lock, or committed since the snapshot: SQLite
    answers "database is locked" at once, without waiting), run the whole of it again in a write
    transaction, which waits for the lock its turn. The first attempt was rolled back entirely,
    so nothing is done twice. Services never talk to Slack, so running one again is safe."""
    try:
        with reads.begin() as session:
            return work(session)
    except OperationalError as error:
        if not refused_upgrade(error):
            raise
    with writes.begin() as session:
        return work(session)


def refused_upgrade(error: OperationalError) -> bool:
    """True for SQLite's "database is locked" (SQLITE_BUSY and its extended codes)."""
    orig = error.orig
    code = getattr(orig, "sqlite_errorcode", None)
    if not isinstance(orig, sqlite3.OperationalError) or code is None:
        return False
    return bool(code & 0xFF == _SQLITE_BUSY)


def database_is_healthy(engine: Engine) -> bool:
    """True when a trivial query round-trips; used by GET /healthz."""
    try:
        with engine.execution_options(**{READING: True}).connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:
        return False
    return True
