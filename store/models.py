"""The program's data: typed SQLAlchemy 2.x models and the constraints that protect them.

The database, not Python, keeps the rules that races could break: one live booking per slot, one
open request per mentee and mentor, one review per person per session, one row per piece of due
work. Times are UTC (`UTCDateTime`); users' own zones are IANA names read from Slack.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    Time,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from store.statuses import (
    BookingStatus,
    DueStatus,
    MentorStatus,
    Pauser,
    SkillLevel,
    WhatHappened,
    WindowKind,
    values,
)
from store.types import Choice, UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

MENTOR_STATUSES = values(MentorStatus)
BOOKING_STATUSES = values(BookingStatus)
LIVE_BOOKING = "status IN ('pending', 'approved')"
# Spelled out in SQL, not bound, so queries that say it can use the partial index of no-shows.
NO_SHOW = "what_happened = 'no_show'"
DUE_STATUSES = values(DueStatus)
SKILL_LEVELS = values(SkillLevel)
# Who paused a mentor decides who may lift the pause: the mentor lifts their own (or the
# system's), only a coordinator lifts a coordinator's.
PAUSERS = values(Pauser)
SESSION_LENGTHS = (30, 45, 60)


def _in(column: str, values: tuple[Any, ...]) -> str:
    listed = ", ".join(repr(v) if isinstance(v, str) else str(v) for v in values)
    return f"{column} IN ({listed})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class User(Base):
    """A Slack user the bot has met, with the time zone Slack reports for them."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    slack_id: Mapped[str] = mapped_column(String(32), unique=True)
    real_name: Mapped[str] = mapped_column(String(200), default="")
    tz: Mapped[str] = mapped_column(String(64), default="UTC")
    goals: Mapped[str | None] = mapped_column(Text)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    interests: Mapped[list[Skill]] = relationship(secondary="user_interests")


class Skill(Base):
    """A skill of the program's catalogue; `key` is the normalised form that makes it unique."""

    __tablename__ = "skills"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(64))

    __table_args__ = (CheckConstraint("length(key) > 0", name="key_not_empty"),)


class UserInterest(Base):
    """A skill a mentee wants to learn; used when they search without naming skills."""

    __tablename__ = "user_interests"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    skill_id: Mapped[int] = mapped_column(
        ForeignKey("skills.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class MentorProfile(Base):
    """A user's mentor profile; `version` grows on each change so stale buttons can be refused."""

    __tablename__ = "mentor_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    status: Mapped[MentorStatus] = mapped_column(Choice(MentorStatus), default=MentorStatus.PENDING)
    bio: Mapped[str] = mapped_column(Text, default="")
    meeting_link: Mapped[str] = mapped_column(String(500), default="")
    session_minutes: Mapped[int] = mapped_column(Integer, default=30)
    weekly_capacity: Mapped[int] = mapped_column(Integer, default=3)
    coc_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by: Mapped[str | None] = mapped_column(String(32))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    paused_by_role: Mapped[Pauser | None] = mapped_column(Choice(Pauser))
    paused_by: Mapped[str | None] = mapped_column(String(32))  # the Slack id who paused
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    pause_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
    skills: Mapped[list[MentorSkill]] = relationship(
        cascade="all, delete-orphan", back_populates="mentor"
    )

    __table_args__ = (
        CheckConstraint(_in("status", MENTOR_STATUSES), name="status_known"),
        CheckConstraint(_in("session_minutes", SESSION_LENGTHS), name="session_length_known"),
        CheckConstraint("weekly_capacity BETWEEN 1 AND 40", name="capacity_in_range"),
        CheckConstraint(
            f"paused_by_role IS NULL OR {_in('paused_by_role', PAUSERS)}", name="pauser_known"
        ),
        Index("ix_mentor_profiles_status", "status"),
        Index("ix_mentor_profiles_created_at", "created_at"),  # the digest's new mentors
    )


class MentorSkill(Base):
    """A skill a mentor offers, at a level."""

    __tablename__ = "mentor_skills"

    mentor_id: Mapped[int] = mapped_column(
        ForeignKey("mentor_profiles.id", ondelete="CASCADE"), primary_key=True
    )
    skill_id: Mapped[int] = mapped_column(
        ForeignKey("skills.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    level: Mapped[SkillLevel] = mapped_column(Choice(SkillLevel), default=SkillLevel.PRACTITIONER)

    mentor: Mapped[MentorProfile] = relationship(back_populates="skills")
    skill: Mapped[Skill] = relationship()

    __table_args__ = (CheckConstraint(_in("level", SKILL_LEVELS), name="level_known"),)


class AvailabilityWindow(Base):
    """When a mentor can meet, in their local time: once on a date, or weekly for some weeks.

    Local date and times plus the zone are kept (not UTC) so a weekly 10:00 stays 10:00 local
    across daylight-saving changes; slots are cut from it in UTC.
    """

    __tablename__ = "availability_windows"

    id: Mapped[int] = mapped_column(primary_key=True)
    mentor_id: Mapped[int] = mapped_column(
        ForeignKey("mentor_profiles.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[WindowKind] = mapped_column(Choice(WindowKind, 8))
    first_date: Mapped[date] = mapped_column(Date)
    weekdays: Mapped[int] = mapped_column(Integer, default=0)  # bit 0 = Monday ... bit 6 = Sunday
    weeks: Mapped[int | None] = mapped_column(Integer)
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)
    tz: Mapped[str] = mapped_column(String(64))
    generated_until: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        CheckConstraint("kind IN ('once', 'weekly')", name="kind_known"),
        CheckConstraint("end_time > start_time", name="ends_after_start"),
        CheckConstraint(
            "(kind = 'once' AND weeks IS NULL) OR "
            "(kind = 'weekly' AND weeks BETWEEN 1 AND 52 AND weekdays BETWEEN 1 AND 127)",
            name="recurrence_consistent",
        ),
        Index("ix_availability_windows_kind_generated", "kind", "generated_until"),
    )


class Slot(Base):
    """A bookable stretch of a mentor's time, in UTC; unique per mentor and start."""

    __tablename__ = "slots"

    id: Mapped[int] = mapped_column(primary_key=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("mentor_profiles.id", ondelete="CASCADE"))
    window_id: Mapped[int | None] = mapped_column(
        ForeignKey("availability_windows.id", ondelete="SET NULL"), index=True
    )
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)

    mentor: Mapped[MentorProfile] = relationship()

    __table_args__ = (
        UniqueConstraint("mentor_id", "starts_at"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        Index("ix_slots_starts_at", "starts_at"),
    )


class Booking(Base):
    """A mentee's request for a slot, and the session it becomes once the mentor approves.

    Partial unique indexes make the database the referee: a slot has at most one live
    (pending or approved) booking, and a mentee at most one pending request per mentor.
    """

    __tablename__ = "bookings"

    id: Mapped[int] = mapped_column(primary_key=True)
    # A live booking holds its slot; a finished one keeps its own times and lets the slot go.
    slot_id: Mapped[int | None] = mapped_column(
        ForeignKey("slots.id", ondelete="SET NULL"), index=True
    )
    mentor_id: Mapped[int] = mapped_column(ForeignKey("mentor_profiles.id", ondelete="CASCADE"))
    mentee_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[BookingStatus] = mapped_column(
        Choice(BookingStatus), default=BookingStatus.PENDING
    )
    message: Mapped[str] = mapped_column(Text)
    topic: Mapped[str | None] = mapped_column(String(200))
    proposed_slot_id: Mapped[int | None] = mapped_column(
        ForeignKey("slots.id", ondelete="SET NULL")
    )
    decline_reason: Mapped[str | None] = mapped_column(Text)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    cancelled_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    mentor_message_channel: Mapped[str | None] = mapped_column(String(32))
    mentor_message_ts: Mapped[str | None] = mapped_column(String(32))

    slot: Mapped[Slot | None] = relationship(foreign_keys=[slot_id])
    mentor: Mapped[MentorProfile] = relationship()
    mentee: Mapped[User] = relationship(foreign_keys=[mentee_id])

    __table_args__ = (
        CheckConstraint(_in("status", BOOKING_STATUSES), name="status_known"),
        CheckConstraint(f"slot_id IS NOT NULL OR NOT ({LIVE_BOOKING})", name="live_has_slot"),
        CheckConstraint("length(message) >= 10", name="message_long_enough"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        Index(
            "uq_bookings_live_slot",
            "slot_id",
            unique=True,
            sqlite_where=text(LIVE_BOOKING),
            postgresql_where=text(LIVE_BOOKING),
        ),
        Index(
            "uq_bookings_pending_pair",
            "mentee_id",
            "mentor_id",
            unique=True,
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
        Index("ix_bookings_mentor_status_starts", "mentor_id", "status", "starts_at"),
        Index("ix_bookings_status_starts", "status", "starts_at"),
        # The digest reads a period's requests, decisions (with their times) and ended sessions
        # (with their mentors) from these alone, without visiting the table. Ended sessions lead
        # with the time: led by status, SQLite without statistics would prefer it to a person's
        # own index for "their approved sessions ending after now".
        Index("ix_bookings_status_requested", "status", "requested_at"),
        Index("ix_bookings_status_decided", "status", "decided_at", "requested_at"),
        Index("ix_bookings_ends_status", "ends_at", "status", "mentor_id"),
    )


class Attendance(Base):
    """Each participant's answer to "did it take place?" after a session."""

    __tablename__ = "attendance"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    took_place: Mapped[bool]
    what_happened: Mapped[WhatHappened | None] = mapped_column(Choice(WhatHappened, 32))
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        UniqueConstraint("booking_id", "user_id"),
        CheckConstraint(
            "what_happened IS NULL OR what_happened IN ('no_show', 'rescheduled', 'other')",
            name="what_happened_known",
        ),
        Index(
            "ix_attendance_no_show",
            "booking_id",
            sqlite_where=text(NO_SHOW),
            postgresql_where=text(NO_SHOW),
        ),
    )


class Review(Base):
    """One participant's confidential star review of a session; coordinators only see it."""

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"))
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    connection_stars: Mapped[int] = mapped_column(Integer)
    connection_comment: Mapped[str | None] = mapped_column(Text)
    program_stars: Mapped[int] = mapped_column(Integer)
    program_comment: Mapped[str | None] = mapped_column(Text)
    feedback: Mapped[str | None] = mapped_column(Text)
    action_items: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        UniqueConstraint("booking_id", "reviewer_id"),
        # A period's reviews, with the stars the digest averages and filters, from the index.
        Index("ix_reviews_created_stars", "created_at", "connection_stars", "program_stars"),
        CheckConstraint("connection_stars BETWEEN 1 AND 5", name="connection_stars_range"),
        CheckConstraint("program_stars BETWEEN 1 AND 5", name="program_stars_range"),
    )


class SearchMiss(Base):
    """A skill someone searched for that no mentor offered: the coordinators' unmet demand."""

    __tablename__ = "search_misses"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    skill_key: Mapped[str] = mapped_column(String(64))
    searched_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class DueWork(Base):
    """A message or step that must happen at a time, exactly once, whatever runs it.

    `key` names the work uniquely (for example "reminder:24h:booking:7:user:3"), so scheduling it
    twice is a no-op. A pass claims a row by moving `lease_until` forward with a conditional
    UPDATE; a crashed pass's lease runs out and another pass picks the row up.
    """

    __tablename__ = "due_work"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    booking_id: Mapped[int | None] = mapped_column(
        ForeignKey("bookings.id", ondelete="CASCADE"), index=True
    )
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[DueStatus] = mapped_column(Choice(DueStatus), default=DueStatus.PENDING)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claim_token: Mapped[str | None] = mapped_column(String(36))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        CheckConstraint(_in("status", DUE_STATUSES), name="status_known"),
        Index("ix_due_work_status_due_at", "status", "due_at"),
    )


class AuditEntry(Base):
    """Who did what among the coordinators' and privacy actions, for accountability."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_slack_id: Mapped[str] = mapped_column(String(32), index=True)
    action: Mapped[str] = mapped_column(String(64))
    # Whom the action was about (a mentor approved, a person deleted), so privacy deletion can
    # replace the id exactly rather than search free text.
    subject_slack_id: Mapped[str | None] = mapped_column(String(32), index=True)
    detail: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class SlackDelivery(Base):
    """A signed request or event already handled: Slack's signature stays valid for five minutes,
    so an exact replay (or one of Slack's own retries) finds its key here and is not redone.

    `key` is the signature of the request (`sig:...`) or the Events API's `event_id`
    (`event:...`); the unique key makes the first writer win across replicas. The due-work pass
    prunes rows older than the signature's lifetime.
    """

    __tablename__ = "slack_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(128), unique=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
