"""A mentor's availability: windows typed in their local time, cut into bookable UTC slots.

docs/architecture.md, "Time". A window keeps its local date, times and zone, so a weekly 10:00
stays 10:00 local across daylight-saving changes while its UTC slots move. Each slot lasts the
mentor's session length; a partial slot at the end of a window is dropped. On a spring-forward
day the local times that do not exist are skipped; on a fall-back day an ambiguous local time
means its first occurrence (fold=0).

Weekly windows are generated on a rolling horizon (`generated_until` is the last local date cut)
and `extend_weekly` moves that horizon on. Slots never overlap: candidates that overlap an
existing slot of the mentor are skipped, and the unique (mentor_id, starts_at) constraint, with
INSERT ... ON CONFLICT DO NOTHING, is the last guard against a concurrent writer.

A group session (office hours, a workshop) is one slot of its own length with several seats and
a title, opened one at a time (`open_group_time`); it is never recut into ordinary slots.

Removing slots: a slot with a live booking (pending or approved) is never removed. Finished
bookings (declined, cancelled, expired) keep their own times as history; removing their slot
just clears their `slot_id`.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import ColumnElement, Date, and_, delete, func, insert, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.services.errors import DomainError, FieldErrors
from store.models import (
    MAX_SESSION_SEATS,
    SESSION_LENGTHS,
    AvailabilityWindow,
    Booking,
    MentorProfile,
    Slot,
    TimeProposal,
    User,
)
from store.statuses import BookingStatus, MentorStatus, ProposalStatus, WindowKind

MAX_WEEKS = 52
LIVE_STATUSES = (BookingStatus.PENDING, BookingStatus.APPROVED)
# Mentors who may publish times: also paused ones (to be ready when they resume) and those
# waiting for a coordinator's approval.
CAN_PUBLISH = (MentorStatus.ACTIVE, MentorStatus.PAUSED, MentorStatus.PENDING)
# Mentors who are gone get no new weekly slots; paused and pending ones keep theirs coming.
NO_NEW_SLOTS = (MentorStatus.LEFT, MentorStatus.REJECTED)
# A group session lasts 15 minutes to 3 hours, whatever the mentor's session length.
GROUP_MINUTES = (15, 180)
GROUP_TITLE_MAX = 150
# Slots are cut at the mentor's session length, and a group session is at most GROUP_MINUTES
# long, so none is longer than the longest of those.
LONGEST_SLOT = timedelta(minutes=max(*SESSION_LENGTHS, GROUP_MINUTES[1]))
_INSERT_CHUNK = 500  # rows per INSERT: 4 parameters each stays far below SQLite's limit

Interval = tuple[datetime, datetime]


class AvailabilityError(DomainError):
    """A refusal with a user-facing sentence; `field` names the form input it belongs to."""

    field = "date"

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        if field is not None:
            self.field = field


class InvalidWindow(AvailabilityError):
    """The window as typed cannot be published."""


class WindowInPast(AvailabilityError):
    def __init__(
        self, message: str = "That window is in the past. Pick a later date or time."
    ) -> None:
        super().__init__(message, "date")


class NoMentorProfile(AvailabilityError):
    def __init__(self) -> None:
        super().__init__(
            "You don't have a mentor profile yet. Type `/mentor signup` to create one.", "date"
        )


class NotPublishing(AvailabilityError):
    def __init__(self) -> None:
        super().__init__(
            "You're not a mentor any more, so you can't publish times. "
            "Type `/mentor signup` to join again.",
            "date",
        )


class TimeZoneChanged(AvailabilityError):
    def __init__(self, shown: str, now_in: str) -> None:
        super().__init__(
            f"Your time zone changed to {now_in} since this form opened (it says {shown}). "
            "Close it and add the window again, so the times mean what you meant.",
            "start",
        )


class InvalidGroupTime(FieldErrors, AvailabilityError):
    """A group time as typed cannot be opened: one message per field to fix."""


class SlotNotFound(AvailabilityError):
    def __init__(self) -> None:
        super().__init__("That slot is no longer in your availability.")


class SlotBooked(AvailabilityError):
    def __init__(self) -> None:
        super().__init__(
            "That slot has a booking or a pending request, so it stays. "
            "Cancel the booking (with a reason for your mentee) if you can't make it."
        )


class SlotStarted(AvailabilityError):
    def __init__(self) -> None:
        super().__init__("That slot has already started, so it can't be removed.")


@dataclass(frozen=True)
class SlotView:
    id: int
    starts_at: datetime
    ends_at: datetime
    booked: bool
    # A group session: its title, seats and how many are held (`taken` is 0 on other slots).
    title: str | None = None
    seats: int = 1
    taken: int = 0


@dataclass(frozen=True)
class Publisher:
    """A mentor who may publish availability, with what their forms need."""

    id: int
    tz: str
    session_minutes: int


@dataclass(frozen=True)
class WindowResult:
    window_id: int
    added: int
    skipped_overlaps: int
    first_slot: datetime | None


@dataclass(frozen=True)
class _Batch:
    mentor_id: int
    window_id: int
    candidates: list[Interval]


# ---------------------------------------------------------------------------------------------
# Pure helpers


def weekdays_to_mask(weekdays: Iterable[int]) -> int:
    """Days of the week (0 = Monday ... 6 = Sunday) as a bitmask, bit 0 = Monday."""
    mask = 0
    for day in weekdays:
        if not 0 <= day <= 6:
            raise ValueError(f"weekday {day} is not 0 (Monday) to 6 (Sunday)")
        mask |= 1 << day
    return mask


def cut_slots(
    day: date, start: time, end: time, tz: str, minutes: int
) -> list[tuple[datetime, datetime]]:
    """The UTC slots of a local window on `day`, each `minutes` long, in order.

    Slot starts step through local wall-clock time from `start`; a start that does not exist
    (spring forward) is skipped, an ambiguous one (fall back) is its first occurrence. A slot
    must end by `end` local time and never overlaps the previous one.
    """
    if minutes <= 0:
        raise ValueError("minutes must be positive")
    zone = _zone(tz)
    step = timedelta(minutes=minutes)
    wall = datetime.combine(day, start)
    last = datetime.combine(day, end)
    slots: list[tuple[datetime, datetime]] = []
    while wall + step <= last:
        starts = _to_utc(wall, zone)
        if starts is not None:
            ends = starts + step
            fits = _to_wall(ends, zone) <= last
            if fits and (not slots or starts >= slots[-1][1]):
                slots.append((starts, ends))
        wall += step
    return slots


def _to_utc(wall: datetime, zone: ZoneInfo) -> datetime | None:
    """The UTC instant of a naive local time (first occurrence); None if it never happens."""
    utc = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    return utc if _to_wall(utc, zone) == wall else None


def _to_wall(instant: datetime, zone: ZoneInfo) -> datetime:
    return instant.astimezone(zone).replace(tzinfo=None)


def _zone(tz: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as unknown:
        raise InvalidWindow(
            f"Your time zone “{tz}” isn't one I know. Set it in your Slack profile and try again."
        ) from unknown


def _local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), zone).astimezone(UTC)


def _horizon_date(now: datetime, horizon_weeks: int, zone: ZoneInfo) -> date:
    return (now + timedelta(weeks=horizon_weeks)).astimezone(zone).date()


def _last_date(first_date: date, weeks: int) -> date:
    return first_date + timedelta(days=7 * weeks - 1)


def _check_times(start: time, end: time) -> None:
    if end <= start:
        raise InvalidWindow("The end time must be after the start time.", "end")


def _check_length(start: time, end: time, minutes: int) -> None:
    length = datetime.combine(date.min, end) - datetime.combine(date.min, start)
    if length < timedelta(minutes=minutes):
        raise InvalidWindow(
            f"That window is shorter than one {minutes}-minute session. "
            "Make it longer, or change your session length in your profile.",
            "end",
        )


def _weekly_candidates(
    *,
    mask: int,
    start: time,
    end: time,
    tz: str,
    minutes: int,
    from_date: date,
    to_date: date,
    now: datetime,
) -> list[Interval]:
    slots: list[Interval] = []
    day = from_date
    while day <= to_date:
        if mask >> day.weekday() & 1:
            slots += [s for s in cut_slots(day, start, end, tz, minutes) if s[0] > now]
        day += timedelta(days=1)
    return slots


# ---------------------------------------------------------------------------------------------
# Publishing windows


def publisher(session: Session, *, slack_id: str) -> Publisher | None:
    """The mentor profile of this person if they may publish availability now, else None."""
    row = session.execute(
        select(MentorProfile.id, User.tz, MentorProfile.session_minutes)
        .join(User, User.id == MentorProfile.user_id)
        .where(User.slack_id == slack_id, MentorProfile.status.in_(CAN_PUBLISH))
    ).first()
    return Publisher(row.id, row.tz, row.session_minutes) if row else None


def publish_once(
    session: Session,
    *,
    actor_slack_id: str,
    tz_shown: str | None,
    day: date,
    start: time,
    end: time,
    now: datetime,
) -> WindowResult:
    """The one-off form's submission: the submitter must still be a mentor who may publish,
    in the zone the form showed; then `add_once`."""
    mentor_id = _publishing(session, actor_slack_id, tz_shown)
    return add_once(session, mentor_id=mentor_id, day=day, start=start, end=end, now=now)


def publish_weekly(
    session: Session,
    *,
    actor_slack_id: str,
    tz_shown: str | None,
    first_date: date,
    weekdays: set[int],
    start: time,
    end: time,
    weeks: int,
    now: datetime,
    horizon_weeks: int,
) -> WindowResult:
    """The weekly form's submission, checked as `publish_once` is; then `add_weekly`."""
    mentor_id = _publishing(session, actor_slack_id, tz_shown)
    return add_weekly(
        session,
        mentor_id=mentor_id,
        first_date=first_date,
        weekdays=weekdays,
        start=start,
        end=end,
        weeks=weeks,
        now=now,
        horizon_weeks=horizon_weeks,
    )


def _publishing(session: Session, slack_id: str, tz_shown: str | None) -> int:
    """The submitter's mentor profile id, locked and re-read: refused if they may no longer
    publish, or if their zone is no longer the one the form's times were typed in."""
    row = session.execute(
        select(MentorProfile.id, MentorProfile.status, User.tz)
        .join(User, User.id == MentorProfile.user_id)
        .where(User.slack_id == slack_id)
        .with_for_update(of=MentorProfile)
    ).first()
    if row is None:
        raise NoMentorProfile()
    if row.status not in CAN_PUBLISH:
        raise NotPublishing()
    if tz_shown and tz_shown != row.tz:
        raise TimeZoneChanged(tz_shown, row.tz)
    return int(row.id)


def add_once(
    session: Session, *, mentor_id: int, day: date, start: time, end: time, now: datetime
) -> WindowResult:
    """Publish a one-off window on a local date; only its future slots are created."""
    _check_times(start, end)
    minutes, tz = _mentor(session, mentor_id)
    zone = _zone(tz)
    window_end = datetime.combine(day, end, zone).astimezone(UTC)
    if window_end <= now:
        raise WindowInPast()
    _check_length(start, end, minutes)
    window = AvailabilityWindow(
        mentor_id=mentor_id,
        kind=WindowKind.ONCE,
        first_date=day,
        weekdays=0,
        weeks=None,
        start_time=start,
        end_time=end,
        tz=tz,
        generated_until=day,
        created_at=now,
    )
    session.add(window)
    session.flush()
    candidates = [s for s in cut_slots(day, start, end, tz, minutes) if s[0] > now]
    added, skipped, first = _place(session, [_Batch(mentor_id, window.id, candidates)])
    return WindowResult(window.id, added, skipped, first)


def add_weekly(
    session: Session,
    *,
    mentor_id: int,
    first_date: date,
    weekdays: set[int],
    start: time,
    end: time,
    weeks: int,
    now: datetime,
    horizon_weeks: int,
) -> WindowResult:
    """Publish a window on some days of the week for `weeks` weeks from `first_date`.

    Slots are created up to `horizon_weeks` from now; `extend_weekly` creates the rest as time
    moves on.
    """
    if not 1 <= weeks <= MAX_WEEKS:
        raise InvalidWindow(f"Choose from 1 to {MAX_WEEKS} weeks.", "weeks")
    if not weekdays:
        raise InvalidWindow("Pick at least one day of the week.", "days")
    try:
        mask = weekdays_to_mask(weekdays)
    except ValueError as wrong:
        raise InvalidWindow("Pick days from Monday to Sunday.", "days") from wrong
    _check_times(start, end)
    minutes, tz = _mentor(session, mentor_id)
    zone = _zone(tz)
    if first_date < now.astimezone(zone).date():
        raise WindowInPast("The first day is in the past. Start today or later.")
    _check_length(start, end, minutes)
    until = min(_last_date(first_date, weeks), _horizon_date(now, horizon_weeks, zone))
    window = AvailabilityWindow(
        mentor_id=mentor_id,
        kind=WindowKind.WEEKLY,
        first_date=first_date,
        weekdays=mask,
        weeks=weeks,
        start_time=start,
        end_time=end,
        tz=tz,
        generated_until=until if until >= first_date else None,
        created_at=now,
    )
    session.add(window)
    session.flush()
    candidates = _weekly_candidates(
        mask=mask,
        start=start,
        end=end,
        tz=tz,
        minutes=minutes,
        from_date=first_date,
        to_date=until,
        now=now,
    )
    added, skipped, first = _place(session, [_Batch(mentor_id, window.id, candidates)])
    return WindowResult(window.id, added, skipped, first)


def extend_weekly(session: Session, *, now: datetime, horizon_weeks: int) -> int:
    """Cut the next slots of every weekly window that is behind the horizon; the number added.

    Idempotent: a window's `generated_until` moves to the last local date cut, so running it
    again adds nothing. Windows of mentors who left or were rejected are not extended. On
    PostgreSQL windows another pass is extending are skipped rather than waited for.
    """
    # No zone is more than a day ahead of UTC, so this bounds every window's local horizon.
    bound = (now + timedelta(weeks=horizon_weeks)).date() + timedelta(days=1)
    generated = AvailabilityWindow.generated_until
    query = (
        select(AvailabilityWindow, MentorProfile.session_minutes)
        .join(MentorProfile, MentorProfile.id == AvailabilityWindow.mentor_id)
        .where(
            AvailabilityWindow.kind == WindowKind.WEEKLY,
            MentorProfile.status.not_in(NO_NEW_SLOTS),
            or_(
                generated.is_(None),
                and_(generated < bound, generated < _last_date_sql(session)),
            ),
        )
        .order_by(AvailabilityWindow.id)
    )
    if _dialect(session) == "postgresql":
        query = query.with_for_update(skip_locked=True, of=AvailabilityWindow)
    batches: list[_Batch] = []
    for window, minutes in session.execute(query):
        try:
            zone = ZoneInfo(window.tz)
        except (ZoneInfoNotFoundError, ValueError):
            continue
        assert window.weeks is not None  # weekly windows always have weeks (a CHECK says so)
        until = min(
            _last_date(window.first_date, window.weeks), _horizon_date(now, horizon_weeks, zone)
        )
        begin = window.first_date
        if window.generated_until is not None:
            begin = window.generated_until + timedelta(days=1)
        begin = max(begin, now.astimezone(zone).date())
        if begin > until:
            continue
        candidates = _weekly_candidates(
            mask=window.weekdays,
            start=window.start_time,
            end=window.end_time,
            tz=window.tz,
            minutes=minutes,
            from_date=begin,
            to_date=until,
            now=now,
        )
        batches.append(_Batch(window.mentor_id, window.id, candidates))
        window.generated_until = until
    added, _skipped, _first = _place(session, batches)
    session.flush()
    return added


def _last_date_sql(session: Session) -> ColumnElement[Any]:
    """A weekly window's last local date, first_date + 7 * weeks - 1, in the dialect's SQL."""
    days = AvailabilityWindow.weeks * 7 - 1
    if _dialect(session) == "postgresql":
        return AvailabilityWindow.first_date + days
    return func.date(AvailabilityWindow.first_date, func.printf("+%d days", days), type_=Date)


def open_group_time(
    session: Session,
    *,
    actor_slack_id: str,
    tz_shown: str | None,
    day: date,
    start: time,
    end: time,
    title: str,
    seats: int | None,
    auto_approve: bool,
    now: datetime,
) -> SlotView:
    """Open one slot for several people (office hours, a workshop): a title, 2 to 12 seats,
    and whether each seat is approved at once. The slot lasts from `start` to `end` local time,
    in the future, overlapping none of the mentor's slots."""
    mentor_id = _publishing(session, actor_slack_id, tz_shown)
    _, tz = _mentor(session, mentor_id)
    zone = _zone(tz)
    errors = _group_errors(title, seats, start, end)
    starts_at = _to_utc(datetime.combine(day, start), zone)
    ends_at = _to_utc(datetime.combine(day, end), zone)
    if starts_at is None or ends_at is None:
        errors.setdefault("start", "That time does not exist that day (the clocks change).")
    elif starts_at <= now:
        errors.setdefault("date", "That time is in the past. Pick a later date or time.")
    elif _overlapping(session, mentor_id, starts_at, ends_at):
        errors.setdefault(
            "start", "That time overlaps one of your slots. Pick another time, or remove it."
        )
    if errors or starts_at is None or ends_at is None or seats is None:
        raise InvalidGroupTime(errors)
    slot = Slot(
        mentor_id=mentor_id,
        starts_at=starts_at,
        ends_at=ends_at,
        title=title.strip(),
        seats=seats,
        auto_approve=auto_approve,
    )
    session.add(slot)
    session.flush()
    return SlotView(slot.id, starts_at, ends_at, False, slot.title, seats)


def _group_errors(title: str, seats: int | None, start: time, end: time) -> dict[str, str]:
    """What is wrong with a group time's title, seats and length, keyed by field."""
    errors: dict[str, str] = {}
    name = title.strip()
    if not name:
        errors["title"] = "Give the session a title, such as “Python office hours”."
    elif len(name) > GROUP_TITLE_MAX:
        errors["title"] = f"Keep the title to {GROUP_TITLE_MAX} characters (it has {len(name)})."
    if seats is None or not 2 <= seats <= MAX_SESSION_SEATS:
        errors["seats"] = f"A group session has 2 to {MAX_SESSION_SEATS} seats."
    length = datetime.combine(date.min, end) - datetime.combine(date.min, start)
    shortest, longest = GROUP_MINUTES
    if not timedelta(minutes=shortest) <= length <= timedelta(minutes=longest):
        errors["end"] = (
            f"A group session lasts {shortest} minutes to {longest // 60} hours, "
            "ending after it starts on the same day."
        )
    return errors


def _overlapping(session: Session, mentor_id: int, starts_at: datetime, ends_at: datetime) -> bool:
    """Whether any of the mentor's slots overlaps [starts_at, ends_at)."""
    overlap = select(Slot.id).where(
        Slot.mentor_id == mentor_id, Slot.starts_at < ends_at, Slot.ends_at > starts_at
    )
    return bool(session.scalar(overlap.exists().select()))


def _place(session: Session, batches: list[_Batch]) -> tuple[int, int, datetime | None]:
    """Insert the candidates that overlap none of their mentor's slots: (added, skipped, first).

    The mentors' slots in the affected range are read in one query; the insert skips any start
    a concurrent writer took meanwhile, and those count as skipped too.
    """
    candidates = [c for batch in batches for c in batch.candidates]
    if not candidates:
        return 0, 0, None
    low = min(s for s, _ in candidates) - LONGEST_SLOT
    high = max(e for _, e in candidates)
    taken: dict[int, list[Interval]] = defaultdict(list)
    existing = session.execute(
        select(Slot.mentor_id, Slot.starts_at, Slot.ends_at)
        .where(
            Slot.mentor_id.in_({batch.mentor_id for batch in batches}),
            Slot.starts_at >= low,
            Slot.starts_at < high,
        )
        .order_by(Slot.mentor_id, Slot.starts_at)
    )
    for mentor_id, starts_at, ends_at in existing:
        taken[mentor_id].append((starts_at, ends_at))
    rows: list[dict[str, Any]] = []
    skipped = 0
    for batch in batches:
        intervals = taken[batch.mentor_id]
        for starts_at, ends_at in batch.candidates:
            if _overlaps(intervals, starts_at, ends_at):
                skipped += 1
                continue
            insort(intervals, (starts_at, ends_at))
            rows.append(
                {
                    "mentor_id": batch.mentor_id,
                    "window_id": batch.window_id,
                    "starts_at": starts_at,
                    "ends_at": ends_at,
                }
            )
    insert = postgresql.insert if _dialect(session) == "postgresql" else sqlite.insert
    inserted: list[datetime] = []
    for offset in range(0, len(rows), _INSERT_CHUNK):
        chunk = rows[offset : offset + _INSERT_CHUNK]
        inserted += session.scalars(
            insert(Slot)
            .values(chunk)
            .on_conflict_do_nothing(index_elements=["mentor_id", "starts_at"])
            .returning(Slot.starts_at)
        ).all()
    skipped += len(rows) - len(inserted)
    return len(inserted), skipped, min(inserted, default=None)


def _overlaps(intervals: list[Interval], starts_at: datetime, ends_at: datetime) -> bool:
    """Whether a slot overlaps any of `intervals` (sorted, not overlapping one another).

    Among the intervals starting before `ends_at`, the last one also ends last, so it is the
    only one to check.
    """
    before = bisect_left(intervals, (ends_at,))
    return before > 0 and intervals[before - 1][1] > starts_at


# ---------------------------------------------------------------------------------------------
# Seeing and removing slots


def upcoming_slots(
    session: Session, *, mentor_id: int, now: datetime, days: int = 14
) -> list[SlotView]:
    """The mentor's slots starting within `days`, free and booked, soonest first."""
    taken = (
        select(func.count(Booking.id))
        .where(Booking.slot_id == Slot.id, Booking.status.in_(LIVE_STATUSES))
        .scalar_subquery()
    )
    rows = session.execute(
        select(Slot.id, Slot.starts_at, Slot.ends_at, Slot.title, Slot.seats, taken.label("taken"))
        .where(
            Slot.mentor_id == mentor_id,
            Slot.starts_at > now,
            Slot.starts_at < now + timedelta(days=days),
        )
        .order_by(Slot.starts_at)
    )
    return [
        SlotView(
            id=row.id,
            starts_at=row.starts_at,
            ends_at=row.ends_at,
            booked=bool(row.taken),
            title=row.title,
            seats=row.seats,
            taken=int(row.taken or 0) if row.seats > 1 else 0,
        )
        for row in rows
    ]


def remove_slot(session: Session, *, mentor_id: int, slot_id: int, now: datetime) -> SlotView:
    """Remove one of the mentor's future slots that nobody holds."""
    query = select(Slot).where(Slot.id == slot_id, Slot.mentor_id == mentor_id)
    if _dialect(session) == "postgresql":
        query = query.with_for_update()  # a booking being made waits for us, or we for it
    slot = session.scalar(query)
    if slot is None:
        raise SlotNotFound()
    if slot.starts_at <= now:
        raise SlotStarted()
    held = select(Booking.id).where(Booking.slot_id == slot.id, Booking.status.in_(LIVE_STATUSES))
    if session.scalar(held.exists().select()):
        raise SlotBooked()
    removed = SlotView(id=slot.id, starts_at=slot.starts_at, ends_at=slot.ends_at, booked=False)
    session.delete(slot)
    session.flush()
    return removed


def recut_free_slots(session: Session, *, mentor_id: int, minutes: int, now: datetime) -> int:
    """Cut the mentor's free future time again after their session length changed.

    Each run of back-to-back free slots (same window, nobody holding or proposed) becomes slots
    of the new length over the same stretch of time, so booked times stay and slots the mentor
    removed stay removed. Returns how many slots the free time now has.
    """
    taken = or_(
        select(Booking.id)
        .where(Booking.slot_id == Slot.id, Booking.status.in_(LIVE_STATUSES))
        .exists(),
        select(TimeProposal.id)
        .where(TimeProposal.slot_id == Slot.id, TimeProposal.status == ProposalStatus.OPEN)
        .exists(),
    )
    free = session.execute(
        select(Slot.id, Slot.window_id, Slot.starts_at, Slot.ends_at)
        .where(Slot.mentor_id == mentor_id, Slot.starts_at > now, Slot.seats == 1, ~taken)
        .order_by(Slot.starts_at)
    ).all()
    runs: list[tuple[int | None, datetime, datetime]] = []
    for _, window_id, starts_at, ends_at in free:
        if runs and runs[-1][0] == window_id and runs[-1][2] == starts_at:
            runs[-1] = (window_id, runs[-1][1], ends_at)
        else:
            runs.append((window_id, starts_at, ends_at))
    session.execute(delete(Slot).where(Slot.id.in_([row.id for row in free])))
    step = timedelta(minutes=minutes)
    rows = [
        {"mentor_id": mentor_id, "window_id": window_id, "starts_at": s, "ends_at": s + step}
        for window_id, run_start, run_end in runs
        for s in _steps(run_start, run_end, step)
    ]
    for offset in range(0, len(rows), _INSERT_CHUNK):
        session.execute(insert(Slot), rows[offset : offset + _INSERT_CHUNK])
    return len(rows)


def _steps(start: datetime, end: datetime, step: timedelta) -> Iterable[datetime]:
    while start + step <= end:
        yield start
        start += step


def clear_day(
    session: Session, *, mentor_id: int, day: date, tz: str, now: datetime
) -> tuple[int, int]:
    """Remove the mentor's free future slots on a local day: (removed, kept_because_booked).

    Slots held by a pending or approved booking stay.
    """
    zone = _zone(tz)
    day_slots = (
        Slot.mentor_id == mentor_id,
        Slot.starts_at >= _local_midnight(day, zone),
        Slot.starts_at < _local_midnight(day + timedelta(days=1), zone),
        Slot.starts_at > now,
    )
    total = session.scalar(select(func.count()).select_from(Slot).where(*day_slots)) or 0
    if not total:
        return 0, 0
    held = (
        select(Booking.id)
        .where(Booking.slot_id == Slot.id, Booking.status.in_(LIVE_STATUSES))
        .exists()
    )
    removed = session.scalars(
        delete(Slot)
        .where(*day_slots, ~held)
        .returning(Slot.id)
        .execution_options(synchronize_session="fetch")
    ).all()
    return len(removed), total - len(removed)


# ---------------------------------------------------------------------------------------------
# Lookups


def _mentor(session: Session, mentor_id: int) -> tuple[int, str]:
    """The mentor's session length and time zone."""
    row = session.execute(
        select(MentorProfile.session_minutes, User.tz)
        .join(User, User.id == MentorProfile.user_id)
        .where(MentorProfile.id == mentor_id)
    ).first()
    if row is None:
        raise NoMentorProfile()
    return row.session_minutes, row.tz


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name
