"""A booking's due work kept in step with its state after each change.

docs/architecture.md, "Due work".

An approved session gets its reminders and check-ins (a session of a mentorship also its diary
prompt and the next cadence nudge, `mentorship_plans`); a closed booking (declined, cancelled,
expired) loses whatever was planned; a pending request keeps its reminder and expiry. Called
by each change in `bookings`, in its transaction, so the plan and the state never disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from bot.services import lifecycle, mentorship_plans
from bot.services.booking_view import BookingView
from store.models import DueWork
from store.statuses import BookingStatus, DueStatus

# Work timed by the session itself, which moves with it when it is rescheduled.
SESSION_KINDS = (lifecycle.REMINDER, lifecycle.CHECKIN, mentorship_plans.DIARY_PROMPT)


def replan(
    session: Session, booking: BookingView, *, offsets: Sequence[timedelta], now: datetime
) -> BookingView:
    """Plan or drop the booking's due work to match its status; the booking, unchanged."""
    if booking.confirmed:
        lifecycle.plan_session(session, booking, offsets=offsets, now=now)
        if booking.mentorship_id is not None:
            mentorship_plans.plan_after_session(
                session,
                mentorship_id=booking.mentorship_id,
                booking_id=booking.id,
                mentee_id=booking.mentee_id,
                ends_at=booking.ends_at,
                now=now,
            )
    elif booking.status != BookingStatus.PENDING:
        lifecycle.cancel_plan(session, booking.id)
    return booking


def move(
    session: Session, booking: BookingView, *, offsets: Sequence[timedelta], now: datetime
) -> BookingView:
    """A rescheduled session's work planned again at its new time: what was not done yet
    (reminders, check-ins, the diary prompt) is deleted, so its keys plan anew, and what was
    sent stays as history (a new `sequence` keys the new reminders apart from it)."""
    session.execute(
        delete(DueWork).where(
            DueWork.booking_id == booking.id,
            DueWork.status == DueStatus.PENDING,
            DueWork.kind.in_(SESSION_KINDS),
        )
    )
    return replan(session, booking, offsets=offsets, now=now)
