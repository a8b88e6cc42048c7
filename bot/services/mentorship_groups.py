"""Group mentorships (issue 13, item 10): a mentor opens a named group with up to eight seats,
mentees ask to join it, and the mentor accepts each one.

A group is one `Mentorship` frame (kind group) with one `MentorshipMember` per mentee. The frame
is dated when it opens; the mentor agreed by opening it, so an accepted member is active once
they agree (`mentorships.answer` and `mentorships.agree` do that per member). Seats are counted
at accept time with the frame row locked (`mentorships.answer`), so racing accepts never fill
more seats than the group has; a request may wait while the group is full, and is shown as such.
A group's members also take the mentor's places for pair requests (`mentee_limit`): a mentor
busy with a group is busier; the group's own limit is its seats.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.services import mentorship_plans
from bot.services.mentorship_view import MentorshipError, MentorshipView, view_of
from bot.services.mentorships import (
    HOLDING_PLACE,
    REQUESTED_INDEX,
    AlreadyAsked,
    GroupFull,
    InvalidAsk,
    MemberOutcome,
    MentorNotTaking,
    add_months,
    check_ask,
    default_programme,
    member_outcome,
    seats_taken,
    violated,
)
from bot.services.people import PersonForgotten, lock_live_people
from store.models import (
    MAX_GROUP_SEATS,
    MENTORSHIP_MONTHS,
    Goal,
    MentorProfile,
    Mentorship,
    MentorshipMember,
    User,
)
from store.statuses import (
    Cadence,
    MemberStatus,
    MentorshipKind,
    MentorshipStatus,
    MentorStatus,
)

NAME_MAX = 100
TOPIC_MAX = 500
GROUP_GOAL_MAX = 500
MIN_SEATS = 2
SHOWN_PER_MENTOR = 3  # groups a search lists for one mentor


class NotAGroup(MentorshipError):
    def __init__(self) -> None:
        super().__init__("That group isn't open for new members, so nothing was changed.")


class AlreadyInGroup(MentorshipError):
    def __init__(self) -> None:
        super().__init__(
            "You have already asked to join this group (or were in it), so nothing was sent."
        )


@dataclass(frozen=True)
class GroupOutcome:
    """The group as it now is, after opening it."""

    mentorship: MentorshipView


@dataclass(frozen=True)
class OpenGroup:
    """A group a search shows under its mentor: join it, or why not."""

    mentorship_id: int
    name: str
    seats_left: int
    asked: bool  # the asker already asked to join (or is in it)


@dataclass(frozen=True)
class JoinForm:
    """What the join modal shows."""

    mentorship_id: int
    name: str
    topic: str
    group_goal: str
    mentor_name: str


# ---------------------------------------------------------------------------------------------
# Opening


def check_group(
    *,
    name: str,
    topic: str,
    group_goal: str,
    cadence: str,
    months: int | None,
    seats: int | None,
    starts_on: date | None,
    today: date,
) -> dict[str, str]:
    """Every problem with a new group, keyed by field; empty when fine."""
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = "Name the group."
    elif len(name.strip()) > NAME_MAX:
        errors["name"] = f"Keep the name to {NAME_MAX} characters."
    if len(topic.strip()) > TOPIC_MAX:
        errors["topic"] = f"Keep the topic to {TOPIC_MAX} characters."
    if not group_goal.strip():
        errors["group_goal"] = "Write the goal the whole group works towards."
    elif len(group_goal.strip()) > GROUP_GOAL_MAX:
        errors["group_goal"] = f"Keep the group goal to {GROUP_GOAL_MAX} characters."
    if cadence not in set(Cadence):
        errors["cadence"] = "Pick how often the group meets."
    if months not in MENTORSHIP_MONTHS:
        errors["months"] = "Pick how long the group runs."
    if seats is None or not MIN_SEATS <= seats <= MAX_GROUP_SEATS:
        errors["seats"] = f"A group has {MIN_SEATS} to {MAX_GROUP_SEATS} members."
    if starts_on is not None and starts_on < today:
        errors["starts_on"] = "Pick today or a later day to start."
    return errors


def open_group(
    session: Session,
    *,
    mentor_slack_id: str,
    name: str,
    topic: str,
    group_goal: str,
    cadence: str,
    months: int | None,
    seats: int | None,
    starts_on: date | None,
    now: datetime,
) -> GroupOutcome:
    """The mentor opens a group: dated from its start, open for requests to join."""
    today = now.date()
    errors = check_group(
        name=name,
        topic=topic,
        group_goal=group_goal,
        cadence=cadence,
        months=months,
        seats=seats,
        starts_on=starts_on,
        today=today,
    )
    if errors:
        raise InvalidAsk(errors)
    assert months is not None and seats is not None
    mentor = session.scalar(
        select(MentorProfile)
        .join(User, User.id == MentorProfile.user_id)
        .where(User.slack_id == mentor_slack_id)
    )
    if mentor is None or mentor.status != MentorStatus.ACTIVE:
        raise MentorshipError(
            "Only an active mentor can open a group mentorship: sign up with `/mentor signup`, "
            "or resume if you paused."
        )
    start = starts_on or today
    frame = Mentorship(
        programme_id=default_programme(session),
        mentor_id=mentor.id,
        kind=MentorshipKind.GROUP,
        status=MentorshipStatus.OPEN,
        name=name.strip(),
        topic=topic.strip() or None,
        group_goal=group_goal.strip(),
        seats=seats,
        cadence=Cadence(cadence),
        months=months,
        starts_on=start,
        ends_on=add_months(start, months),
        created_at=now,
        updated_at=now,
    )
    session.add(frame)
    session.flush()
    return GroupOutcome(view_of(session, frame.id))


# ---------------------------------------------------------------------------------------------
# Finding


def open_groups_of(
    session: Session, *, asker_id: int | None, mentor_ids: Sequence[int]
) -> dict[int, tuple[OpenGroup, ...]]:
    """Each shown mentor's open groups with their seats left and whether the asker already
    asked; one grouped query however many mentors are shown."""
    if not mentor_ids:
        return {}
    taken = func.count(MentorshipMember.id).filter(MentorshipMember.status.in_(HOLDING_PLACE))
    asked = func.count(MentorshipMember.id).filter(
        MentorshipMember.mentee_id == (asker_id if asker_id is not None else -1)
    )
    rows = session.execute(
        select(Mentorship.mentor_id, Mentorship.id, Mentorship.name, Mentorship.seats, taken, asked)
        .outerjoin(MentorshipMember, MentorshipMember.mentorship_id == Mentorship.id)
        .where(
            Mentorship.mentor_id.in_(mentor_ids),
            Mentorship.kind == MentorshipKind.GROUP,
            Mentorship.status == MentorshipStatus.OPEN,
        )
        .group_by(Mentorship.mentor_id, Mentorship.id, Mentorship.name, Mentorship.seats)
        .order_by(Mentorship.id)
    ).all()
    found: dict[int, list[OpenGroup]] = defaultdict(list)
    for mentor_id, group_id, name, seats, holding, mine in rows:
        if len(found[mentor_id]) < SHOWN_PER_MENTOR:
            found[mentor_id].append(
                OpenGroup(group_id, str(name), max(seats - holding, 0), asked=mine > 0)
            )
    return {mentor_id: tuple(groups) for mentor_id, groups in found.items()}


def join_form(session: Session, *, mentorship_id: int, asker_slack_id: str) -> JoinForm:
    """The group a mentee is about to ask to join; the submission checks everything again."""
    frame = _open_group(session, mentorship_id)
    if frame.mentor.user.slack_id == asker_slack_id:
        raise MentorNotTaking("You can't join a group you mentor.")
    if any(m.mentee.slack_id == asker_slack_id for m in frame.members):
        raise AlreadyInGroup()
    if seats_taken(session, frame.id) >= frame.seats:
        raise GroupFull()
    return JoinForm(
        frame.id, frame.name or "", frame.topic or "", frame.group_goal or "",
        frame.mentor.user.real_name,
    )  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Joining


def ask_to_join(
    session: Session,
    *,
    mentee_id: int,
    mentorship_id: int,
    goals: Sequence[str],
    hopes: str,
    now: datetime,
) -> MemberOutcome:
    """The mentee asks to join a group with their own goals; the mentor answers it on the same
    card as a pair request, and it expires the same way."""
    errors = check_ask(goals, hopes, Cadence.WEEKLY, MENTORSHIP_MONTHS[0])  # the frame's own
    if errors:
        raise InvalidAsk(errors)
    mentor_user = _open_group(session, mentorship_id).mentor.user_id
    if mentor_user == mentee_id:
        raise MentorNotTaking("You can't join a group you mentor.")
    try:  # people first, then the frame: the order every mentorship write takes its locks in
        lock_live_people(session, acting=mentee_id, other=mentor_user)
    except PersonForgotten as gone:
        raise MentorshipError(str(gone)) from gone
    frame = _open_group(session, mentorship_id, lock=True)
    if frame.mentor.status != MentorStatus.ACTIVE:
        raise MentorNotTaking()
    if any(m.mentee_id == mentee_id for m in frame.members):
        raise AlreadyInGroup()
    if seats_taken(session, frame.id) >= frame.seats:
        raise GroupFull()
    member = MentorshipMember(
        mentorship_id=frame.id,
        mentee_id=mentee_id,
        mentor_id=frame.mentor_id,
        status=MemberStatus.REQUESTED,
        hopes=hopes.strip(),
        requested_at=now,
    )
    member.goals = [
        Goal(position=i, text=text, created_at=now, updated_at=now)
        for i, text in enumerate(goals, 1)
    ]
    try:
        with session.begin_nested():
            session.add(member)
    except IntegrityError as refused:
        if violated(refused, REQUESTED_INDEX):
            raise AlreadyAsked() from refused
        raise AlreadyInGroup() from refused
    frame.version += 1
    frame.updated_at = now
    mentorship_plans.plan_request(
        session, mentorship_id=frame.id, member_id=member.id, mentor_user_id=mentor_user, now=now
    )
    session.flush()
    session.expire_all()
    view = view_of(session, frame.id)
    return member_outcome(view, member.id, tell=(view.mentor_slack_id,))


def _open_group(session: Session, mentorship_id: int, *, lock: bool = False) -> Mentorship:
    query = select(Mentorship).where(Mentorship.id == mentorship_id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    frame = session.scalar(query)
    if frame is None or frame.kind != MentorshipKind.GROUP or frame.status != MentorshipStatus.OPEN:
        raise NotAGroup()
    return frame
