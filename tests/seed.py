"""Rows for database-level tests: people, mentors with skills, slots, bookings at a given state.

One builder per concept. Defaults are the model's (UTC, three a week, half an hour), with a bio
and a meeting link as a signed-up mentor has, so a call names only what its test is about (a
time zone, a capacity, a name) and every row is flushed, so its id is there to use.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.services import bookings, negotiation
from bot.services.bookings import BookingView
from bot.services.skills import ensure_skills, normalise
from store.db import SessionFactory
from store.models import (
    Attendance,
    Booking,
    Goal,
    MentorProfile,
    Mentorship,
    MentorshipMember,
    MentorSkill,
    Programme,
    Review,
    Skill,
    Slot,
    User,
)
from store.statuses import Cadence, MemberStatus, MentorshipKind, MentorshipStatus, SkillLevel
from tests.conftest import ADA, BEN, CHITRA, DAN

# Monday 23 November 2026, 09:00 UTC: the instant most database tests call "now".
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
# The coordinators' week (digest, export): the seven days before Thursday 26 November, 12:00 UTC.
PERIOD_END = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
PERIOD_START = PERIOD_END - 7 * DAY  # Thursday 19 November, 12:00 UTC
PARIS = "Europe/Paris"
NEW_YORK = "America/New_York"
KOLKATA = "Asia/Kolkata"
MESSAGE = "I'd like help planning my first conference talk."
BIO = "Engineer who loves helping people grow."
DEFAULT_LEVEL = SkillLevel.ENABLE


def add_user(
    session: Session, slack_id: str, *, tz: str = "UTC", name: str | None = None, at: datetime = NOW
) -> User:
    """A person as Slack describes them; named after their id unless a test needs a name."""
    user = User(slack_id=slack_id, real_name=name or slack_id, tz=tz, created_at=at, updated_at=at)
    session.add(user)
    session.flush()
    return user


def add_mentor(
    session: Session,
    slack_id: str,
    skills: Iterable[str] = (),
    *,
    status: str = "active",
    tz: str = "UTC",
    name: str | None = None,
    capacity: int = 3,
    minutes: int = 30,
    bio: str = BIO,
    meeting_link: str | None = None,
    skill_ids: Iterable[int] = (),
    levels: dict[str, int] | None = None,
    at: datetime = NOW,
) -> MentorProfile:
    """A mentor profile and its person; skills by name (catalogued on the way) or by id, each at
    SFIA level 4 (Enable) unless `levels` names another (by skill as typed)."""
    user = add_user(session, slack_id, tz=tz, name=name, at=at)
    mentor = MentorProfile(
        user_id=user.id,
        status=status,
        bio=bio,
        weekly_capacity=capacity,
        session_minutes=minutes,
        meeting_link=f"https://meet.example.com/{slack_id.lower()}"
        if meeting_link is None
        else meeting_link,
        created_at=at,
        updated_at=at,
    )
    typed = list(skills)
    found = ensure_skills(session, typed) if typed else []
    chosen: dict[str, int] = {}
    for text, level in (levels or {}).items():
        normalised = normalise(text)
        if normalised is not None:
            chosen[normalised[0]] = level
    level_of = {skill.id: chosen.get(skill.key, DEFAULT_LEVEL) for skill in found}
    mentor.levels_confirmed_at = at
    mentor.skills = [
        MentorSkill(skill_id=skill_id, level=level_of.get(skill_id, DEFAULT_LEVEL))
        for skill_id in dict.fromkeys([*level_of, *skill_ids])
    ]
    session.add(mentor)
    session.flush()
    return mentor


def add_slot(session: Session, mentor_id: int, starts_at: datetime, minutes: int = 30) -> Slot:
    """A free slot of the mentor's, half an hour unless told."""
    slot = Slot(
        mentor_id=mentor_id, starts_at=starts_at, ends_at=starts_at + timedelta(minutes=minutes)
    )
    session.add(slot)
    session.flush()
    return slot


def booking(
    slot: Slot,
    mentee_id: int,
    status: str = "pending",
    *,
    message: str = MESSAGE,
    requested_at: datetime = NOW,
    decided_at: datetime | None = None,
    keep_slot: bool = True,
) -> Booking:
    """An unsaved booking on a slot, carrying what its state needs (a reason when closed)."""
    row = Booking(
        slot_id=slot.id if keep_slot else None,
        mentor_id=slot.mentor_id,
        mentee_id=mentee_id,
        status=status,
        message=message,
        requested_at=requested_at,
        decided_at=decided_at,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
    )
    if status == "cancelled":
        row.cancel_reason = "Something came up."
        row.cancelled_by = mentee_id
    if status == "declined":
        row.decline_reason = "I am away that week."
    return row


def add_booking(
    session: Session,
    slot_id: int,
    mentee_id: int,
    status: str = "pending",
    *,
    message: str = MESSAGE,
    requested_at: datetime = NOW,
    decided_at: datetime | None = None,
    keep_slot: bool = True,
) -> Booking:
    """A saved booking on an existing slot, in the given state."""
    row = booking(
        session.get_one(Slot, slot_id),
        mentee_id,
        status,
        message=message,
        requested_at=requested_at,
        decided_at=decided_at,
        keep_slot=keep_slot,
    )
    session.add(row)
    session.flush()
    return row


def add_session(
    session: Session,
    mentor_id: int,
    mentee_id: int,
    starts_at: datetime,
    status: str = "approved",
    *,
    requested_at: datetime | None = None,
    decided_at: datetime | None = None,
) -> Booking:
    """A half-hour booking on a slot of its own, requested two days ahead unless told."""
    slot = add_slot(session, mentor_id, starts_at)
    return add_booking(
        session,
        slot.id,
        mentee_id,
        status,
        requested_at=starts_at - 48 * HOUR if requested_at is None else requested_at,
        decided_at=decided_at,
    )


def add_attendance(
    session: Session,
    booking_id: int,
    user_id: int,
    took_place: bool,
    what: str | None = None,
    at: datetime = NOW,
) -> None:
    """One participant's answer to "did it take place?"."""
    session.add(
        Attendance(
            booking_id=booking_id,
            user_id=user_id,
            took_place=took_place,
            what_happened=what,
            answered_at=at,
        )
    )


def add_review(
    session: Session,
    booking_id: int,
    reviewer_id: int,
    stars: tuple[int, int],
    created_at: datetime = NOW,
    comments: tuple[str | None, str | None, str | None] = (None, None, None),
) -> None:
    """A review as saved: (connection, program) stars and (connection, program, feedback) words."""
    session.add(
        Review(
            booking_id=booking_id,
            reviewer_id=reviewer_id,
            connection_stars=stars[0],
            program_stars=stars[1],
            connection_comment=comments[0],
            program_comment=comments[1],
            feedback=comments[2],
            created_at=created_at,
        )
    )


def default_programme_id(session: Session) -> int:
    """The always-open programme the migration creates (the test schema is migrated)."""
    programme = session.scalar(select(Programme.id).where(Programme.is_default))
    if programme is None:
        programme = Programme(name="Mentoring programme", is_default=True, created_at=NOW)
        session.add(programme)
        session.flush()
        return programme.id
    return programme


def add_mentorship(
    session: Session,
    mentor: MentorProfile,
    mentees: Sequence[User],
    status: MemberStatus = MemberStatus.ACTIVE,
    *,
    goals: Sequence[str] = ("Give my first conference talk",),
    cadence: Cadence = Cadence.FORTNIGHTLY,
    months: int = 3,
    starts_on: date | None = None,
    group_name: str | None = None,
    seats: int | None = None,
    at: datetime = NOW,
) -> Mentorship:
    """A mentorship with its members all in one state (active by default, started today for
    three months), each mentee with the same goals; a group when `group_name` is given."""
    group = group_name is not None
    agreed = status in (MemberStatus.ACTIVE, MemberStatus.ENDED)
    begun = status not in (MemberStatus.REQUESTED, MemberStatus.DECLINED, MemberStatus.EXPIRED)
    start = (starts_on or at.date()) if begun or group else None
    frame = Mentorship(
        programme_id=default_programme_id(session),
        mentor_id=mentor.id,
        kind=MentorshipKind.GROUP if group else MentorshipKind.PAIR,
        status=MentorshipStatus.ENDED if status == MemberStatus.ENDED else MentorshipStatus.OPEN,
        name=group_name,
        seats=seats or (max(len(mentees), 2) if group else 1),
        cadence=cadence,
        months=months,
        starts_on=start,
        ends_on=start + timedelta(days=30 * months) if start else None,
        created_at=at,
        updated_at=at,
    )
    session.add(frame)
    session.flush()
    for mentee in mentees:
        member = MentorshipMember(
            mentorship_id=frame.id,
            mentee_id=mentee.id,
            mentor_id=mentor.id,
            status=status,
            hopes="Confidence on stage.",
            requested_at=at,
            answered_at=at if begun else None,
            answer_comment="Happy to help." if begun else None,
            mentee_agreed_at=at if agreed else None,
            mentor_agreed_at=at if agreed or group else None,
            active_at=at if agreed else None,
            ended_at=at if status == MemberStatus.ENDED else None,
        )
        member.goals = [
            Goal(position=n, text=text, created_at=at, updated_at=at)
            for n, text in enumerate(goals, start=1)
        ]
        session.add(member)
    session.flush()
    session.refresh(frame)
    return frame


# --- a small world for the booking rules, and the service calls its tests repeat --------------


@dataclass(frozen=True)
class World:
    """Ada mentors (three free slots tomorrow); Ben and Chitra are mentees; Dan also mentors."""

    ada: int  # Ada's mentor profile
    ada_user: int
    ben: int
    chitra: int
    dan: int  # Dan's mentor profile
    slots: tuple[int, int, int]  # Ada's, tomorrow 09:00, 10:00, 11:00 UTC
    dan_slot: int


def build_world(sessions: SessionFactory) -> World:
    with sessions.begin() as session:
        ada_profile = add_mentor(session, ADA, tz=NEW_YORK, name=f"Name of {ADA}", capacity=40)
        ada, ada_user = ada_profile.id, ada_profile.user_id
        dan = add_mentor(session, DAN, tz=KOLKATA, name=f"Name of {DAN}", capacity=40).id
        ben = add_user(session, BEN, tz=PARIS, name=f"Name of {BEN}").id
        chitra = add_user(session, CHITRA, tz=KOLKATA, name=f"Name of {CHITRA}").id
        mentee = session.get_one(User, ben)
        mentee.goals = "Speak at a conference next year."
        mentee.interests = [
            Skill(key="speaking", name="speaking"),
            Skill(key="python", name="Python"),
        ]
        tomorrow = NOW + 24 * HOUR
        first, second, third = (add_slot(session, ada, tomorrow + n * HOUR).id for n in range(3))
        dan_slot = add_slot(session, dan, tomorrow).id
    return World(ada, ada_user, ben, chitra, dan, (first, second, third), dan_slot)


def request(
    session: Session,
    mentee_id: int,
    slot_id: int,
    *,
    message: str = MESSAGE,
    topic: str | None = None,
    now: datetime = NOW,
    max_open: int = 3,
    ttl: timedelta = timedelta(hours=72),
) -> BookingView:
    return bookings.request_session(
        session,
        mentee_id=mentee_id,
        slot_id=slot_id,
        message=message,
        topic=topic,
        now=now,
        max_open=max_open,
        ttl=ttl,
    ).booking


def requested(sessions: SessionFactory, mentee_id: int, slot_id: int, **kw: Any) -> BookingView:
    with sessions.begin() as session:
        return request(session, mentee_id, slot_id, **kw)


def approved(sessions: SessionFactory, mentee_id: int, slot_id: int) -> BookingView:
    booking = requested(sessions, mentee_id, slot_id)
    with sessions.begin() as session:
        return bookings.approve(
            session, booking_id=booking.id, actor_slack_id=ADA, now=NOW, offsets=()
        ).booking


def current(sessions: SessionFactory, booking_id: int) -> BookingView:
    with sessions.begin() as session:
        view = bookings.get_booking(session, booking_id=booking_id)
    assert view is not None
    return view


def live_bookings(sessions: SessionFactory) -> int:
    with sessions.begin() as session:
        query = select(func.count()).where(Booking.status.in_(("pending", "approved")))
        return session.scalar(query) or 0


# --- reading rows back ------------------------------------------------------------------------


def slots_of(session: Session, mentor_id: int) -> list[tuple[datetime, datetime]]:
    """The mentor's slots, earliest first, as (start, end) in UTC."""
    rows = session.execute(
        select(Slot.starts_at, Slot.ends_at)
        .where(Slot.mentor_id == mentor_id)
        .order_by(Slot.starts_at)
    )
    return [(row.starts_at, row.ends_at) for row in rows]


def local(instant: datetime, tz: str = NEW_YORK) -> str:
    """An instant as a wall clock reads it, New York unless told."""
    return instant.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M")


def answer_proposal(
    session: Session,
    *,
    booking_id: int,
    actor_slack_id: str,
    accept: bool,
    now: datetime,
    offsets: Sequence[timedelta] = (),
) -> negotiation.NegotiationOutcome:
    """The answering side takes or turns down the open proposal, as its buttons do."""
    if accept:
        return negotiation.accept(
            session,
            booking_id=booking_id,
            actor_slack_id=actor_slack_id,
            proposal_id=None,
            now=now,
            offsets=offsets,
        )
    return negotiation.decline(
        session, booking_id=booking_id, actor_slack_id=actor_slack_id, proposal_id=None, now=now
    )
