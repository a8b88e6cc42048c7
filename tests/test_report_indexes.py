"""The report indexes' migration on SQLite keeps the planner's statistics complete."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import MetaData, text

from store.db import make_engine
from store.migrate import upgrade

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
    with engine.begin() as connection:
        # Rows as the tables stand at 0001 (reflected): the models describe the latest schema.
        old = MetaData()
        old.reflect(connection)

        def insert(table: str, **values: object) -> int:
            row = connection.execute(old.tables[table].insert().values(**values))
            return int(row.inserted_primary_key[0])

        people = [
            insert("users", slack_id=f"U{n}", real_name="", tz="UTC", created_at=NOW,
                   updated_at=NOW)
            for n in range(2)
        ]  # fmt: skip
        mentor = insert(
            "mentor_profiles", user_id=people[0], status="pending", bio="", meeting_link="",
            session_minutes=30, weekly_capacity=3, version=1, created_at=NOW, updated_at=NOW,
        )  # fmt: skip
        slot = insert("slots", mentor_id=mentor, starts_at=NOW, ends_at=NOW + timedelta(minutes=30))
        booking = insert(
            "bookings", slot_id=slot, mentor_id=mentor, mentee_id=people[1], status="approved",
            message="Help me with my first talk.", requested_at=NOW - timedelta(days=1),
            decided_at=NOW - timedelta(hours=20), starts_at=NOW,
            ends_at=NOW + timedelta(minutes=30),
        )  # fmt: skip
        insert(
            "attendance", booking_id=booking, user_id=people[1], took_place=False,
            what_happened="no_show", answered_at=NOW,
        )  # fmt: skip
    with engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE")

    upgrade(engine)

    with engine.connect() as connection:
        known = set(connection.scalars(text("SELECT idx FROM sqlite_stat1")))
        kept = connection.scalar(text("SELECT count(*) FROM bookings"))
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
    # A later revision rebuilds mentor_profiles (SQLite's way to add a CHECK): still analyzed,
    assert filled <= known
    assert kept == 1  # and none of its bookings deleted by the rebuild


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
