"""Seats of group sessions: which booking speaks for its slot when the mentor is told.

docs/architecture.md, "Seats". Each seat is a booking with its own due work for its mentee;
the mentor of a group session must hear once per session, not once per seat. Rather than plan
the mentor's reminders and check-in by slot (and move them when that seat is cancelled), every
seat keeps its plan and the sender asks, at send time, whether the seat is its slot's first
approved one: a cancelled first seat hands the role to the next without any replanning.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store.models import Booking, Slot
from store.statuses import BookingStatus


def first_seats(session: Session, *, booking_ids: Collection[int]) -> set[int]:
    """Among these bookings, those that are the first approved seat of their group slot (one
    query; none without group seats)."""
    if not booking_ids:
        return set()
    slots = (
        select(Booking.slot_id)
        .join(Slot, Slot.id == Booking.slot_id)
        .where(Booking.id.in_(booking_ids), Slot.seats > 1)
    )
    firsts = (
        select(func.min(Booking.id))
        .where(Booking.slot_id.in_(slots), Booking.status == BookingStatus.APPROVED)
        .group_by(Booking.slot_id)
    )
    return set(session.scalars(firsts)) & set(booking_ids)
