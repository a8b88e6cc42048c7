"""The store on real SQLite and PostgreSQL: migrations, UTC times, and the database's rules."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from store.db import SessionFactory, database_is_healthy, make_engine
from store.migrate import downgrade, upgrade
from store.models import (
    AvailabilityWindow,
    Base,
    Booking,
    MentorProfile,
    Review,
    Skill,
    Slot,
    User,
)

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def add_user(session: Session, slack_id: str) -> User:
    user = User(slack_id=slack_id, real_name=slack_id, tz="UTC", created_at=NOW, updated_at=NOW)
    session.add(user)
    session.flush()
    return user


def add_mentor(session: Session, slack_id: str = "U0MENTOR") -> MentorProfile:
    mentor = MentorProfile(
        user=add_user(session, slack_id), status="active", created_at=NOW, updated_at=NOW
    )
    session.add(mentor)
    session.flush()
    return mentor


def add_slot(session: Session, mentor: MentorProfile, hours_ahead: int = 24) -> Slot:
    starts = NOW + timedelta(hours=hours_ahead)
    slot = Slot(mentor=mentor, starts_at=starts, ends_at=starts + timedelta(minutes=30))
    session.add(slot)
    session.flush()
    return slot


def booking(slot: Slot, mentee: User, status: str = "pending") -> Booking:
    return Booking(
        slot_id=slot.id,
        mentor_id=slot.mentor_id,
        mentee_id=mentee.id,
        status=status,
        message="I want to learn how to lead a team.",
        requested_at=NOW,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
    )


def test_migrations_match_the_models(engine: Engine) -> None:
    """Upgrading an empty database yields exactly the models' schema: nothing left to migrate."""
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
        tables = set(inspect(connection).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables


def test_downgrade_to_empty_and_back(engine: Engine) -> None:
    """Every migration can be undone and redone, so a bad release can be rolled back."""
    downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(engine)
    assert "bookings" in inspect(engine).get_table_names()


def test_upgrade_twice_is_harmless(engine: Engine) -> None:
    """`serve` migrates on every start; a second upgrade at head changes nothing."""
    upgrade(engine)
    assert database_is_healthy(engine)


def test_times_round_trip_as_utc(sessions: SessionFactory) -> None:
    """A time saved from New York comes back as the same instant, in UTC, on every engine."""
    local = datetime(2026, 11, 2, 10, 0, tzinfo=ZoneInfo("America/New_York"))
    with sessions.begin() as session:
        mentor = add_mentor(session)
        slot = Slot(mentor=mentor, starts_at=local, ends_at=local + timedelta(minutes=30))
        session.add(slot)
        session.flush()
        slot_id = slot.id
    with sessions.begin() as session:
        stored = session.get(Slot, slot_id)
        assert stored is not None
        assert stored.starts_at == datetime(2026, 11, 2, 15, 0, tzinfo=UTC)
        assert stored.starts_at.tzinfo == UTC


def test_naive_times_are_refused(sessions: SessionFactory) -> None:
    """A naive datetime could be anyone's local time, so the store refuses it outright."""
    with pytest.raises(Exception, match="naive datetime"), sessions.begin() as session:
        add_user(session, "U0X").created_at = datetime(2026, 1, 1)
        session.flush()


def test_a_slot_has_one_live_booking(sessions: SessionFactory) -> None:
    """Two live bookings of one slot are impossible; after a decline the slot is free again."""
    with sessions.begin() as session:
        slot = add_slot(session, add_mentor(session))
        first, second = add_user(session, "U0FIRST"), add_user(session, "U0SECOND")
        session.add(booking(slot, first))
        slot_id, second_id = slot.id, second.id
    with pytest.raises(IntegrityError), sessions.begin() as session:
        slot = session.get(Slot, slot_id)
        session.add(booking(slot, session.get(User, second_id)))  # type: ignore[arg-type]
    with sessions.begin() as session:
        session.execute(
            Booking.__table__.update().values(status="declined")  # type: ignore[attr-defined]
        )
        slot = session.get(Slot, slot_id)
        session.add(booking(slot, session.get(User, second_id)))  # type: ignore[arg-type]
    with sessions.begin() as session:
        statuses = session.scalars(select(Booking.status).order_by(Booking.id)).all()
    assert statuses == ["declined", "pending"]


def test_one_pending_request_per_mentor(sessions: SessionFactory) -> None:
    """A mentee cannot hold two pending requests with the same mentor, even for other slots."""
    with sessions.begin() as session:
        mentor = add_mentor(session)
        mentee = add_user(session, "U0MENTEE")
        session.add(booking(add_slot(session, mentor, 24), mentee))
    with pytest.raises(IntegrityError), sessions.begin() as session:
        mentor = session.scalars(select(MentorProfile)).one()
        mentee = session.scalars(select(User).where(User.slack_id == "U0MENTEE")).one()
        session.add(booking(add_slot(session, mentor, 48), mentee))


@pytest.mark.parametrize(
    "broken",
    [
        lambda s: add_user(s, "U0DUP") and add_user(s, "U0DUP"),
        lambda s: s.add(Skill(key="", name="")),
        lambda s: s.add_all([Skill(key="python", name="Python"), Skill(key="python", name="py")]),
        lambda s: setattr(add_mentor(s), "session_minutes", 25),
        lambda s: setattr(add_mentor(s), "weekly_capacity", 0),
        lambda s: setattr(add_mentor(s), "status", "sleeping"),
        lambda s: s.add(
            AvailabilityWindow(
                mentor_id=add_mentor(s).id, kind="once", first_date=NOW.date(), start_time=time(15),
                end_time=time(10), tz="UTC", created_at=NOW,
            )
        ),
        lambda s: s.add(
            AvailabilityWindow(
                mentor_id=add_mentor(s).id, kind="weekly", first_date=NOW.date(), weeks=0,
                weekdays=1, start_time=time(10), end_time=time(15), tz="UTC", created_at=NOW,
            )
        ),
        lambda s: s.add(Slot(mentor=add_mentor(s), starts_at=NOW, ends_at=NOW)),
        lambda s: s.add(booking(add_slot(s, add_mentor(s)), add_user(s, "U0M"))) or s.flush()
        or setattr(s.scalars(select(Booking)).one(), "message", "hi"),
        lambda s: s.add(
            Review(booking_id=9999, reviewer_id=9999, connection_stars=5, program_stars=5,
                   created_at=NOW)
        ),
    ],
    ids=[
        "duplicate-slack-user", "empty-skill", "duplicate-skill", "odd-session-length",
        "zero-capacity", "unknown-mentor-status", "window-ends-before-start", "zero-weeks",
        "empty-slot", "short-booking-message", "review-of-missing-booking",
    ],
)  # fmt: skip
def test_database_refuses_broken_data(sessions: SessionFactory, broken) -> None:  # type: ignore[no-untyped-def]
    """Unique keys, check constraints and foreign keys hold even if Python code slips."""
    with pytest.raises(IntegrityError), sessions.begin() as session:
        broken(session)
        session.flush()


def test_review_stars_stay_in_range(sessions: SessionFactory) -> None:
    """Stars are 1 to 5; a sixth star is refused by the database itself."""
    with sessions.begin() as session:
        slot = add_slot(session, add_mentor(session))
        mentee = add_user(session, "U0MENTEE")
        session.add(entry := booking(slot, mentee, status="approved"))
        session.flush()
        ids = entry.id, mentee.id
    with pytest.raises(IntegrityError), sessions.begin() as session:
        session.add(
            Review(booking_id=ids[0], reviewer_id=ids[1], connection_stars=6, program_stars=5,
                   created_at=NOW)
        )  # fmt: skip


def test_unreachable_database_is_unhealthy() -> None:
    """/healthz relies on this: a database that cannot be reached reports unhealthy."""
    engine = make_engine("postgresql://nobody@127.0.0.1:1/none")
    assert database_is_healthy(engine) is False
