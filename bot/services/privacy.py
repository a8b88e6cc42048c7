"""Forgetting a person on request, while the program keeps its aggregate counts.

What goes: every text the person wrote or that describes them (name, goals, bio, meeting link,
skills, interests, availability, booking messages and topics, reasons, review comments and
action items, and their mentorships' goals, diary, pulse and evaluation texts and change
requests: `mentorship_forgetting`; the text of concerns they raised, and the concern's link to
them) and the link between their Slack account and our rows: the
user row's Slack id is replaced by a pseudonym, so nothing we keep points back to them, and if
they use the bot again they start afresh. The audit log and the mentor profiles they decided on
or paused as a coordinator keep the same pseudonym in place of their Slack id, in its columns
and in the text of older entries. What stays: the rows themselves, stripped, so counts of
requests, sessions, no-shows and stars stay true; and one audit entry saying that the pseudonym
asked for deletion, which is the proof the request was honoured.

Their future sessions and requests are cancelled first, and their live mentorships ended, and
both are returned, so the caller can tell the other participants before the names are gone.

Concurrency: the person's user row is locked before anything of theirs is read, and every write
that could add to what must be forgotten (a booking request, as mentee or mentor) locks the same
row first (`people.lock_live_people`), so the two run one after the other: the write lands first
and is stripped and cancelled here, or it waits and is refused. A last pass re-reads their
bookings in case a writer that does not take the lock committed meanwhile.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.services import lifecycle, mentorship_forgetting
from bot.services.audit import record
from bot.services.availability import LIVE_STATUSES
from bot.services.bookings import BookingView, get_bookings
from bot.services.errors import DomainError
from bot.services.mentorship_forgetting import EndedMentorship
from bot.services.nudges import NUDGE
from bot.services.people import FORGOTTEN_NAME, forgotten_slack_id, lock_to_forget
from store.models import (
    AuditEntry,
    AvailabilityWindow,
    Booking,
    Concern,
    DueWork,
    MentorProfile,
    MentorSkill,
    Review,
    SearchMiss,
    Slot,
    User,
    UserInterest,
)
from store.statuses import BookingStatus, DueStatus, MentorStatus

REMOVED_MESSAGE = "[removed at the participant's request]"
LEFT_THE_PROGRAM = "They left the mentorship program."


class NothingToForget(DomainError):
    def __init__(self) -> None:
        super().__init__("Mentor Bot holds no personal data about you: there is nothing to delete.")


@dataclass(frozen=True)
class Footprint:
    """What deleting would touch, so the confirmation can say it plainly."""

    is_mentor: bool
    upcoming: int
    bookings: int
    reviews: int
    mentorships: int = 0
    live_mentorships: int = 0


@dataclass(frozen=True)
class Forgotten:
    called_off: tuple[BookingView, ...]
    bookings: int
    reviews: int
    ended_mentorships: tuple[EndedMentorship, ...] = ()


def footprint(session: Session, *, slack_id: str, now: datetime) -> Footprint:
    user = session.scalar(select(User).where(User.slack_id == slack_id))
    if user is None or user.deleted_at is not None:
        if not _on_record(session, slack_id):
            raise NothingToForget()
        return Footprint(is_mentor=False, upcoming=0, bookings=0, reviews=0)
    mentor_id = session.scalar(select(MentorProfile.id).where(MentorProfile.user_id == user.id))
    theirs = _their_bookings(user.id, mentor_id)
    upcoming = (theirs, Booking.status.in_(LIVE_STATUSES), Booking.starts_at > now)
    mentorships = mentorship_forgetting.footprint(session, user_id=user.id, mentor_id=mentor_id)
    return Footprint(
        is_mentor=mentor_id is not None,
        upcoming=_count(session, Booking.id, *upcoming),
        bookings=_count(session, Booking.id, theirs),
        reviews=_count(session, Review.id, Review.reviewer_id == user.id),
        mentorships=mentorships.mentorships,
        live_mentorships=mentorships.live,
    )


def forget_person(session: Session, *, slack_id: str, now: datetime) -> Forgotten:
    """Cancel the person's future sessions, then strip everything personal about them."""
    user = lock_to_forget(session, slack_id) or _only_on_record(session, slack_id, now)
    pseudonym = forgotten_slack_id(user.id)
    mentor = session.scalar(select(MentorProfile).where(MentorProfile.user_id == user.id))
    theirs = _their_bookings(user.id, mentor.id if mentor else None)

    _strip_bookings(session, theirs)
    called_off = _call_off_future(session, theirs, user.id, now)
    mentor_id = mentor.id if mentor else None
    ended = mentorship_forgetting.end_live(session, user_id=user.id, mentor=mentor, now=now)
    mentorship_forgetting.strip(session, user_id=user.id, mentor_id=mentor_id)
    reviews = session.execute(
        update(Review)
        .where(Review.reviewer_id == user.id)
        .values(connection_comment=None, program_comment=None, feedback=None, action_items=None)
    )
    if mentor is not None:
        _retire_mentor(session, mentor, now)
    _drop_due_work(session, user.id)
    session.execute(update(SearchMiss).where(SearchMiss.user_id == user.id).values(user_id=None))
    # Concerns they raised keep their kind and dates for the counts; the text and the link go.
    session.execute(
        update(Concern).where(Concern.reporter_id == user.id).values(text=None, reporter_id=None)
    )
    session.execute(delete(UserInterest).where(UserInterest.user_id == user.id))
    _pseudonymise(session, slack_id, pseudonym)
    user.slack_id = pseudonym
    user.real_name = FORGOTTEN_NAME
    user.tz = "UTC"
    user.goals = None
    user.deleted_at = user.updated_at = now
    # The re-check: nothing of theirs written since the first statements read may survive.
    _strip_bookings(session, theirs, Booking.message != REMOVED_MESSAGE)
    called_off += _call_off_future(session, theirs, user.id, now)
    mentorship_forgetting.strip(session, user_id=user.id, mentor_id=mentor_id)
    record(session, actor=pseudonym, action="privacy delete", detail="", now=now, subject=pseudonym)
    session.flush()
    booking_count = _count(session, Booking.id, theirs)
    reviewed = int(reviews.rowcount or 0)  # type: ignore[attr-defined]
    return Forgotten(called_off, booking_count, reviewed, ended)


def _on_record(session: Session, slack_id: str) -> bool:
    """Whether the audit log or a coordinator's decision names them, user row or not."""
    named = (
        select(AuditEntry.id).where(
            or_(
                AuditEntry.actor_slack_id == slack_id,
                AuditEntry.subject_slack_id == slack_id,
                AuditEntry.detail.contains(slack_id, autoescape=True),
            )
        ),
        select(MentorProfile.id).where(
            or_(MentorProfile.decided_by == slack_id, MentorProfile.paused_by == slack_id)
        ),
    )
    return any(session.scalar(select(query.exists())) for query in named)


def _only_on_record(session: Session, slack_id: str, now: datetime) -> User:
    """A coordinator who never used the bot themselves has no user row, only records of what
    they did; a row made for them gives those records the same kind of pseudonym."""
    if not _on_record(session, slack_id):
        raise NothingToForget()
    try:
        with session.begin_nested():
            session.add(User(slack_id=slack_id, created_at=now, updated_at=now))
    except IntegrityError:
        pass  # they used the bot meanwhile: their own row is locked below
    user = lock_to_forget(session, slack_id)
    if user is None:
        raise NothingToForget()
    return user


def _strip_bookings(session: Session, *where: ColumnElement[bool]) -> None:
    session.execute(
        update(Booking)
        .where(*where)
        .values(message=REMOVED_MESSAGE, topic=None, decline_reason=None, cancel_reason=None)
    )


def _pseudonymise(session: Session, slack_id: str, pseudonym: str) -> None:
    """Put the pseudonym wherever a column or an audit entry's text holds their Slack id."""
    for column in (
        AuditEntry.actor_slack_id,
        AuditEntry.subject_slack_id,
        MentorProfile.decided_by,
        MentorProfile.paused_by,
    ):
        session.execute(
            update(column.class_).where(column == slack_id).values({column.key: pseudonym})
        )
    # Older entries name their subject in the text; only the whole id is replaced, never a
    # longer id that happens to contain it.
    whole_id = re.compile(rf"(?<![0-9A-Za-z]){re.escape(slack_id)}(?![0-9A-Za-z])")
    mentioned = session.execute(
        select(AuditEntry.id, AuditEntry.detail).where(
            AuditEntry.detail.contains(slack_id, autoescape=True)
        )
    )
    rewritten = [
        {"id": entry_id, "detail": whole_id.sub(pseudonym, detail)}
        for entry_id, detail in mentioned
        if whole_id.search(detail)
    ]
    if rewritten:
        session.execute(update(AuditEntry), rewritten)


def _count(session: Session, column: Any, *where: ColumnElement[bool]) -> int:
    return int(session.scalar(select(func.count(column)).where(*where)) or 0)


def _their_bookings(user_id: int, mentor_id: int | None) -> ColumnElement[bool]:
    """Bookings the person took part in, as mentee or as mentor."""
    if mentor_id is None:
        return Booking.mentee_id == user_id
    return or_(Booking.mentee_id == user_id, Booking.mentor_id == mentor_id)


def _call_off_future(
    session: Session, theirs: ColumnElement[bool], user_id: int, now: datetime
) -> tuple[BookingView, ...]:
    ids = session.scalars(
        select(Booking.id)
        .where(theirs, Booking.status.in_(LIVE_STATUSES), Booking.starts_at > now)
        .order_by(Booking.starts_at)
        .with_for_update()
    ).all()
    if not ids:
        return ()
    session.execute(
        update(Booking)
        .where(Booking.id.in_(ids))
        .values(
            status=BookingStatus.CANCELLED, cancelled_by=user_id, cancel_reason=LEFT_THE_PROGRAM
        )
    )
    for booking_id in ids:
        lifecycle.cancel_plan(session, booking_id)
    views = get_bookings(session, booking_ids=ids)
    return tuple(views[booking_id] for booking_id in ids if booking_id in views)


def _retire_mentor(session: Session, mentor: MentorProfile, now: datetime) -> None:
    """The profile leaves the program and loses its text, skills, windows and free slots."""
    held = select(Booking.slot_id).where(
        Booking.slot_id.is_not(None), Booking.status.in_(LIVE_STATUSES)
    )
    session.execute(delete(Slot).where(Slot.mentor_id == mentor.id, Slot.id.not_in(held)))
    session.execute(delete(AvailabilityWindow).where(AvailabilityWindow.mentor_id == mentor.id))
    session.execute(delete(MentorSkill).where(MentorSkill.mentor_id == mentor.id))
    session.execute(
        update(Booking)
        .where(Booking.mentor_id == mentor.id)
        .values(mentor_message_channel=None, mentor_message_ts=None)
    )
    session.expire(mentor, ["skills"])
    mentor.status = MentorStatus.LEFT
    mentor.bio = ""
    mentor.meeting_link = ""
    mentor.rejection_reason = None
    # A pause's reason describes them; the pause itself ends with the profile.
    mentor.pause_reason = mentor.paused_by = mentor.paused_by_role = mentor.paused_at = None
    mentor.updated_at = now
    mentor.version += 1


def _drop_due_work(session: Session, user_id: int) -> None:
    """Nothing more is sent to them, and no queued message names them."""
    session.execute(
        update(DueWork)
        .where(DueWork.recipient_id == user_id, DueWork.status == DueStatus.PENDING)
        .values(status=DueStatus.CANCELLED)
    )
    session.execute(update(DueWork).where(DueWork.recipient_id == user_id).values(payload={}))
    # Nudges they asked for name them in their payload; their key holds the asker's user id.
    asked = (DueWork.kind == NUDGE, DueWork.key.like(f"{NUDGE}:%:{user_id}:%"))
    session.execute(
        update(DueWork)
        .where(*asked, DueWork.status == DueStatus.PENDING)
        .values(status=DueStatus.CANCELLED)
    )
    session.execute(update(DueWork).where(*asked).values(payload={}))
