"""A mentor's weekly capacity: which bookings count toward a week, and when a week is full.

docs/architecture.md, "Time". One definition serves both search, which hides full weeks, and the
booking writes, which refuse to overfill one: a live booking (pending or approved) counts
toward the week it starts in, the ISO week (Monday to Sunday) in the mentor's own time zone,
so a week follows the mentor's clock across daylight-saving changes. A week is full when its
live bookings reach the mentor's `weekly_capacity`.

A group session (a slot with several seats) is one session of the mentor's week however many
seats are taken: the week counts booked slots, not bookings (docs/architecture.md, "Seats").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import ColumnElement, bindparam, func, select
from sqlalchemy.orm import Session

from bot.services.availability import LIVE_STATUSES
from store.models import Booking

WeekKey = tuple[int, int]  # (ISO year, ISO week)
# Two instants in one local week are less than seven days and a daylight-saving hour apart.
_WEEK_REACH = timedelta(days=8)


def live() -> ColumnElement[bool]:
    """A pending or approved booking, in literal SQL so the partial indexes on live bookings
    (`uq_bookings_live_seat`) match it."""
    return Booking.status.in_(
        bindparam("live_statuses", list(LIVE_STATUSES), expanding=True, literal_execute=True)
    )


def week_of(instant: datetime, tz: str) -> WeekKey:
    """The mentor's local ISO week holding `instant`."""
    year, week, _ = instant.astimezone(zone(tz)).isocalendar()
    return year, week


@lru_cache(maxsize=512)
def zone(tz: str) -> ZoneInfo:
    """The zone named `tz`; UTC for a name the system does not know."""
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def live_bookings(
    session: Session,
    mentor_ids: Iterable[int],
    start: datetime,
    end: datetime,
    ignoring_booking_id: int | None = None,
    ignoring_slot_id: int | None = None,
) -> list[tuple[int, datetime, int]]:
    """(mentor id, start, slots) of these mentors' booked slots starting in [start, end): a
    group slot counts once, however many of its seats are live."""
    query = (
        select(Booking.mentor_id, Booking.starts_at, func.count(func.distinct(Booking.slot_id)))
        .where(
            Booking.mentor_id.in_(set(mentor_ids)),
            live(),
            Booking.starts_at >= start,
            Booking.starts_at < end,
        )
        .group_by(Booking.mentor_id, Booking.starts_at)
    )
    if ignoring_booking_id is not None:
        query = query.where(Booking.id != ignoring_booking_id)
    if ignoring_slot_id is not None:
        query = query.where(Booking.slot_id != ignoring_slot_id)
    return [(row[0], row[1], row[2]) for row in session.execute(query)]


def full_weeks(
    bookings: list[tuple[int, datetime, int]], mentors: dict[int, tuple[str, int]]
) -> dict[int, set[WeekKey]]:
    """Per mentor (zone, capacity), the local weeks whose live bookings reach the capacity."""
    counts: dict[tuple[int, WeekKey], int] = defaultdict(int)
    for mentor_id, starts_at, count in bookings:
        counts[mentor_id, week_of(starts_at, mentors[mentor_id][0])] += count
    full: dict[int, set[WeekKey]] = defaultdict(set)
    for (mentor_id, week), count in counts.items():
        if count >= mentors[mentor_id][1]:
            full[mentor_id].add(week)
    return dict(full)


def week_load(
    session: Session,
    *,
    mentor_id: int,
    tz: str,
    starts_at: datetime,
    ignoring_booking_id: int | None = None,
    ignoring_slot_id: int | None = None,
) -> int:
    """How many booked slots count toward the mentor's week holding `starts_at`.

    Pass `ignoring_booking_id` for a booking that is moving into that week: it is counted
    where it lands, not where it was. Pass `ignoring_slot_id` for the slot a seat is being
    taken or approved on: a group slot already counted adds nothing to the week.
    """
    rows = live_bookings(
        session,
        {mentor_id},
        starts_at - _WEEK_REACH,
        starts_at + _WEEK_REACH,
        ignoring_booking_id,
        ignoring_slot_id,
    )
    week = week_of(starts_at, tz)
    return sum(count for _, start, count in rows if week_of(start, tz) == week)
