"""The coordinators' digest: what happened in the program over a period, and what needs a look.

Every figure comes from a handful of aggregate queries; Python only works out each time zone's
current week. Periods are half-open, `[start, end)`, in UTC. At company scale (hundreds of
thousands of bookings) each figure reads only its own period's entries of an index made for it
(store/models.py): one range per count rather than one scan with OR, the median's middle rows
picked by the database, and mentors' names read only for those who can appear.

Rules where the data leaves room for choice:
- A decision is counted by the booking's state now. Only approving sets `decided_at` on a booking
  that can later be cancelled (declines and expiries are final), so a cancelled booking with a
  `decided_at` was approved first: it counts as an approval, at its `decided_at`.
- Cancellation time is not stored. A cancellation counts in the period its session was due to
  start in (`status = 'cancelled'` and `starts_at` in the period): "sessions called off".
- A session is held when it is approved, its end falls in the period and is not after `now`,
  and no participant answered "no show". Any other answer to "what happened" leaves it held.
  Two "no show" answers about one session make one no-show.
- The median time to decide is exact to the microsecond; with an even count it is the mean of
  the middle two.
- The busiest mentors are the TOP with most sessions held; ties go by name, then Slack id.
- `weeks` covers the eight UTC weeks up to the one holding the period's last instant (just
  before `end`): each week's sessions held (by the rule above, by the week they end in) and
  those called off (cancelled, by the week they were due to start in, and no-shows).
- `stars_per_month` covers the six UTC calendar months up to the one holding the period's last
  instant: the average stars of reviews written that month, for connecting and for the
  programme, and how many reviews there were.
- `programme` is the name of the programme the digest is about (today the default one), for
  the charts' titles.
- A low rating is one the review rules ask a comment for (bot/services/reviews.py: connecting
  below 3 stars, the program at 3 or fewer), so every such comment reaches coordinators here.
- `is_empty` looks at the period's activity and at what needs attention (stale requests, low
  reviews, failed messages, unmet demand, and the mentorships' news: see
  `mentorship_figures`); mentors at capacity, active mentorships and the weekly history alone
  do not make a digest worth sending.
- Mentorships (started, active, ended, goals reached, pulses, at risk, change requests) are
  worked out by `bot/services/mentorship_figures.py`, in a fixed number of statements.
- Concerns are counts only, never their kind or text: raised in the period, and still open now
  (whenever raised). An open concern alone makes the digest worth sending.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    Subquery,
    and_,
    cast,
    func,
    or_,
    select,
    text,
)
from sqlalchemy.orm import Session, aliased

from bot.services.mentorship_figures import (
    NO_MENTORSHIPS,
    MentorshipFigures,
    mentorship_figures,
)
from bot.services.pauses import paused_by_silence
from bot.services.reviews import low_rating
from store.models import (
    BOOKING_STATUSES,
    NO_SHOW,
    Attendance,
    Booking,
    Concern,
    DueWork,
    MentorProfile,
    Programme,
    Review,
    SearchMiss,
    User,
)
from store.statuses import BookingStatus, ConcernStatus, DueStatus, MentorStatus

TOP = 5
HISTORY_WEEKS = 8
HISTORY_MONTHS = 6
STALE_AFTER = timedelta(days=1)
LIVE_STATUSES = (BookingStatus.PENDING, BookingStatus.APPROVED)
# Statuses a booking can have after the mentor approved it (see the module's rules).
WAS_APPROVED = (BookingStatus.APPROVED, BookingStatus.CANCELLED)
WEEK = timedelta(days=7)


@dataclass(frozen=True)
class WeekOfSessions:
    monday: date
    held: int
    called_off: int  # cancelled or a no-show


@dataclass(frozen=True)
class MonthOfStars:
    month: date  # its first day
    connection: float | None
    programme: float | None
    reviews: int


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
    weeks: tuple[WeekOfSessions, ...]
    stars_per_month: tuple[MonthOfStars, ...] = ()
    programme: str = ""
    mentorships: MentorshipFigures = NO_MENTORSHIPS
    concerns_raised: int = 0
    concerns_open: int = 0
    # Mentors the system paused in the period, two requests in a row unanswered (Slack ids).
    paused_by_silence: tuple[str, ...] = ()

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
            self.concerns_raised,
            self.concerns_open,
        )
        lists = (
            self.low_reviews,
            self.stale_requests,
            self.unmet_demand,
            self.busiest_mentors,
            self.failed_messages,
            self.paused_by_silence,
        )
        return (
            not any(counts)
            and not any(lists)
            and self.avg_connection is None
            and not self.mentorships.has_news
        )


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
        median_decision=_median_decision(session, start, end),
        avg_connection=avg_connection,
        avg_program=avg_program,
        low_reviews=_low_reviews(session, start, end),
        stale_requests=_stale_requests(session, now),
        unmet_demand=unmet_demand(session, start, end),
        busiest_mentors=_busiest(session, start, end, now),
        at_capacity=_at_capacity(session, now),
        failed_messages=_failed(session, start, end),
        weeks=weeks_of_sessions(session, end, now),
        stars_per_month=stars_per_month(session, end),
        programme=_programme_name(session),
        mentorships=mentorship_figures(session, start=start, end=end, now=now),
        concerns_raised=_count(session, Concern.created_at, start, end),
        concerns_open=_open_concerns(session),
        paused_by_silence=paused_by_silence(session, start=start, end=end),
    )


# ---------------------------------------------------------------------------------------------
# Conditions


def _within(column: Any, start: datetime, end: datetime) -> ColumnElement[bool]:
    return and_(column >= start, column < end)


def _counted(*conditions: ColumnElement[bool]) -> Any:
    """COUNT of the bookings meeting the conditions, as a column of a wider query."""
    return select(func.count()).select_from(Booking).where(*conditions).scalar_subquery()


def _no_show() -> ColumnElement[bool]:
    """Someone said the booking's session did not happen because the other side didn't come.

    Written as IN over the few no-show answers, which their partial index lists, rather than as
    a lookup per booking, which SQLite would make in the wider unique index without statistics.
    """
    return Booking.id.in_(select(Attendance.booking_id).where(text(NO_SHOW)))


def _ended(start: datetime, end: datetime, now: datetime) -> ColumnElement[bool]:
    return and_(
        Booking.status == BookingStatus.APPROVED,
        _within(Booking.ends_at, start, end),
        Booking.ends_at <= now,
    )


# ---------------------------------------------------------------------------------------------
# Figures


def _count(session: Session, column: Any, start: datetime, end: datetime) -> int:
    return int(session.scalar(select(func.count()).where(_within(column, start, end))) or 0)


def _open_concerns(session: Session) -> int:
    query = select(func.count()).where(Concern.status == ConcernStatus.OPEN)
    return int(session.scalar(query) or 0)


def _booking_counts(
    session: Session, start: datetime, end: datetime, now: datetime
) -> dict[str, int]:
    """Each count on its own index range, all in one round trip."""
    decided = _within(Booking.decided_at, start, end)
    ended = _ended(start, end, now)
    columns = {
        # Every status, named, so the count reads one range per status of their index.
        "requests": _counted(
            Booking.status.in_(BOOKING_STATUSES), _within(Booking.requested_at, start, end)
        ),
        "approvals": _counted(decided, Booking.status.in_(WAS_APPROVED)),
        "declines": _counted(decided, Booking.status == BookingStatus.DECLINED),
        "expiries": _counted(decided, Booking.status == BookingStatus.EXPIRED),
        "ended": _counted(ended),
        "no_shows": _counted(ended, _no_show()),
        "cancellations": _counted(
            Booking.status == BookingStatus.CANCELLED, _within(Booking.starts_at, start, end)
        ),
    }
    row = session.execute(select(*columns.values())).one()
    counts = {name: int(value or 0) for name, value in zip(columns, row, strict=True)}
    counts["held"] = counts.pop("ended") - counts["no_shows"]
    return counts


def _median_decision(session: Session, start: datetime, end: datetime) -> timedelta | None:
    """The median time from request to decision of the period's approvals and declines.

    The database sorts the decisions by how long they took and returns only the middle one or
    two (it counts them in the same statement); Python takes their mean.
    """
    decisions = (
        _within(Booking.decided_at, start, end),
        Booking.status.in_((*WAS_APPROVED, BookingStatus.DECLINED)),
    )
    total = select(func.count()).select_from(Booking).where(*decisions).scalar_subquery()
    middle = session.execute(
        select(Booking.requested_at, Booking.decided_at)
        .where(*decisions)
        .order_by(_decision_time(session))
        .limit(2 - total % 2)
        .offset((total - 1) // 2)
    )
    times = [decided - requested for requested, decided in middle if decided is not None]
    return sum(times, timedelta()) / len(times) if times else None


def _decision_time(session: Session) -> ColumnElement[Any]:
    """`decided_at - requested_at`, in an order exact to the microsecond on either dialect.

    PostgreSQL subtracts timestamps exactly. SQLite keeps them as 'YYYY-MM-DD HH:MM:SS.ffffff'
    text and its date functions round to milliseconds, so it counts whole seconds and adds the
    microseconds from the text.
    """
    if session.get_bind().dialect.name != "sqlite":
        return Booking.decided_at - Booking.requested_at

    def microseconds(column: Any) -> ColumnElement[int]:
        seconds = cast(func.strftime("%s", func.substr(column, 1, 19)), Integer)
        return seconds * 1_000_000 + cast(func.substr(column, 21), Integer)

    return microseconds(Booking.decided_at) - microseconds(Booking.requested_at)


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


def low_reviews_query(start: datetime, end: datetime) -> Select[*tuple[Any, ...]]:
    """The period's low ratings with who wrote them about whom, newest first.

    It reads one range of `ix_reviews_created_stars`, whose columns hold the whole condition.
    """
    reviewer, mentor, mentee = aliased(User), aliased(User), aliased(User)
    return (
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
        .where(_within(Review.created_at, start, end), low_rating())
        .order_by(Review.created_at.desc(), Review.id.desc())
    )


def _low_reviews(session: Session, start: datetime, end: datetime) -> tuple[LowReview, ...]:
    return tuple(LowReview(*row) for row in session.execute(low_reviews_query(start, end)))


def _stale_requests(session: Session, now: datetime) -> tuple[StaleRequest, ...]:
    mentor, mentee = aliased(User), aliased(User)
    rows = session.execute(
        select(
            Booking.id, mentor.slack_id, mentee.slack_id, Booking.requested_at, Booking.starts_at
        )
        .join(MentorProfile, MentorProfile.id == Booking.mentor_id)
        .join(mentor, mentor.id == MentorProfile.user_id)
        .join(mentee, mentee.id == Booking.mentee_id)
        .where(Booking.status == BookingStatus.PENDING, Booking.requested_at < now - STALE_AFTER)
        .order_by(Booking.requested_at, Booking.id)
    )
    return tuple(StaleRequest(*row) for row in rows)


def unmet_demand(session: Session, start: datetime, end: datetime) -> tuple[tuple[str, int], ...]:
    """The TOP skills searched for in `[start, end)` that no mentor offered, most missed first."""
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
    session: Session, loads: Subquery, *, full_only: bool, limit: int | None
) -> tuple[MentorLoad, ...]:
    """Mentors with their `loads` (mentor_id, sessions), busiest first, then by name."""
    query = (
        select(User.slack_id, User.real_name, loads.c.sessions, MentorProfile.weekly_capacity)
        .join_from(loads, MentorProfile, MentorProfile.id == loads.c.mentor_id)
        .join(User, User.id == MentorProfile.user_id)
        .order_by(loads.c.sessions.desc(), User.real_name, User.slack_id)
        .limit(limit)
    )
    if full_only:
        query = query.where(loads.c.sessions >= MentorProfile.weekly_capacity)
    return tuple(
        MentorLoad(slack_id, name, int(count), capacity)
        for slack_id, name, count, capacity in session.execute(query)
    )


def _busiest(
    session: Session, start: datetime, end: datetime, now: datetime
) -> tuple[MentorLoad, ...]:
    """The TOP mentors by sessions held; names are read only for those with at least as many
    sessions as the TOP-th busiest, since only they can make the list (ties go by name)."""
    held = and_(_ended(start, end, now), ~_no_show())
    counts = (
        select(Booking.mentor_id, func.count().label("sessions"))
        .where(held)
        .group_by(Booking.mentor_id)
        .cte("loads")
    )
    threshold = (
        select(counts.c.sessions)
        .order_by(counts.c.sessions.desc())
        .limit(1)
        .offset(TOP - 1)
        .scalar_subquery()
    )
    contenders = select(counts).where(counts.c.sessions >= func.coalesce(threshold, 0)).subquery()
    return _mentor_loads(session, contenders, full_only=False, limit=TOP)


def _at_capacity(session: Session, now: datetime) -> tuple[MentorLoad, ...]:
    """Active mentors whose live bookings this week (their local Monday to Monday) fill it."""
    zones = session.scalars(
        select(User.tz)
        .join(MentorProfile, MentorProfile.user_id == User.id)
        .where(MentorProfile.status == MentorStatus.ACTIVE)
        .distinct()
    ).all()
    if not zones:
        return ()
    weeks = {tz: _local_week(tz, now) for tz in sorted(zones)}
    this_week = or_(
        *(and_(User.tz == tz, _within(Booking.starts_at, *week)) for tz, week in weeks.items())
    )
    # Every zone's week lies within this range: the index on (status, starts_at) reads only it.
    any_week = _within(
        Booking.starts_at,
        min(first for first, _ in weeks.values()),
        max(last for _, last in weeks.values()),
    )
    loads = (
        select(Booking.mentor_id, func.count().label("sessions"))
        .join(MentorProfile, MentorProfile.id == Booking.mentor_id)
        .join(User, User.id == MentorProfile.user_id)
        .where(
            Booking.status.in_(LIVE_STATUSES),
            any_week,
            MentorProfile.status == MentorStatus.ACTIVE,
            this_week,
        )
        .group_by(Booking.mentor_id)
        .subquery()
    )
    return _mentor_loads(session, loads, full_only=True, limit=None)


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
        .where(DueWork.status == DueStatus.FAILED, _within(finished, start, end))
        .order_by(finished, DueWork.id)
    )
    return tuple(FailedMessage(kind, error or "", due_at) for kind, error, due_at in rows)


def weeks_of_sessions(
    session: Session,
    end: datetime,
    now: datetime,
    *,
    weeks: int = HISTORY_WEEKS,
    bookings: ColumnElement[bool] | None = None,
) -> tuple[WeekOfSessions, ...]:
    """Held and called-off sessions of the last `weeks` UTC weeks up to `end`, in one round
    trip; only the bookings meeting `bookings` when given (a programme's own)."""
    last_day = (end - timedelta(microseconds=1)).date()
    last_monday = datetime.combine(last_day - timedelta(days=last_day.weekday()), time(), UTC)
    mondays = [last_monday - WEEK * back for back in reversed(range(weeks))]
    ours = [bookings] if bookings is not None else []
    columns = []
    for monday in mondays:
        ended = and_(_ended(monday, monday + WEEK, now), *ours)
        cancelled = and_(
            Booking.status == BookingStatus.CANCELLED,
            _within(Booking.starts_at, monday, monday + WEEK),
            *ours,
        )
        columns += [_counted(ended), _counted(ended, _no_show()), _counted(cancelled)]
    row = [int(value or 0) for value in session.execute(select(*columns)).one()]
    return tuple(
        WeekOfSessions(
            monday=monday.date(),
            held=row[3 * i] - row[3 * i + 1],
            called_off=row[3 * i + 1] + row[3 * i + 2],
        )
        for i, monday in enumerate(mondays)
    )


def stars_per_month(
    session: Session, end: datetime, *, bookings: ColumnElement[bool] | None = None
) -> tuple[MonthOfStars, ...]:
    """Average stars of the last HISTORY_MONTHS calendar months' reviews, in one round trip;
    only reviews of the bookings meeting `bookings` when given."""
    last = (end - timedelta(microseconds=1)).date().replace(day=1)
    firsts = [last]
    while len(firsts) < HISTORY_MONTHS:
        previous = firsts[0] - timedelta(days=1)
        firsts.insert(0, previous.replace(day=1))
    bounds = [datetime.combine(first, time(), UTC) for first in firsts]
    following = (
        last.replace(year=last.year + 1, month=1)
        if last.month == 12
        else last.replace(month=last.month + 1)
    )
    bounds.append(datetime.combine(following, time(), UTC))
    ours = (
        [Review.booking_id.in_(select(Booking.id).where(bookings))] if bookings is not None else []
    )
    columns = []
    for start, stop in pairwise(bounds):
        within = and_(_within(Review.created_at, start, stop), *ours)
        columns += [
            select(func.avg(Review.connection_stars)).where(within).scalar_subquery(),
            select(func.avg(Review.program_stars)).where(within).scalar_subquery(),
            select(func.count()).select_from(Review).where(within).scalar_subquery(),
        ]
    row = session.execute(select(*columns)).one()
    return tuple(
        MonthOfStars(
            month=first,
            connection=None if row[3 * i] is None else float(row[3 * i]),
            programme=None if row[3 * i + 1] is None else float(row[3 * i + 1]),
            reviews=int(row[3 * i + 2] or 0),
        )
        for i, first in enumerate(firsts)
    )


def _programme_name(session: Session) -> str:
    name = session.scalar(select(Programme.name).where(Programme.is_default))
    return name or "Mentoring programme"
