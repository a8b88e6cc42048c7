"""Fifty threads racing for the last seats of a group session, on SQLite and PostgreSQL.

    python -m benchmarks.group_seat_race [--rounds 5] [--racers 50] [--database-url URL]

Each round seeds a mentor with a 12-seat session of which all but `--free` seats are held, then
releases `--racers` threads at once, each asking for a seat in its own transaction. The
invariant: exactly the free seats are taken, every other thread is refused as full, no seat is
held twice. The baseline, measured in the same run on the same database, is the same race for a
one-person slot (one winner): the ratio is what picking a seat costs over the plain request.
Exits non-zero when the invariant fails. PostgreSQL is raced when `--database-url` answers.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import OperationalError

from benchmarks.common import machine_line
from benchmarks.run_due import fresh_engine
from bot.services import bookings
from store.db import make_engine, make_session_factory
from store.models import Booking, MentorProfile, Slot, User
from store.statuses import BookingStatus

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
SEATS = 12


def seed(engine: Engine, racers: int, seats: int, held: int) -> tuple[int, list[int]]:
    """A mentor, a slot of `seats` with `held` of them taken, and the racers; (slot, racers)."""
    factory = make_session_factory(engine)
    with factory.begin() as session:
        people = [
            User(slack_id=f"U{n:05d}", real_name=f"Person {n}", tz="UTC", created_at=NOW,
                 updated_at=NOW)
            for n in range(racers + held + 1)
        ]  # fmt: skip
        session.add_all(people)
        session.flush()
        mentor = MentorProfile(user_id=people[0].id, status="active", bio="Office hours.",
                               weekly_capacity=40, session_minutes=30,
                               meeting_link="https://meet.example.com/m", created_at=NOW,
                               updated_at=NOW)  # fmt: skip
        session.add(mentor)
        session.flush()
        slot = Slot(mentor_id=mentor.id, starts_at=NOW + timedelta(days=1),
                    ends_at=NOW + timedelta(days=1, hours=1), seats=seats,
                    title="Python office hours" if seats > 1 else None)  # fmt: skip
        session.add(slot)
        session.flush()
        ids = [p.id for p in people[1:]]
    for mentee in ids[:held]:
        with factory.begin() as session:
            ask(session, mentee, slot.id)
    return slot.id, ids[held:]


def ask(session: object, mentee: int, slot_id: int) -> None:
    bookings.request_session(
        session,  # type: ignore[arg-type]
        mentee_id=mentee,
        slot_id=slot_id,
        message="I'd like a seat at the office hours.",
        topic=None,
        now=NOW,
        max_open=3,
        ttl=timedelta(hours=72),
    )


def race(engine: Engine, slot_id: int, mentees: list[int]) -> tuple[Counter[str], float]:
    """All racers released at once; how each ended, and the wall time in ms."""
    factory = make_session_factory(engine)
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()
    barrier = threading.Barrier(len(mentees) + 1)

    def run(mentee: int) -> None:
        barrier.wait()
        try:
            with factory.begin() as session:
                ask(session, mentee, slot_id)
            outcome = "ok"
        except Exception as error:  # every refusal is counted by its name
            outcome = type(error).__name__
        with lock:
            outcomes[outcome] += 1

    threads = [threading.Thread(target=run, args=(m,)) for m in mentees]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes, (time.perf_counter() - started) * 1000


def live_seats(engine: Engine, slot_id: int) -> tuple[int, int]:
    """(live bookings, distinct seats they hold) on the slot."""
    with make_session_factory(engine).begin() as session:
        row = session.execute(
            select(func.count(), func.count(func.distinct(Booking.seat_no))).where(
                Booking.slot_id == slot_id,
                Booking.status.in_((BookingStatus.PENDING, BookingStatus.APPROVED)),
            )
        ).one()
    return int(row[0]), int(row[1])


def fresh(url: str) -> Engine:
    """An empty, migrated database at `url`, with a connection for every racer."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    fresh_engine(url).dispose()
    return make_engine(url, pool_size=64, max_overflow=0)


def one_engine(name: str, url: str, rounds: int, racers: int, free: int) -> list[str]:
    """Rounds of the group race and of the one-person baseline; the table rows, or failures."""
    group_ms: list[float] = []
    plain_ms: list[float] = []
    failures: list[str] = []
    for _ in range(rounds):
        for seats, held, times in ((SEATS, SEATS - free, group_ms), (1, 0, plain_ms)):
            engine = fresh(url)
            try:
                slot_id, mentees = seed(engine, racers, seats, held)
                outcomes, ms = race(engine, slot_id, mentees)
                taken, distinct = live_seats(engine, slot_id)
            finally:
                engine.dispose()
            times.append(ms)
            winners = seats - held
            refusal = "SessionFull" if seats > 1 else "SlotTaken"
            expected = Counter({"ok": winners, refusal: racers - winners})
            if outcomes != expected or taken != seats or distinct != seats:
                failures.append(f"{name}, {seats} seats: {dict(outcomes)}, {taken} live")
    group, plain = statistics.median(group_ms), statistics.median(plain_ms)
    rows = [
        f"| {name} | {racers} for the last {free} of {SEATS} seats | {group:.0f} | "
        f"{plain:.0f} | {group / plain:.2f}x |"
    ]
    return rows + [f"FAILED: {failure}" for failure in failures]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--racers", type=int, default=50)
    parser.add_argument("--free", type=int, default=2, help="seats left when the race starts")
    parser.add_argument("--database-url", default="")
    args = parser.parse_args(argv)
    print(machine_line())
    lines: list[str] = []
    with tempfile.TemporaryDirectory() as workdir:
        url = f"sqlite:///{Path(workdir) / 'seats.db'}"
        lines += one_engine("SQLite", url, args.rounds, args.racers, args.free)
    if args.database_url:
        try:
            lines += one_engine(
                "PostgreSQL", args.database_url, args.rounds, args.racers, args.free
            )
        except OperationalError as down:
            print(f"PostgreSQL skipped: {down.orig}")
    print("| engine | race | group race, median ms | one-seat race (baseline), median ms | ratio |")
    print("|---|---|---|---|---|")
    for line in lines:
        print(line)
    return 1 if any(line.startswith("FAILED") for line in lines) else 0


if __name__ == "__main__":
    sys.exit(main())
