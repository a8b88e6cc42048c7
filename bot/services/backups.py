"""Backup mentors (issue 15): a mentee names up to two when asking; the request moves on to them.

When the first choice declines a request or lets it expire, the request moves to the first
backup left, with the same message: a new request (`moved_from_id` names the old one) to that
mentor, the remaining backups moving along with it (`request_backups`, renumbered from 1). A
session request needs a time: the backup's free slot nearest the original time, within
`NEAR` of it; a backup with none (or who is no longer taking requests) is skipped. The caller
runs this in the transaction that closed the old request, so a move happens once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.services import bookings, mentorships
from bot.services.booking_view import BookingView
from bot.services.errors import DomainError, FieldErrors
from bot.services.free_slots import free_slots
from bot.services.mentorships import MemberOutcome
from store.models import (
    MAX_BACKUPS,
    Booking,
    MentorProfile,
    MentorshipMember,
    RequestBackup,
    User,
)
from store.statuses import MentorStatus

FIELD = "backups"
NEAR = timedelta(days=7)


class InvalidBackups(FieldErrors):
    pass


@dataclass(frozen=True)
class BookingMove:
    """Where a closed session request went: `to` the backup's new request, or nowhere
    (`to` None) though the mentee had named backups; `skipped` names those who could not."""

    to: BookingView | None
    skipped: tuple[str, ...] = ()


@dataclass(frozen=True)
class MemberMove:
    to: MemberOutcome | None
    skipped: tuple[str, ...] = ()


def check(
    session: Session, *, slack_ids: Sequence[str], first_mentor_id: int, mentee_id: int
) -> list[int]:
    """The backups' mentor ids in the order chosen; refuses, on the field, more than two,
    people who are not active mentors, the first choice and the mentee themself."""
    chosen = list(dict.fromkeys(s for s in slack_ids if s))
    if not chosen:
        return []
    if len(chosen) > MAX_BACKUPS:
        raise InvalidBackups({FIELD: f"Choose at most {MAX_BACKUPS} backup mentors."})
    rows = session.execute(
        select(User.slack_id, User.id, MentorProfile.id, MentorProfile.status)
        .join(MentorProfile, MentorProfile.user_id == User.id, isouter=True)
        .where(User.slack_id.in_(chosen), User.deleted_at.is_(None))
    ).all()
    found = {
        slack_id: (user_id, mentor_id, status) for slack_id, user_id, mentor_id, status in rows
    }
    ids = []
    for slack_id in chosen:
        user_id, mentor_id, status = found.get(slack_id, (None, None, None))
        if user_id == mentee_id:
            raise InvalidBackups({FIELD: "You can't be your own backup mentor."})
        if mentor_id == first_mentor_id:
            raise InvalidBackups(
                {FIELD: "Your first choice is already asked: pick other backup mentors."}
            )
        if mentor_id is None or status != MentorStatus.ACTIVE:
            raise InvalidBackups(
                {FIELD: f"<@{slack_id}> isn't an active mentor, so they can't be a backup."}
            )
        ids.append(mentor_id)
    return ids


def keep(
    session: Session,
    mentor_ids: Sequence[int],
    *,
    booking_id: int | None = None,
    member_id: int | None = None,
) -> None:
    """Record the backups of a new request, in order."""
    session.add_all(
        RequestBackup(booking_id=booking_id, member_id=member_id, position=n, mentor_id=m)
        for n, m in enumerate(mentor_ids, 1)
    )
    session.flush()


def _backups(
    session: Session, *, booking_id: int | None = None, member_id: int | None = None
) -> list[tuple[int, str]]:
    """(mentor id, name) of a request's backups, in order."""
    query = (
        select(RequestBackup.mentor_id, User.real_name)
        .join(MentorProfile, MentorProfile.id == RequestBackup.mentor_id)
        .join(User, User.id == MentorProfile.user_id)
        .order_by(RequestBackup.position)
    )
    if booking_id is not None:
        query = query.where(RequestBackup.booking_id == booking_id)
    else:
        query = query.where(RequestBackup.member_id == member_id)
    return [(mentor_id, str(name)) for mentor_id, name in session.execute(query)]


def move_booking(
    session: Session, *, old: BookingView, now: datetime, ttl: timedelta
) -> BookingMove | None:
    """Move a declined or expired session request to its first backup that has a free time near
    the original one; None when the mentee named no backups."""
    left = _backups(session, booking_id=old.id)
    if not left:
        return None
    skipped: list[str] = []
    for n, (mentor_id, name) in enumerate(left):
        slot = _nearest_slot(session, mentor_id, old.starts_at, now)
        if slot is None:
            skipped.append(name)
            continue
        try:
            with session.begin_nested():
                outcome = bookings.book_slot(
                    session,
                    mentee_id=old.mentee_id,
                    slot_id=slot,
                    message=old.message,
                    topic=old.topic,
                    now=now,
                    max_open=None,
                    ttl=ttl,
                )
        except DomainError:
            skipped.append(name)
            continue
        session.execute(
            update(Booking).where(Booking.id == outcome.booking.id).values(moved_from_id=old.id)
        )
        keep(session, [m for m, _ in left[n + 1 :]], booking_id=outcome.booking.id)
        return BookingMove(to=bookings.get_booking(session, booking_id=outcome.booking.id))
    return BookingMove(to=None, skipped=tuple(skipped))


def moved_from(session: Session, booking_id: int) -> BookingMove | None:
    """What a move made of a closed request, read again (a retried expiry tells it again)."""
    moved = session.scalar(select(Booking.id).where(Booking.moved_from_id == booking_id))
    if moved is not None:
        return BookingMove(to=bookings.get_booking(session, booking_id=moved))
    left = _backups(session, booking_id=booking_id)
    return BookingMove(to=None, skipped=tuple(n for _, n in left)) if left else None


def _nearest_slot(session: Session, mentor_id: int, wanted: datetime, now: datetime) -> int | None:
    """The backup's free one-person slot nearest the original time, within NEAR of it."""
    horizon = max(1, (wanted + NEAR - now).days + 1)
    near = [
        slot
        for slot in free_slots(session, mentor_id=mentor_id, now=now, horizon_days=horizon)
        if not slot.in_group and abs(slot.starts_at - wanted) <= NEAR
    ]
    if not near:
        return None
    return min(near, key=lambda s: (abs(s.starts_at - wanted), s.starts_at)).id


def move_member(session: Session, *, member_id: int, now: datetime) -> MemberMove | None:
    """Move a declined or expired mentorship request to its first backup who takes it, with the
    same goals, hopes, cadence and length; None when the mentee named no backups."""
    left = _backups(session, member_id=member_id)
    if not left:
        return None
    old = session.get(MentorshipMember, member_id)
    assert old is not None
    goals = [goal.text for goal in sorted(old.goals, key=lambda g: g.position)]
    skipped: list[str] = []
    for n, (mentor_id, name) in enumerate(left):
        try:
            with session.begin_nested():
                outcome = mentorships.request_mentorship(
                    session,
                    mentee_id=old.mentee_id,
                    mentor_id=mentor_id,
                    goals=goals,
                    hopes=old.hopes or "",
                    cadence=old.mentorship.cadence,
                    months=old.mentorship.months,
                    now=now,
                )
        except DomainError:
            skipped.append(name)
            continue
        session.execute(
            update(MentorshipMember)
            .where(MentorshipMember.id == outcome.member.id)
            .values(moved_from_id=member_id)
        )
        keep(session, [m for m, _ in left[n + 1 :]], member_id=outcome.member.id)
        return MemberMove(to=outcome)
    return MemberMove(to=None, skipped=tuple(skipped))
