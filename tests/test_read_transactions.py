"""Reads never queue behind a writer (issue 18, item 4), on a real database file and real threads.

On SQLite every write transaction begins IMMEDIATE and holds the write lock until it commits;
read transactions begin deferred and read a WAL snapshot, so while a writer holds the lock they
neither wait for it nor fail. A read that turns out to write is run again as a write when SQLite
refuses to upgrade it, so it neither fails nor writes twice.
"""

from __future__ import annotations

import threading
import time
from collections import Counter

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from store.db import (
    SessionFactory,
    make_read_session_factory,
    make_session_factory,
    read_then_write,
)
from store.models import User
from tests.races import WAIT, wide_engine
from tests.seed import add_user

READERS = 8


def users(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(User)) or 0


def test_readers_do_not_wait_while_a_writer_holds_the_lock(
    engine: Engine, database_url: str
) -> None:
    """A writer adds a user and keeps its transaction open; eight readers in their own threads
    all finish, fast and without error, before it commits, and see the database as it was."""
    wide = wide_engine(database_url, READERS + 1)
    writes, reads = make_session_factory(wide), make_read_session_factory(wide)
    holding, release = threading.Event(), threading.Event()

    def writer() -> None:
        with writes.begin() as session:
            add_user(session, "U0WRITER")
            holding.set()
            release.wait(WAIT)

    seen: Counter[str] = Counter()
    waits: list[float] = []
    lock = threading.Lock()

    def reader() -> None:
        started = time.monotonic()
        try:
            with reads.begin() as session:
                outcome = f"saw {users(session)}"
        except Exception as error:
            outcome = type(error).__name__
        with lock:
            seen[outcome] += 1
            waits.append(time.monotonic() - started)

    holder = threading.Thread(target=writer)
    holder.start()
    try:
        assert holding.wait(WAIT)
        readers = [threading.Thread(target=reader) for _ in range(READERS)]
        for thread in readers:
            thread.start()
        for thread in readers:
            thread.join(WAIT)
        still_holding = holder.is_alive()
    finally:
        release.set()
        holder.join(WAIT)
        wide.dispose()
    assert still_holding, "the writer let go before the readers finished"
    assert seen == {"saw 0": READERS}
    assert max(waits) < 1.0, f"a reader waited {max(waits):.2f} s for the writer"
    with make_session_factory(engine).begin() as session:
        assert users(session) == 1


def test_a_read_that_writes_after_someone_else_did_is_run_again_as_a_write(
    engine: Engine, database_url: str
) -> None:
    """A read-mostly use case reads, another transaction adds a user and commits, then the use
    case writes too: SQLite refuses to upgrade the stale snapshot, so the whole use case runs
    again as a write; both users are there, once each (PostgreSQL needs no second run)."""
    wide = wide_engine(database_url, 3)
    writes, reads = make_session_factory(wide), make_read_session_factory(wide)
    runs: list[int] = []

    def use_case(session: Session) -> int:
        before = users(session)
        runs.append(before)
        if len(runs) == 1:
            other = threading.Thread(target=lambda: add_one(writes, "U0OTHER"))
            other.start()
            other.join(WAIT)
        add_user(session, "U0READER")
        return before

    try:
        seen_before = read_then_write(reads, writes, use_case)
    finally:
        wide.dispose()
    if database_url.startswith("sqlite"):
        assert runs == [0, 1] and seen_before == 1
    else:
        assert runs == [0] and seen_before == 0
    with make_session_factory(engine).begin() as session:
        names = sorted(session.scalars(select(User.slack_id)))
    assert names == ["U0OTHER", "U0READER"]


def test_a_read_that_writes_while_a_writer_holds_the_lock_waits_its_turn(
    engine: Engine, database_url: str
) -> None:
    """The use case's write meets a writer holding the lock: it is not refused with "database
    is locked"; it runs again as a write once the writer commits."""
    wide = wide_engine(database_url, 3)
    writes, reads = make_session_factory(wide), make_read_session_factory(wide)
    holding, release = threading.Event(), threading.Event()

    def writer() -> None:
        with writes.begin() as session:
            add_user(session, "U0WRITER")
            holding.set()
            release.wait(WAIT)

    holder = threading.Thread(target=writer)
    holder.start()
    assert holding.wait(WAIT)
    threading.Timer(0.3, release.set).start()
    try:
        read_then_write(reads, writes, lambda session: add_user(session, "U0READER"))
    finally:
        release.set()
        holder.join(WAIT)
        wide.dispose()
    with make_session_factory(engine).begin() as session:
        names = sorted(session.scalars(select(User.slack_id)))
    assert names == ["U0READER", "U0WRITER"]


def add_one(writes: SessionFactory, slack_id: str) -> None:
    with writes.begin() as session:
        add_user(session, slack_id)
