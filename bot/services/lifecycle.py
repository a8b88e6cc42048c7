"""The due work around each booking: scheduled when it changes, cancelled when it closes.

A request gets a reminder to its mentor halfway through REQUEST_TTL and an expiry at the TTL
(or an hour before its slot, if sooner). An approved session gets reminders to both people at
each REMINDER_OFFSETS before it (offsets already past are skipped, never sent late) and a
check-in to each when it ends. Every item is keyed by kind, booking and recipient, so planning
twice schedules nothing twice (docs/architecture.md, "Due work").
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.services import due, proposals
from bot.services.booking_view import BOOKING_LEAD, BookingView
from store.models import Booking, DueWork, User
from store.statuses import BookingStatus, DueStatus, PlannedBy, ProposalStatus

REMINDER = "reminder"
REQUEST_NUDGE = "request_nudge"
REQUEST_EXPIRY = "request_expiry"
CHECKIN = "checkin"
REVIEW_REMINDER = "review_reminder"
REVIEW_REMINDER_AFTER = timedelta(hours=48)
REQUEST_KINDS = (REQUEST_NUDGE, REQUEST_EXPIRY)


def offset_label(offset: timedelta) -> str:
    """24h, 10m, 2d: how an offset is named in keys and messages."""
    minutes = int(offset.total_seconds() // 60)
    if minutes % (24 * 60) == 0:
        return f"{minutes // (24 * 60)}d"
    if minutes % 60 == 0:
        return f"{minutes // 60}h"
    return f"{minutes}m"


def _user_ids(session: Session, *slack_ids: str) -> dict[str, int]:
    rows = session.execute(select(User.slack_id, User.id).where(User.slack_id.in_(slack_ids)))
    return {slack_id: user_id for slack_id, user_id in rows}


def plan_request(session: Session, booking: BookingView, *, ttl: timedelta, now: datetime) -> None:
    """Remind the mentor halfway to the expiry; expire at the TTL or an hour before the slot.
    A session the mentor planned waits for the mentee, who has its card: it only expires."""
    expires = max(min(now + ttl, booking.starts_at - BOOKING_LEAD), now)
    halfway = now + (expires - now) / 2
    ids = _user_ids(session, booking.mentor_slack_id)
    if halfway > now and booking.planned_by != PlannedBy.MENTOR:
        due.schedule(
            session,
            key=f"{REQUEST_NUDGE}:{booking.id}",
            kind=REQUEST_NUDGE,
            due_at=halfway,
            now=now,
            booking_id=booking.id,
            recipient_id=ids.get(booking.mentor_slack_id),
        )
    due.schedule(
        session,
        key=f"{REQUEST_EXPIRY}:{booking.id}",
        kind=REQUEST_EXPIRY,
        due_at=expires,
        now=now,
        booking_id=booking.id,
    )


def plan_session(
    session: Session, booking: BookingView, *, offsets: Sequence[timedelta], now: datetime
) -> None:
    """Reminders before the session and a check-in after it, for both participants."""
    cancel_plan(session, booking.id, kinds=REQUEST_KINDS)
    ids = _user_ids(session, booking.mentor_slack_id, booking.mentee_slack_id)
    for slack_id, user_id in ids.items():
        for offset in offsets:
            when = booking.starts_at - offset
            if when <= now:
                continue  # too late for this one: never send a 24-hour reminder an hour before
            label = offset_label(offset)
            due.schedule(
                session,
                key=f"{REMINDER}:{label}:{booking.id}:{user_id}{_moved(booking)}",
                kind=REMINDER,
                due_at=when,
                now=now,
                booking_id=booking.id,
                recipient_id=user_id,
                payload={"offset": label, "slack_id": slack_id},
            )
        due.schedule(
            session,
            key=f"{CHECKIN}:{booking.id}:{user_id}{_moved(booking)}",
            kind=CHECKIN,
            due_at=booking.ends_at,
            now=now,
            booking_id=booking.id,
            recipient_id=user_id,
        )


def _moved(booking: BookingView) -> str:
    """The key suffix of a rescheduled session's work: a reminder already sent for the old
    time must not stop the one for the new time (keys are unique)."""
    return f":seq:{booking.sequence}" if booking.sequence else ""


def plan_review_reminder(
    session: Session, *, booking_id: int, slack_id: str, now: datetime
) -> None:
    """One nudge 48 hours after a "yes, it took place", if no review has come by then."""
    ids = _user_ids(session, slack_id)
    if slack_id in ids:
        due.schedule(
            session,
            key=f"{REVIEW_REMINDER}:{booking_id}:{ids[slack_id]}",
            kind=REVIEW_REMINDER,
            due_at=now + REVIEW_REMINDER_AFTER,
            now=now,
            booking_id=booking_id,
            recipient_id=ids[slack_id],
        )


def cancel_plan(session: Session, booking_id: int, *, kinds: Sequence[str] | None = None) -> int:
    """Drop a booking's pending due work (all of it, or only some kinds); returns how much."""
    query = update(DueWork).where(
        DueWork.booking_id == booking_id, DueWork.status == DueStatus.PENDING
    )
    if kinds is not None:
        query = query.where(DueWork.kind.in_(kinds))
    result = session.execute(query.values(status=DueStatus.CANCELLED))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def expire_request(session: Session, *, booking_id: int, now: datetime) -> bool:
    """Expire a request that is still pending (its slot frees itself); False if it was not.

    Only the nudge is dropped: the expiry is the work in progress, and its pass marks it sent
    once the mentee has been told (or retries it if Slack failed).
    """
    result = session.execute(
        update(Booking)
        .where(Booking.id == booking_id, Booking.status == BookingStatus.PENDING)
        .values(status=BookingStatus.EXPIRED, decided_at=now)
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        return False
    cancel_plan(session, booking_id, kinds=(REQUEST_NUDGE,))
    proposals.close_open(session, booking_id, ProposalStatus.LAPSED, now=now)
    return True
