"""What a mentorship looks like outside its services, and the one place that loads it.

Every mentorship use case (asking, agreeing, goals, sessions, diary, pulse, closing) reads the
frame through `load`, which refuses anyone who is not part of it, so "acting on a mentorship one
is not part of" has one answer wherever it happens (architecture.md, "The rules", 2).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from bot.services.errors import DomainError
from store.models import Goal, MentorProfile, Mentorship, MentorshipMember, User
from store.statuses import (
    LIVE_MEMBER_STATUSES,
    Cadence,
    GoalStatus,
    MemberStatus,
    MentorshipKind,
    MentorshipStatus,
    Role,
)

CADENCE_NAMES = {
    Cadence.WEEKLY: "every week",
    Cadence.FORTNIGHTLY: "every two weeks",
    Cadence.MONTHLY: "every month",
}
CADENCE_DAYS = {Cadence.WEEKLY: 7, Cadence.FORTNIGHTLY: 14, Cadence.MONTHLY: 30}
GOAL_STATUS_NAMES = {
    GoalStatus.NOT_STARTED: "not started",
    GoalStatus.IN_PROGRESS: "in progress",
    GoalStatus.REACHED: "reached",
    GoalStatus.DROPPED: "dropped",
}


class MentorshipError(DomainError):
    """A mentorship rule refused the change; the text says why, fit to show the person."""


class NotInMentorship(MentorshipError):
    def __init__(self) -> None:
        super().__init__("That mentorship isn't one you're part of, so nothing was changed.")


class MentorshipOver(MentorshipError):
    def __init__(self) -> None:
        super().__init__("That mentorship has already ended, so nothing was changed.")


@dataclass(frozen=True)
class StepView:
    id: int
    text: str
    done: bool


@dataclass(frozen=True)
class GoalView:
    id: int
    position: int
    text: str
    status: GoalStatus
    steps: tuple[StepView, ...]

    @property
    def status_name(self) -> str:
        return GOAL_STATUS_NAMES[self.status]


@dataclass(frozen=True)
class MemberView:
    id: int
    mentee_slack_id: str
    mentee_name: str
    mentee_tz: str
    status: MemberStatus
    hopes: str
    answer_comment: str | None
    requested_at: datetime
    mentee_agreed: bool
    mentor_agreed: bool
    goals: tuple[GoalView, ...]

    @property
    def live(self) -> bool:
        return self.status in LIVE_MEMBER_STATUSES

    @property
    def goals_reached(self) -> int:
        return sum(goal.status == GoalStatus.REACHED for goal in self.goals)


@dataclass(frozen=True)
class MentorshipView:
    id: int
    kind: MentorshipKind
    status: MentorshipStatus
    programme_id: int
    name: str | None
    topic: str | None
    group_goal: str | None
    seats: int
    cadence: Cadence
    months: int
    starts_on: date | None
    ends_on: date | None
    proposed_ends_on: date | None
    proposed_by_slack_id: str | None
    mentor_id: int
    mentor_slack_id: str
    mentor_name: str
    mentor_tz: str
    channel_id: str | None
    goals_message_ts: str | None
    version: int
    members: tuple[MemberView, ...]

    @property
    def title(self) -> str:
        """How people name it: the group's name, or "Ada & Ben" for a pair."""
        if self.name:
            return self.name
        mentees = ", ".join(m.mentee_name for m in self.members if m.live)
        return f"{self.mentor_name} & {mentees}" if mentees else self.mentor_name

    @property
    def cadence_name(self) -> str:
        return CADENCE_NAMES[self.cadence]

    def role_of(self, slack_id: str) -> Role | None:
        if slack_id == self.mentor_slack_id:
            return Role.MENTOR
        if any(m.mentee_slack_id == slack_id for m in self.members):
            return Role.MENTEE
        return None

    def member_of(self, slack_id: str) -> MemberView | None:
        return next((m for m in self.members if m.mentee_slack_id == slack_id), None)

    def people(self) -> tuple[str, ...]:
        """Slack ids of the mentor and every live member: who hears about a change."""
        return (self.mentor_slack_id, *(m.mentee_slack_id for m in self.members if m.live))


# Built once (a statement built per call costs more than it takes to run): the frames with
# their mentor and members joined in, and the goals and steps in one query each.
_FRAMES = select(Mentorship).options(
    joinedload(Mentorship.mentor, innerjoin=True).joinedload(MentorProfile.user, innerjoin=True),
    selectinload(Mentorship.members).joinedload(MentorshipMember.mentee, innerjoin=True),
    selectinload(Mentorship.members).selectinload(MentorshipMember.goals).selectinload(Goal.steps),
)


def _frames() -> Select[Mentorship]:
    return _FRAMES


def load(
    session: Session, mentorship_id: int, *, actor_slack_id: str, lock: bool = False
) -> tuple[Mentorship, Role]:
    """The mentorship and the actor's role in it, or `NotInMentorship`; `lock` takes the frame's
    row for the rest of the transaction (FOR UPDATE on PostgreSQL; SQLite's writes are serial)."""
    query = select(Mentorship).where(Mentorship.id == mentorship_id)
    if lock:
        query = query.with_for_update()
    frame = session.scalars(query).one_or_none()
    if frame is None:
        raise NotInMentorship()
    if frame.mentor.user.slack_id == actor_slack_id:
        return frame, Role.MENTOR
    if any(m.mentee.slack_id == actor_slack_id for m in frame.members):
        return frame, Role.MENTEE
    raise NotInMentorship()


def view_of(session: Session, mentorship_id: int) -> MentorshipView:
    frame = session.scalars(_frames().where(Mentorship.id == mentorship_id)).one()
    return to_view(frame, _slack_ids(session, [frame.proposed_by_id]))


def mentorships_of(
    session: Session, *, slack_id: str, include_over: bool = False
) -> list[MentorshipView]:
    """The person's mentorships as mentor or mentee, live ones first, in a fixed number of
    queries whatever their count (`/mentor mentorships`)."""
    user_id = session.scalar(select(User.id).where(User.slack_id == slack_id))
    if user_id is None:
        return []
    return first_mentorships_of(session, user_id=user_id, include_over=include_over)[0]


def first_mentorships_of(
    session: Session, *, user_id: int, include_over: bool = False, limit: int | None = None
) -> tuple[list[MentorshipView], int]:
    """The user's first `limit` mentorships (newest first), and how many they have in all:
    Home loads with their goals only the few it shows, and counts the rest in the same query."""
    as_mentee = select(MentorshipMember.mentorship_id).where(MentorshipMember.mentee_id == user_id)
    as_mentor = (
        select(Mentorship.id)
        .join(MentorProfile, MentorProfile.id == Mentorship.mentor_id)
        .where(MentorProfile.user_id == user_id)
    )
    query = (
        _frames()
        .add_columns(func.count().over())  # counted before the limit applies
        .where(Mentorship.id.in_(as_mentee.union(as_mentor).scalar_subquery()))
    )
    if not include_over:
        query = query.where(Mentorship.status == MentorshipStatus.OPEN)
    rows = session.execute(query.order_by(Mentorship.id.desc()).limit(limit)).all()
    frames = [frame for frame, _ in rows]
    proposers = _slack_ids(session, [f.proposed_by_id for f in frames])
    return [to_view(frame, proposers) for frame in frames], rows[0][1] if rows else 0


def _slack_ids(session: Session, user_ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {user_id for user_id in user_ids if user_id is not None}
    if not wanted:
        return {}
    return dict(session.execute(select(User.id, User.slack_id).where(User.id.in_(wanted))).all())


def to_view(frame: Mentorship, slack_ids: dict[int, str]) -> MentorshipView:
    mentor = frame.mentor.user
    return MentorshipView(
        id=frame.id,
        kind=frame.kind,
        status=frame.status,
        programme_id=frame.programme_id,
        name=frame.name,
        topic=frame.topic,
        group_goal=frame.group_goal,
        seats=frame.seats,
        cadence=frame.cadence,
        months=frame.months,
        starts_on=frame.starts_on,
        ends_on=frame.ends_on,
        proposed_ends_on=frame.proposed_ends_on,
        proposed_by_slack_id=slack_ids.get(frame.proposed_by_id or 0),
        mentor_id=frame.mentor_id,
        mentor_slack_id=mentor.slack_id,
        mentor_name=mentor.real_name,
        mentor_tz=mentor.tz,
        channel_id=frame.channel_id,
        goals_message_ts=frame.goals_message_ts,
        version=frame.version,
        members=tuple(_member_view(member) for member in frame.members),
    )


def _member_view(member: MentorshipMember) -> MemberView:
    return MemberView(
        id=member.id,
        mentee_slack_id=member.mentee.slack_id,
        mentee_name=member.mentee.real_name,
        mentee_tz=member.mentee.tz,
        status=member.status,
        hopes=member.hopes,
        answer_comment=member.answer_comment,
        requested_at=member.requested_at,
        mentee_agreed=member.mentee_agreed_at is not None,
        mentor_agreed=member.mentor_agreed_at is not None,
        goals=tuple(
            GoalView(
                id=goal.id,
                position=goal.position,
                text=goal.text,
                status=goal.status,
                steps=tuple(StepView(s.id, s.text, s.done) for s in goal.steps),
            )
            for goal in member.goals
        ),
    )


def require_open(frame: Mentorship) -> None:
    if frame.status != MentorshipStatus.OPEN:
        raise MentorshipOver()
