"""Fifty people race for the last seats of a group session: the database keeps the count.

Each thread asks for a seat in its own transaction at the same moment (tests/races.py); exactly
the free seats are taken, every other thread gets the "session is full" refusal, and no seat is
ever held twice.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, event, func, select
from sqlalchemy.orm import Session

from store.db import SessionFactory, make_session_factory
from store.models import Booking, Slot
from store.statuses import BookingStatus
from tests.conftest import ADA
from tests.races import race_all, wide_engine
from tests.seed import HOUR, NEW_YORK, NOW, PARIS, add_mentor, add_user, request

RACERS = 50


def group_slot(session: Session, mentor_id: int, seats: int, *, at_once: bool = False) -> int:
    slot = Slot(
        mentor_id=mentor_id,
        starts_at=NOW + 24 * HOUR,
        ends_at=NOW + 25 * HOUR,
        seats=seats,
        title="Python office hours",
        auto_approve=at_once,
    )
    session.add(slot)
    session.flush()
    return slot.id


def live_seats(sessions: SessionFactory, slot_id: int) -> list[int]:
    with sessions.begin() as session:
        return sorted(
            session.scalars(
                select(Booking.seat_no).where(
                    Booking.slot_id == slot_id,
                    Booking.status.in_((BookingStatus.PENDING, BookingStatus.APPROVED)),
                )
            )
        )


def race_for(database_url: str, mentees: list[int], slot_id: int) -> Counter[str]:
    wide = wide_engine(database_url, RACERS)
    try:
        return race_all(
            make_session_factory(wide), RACERS, lambda s, n: request(s, mentees[n], slot_id)
        )
    finally:
        wide.dispose()


def racers(sessions: SessionFactory) -> list[int]:
    with sessions.begin() as session:
        return [add_user(session, f"U0SEAT{n}", tz=PARIS).id for n in range(RACERS)]


def test_fifty_people_race_for_the_last_two_seats(
    sessions: SessionFactory, engine: Engine, database_url: str
) -> None:
    with sessions.begin() as session:
        ada = add_mentor(session, ADA, tz=NEW_YORK, capacity=40).id
        slot_id = group_slot(session, ada, 12)
        early = [add_user(session, f"U0EARLY{n}").id for n in range(10)]
    for mentee in early:
        with sessions.begin() as session:
            request(session, mentee, slot_id)
    outcomes = race_for(database_url, racers(sessions), slot_id)
    assert outcomes == Counter({"ok": 2, "SessionFull": RACERS - 2})
    assert live_seats(sessions, slot_id) == list(range(1, 13))


def test_fifty_people_race_for_four_seats_approved_at_once(
    sessions: SessionFactory, engine: Engine, database_url: str
) -> None:
    with sessions.begin() as session:
        ada = add_mentor(session, ADA, tz=NEW_YORK, capacity=1).id
        slot_id = group_slot(session, ada, 4, at_once=True)
    outcomes = race_for(database_url, racers(sessions), slot_id)
    # A capacity of one session a week still seats four: the group is one session.
    assert outcomes == Counter({"ok": 4, "SessionFull": RACERS - 4})
    assert live_seats(sessions, slot_id) == [1, 2, 3, 4]
    with sessions.begin() as session:
        approved = select(func.count()).where(Booking.status == BookingStatus.APPROVED)
        assert session.scalar(approved) == 4


def test_a_seat_taken_after_it_was_chosen_is_retried_on_the_next(
    sessions: SessionFactory, engine: Engine, database_url: str
) -> None:
    """The index is the last referee: should the seat this request chose be taken between its
    read of the free seats and its insert (here by a row slipped in right after that read),
    the next free seat is taken instead."""
    with sessions.begin() as session:
        ada = add_mentor(session, ADA, tz=NEW_YORK, capacity=40).id
        slot_id = group_slot(session, ada, 3)
        ben, intruder = (add_user(session, f"U0SEAT{n}").id for n in range(2))
    slipped: list[bool] = []

    def slip_in_seat_one(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if "SELECT bookings.seat_no" in statement and not slipped:
            slipped.append(True)
            cursor.connection.cursor().execute(
                "INSERT INTO bookings (slot_id, mentor_id, mentee_id, status, message, "
                "requested_at, starts_at, ends_at, seat_no, planned_by, sequence) "
                f"SELECT id, mentor_id, {intruder}, 'pending', 'A competing request.', "
                f"starts_at, starts_at, ends_at, 1, 'mentee', 0 FROM slots WHERE id = {slot_id}"
            )

    with sessions.begin() as session:
        connection = session.connection()
        event.listen(connection, "after_cursor_execute", slip_in_seat_one)
        mine = request(session, ben, slot_id)
        event.remove(connection, "after_cursor_execute", slip_in_seat_one)
    assert slipped == [True]
    assert (mine.seat_no, live_seats(sessions, slot_id)) == (2, [1, 2])


def test_a_full_session_refuses_without_touching_the_index(
    sessions: SessionFactory, engine: Engine, database_url: str
) -> None:
    """The last seat gone, the next request is refused as full, and a cancelled seat is the one
    given out again."""
    with sessions.begin() as session:
        ada = add_mentor(session, ADA, tz=NEW_YORK, capacity=40).id
        slot_id = group_slot(session, ada, 2)
        people = [add_user(session, f"U0SEAT{n}").id for n in range(3)]
    with sessions.begin() as session:
        first = request(session, people[0], slot_id)
        request(session, people[1], slot_id)
    with pytest.raises(Exception, match="that session is full"), sessions.begin() as session:
        request(session, people[2], slot_id)
    with sessions.begin() as session:
        session.get_one(Booking, first.id).status = BookingStatus.CANCELLED
    with sessions.begin() as session:
        assert request(session, people[2], slot_id, now=NOW + timedelta(minutes=1)).seat_no == 1
