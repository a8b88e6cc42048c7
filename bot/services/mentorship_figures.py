"""The mentorships part of the coordinators' digest and `/mentor admin stats`.

Three statements whatever the number of mentorships (one row of counts, the period's low pulses,
the mentorships at risk), each reading its own index ranges. Periods are half-open `[start,
end)` in UTC; what is "now" (active, at risk, open change requests) is judged at `now`.

Rules where the data leaves room for choice:
- A mentorship is the frame: a pair counts once, and so does a group, whatever its size.
  It *started* when its first member became active, and that moment falls in the period;
  it is *active* while at least one member is; it *ended* when its status is ended and its last
  member's end falls in the period.
- *Goals reached* is the share of goals reached among the goals of the members whose mentorship
  ended in the period: the outcome of finished work, not a snapshot of work under way (a goal
  dropped counts as not reached). With no member ended in the period it is not defined.
- A *low pulse* is 2 stars or fewer: the answers the pulse asks a comment for, so every such
  comment reaches coordinators here. Pulse and evaluation averages are of the period's answers.
- A mentorship is *at risk* when one of its members is active and: no session within twice its
  cadence (the last approved session of the mentorship, held or planned, or the first member's
  `active_at` when there is none, is older than twice the cadence); or someone's latest pulse
  for it is low; or a change request for it is open. It is at risk too when an agreement is
  not completed: a member accepted STALLED_AGREEMENT ago or more is still agreeing (it expires
  at AGREE_TTL, bot/services/mentorship_plans.py).
- Diary entries are counted, never read: their text is the pair's alone.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from bot.services.mentorship_view import CADENCE_DAYS
from store.models import (
    Booking,
    ChangeRequest,
    DiaryEntry,
    Evaluation,
    Goal,
    MentorProfile,
    Mentorship,
    MentorshipMember,
    Pulse,
    User,
)
from store.statuses import (
    BookingStatus,
    Cadence,
    ChangeRequestStatus,
    GoalStatus,
    MemberStatus,
    MentorshipKind,
    MentorshipStatus,
)

LOW_PULSE = 2  # stars; the pulse asks a comment at this or fewer
QUIET_CADENCES = 2  # at risk after this many cadences without a session
STALLED_AGREEMENT = timedelta(days=3)  # accepted this long ago and not yet agreed by both


@dataclass(frozen=True)
class LowPulse:
    stars: int
    comment: str | None
    respondent_slack_id: str
    mentor_slack_id: str
    mentee_slack_id: str
    created_at: datetime


@dataclass(frozen=True)
class AtRisk:
    """A mentorship that needs a look, with the people in it and why."""

    mentorship_id: int
    kind: MentorshipKind
    name: str | None  # a group's name
    cadence: Cadence
    mentor_slack_id: str
    mentee_slack_ids: tuple[str, ...]
    quiet_for: timedelta | None  # set when no session within twice the cadence
    low_pulse: bool
    change_requested: bool
    agreement_stalled: bool = False


@dataclass(frozen=True)
class MentorshipFigures:
    started: int
    active: int
    ended: int
    goals_of_ended: int
    goals_reached: int
    pulse_average: float | None
    pulses: int
    low_pulses: tuple[LowPulse, ...]
    evaluation_average: float | None
    evaluations: int
    diary_entries: int
    open_change_requests: int
    at_risk: tuple[AtRisk, ...]

    @property
    def goals_reached_share(self) -> float | None:
        return self.goals_reached / self.goals_of_ended if self.goals_of_ended else None

    @property
    def has_news(self) -> bool:
        """Something happened in the period or needs a look (active ones alone do not)."""
        counts = (self.started, self.ended, self.pulses, self.evaluations, self.diary_entries)
        return any(counts) or bool(self.low_pulses or self.at_risk or self.open_change_requests)

    @property
    def any(self) -> bool:
        """Whether the programme has mentorships to speak of at all."""
        return self.has_news or bool(self.active)


NO_MENTORSHIPS = MentorshipFigures(0, 0, 0, 0, 0, None, 0, (), None, 0, 0, 0, ())


def mentorship_figures(
    session: Session, *, start: datetime, end: datetime, now: datetime
) -> MentorshipFigures:
    counts = _counts(session, start, end)
    return MentorshipFigures(
        started=counts["started"],
        active=counts["active"],
        ended=counts["ended"],
        goals_of_ended=counts["goals"],
        goals_reached=counts["reached"],
        pulse_average=_average(counts["pulse_average"]),
        pulses=counts["pulses"],
        low_pulses=_low_pulses(session, start, end),
        evaluation_average=_average(counts["evaluation_average"]),
        evaluations=counts["evaluations"],
        diary_entries=counts["diary"],
        open_change_requests=counts["open_change_requests"],
        at_risk=at_risk(session, now),
    )


def _within(column: Any, start: datetime, end: datetime) -> ColumnElement[bool]:
    return and_(column >= start, column < end)


def _average(value: Any) -> float | None:
    return None if value is None else float(value)


def _scalar(query: Any) -> Any:
    return query.scalar_subquery()


def _counts(session: Session, start: datetime, end: datetime) -> dict[str, Any]:
    """Every count and average in one round trip, each on its own index range."""
    member, earlier = MentorshipMember, aliased(MentorshipMember)
    first_active = ~exists().where(
        earlier.mentorship_id == member.mentorship_id, earlier.active_at < start
    )
    started = select(func.count(func.distinct(member.mentorship_id))).where(
        _within(member.active_at, start, end), first_active
    )
    active = select(func.count(func.distinct(member.mentorship_id))).where(
        member.status == MemberStatus.ACTIVE
    )
    last_to_end = ~exists().where(
        earlier.mentorship_id == member.mentorship_id, earlier.ended_at >= end
    )
    ended = (
        select(func.count(func.distinct(member.mentorship_id)))
        .join(Mentorship, Mentorship.id == member.mentorship_id)
        .where(
            _within(member.ended_at, start, end),
            Mentorship.status == MentorshipStatus.ENDED,
            last_to_end,
        )
    )
    ended_members = (member.status == MemberStatus.ENDED, _within(member.ended_at, start, end))
    goals = select(func.count(Goal.id)).join(member, member.id == Goal.member_id)
    columns = {
        "started": started,
        "active": active,
        "ended": ended,
        "goals": goals.where(*ended_members),
        "reached": goals.where(*ended_members, Goal.status == GoalStatus.REACHED),
        "pulses": select(func.count(Pulse.id)).where(_within(Pulse.created_at, start, end)),
        "pulse_average": select(func.avg(Pulse.stars)).where(_within(Pulse.created_at, start, end)),
        "evaluations": select(func.count(Evaluation.id)).where(
            _within(Evaluation.created_at, start, end)
        ),
        "evaluation_average": select(func.avg(Evaluation.stars)).where(
            _within(Evaluation.created_at, start, end)
        ),
        "diary": select(func.count(DiaryEntry.id)).where(
            _within(DiaryEntry.created_at, start, end)
        ),
        "open_change_requests": select(func.count(ChangeRequest.id)).where(
            ChangeRequest.status == ChangeRequestStatus.OPEN
        ),
    }
    row = session.execute(select(*(_scalar(query) for query in columns.values()))).one()
    found = dict(zip(columns, row, strict=True))
    return {
        name: value if name.endswith("average") else int(value or 0)
        for name, value in found.items()
    }


def _low_pulses(session: Session, start: datetime, end: datetime) -> tuple[LowPulse, ...]:
    """The period's low pulses with who answered about which pair, newest first; one range of
    `ix_pulses_created_stars`."""
    respondent, mentor, mentee = aliased(User), aliased(User), aliased(User)
    rows = session.execute(
        select(
            Pulse.stars,
            Pulse.comment,
            respondent.slack_id,
            mentor.slack_id,
            mentee.slack_id,
            Pulse.created_at,
        )
        .join(respondent, respondent.id == Pulse.respondent_id)
        .join(MentorshipMember, MentorshipMember.id == Pulse.member_id)
        .join(MentorProfile, MentorProfile.id == MentorshipMember.mentor_id)
        .join(mentor, mentor.id == MentorProfile.user_id)
        .join(mentee, mentee.id == MentorshipMember.mentee_id)
        .where(_within(Pulse.created_at, start, end), Pulse.stars <= LOW_PULSE)
        .order_by(Pulse.created_at.desc(), Pulse.id.desc())
    )
    return tuple(LowPulse(*row) for row in rows)


def at_risk(
    session: Session, now: datetime, *, mentorship_id: int | None = None
) -> tuple[AtRisk, ...]:
    """Mentorships with a reason to worry (all, or the one asked about): the active ones
    oldest first, then those whose agreement is not completed, in two statements."""
    risky = {risk.mentorship_id: risk for risk in _at_risk(session, now, mentorship_id)}
    for stalled in _stalled_agreements(session, now, mentorship_id):
        known = risky.get(stalled.mentorship_id)
        risky[stalled.mentorship_id] = (
            replace(known, agreement_stalled=True) if known is not None else stalled
        )
    return tuple(risky.values())


def _stalled_agreements(session: Session, now: datetime, mentorship_id: int | None) -> list[AtRisk]:
    """Mentorships with a member accepted STALLED_AGREEMENT ago or more and still agreeing."""
    mentor, mentee = aliased(User), aliased(User)
    query = (
        select(
            Mentorship.id,
            Mentorship.kind,
            Mentorship.name,
            Mentorship.cadence,
            mentor.slack_id,
            mentee.slack_id,
        )
        .join(MentorshipMember, MentorshipMember.mentorship_id == Mentorship.id)
        .join(MentorProfile, MentorProfile.id == Mentorship.mentor_id)
        .join(mentor, mentor.id == MentorProfile.user_id)
        .join(mentee, mentee.id == MentorshipMember.mentee_id)
        .where(
            MentorshipMember.status == MemberStatus.AGREEING,
            MentorshipMember.answered_at <= now - STALLED_AGREEMENT,
        )
        .order_by(MentorshipMember.answered_at, Mentorship.id, MentorshipMember.id)
    )
    if mentorship_id is not None:
        query = query.where(Mentorship.id == mentorship_id)
    found: dict[int, AtRisk] = {}
    for id_, kind, name, cadence, mentor_id, mentee_id in session.execute(query):
        _fold(
            found,
            AtRisk(
                mentorship_id=id_,
                kind=kind,
                name=name,
                cadence=cadence,
                mentor_slack_id=mentor_id,
                mentee_slack_ids=(mentee_id,),
                quiet_for=None,
                low_pulse=False,
                change_requested=False,
                agreement_stalled=True,
            ),
        )
    return list(found.values())


def _at_risk(session: Session, now: datetime, mentorship_id: int | None) -> tuple[AtRisk, ...]:
    """Active mentorships with a reason to worry, oldest first, in one statement: a row per
    (mentorship, active member), folded here."""
    member = aliased(MentorshipMember)
    members = select(
        member.mentorship_id.label("id"),
        func.min(member.active_at).label("since"),
    ).where(member.status == MemberStatus.ACTIVE)
    if mentorship_id is not None:
        members = members.where(member.mentorship_id == mentorship_id)
    live = members.group_by(member.mentorship_id).subquery()
    last_session = (
        select(func.max(Booking.starts_at))
        .where(Booking.mentorship_id == live.c.id, Booking.status == BookingStatus.APPROVED)
        .correlate(live)
        .scalar_subquery()
    )
    pulse, later, of_frame = aliased(Pulse), aliased(Pulse), aliased(MentorshipMember)
    low_pulse = (
        exists()
        .where(
            of_frame.mentorship_id == live.c.id,
            pulse.member_id == of_frame.id,
            pulse.stars <= LOW_PULSE,
            ~exists().where(
                later.member_id == pulse.member_id,
                later.respondent_id == pulse.respondent_id,
                later.round > pulse.round,
            ),
        )
        .correlate(live)
    )
    asked, asker = aliased(ChangeRequest), aliased(MentorshipMember)
    change_requested = (
        exists()
        .where(
            asker.mentorship_id == live.c.id,
            asked.member_id == asker.id,
            asked.status == ChangeRequestStatus.OPEN,
        )
        .correlate(live)
    )
    seen = func.coalesce(last_session, live.c.since)
    quiet = or_(
        *(
            and_(
                Mentorship.cadence == cadence,
                seen < now - timedelta(days=QUIET_CADENCES * days),
            )
            for cadence, days in CADENCE_DAYS.items()
        )
    )
    risky = (
        select(
            live.c.id,
            Mentorship.kind,
            Mentorship.name,
            Mentorship.cadence,
            seen.label("seen"),
            quiet.label("quiet"),
            low_pulse.label("low_pulse"),
            change_requested.label("change_requested"),
        )
        .join(Mentorship, Mentorship.id == live.c.id)
        .where(or_(quiet, low_pulse, change_requested))
        .subquery()
    )
    mentor, mentee = aliased(User), aliased(User)
    rows = session.execute(
        select(risky, mentor.slack_id, mentee.slack_id)
        .join(Mentorship, Mentorship.id == risky.c.id)
        .join(MentorProfile, MentorProfile.id == Mentorship.mentor_id)
        .join(mentor, mentor.id == MentorProfile.user_id)
        .join(
            MentorshipMember,
            and_(
                MentorshipMember.mentorship_id == risky.c.id,
                MentorshipMember.status == MemberStatus.ACTIVE,
            ),
        )
        .join(mentee, mentee.id == MentorshipMember.mentee_id)
        .order_by(risky.c.seen, risky.c.id, MentorshipMember.id)
    ).all()
    found: dict[int, AtRisk] = {}
    for id_, kind, name, cadence, seen_at, quiet_, low, asked_, mentor_id, mentee_id in rows:
        _fold(
            found,
            AtRisk(
                mentorship_id=id_,
                kind=kind,
                name=name,
                cadence=cadence,
                mentor_slack_id=mentor_id,
                mentee_slack_ids=(mentee_id,),
                quiet_for=_since(now, seen_at) if quiet_ else None,
                low_pulse=bool(low),
                change_requested=bool(asked_),
            ),
        )
    return tuple(found.values())


def _fold(found: dict[int, AtRisk], risk: AtRisk) -> None:
    """Keep one entry a mentorship: a later row of the same one only adds its mentee."""
    before = found.get(risk.mentorship_id)
    if before is None:
        found[risk.mentorship_id] = risk
    else:
        found[risk.mentorship_id] = replace(
            before, mentee_slack_ids=(*before.mentee_slack_ids, *risk.mentee_slack_ids)
        )


def _since(now: datetime, seen: Any) -> timedelta:
    """How long since the last session (or the start); SQLite hands the coalesced text back."""
    if isinstance(seen, str):
        seen = datetime.fromisoformat(seen)
    if seen.tzinfo is None:
        seen = seen.replace(tzinfo=now.tzinfo)
    return now - seen
