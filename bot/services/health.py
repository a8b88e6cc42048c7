"""Relationship health for coordinators: which mentorships need a look, a nudge, the trend.

`/mentor admin health` lists the mentorships at risk (the digest's rule:
bot/services/mentorship_figures.py, `at_risk`) with the programme's trend over the last
TREND_WEEKS weeks: sessions held in mentorships, the average pulse, goals reached. A coordinator
can **Nudge** a mentorship at risk: both sides get a friendly prompt that says what to do about
what is wrong, and the nudge is audited. The rule is re-read at the click: a mentorship that is
no longer at risk (they met since, or it ended) is not nudged, nor one nudged in the last
NUDGE_EVERY, so two coordinators clicking the same card send one prompt.
Diary text is never read here; coordinators see only what the digest shows.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from bot.services.audit import record
from bot.services.coordinators import authorize, require_coordinator
from bot.services.errors import DomainError
from bot.services.mentorship_figures import AtRisk, at_risk
from store.models import AuditEntry, Booking, Goal, Mentorship, Programme, Pulse
from store.statuses import BookingStatus, GoalStatus

TREND_WEEKS = 8
NUDGE_EVERY = timedelta(days=1)
NUDGE_ACTION = "mentorship nudge"
WEEK = timedelta(days=7)


class NotAtRisk(DomainError):
    def __init__(self) -> None:
        super().__init__(
            "This mentorship is not at risk any more (they may have met since, or it ended): "
            "no nudge sent."
        )


class NudgedRecently(DomainError):
    def __init__(self) -> None:
        super().__init__("This mentorship was nudged in the last day: no second nudge sent.")


@dataclass(frozen=True)
class HealthWeek:
    monday: date
    sessions_held: int  # sessions of mentorships that ended that week, by now
    pulse_average: float | None
    pulses: int
    goals_reached: int


@dataclass(frozen=True)
class HealthReport:
    programme: str
    at_risk: tuple[AtRisk, ...]
    trend: tuple[HealthWeek, ...]


@dataclass(frozen=True)
class Nudged:
    """A nudge to send: where the pair's shared DM is (None: write to each), and why."""

    risk: AtRisk
    channel_id: str | None

    @property
    def people(self) -> tuple[str, ...]:
        return (self.risk.mentor_slack_id, *self.risk.mentee_slack_ids)


def health(
    session: Session, *, actor: str, coordinators: Collection[str], now: datetime
) -> HealthReport:
    """`/mentor admin health`: the mentorships at risk and the trend, for a coordinator."""
    authorize(session, actor=actor, coordinators=coordinators, action="admin health", now=now)
    names = session.scalars(select(Programme.name).order_by(Programme.id).limit(2)).all()
    return HealthReport(
        programme=names[0] if len(names) == 1 else "all programmes",
        at_risk=at_risk(session, now),
        trend=_trend(session, now),
    )


def nudge(
    session: Session,
    *,
    actor: str,
    coordinators: Collection[str],
    mentorship_id: int,
    now: datetime,
) -> Nudged:
    """Nudge both sides of a mentorship at risk, once a day at most; audited."""
    require_coordinator(actor, coordinators)
    frame = session.scalar(
        select(Mentorship).where(Mentorship.id == mentorship_id).with_for_update()
    )  # two coordinators clicking at once: the second waits, then sees the first's audit
    if frame is None:
        raise NotAtRisk()
    risks = at_risk(session, now, mentorship_id=mentorship_id)
    if not risks:
        raise NotAtRisk()
    subject = f"mentorship:{mentorship_id}"
    recent = session.scalar(
        select(func.count()).where(
            AuditEntry.action == NUDGE_ACTION,
            AuditEntry.detail == subject,
            AuditEntry.at > now - NUDGE_EVERY,
        )
    )
    if recent:
        raise NudgedRecently()
    record(
        session,
        actor=actor,
        action=NUDGE_ACTION,
        detail=subject,
        now=now,
        subject=risks[0].mentor_slack_id,
    )
    return Nudged(risk=risks[0], channel_id=frame.channel_id)


def _trend(session: Session, now: datetime) -> tuple[HealthWeek, ...]:
    """The last TREND_WEEKS UTC weeks up to this one, in one round trip."""
    today = now.astimezone(UTC).date()
    this_monday = datetime.combine(today - timedelta(days=today.weekday()), time(), UTC)
    mondays = [this_monday - WEEK * back for back in reversed(range(TREND_WEEKS))]
    columns = []
    for monday in mondays:
        end = monday + WEEK
        held = and_(
            Booking.mentorship_id.is_not(None),
            Booking.status == BookingStatus.APPROVED,
            Booking.ends_at >= monday,
            Booking.ends_at < end,
            Booking.ends_at <= now,
        )
        pulsed = and_(Pulse.created_at >= monday, Pulse.created_at < end)
        reached = and_(
            Goal.status == GoalStatus.REACHED, Goal.reached_at >= monday, Goal.reached_at < end
        )
        columns += [
            select(func.count()).select_from(Booking).where(held).scalar_subquery(),
            select(func.avg(Pulse.stars)).where(pulsed).scalar_subquery(),
            select(func.count()).select_from(Pulse).where(pulsed).scalar_subquery(),
            select(func.count()).select_from(Goal).where(reached).scalar_subquery(),
        ]
    row = session.execute(select(*columns)).one()
    return tuple(
        HealthWeek(
            monday=monday.date(),
            sessions_held=int(row[4 * i] or 0),
            pulse_average=None if row[4 * i + 1] is None else float(row[4 * i + 1]),
            pulses=int(row[4 * i + 2] or 0),
            goals_reached=int(row[4 * i + 3] or 0),
        )
        for i, monday in enumerate(mondays)
    )
