"""A mentee's goals in a mentorship: the goals form saved in one go, and the mentor's comments.

Only the mentee changes their goals (issue 13, "Goals and objectives"); the mentor reads them and
comments on each one, and the comment goes to the mentee alone. Every call re-reads the frame
through `mentorship_view.load`, so someone outside the mentorship is refused in one way, and a
saved form bumps the frame's `version`, so a form opened before another change is refused
rather than silently undoing it (architecture.md, "The rules", 1 and 2).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.services.errors import FieldErrors
from bot.services.mentorship_view import (
    MentorshipError,
    MentorshipOver,
    MentorshipView,
    NotInMentorship,
    load,
    require_open,
    view_of,
)
from store.models import MAX_GOALS, Goal, GoalComment, GoalStep, MentorshipMember, User
from store.statuses import LIVE_MEMBER_STATUSES, GoalStatus, Role

MAX_GOAL_LENGTH = 200
MAX_STEPS = 8
MAX_STEP_LENGTH = 200
MAX_COMMENT_LENGTH = 1000
FORM = "form"  # a field error that belongs to the whole form, not one goal


def text_field(slot: int) -> str:
    """The name of a goal's text in field errors: the form's slot it was typed in."""
    return f"text:{slot}"


def steps_field(slot: int) -> str:
    return f"steps:{slot}"


def status_field(slot: int) -> str:
    return f"status:{slot}"


def goal_status(value: str) -> GoalStatus | None:
    """The status a form names, or None for one the app never offered."""
    try:
        return GoalStatus(value)
    except ValueError:
        return None


class GoalsInvalid(FieldErrors, MentorshipError):
    """One message per field of the goals form that needs fixing (keys: `text_field`,
    `steps_field`, `FORM`)."""


class OnlyMenteeChanges(MentorshipError):
    def __init__(self) -> None:
        super().__init__(
            "Only the mentee changes their goals, so nothing was changed. "
            "You can comment on each goal from Goals."
        )


class OnlyMentorComments(MentorshipError):
    def __init__(self) -> None:
        super().__init__("Only the mentor comments on goals, so nothing was sent.")


class StaleGoalsForm(GoalsInvalid):
    def __init__(self) -> None:
        super().__init__(
            {FORM: "These goals changed since you opened this form. Close it and open Goals again."}
        )


class CommentInvalid(MentorshipError):
    """The comment itself needs fixing; shown on the comment field."""


@dataclass(frozen=True)
class StepDraft:
    text: str
    done: bool


@dataclass(frozen=True)
class GoalDraft:
    """One goal as the form says it should be; `goal_id` is None for a new one, `slot` is where
    it was typed (so its errors show there). Drafts come in the order the goals should have."""

    slot: int
    goal_id: int | None
    text: str
    status: GoalStatus | None
    steps: tuple[StepDraft, ...] = ()


@dataclass(frozen=True)
class CommentView:
    author_slack_id: str
    text: str
    created_at: datetime


@dataclass(frozen=True)
class GoalsForm:
    """What the goals modal shows the person who opened it: the frame, their side, and the
    comments they may read (the mentee's own goals', or all for the mentor)."""

    mentorship: MentorshipView
    role: Role
    viewer_slack_id: str
    comments: dict[int, tuple[CommentView, ...]]


@dataclass(frozen=True)
class GoalsOutcome:
    """The saved goals: the mentorship as it now is, and whose Home shows them."""

    mentorship: MentorshipView
    refresh: tuple[str, ...]


@dataclass(frozen=True)
class CommentForm:
    mentorship_id: int
    goal_id: int
    goal_text: str
    mentee_slack_id: str


@dataclass(frozen=True)
class CommentOutcome:
    """A mentor's comment, to be sent to the one mentee whose goal it is."""

    mentorship_id: int
    mentorship_title: str
    goal_text: str
    mentee_slack_id: str
    mentor_slack_id: str
    comment: str


# --- reading --------------------------------------------------------------------------------


def goals_form(session: Session, *, mentorship_id: int, actor_slack_id: str) -> GoalsForm:
    """The goals of a mentorship for someone in it; refused once it is over."""
    frame, role = load(session, mentorship_id, actor_slack_id=actor_slack_id)
    require_open(frame)
    view = view_of(session, frame.id)
    if role == Role.MENTEE:
        member = view.member_of(actor_slack_id)
        if member is None or not member.live:
            raise MentorshipOver()
        goal_ids = [goal.id for goal in member.goals]
    else:
        goal_ids = [goal.id for m in view.members if m.live for goal in m.goals]
    return GoalsForm(view, role, actor_slack_id, _comments(session, goal_ids))


def _comments(session: Session, goal_ids: list[int]) -> dict[int, tuple[CommentView, ...]]:
    if not goal_ids:
        return {}
    rows = session.execute(
        select(GoalComment.goal_id, User.slack_id, GoalComment.text, GoalComment.created_at)
        .join(User, User.id == GoalComment.author_id)
        .where(GoalComment.goal_id.in_(goal_ids))
        .order_by(GoalComment.created_at, GoalComment.id)
    ).all()
    found: dict[int, list[CommentView]] = defaultdict(list)
    for goal_id, author, text, created_at in rows:
        found[goal_id].append(CommentView(author, text, created_at))
    return {goal_id: tuple(comments) for goal_id, comments in found.items()}


# --- the mentee saves the goals form --------------------------------------------------------


def save_goals(
    session: Session,
    *,
    mentorship_id: int,
    actor_slack_id: str,
    version: int,
    drafts: list[GoalDraft],
    now: datetime,
) -> GoalsOutcome:
    """Save the whole goals form (goals added, edited, removed, reordered, their statuses and
    steps) in one transaction with the frame locked, or change nothing."""
    frame, role = load(session, mentorship_id, actor_slack_id=actor_slack_id, lock=True)
    require_open(frame)
    if role != Role.MENTEE:
        raise OnlyMenteeChanges()
    member = next(m for m in frame.members if m.mentee.slack_id == actor_slack_id)
    if member.status not in LIVE_MEMBER_STATUSES:
        raise MentorshipOver()
    if version != frame.version:
        raise StaleGoalsForm()
    kept = _validated(drafts, {goal.id for goal in member.goals})
    _apply(session, member, kept, now)
    frame.version += 1
    frame.updated_at = now
    session.flush()
    session.expire_all()
    view = view_of(session, frame.id)
    return GoalsOutcome(view, view.people())


def _validated(drafts: list[GoalDraft], own_goal_ids: set[int]) -> list[GoalDraft]:
    """The drafts that name a goal, cleaned; GoalsInvalid naming every field at fault."""
    errors: dict[str, str] = {}
    cleaned: list[GoalDraft] = []
    seen_ids: set[int] = set()
    for draft in drafts:
        text = draft.text.strip()
        steps = tuple(
            StepDraft(step.text.strip(), step.done) for step in draft.steps if step.text.strip()
        )
        if not text:
            if steps:
                errors[text_field(draft.slot)] = "Write the goal these steps lead to."
            continue
        if len(text) > MAX_GOAL_LENGTH:
            errors[text_field(draft.slot)] = (
                f"Keep a goal to {MAX_GOAL_LENGTH} characters (this one has {len(text)})."
            )
        if draft.status is None:
            errors[status_field(draft.slot)] = "Pick one of the statuses."
        if len(steps) > MAX_STEPS:
            errors[steps_field(draft.slot)] = f"Up to {MAX_STEPS} steps per goal."
        elif any(len(step.text) > MAX_STEP_LENGTH for step in steps):
            errors[steps_field(draft.slot)] = f"Keep each step to {MAX_STEP_LENGTH} characters."
        if draft.goal_id is not None:
            if draft.goal_id not in own_goal_ids or draft.goal_id in seen_ids:
                raise StaleGoalsForm()
            seen_ids.add(draft.goal_id)
        cleaned.append(GoalDraft(draft.slot, draft.goal_id, text, draft.status, steps))
    if not cleaned and not errors:
        errors[FORM] = "Keep at least one goal: it is what the mentorship works towards."
    if len(cleaned) > MAX_GOALS:
        errors[FORM] = f"Up to {MAX_GOALS} goals: pick the ones that matter most now."
    if errors:
        raise GoalsInvalid(errors)
    return cleaned


def _apply(
    session: Session, member: MentorshipMember, drafts: list[GoalDraft], now: datetime
) -> None:
    """Make the member's goals what the drafts say, keeping each goal's comments.

    Positions are unique per member and stay within 1-5, so a goal that changes place cannot be
    moved in place (swapping two would collide): it is written anew at its place and its
    comments move with it. Steps are rewritten every time; nothing refers to them.
    """
    old = {goal.id: goal for goal in member.goals}
    places = {draft.goal_id: n for n, draft in enumerate(drafts, start=1) if draft.goal_id}
    staying = {goal_id for goal_id, place in places.items() if old[goal_id].position == place}
    carried = _carried_comments(session, set(places) - staying)
    moved = {goal_id: (old[goal_id].created_at, old[goal_id].reached_at) for goal_id in places}
    for goal in list(member.goals):
        goal.steps.clear()
        if goal.id not in staying:
            member.goals.remove(goal)
    session.flush()
    for place, draft in enumerate(drafts, start=1):
        was_reached = draft.goal_id is not None and old[draft.goal_id].status == GoalStatus.REACHED
        if draft.goal_id in staying:
            goal = old[draft.goal_id]
        else:
            created, reached = moved.get(draft.goal_id or 0, (now, None))
            goal = Goal(position=place, created_at=created, reached_at=reached, updated_at=now)
            member.goals.append(goal)
        if (goal.text, goal.status) != (draft.text, draft.status):
            goal.updated_at = now
        goal.text = draft.text
        goal.status = draft.status or GoalStatus.NOT_STARTED
        if draft.status != GoalStatus.REACHED:
            goal.reached_at = None
        elif not was_reached or goal.reached_at is None:
            goal.reached_at = now
        goal.steps = [
            GoalStep(position=n, text=step.text, done=step.done)
            for n, step in enumerate(draft.steps, start=1)
        ]
    session.flush()
    new_ids = {draft.goal_id: goal.id for draft, goal in _by_place(member, drafts)}
    for old_id, comments in carried.items():
        for comment in comments:
            comment.goal_id = new_ids[old_id]
            session.add(comment)


def _by_place(member: MentorshipMember, drafts: list[GoalDraft]) -> list[tuple[GoalDraft, Goal]]:
    at = {goal.position: goal for goal in member.goals}
    return [(draft, at[place]) for place, draft in enumerate(drafts, start=1)]


def _carried_comments(session: Session, goal_ids: set[int]) -> dict[int, list[GoalComment]]:
    """Copies of the comments of goals about to be written anew, keyed by the old goal id; the
    originals go with their goal."""
    if not goal_ids:
        return {}
    found: dict[int, list[GoalComment]] = defaultdict(list)
    for comment in session.scalars(select(GoalComment).where(GoalComment.goal_id.in_(goal_ids))):
        found[comment.goal_id].append(
            GoalComment(
                author_id=comment.author_id, text=comment.text, created_at=comment.created_at
            )
        )
        session.delete(comment)
    return found


# --- the mentor comments on a goal ----------------------------------------------------------


def _goal_in_mentorship(
    session: Session, goal_id: int, actor_slack_id: str
) -> tuple[Goal, MentorshipMember]:
    goal = session.get(Goal, goal_id)
    if goal is None:
        raise NotInMentorship()
    member = goal.member
    frame, role = load(session, member.mentorship_id, actor_slack_id=actor_slack_id)
    require_open(frame)
    if role != Role.MENTOR:
        raise OnlyMentorComments()
    if member.status not in LIVE_MEMBER_STATUSES:
        raise MentorshipOver()
    return goal, member


def comment_form(session: Session, *, goal_id: int, actor_slack_id: str) -> CommentForm:
    goal, member = _goal_in_mentorship(session, goal_id, actor_slack_id)
    return CommentForm(member.mentorship_id, goal.id, goal.text, member.mentee.slack_id)


def comment_on_goal(
    session: Session, *, goal_id: int, actor_slack_id: str, text: str, now: datetime
) -> CommentOutcome:
    """Keep the mentor's comment on a goal; the mentee is the one to read it."""
    goal, member = _goal_in_mentorship(session, goal_id, actor_slack_id)
    comment = text.strip()
    if not comment:
        raise CommentInvalid("Write the comment you'd like to send.")
    if len(comment) > MAX_COMMENT_LENGTH:
        raise CommentInvalid(f"Keep a comment to {MAX_COMMENT_LENGTH} characters.")
    mentor = member.mentorship.mentor.user
    session.add(GoalComment(goal_id=goal.id, author_id=mentor.id, text=comment, created_at=now))
    session.flush()
    view = view_of(session, member.mentorship_id)
    return CommentOutcome(
        mentorship_id=view.id,
        mentorship_title=view.title,
        goal_text=goal.text,
        mentee_slack_id=member.mentee.slack_id,
        mentor_slack_id=mentor.slack_id,
        comment=comment,
    )
