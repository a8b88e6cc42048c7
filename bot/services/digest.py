"""The coordinators' digest: what happened in the program over a period, and what needs a look.

Every figure comes from a handful of aggregate queries (counts with conditions, averages,
GROUP BY); Python only takes the median of the period's decision times and works out each
time zone's current week. Periods are half-open, `[start, end)`, in UTC.

Rules where the data leaves room for choice:
- A decision is counted by the booking's state now. Only approving sets `decided_at` on a booking
  that can later be cancelled (declines and expiries are final), so a cancelled booking with a
  `decided_at` was approved first: it counts as an approval, at its `decided_at`.
- Cancellation time is not stored. A cancellation counts in the period its session was due to
  start in (`status = 'cancelled'` and `starts_at` in the period): "sessions called off".
- A session is held when it is approved, its end falls in the period and is not after `now`,
  and no participant answered "no show". Any other answer to "what happened" leaves it held.
- `sessions_per_week` covers the eight UTC weeks up to the one holding the period's last
  instant (just before `end`), counting approved bookings by the week they start in.
- `is_empty` looks at the period's activity and at what needs attention (stale requests, low
  reviews, failed messages, unmet demand); mentors at capacity and the weekly history alone do
  not make a digest worth sending.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import ColumnElement, and_, case, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from store.models import Attendance, Booking, DueWork, MentorProfile, Review, SearchMiss, User

TOP = 5
HISTORY_WEEKS = 8
LOW_STARS = 2
STALE_AFTER = timedelta(days=1)
LIVE_STATUSES = ("pending", "approved")
# Statuses a booking can have after the mentor approved it (see the module's rules).
WAS_APPROVED = ("approved", "cancelled")
WEEK = timedelta(days=7)


@dataclass(frozen=True)
class LowReview:
    connection_stars: int
    program_stars: int
    connection_comment: str | None
    program_comment: str | None
    feedback: str | None
    reviewer_slack_id: str
    mentor_slack_id: str
    mentee_slack_id: str
    created_at: datetime


@dataclass(frozen=True)
class StaleRequest:
    booking_id: int
    mentor_slack_id: str
    mentee_slack_id: str
    requested_at: datetime
    starts_at: datetime


@dataclass(frozen=True)
class MentorLoad:
    slack_id: str
    name: str
    sessions: int
    capacity: int


@dataclass(frozen=True)
class FailedMessage:
    kind: str
    error: str
    due_at: datetime


@dataclass(frozen=True)
class Digest:
    start: datetime
    end: datetime
    new_mentors: int
    requests: int
    approvals: int
    declines: int
    expiries: int
    sessions_held: int
    cancellations: int
    no_shows: int
    approval_rate: float | None
    median_decision: timedelta | None
    avg_connection: float | None
    avg_program: float | None
    low_reviews: tuple[LowReview, ...]
    stale_requests: tuple[StaleRequest, ...]
    unmet_demand: tuple[tuple[str, int], ...]
    busiest_mentors: tuple[MentorLoad, ...]
    at_capacity: tuple[MentorLoad, ...]
    failed_messages: tuple[FailedMessage, ...]
    sessions_per_week: tuple[tuple[date, int], ...]

    @property
    def is_empty(self) -> bool:
        """Nothing happened in the period and nothing is stale, low, failed or unmet."""
        counts = (
            self.new_mentors,
            self.requests,
            self.approvals,
            self.declines,
            self.expiries,
            self.sessions_held,
            self.cancellations,
            self.no_shows,
        )
        lists = (
            self.low_reviews,
            self.stale_requests,
            self.unmet_demand,
            self.busiest_mentors,
            self.failed_messages,
        )
        return not any(counts) and not any(lists) and self.avg_connection is None


def last_days(now: datetime, days: int) -> tuple[datetime, datetime]:
    """The period of the `days` days up to `now`: `(now - days, now)`."""
    return now - timedelta(days=days), now


def build_digest(session: Session, *, start: datetime, end: datetime, now: datetime) -> Digest:
    """The digest of `[start, end)`; stale requests and capacity are judged at `now`."""
    for name, value in (("start", start), ("end", end), ("now", now)):
        if value.tzinfo is None:
            raise ValueError(f"{name} must be an aware datetime")
    if start > end:
        raise ValueError("start must not be after end")
    start, end, now = start.astimezone(UTC), end.astimezone(UTC), now.astimezone(UTC)

    counts = _booking_counts(session, start, end, now)
    approvals, declines, expiries = counts["approvals"], counts["declines"], counts["expiries"]
    decisions = approvals + declines + expiries
    avg_connection, avg_program = _review_averages(session, start, end)
    return Digest(
        start=start,
        end=end,
        new_mentors=_count(session, MentorProfile.created_at, start, end),
        requests=counts["requests"],
        approvals=approvals,
        declines=declines,
        expiries=expiries,
        sessions_held=counts["held"],
        cancellations=counts["cancellations"],
        no_shows=counts["no_shows"],
        approval_rate=approvals / decisions if decisions else None,
        median_decision=_median(_decision_times(session, start, end)),
        avg_connection=avg_connection,
        avg_program=avg_program,
        low_reviews=_low_reviews(session, start, end),
        stale_requests=_stale_requests(session, now),
        unmet_demand=_unmet_demand(session, start, end),
        busiest_mentors=_busiest(session, start, end, now),
        at_capacity=_at_capacity(session, now),
        failed_messages=_failed(session, start, end),
        sessions_per_week=_sessions_per_week(session, end),
    )


# ---------------------------------------------------------------------------------------------
# Conditions


def _within(column: Any, start: datetime, end: datetime) -> ColumnElement[bool]:
    return and_(column >= start, column < end)


def _tally(condition: ColumnElement[bool]) -> Any:
    """COUNT of the rows meeting a condition, as one column of a wider aggregate query."""
    return func.count(case((condition, 1)))


def _no_show() -> ColumnElement[bool]:
    """Someone said the booking's session did not happen because the other side didn't come."""
    return exists().where(
        Attendance.booking_id == Booking.id, Attendance.what_happened == "no_show"
    )


def _ended(start: datetime, end: datetime, now: datetime) -> ColumnElement[bool]:
    return and_(
        Booking.status == "approved", _within(Booking.ends_at, start, end), Booking.ends_at <= now
    )


# ---------------------------------------------------------------------------------------------
# Figures


def _count(session: Session, column: Any, start: datetime, end: datetime) -> int:
    return int(session.scalar(select(func.count()).where(_within(column, start, end))) or 0)


def _booking_counts(
    session: Session, start: datetime, end: datetime, now: datetime
) -> dict[str, int]:
    requested = _within(Booking.requested_at, start, end)
    decided = _within(Booking.decided_at, start, end)
    ended = _ended(start, end, now)
    cancelled = and_(Booking.status == "cancelled", _within(Booking.starts_at, start, end))
    no_show = _no_show()
    columns = {
        "requests": _tally(requested),
        "approvals": _tally(and_(decided, Booking.status.in_(WAS_APPROVED))),
        "declines": _tally(and_(decided, Booking.status == "declined")),
        "expiries": _tally(and_(decided, Booking.status == "expired")),
        "held": _tally(and_(ended, ~no_show)),
        "no_shows": _tally(and_(ended, no_show)),
        "cancellations": _tally(cancelled),
    }
    row = session.execute(
        select(*columns.values()).where(or_(requested, decided, ended, cancelled))
    ).one()
    return {name: int(value or 0) for name, value in zip(columns, row, strict=True)}


def _decision_times(session: Session, start: datetime, end: datetime) -> list[timedelta]:
    rows = session.execute(
        select(Booking.requested_at, Booking.decided_at).where(
            _within(Booking.decided_at, start, end),
            Booking.status.in_((*WAS_APPROVED, "declined")),
        )
    )
    return [decided - requested for requested, decided in rows if decided is not None]


def _median(values: list[timedelta]) -> timedelta | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def _review_averages(
    session: Session, start: datetime, end: datetime
) -> tuple[float | None, float | None]:
    connection, program = session.execute(
        select(func.avg(Review.connection_stars), func.avg(Review.program_stars)).where(
            _within(Review.created_at, start, end)
        )
    ).one()
    return (
        None if connection is None else float(connection),
        None if program is None else float(program),
    )


def _low_reviews(session: Session, start: datetime, end: datetime) -> tuple[LowReview, ...]:
    reviewer, mentor, mentee = aliased(User), aliased(User), aliased(User)
    rows = session.execute(
        select(
            Review.connection_stars,
            Review.program_stars,
            Review.connection_comment,
            Review.program_comment,
            Review.feedback,
            reviewer.slack_id,
            mentor.slack_id,
            mentee.slack_id,
            Review.created_at,
        )
        .join(reviewer, reviewer.id == Review.reviewer_id)
        .join(Booking, Booking.id == Review.booking_id)
        .join(MentorProfile, MentorProfile.id == Booking.mentor_id)
        .join(mentor, mentor.id == MentorProfile.user_id)
        .join(mentee, mentee.id == Booking.mentee_id)
        .where(
            _within(Review.created_at, start, end),
            or_(Review.connection_stars <= LOW_STARS, Review.program_stars <= LOW_STARS),
        )
        .order_by(Review.created_at.desc(), Review.id.desc())
    )
    return tuple(LowReview(*row) for row in rows)


def _stale_requests(session: Session, now: datetime) -> tuple[StaleRequest, ...]:
    mentor, mentee = aliased(User), aliased(User)
    rows = session.execute(
        select(
            Booking.id, mentor.slack_id, mentee.slack_id, Booking.requested_at, Booking.starts_at
        )
        .join(MentorProfile, MentorProfile.id == Booking.mentor_id)
        .join(mentor, mentor.id == MentorProfile.user_id)
        .join(mentee, mentee.id == Booking.mentee_id)
        .where(Booking.status == "pending", Booking.requested_at < now - STALE_AFTER)
        .order_by(Booking.requested_at, Booking.id)
    )
    return tuple(StaleRequest(*row) for row in rows)


def _unmet_demand(session: Session, start: datetime, end: datetime) -> tuple[tuple[str, int], ...]:
    misses = func.count().label("misses")
    rows = session.execute(
        select(SearchMiss.skill_key, misses)
        .where(_within(SearchMiss.searched_at, start, end))
        .group_by(SearchMiss.skill_key)
        .order_by(misses.desc(), SearchMiss.skill_key)
        .limit(TOP)
    )
    return tuple((key, int(count)) for key, count in rows)


def _mentor_loads(
    session: Session, condition: ColumnElement[bool], *, full_only: bool, limit: int | None
) -> tuple[MentorLoad, ...]:
    """Per mentor, the bookings meeting `condition`, busiest first, then by name."""
    sessions = func.count(Booking.id).label("sessions")
    query = (
        select(User.slack_id, User.real_name, sessions, MentorProfile.weekly_capacity)
        .select_from(Booking)
        .join(MentorProfile, MentorProfile.id == Booking.mentor_id)
        .join(User, User.id == MentorProfile.user_id)
        .where(condition)
        .group_by(MentorProfile.id, User.slack_id, User.real_name, MentorProfile.weekly_capacity)
        .order_by(sessions.desc(), User.real_name, User.slack_id)
        .limit(limit)
    )
    if full_only:
        query = query.having(func.count(Booking.id) >= MentorProfile.weekly_capacity)
    return tuple(
        MentorLoad(slack_id, name, int(count), capacity)
        for slack_id, name, count, capacity in session.execute(query)
    )


def _busiest(
    session: Session, start: datetime, end: datetime, now: datetime
) -> tuple[MentorLoad, ...]:
    held = and_(_ended(start, end, now), ~_no_show())
    return _mentor_loads(session, held, full_only=False, limit=TOP)


def _at_capacity(session: Session, now: datetime) -> tuple[MentorLoad, ...]:
    """Active mentors whose live bookings this week (their local Monday to Monday) fill it."""
    zones = session.scalars(
        select(User.tz)
        .join(MentorProfile, MentorProfile.user_id == User.id)
        .where(MentorProfile.status == "active")
        .distinct()
    ).all()
    if not zones:
        return ()
    this_week = or_(
        *(
            and_(User.tz == tz, _within(Booking.starts_at, *_local_week(tz, now)))
            for tz in sorted(zones)
        )
    )
    condition = and_(MentorProfile.status == "active", Booking.status.in_(LIVE_STATUSES), this_week)
    return _mentor_loads(session, condition, full_only=True, limit=None)


def _local_week(tz: str, now: datetime) -> tuple[datetime, datetime]:
    """The UTC instants of this week's and next week's Monday 00:00 in the zone `tz`."""
    try:
        zone: ZoneInfo | Any = ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        zone = UTC
    today = now.astimezone(zone).date()
    monday = today - timedelta(days=today.weekday())
    return (
        datetime.combine(monday, time(), zone).astimezone(UTC),
        datetime.combine(monday + WEEK, time(), zone).astimezone(UTC),
    )


def _failed(session: Session, start: datetime, end: datetime) -> tuple[FailedMessage, ...]:
    finished = func.coalesce(DueWork.done_at, DueWork.due_at)
    rows = session.execute(
        select(DueWork.kind, DueWork.last_error, DueWork.due_at)
        .where(DueWork.status == "failed", _within(finished, start, end))
        .order_by(finished, DueWork.id)
    )
    return tuple(FailedMessage(kind, error or "", due_at) for kind, error, due_at in rows)


def _sessions_per_week(session: Session, end: datetime) -> tuple[tuple[date, int], ...]:
    last_day = (end - timedelta(microseconds=1)).date()
    last_monday = datetime.combine(last_day - timedelta(days=last_day.weekday()), time(), UTC)
    mondays = [last_monday - WEEK * back for back in reversed(range(HISTORY_WEEKS))]
    row = session.execute(
        select(*(_tally(_within(Booking.starts_at, m, m + WEEK)) for m in mondays)).where(
            Booking.status == "approved", _within(Booking.starts_at, mondays[0], last_monday + WEEK)
        )
    ).one()
    return tuple(
        (monday.date(), int(count or 0)) for monday, count in zip(mondays, row, strict=True)
    )
