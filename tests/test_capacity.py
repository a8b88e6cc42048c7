"""Weekly capacity where bookings are written: requests, approvals, proposals, under races.

The week is the mentor's local Monday-to-Sunday; search and the writes count it the same way.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session

from bot.services import bookings, negotiation
from bot.services.bookings import WeekFull
from bot.services.free_slots import free_slots
from store.db import SessionFactory, make_session_factory
from store.models import Booking, MentorProfile
from tests.conftest import ADA
from tests.races import race_all, wide_engine
from tests.seed import (
    NEW_YORK,
    NOW,
    PARIS,
    add_mentor,
    add_slot,
    add_user,
    answer_proposal,
    request,
    requested,
)

# Week of Monday 26 October 2026 in New York holds the fall-back change (Sunday 1 November).
BEFORE = datetime(2026, 10, 20, 12, 0, tzinfo=UTC)
MONDAY_MORNING = datetime(2026, 10, 26, 4, 30, tzinfo=UTC)  # 00:30 EDT, Monday 26 Oct
SUNDAY_NIGHT = datetime(2026, 11, 2, 4, 30, tzinfo=UTC)  # 23:30 EST, Sunday 1 Nov
NEXT_MONDAY = datetime(2026, 11, 2, 5, 30, tzinfo=UTC)  # 00:30 EST, Monday 2 Nov


def mentor_with(sessions: SessionFactory, weekly_capacity: int, tz: str = NEW_YORK) -> int:
    with sessions.begin() as session:
        return add_mentor(session, ADA, tz=tz, capacity=weekly_capacity).id


def mentees(sessions: SessionFactory, count: int) -> list[int]:
    with sessions.begin() as session:
        return [add_user(session, f"U0MENTEE{n}", tz=PARIS).id for n in range(count)]


def slots(sessions: SessionFactory, mentor: int, starts: list[datetime]) -> list[int]:
    with sessions.begin() as session:
        return [add_slot(session, mentor, at).id for at in starts]


def set_capacity(sessions: SessionFactory, mentor: int, weekly_capacity: int) -> None:
    with sessions.begin() as session:
        session.execute(
            update(MentorProfile)
            .where(MentorProfile.id == mentor)
            .values(weekly_capacity=weekly_capacity)
        )


def live_count(sessions: SessionFactory) -> int:
    with sessions.begin() as session:
        query = select(func.count()).where(Booking.status.in_(("pending", "approved")))
        return session.scalar(query) or 0


def test_a_request_past_the_weekly_capacity_is_refused(sessions: SessionFactory) -> None:
    """Capacity two: two requests fill Tuesday's week; a third that week is refused on its
    time field, and nothing is written; the next week still takes one."""
    ada = mentor_with(sessions, 2)
    people = mentees(sessions, 4)
    day = NOW + timedelta(days=1)
    tue, wed, thu, next_week = slots(
        sessions,
        ada,
        [day, day + timedelta(days=1), day + timedelta(days=2), day + timedelta(days=7)],
    )
    requested(sessions, people[0], tue)
    requested(sessions, people[1], wed)
    with pytest.raises(WeekFull, match="week is full") as refused, sessions.begin() as session:
        request(session, people[2], thu)
    assert refused.value.field == "slot"
    assert live_count(sessions) == 2
    assert requested(sessions, people[3], next_week).status == "pending"


def test_the_week_is_the_mentors_own_across_daylight_saving(sessions: SessionFactory) -> None:
    """Capacity one in New York: a Monday 00:30 EDT booking fills the week that ends with the
    fall-back Sunday, so 23:30 EST that Sunday (already Monday in UTC) is refused, while
    00:30 EST the next Monday (the same UTC week as that Sunday night) is a new week."""
    ada = mentor_with(sessions, 1)
    people = mentees(sessions, 3)
    monday, sunday, next_monday = slots(sessions, ada, [MONDAY_MORNING, SUNDAY_NIGHT, NEXT_MONDAY])
    requested(sessions, people[0], monday, now=BEFORE)
    with pytest.raises(WeekFull), sessions.begin() as session:
        request(session, people[1], sunday, now=BEFORE)
    assert requested(sessions, people[2], next_monday, now=BEFORE).status == "pending"


def test_search_and_the_write_agree_on_full_weeks(sessions: SessionFactory) -> None:
    """Whatever search offers can be requested, and what it hides as full is refused."""
    ada = mentor_with(sessions, 1)
    people = mentees(sessions, 3)
    monday, sunday, next_monday = slots(sessions, ada, [MONDAY_MORNING, SUNDAY_NIGHT, NEXT_MONDAY])
    requested(sessions, people[0], monday, now=BEFORE)
    with sessions.begin() as session:
        offered = {s.id for s in free_slots(session, mentor_id=ada, now=BEFORE)}
    assert offered == {next_monday}
    with pytest.raises(WeekFull), sessions.begin() as session:
        request(session, people[1], sunday, now=BEFORE)
    assert requested(sessions, people[2], next_monday, now=BEFORE).status == "pending"


def test_approving_past_a_lowered_capacity_is_refused(sessions: SessionFactory) -> None:
    """Two requests wait; Ada lowers her capacity to one: approving says why and changes
    nothing; once she declines the other, the approval goes through."""
    ada = mentor_with(sessions, 2)
    people = mentees(sessions, 2)
    day = NOW + timedelta(days=1)
    first, second = slots(sessions, ada, [day, day + timedelta(hours=2)])
    keep = requested(sessions, people[0], first)
    other = requested(sessions, people[1], second)
    set_capacity(sessions, ada, 1)
    full = pytest.raises(WeekFull, match="weekly capacity is 1")
    with full as refused, sessions.begin() as session:
        bookings.approve(session, booking_id=keep.id, actor_slack_id=ADA, now=NOW, offsets=())
    assert "Decline or move another request" in str(refused.value)
    with sessions.begin() as session:
        waiting = bookings.get_booking(session, booking_id=keep.id)
        assert waiting is not None and waiting.status == "pending"
        bookings.decline(
            session, booking_id=other.id, actor_slack_id=ADA, reason="Busy week", now=NOW
        )
    with sessions.begin() as session:
        done = bookings.approve(
            session, booking_id=keep.id, actor_slack_id=ADA, now=NOW, offsets=()
        ).booking
    assert done.status == "approved"


def test_a_proposal_into_a_full_week_is_refused_and_its_acceptance_too(
    sessions: SessionFactory,
) -> None:
    """Capacity one: Ada may move Ben's request within its own week (it is not counted twice),
    but not into a week another request fills; if that week fills after she proposed, Ben's
    acceptance is refused and his request stays as it was."""
    ada = mentor_with(sessions, 1)
    people = mentees(sessions, 2)
    day = NOW + timedelta(days=1)
    tue, wed, next_tue, next_wed = slots(
        sessions,
        ada,
        [day, day + timedelta(days=1), day + timedelta(days=7), day + timedelta(days=8)],
    )
    asked = requested(sessions, people[0], tue)
    with sessions.begin() as session:
        moved = negotiation.propose(
            session, booking_id=asked.id, actor_slack_id=ADA, slot_id=wed, now=NOW
        ).booking
    assert moved.proposed_slot_id == wed
    with sessions.begin() as session:
        negotiation.propose(
            session, booking_id=asked.id, actor_slack_id=ADA, slot_id=next_tue, now=NOW
        )
    requested(sessions, people[1], next_wed)  # the next week fills meanwhile
    with pytest.raises(WeekFull, match="week is full"), sessions.begin() as session:
        answer_proposal(
            session,
            booking_id=asked.id,
            actor_slack_id=asked.mentee_slack_id,
            accept=True,
            now=NOW,
            offsets=(),
        )
    with sessions.begin() as session:
        still = bookings.get_booking(session, booking_id=asked.id)
    assert still is not None and (still.status, still.slot_id) == ("pending", tue)
    with pytest.raises(WeekFull, match="weekly capacity is 1"), sessions.begin() as session:
        negotiation.propose(
            session, booking_id=asked.id, actor_slack_id=ADA, slot_id=next_tue, now=NOW
        )


def test_requests_for_a_weeks_last_place_race_and_one_wins(
    sessions: SessionFactory, engine: Engine, database_url: str
) -> None:
    """Twelve mentees ask, at the same moment, for twelve different times in one week of a
    mentor with room for one more: exactly one request is made, the others hear it is full."""
    ada = mentor_with(sessions, 2)
    people = mentees(sessions, 13)
    day = NOW + timedelta(days=1)
    times = slots(sessions, ada, [day + timedelta(minutes=30 * n) for n in range(13)])
    requested(sessions, people[12], times[12])
    wide = wide_engine(database_url, 12)
    try:
        outcomes = race_all(
            make_session_factory(wide), 12, lambda s, n: request(s, people[n], times[n])
        )
    finally:
        wide.dispose()
    assert outcomes == Counter({"ok": 1, "WeekFull": 11})
    assert live_count(sessions) == 2


def test_approvals_race_with_requests_for_the_last_place(
    sessions: SessionFactory, engine: Engine, database_url: str
) -> None:
    """A request for the last place races Ada approving a request whose proposal moves a
    session into that week: the week never ends with more live bookings than its capacity."""
    ada = mentor_with(sessions, 1)
    people = mentees(sessions, 2)
    day = NOW + timedelta(days=1)
    this_week, next_week, also_next = slots(
        sessions, ada, [day, day + timedelta(days=7), day + timedelta(days=7, hours=1)]
    )
    moving = requested(sessions, people[0], this_week)
    with sessions.begin() as session:
        negotiation.propose(
            session, booking_id=moving.id, actor_slack_id=ADA, slot_id=next_week, now=NOW
        )

    def attempt(session: Session, n: int) -> object:
        if n == 0:
            return answer_proposal(
                session,
                booking_id=moving.id,
                actor_slack_id=moving.mentee_slack_id,
                accept=True,
                now=NOW,
                offsets=(),
            ).booking
        return request(session, people[1], also_next)

    wide = wide_engine(database_url, 2)
    try:
        outcomes = race_all(make_session_factory(wide), 2, attempt)
    finally:
        wide.dispose()
    assert outcomes == Counter({"ok": 1, "WeekFull": 1})
    with sessions.begin() as session:
        in_next_week = session.scalar(
            select(func.count()).where(
                Booking.status.in_(("pending", "approved")),
                Booking.starts_at >= day + timedelta(days=6),
            )
        )
    assert in_next_week == 1
