"""The report indexes' migration on SQLite keeps the planner's statistics complete."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, text

from store.db import make_engine, make_session_factory
from store.migrate import upgrade
from store.models import Attendance, Booking, MentorProfile, Slot, User

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
NEW_INDEXES = {
    "ix_mentor_profiles_created_at",
    "ix_bookings_status_requested",
    "ix_bookings_status_decided",
    "ix_bookings_ends_status",
    "ix_attendance_no_show",
    "ix_reviews_created_stars",
}


def test_an_analyzed_database_gets_statistics_for_the_new_indexes(tmp_path: Path) -> None:
    """Without them SQLite would guess the new indexes cheapest and pick them for queries they
    don't suit (a person's own sessions), so the migration ANALYZEs where statistics exist."""
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    upgrade(engine, "0001")
    with make_session_factory(engine).begin() as session:
        people = [User(slack_id=f"U{n}", created_at=NOW, updated_at=NOW) for n in range(2)]
        session.add_all(people)
        session.flush()
        # Core, not the ORM: the model has columns that later revisions add.
        mentor_id = session.execute(
            insert(MentorProfile.__table__).values(
                user_id=people[0].id, created_at=NOW, updated_at=NOW
            )
        ).inserted_primary_key[0]
        slot = Slot(mentor_id=mentor_id, starts_at=NOW, ends_at=NOW + timedelta(minutes=30))
        session.add(slot)
        session.flush()
        booking = Booking(
            slot_id=slot.id,
            mentor_id=mentor_id,
            mentee_id=people[1].id,
            status="approved",
            message="Help me with my first talk.",
            requested_at=NOW - timedelta(days=1),
            decided_at=NOW - timedelta(hours=20),
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
        )
        session.add(booking)
        session.flush()
        session.add(
            Attendance(
                booking_id=booking.id,
                user_id=people[1].id,
                took_place=False,
                what_happened="no_show",
                answered_at=NOW,
            )
        )
    with engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE")

    upgrade(engine)

    with engine.connect() as connection:
        known = set(connection.scalars(text("SELECT idx FROM sqlite_stat1")))
        filled = set(
            connection.scalars(
                text(
                    "SELECT name FROM sqlite_master "
                    "WHERE type = 'index' AND tbl_name = 'mentor_profiles'"
                )
            )
        )
    engine.dispose()
    assert NEW_INDEXES - {"ix_reviews_created_stars"} <= known  # reviews is empty: no row
    # A later revision rebuilds mentor_profiles (SQLite's way to add a CHECK): still analyzed.
    assert filled <= known


def test_a_database_never_analyzed_is_left_without_statistics(tmp_path: Path) -> None:
    """SQLite then weighs every index alike; the migration does not start statistics."""
    engine = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    upgrade(engine)
    with engine.connect() as connection:
        stats = connection.scalar(
            text("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
        )
    engine.dispose()
    assert stats == 0
