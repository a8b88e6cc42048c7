"""Concurrency helpers: threads released at once, engines wide enough for all of them to race."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from store.db import SessionFactory, make_engine

WAIT = 15.0  # seconds a thread may take before the test gives up on it


def race_all(
    factory: SessionFactory, count: int, attempt: Callable[[Session, int], object]
) -> Counter[str]:
    """Run `attempt` in `count` threads released at once; how each ended, by outcome name."""
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()
    start = threading.Barrier(count)

    def run(n: int) -> None:
        start.wait()
        try:
            with factory.begin() as session:
                attempt(session, n)
            outcome = "ok"
        except Exception as error:
            outcome = type(error).__name__
        with lock:
            outcomes[outcome] += 1

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


def wide_engine(database_url: str, connections: int) -> Engine:
    """An engine with a connection for every thread, so all of them truly race."""
    return make_engine(database_url, pool_size=connections, max_overflow=0)


def is_waiting_for_a_lock(engine: Engine) -> bool:
    """True once another session of this database waits for a row lock (PostgreSQL only)."""
    with engine.connect() as connection:
        waiting = connection.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
        ).scalar_one()
    return bool(waiting)


def saw_a_lock_wait(engine: Engine, finished: Callable[[], bool]) -> bool:
    """On PostgreSQL, wait until another session waits for a lock (True) or `finished` (False)."""
    if engine.dialect.name != "postgresql":
        return False
    poll = threading.Event()
    for _ in range(int(WAIT * 100)):
        if is_waiting_for_a_lock(engine):
            return True
        if finished():
            return False
        poll.wait(0.01)
    raise AssertionError("nothing waited for the lock, and nothing finished")
