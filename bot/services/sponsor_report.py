"""The one-page report for a programme's sponsor: `/mentor admin report [programme]`.

For people outside Slack: who took part, sessions held, goals reached, the average ratings and
pulse, and what people looked for and did not find, over the programme's own dates (a cohort)
or the last REPORT_DAYS days (the always-open programme), with the CSV files of the same period.
What belongs to a programme: its mentorships and their sessions; the default programme also
owns every one-off session (bookings outside a mentorship). Unmet searches are not tied to a
programme, so the report shows the company's. Diary text is never read.
Each figure is one aggregate statement whatever the size of the company.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import ColumnElement, and_, func, or_, select, text, union
from sqlalchemy.orm import Session

from bot.services.coordinators import authorize, require_coordinator
from bot.services.digest import (
    MonthOfStars,
    WeekOfSessions,
    stars_per_month,
    unmet_demand,
    weeks_of_sessions,
)
from bot.services.errors import DomainError
from bot.services.export import Export, export_period
from store.models import (
    NO_SHOW,
    Attendance,
    Booking,
    Goal,
    Mentorship,
    MentorshipMember,
    Programme,
    Pulse,
    Review,
)
from store.statuses import BookingStatus, GoalStatus, MemberStatus

REPORT_DAYS = 90
WEEKS_SHOWN = 12
WEEK = timedelta(days=7)
TOOK_PART = (MemberStatus.ACTIVE, MemberStatus.ENDED)


class UnknownProgramme(DomainError):
    def __init__(self, names: list[str]) -> None:
        listed = ", ".join(f"“{name}”" for name in names)
        super().__init__(f"No programme has that name. The programmes are: {listed}.")


@dataclass(frozen=True)
class SponsorReport:
    programme: str
    start: datetime
    end: datetime
    mentors: int
    mentees: int
    mentorships: int
    sessions_held: int
    goals: int
    goals_reached: int
    connection_average: float | None
    programme_average: float | None
    reviews: int
    pulse_average: float | None
    pulses: int
    unmet_demand: tuple[tuple[str, int], ...]
    weeks: tuple[WeekOfSessions, ...]
    months: tuple[MonthOfStars, ...]
    files: Export


def sponsor_report(
    session: Session,
    *,
    actor: str,
    coordinators: Collection[str],
    programme: str,
    now: datetime,
) -> SponsorReport:
    """The report of the programme named (the default one when blank), for a coordinator."""
    require_coordinator(actor, coordinators)
    chosen = _programme(session, programme.strip())
    authorize(
        session, actor=actor, coordinators=coordinators, action="admin report",
        detail=chosen.name, now=now,
    )  # fmt: skip
    start, end = _period(chosen, now)
    ours = _in_programme(chosen)
    held = and_(
        ours,
        Booking.status == BookingStatus.APPROVED,
        Booking.ends_at >= start,
        Booking.ends_at < end,
        Booking.ends_at <= now,
        ~Booking.id.in_(select(Attendance.booking_id).where(text(NO_SHOW))),
    )
    members = and_(
        MentorshipMember.mentorship_id == Mentorship.id,
        Mentorship.programme_id == chosen.id,
        MentorshipMember.status.in_(TOOK_PART),
        MentorshipMember.active_at < end,
        or_(MentorshipMember.ended_at.is_(None), MentorshipMember.ended_at >= start),
    )
    mentorships = session.scalar(select(func.count(func.distinct(Mentorship.id))).where(members))
    # Who took part: in one of its mentorships, or (the default programme) in a one-off session.
    one_off = and_(held, Booking.mentorship_id.is_(None))
    mentors = union(
        select(Mentorship.mentor_id.label("id")).where(members),
        select(Booking.mentor_id.label("id")).where(one_off),
    ).subquery()
    mentees = union(
        select(MentorshipMember.mentee_id.label("id")).where(members),
        select(Booking.mentee_id.label("id")).where(one_off),
    ).subquery()
    people = session.execute(
        select(
            select(func.count()).select_from(mentors).scalar_subquery(),
            select(func.count()).select_from(mentees).scalar_subquery(),
        )
    ).one()
    goals = session.execute(
        select(func.count(), func.count().filter(Goal.status == GoalStatus.REACHED))
        .join(MentorshipMember, MentorshipMember.id == Goal.member_id)
        .where(members)
    ).one()  # fmt: skip
    reviewed = and_(Review.booking_id.in_(select(Booking.id).where(held)))
    stars = session.execute(
        select(func.avg(Review.connection_stars), func.avg(Review.program_stars), func.count())
        .where(reviewed)
    ).one()  # fmt: skip
    pulse = session.execute(
        select(func.avg(Pulse.stars), func.count())
        .join(MentorshipMember, MentorshipMember.id == Pulse.member_id)
        .join(Mentorship, Mentorship.id == MentorshipMember.mentorship_id)
        .where(
            Mentorship.programme_id == chosen.id,
            Pulse.created_at >= start,
            Pulse.created_at < end,
        )
    ).one()  # fmt: skip
    return SponsorReport(
        programme=chosen.name,
        start=start,
        end=end,
        mentors=int(people[0] or 0),
        mentees=int(people[1] or 0),
        mentorships=int(mentorships or 0),
        sessions_held=int(session.scalar(select(func.count()).where(held)) or 0),
        goals=int(goals[0]),
        goals_reached=int(goals[1]),
        connection_average=_float(stars[0]),
        programme_average=_float(stars[1]),
        reviews=int(stars[2]),
        pulse_average=_float(pulse[0]),
        pulses=int(pulse[1]),
        unmet_demand=unmet_demand(session, start, end),
        weeks=weeks_of_sessions(session, end, now, weeks=WEEKS_SHOWN, bookings=ours),
        months=stars_per_month(session, end, bookings=ours),
        files=export_period(session, start=start, end=end),
    )


def _programme(session: Session, name: str) -> Programme:
    if not name:
        found = session.scalar(select(Programme).where(Programme.is_default))
    else:
        found = session.scalar(
            select(Programme).where(func.lower(Programme.name) == name.casefold())
        )
    if found is None:
        raise UnknownProgramme(
            list(session.scalars(select(Programme.name).order_by(Programme.name)))
        )
    return found


def _period(programme: Programme, now: datetime) -> tuple[datetime, datetime]:
    """A cohort's own dates (up to now), else the last REPORT_DAYS days."""
    if programme.starts_on is None or programme.is_default:
        return now - timedelta(days=REPORT_DAYS), now
    start = datetime.combine(programme.starts_on, time(), UTC)
    ends = programme.ends_on + timedelta(days=1) if programme.ends_on else now.date()
    return start, min(datetime.combine(ends, time(), UTC), now)


def _in_programme(programme: Programme) -> ColumnElement[bool]:
    """A booking of the programme: of one of its mentorships, or one-off for the default one."""
    of_mentorship = Booking.mentorship_id.in_(
        select(Mentorship.id).where(Mentorship.programme_id == programme.id)
    )
    return (
        or_(of_mentorship, Booking.mentorship_id.is_(None))
        if programme.is_default
        else of_mentorship
    )


def _float(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]
