"""Due work on real databases: scheduled once by key, claimed by exactly one pass."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bot.services import due
from store.db import SessionFactory
from store.models import DueWork

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
LEASE = timedelta(minutes=5)


def schedule_many(sessions: SessionFactory, count: int, *, due_at: datetime = NOW) -> None:
    with sessions.begin() as session:
        for n in range(count):
            due.schedule(session, key=f"test:{n}", kind="test", due_at=due_at, now=NOW)


def test_scheduling_the_same_key_twice_adds_one_row(sessions: SessionFactory) -> None:
    """Scheduling is idempotent: a retried request cannot create a second reminder."""
    with sessions.begin() as session:
        assert due.schedule(session, key="reminder:1", kind="test", due_at=NOW, now=NOW)
        assert not due.schedule(session, key="reminder:1", kind="test", due_at=NOW, now=NOW)
    with sessions.begin() as session:
        assert session.scalar(select(func.count()).select_from(DueWork)) == 1


def test_only_due_unleased_rows_are_claimed(sessions: SessionFactory) -> None:
    """Future work waits; claimed work is invisible to others until its lease runs out."""
    schedule_many(sessions, 2)
    with sessions.begin() as session:
        due.schedule(session, key="later", kind="test", due_at=NOW + timedelta(hours=1), now=NOW)
    with sessions.begin() as session:
        first = due.claim_due(session, now=NOW, lease=LEASE, limit=10, token="a")
    with sessions.begin() as session:
        second = due.claim_due(session, now=NOW, lease=LEASE, limit=10, token="b")
    assert sorted(item.key for item in first) == ["test:0", "test:1"]
    assert second == []
    with sessions.begin() as session:
        after_lease = due.claim_due(session, now=NOW + LEASE, lease=LEASE, limit=10, token="c")
    assert sorted(item.key for item in after_lease) == ["test:0", "test:1"]
    assert all(item.attempts == 2 for item in after_lease)


def test_a_lost_lease_cannot_be_settled(sessions: SessionFactory) -> None:
    """A pass that stalled past its lease cannot mark work done that another pass now holds."""
    schedule_many(sessions, 1)
    with sessions.begin() as session:
        (stale,) = due.claim_due(session, now=NOW, lease=LEASE, limit=1, token="slow")
    with sessions.begin() as session:
        (fresh,) = due.claim_due(session, now=NOW + LEASE, lease=LEASE, limit=1, token="fast")
    with sessions.begin() as session:
        assert not due.finish(session, stale, now=NOW + LEASE)
        assert due.finish(session, fresh, now=NOW + LEASE)
    with sessions.begin() as session:
        row = session.scalars(select(DueWork)).one()
    assert (row.status, row.lease_until) == ("sent", None)


def test_retry_later_waits_until_its_time(sessions: SessionFactory) -> None:
    """Deferred work is not claimed before its retry time, then is claimed again."""
    schedule_many(sessions, 1)
    with sessions.begin() as session:
        (item,) = due.claim_due(session, now=NOW, lease=LEASE, limit=1, token="a")
        assert due.retry_later(session, item, at=NOW + timedelta(minutes=2), error="Slack 500")
    with sessions.begin() as session:
        assert (
            due.claim_due(session, now=NOW + timedelta(minutes=1), lease=LEASE, limit=1, token="b")
            == []
        )
        assert due.claim_due(
            session, now=NOW + timedelta(minutes=2), lease=LEASE, limit=1, token="b"
        )


def test_racing_passes_claim_each_row_once(sessions: SessionFactory) -> None:
    """Eight passes started at the same moment split 200 rows between them with no overlap."""
    schedule_many(sessions, 200)
    claimed: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def one_pass(token: str) -> None:
        start.wait()
        while True:
            with sessions.begin() as session:
                items = due.claim_due(session, now=NOW, lease=LEASE, limit=7, token=token)
            if not items:
                return
            with lock:
                claimed.extend(item.key for item in items)

    threads = [threading.Thread(target=one_pass, args=(f"pass-{n}",)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    counts = Counter(claimed)
    assert len(counts) == 200
    assert max(counts.values()) == 1
