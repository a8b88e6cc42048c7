"""Asking for a mentorship, the mentor's answer, and both agreements (issue 13, items 1-3).

Each function is one whole use case (architecture.md, "The rules", 1): it re-reads the rows,
locks what a race could break (the frame through `mentorship_view.load(lock=True)`, the mentor's
profile where the mentee limit is counted), plans or drops the due work (`mentorship_plans`) and
returns a frozen `MemberOutcome` saying what happened and whom to tell. The database keeps one
open request per mentee and mentor (`uq_mentorship_members_requested_pair`); a racing second
request is turned into `AlreadyAsked`.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import ColumnElement, exists, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.services import mentorship_plans, pauses
from bot.services.errors import FieldErrors
from bot.services.mentorship_view import (
    MemberView,
    MentorshipError,
    MentorshipView,
    NotInMentorship,
    load,
    require_open,
    view_of,
)
from bot.services.people import PersonForgotten, lock_live_people
from store.models import (
    MAX_GOALS,
    MENTORSHIP_MONTHS,
    Goal,
    MentorProfile,
    Mentorship,
    MentorshipMember,
    Programme,
    User,
)
from store.statuses import (
    Cadence,
    MemberStatus,
    MentorshipKind,
    MentorshipStatus,
    MentorStatus,
    Role,
)

GOAL_MAX = 200
HOPES_MAX = 1000
COMMENT_MIN, COMMENT_MAX = 5, 1000
REQUESTED_INDEX = "uq_mentorship_members_requested_pair"
# The statuses that take one of a mentor's places (requests do not).
HOLDING_PLACE = (MemberStatus.AGREEING, MemberStatus.ACTIVE)


class InvalidAsk(FieldErrors, MentorshipError):
    """One message per form field that needs fixing ("goals", "hopes", "cadence", "months",
    "comment")."""


class AlreadyAsked(MentorshipError):
    def __init__(self) -> None:
        super().__init__(
            "You already have a mentorship request waiting with this mentor. Wait for their "
            "answer, or withdraw it first."
        )


class AlreadyPaired(MentorshipError):
    def __init__(self) -> None:
        super().__init__("You already have a mentorship with this mentor.")


class MentorFull(MentorshipError):
    def __init__(self) -> None:
        super().__init__(
            "This mentor is full for mentorships: they take no more mentees right now. "
            "You can still book single sessions with them."
        )


class MentorNotTaking(MentorshipError):
    def __init__(self, message: str = "This mentor isn't taking mentorships right now.") -> None:
        super().__init__(message)


class GroupFull(MentorshipError):
    def __init__(
        self, message: str = "This group is full: every seat is taken, so nothing was sent."
    ) -> None:
        super().__init__(message)


class NotWaiting(MentorshipError):
    """The member is no longer in the state the button was for (a stale or doubled click)."""


_STATUS_WORDS = {
    MemberStatus.REQUESTED: "is still waiting for an answer",
    MemberStatus.AGREEING: "was already accepted",
    MemberStatus.ACTIVE: "is already active",
    MemberStatus.ENDED: "has ended",
    MemberStatus.DECLINED: "was declined",
    MemberStatus.EXPIRED: "has expired",
    MemberStatus.WITHDRAWN: "was withdrawn",
}


def _not_waiting(status: MemberStatus) -> NotWaiting:
    return NotWaiting(f"This mentorship request {_STATUS_WORDS[status]}, so nothing was changed.")


@dataclass(frozen=True)
class MemberOutcome:
    """What a change did: the frame as it now is, the member it was about, and whom to tell."""

    mentorship: MentorshipView
    member: MemberView
    tell: tuple[str, ...]  # Slack ids of those for whom the change is news
    became_active: bool = False
    # Who receives the agreement on acceptance: both of a pair; a group's mentor agreed by
    # opening it, so only the new member.
    to_agree: tuple[str, ...] = ()
    # Who the group DM opened on becoming active holds: the mentor and every active member.
    dm_people: tuple[str, ...] = ()


# ---------------------------------------------------------------------------------------------
# Validation (pure)


def split_goals(text: str) -> list[str]:
    """One goal a line, blank lines and list marks dropped."""
    goals = []
    for line in text.splitlines():
        goal = line.strip().lstrip("-•*").strip()
        if goal:
            goals.append(goal)
    return goals


def check_ask(goals: Sequence[str], hopes: str, cadence: str, months: int | None) -> dict[str, str]:
    """Every problem with a mentorship request, keyed by field; empty when fine."""
    errors: dict[str, str] = {}
    if not goals:
        errors["goals"] = "Write at least one goal, one a line."
    elif len(goals) > MAX_GOALS:
        errors["goals"] = f"Keep to {MAX_GOALS} goals at most (you wrote {len(goals)})."
    elif long := [i for i, goal in enumerate(goals, 1) if len(goal) > GOAL_MAX]:
        errors["goals"] = f"Keep each goal to {GOAL_MAX} characters (goal {long[0]} is longer)."
    if len(hopes.strip()) > HOPES_MAX:
        errors["hopes"] = f"Keep this to {HOPES_MAX} characters."
    if cadence not in set(Cadence):
        errors["cadence"] = "Pick how often you'd like to meet."
    if months not in MENTORSHIP_MONTHS:
        errors["months"] = "Pick how long the mentorship should last."
    return errors


def check_comment(comment: str) -> dict[str, str]:
    text = comment.strip()
    if len(text) < COMMENT_MIN:
        return {
            "comment": f"Write a short comment (at least {COMMENT_MIN} characters): "
            "they'll read it."
        }
    if len(text) > COMMENT_MAX:
        return {"comment": f"Keep the comment to {COMMENT_MAX} characters."}
    return {}


def add_months(start: date, months: int) -> date:
    """The same day of the month `months` later, clamped to that month's last day."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


# ---------------------------------------------------------------------------------------------
# Search


def capacity_columns(asker_id: int | None) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """Two columns to read beside a `MentorProfile` row: whether the asker has an open request
    with that mentor, and whether the mentor is at their mentee limit. Search adds them to the
    query that reads the shown mentors, so showing them costs no statement of its own."""
    holding = (
        select(func.count(MentorshipMember.id))
        .where(
            MentorshipMember.mentor_id == MentorProfile.id,
            MentorshipMember.status.in_(HOLDING_PLACE),
        )
        .scalar_subquery()
    )
    asked = exists().where(
        MentorshipMember.mentor_id == MentorProfile.id,
        MentorshipMember.status == MemberStatus.REQUESTED,
        MentorshipMember.mentee_id == (asker_id if asker_id is not None else -1),
    )
    return asked, holding >= MentorProfile.mentee_limit


# ---------------------------------------------------------------------------------------------
# Asking


def request_mentorship(
    session: Session,
    *,
    mentee_id: int,
    mentor_id: int,
    goals: Sequence[str],
    hopes: str,
    cadence: str,
    months: int | None,
    now: datetime,
) -> MemberOutcome:
    """The mentee asks the mentor for a pair mentorship with their goals; the mentor is nudged
    before the request expires."""
    errors = check_ask(goals, hopes, cadence, months)
    if errors:
        raise InvalidAsk(errors)
    assert months is not None
    mentor_user = session.scalar(select(MentorProfile.user_id).where(MentorProfile.id == mentor_id))
    if mentor_user is None:
        raise MentorNotTaking()
    if mentor_user == mentee_id:
        raise MentorNotTaking("You can't ask yourself for a mentorship.")
    try:
        lock_live_people(session, acting=mentee_id, other=mentor_user)
    except PersonForgotten as gone:
        raise MentorshipError(str(gone)) from gone
    mentor = _locked_mentor(session, mentor_id)
    if mentor.status != MentorStatus.ACTIVE or mentor.mentee_limit == 0:
        raise MentorNotTaking()
    mine = (
        session.execute(
            select(MentorshipMember.status).where(
                MentorshipMember.mentee_id == mentee_id,
                MentorshipMember.mentor_id == mentor_id,
                MentorshipMember.status.in_((MemberStatus.REQUESTED, *HOLDING_PLACE)),
            )
        )
        .scalars()
        .all()
    )
    if MemberStatus.REQUESTED in mine:
        raise AlreadyAsked()
    if mine:
        raise AlreadyPaired()
    if _places_taken(session, mentor_id) >= mentor.mentee_limit:
        raise MentorFull()
    frame = Mentorship(
        programme_id=default_programme(session),
        mentor_id=mentor_id,
        kind=MentorshipKind.PAIR,
        status=MentorshipStatus.OPEN,
        seats=1,
        cadence=Cadence(cadence),
        months=months,
        created_at=now,
        updated_at=now,
    )
    member = MentorshipMember(
        mentee_id=mentee_id,
        mentor_id=mentor_id,
        status=MemberStatus.REQUESTED,
        hopes=hopes.strip(),
        requested_at=now,
    )
    member.goals = [
        Goal(position=i, text=text, created_at=now, updated_at=now)
        for i, text in enumerate(goals, 1)
    ]
    frame.members = [member]
    try:
        with session.begin_nested():
            session.add(frame)
    except IntegrityError as refused:
        if violated(refused, REQUESTED_INDEX):
            raise AlreadyAsked() from refused
        raise
    mentorship_plans.plan_request(
        session, mentorship_id=frame.id, member_id=member.id, mentor_user_id=mentor_user, now=now
    )
    view = view_of(session, frame.id)
    return member_outcome(view, member.id, tell=(view.mentor_slack_id,))


def remember_mentor_message(session: Session, *, member_id: int, channel: str, ts: str) -> None:
    """Where the mentor's request card lives, so the answer and the expiry update it in place."""
    session.execute(
        update(MentorshipMember)
        .where(MentorshipMember.id == member_id)
        .values(mentor_message_channel=channel, mentor_message_ts=ts)
        .execution_options(synchronize_session="fetch")
    )


def mentor_card_of(session: Session, *, member_id: int) -> tuple[str, str] | None:
    """The (channel, ts) of the mentor's request card, once it was posted."""
    row = session.execute(
        select(MentorshipMember.mentor_message_channel, MentorshipMember.mentor_message_ts).where(
            MentorshipMember.id == member_id
        )
    ).first()
    return (row[0], row[1]) if row and row[0] and row[1] else None


def withdraw(
    session: Session, *, member_id: int, actor_slack_id: str, now: datetime
) -> MemberOutcome:
    """The mentee takes back a request the mentor has not answered."""
    frame, member, role = _locked_member(session, member_id, actor_slack_id)
    if role != Role.MENTEE:
        raise NotInMentorship()
    _require(member, MemberStatus.REQUESTED)
    _close(session, frame, member, MemberStatus.WITHDRAWN, now)
    view = view_of(session, frame.id)
    return member_outcome(view, member.id, tell=(view.mentor_slack_id,))


# ---------------------------------------------------------------------------------------------
# Answering


def for_answer(session: Session, *, member_id: int, actor_slack_id: str) -> MemberView:
    """The request a mentor is about to accept or decline: theirs and still waiting."""
    frame, member, role = _member(session, member_id, actor_slack_id, lock=False)
    if role != Role.MENTOR:
        raise NotInMentorship()
    _require(member, MemberStatus.REQUESTED)
    return member_outcome(view_of(session, frame.id), member.id, tell=()).member


def answer(
    session: Session,
    *,
    member_id: int,
    actor_slack_id: str,
    accept: bool,
    comment: str,
    now: datetime,
) -> MemberOutcome:
    """The mentor accepts (the frame's dates are set from today, the agreement is due) or
    declines (the frame closes); either way the mentee reads the comment."""
    errors = check_comment(comment)
    if errors:
        raise InvalidAsk(errors)
    frame, member, role = _locked_member(session, member_id, actor_slack_id)
    if role != Role.MENTOR:
        raise NotInMentorship()
    _require(member, MemberStatus.REQUESTED)
    member.answer_comment = comment.strip()
    member.answered_at = now
    pauses.note_answered(session, mentor_id=frame.mentor_id)
    if not accept:
        _close(session, frame, member, MemberStatus.DECLINED, now)
    elif frame.kind == MentorshipKind.GROUP:
        require_open(frame)  # a group that ended takes no one new
        # The frame row is locked, so racing accepts count the seats one after another.
        if seats_taken(session, frame.id) >= frame.seats:
            raise GroupFull(
                f"Every seat of {frame.name} is taken ({frame.seats}), so nothing was changed. "
                "Decline the request, or wait until a seat frees up."
            )
        member.status = MemberStatus.AGREEING
        member.mentor_agreed_at = now  # opening the group was the mentor's agreement
        frame.version += 1
        frame.updated_at = now
        session.flush()
        mentorship_plans.plan_agreement(
            session, mentorship_id=frame.id, member_id=member.id, now=now
        )
    else:
        mentor = _locked_mentor(session, frame.mentor_id)
        if _places_taken(session, frame.mentor_id) >= mentor.mentee_limit:
            raise MentorshipError(
                f"You already have {mentor.mentee_limit} mentees, your limit. End a mentorship "
                "or raise your limit in your profile first."
            )
        begin_agreement(session, frame, member, now)
    view = view_of(session, frame.id)
    outcome_member = next(m for m in view.members if m.id == member.id)
    outcome = member_outcome(view, member.id, tell=(outcome_member.mentee_slack_id,))
    if not accept:
        return outcome
    agreeing: tuple[str, ...] = (outcome_member.mentee_slack_id,)
    if view.kind == MentorshipKind.PAIR:
        agreeing = (view.mentor_slack_id, *agreeing)
    return replace(outcome, to_agree=agreeing)


def begin_agreement(
    session: Session, frame: Mentorship, member: MentorshipMember, now: datetime
) -> None:
    """A pair's request accepted (by its mentor, or a cohort's pair published by coordinators):
    the dates run from today and both are asked to agree before the agreement lapses."""
    member.status = MemberStatus.AGREEING
    frame.starts_on = now.date()
    frame.ends_on = add_months(frame.starts_on, frame.months)
    frame.version += 1
    frame.updated_at = now
    session.flush()
    mentorship_plans.plan_agreement(session, mentorship_id=frame.id, member_id=member.id, now=now)


def start_cohort_pair(
    session: Session,
    *,
    programme_id: int,
    mentor_id: int,
    mentee_id: int,
    cadence: Cadence,
    months: int,
    hopes: str,
    now: datetime,
) -> MemberOutcome:
    """A pair the coordinators formed for a cohort: the frame starts at the agreement step,
    as an accepted request does (`begin_agreement`); both are asked to agree. Refused as any
    acceptance is when the mentor is no longer active or is at their mentee limit, or the two
    already have a mentorship being agreed or active."""
    mentor = _locked_mentor(session, mentor_id)
    if mentor.status != MentorStatus.ACTIVE:
        raise MentorNotTaking()
    if _places_taken(session, mentor_id) >= mentor.mentee_limit:
        raise MentorFull()
    if session.scalar(
        select(MentorshipMember.id).where(
            MentorshipMember.mentee_id == mentee_id,
            MentorshipMember.mentor_id == mentor_id,
            MentorshipMember.status.in_((MemberStatus.REQUESTED, *HOLDING_PLACE)),
        )
    ):
        raise AlreadyPaired()
    frame = Mentorship(
        programme_id=programme_id,
        mentor_id=mentor_id,
        kind=MentorshipKind.PAIR,
        status=MentorshipStatus.OPEN,
        seats=1,
        cadence=cadence,
        months=months,
        created_at=now,
        updated_at=now,
    )
    member = MentorshipMember(
        mentee_id=mentee_id,
        mentor_id=mentor_id,
        status=MemberStatus.AGREEING,
        hopes=hopes,
        requested_at=now,
        answered_at=now,
    )
    frame.members = [member]
    session.add(frame)
    session.flush()
    begin_agreement(session, frame, member, now)
    view = view_of(session, frame.id)
    outcome = member_outcome(view, member.id, tell=())
    return replace(outcome, to_agree=(view.mentor_slack_id, outcome.member.mentee_slack_id))


# ---------------------------------------------------------------------------------------------
# Agreeing


def agree(session: Session, *, member_id: int, actor_slack_id: str, now: datetime) -> MemberOutcome:
    """One side agrees to the mentorship; once both have, it is active and its pulses and
    closing are planned. Agreeing twice is refused and changes nothing."""
    frame, member, role = _locked_member(session, member_id, actor_slack_id)
    _require(member, MemberStatus.AGREEING)
    if role == Role.MENTOR:
        if member.mentor_agreed_at is not None:
            raise NotWaiting("You have already agreed; waiting for your mentee.")
        member.mentor_agreed_at = now
    else:
        if member.mentee_agreed_at is not None:
            raise NotWaiting("You have already agreed; waiting for your mentor.")
        member.mentee_agreed_at = now
    active = member.mentor_agreed_at is not None and member.mentee_agreed_at is not None
    if active:
        member.status = MemberStatus.ACTIVE
        member.active_at = now
        assert frame.starts_on is not None and frame.ends_on is not None
        session.flush()
        mentorship_plans.plan_active(
            session,
            mentorship_id=frame.id,
            member_id=member.id,
            people=(member.mentee_id, frame.mentor.user_id),
            starts_on=frame.starts_on,
            ends_on=frame.ends_on,
            now=now,
        )
    frame.version += 1
    frame.updated_at = now
    session.flush()
    view = view_of(session, frame.id)
    others = tuple(p for p in (view.mentor_slack_id, member.mentee.slack_id) if p != actor_slack_id)
    outcome = member_outcome(view, member.id, tell=others, became_active=active)
    if not active:
        return outcome
    actives = (m.mentee_slack_id for m in view.members if m.status == MemberStatus.ACTIVE)
    return replace(outcome, dm_people=(view.mentor_slack_id, *actives))


def remember_group_dm(
    session: Session, *, mentorship_id: int, channel_id: str, goals_message_ts: str | None
) -> None:
    """The mentorship's group DM and the goals message in it, kept so goals update in place.

    Slack cannot add people to an existing group DM, so when a group gains a member a new one
    is opened with everyone and replaces the one kept here (the old one stays in Slack).
    """
    session.execute(
        update(Mentorship)
        .where(Mentorship.id == mentorship_id)
        .values(channel_id=channel_id, goals_message_ts=goals_message_ts)
        .execution_options(synchronize_session="fetch")
    )


# ---------------------------------------------------------------------------------------------
# Due work: each re-reads the member and does nothing when it moved on


def expire_request(session: Session, *, member_id: int, now: datetime) -> MemberOutcome | None:
    """An unanswered request lapses: the frame closes and the mentee is told."""
    found = _locked_for_work(session, member_id)
    if found is None or found[1].status != MemberStatus.REQUESTED:
        return None
    frame, member = found
    _close(session, frame, member, MemberStatus.EXPIRED, now)
    view = view_of(session, frame.id)
    return member_outcome(view, member.id, tell=(member.mentee.slack_id,))


def expire_agreement(session: Session, *, member_id: int, now: datetime) -> MemberOutcome | None:
    """An accepted mentorship that was never agreed by both lapses; both are told."""
    found = _locked_for_work(session, member_id)
    if found is None or found[1].status != MemberStatus.AGREEING:
        return None
    frame, member = found
    _close(session, frame, member, MemberStatus.EXPIRED, now)
    view = view_of(session, frame.id)
    return member_outcome(view, member.id, tell=(view.mentor_slack_id, member.mentee.slack_id))


def waiting_request(session: Session, *, member_id: int) -> MemberOutcome | None:
    """The request a nudge is about, if it still waits for the mentor."""
    found = _locked_for_work(session, member_id, lock=False)
    if found is None or found[1].status != MemberStatus.REQUESTED:
        return None
    view = view_of(session, found[0].id)
    return member_outcome(view, member_id, tell=(view.mentor_slack_id,))


# ---------------------------------------------------------------------------------------------
# Helpers


def member_outcome(
    view: MentorshipView, member_id: int, *, tell: tuple[str, ...], became_active: bool = False
) -> MemberOutcome:
    member = next(m for m in view.members if m.id == member_id)
    return MemberOutcome(view, member, tell, became_active)


def default_programme(session: Session) -> int:
    programme = session.scalar(select(Programme.id).where(Programme.is_default))
    if programme is None:
        raise MentorshipError("Mentorships aren't set up yet: ask a coordinator.")
    return programme


def _locked_mentor(session: Session, mentor_id: int) -> MentorProfile:
    """The mentor's profile, locked and fresh: the lock that keeps the mentee limit true."""
    mentor = session.scalar(
        select(MentorProfile)
        .where(MentorProfile.id == mentor_id)
        .with_for_update(of=MentorProfile)
        .execution_options(populate_existing=True)
    )
    if mentor is None:
        raise MentorNotTaking()
    return mentor


def seats_taken(session: Session, mentorship_id: int) -> int:
    """A group's members holding a seat (accepted or active)."""
    return (
        session.scalar(
            select(func.count()).where(
                MentorshipMember.mentorship_id == mentorship_id,
                MentorshipMember.status.in_(HOLDING_PLACE),
            )
        )
        or 0
    )


def _places_taken(session: Session, mentor_id: int) -> int:
    return (
        session.scalar(
            select(func.count()).where(
                MentorshipMember.mentor_id == mentor_id,
                MentorshipMember.status.in_(HOLDING_PLACE),
            )
        )
        or 0
    )


def _frame_of(session: Session, member_id: int) -> int:
    frame_id = session.scalar(
        select(MentorshipMember.mentorship_id).where(MentorshipMember.id == member_id)
    )
    if frame_id is None:
        raise NotInMentorship()
    return frame_id


def _member(
    session: Session, member_id: int, actor_slack_id: str, *, lock: bool
) -> tuple[Mentorship, MentorshipMember, Role]:
    frame, role = load(
        session, _frame_of(session, member_id), actor_slack_id=actor_slack_id, lock=lock
    )
    member = next(m for m in frame.members if m.id == member_id)
    if role == Role.MENTEE and member.mentee.slack_id != actor_slack_id:
        raise NotInMentorship()  # another mentee of the same group
    return frame, member, role


def _locked_member(
    session: Session, member_id: int, actor_slack_id: str
) -> tuple[Mentorship, MentorshipMember, Role]:
    frame, member, role = _member(session, member_id, actor_slack_id, lock=True)
    session.refresh(member, with_for_update=True)
    return frame, member, role


def _locked_for_work(
    session: Session, member_id: int, *, lock: bool = True
) -> tuple[Mentorship, MentorshipMember] | None:
    query = select(MentorshipMember).where(MentorshipMember.id == member_id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    member = session.scalar(query)
    if member is None:
        return None
    return member.mentorship, member


def _require(member: MentorshipMember, status: MemberStatus) -> None:
    if member.status != status:
        raise _not_waiting(member.status)


def _close(
    session: Session,
    frame: Mentorship,
    member: MentorshipMember,
    status: MemberStatus,
    now: datetime,
) -> None:
    """The member's path ends before it began; a pair frame closes unstarted and its work goes."""
    member.status = status
    member.ended_at = now
    if frame.kind == MentorshipKind.PAIR:
        frame.status = MentorshipStatus.CLOSED
        frame.ended_at = now
    frame.version += 1
    frame.updated_at = now
    session.flush()
    mentorship_plans.drop(session, frame.id, member_id=member.id)


def violated(error: IntegrityError, index: str) -> bool:
    """Whether the error is that index's: psycopg names it, SQLite names its columns."""
    diag = getattr(error.orig, "diag", None)
    if getattr(diag, "constraint_name", None) == index:
        return True
    text = str(error.orig)
    return index in text or "mentorship_members.mentee_id, mentorship_members.mentor_id" in text


def mentor_for_ask(session: Session, *, mentor_id: int) -> str:
    """The name of the mentor a mentee is about to ask; the submission checks everything again."""
    row = session.execute(
        select(User.real_name, MentorProfile.status)
        .join(MentorProfile, MentorProfile.user_id == User.id)
        .where(MentorProfile.id == mentor_id)
    ).first()
    if row is None or row[1] != MentorStatus.ACTIVE:
        raise MentorNotTaking()
    return str(row[0])
