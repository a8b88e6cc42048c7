"""A privacy deletion racing a booking request, with real concurrent transactions.

Each test runs one side in a thread and holds its transaction open until the other side, in its
own thread and session, is waiting for it (on PostgreSQL, seen as a lock wait in
pg_stat_activity; SQLite serialises writers with BEGIN IMMEDIATE), then commits. Whichever goes
first, the end is one of two clean states: the request is refused, or it is made and then
stripped and cancelled by the deletion, which the mentor hears about. Never a pending booking
that keeps the deleted person's message, never a failed deletion.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from bot.services import bookings, lifecycle
from bot.services.availability import LIVE_STATUSES
from bot.services.bookings import BookingError, BookingView
from bot.services.interests import save_interests
from bot.services.people import Person, PersonForgotten, lock_live_people, save_person
from bot.services.privacy import REMOVED_MESSAGE, Forgotten, forget_person
from store.db import SessionFactory
from store.models import Booking, DueWork, MentorProfile, User
from tests.conftest import ADA, BEN
from tests.races import WAIT, saw_a_lock_wait
from tests.seed import MESSAGE, NOW, World, build_world, request

TTL = timedelta(hours=48)
SIDES = pytest.mark.parametrize("deleted", ["mentee", "mentor"])


@dataclass
class Race:
    """What each side returned, or the exception it raised."""

    first: Any = None
    second: Any = None
    waited: bool = False  # the second side was seen waiting for the first's lock


def assert_serialised(engine: Engine, outcome: Race) -> None:
    """On PostgreSQL the second side must really have waited, or the test proved nothing."""
    if engine.dialect.name == "postgresql":
        assert outcome.waited, "the second transaction never waited for the first"


def race(
    engine: Engine,
    sessions: SessionFactory,
    first: Callable[[Session], Any],
    second: Callable[[Session], Any],
    then: Callable[[Session, Any], Any] | None = None,
) -> Race:
    """Run `first` and keep its transaction open until `second` waits for it; then commit both.

    `then`, if given, is the rest of the first transaction, run while the second waits.
    """
    outcome = Race()
    holding, second_done = threading.Event(), threading.Event()

    def run_first() -> None:
        try:
            with sessions.begin() as session:
                outcome.first = first(session)
                holding.set()
                outcome.waited = saw_a_lock_wait(engine, second_done.is_set)
                if then is not None:
                    outcome.first = then(session, outcome.first)
        except Exception as error:  # the test inspects it
            outcome.first = error
        finally:
            holding.set()

    def run_second() -> None:
        try:
            with sessions.begin() as session:
                outcome.second = second(session)
        except Exception as error:  # the test inspects it
            outcome.second = error
        finally:
            second_done.set()

    one = threading.Thread(target=run_first)
    one.start()
    assert holding.wait(WAIT)
    two = threading.Thread(target=run_second)
    two.start()
    for thread in (one, two):
        thread.join(WAIT)
        assert not thread.is_alive(), "a transaction never finished"
    return outcome


def forgetting(slack_id: str) -> Callable[[Session], Forgotten]:
    return lambda session: forget_person(session, slack_id=slack_id, now=NOW)


def requesting(world: World) -> Callable[[Session], BookingView]:
    """Ben asks for Ada's first slot; its due work is planned in the same call."""

    def ask(session: Session) -> BookingView:
        return request(session, world.ben, world.slots[0], ttl=TTL)

    return ask


def assert_clean(sessions: SessionFactory, forgotten_user: int) -> None:
    """The deletion committed, and no booking of the person is live or keeps their message."""
    with sessions.begin() as session:
        user = session.get_one(User, forgotten_user)
        assert user.deleted_at is not None and user.slack_id.startswith("deleted:")
        mentor = session.scalar(select(MentorProfile.id).where(MentorProfile.user_id == user.id))
        theirs = (Booking.mentee_id == user.id) | (Booking.mentor_id == mentor)
        rows = session.execute(select(Booking.status, Booking.message).where(theirs)).all()
    assert all(status not in LIVE_STATUSES for status, _ in rows), rows
    assert all(message == REMOVED_MESSAGE for _, message in rows), rows


def deleted_person(world: World, deleted: str) -> tuple[str, int]:
    return (BEN, world.ben) if deleted == "mentee" else (ADA, world.ada_user)


@SIDES
def test_a_deletion_that_locks_first_refuses_the_request(
    engine: Engine, sessions: SessionFactory, deleted: str
) -> None:
    """Ben (or Ada) deletes their data while Ben's request is on its way: it is refused."""
    world = build_world(sessions)
    slack_id, user_id = deleted_person(world, deleted)
    outcome = race(engine, sessions, forgetting(slack_id), requesting(world))
    assert_serialised(engine, outcome)
    assert isinstance(outcome.first, Forgotten), outcome.first
    assert isinstance(outcome.second, BookingError), outcome.second
    refusals = {
        "mentee": {"You asked Mentor Bot to delete your data, so this was not saved. "
                   "Try again to start afresh."},
        "mentor": {"This mentor has left the mentorship program.",
                   "That time is no longer available. Pick another one."},
    }  # fmt: skip
    assert str(outcome.second) in refusals[deleted]
    with sessions.begin() as session:
        assert session.scalar(select(func.count()).select_from(Booking)) == 0
    assert_clean(sessions, user_id)


@SIDES
def test_a_request_that_locks_first_is_stripped_and_cancelled(
    engine: Engine, sessions: SessionFactory, deleted: str
) -> None:
    """Ben's request commits first: the deletion then strips and cancels it, and returns it so
    the other participant is told."""
    world = build_world(sessions)
    slack_id, user_id = deleted_person(world, deleted)
    outcome = race(engine, sessions, requesting(world), forgetting(slack_id))
    assert_serialised(engine, outcome)
    assert isinstance(outcome.first, BookingView), outcome.first
    assert isinstance(outcome.second, Forgotten), outcome.second
    assert [booking.id for booking in outcome.second.called_off] == [outcome.first.id]
    with sessions.begin() as session:
        booking = session.get_one(Booking, outcome.first.id)
        assert (booking.status, booking.message) == ("cancelled", REMOVED_MESSAGE)
        assert MESSAGE not in str(session.execute(select(DueWork.payload)).all())
        pending = select(func.count()).where(DueWork.status == "pending")
        assert session.scalar(pending.select_from(DueWork)) == 0
    assert_clean(sessions, user_id)


def test_an_approval_under_way_when_the_mentee_deletes_is_cancelled(
    engine: Engine, sessions: SessionFactory
) -> None:
    """Ada approves Ben's request while Ben deletes his data. Her transaction has locked the
    booking and goes on to plan reminders for Ben (which needs a key-share lock on his row)
    while the deletion waits for the booking: neither may deadlock the other. The approval
    commits, then the deletion cancels the session and strips it."""
    world = build_world(sessions)
    with sessions.begin() as session:
        pending = request(session, world.ben, world.slots[0])

    def approve(session: Session) -> BookingView:
        return bookings.approve(
            session,
            booking_id=pending.id,
            actor_slack_id=ADA,
            now=NOW,
            offsets=(timedelta(hours=1),),
        ).booking

    def plan(session: Session, booking: BookingView) -> BookingView:
        lifecycle.plan_session(session, booking, offsets=(timedelta(hours=1),), now=NOW)
        return booking

    outcome = race(engine, sessions, approve, forgetting(BEN), then=plan)
    assert_serialised(engine, outcome)
    assert isinstance(outcome.first, BookingView), outcome.first
    assert isinstance(outcome.second, Forgotten), outcome.second
    assert [booking.id for booking in outcome.second.called_off] == [pending.id]
    with sessions.begin() as session:
        booking = session.get_one(Booking, pending.id)
        assert (booking.status, booking.message) == ("cancelled", REMOVED_MESSAGE)
        pending_work = select(func.count()).where(DueWork.status == "pending")
        assert session.scalar(pending_work.select_from(DueWork)) == 0
    assert_clean(sessions, world.ben)


def test_two_mentors_booking_each_other_at_once_do_not_deadlock(
    engine: Engine, sessions: SessionFactory
) -> None:
    """Ada books Dan's slot while Dan books Ada's: each request locks both people's rows, in id
    order, so whichever comes second waits without holding anything the first needs."""
    world = build_world(sessions)
    dan_user = session_user_of(sessions, world.dan)

    def ada_locks_herself(session: Session) -> None:
        lock_live_people(session, acting=world.ada_user)

    def dan_books_ada(session: Session) -> BookingView:
        return request(session, dan_user, world.slots[0])

    def ada_books_dan(session: Session, _: None) -> BookingView:
        return request(session, world.ada_user, world.dan_slot)

    outcome = race(engine, sessions, ada_locks_herself, dan_books_ada, then=ada_books_dan)
    assert_serialised(engine, outcome)
    assert isinstance(outcome.first, BookingView), outcome.first
    assert isinstance(outcome.second, BookingView), outcome.second


def session_user_of(sessions: SessionFactory, mentor_id: int) -> int:
    with sessions.begin() as session:
        return session.get_one(MentorProfile, mentor_id).user_id


def saving_goals(world: World) -> Callable[[Session], Any]:
    """Ben saves his interests with new goals, as `/mentor interests` does."""
    return lambda session: save_interests(
        session, person_id=world.ben, skills=["python"], goals="Lead the platform team by June."
    )


def test_goals_saved_while_the_mentee_is_forgotten_are_refused(
    engine: Engine, sessions: SessionFactory
) -> None:
    """Ben's deletion holds his row when his new goals arrive: they wait, see him forgotten and
    are refused, instead of writing his words back onto the forgotten row."""
    world = build_world(sessions)
    outcome = race(engine, sessions, forgetting(BEN), saving_goals(world))
    assert_serialised(engine, outcome)
    assert isinstance(outcome.first, Forgotten), outcome.first
    assert isinstance(outcome.second, PersonForgotten), outcome.second
    with sessions.begin() as session:
        assert session.get_one(User, world.ben).goals is None


def test_goals_saved_first_are_stripped_by_the_deletion(
    engine: Engine, sessions: SessionFactory
) -> None:
    """Ben's goals commit first; the deletion, which waited, strips them."""
    world = build_world(sessions)
    outcome = race(engine, sessions, saving_goals(world), forgetting(BEN))
    assert_serialised(engine, outcome)
    assert isinstance(outcome.second, Forgotten), outcome.second
    with sessions.begin() as session:
        assert session.get_one(User, world.ben).goals is None


def test_a_returning_person_starts_afresh_rather_than_reclaiming_the_forgotten_row(
    engine: Engine, sessions: SessionFactory
) -> None:
    """Ben's next request arrives (his Slack name refreshed) while his deletion holds his row:
    once it commits, Ben is a new member, and his name never returns to the forgotten row."""
    world = build_world(sessions)

    def greet(session: Session) -> Any:
        return save_person(session, slack_id=BEN, real_name="Ben Martin", tz="UTC", now=NOW)

    outcome = race(engine, sessions, forgetting(BEN), greet)
    assert_serialised(engine, outcome)
    assert isinstance(outcome.second, Person), outcome.second
    assert outcome.second.id != world.ben
    with sessions.begin() as session:
        assert session.get_one(User, world.ben).real_name != "Ben Martin"
