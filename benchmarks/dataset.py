"""A company-scale data set, built fast and deterministically, for the scale benchmarks.

Why: the request paths must be measured on the data a large company would have, and seeding
that through the services (one ORM object at a time) would take an hour. So the schema comes
from the real Alembic migrations and the rows are bulk-inserted with SQLAlchemy Core
executemany, in large batches, shaped the way the services would have written them.

At scale 1.0: 10,000 active mentors and 50,000 mentees; skills with a skewed spread (Python
held by ~30% of mentors, COBOL and other rare ones by ~0.5%); one weekly availability window
per mentor, cut into slots with the services' own `cut_slots`, ~50 free slots each in the
8-week horizon; 200,000 past approved sessions (each on its own past slot of that window, as
the model's `live_has_slot` check wants) with attendance and confidential reviews; upcoming
approved sessions and pending requests (some stale) so Home and the digest have work; and
searches nobody could answer (unmet demand); and 20,000 active pair mentorships (issue 13)
with 1-3 goals each, spread over the mentors within each one's mentee limit, some of their
upcoming sessions linked to them, and a busy mentor with ten of them and a group of six;
mentors' skills carry SFIA levels 1-7 and every mentee has 1-3 skill gaps (issue 15), most
with where they are and a target. Every count scales with `--scale`.

    python -m benchmarks.dataset [--scale 0.1] [--url DATABASE_URL]

Without `--url` the set is built once into a SQLite file cached under the temp directory,
keyed by its parameters and this file's source, so reruns reuse it.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import sys
import tempfile
import time as timer
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, FromClause, Table, create_engine, insert, text

from bot.services.availability import cut_slots, weekdays_to_mask
from bot.services.skills import normalise
from store.db import make_engine
from store.migrate import upgrade
from store.models import (
    Attendance,
    AvailabilityWindow,
    Base,
    Booking,
    Goal,
    GoalStep,
    MentorProfile,
    Mentorship,
    MentorshipMember,
    MentorSkill,
    Review,
    SearchMiss,
    Skill,
    Slot,
    User,
    UserInterest,
)
from store.statuses import (
    Cadence,
    GoalStatus,
    MemberStatus,
    MentorshipKind,
    MentorshipStatus,
    PlannedBy,
)

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # a Monday: the data set's "now"
HORIZON_WEEKS = 8  # the app's default AVAILABILITY_HORIZON_WEEKS
HISTORY_WEEKS = 30  # how far back the weekly windows (and the past sessions) reach
VERSION = 5  # part of the cache key: bump it whenever the generated rows change
BATCH = 10_000  # rows per executemany
MENTOR_CHUNK = 500  # mentors whose slots and bookings are built and inserted together

COMMON_SKILL = "Python"
RARE_SKILL = "COBOL"
# (name, share of mentors offering it): a long tail, as in a real catalogue.
SKILL_SHARES: tuple[tuple[str, float], ...] = (
    ("Python", 0.30), ("Leadership", 0.22), ("SQL", 0.18), ("JavaScript", 0.15),
    ("Career growth", 0.14), ("Kubernetes", 0.10), ("Go", 0.08), ("Public speaking", 0.08),
    ("Machine learning", 0.07), ("Product management", 0.07), ("People management", 0.06),
    ("TypeScript", 0.06), ("React", 0.05), ("Amazon Web Services", 0.05), ("Testing", 0.05),
    ("System design", 0.05), ("Data engineering", 0.04), ("Security", 0.04), ("DevOps", 0.04),
    ("UX design", 0.04), ("Java", 0.04), ("PostgreSQL", 0.03), ("Rust", 0.03),
    ("Google Cloud", 0.03), ("Node.js", 0.03), ("C++", 0.02), ("C#", 0.02), ("Negotiation", 0.02),
    ("Technical writing", 0.02), ("Statistics", 0.02), ("Kotlin", 0.015), ("Swift", 0.015),
    ("Terraform", 0.015), ("Hiring", 0.015), ("Mobile development", 0.01), ("Scala", 0.01),
    ("Observability", 0.01), ("Accessibility", 0.01), ("Finance basics", 0.01),
    ("COBOL", 0.005), ("Fortran", 0.005), ("Erlang", 0.005), ("Haskell", 0.005),
    ("OCaml", 0.005), ("Elixir", 0.005), ("Prolog", 0.005), ("Smalltalk", 0.005),
)  # fmt: skip
UNMET = ("quantum computing", "mainframe tuning", "fpga design", "sales engineering", "sap")
ZONES = (
    ("America/New_York", 0.22), ("America/Los_Angeles", 0.14), ("Europe/London", 0.12),
    ("Europe/Paris", 0.12), ("Europe/Berlin", 0.08), ("Asia/Kolkata", 0.12),
    ("Asia/Singapore", 0.06), ("America/Sao_Paulo", 0.06), ("Australia/Sydney", 0.04),
    ("UTC", 0.04),
)  # fmt: skip
FIRST = ("Ada", "Ben", "Chitra", "Dmitri", "Elena", "Farah", "Goran", "Hiro", "Ines", "Jamal",
         "Kofi", "Lena", "Mateo", "Nia", "Omar", "Priya", "Quinn", "Rosa", "Sven",
         "Tariq")  # fmt: skip
LAST = ("Lovelace", "Martin", "Rao", "Ivanov", "Garcia", "Khan", "Novak", "Tanaka", "Silva",
        "Okafor", "Mensah", "Berg", "Rossi", "Adeyemi", "Haddad", "Patel", "Kim",
        "Lopez")  # fmt: skip
SHORT_COMMENTS = ("Great session, very practical.", "Helpful and kind.", "Learnt a lot.")
LOW_COMMENTS = ("We ran out of time.", "Felt rushed and unprepared.", "Not what I needed.")


@dataclass(frozen=True)
class Spec:
    """The data set's parameters; counts are the 10,000-mentor set's, times `scale`."""

    scale: float = 1.0
    seed: int = 7

    def count(self, full: int) -> int:
        return max(1, round(full * self.scale))

    @property
    def mentors(self) -> int:
        return self.count(10_000)

    @property
    def mentees(self) -> int:
        return self.count(50_000)

    @property
    def past_sessions(self) -> int:
        return self.count(200_000)

    @property
    def upcoming_sessions(self) -> int:
        return self.count(20_000)

    @property
    def pending_requests(self) -> int:
        return self.count(5_000)

    @property
    def search_misses(self) -> int:
        return self.count(2_000)

    @property
    def mentorships(self) -> int:
        """Active pair mentorships, the busy mentor's included (its group comes on top)."""
        return self.count(20_000)


def mentor_slack_id(index: int) -> str:
    return f"UM{index:07d}"


def mentee_slack_id(index: int) -> str:
    return f"UE{index:07d}"


BUSY_MENTOR = mentor_slack_id(0)  # many requests waiting, upcoming and past sessions
BUSY_MENTEE = mentee_slack_id(0)  # the most active mentee: full Home, many past sessions
# Issue 13: BUSY_MENTOR (mentee limit 10) holds BUSY_PAIRS active pair mentorships, BUSY_MENTEE
# one of them, plus the group BUSY_GROUP_NAME with BUSY_GROUP_SIZE members; the first upcoming
# sessions of the busy mentor belong to these (one per pair, two for the group). BUSY_MENTEE
# is also in a pair with mentor 1, so their Home shows two mentorships.
BUSY_PAIRS = 10
BUSY_GROUP_SIZE = 6
BUSY_GROUP_NAME = "Staff engineering circle"
MENTORSHIP_SEED = 13  # mentorships draw from their own random stream: the rest stays as it was
GAPS_SEED = 15  # mentees' skill gaps (issue 15) too
# The mentee the scale benchmark searches as: gaps on the common skill and leadership.
ASKER_GAPS = (("Python", 2, 4), ("Leadership", None, 5))
# How many mentees a mentor takes at once (default 2), as (limit, share of mentors).
MENTEE_LIMITS = ((1, 0.10), (2, 0.55), (3, 0.15), (4, 0.08), (5, 0.05), (6, 0.02), (10, 0.05))
GOAL_TEXTS = (
    "Give my first conference talk", "Lead a project across two teams", "Get promoted to senior",
    "Review code kindly and well", "Design a system end to end", "Run better one-to-ones",
    "Learn Kubernetes in production", "Write a clear design document", "Negotiate my salary",
    "Mentor a new joiner", "Speak up in architecture reviews", "Move into product management",
)  # fmt: skip
STEP_TEXTS = ("Pick a topic", "Draft an outline", "Ask for feedback", "Try it once for real")


# ---------------------------------------------------------------------------------------------
# Building


@dataclass
class _Mentor:
    index: int
    id: int
    user_id: int
    tz: str
    minutes: int
    capacity: int
    weekdays: tuple[int, ...]
    start: time
    end: time
    first_date: date
    window_id: int
    mentee_limit: int


@dataclass
class _Pairing:
    """One live mentorship of a mentor: the frame and whom its sessions are with."""

    id: int
    mentees: tuple[int, ...]
    sessions: int = 0  # upcoming sessions linked to it so far


class _Ids:
    """Explicit primary keys, so children can point at parents without reading them back."""

    def __init__(self) -> None:
        self._next: dict[str, int] = defaultdict(lambda: 1)

    def take(self, table: str) -> int:
        value = self._next[table]
        self._next[table] = value + 1
        return value


@lru_cache(maxsize=200_000)
def _cut(day: date, start: time, end: time, tz: str, minutes: int) -> tuple[Any, ...]:
    return tuple(cut_slots(day, start, end, tz, minutes))


def build(url: str, spec: Spec) -> dict[str, int]:
    """Migrate the empty database at `url` and fill it; returns the rows written per table."""
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    # A plain engine for loading: no BEGIN IMMEDIATE, and SQLite without fsyncs.
    loader = create_engine(url)
    written: dict[str, int] = defaultdict(int)
    with loader.begin() as connection:
        if loader.dialect.name == "sqlite":
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
        _Builder(connection, spec, written).run()
        if loader.dialect.name == "postgresql":
            _reset_sequences(connection)
    if loader.dialect.name == "postgresql":
        with loader.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
    else:
        with loader.connect() as connection:
            connection.exec_driver_sql("ANALYZE")
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    loader.dispose()
    return dict(written)


def _reset_sequences(connection: Connection) -> None:
    """Rows were inserted with explicit ids; move each id sequence past them."""
    for table in Base.metadata.sorted_tables:
        if "id" in table.c and table.c.id.primary_key and table.c.id.autoincrement:
            connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"COALESCE((SELECT max(id) FROM {table.name}), 0) + 1, false)"
                )
            )


class _Builder:
    def __init__(self, connection: Connection, spec: Spec, written: dict[str, int]) -> None:
        self.connection = connection
        self.spec = spec
        self.written = written
        self.rng = random.Random(spec.seed)
        self.ids = _Ids()
        self.buffers: dict[FromClause, list[dict[str, Any]]] = {}
        self.open_requests: dict[int, int] = defaultdict(int)  # mentee user id -> pending
        self.spare: list[tuple[_Mentor, int, datetime, datetime]] = []
        self.mentee_ids: list[int] = []
        self._programme: int | None = None
        self.mrng = random.Random(spec.seed * 1000 + MENTORSHIP_SEED)
        self.pairings: dict[int, list[_Pairing]] = defaultdict(list)  # mentor index -> frames

    # -- writing ---------------------------------------------------------------------------

    def add(self, table: FromClause, row: dict[str, Any]) -> None:
        rows = self.buffers.setdefault(table, [])
        rows.append(row)
        if len(rows) >= BATCH:
            self.flush_all(*Base.metadata.sorted_tables)

    def flush(self, table: FromClause) -> None:
        rows = self.buffers.get(table)
        if rows:
            self.connection.execute(
                insert(cast(Table, table)), rows
            )  # models' __table__ is a Table
            self.written[str(table)] += len(rows)
            rows.clear()

    def flush_all(self, *tables: FromClause) -> None:
        """Parents before children (pass them in that order): foreign keys are checked at once."""
        for table in tables:
            self.flush(table)

    # -- the data --------------------------------------------------------------------------

    def run(self) -> None:
        rng, spec = self.rng, self.spec
        skills = self.skills()
        mentors = [self.mentor(index, skills) for index in range(spec.mentors)]
        self.mentee_ids = [self.person(mentee_slack_id(j))["id"] for j in range(spec.mentees)]
        self.flush_all(User.__table__, MentorProfile.__table__, MentorSkill.__table__)
        self.gaps(skills)
        self.flush_all(UserInterest.__table__)
        for mentor in mentors:
            self.window(mentor)
        self.flush_all(AvailabilityWindow.__table__)
        self.mentorships(mentors)

        weights = [rng.lognormvariate(0, 0.7) for _ in mentors]
        weights[0] = max(weights) * 1.5  # the busy mentor
        total = sum(weights)
        share = {
            "past": [spec.past_sessions * w / total for w in weights],
            "upcoming": [spec.upcoming_sessions * w / total for w in weights],
            "pending": [spec.pending_requests * w / total for w in weights],
        }
        tables = (Slot.__table__, Booking.__table__, Attendance.__table__, Review.__table__)
        for start in range(0, len(mentors), MENTOR_CHUNK):
            for mentor in mentors[start : start + MENTOR_CHUNK]:
                counts = {kind: _round(rng, share[kind][mentor.index]) for kind in share}
                self.past(mentor, counts["past"])
                self.future(mentor, counts["upcoming"], counts["pending"])
            self.flush_all(*tables)
        self.busy_mentee()
        self.flush_all(*tables)
        for _ in range(spec.search_misses):
            self.add(SearchMiss.__table__, {
                "id": self.ids.take("search_misses"),
                "user_id": self.mentee(),
                "skill_key": rng.choices(UNMET, weights=(8, 4, 2, 1, 1))[0],
                "searched_at": NOW - timedelta(seconds=rng.randrange(30 * 86_400)),
            })  # fmt: skip
        self.flush_all(SearchMiss.__table__)

    def gaps(self, skills: list[tuple[int, float]]) -> None:
        """Every mentee's skill gaps: 1-3 skills, drawn as mentors hold them, most with a
        target 1-3 levels above where they are (a fifth without levels); the benchmark's
        asker (the middle mentee) gets ASKER_GAPS."""
        grng = random.Random(self.spec.seed * 1000 + GAPS_SEED)
        ids = [skill_id for skill_id, _ in skills]
        weights = [share for _, share in skills]
        by_name = {name: skill_id for (name, _), skill_id in zip(SKILL_SHARES, ids, strict=True)}
        asker = len(self.mentee_ids) // 2
        for index, user_id in enumerate(self.mentee_ids):
            if index == asker:
                for name, now_at, aim in ASKER_GAPS:
                    self.add(UserInterest.__table__, {
                        "user_id": user_id, "skill_id": by_name[name],
                        "current_level": now_at, "target_level": aim,
                    })  # fmt: skip
                continue
            chosen = set(grng.choices(ids, weights=weights, k=grng.randint(1, 3)))
            for skill_id in sorted(chosen):
                current: int | None = None
                target: int | None = None
                if grng.random() > 0.2:
                    current = grng.randint(1, 5)
                    target = min(7, current + grng.randint(1, 3))
                self.add(UserInterest.__table__, {
                    "user_id": user_id, "skill_id": skill_id,
                    "current_level": current, "target_level": target,
                })  # fmt: skip

    def skills(self) -> list[tuple[int, float]]:
        catalogue = []
        for name, share in SKILL_SHARES:
            normalised = normalise(name)
            assert normalised is not None
            key, shown = normalised
            skill_id = self.ids.take("skills")
            self.add(Skill.__table__, {"id": skill_id, "key": key, "name": shown})
            catalogue.append((skill_id, share))
        self.flush(Skill.__table__)
        return catalogue

    def person(self, slack_id: str) -> dict[str, Any]:
        rng = self.rng
        created = NOW - timedelta(days=rng.randrange(1, 400), seconds=rng.randrange(86_400))
        row = {
            "id": self.ids.take("users"), "slack_id": slack_id,
            "real_name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            "tz": rng.choices([z for z, _ in ZONES], weights=[w for _, w in ZONES])[0],
            "goals": None, "deleted_at": None, "created_at": created, "updated_at": created,
        }  # fmt: skip
        self.add(User.__table__, row)
        return row

    def mentor(self, index: int, skills: list[tuple[int, float]]) -> _Mentor:
        rng = self.rng
        user = self.person(mentor_slack_id(index))
        mentor_id = self.ids.take("mentor_profiles")
        created = user["created_at"]
        minutes = rng.choices((30, 45, 60), weights=(70, 15, 15))[0]
        capacity = 8 if index == 0 else rng.randint(2, 8)
        limit = (
            10
            if index == 0
            else self.mrng.choices(
                [n for n, _ in MENTEE_LIMITS], weights=[w for _, w in MENTEE_LIMITS]
            )[0]
        )
        offered = [sid for sid, share in skills if rng.random() < share]
        if not offered:
            offered = [rng.choice(skills[1:10])[0]]  # everyone offers something; not Python
        names = [name for name, _ in SKILL_SHARES]
        about = ", ".join(names[sid - 1] for sid in offered[:3])
        self.add(MentorProfile.__table__, {
            "id": mentor_id, "user_id": user["id"], "status": "active",
            "bio": f"{about}: happy to help you grow.\nAsk me about my path so far.",
            "meeting_link": f"https://meet.example.com/m{index}", "session_minutes": minutes,
            "weekly_capacity": capacity, "mentee_limit": limit, "coc_accepted_at": created,
            "levels_confirmed_at": created,
            "decided_by": None, "decided_at": None, "rejection_reason": None, "version": 1,
            "created_at": created, "updated_at": created,
        })  # fmt: skip
        for skill_id in offered:
            self.add(MentorSkill.__table__, {
                "mentor_id": mentor_id, "skill_id": skill_id,
                "level": rng.choices(range(1, 8), (1, 3, 6, 8, 6, 3, 1))[0],  # SFIA
            })  # fmt: skip
        # ~6 sessions a week: one day of six, two of three or three of two.
        days = rng.choice((1, 2, 3))
        per_day = {1: 6, 2: 3, 3: 2}[days]
        start = time(rng.randint(8, 14), rng.choice((0, 30)))
        end_minutes = start.hour * 60 + start.minute + per_day * minutes
        local_today = NOW.astimezone(ZoneInfo(user["tz"])).date()
        return _Mentor(
            index=index, id=mentor_id, user_id=user["id"], tz=user["tz"], minutes=minutes,
            capacity=capacity,
            weekdays=tuple(sorted(rng.sample(range(5), days))), start=start,
            end=time(end_minutes // 60, end_minutes % 60),
            first_date=local_today - timedelta(weeks=HISTORY_WEEKS, days=rng.randrange(7)),
            window_id=self.ids.take("availability_windows"), mentee_limit=limit,
        )  # fmt: skip

    def window(self, mentor: _Mentor) -> None:
        zone = ZoneInfo(mentor.tz)
        self.add(AvailabilityWindow.__table__, {
            "id": mentor.window_id, "mentor_id": mentor.id, "kind": "weekly",
            "first_date": mentor.first_date, "weekdays": weekdays_to_mask(mentor.weekdays),
            "weeks": 52, "start_time": mentor.start, "end_time": mentor.end, "tz": mentor.tz,
            # What add_weekly / extend_weekly leave: cut up to the horizon's local date.
            "generated_until": (NOW + timedelta(weeks=HORIZON_WEEKS)).astimezone(zone).date(),
            "created_at": datetime.combine(mentor.first_date, time(), zone).astimezone(UTC)
            - timedelta(days=2),
        })  # fmt: skip

    def days(self, mentor: _Mentor, first: date, last: date) -> Iterator[date]:
        day = first
        while day <= last:
            if day.weekday() in mentor.weekdays:
                yield day
            day += timedelta(days=1)

    def slot(self, mentor: _Mentor, starts: datetime, ends: datetime) -> int:
        slot_id = self.ids.take("slots")
        self.add(Slot.__table__, {"id": slot_id, "mentor_id": mentor.id,
                                  "window_id": mentor.window_id, "starts_at": starts,
                                  "ends_at": ends})  # fmt: skip
        return slot_id

    def mentee(self) -> int:
        """A mentee's user id, skewed: a few mentees book far more often than most."""
        return self.mentee_ids[int(len(self.mentee_ids) * self.rng.random() ** 1.5)]

    def past(self, mentor: _Mentor, count: int) -> None:
        """Finished approved sessions, on past slots cut from the mentor's weekly window."""
        rng = self.rng
        today = NOW.astimezone(ZoneInfo(mentor.tz)).date()
        pairs = [
            (day, index)
            for day in self.days(mentor, mentor.first_date, today - timedelta(days=1))
            for index in range(len(_cut(day, mentor.start, mentor.end, mentor.tz, mentor.minutes)))
        ]
        rng.shuffle(pairs)
        per_week: dict[tuple[int, int], int] = defaultdict(int)
        chosen: list[tuple[datetime, datetime]] = []
        for day, index in pairs:
            if len(chosen) >= count:
                break
            week = day.isocalendar()[:2]
            if per_week[week] < mentor.capacity:
                per_week[week] += 1
                chosen.append(_cut(day, mentor.start, mentor.end, mentor.tz, mentor.minutes)[index])
        for starts, ends in sorted(chosen):
            slot_id = self.slot(mentor, starts, ends)
            self.booking(mentor, slot_id, starts, ends, "approved", self.mentee(), finished=True)

    def future(self, mentor: _Mentor, upcoming: int, pending: int) -> None:
        """The free slots of the horizon, some held by approved sessions or pending requests."""
        rng = self.rng
        zone = ZoneInfo(mentor.tz)
        today = NOW.astimezone(zone).date()
        last = (NOW + timedelta(weeks=HORIZON_WEEKS)).astimezone(zone).date()
        slots = [
            (starts, ends)
            for day in self.days(mentor, today, last)
            for starts, ends in _cut(day, mentor.start, mentor.end, mentor.tz, mentor.minutes)
            if starts > NOW
        ]
        ids = [self.slot(mentor, starts, ends) for starts, ends in slots]
        places = list(range(len(slots)))
        rng.shuffle(places)
        per_week: dict[tuple[int, int], int] = defaultdict(int)
        wanted = ["approved"] * upcoming + ["pending"] * pending
        asked: set[int] = set()
        held: set[int] = set()
        for place in places:
            if not wanted:
                break
            starts, ends = slots[place]
            week = starts.astimezone(zone).isocalendar()[:2]
            if per_week[week] >= mentor.capacity:
                continue
            status = wanted.pop()
            mentee = self.mentee()
            mentorship = self.mentorship_session(mentor) if status == "approved" else None
            if mentorship is not None:
                mentee = mentorship.mentees[mentorship.sessions % len(mentorship.mentees)]
                mentorship.sessions += 1
            if status == "pending":
                if mentee in asked or self.open_requests[mentee] >= 3:
                    mentee = self.free_mentee(asked)
                asked.add(mentee)
                self.open_requests[mentee] += 1
            per_week[week] += 1
            held.add(place)
            self.booking(mentor, ids[place], starts, ends, status, mentee, finished=False,
                         mentorship=mentorship)  # fmt: skip
        if 0 < mentor.index <= 10:  # the busy mentee gets a session with each of these
            spare = [p for p in range(len(slots)) if p not in held]
            if spare:
                place = spare[len(spare) // 2]
                self.spare.append((mentor, ids[place], *slots[place]))

    def free_mentee(self, asked: set[int]) -> int:
        while True:
            mentee = self.mentee_ids[self.rng.randrange(len(self.mentee_ids))]
            if mentee not in asked and self.open_requests[mentee] < 3:
                return mentee

    def booking(
        self, mentor: _Mentor, slot_id: int, starts: datetime, ends: datetime, status: str,
        mentee: int, *, finished: bool, mentorship: _Pairing | None = None,
    ) -> int:  # fmt: skip
        rng = self.rng
        booking_id = self.ids.take("bookings")
        if status == "pending":
            # Up to three days old: the older ones are stale requests for the digest.
            requested = NOW - timedelta(minutes=rng.randrange(10, 3 * 24 * 60))
            decided = None
        else:
            lead = timedelta(hours=rng.randrange(2, 14 * 24))
            requested = min(starts - lead, NOW - timedelta(hours=2))
            decided = requested + (starts - requested) * rng.uniform(0.01, 0.5)
        self.add(Booking.__table__, {
            "id": booking_id, "slot_id": slot_id, "mentor_id": mentor.id, "mentee_id": mentee,
            "status": status, "message": "I'd like advice on growing into my next role.",
            "topic": rng.choice((None, "Career", "Code review", "Architecture")),
            "decline_reason": None, "cancel_reason": None,
            "cancelled_by": None, "requested_at": requested, "decided_at": decided,
            "starts_at": starts, "ends_at": ends, "mentor_message_channel": None,
            "mentor_message_ts": None,
            "mentorship_id": None if mentorship is None else mentorship.id,
            "planned_by": PlannedBy.MENTOR if mentorship is not None and self.mrng.random() < 0.5
            else PlannedBy.MENTEE,
        })  # fmt: skip
        if finished:
            self.followup(booking_id, mentor, mentee, ends)
        return booking_id

    def followup(self, booking_id: int, mentor: _Mentor, mentee: int, ends: datetime) -> None:
        """Who said the session took place, and the reviews they left."""
        rng = self.rng
        for user_id, answers, reviews in ((mentee, 0.8, 0.6), (mentor.user_id, 0.7, 0.4)):
            if rng.random() >= answers:
                continue
            took_place = rng.random() < 0.95
            answered = ends + timedelta(minutes=rng.randrange(5, 3 * 24 * 60))
            self.add(Attendance.__table__, {
                "id": self.ids.take("attendance"), "booking_id": booking_id,
                "user_id": user_id, "took_place": took_place,
                "what_happened": None if took_place else rng.choice(
                    ("no_show", "rescheduled", "other")),
                "answered_at": answered,
            })  # fmt: skip
            if took_place and rng.random() < reviews / answers:
                self.review(booking_id, user_id, answered, user_id == mentee)

    def review(self, booking_id: int, user_id: int, after: datetime, by_mentee: bool) -> None:
        rng = self.rng
        connection = rng.choices((1, 2, 3, 4, 5), weights=(2, 3, 10, 35, 50))[0]
        program = rng.choices((1, 2, 3, 4, 5), weights=(2, 3, 10, 40, 45))[0]
        self.add(Review.__table__, {
            "id": self.ids.take("reviews"), "booking_id": booking_id, "reviewer_id": user_id,
            "connection_stars": connection,
            "connection_comment": rng.choice(LOW_COMMENTS) if connection < 3 else (
                rng.choice(SHORT_COMMENTS) if rng.random() < 0.3 else None),
            "program_stars": program,
            "program_comment": rng.choice(LOW_COMMENTS) if program <= 3 else None,
            "feedback": None,
            "action_items": "Read the design doc; draft my promotion case." if by_mentee else None,
            "created_at": after + timedelta(minutes=rng.randrange(1, 600)),
        })  # fmt: skip

    def busy_mentee(self) -> None:
        """The busiest mentee also has a full Home: upcoming sessions with ten mentors."""
        for mentor, slot_id, starts, ends in self.spare:
            self.booking(mentor, slot_id, starts, ends, "approved", self.mentee_ids[0],
                         finished=False)  # fmt: skip

    # -- mentorships (issue 13) ---------------------------------------------------------------

    def mentorships(self, mentors: list[_Mentor]) -> None:
        """Active pair mentorships within each mentor's mentee limit, with goals; the busy
        mentor's ten pairs and group first. Random mentees, each in at most three."""
        rng = self.mrng
        busy = mentors[0]
        mentees = self.mentee_ids
        taken: dict[int, set[int]] = defaultdict(set)  # mentee user id -> mentor indexes
        wanted = self.spec.mentorships
        busy_pairs = min(BUSY_PAIRS, wanted)
        busy_mentees = [mentees[0], *mentees[1:busy_pairs]]
        for mentee in busy_mentees:
            self.mentorship(busy, (mentee,))
            taken[mentee].add(0)
        group = mentees[busy_pairs : busy_pairs + BUSY_GROUP_SIZE]
        self.mentorship(busy, tuple(group), group_name=BUSY_GROUP_NAME)
        made = busy_pairs
        if made < wanted and len(mentors) > 1:
            self.mentorship(mentors[1], (mentees[0],))
            taken[mentees[0]].add(1)
            made += 1
        seats = [m.index for m in mentors[1:] for _ in range(m.mentee_limit - (m.index == 1))]
        rng.shuffle(seats)
        if len(seats) < wanted - made:
            raise SystemExit(f"{len(seats)} free mentorship seats for {wanted - made} pairs")
        for index in seats[: wanted - made]:
            while True:
                mentee = mentees[rng.randrange(busy_pairs + BUSY_GROUP_SIZE, len(mentees))]
                if index not in taken[mentee] and len(taken[mentee]) < 3:
                    break
            taken[mentee].add(index)
            self.mentorship(mentors[index], (mentee,))
        self.flush_all(Mentorship.__table__, MentorshipMember.__table__, Goal.__table__,
                       GoalStep.__table__)  # fmt: skip

    def mentorship(
        self, mentor: _Mentor, mentees: tuple[int, ...], *, group_name: str | None = None
    ) -> None:
        rng = self.mrng
        months = rng.choices((1, 3, 6), weights=(1, 5, 3))[0]
        length = timedelta(days=30 * months)
        today = NOW.date()
        starts = today - timedelta(days=rng.randrange(length.days - 1))
        agreed = datetime.combine(starts, time(9), UTC) - timedelta(days=rng.randint(0, 3))
        asked = agreed - timedelta(days=rng.randint(1, 6), minutes=rng.randrange(600))
        frame_id = self.ids.take("mentorships")
        group = group_name is not None
        self.add(Mentorship.__table__, {
            "id": frame_id, "programme_id": self.programme_id(), "mentor_id": mentor.id,
            "kind": MentorshipKind.GROUP if group else MentorshipKind.PAIR,
            "status": MentorshipStatus.OPEN,
            "name": group_name, "topic": "Growing into staff engineering" if group else None,
            "group_goal": "Each of us leads one cross-team change" if group else None,
            "seats": max(len(mentees), 8) if group else 1,
            "cadence": rng.choice(tuple(Cadence)), "months": months, "starts_on": starts,
            "ends_on": starts + length, "proposed_ends_on": None, "proposed_by_id": None,
            "channel_id": f"CMS{frame_id:07d}", "goals_message_ts": f"{agreed.timestamp():.6f}",
            "version": 1 + rng.randrange(4), "created_at": asked, "updated_at": agreed,
            "ended_at": None,
        })  # fmt: skip
        for mentee in mentees:
            member_id = self.ids.take("mentorship_members")
            self.add(MentorshipMember.__table__, {
                "id": member_id, "mentorship_id": frame_id, "mentee_id": mentee,
                "mentor_id": mentor.id, "status": MemberStatus.ACTIVE,
                "hopes": "To grow with someone who has walked this path.",
                "answer_comment": "Happy to help: let's meet soon.", "requested_at": asked,
                "answered_at": asked + (agreed - asked) / 2, "mentee_agreed_at": agreed,
                "mentor_agreed_at": agreed, "active_at": agreed, "ended_at": None,
                "ended_by_id": None, "ended_early": False, "end_reason": None,
                "end_reason_shared": True, "mentor_message_channel": None,
                "mentor_message_ts": None,
            })  # fmt: skip
            for position, text_ in enumerate(rng.sample(GOAL_TEXTS, rng.randint(1, 3)), 1):
                self.goal(member_id, position, text_, agreed)
        self.pairings[mentor.index].append(_Pairing(frame_id, mentees))

    def goal(self, member_id: int, position: int, text_: str, at: datetime) -> None:
        rng = self.mrng
        status = rng.choices(tuple(GoalStatus), weights=(4, 5, 2, 1))[0]
        goal_id = self.ids.take("mentorship_goals")
        self.add(Goal.__table__, {
            "id": goal_id, "member_id": member_id, "position": position, "text": text_,
            "status": status, "reached_at": at + timedelta(days=9)
            if status == GoalStatus.REACHED else None,
            "created_at": at, "updated_at": at,
        })  # fmt: skip
        for step, step_text in enumerate(STEP_TEXTS[: rng.choice((0, 0, 1, 2, 3))], 1):
            self.add(GoalStep.__table__, {
                "id": self.ids.take("goal_steps"), "goal_id": goal_id, "position": step,
                "text": step_text, "done": rng.random() < 0.4,
            })  # fmt: skip

    def programme_id(self) -> int:
        """The default programme, which the migration creates."""
        if self._programme is None:
            found = self.connection.execute(
                text("SELECT id FROM programmes WHERE is_default")
            ).scalar_one()
            self._programme = int(found)
        return self._programme

    def mentorship_session(self, mentor: _Mentor) -> _Pairing | None:
        """Whether the next upcoming session of `mentor` belongs to one of their mentorships:
        the busy mentor's first ones give each pair one and the group two; elsewhere one in
        four, at most two per mentorship."""
        frames = self.pairings.get(mentor.index)
        if not frames:
            return None
        if mentor.index == 0:
            return next((f for f in frames if f.sessions < len(f.mentees) // 3 + 1), None)
        if self.mrng.random() >= 0.25:
            return None
        frame = frames[self.mrng.randrange(len(frames))]
        return frame if frame.sessions < 2 else None


def _round(rng: random.Random, value: float) -> int:
    """Round at random so the totals come out right on average."""
    whole = math.floor(value)
    return whole + (1 if rng.random() < value - whole else 0)


# ---------------------------------------------------------------------------------------------
# The cache


def cache_dir() -> Path:
    return Path(os.environ.get("BENCH_CACHE") or Path(tempfile.gettempdir()) / "mentor-bot-bench")


def cached_sqlite(spec: Spec, *, quiet: bool = False) -> Path:
    """The SQLite file of `spec`, built on first use; keyed by the parameters and VERSION."""
    path = cache_dir() / f"dataset-v{VERSION}-scale{spec.scale:g}-seed{spec.seed}.db"
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".building")
    for stale in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        stale.unlink(missing_ok=True)
    timed_build(f"sqlite:///{partial}", spec, quiet=quiet)
    partial.rename(path)
    return path


def timed_build(url: str, spec: Spec, *, quiet: bool = False) -> dict[str, int]:
    started = timer.perf_counter()
    written = build(url, spec)
    if not quiet:
        rows = ", ".join(f"{name} {count:,}" for name, count in written.items())
        print(f"built the {spec.mentors:,}-mentor data set in "
              f"{timer.perf_counter() - started:.1f} s: {rows}")  # fmt: skip
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 10,000 mentors")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--url", help="an empty database to fill (default: the SQLite cache)")
    args = parser.parse_args(argv)
    spec = Spec(scale=args.scale, seed=args.seed)
    if args.url:
        timed_build(args.url, spec)
    else:
        started = timer.perf_counter()
        path = cached_sqlite(spec)
        print(f"{path} ({path.stat().st_size / 1e6:.0f} MB, "
              f"ready in {timer.perf_counter() - started:.1f} s)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
