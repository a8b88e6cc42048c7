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
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    Time,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from store.statuses import (
    Audience,
    BookingStatus,
    Cadence,
    ChangeRequestStatus,
    ConcernKind,
    ConcernStatus,
    DueStatus,
    GoalStatus,
    HelpKind,
    Matching,
    MeetingKind,
    MemberStatus,
    MentorshipKind,
    MentorshipStatus,
    MentorStatus,
    PairingStatus,
    Pauser,
    PlannedBy,
    ProposalStatus,
    Role,
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
LEVEL_RANGE = f"BETWEEN {min(SkillLevel)} AND {max(SkillLevel)}"  # SFIA 1-7
HELP_KINDS = values(HelpKind)
MAX_BACKUPS = 2  # backup mentors a mentee may name for one request
# Who paused a mentor decides who may lift the pause: the mentor lifts their own (or the
# system's), only a coordinator lifts a coordinator's.
PAUSERS = values(Pauser)
SESSION_LENGTHS = (30, 45, 60)
MENTORSHIP_MONTHS = (1, 3, 6)
# A mentee asking a mentor has one request open with them at a time (pair or group).
REQUESTED_MEMBER = "status = 'requested'"
MAX_GOALS = 5
MAX_GROUP_SEATS = 8
# A session opened for several people (office hours, a workshop) has at most this many seats.
MAX_SESSION_SEATS = 12


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
    # From Slack's profile (users:read.email), for calendar invites; None when Slack gives none.
    email: Mapped[str | None] = mapped_column(String(254))
    # When they accepted the programme's expectations of mentees, the first time they booked.
    mentee_terms_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What a mentee wants from mentors (issue 15): the kind of help, a language (a code such
    # as "de") and whether the mentor's working hours should overlap with theirs.
    wanted_help: Mapped[HelpKind | None] = mapped_column(Choice(HelpKind, 16))
    language: Mapped[str | None] = mapped_column(String(8))
    overlap_hours: Mapped[bool] = mapped_column(default=False, server_default=false())
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    interests: Mapped[list[Skill]] = relationship(secondary="user_interests")

    __table_args__ = (
        CheckConstraint(
            f"wanted_help IS NULL OR {_in('wanted_help', HELP_KINDS)}", name="wanted_help_known"
        ),
    )


class Skill(Base):
    """A skill of the program's catalogue; `key` is the normalised form that makes it unique."""

    __tablename__ = "skills"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    # The coordinators' grouping (for browsing and for the mentor eligibility rule).
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("skill_groups.id", ondelete="SET NULL"), index=True
    )

    __table_args__ = (CheckConstraint("length(key) > 0", name="key_not_empty"),)


class SkillGroup(Base):
    """A named group of catalogue skills ("Cloud": AWS, Kubernetes, ...), `key` normalised."""

    __tablename__ = "skill_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(64))

    __table_args__ = (CheckConstraint("length(key) > 0", name="key_not_empty"),)


class SkillSynonym(Base):
    """Another key that means a catalogue skill: added by coordinators, or left by a rename or
    a merge so what people typed before still finds the skill."""

    __tablename__ = "skill_synonyms"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id", ondelete="CASCADE"), index=True)

    __table_args__ = (CheckConstraint("length(key) > 0", name="key_not_empty"),)


class UserInterest(Base):
    """A mentee's skill gap: a skill they want to learn, where they are now and the level they
    aim for (SFIA 1-7; either may be unknown). `/mentor find` with no words matches on these."""

    __tablename__ = "user_interests"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    skill_id: Mapped[int] = mapped_column(
        ForeignKey("skills.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    current_level: Mapped[int | None] = mapped_column(Integer)
    target_level: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (
        CheckConstraint(
            f"current_level IS NULL OR current_level {LEVEL_RANGE}", name="current_level_known"
        ),
        CheckConstraint(
            f"target_level IS NULL OR target_level {LEVEL_RANGE}", name="target_level_known"
        ),
        CheckConstraint(
            "current_level IS NULL OR target_level IS NULL OR target_level > current_level",
            name="target_above_current",
        ),
    )


class MentorProfile(Base):
    """A user's mentor profile; `version` grows on each change so stale buttons can be refused."""

    __tablename__ = "mentor_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    status: Mapped[MentorStatus] = mapped_column(Choice(MentorStatus), default=MentorStatus.PENDING)
    bio: Mapped[str] = mapped_column(Text, default="")
    meeting_link: Mapped[str] = mapped_column(String(500), default="")
    # The default for new sessions: a video call (meeting_link), in person (meeting_place), phone.
    meeting_kind: Mapped[MeetingKind] = mapped_column(
        Choice(MeetingKind, 16), default=MeetingKind.VIDEO, server_default="video"
    )
    meeting_place: Mapped[str] = mapped_column(String(300), default="", server_default="")
    session_minutes: Mapped[int] = mapped_column(Integer, default=30)
    weekly_capacity: Mapped[int] = mapped_column(Integer, default=3)
    # How many mentees the mentor takes in pair mentorships at once (agreeing or active).
    mentee_limit: Mapped[int] = mapped_column(Integer, default=2, server_default="2")
    coc_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by: Mapped[str | None] = mapped_column(String(32))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    paused_by_role: Mapped[Pauser | None] = mapped_column(Choice(Pauser))
    paused_by: Mapped[str | None] = mapped_column(String(32))  # the Slack id who paused
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    pause_reason: Mapped[str | None] = mapped_column(Text)
    # A pause the mentor chose for some weeks ends by itself then (due work resumes them).
    paused_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Requests in a row that expired unanswered; two pause the mentor (issue 15), an answer
    # resets it.
    expired_in_row: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # When the mentor last confirmed their skills' levels; None for profiles whose levels were
    # migrated from the old three-step scale, which are asked once.
    levels_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What they like to help with (HelpKind texts) and the languages they mentor in (codes).
    help_kinds: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    languages: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
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
        CheckConstraint("mentee_limit BETWEEN 0 AND 10", name="mentee_limit_in_range"),
        CheckConstraint("expired_in_row >= 0", name="expired_in_row_not_negative"),
        CheckConstraint(_in("meeting_kind", values(MeetingKind)), name="meeting_kind_known"),
        CheckConstraint(
            "meeting_kind <> 'in_person' OR meeting_place <> ''", name="in_person_has_place"
        ),
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
    level: Mapped[int] = mapped_column(Integer)  # SFIA 1-7 (store.statuses.SkillLevel)

    mentor: Mapped[MentorProfile] = relationship(back_populates="skills")
    skill: Mapped[Skill] = relationship()

    __table_args__ = (CheckConstraint(f"level {LEVEL_RANGE}", name="level_known"),)


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
    # A time opened for several people (office hours, a workshop) has seats and a title; its
    # seat requests are approved by the mentor, or at once when `auto_approve` is set.
    seats: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    title: Mapped[str | None] = mapped_column(String(150))
    auto_approve: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    mentor: Mapped[MentorProfile] = relationship()

    __table_args__ = (
        UniqueConstraint("mentor_id", "starts_at"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint(f"seats BETWEEN 1 AND {MAX_SESSION_SEATS}", name="seats_in_range"),
        Index("ix_slots_starts_at", "starts_at"),
    )


class Booking(Base):
    """A mentee's request for a slot, and the session it becomes once the mentor approves.

    Partial unique indexes make the database the referee: each seat of a slot has at most one
    live (pending or approved) booking, and a mentee at most one pending request per mentor.
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
    decline_reason: Mapped[str | None] = mapped_column(Text)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    cancelled_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    mentor_message_channel: Mapped[str | None] = mapped_column(String(32))
    mentor_message_ts: Mapped[str | None] = mapped_column(String(32))
    # A session of a mentorship (its diary, its homework, its cadence) or a one-off.
    mentorship_id: Mapped[int | None] = mapped_column(
        ForeignKey("mentorships.id", ondelete="SET NULL"), index=True
    )
    # Whoever proposed the time; a pending booking waits for the other side.
    planned_by: Mapped[PlannedBy] = mapped_column(
        Choice(PlannedBy, 8), default=PlannedBy.MENTEE, server_default="mentee"
    )
    # Which of the slot's seats this booking holds (always 1 on a slot for one person).
    seat_no: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # Where, when this session differs from the mentor's default (None: the profile's).
    meeting_kind: Mapped[MeetingKind | None] = mapped_column(Choice(MeetingKind, 16))
    meeting_place: Mapped[str | None] = mapped_column(String(500))
    approval_note: Mapped[str | None] = mapped_column(Text)
    # The calendar invite's SEQUENCE (RFC 5545): it rises each time the session's time changes.
    sequence: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The request this one continues: the mentee's first choice declined or let it expire, and
    # it moved to their backup mentor with the same message.
    moved_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("bookings.id", ondelete="SET NULL")
    )

    slot: Mapped[Slot | None] = relationship(foreign_keys=[slot_id])
    mentor: Mapped[MentorProfile] = relationship()
    mentee: Mapped[User] = relationship(foreign_keys=[mentee_id])

    __table_args__ = (
        CheckConstraint(_in("status", BOOKING_STATUSES), name="status_known"),
        CheckConstraint(f"slot_id IS NOT NULL OR NOT ({LIVE_BOOKING})", name="live_has_slot"),
        CheckConstraint("length(message) >= 10", name="message_long_enough"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint(_in("planned_by", values(PlannedBy)), name="planner_known"),
        CheckConstraint(f"seat_no BETWEEN 1 AND {MAX_SESSION_SEATS}", name="seat_in_range"),
        CheckConstraint(
            f"meeting_kind IS NULL OR {_in('meeting_kind', values(MeetingKind))}",
            name="meeting_kind_known",
        ),
        Index(
            "uq_bookings_live_seat",
            "slot_id",
            "seat_no",
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
        # A mentor's latest requests: how quickly they usually answer (issue 15).
        Index("ix_bookings_mentor_requested", "mentor_id", "requested_at"),
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
    mentorship_id: Mapped[int | None] = mapped_column(
        ForeignKey("mentorships.id", ondelete="CASCADE"), index=True
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


class Programme(Base):
    """A mentoring programme: the always-open default one, or a cohort with dates.

    Every mentorship belongs to one; the default programme (`is_default`) holds everything made
    outside a cohort, including all data from before programmes existed.
    """

    __tablename__ = "programmes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    is_default: Mapped[bool] = mapped_column(default=False)
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    enrolment_open: Mapped[bool] = mapped_column(default=True)
    matching: Mapped[Matching] = mapped_column(Choice(Matching), default=Matching.SELF)
    default_cadence: Mapped[Cadence] = mapped_column(Choice(Cadence), default=Cadence.FORTNIGHTLY)
    default_months: Mapped[int] = mapped_column(Integer, default=3)
    # Who may join as mentor and as mentee; a group's id is kept to show and edit it, its
    # members are read from Slack when the programme is saved (`ProgrammeAudience`).
    mentor_audience: Mapped[Audience] = mapped_column(
        Choice(Audience, 16), default=Audience.EVERYONE, server_default="everyone"
    )
    mentee_audience: Mapped[Audience] = mapped_column(
        Choice(Audience, 16), default=Audience.EVERYONE, server_default="everyone"
    )
    mentor_group: Mapped[str | None] = mapped_column(String(32))
    mentee_group: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        CheckConstraint(_in("matching", values(Matching)), name="matching_known"),
        CheckConstraint(_in("mentor_audience", values(Audience)), name="mentor_audience_known"),
        CheckConstraint(_in("mentee_audience", values(Audience)), name="mentee_audience_known"),
        CheckConstraint(
            "(mentor_audience = 'group') = (mentor_group IS NOT NULL)", name="mentor_group_set"
        ),
        CheckConstraint(
            "(mentee_audience = 'group') = (mentee_group IS NOT NULL)", name="mentee_group_set"
        ),
        CheckConstraint(_in("default_cadence", values(Cadence)), name="cadence_known"),
        CheckConstraint(_in("default_months", MENTORSHIP_MONTHS), name="months_known"),
        CheckConstraint(
            "starts_on IS NULL OR ends_on IS NULL OR ends_on > starts_on", name="ends_after_start"
        ),
        Index(
            "uq_programmes_default",
            "is_default",
            unique=True,
            sqlite_where=text("is_default"),
            postgresql_where=text("is_default"),
        ),
    )


class ProgrammeAudience(Base):
    """One person who may join a programme on one side: listed by a coordinator, or a member
    of the side's Slack user group when the programme was saved."""

    __tablename__ = "programme_audiences"

    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[Role] = mapped_column(Choice(Role, 8), primary_key=True)
    slack_id: Mapped[str] = mapped_column(String(32), primary_key=True)

    __table_args__ = (CheckConstraint(_in("role", values(Role)), name="role_known"),)


class Enrolment(Base):
    """A person enrolled in a cohort as mentor or mentee (the default programme needs none)."""

    __tablename__ = "enrolments"

    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[Role] = mapped_column(Choice(Role, 8), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    __table_args__ = (CheckConstraint(_in("role", values(Role)), name="role_known"),)


class CohortPairing(Base):
    """The pairs the bot proposed for a cohort with matching by coordinators: one per
    programme, a draft until a coordinator publishes it, once."""

    __tablename__ = "cohort_pairings"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), unique=True
    )
    status: Mapped[PairingStatus] = mapped_column(
        Choice(PairingStatus, 16), default=PairingStatus.DRAFT
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by: Mapped[str | None] = mapped_column(String(32))

    pairs: Mapped[list[ProposedPair]] = relationship(
        back_populates="pairing", cascade="all, delete-orphan", order_by="ProposedPair.id"
    )

    __table_args__ = (
        CheckConstraint(_in("status", values(PairingStatus)), name="status_known"),
        CheckConstraint(
            "(status = 'published') = (published_at IS NOT NULL)", name="published_when"
        ),
    )


class ProposedPair(Base):
    """One mentor and mentee of a cohort's proposal, with the score and why."""

    __tablename__ = "proposed_pairs"

    id: Mapped[int] = mapped_column(primary_key=True)
    pairing_id: Mapped[int] = mapped_column(ForeignKey("cohort_pairings.id", ondelete="CASCADE"))
    mentor_id: Mapped[int] = mapped_column(
        ForeignKey("mentor_profiles.id", ondelete="CASCADE"), index=True
    )
    mentee_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    score: Mapped[float] = mapped_column(Float)
    why: Mapped[str] = mapped_column(Text, default="")

    pairing: Mapped[CohortPairing] = relationship(back_populates="pairs")

    __table_args__ = (
        UniqueConstraint("pairing_id", "mentee_id"),
        CheckConstraint("score > 0 AND score <= 1", name="score_in_range"),
    )


class Mentorship(Base):
    """A lasting frame of work with one mentor: a pair (one mentee) or a group (up to eight).

    The frame holds what the members share: the mentor, the cadence and dates, the group DM and
    the message in it that shows the goals. Each mentee's own path through asking, agreeing and
    ending lives in `MentorshipMember`. `version` grows on each change so stale buttons are refused.
    """

    __tablename__ = "mentorships"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    mentor_id: Mapped[int] = mapped_column(
        ForeignKey("mentor_profiles.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[MentorshipKind] = mapped_column(Choice(MentorshipKind, 8))
    status: Mapped[MentorshipStatus] = mapped_column(
        Choice(MentorshipStatus), default=MentorshipStatus.OPEN
    )
    name: Mapped[str | None] = mapped_column(String(100))  # groups are named
    topic: Mapped[str | None] = mapped_column(Text)
    group_goal: Mapped[str | None] = mapped_column(Text)
    seats: Mapped[int] = mapped_column(Integer, default=1)
    cadence: Mapped[Cadence] = mapped_column(Choice(Cadence))
    months: Mapped[int] = mapped_column(Integer)
    starts_on: Mapped[date | None] = mapped_column(Date)  # set once agreed
    ends_on: Mapped[date | None] = mapped_column(Date)
    # An extension one side proposed and the other has not yet agreed to.
    proposed_ends_on: Mapped[date | None] = mapped_column(Date)
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    channel_id: Mapped[str | None] = mapped_column(String(32))  # the pair's or group's DM
    goals_message_ts: Mapped[str | None] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    mentor: Mapped[MentorProfile] = relationship()
    members: Mapped[list[MentorshipMember]] = relationship(
        back_populates="mentorship", cascade="all, delete-orphan", order_by="MentorshipMember.id"
    )

    __table_args__ = (
        CheckConstraint(_in("kind", values(MentorshipKind)), name="kind_known"),
        CheckConstraint(_in("status", values(MentorshipStatus)), name="status_known"),
        CheckConstraint(_in("cadence", values(Cadence)), name="cadence_known"),
        CheckConstraint(_in("months", MENTORSHIP_MONTHS), name="months_known"),
        CheckConstraint(
            f"(kind = 'pair' AND seats = 1) OR (kind = 'group' AND seats BETWEEN 2 AND "
            f"{MAX_GROUP_SEATS} AND name IS NOT NULL)",
            name="seats_fit_kind",
        ),
        CheckConstraint(
            "starts_on IS NULL OR (ends_on IS NOT NULL AND ends_on > starts_on)",
            name="ends_after_start",
        ),
        CheckConstraint(
            "proposed_ends_on IS NULL OR (ends_on IS NOT NULL AND proposed_ends_on > ends_on)",
            name="extension_later",
        ),
        Index("ix_mentorships_status_ends", "status", "ends_on"),
    )


class MentorshipMember(Base):
    """One mentee in a mentorship: the request, the answer, both agreements, and the ending.

    The partial unique index keeps one open request per mentee and mentor; `mentor_id` is copied
    from the frame so the database can say so.
    """

    __tablename__ = "mentorship_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    mentorship_id: Mapped[int] = mapped_column(ForeignKey("mentorships.id", ondelete="CASCADE"))
    mentee_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("mentor_profiles.id", ondelete="CASCADE"))
    status: Mapped[MemberStatus] = mapped_column(
        Choice(MemberStatus), default=MemberStatus.REQUESTED
    )
    hopes: Mapped[str] = mapped_column(Text, default="")  # what the mentee hopes to get
    answer_comment: Mapped[str | None] = mapped_column(Text)  # the mentor's accept/decline note
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    mentee_agreed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    mentor_agreed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    active_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    ended_early: Mapped[bool] = mapped_column(default=False)
    end_reason: Mapped[str | None] = mapped_column(Text)
    end_reason_shared: Mapped[bool] = mapped_column(default=True)
    mentor_message_channel: Mapped[str | None] = mapped_column(String(32))
    mentor_message_ts: Mapped[str | None] = mapped_column(String(32))
    # The request this one continues, moved from a mentor who declined or let it expire.
    moved_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("mentorship_members.id", ondelete="SET NULL")
    )

    mentorship: Mapped[Mentorship] = relationship(back_populates="members")
    mentee: Mapped[User] = relationship(foreign_keys=[mentee_id])
    goals: Mapped[list[Goal]] = relationship(
        back_populates="member", cascade="all, delete-orphan", order_by="Goal.position"
    )

    __table_args__ = (
        UniqueConstraint("mentorship_id", "mentee_id"),
        CheckConstraint(_in("status", values(MemberStatus)), name="status_known"),
        Index(
            "uq_mentorship_members_requested_pair",
            "mentee_id",
            "mentor_id",
            unique=True,
            sqlite_where=text(REQUESTED_MEMBER),
            postgresql_where=text(REQUESTED_MEMBER),
        ),
        Index("ix_mentorship_members_mentor_status", "mentor_id", "status"),
        Index("ix_mentorship_members_mentor_requested", "mentor_id", "requested_at"),
        Index("ix_mentorship_members_status_requested", "status", "requested_at"),
        # The digest's mentorships started and ended in a period, and the export's period.
        Index("ix_mentorship_members_active_at", "active_at"),
        Index("ix_mentorship_members_ended_at", "ended_at"),
    )


class RequestBackup(Base):
    """A backup mentor a mentee named for a request, in order: if the request is declined or
    expires, it moves to the first one left (a session request or a mentorship request)."""

    __tablename__ = "request_backups"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"))
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("mentorship_members.id", ondelete="CASCADE")
    )
    position: Mapped[int] = mapped_column(Integer)
    mentor_id: Mapped[int] = mapped_column(
        ForeignKey("mentor_profiles.id", ondelete="CASCADE"), index=True
    )

    __table_args__ = (
        CheckConstraint("(booking_id IS NULL) <> (member_id IS NULL)", name="one_request"),
        CheckConstraint(f"position BETWEEN 1 AND {MAX_BACKUPS}", name="position_in_range"),
        UniqueConstraint("booking_id", "position"),
        UniqueConstraint("member_id", "position"),
        UniqueConstraint("booking_id", "mentor_id"),
        UniqueConstraint("member_id", "mentor_id"),
    )


class Goal(Base):
    """One of a mentee's goals in a mentorship (1-5), with its status; only the mentee edits it."""

    __tablename__ = "mentorship_goals"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("mentorship_members.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(String(200))
    status: Mapped[GoalStatus] = mapped_column(Choice(GoalStatus), default=GoalStatus.NOT_STARTED)
    reached_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    member: Mapped[MentorshipMember] = relationship(back_populates="goals")
    steps: Mapped[list[GoalStep]] = relationship(
        cascade="all, delete-orphan", order_by="GoalStep.position"
    )

    __table_args__ = (
        UniqueConstraint("member_id", "position"),
        CheckConstraint(f"position BETWEEN 1 AND {MAX_GOALS}", name="position_in_range"),
        CheckConstraint("length(text) > 0", name="text_not_empty"),
        CheckConstraint(_in("status", values(GoalStatus)), name="status_known"),
        Index("ix_goals_reached_at", "reached_at"),  # the health view's goals reached per week
    )


class GoalStep(Base):
    """A smaller step towards a goal, ticked off by the mentee."""

    __tablename__ = "goal_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("mentorship_goals.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(String(200))
    done: Mapped[bool] = mapped_column(default=False)

    __table_args__ = (
        UniqueConstraint("goal_id", "position"),
        CheckConstraint("length(text) > 0", name="text_not_empty"),
    )


class GoalComment(Base):
    """The mentor's comment on a goal; the mentee reads it, nobody else."""

    __tablename__ = "goal_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(
        ForeignKey("mentorship_goals.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class DiaryEntry(Base):
    """The mentee's note after a mentorship session, private to the pair (coordinators see only
    that it exists). Homework is shown in the next session's reminder."""

    __tablename__ = "diary_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("mentorship_members.id", ondelete="CASCADE"))
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id", ondelete="SET NULL"))
    discussed: Mapped[str] = mapped_column(Text)
    progress: Mapped[str] = mapped_column(Text, default="")
    homework: Mapped[str] = mapped_column(Text, default="")
    mentor_comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    commented_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        UniqueConstraint("member_id", "booking_id"),
        Index("ix_diary_entries_created_at", "created_at"),
    )


class Pulse(Base):
    """One person's answer to "how is your mentorship going?" in one round; coordinators only."""

    __tablename__ = "pulses"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("mentorship_members.id", ondelete="CASCADE"))
    respondent_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    round: Mapped[int] = mapped_column(Integer)
    stars: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        UniqueConstraint("member_id", "respondent_id", "round"),
        CheckConstraint("stars BETWEEN 1 AND 5", name="stars_range"),
        CheckConstraint("round >= 1", name="round_positive"),
        Index("ix_pulses_created_stars", "created_at", "stars"),
    )


class Evaluation(Base):
    """One person's closing evaluation of a mentorship.

    Goal outcomes (`goals_reached`, goal id to reached) are shared with the pair; everything else
    is for coordinators, except the mentor's feedback, which the mentee also sees.
    """

    __tablename__ = "evaluations"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("mentorship_members.id", ondelete="CASCADE"))
    respondent_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[Role] = mapped_column(Choice(Role, 8))
    goals_reached: Mapped[dict[str, bool]] = mapped_column(JSON, default=dict)
    started_where: Mapped[str] = mapped_column(Text, default="")
    stands_now: Mapped[str] = mapped_column(Text, default="")
    what_worked: Mapped[str] = mapped_column(Text, default="")
    what_to_change: Mapped[str] = mapped_column(Text, default="")
    stars: Mapped[int] = mapped_column(Integer)
    skills_feedback: Mapped[str | None] = mapped_column(Text)  # mentor to mentee
    learning_feedback: Mapped[str | None] = mapped_column(Text)  # mentor to mentee
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        UniqueConstraint("member_id", "respondent_id"),
        CheckConstraint("stars BETWEEN 1 AND 5", name="stars_range"),
        CheckConstraint(_in("role", values(Role)), name="role_known"),
        Index("ix_evaluations_created_at", "created_at"),
    )


class ChangeRequest(Base):
    """A mentee's confidential request to coordinators for a different mentor."""

    __tablename__ = "change_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("mentorship_members.id", ondelete="CASCADE"))
    requester_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[ChangeRequestStatus] = mapped_column(
        Choice(ChangeRequestStatus), default=ChangeRequestStatus.OPEN
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    handled_by: Mapped[str | None] = mapped_column(String(32))  # a coordinator's Slack id
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        CheckConstraint(_in("status", values(ChangeRequestStatus)), name="status_known"),
        Index("ix_change_requests_status_created", "status", "created_at"),
        Index("ix_change_requests_member_id", "member_id"),
    )


class TimeProposal(Base):
    """A time one side of a session offered the other: a counter-proposal to a request or to a
    mentor's invitation, or a reschedule of an approved session. At most one is open per
    booking (`uq_time_proposals_open`); answering it closes it, countering opens the next.
    The proposed slot is not held until the proposal is accepted."""

    __tablename__ = "time_proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"))
    slot_id: Mapped[int | None] = mapped_column(ForeignKey("slots.id", ondelete="SET NULL"))
    proposed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[ProposalStatus] = mapped_column(
        Choice(ProposalStatus, 16), default=ProposalStatus.OPEN
    )
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    slot: Mapped[Slot | None] = relationship()

    __table_args__ = (
        CheckConstraint(_in("status", values(ProposalStatus)), name="status_known"),
        Index("ix_time_proposals_booking_id", "booking_id"),
        Index(
            "uq_time_proposals_open",
            "booking_id",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
    )


class CalendarFeed(Base):
    """A person's private calendar subscription: only the SHA-256 of its secret token is kept,
    so the table alone opens nobody's calendar; resetting replaces the row's hash."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Concern(Base):
    """Something that went wrong, told to coordinators privately; the other person never learns
    of it. The text is for coordinators only and is stripped by a privacy deletion."""

    __tablename__ = "concerns"

    id: Mapped[int] = mapped_column(primary_key=True)
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id", ondelete="SET NULL"))
    kind: Mapped[ConcernKind] = mapped_column(Choice(ConcernKind, 16))
    text: Mapped[str | None] = mapped_column(Text)
    status: Mapped[ConcernStatus] = mapped_column(Choice(ConcernStatus), default=ConcernStatus.OPEN)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    handled_by: Mapped[str | None] = mapped_column(String(32))  # a coordinator's Slack id
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    card_channel: Mapped[str | None] = mapped_column(String(32))
    card_ts: Mapped[str | None] = mapped_column(String(32))

    __table_args__ = (
        CheckConstraint(_in("kind", values(ConcernKind)), name="kind_known"),
        CheckConstraint(_in("status", values(ConcernStatus)), name="status_known"),
        Index("ix_concerns_status_created", "status", "created_at"),
        Index("ix_concerns_reporter_id", "reporter_id"),
    )
