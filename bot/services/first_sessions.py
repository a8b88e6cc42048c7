"""Which sessions are a pair's first: their reminders carry the opening checklist and the tips
for getting ready (docs/architecture.md, "Due work")."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import Session, aliased

from store.models import Booking
from store.statuses import BookingStatus

_EARLIER = aliased(Booking, name="earlier")  # built once: an alias per call costs more to compile


def first_sessions(session: Session, *, booking_ids: Collection[int]) -> frozenset[int]:
    """The given bookings with no earlier approved session of the same mentor and mentee, in one
    query (`ix_bookings_mentor_status_starts` answers the NOT EXISTS). Decided at send time, so
    a cancelled earlier session leaves the next one the first."""
    if not booking_ids:
        return frozenset()
    earlier = _EARLIER
    before = exists().where(
        and_(
            earlier.mentor_id == Booking.mentor_id,
            earlier.status == BookingStatus.APPROVED,
            earlier.starts_at < Booking.starts_at,
            earlier.mentee_id == Booking.mentee_id,
        )
    )
    rows = session.scalars(select(Booking.id).where(Booking.id.in_(booking_ids), ~before))
    return frozenset(rows)
