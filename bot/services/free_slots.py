"""Free slots: which of a mentor's published times can still be booked, read in few queries.

docs/architecture.md, "The programme's rules". A slot is bookable when it starts after the
booking lead and within the horizon, nobody holds it (no pending or approved booking) and its
week, the ISO week in the mentor's own time zone, is not already full: live bookings in a week
are capped by the mentor's weekly capacity (bot/services/capacity.py). Search reads these
queries for many mentors at once; booking reads `free_slots` for one.

A group session's slot is bookable while it has a free seat, and its week's capacity counts it
once: a group slot that already holds seats stays bookable in a week that is otherwise full.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session

from bot.services.bookings import BOOKING_LEAD
from bot.services.capacity import WeekKey, full_weeks, live, live_bookings, week_of
from store.models import Booking, MentorProfile, Slot, User

# A local ISO week reaches at most 14 hours either side of the UTC week holding it; a week of
# margin on each side of the horizon covers every week a bookable slot can fall in.
WEEK_MARGIN = timedelta(days=8)


@dataclass(frozen=True)
class SlotChoice:
    id: int
    starts_at: datetime
    ends_at: datetime
    # A group session: its title, its seats and how many are held (live bookings).
    title: str | None = None
    seats: int = 1
    taken: int = 0

    @property
    def in_group(self) -> bool:
        return self.seats > 1

    @property
    def seats_left(self) -> int:
        return self.seats - self.taken


def free_slots(
    session: Session,
    *,
    mentor_id: int,
    now: datetime,
    horizon_days: int = 14,
    limit: int = 100,
    ignoring_booking_id: int | None = None,
) -> list[SlotChoice]:
    """One mentor's bookable slots in the horizon, soonest first (at most `limit`).

    Held slots and slots in weeks the mentor's capacity already fills are left out. When a
    mentor proposes moving a request, pass it as `ignoring_booking_id`: it no longer counts
    towards its week, since moving it adds no session.
    """
    mentor = session.execute(
        select(MentorProfile.weekly_capacity, User.tz)
        .join(User, User.id == MentorProfile.user_id)
        .where(MentorProfile.id == mentor_id)
    ).first()
    if mentor is None or limit < 1:
        return []
    horizon_end = now + timedelta(days=horizon_days)
    bookings = live_bookings(
        session, {mentor_id}, now - WEEK_MARGIN, horizon_end + WEEK_MARGIN, ignoring_booking_id
    )
    full = full_weeks(bookings, {mentor_id: (mentor.tz, mentor.weekly_capacity)})
    free = free_slots_of(session, {mentor_id}, now + BOOKING_LEAD, horizon_end)
    return bookable(free.get(mentor_id, []), mentor.tz, full.get(mentor_id, set()))[:limit]


def free_slot_rows(
    mentor_ids: set[int] | None,
    start: datetime,
    end: datetime,
    *,
    after: tuple[datetime, int] | None,
) -> Select[int, int, datetime]:
    """These (or all) mentors' free slots in (start, end), soonest first, after (starts_at, id)."""
    query = select(Slot.id, Slot.mentor_id, Slot.starts_at).where(
        Slot.starts_at > start, Slot.starts_at < end, _has_room()
    )
    if mentor_ids is not None:
        query = query.where(Slot.mentor_id.in_(mentor_ids))
    if after is not None:
        query = query.where(
            or_(Slot.starts_at > after[0], and_(Slot.starts_at == after[0], Slot.id > after[1]))
        )
    return query.order_by(Slot.starts_at, Slot.id)


def free_slots_of(
    session: Session, mentor_ids: Iterable[int], start: datetime, end: datetime
) -> dict[int, list[SlotChoice]]:
    """Per mentor, every free slot in (start, end), soonest first."""
    rows = session.execute(
        select(
            Slot.id,
            Slot.mentor_id,
            Slot.starts_at,
            Slot.ends_at,
            Slot.title,
            Slot.seats,
            _seats_taken().label("taken"),
        )
        .where(
            Slot.mentor_id.in_(set(mentor_ids)),
            Slot.starts_at > start,
            Slot.starts_at < end,
            _has_room(),
        )
        .order_by(Slot.mentor_id, Slot.starts_at, Slot.id)
    )
    free: dict[int, list[SlotChoice]] = defaultdict(list)
    for row in rows:
        free[row.mentor_id].append(
            SlotChoice(
                row.id, row.starts_at, row.ends_at, row.title, row.seats, int(row.taken or 0)
            )
        )
    return dict(free)


def bookable(free: list[SlotChoice], tz: str, full: set[WeekKey]) -> list[SlotChoice]:
    """The free slots outside the mentor's full weeks (weeks local to their zone `tz`); a
    group slot already counted in its week (a seat held) adds nothing to it, so it stays."""
    if not full:
        return free
    return [slot for slot in free if slot.taken or week_of(slot.starts_at, tz) not in full]


def _has_room() -> ColumnElement[bool]:
    """The slot has a seat without a live (pending or approved) booking: a one-person slot
    nobody holds (one indexed look-up), or a group slot with fewer live bookings than seats."""
    held = select(Booking.id).where(Booking.slot_id == Slot.id, live()).exists()
    return or_(
        and_(Slot.seats == 1, ~held),
        and_(Slot.seats > 1, _seats_taken() < Slot.seats),
    )


def _seats_taken() -> ColumnElement[int]:
    """How many of the slot's seats live bookings hold."""
    return (
        select(func.count(Booking.id))
        .where(Booking.slot_id == Slot.id, live())
        .correlate(Slot)
        .scalar_subquery()
    )
