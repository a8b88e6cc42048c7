"""The store on real SQLite and PostgreSQL: migrations, UTC times, and the database's rules."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import Connection, Engine, MetaData, inspect, select, text, update
from sqlalchemy.exc import IntegrityError

from store.db import SessionFactory, database_is_healthy, make_engine, make_session_factory
from store.migrate import downgrade, upgrade
from store.models import (
    AuditEntry,
    AvailabilityWindow,
    Base,
    Booking,
    CohortPairing,
    DueWork,
    Enrolment,
    MentorProfile,
    MentorSkill,
    Programme,
    Review,
    Skill,
    Slot,
    TimeProposal,
    User,
    UserInterest,
)
from tests.seed import NOW, add_mentor, add_slot, add_user, booking

MENTOR = "U0MENTOR"
TOMORROW = NOW + timedelta(hours=24)


def test_migrations_match_the_models(engine: Engine) -> None:
    """Upgrading an empty database yields exactly the models' schema: nothing left to migrate."""
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
        tables = set(inspect(connection).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables


# --- CHECK constraints and partial indexes, which Alembic's comparison skips -------------------

MODELS_SCHEMA = "from_models"  # on PostgreSQL the models' tables go in a schema of their own
LITERAL = re.compile(r"('(?:[^']|'')*')")


def normalised(sql: str) -> str:
    """SQL text with quoting of names, parentheses, spacing and keyword case evened out;
    string literals are kept as written, so a changed value still differs."""
    pieces = LITERAL.split(sql)
    for n in range(0, len(pieces), 2):
        pieces[n] = re.sub(r"[\"`()]", " ", pieces[n].lower())
    joined = re.sub(r"\s+", " ", "".join(pieces)).strip()
    return re.sub(r" ?, ?", ", ", joined)


def database_rules(connection: Connection, schema: str | None = None) -> dict[str, str | None]:
    """Every table's CHECK constraints (by name, their SQL) and indexes (by name, their
    partial-index predicate or None), as the database itself reports them."""
    inspector = inspect(connection)
    dialect = connection.dialect.name
    rules: dict[str, str | None] = {}
    for table in sorted(Base.metadata.tables):
        for check in inspector.get_check_constraints(table, schema=schema):
            rules[f"{table} check {check['name']}"] = normalised(check["sqltext"])
        for index in inspector.get_indexes(table, schema=schema):
            where = (index.get("dialect_options") or {}).get(f"{dialect}_where")
            rules[f"{table} index {index['name']}"] = (
                None if where is None else normalised(str(where))
            )
    return rules


@pytest.fixture
def models_database(engine: Engine, tmp_path: Path) -> Iterator[tuple[Engine, str | None]]:
    """A database of the same engine built by `Base.metadata.create_all`, not by migrations:
    a second SQLite file, or a schema of its own on PostgreSQL."""
    if engine.dialect.name == "sqlite":
        built = make_engine(f"sqlite:///{tmp_path / 'from_models.db'}")
        Base.metadata.create_all(built)
        yield built, None
        built.dispose()
        return
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {MODELS_SCHEMA} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {MODELS_SCHEMA}"))
        Base.metadata.create_all(
            connection.execution_options(schema_translate_map={None: MODELS_SCHEMA})
        )
    yield engine, MODELS_SCHEMA
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {MODELS_SCHEMA} CASCADE"))


def rule_differences(engine: Engine, models: tuple[Engine, str | None]) -> dict[str, tuple]:
    """Rules that differ: name -> (from the migrations, from the models)."""
    with engine.connect() as connection:
        migrated = database_rules(connection)
    built, schema = models
    with built.connect() as connection:
        modelled = database_rules(connection, schema)
    return {
        name: (migrated.get(name, "missing"), modelled.get(name, "missing"))
        for name in sorted(set(migrated) | set(modelled))
        if migrated.get(name, "missing") != modelled.get(name, "missing")
    }


def test_migrations_keep_every_check_constraint_and_index_predicate(
    engine: Engine, models_database: tuple[Engine, str | None]
) -> None:
    """The migrated database has exactly the models' CHECK constraints and partial indexes,
    compared by name and by (normalised) SQL: what Alembic's comparison does not look at."""
    with engine.connect() as connection:
        rules = database_rules(connection)
    assert "mentor_profiles check ck_mentor_profiles_pauser_known" in rules
    assert rules["bookings index uq_bookings_pending_pair"] is not None
    assert rule_differences(engine, models_database) == {}


def test_the_rule_comparison_catches_a_dropped_or_changed_rule(
    engine: Engine, models_database: tuple[Engine, str | None]
) -> None:
    """It has teeth: a migration that drops a CHECK constraint, changes one's values, or
    changes a partial index's predicate is reported, each by name."""
    pending_pair = "uq_bookings_pending_pair"
    with engine.begin() as connection:
        ops = Operations(MigrationContext.configure(connection))
        with ops.batch_alter_table("reviews") as batch:
            batch.drop_constraint("ck_reviews_program_stars_range", type_="check")
        with ops.batch_alter_table("mentor_profiles") as batch:
            batch.drop_constraint("ck_mentor_profiles_pauser_known", type_="check")
            batch.create_check_constraint(
                "ck_mentor_profiles_pauser_known",
                "paused_by_role IS NULL OR paused_by_role IN ('mentor', 'Coordinator', 'system')",
            )
        ops.drop_index(pending_pair, table_name="bookings")
        approved = text("status = 'approved'")
        ops.create_index(
            pending_pair, "bookings", ["mentee_id", "mentor_id"], unique=True,
            sqlite_where=approved, postgresql_where=approved,
        )  # fmt: skip
    assert set(rule_differences(engine, models_database)) == {
        "reviews check ck_reviews_program_stars_range",
        "mentor_profiles check ck_mentor_profiles_pauser_known",
        f"bookings index {pending_pair}",
    }


# --- Upgrading a database that holds data ----------------------------------------------------

LAST_WEEK = NOW - timedelta(days=7)
HEAD = "0007"


def insert(connection: Connection, tables: MetaData, table: str, **values: Any) -> int:
    """A row in a table as the database has it at this revision (not as the models say)."""
    inserted = connection.execute(tables.tables[table].insert().values(**values))
    return int(inserted.inserted_primary_key[0])


def test_upgrade_from_0002_keeps_the_data_and_marks_old_pauses_as_the_mentors(
    database_url: str,
) -> None:
    """A database at 0002 with two mentors (one paused), bookings and audit entries upgrades
    to head with every row intact; the paused mentor paused themselves (paused_by_role
    'mentor', since the pause time), the active one has no pause recorded."""
    engine = make_engine(database_url)
    upgrade(engine, "0002")
    with engine.begin() as connection:
        old = MetaData()
        old.reflect(connection)
        people = {
            slack_id: insert(
                connection, old, "users", slack_id=slack_id, real_name=slack_id, tz="UTC",
                created_at=LAST_WEEK, updated_at=LAST_WEEK,
            )
            for slack_id in ("U0ADA", "U0DAN", "U0BEN")
        }  # fmt: skip
        mentors = {
            slack_id: insert(
                connection, old, "mentor_profiles", user_id=people[slack_id], status=status,
                bio="", meeting_link="", session_minutes=30, weekly_capacity=3, version=1,
                created_at=LAST_WEEK, updated_at=NOW - timedelta(days=2),
            )
            for slack_id, status in (("U0ADA", "active"), ("U0DAN", "paused"))
        }  # fmt: skip
        for n, (mentor, status) in enumerate(
            ((mentors["U0ADA"], "approved"), (mentors["U0DAN"], "pending"))
        ):
            starts = NOW + timedelta(days=n + 1)
            slot = insert(
                connection, old, "slots", mentor_id=mentor, starts_at=starts,
                ends_at=starts + timedelta(minutes=30),
            )  # fmt: skip
            insert(
                connection, old, "bookings", slot_id=slot, mentor_id=mentor,
                mentee_id=people["U0BEN"], status=status, message="Help me plan my first talk.",
                requested_at=LAST_WEEK, starts_at=starts, ends_at=starts + timedelta(minutes=30),
            )  # fmt: skip
        for action in ("admin stats", "roster pause"):
            insert(
                connection, old, "audit_log", actor_slack_id="U0CHITRA", action=action,
                detail=f"{action} U0DAN", at=LAST_WEEK,
            )  # fmt: skip

    upgrade(engine)

    with make_session_factory(engine).begin() as session:
        profiles = {
            p.user.slack_id: (p.status, p.paused_by_role, p.paused_by, p.paused_at)
            for p in session.scalars(select(MentorProfile))
        }
        assert profiles == {
            "U0ADA": ("active", None, None, None),
            "U0DAN": ("paused", "mentor", None, NOW - timedelta(days=2)),
        }
        bookings = session.execute(
            select(Booking.status, Booking.message, Booking.mentee_id).order_by(Booking.id)
        ).all()
        assert bookings == [
            ("approved", "Help me plan my first talk.", people["U0BEN"]),
            ("pending", "Help me plan my first talk.", people["U0BEN"]),
        ]
        entries = session.execute(
            select(AuditEntry.actor_slack_id, AuditEntry.action, AuditEntry.detail,
                   AuditEntry.subject_slack_id).order_by(AuditEntry.id)
        ).all()  # fmt: skip
        assert entries == [
            ("U0CHITRA", "admin stats", "admin stats U0DAN", None),
            ("U0CHITRA", "roster pause", "roster pause U0DAN", None),
        ]
        assert len(session.scalars(select(User)).all()) == 3
    with engine.connect() as connection:
        context = MigrationContext.configure(connection)
        assert context.get_current_revision() == HEAD
    engine.dispose()


def test_upgrade_from_0003_keeps_the_data_and_puts_it_in_the_default_programme(
    database_url: str,
) -> None:
    """A database at 0003 with a mentor, a booking and due work upgrades to head intact: the
    mentor takes two mentees by default, the booking was planned by its mentee, and there is
    exactly one default programme for the mentorships to come."""
    engine = make_engine(database_url)
    upgrade(engine, "0003")
    with engine.begin() as connection:
        old = MetaData()
        old.reflect(connection)
        ada, ben = (
            insert(
                connection, old, "users", slack_id=slack_id, real_name=slack_id, tz="UTC",
                created_at=LAST_WEEK, updated_at=LAST_WEEK,
            )
            for slack_id in ("U0ADA", "U0BEN")
        )  # fmt: skip
        mentor = insert(
            connection, old, "mentor_profiles", user_id=ada, status="active", bio="",
            meeting_link="", session_minutes=30, weekly_capacity=3, version=1,
            created_at=LAST_WEEK, updated_at=LAST_WEEK,
        )  # fmt: skip
        slot = insert(
            connection, old, "slots", mentor_id=mentor, starts_at=NOW,
            ends_at=NOW + timedelta(minutes=30),
        )  # fmt: skip
        booking = insert(
            connection, old, "bookings", slot_id=slot, mentor_id=mentor, mentee_id=ben,
            status="approved", message="Help me plan my first talk.", requested_at=LAST_WEEK,
            starts_at=NOW, ends_at=NOW + timedelta(minutes=30),
        )  # fmt: skip
        insert(
            connection, old, "due_work", key=f"reminder:24h:booking:{booking}:user:{ben}",
            kind="reminder", booking_id=booking, recipient_id=ben, payload={}, due_at=NOW,
            status="pending", attempts=0, created_at=LAST_WEEK,
        )  # fmt: skip

    upgrade(engine)

    with make_session_factory(engine).begin() as session:
        profile = session.scalars(select(MentorProfile)).one()
        assert (profile.status, profile.mentee_limit) == ("active", 2)
        assert session.execute(
            select(Booking.status, Booking.planned_by, Booking.mentorship_id)
        ).all() == [("approved", "mentee", None)]
        assert session.execute(select(DueWork.key, DueWork.mentorship_id)).all() == [
            (f"reminder:24h:booking:{booking}:user:{ben}", None)
        ]
        assert session.execute(
            select(Programme.name, Programme.is_default, Programme.enrolment_open)
        ).all() == [("Mentoring programme", True, True)]
    with engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == HEAD
    engine.dispose()


def test_upgrade_from_0004_keeps_the_data_with_one_seat_and_the_video_default(
    database_url: str,
) -> None:
    """A database at 0004 with a mentor, a slot and a live booking upgrades to head intact: the
    slot has one seat, the booking holds seat 1 with an invite never re-sent, the mentor meets
    by video, and the slot still takes no second live booking."""
    engine = make_engine(database_url)
    upgrade(engine, "0004")
    with engine.begin() as connection:
        old = MetaData()
        old.reflect(connection)
        ada, ben, cy = (
            insert(
                connection, old, "users", slack_id=slack_id, real_name=slack_id, tz="UTC",
                created_at=LAST_WEEK, updated_at=LAST_WEEK,
            )
            for slack_id in ("U0ADA", "U0BEN", "U0CY")
        )  # fmt: skip
        mentor = insert(
            connection, old, "mentor_profiles", user_id=ada, status="active", bio="",
            meeting_link="https://meet.example/ada", session_minutes=30, weekly_capacity=3,
            mentee_limit=2, version=1, created_at=LAST_WEEK, updated_at=LAST_WEEK,
        )  # fmt: skip
        slot = insert(
            connection, old, "slots", mentor_id=mentor, starts_at=NOW,
            ends_at=NOW + timedelta(minutes=30),
        )  # fmt: skip
        insert(
            connection, old, "bookings", slot_id=slot, mentor_id=mentor, mentee_id=ben,
            status="approved", message="Help me plan my first talk.", requested_at=LAST_WEEK,
            starts_at=NOW, ends_at=NOW + timedelta(minutes=30), planned_by="mentee",
        )  # fmt: skip
        later, other = (
            insert(
                connection, old, "slots", mentor_id=mentor, starts_at=NOW + timedelta(hours=h),
                ends_at=NOW + timedelta(hours=h, minutes=30),
            )
            for h in (2, 3)
        )  # fmt: skip
        asked = insert(
            connection, old, "bookings", slot_id=later, mentor_id=mentor, mentee_id=ben,
            status="pending", message="Could we talk about reviews?", requested_at=LAST_WEEK,
            starts_at=NOW + timedelta(hours=2), ends_at=NOW + timedelta(hours=2, minutes=30),
            planned_by="mentee", proposed_slot_id=other,
        )  # fmt: skip

    upgrade(engine)

    with make_session_factory(engine).begin() as session:
        profile = session.scalars(select(MentorProfile)).one()
        assert (profile.meeting_kind, profile.meeting_place) == ("video", "")
        assert (
            session.execute(select(Slot.seats, Slot.title, Slot.auto_approve)).all()
            == [(1, None, False)] * 3
        )
        assert session.execute(
            select(
                Booking.status, Booking.seat_no, Booking.sequence, Booking.meeting_kind
            ).order_by(Booking.id)
        ).all() == [("approved", 1, 0, None), ("pending", 1, 0, None)]
        assert session.execute(select(User.email, User.mentee_terms_at)).all() == [(None, None)] * 3
        # The mentor's proposed time for the pending request is now its open proposal.
        assert session.execute(
            select(TimeProposal.booking_id, TimeProposal.slot_id, TimeProposal.proposed_by).where(
                TimeProposal.status == "open"
            )
        ).all() == [(asked, other, ada)]
        assert "proposed_slot_id" not in {c.name for c in Booking.__table__.columns}
    assert "proposed_slot_id" not in {c["name"] for c in inspect(engine).get_columns("bookings")}
    with pytest.raises(IntegrityError), make_session_factory(engine).begin() as session:
        session.add(
            Booking(
                slot_id=slot, mentor_id=mentor, mentee_id=cy, status="pending",
                message="Can I have this time too?", requested_at=NOW, starts_at=NOW,
                ends_at=NOW + timedelta(minutes=30),
            )
        )  # fmt: skip
    with engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == HEAD
    engine.dispose()


def test_upgrade_from_0005_moves_levels_to_sfia_and_keeps_interests_as_open_gaps(
    database_url: str,
) -> None:
    """A database at 0005 with mentors at the three old levels and a mentee's saved interest
    upgrades to head: the levels become SFIA 2, 4 and 6 with the mentor not yet confirmed,
    the interest is a gap with unknown levels, and the new columns hold their defaults."""
    engine = make_engine(database_url)
    upgrade(engine, "0005")
    with engine.begin() as connection:
        old = MetaData()
        old.reflect(connection)
        ada, ben = (
            insert(
                connection, old, "users", slack_id=slack_id, real_name=slack_id, tz="UTC",
                created_at=LAST_WEEK, updated_at=LAST_WEEK,
            )
            for slack_id in ("U0ADA", "U0BEN")
        )  # fmt: skip
        mentor = insert(
            connection, old, "mentor_profiles", user_id=ada, status="active", bio="",
            meeting_link="https://meet.example/ada", session_minutes=30, weekly_capacity=3,
            mentee_limit=2, version=1, created_at=LAST_WEEK, updated_at=LAST_WEEK,
        )  # fmt: skip
        skills = [
            insert(connection, old, "skills", key=key, name=key.title())
            for key in ("python", "leadership", "go")
        ]
        for skill, level in zip(skills, ("learning", "practitioner", "expert"), strict=True):
            insert(connection, old, "mentor_skills", mentor_id=mentor, skill_id=skill, level=level)
        connection.execute(
            old.tables["user_interests"].insert().values(user_id=ben, skill_id=skills[0])
        )

    upgrade(engine)

    with make_session_factory(engine).begin() as session:
        levels = session.execute(
            select(MentorSkill.skill_id, MentorSkill.level).order_by(MentorSkill.skill_id)
        ).all()
        assert levels == [(skills[0], 2), (skills[1], 4), (skills[2], 6)]
        profile = session.scalars(select(MentorProfile)).one()
        assert profile.levels_confirmed_at is None
        assert (profile.help_kinds, profile.languages, profile.expired_in_row) == ([], [], 0)
        assert (profile.paused_until, profile.version) == (None, 1)
        gap = session.execute(
            select(UserInterest.user_id, UserInterest.current_level, UserInterest.target_level)
        ).one()
        assert tuple(gap) == (ben, None, None)
        assert (
            session.execute(select(User.wanted_help, User.language, User.overlap_hours)).all()
            == [(None, None, False)] * 2
        )
    with pytest.raises(IntegrityError), make_session_factory(engine).begin() as session:
        session.execute(
            update(MentorSkill).where(MentorSkill.skill_id == skills[0]).values(level=8)
        )
    with engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == HEAD
    downgrade(engine, "0005")
    with engine.connect() as connection:
        assert connection.execute(
            text("SELECT level FROM mentor_skills ORDER BY skill_id")
        ).scalars().all() == ["learning", "practitioner", "expert"]
    engine.dispose()


def test_upgrade_from_0006_leaves_the_default_programme_open_to_everyone(
    database_url: str,
) -> None:
    """A database at 0006 with the default programme and a mentor upgrades to head: the
    programme is open to everyone on both sides, no one is enrolled, nothing proposed; a group
    audience without its group's id is refused, and the downgrade drops the new tables."""
    engine = make_engine(database_url)
    upgrade(engine, "0006")
    with engine.begin() as connection:
        old = MetaData()
        old.reflect(connection)
        ada = insert(
            connection, old, "users", slack_id="U0ADA", real_name="Ada", tz="UTC",
            created_at=LAST_WEEK, updated_at=LAST_WEEK,
        )  # fmt: skip
        insert(
            connection, old, "mentor_profiles", user_id=ada, status="active", bio="",
            meeting_link="https://meet.example/ada", session_minutes=30, weekly_capacity=3,
            mentee_limit=2, version=1, created_at=LAST_WEEK, updated_at=LAST_WEEK,
        )  # fmt: skip

    upgrade(engine)

    with make_session_factory(engine).begin() as session:
        assert session.execute(
            select(
                Programme.is_default,
                Programme.mentor_audience,
                Programme.mentee_audience,
                Programme.mentor_group,
                Programme.mentee_group,
            )
        ).all() == [(True, "everyone", "everyone", None, None)]
        assert session.scalars(select(Enrolment)).all() == []
        assert session.scalars(select(CohortPairing)).all() == []
    with pytest.raises(IntegrityError), make_session_factory(engine).begin() as session:
        session.execute(update(Programme).values(mentee_audience="group"))
    with engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == HEAD
    downgrade(engine, "0006")
    assert "enrolments" not in inspect(engine).get_table_names()
    assert "mentor_audience" not in {c["name"] for c in inspect(engine).get_columns("programmes")}
    engine.dispose()


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
        mentor = add_mentor(session, MENTOR)
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
        slot = add_slot(session, add_mentor(session, MENTOR).id, TOMORROW)
        first, second = add_user(session, "U0FIRST"), add_user(session, "U0SECOND")
        session.add(booking(slot, first.id))
        slot_id, second_id = slot.id, second.id
    with pytest.raises(IntegrityError), sessions.begin() as session:
        slot = session.get(Slot, slot_id)
        session.add(booking(slot, second_id))
    with sessions.begin() as session:
        session.execute(
            Booking.__table__.update().values(status="declined")  # type: ignore[attr-defined]
        )
        slot = session.get(Slot, slot_id)
        session.add(booking(slot, second_id))
    with sessions.begin() as session:
        statuses = session.scalars(select(Booking.status).order_by(Booking.id)).all()
    assert statuses == ["declined", "pending"]


def test_one_pending_request_per_mentor(sessions: SessionFactory) -> None:
    """A mentee cannot hold two pending requests with the same mentor, even for other slots."""
    with sessions.begin() as session:
        mentor = add_mentor(session, MENTOR)
        mentee = add_user(session, "U0MENTEE")
        session.add(booking(add_slot(session, mentor.id, TOMORROW), mentee.id))
    with pytest.raises(IntegrityError), sessions.begin() as session:
        mentor = session.scalars(select(MentorProfile)).one()
        mentee = session.scalars(select(User).where(User.slack_id == "U0MENTEE")).one()
        session.add(booking(add_slot(session, mentor.id, NOW + timedelta(hours=48)), mentee.id))


@pytest.mark.parametrize(
    "broken",
    [
        lambda s: add_user(s, "U0DUP") and add_user(s, "U0DUP"),
        lambda s: s.add(Skill(key="", name="")),
        lambda s: s.add_all([Skill(key="python", name="Python"), Skill(key="python", name="py")]),
        lambda s: setattr(add_mentor(s, MENTOR), "session_minutes", 25),
        lambda s: setattr(add_mentor(s, MENTOR), "weekly_capacity", 0),
        lambda s: setattr(add_mentor(s, MENTOR), "status", "sleeping"),
        lambda s: s.add(
            AvailabilityWindow(
                mentor_id=add_mentor(s, MENTOR).id, kind="once", first_date=NOW.date(),
                start_time=time(15), end_time=time(10), tz="UTC", created_at=NOW,
            )
        ),
        lambda s: s.add(
            AvailabilityWindow(
                mentor_id=add_mentor(s, MENTOR).id, kind="weekly", first_date=NOW.date(), weeks=0,
                weekdays=1, start_time=time(10), end_time=time(15), tz="UTC", created_at=NOW,
            )
        ),
        lambda s: s.add(Slot(mentor=add_mentor(s, MENTOR), starts_at=NOW, ends_at=NOW)),
        lambda s: s.add(
            booking(add_slot(s, add_mentor(s, MENTOR).id, TOMORROW), add_user(s, "U0M").id)
        ) or s.flush()
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
        slot = add_slot(session, add_mentor(session, MENTOR).id, TOMORROW)
        mentee = add_user(session, "U0MENTEE")
        session.add(entry := booking(slot, mentee.id, status="approved"))
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
