"""Closing a mentorship at its end date: the end itself, each person's evaluation, and the
mentor's feedback that the mentee keeps.

On the end date (`mentorship_plans.CLOSE`) the active members become ended (the frame too when
none is left live) and each person is asked for the final evaluation, one per person and member
(`uq_evaluations_member_id_respondent_id`). The mentee's answers on their goals set the goals'
status, which the pair shares; the rest is for coordinators, except the mentor's feedback, which
the mentee reads (`feedback_for`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.services.mentorship_forms import InvalidForm, check_stars, check_text, optional_text
from bot.services.mentorship_view import (
    MentorshipError,
    MentorshipView,
    NotInMentorship,
    load,
    view_of,
)
from store.models import Evaluation, Goal, Mentorship, MentorshipMember, User
from store.statuses import LIVE_MEMBER_STATUSES, GoalStatus, MemberStatus, MentorshipStatus, Role

GOAL_REACHED = "goal_reached"  # the field of one goal: f"{GOAL_REACHED}:{goal_id}"
STARTED_WHERE = "started_where"
STANDS_NOW = "stands_now"
WHAT_WORKED = "what_worked"
WHAT_TO_CHANGE = "what_to_change"
STARS = "evaluation_stars"
SKILLS_FEEDBACK = "skills_feedback"
LEARNING_FEEDBACK = "learning_feedback"


class NotOverYet(MentorshipError):
    def __init__(self, ends_on: date | None) -> None:
        when = f" on {ends_on:%d %B %Y}" if ends_on else ""
        super().__init__(f"You can evaluate this mentorship once it ends{when}.")


class AlreadyEvaluated(MentorshipError):
    def __init__(self) -> None:
        super().__init__("You've already evaluated this mentorship. Thank you!")


@dataclass(frozen=True)
class GoalToJudge:
    id: int
    text: str
    reached: bool


@dataclass(frozen=True)
class EvaluationPrompt:
    """One person's evaluation of one member's mentorship (a mentor of a group has one each)."""

    member_id: int
    mentorship_id: int
    role: Role
    other_name: str  # the mentee, for the mentor; the mentor, for the mentee
    goals: tuple[GoalToJudge, ...]


@dataclass(frozen=True)
class EvaluationForm:
    """What the evaluation modal collected; None where nothing was picked."""

    goals_reached: Mapping[int, bool | None]
    started_where: str
    stands_now: str
    what_worked: str
    what_to_change: str
    stars: int | None
    skills_feedback: str = ""
    learning_feedback: str = ""


@dataclass(frozen=True)
class EvaluationSaved:
    prompt: EvaluationPrompt
    mentorship: MentorshipView
    mentee_slack_id: str
    mentor_slack_id: str
    goals_reached: tuple[GoalToJudge, ...] = field(default=())  # the mentee's answers, shared


@dataclass(frozen=True)
class MentorFeedback:
    """The mentor's closing feedback to the mentee, for the mentee's Home."""

    mentorship_id: int
    mentor_slack_id: str
    mentor_name: str
    skills: str | None
    learning: str | None
    given_at: datetime


def reach_end(
    session: Session, *, mentorship_id: int, recipient_slack_id: str, now: datetime
) -> tuple[EvaluationPrompt, ...]:
    """On the end date: end the active members (the frame when none is left live); the
    evaluations this person still owes. Nothing when the date moved or it ended early."""
    frame = session.scalars(
        select(Mentorship).where(Mentorship.id == mentorship_id).with_for_update()
    ).one_or_none()
    if frame is None or frame.ends_on is None or frame.ends_on > now.date():
        return ()
    for member in frame.members:
        if member.status == MemberStatus.ACTIVE:
            member.status = MemberStatus.ENDED
            member.ended_at = now
    if frame.status == MentorshipStatus.OPEN and not any(
        member.status in LIVE_MEMBER_STATUSES for member in frame.members
    ):
        frame.status = MentorshipStatus.ENDED
        frame.ended_at = now
        frame.proposed_ends_on = frame.proposed_by_id = None
        frame.updated_at = now
        frame.version += 1
    session.flush()
    prompts = []
    for member in frame.members:
        if member.status != MemberStatus.ENDED or member.ended_early:
            continue
        try:
            prompt = for_evaluation(session, member_id=member.id, actor_slack_id=recipient_slack_id)
        except MentorshipError:
            continue  # not theirs, or already evaluated
        prompts.append(prompt)
    return tuple(prompts)


def for_evaluation(session: Session, *, member_id: int, actor_slack_id: str) -> EvaluationPrompt:
    """The evaluation a person is about to fill in: of their mentorship, once it has ended,
    and only once."""
    member, frame, role = _member_for(session, member_id, actor_slack_id)
    if member.status != MemberStatus.ENDED:
        raise NotOverYet(frame.ends_on)
    if _evaluated(session, member.id, _respondent(member, frame, role)):
        raise AlreadyEvaluated()
    other = member.mentee.real_name if role == Role.MENTOR else frame.mentor.user.real_name
    return EvaluationPrompt(
        member_id=member.id,
        mentorship_id=frame.id,
        role=role,
        other_name=other,
        goals=tuple(
            GoalToJudge(goal.id, goal.text, goal.status == GoalStatus.REACHED)
            for goal in member.goals
        ),
    )


def check_evaluation(prompt: EvaluationPrompt, form: EvaluationForm) -> dict[str, str]:
    errors: dict[str, str] = {}
    for goal in prompt.goals:
        if form.goals_reached.get(goal.id) is None:
            errors[f"{GOAL_REACHED}:{goal.id}"] = "Say whether this goal was reached."
    check_text(errors, STARTED_WHERE, form.started_where, required="Say where you started.")
    check_text(errors, STANDS_NOW, form.stands_now, required="Say where you stand now.")
    check_text(errors, WHAT_WORKED, form.what_worked)
    check_text(errors, WHAT_TO_CHANGE, form.what_to_change)
    check_stars(errors, STARS, form.stars)
    if prompt.role == Role.MENTOR:
        check_text(errors, SKILLS_FEEDBACK, form.skills_feedback)
        check_text(errors, LEARNING_FEEDBACK, form.learning_feedback)
    return errors


def save_evaluation(
    session: Session, *, member_id: int, actor_slack_id: str, form: EvaluationForm, now: datetime
) -> EvaluationSaved:
    """Keep one person's evaluation; the mentee's goal answers become the goals' status."""
    prompt = for_evaluation(session, member_id=member_id, actor_slack_id=actor_slack_id)
    errors = check_evaluation(prompt, form)
    if errors:
        raise InvalidForm(errors)
    assert form.stars is not None
    member, frame, role = _member_for(session, member_id, actor_slack_id)
    respondent = _respondent(member, frame, role)
    answers = {str(goal.id): bool(form.goals_reached.get(goal.id)) for goal in prompt.goals}
    mentor = role == Role.MENTOR
    evaluation = Evaluation(
        member_id=member.id,
        respondent_id=respondent,
        role=role,
        goals_reached=answers,
        started_where=form.started_where.strip(),
        stands_now=form.stands_now.strip(),
        what_worked=form.what_worked.strip(),
        what_to_change=form.what_to_change.strip(),
        stars=form.stars,
        skills_feedback=optional_text(form.skills_feedback) if mentor else None,
        learning_feedback=optional_text(form.learning_feedback) if mentor else None,
        created_at=now,
    )
    try:
        with session.begin_nested():
            session.add(evaluation)
    except IntegrityError as refused:
        if not _evaluated(session, member.id, respondent):
            raise
        raise AlreadyEvaluated() from refused
    shared: tuple[GoalToJudge, ...] = ()
    if not mentor:
        shared = tuple(_set_goal(goal, answers[str(goal.id)], now) for goal in member.goals)
        session.flush()
    return EvaluationSaved(
        prompt=prompt,
        mentorship=view_of(session, frame.id),
        mentee_slack_id=member.mentee.slack_id,
        mentor_slack_id=frame.mentor.user.slack_id,
        goals_reached=shared,
    )


def feedback_for(
    session: Session, slack_id: str, *, limit: int | None = None
) -> tuple[MentorFeedback, ...]:
    """The mentors' closing feedback to this mentee, newest first (the latest `limit` for their
    Home)."""
    mentee_id = select(User.id).where(User.slack_id == slack_id).scalar_subquery()
    rows = session.execute(
        select(Evaluation, MentorshipMember.mentorship_id, User.slack_id, User.real_name)
        .join(MentorshipMember, MentorshipMember.id == Evaluation.member_id)
        .join(User, User.id == Evaluation.respondent_id)
        .where(
            Evaluation.role == Role.MENTOR,
            MentorshipMember.mentee_id == mentee_id,
            (Evaluation.skills_feedback.is_not(None)) | (Evaluation.learning_feedback.is_not(None)),
        )
        .order_by(Evaluation.created_at.desc(), Evaluation.id.desc())
        .limit(limit)
    ).all()
    return tuple(
        MentorFeedback(
            mentorship_id=mentorship_id,
            mentor_slack_id=mentor_slack_id,
            mentor_name=mentor_name,
            skills=evaluation.skills_feedback,
            learning=evaluation.learning_feedback,
            given_at=evaluation.created_at,
        )
        for evaluation, mentorship_id, mentor_slack_id, mentor_name in rows
    )


def _set_goal(goal: Goal, reached: bool, now: datetime) -> GoalToJudge:
    if reached and goal.status != GoalStatus.REACHED:
        goal.status, goal.reached_at, goal.updated_at = GoalStatus.REACHED, now, now
    elif not reached and goal.status == GoalStatus.REACHED:
        goal.status, goal.reached_at, goal.updated_at = GoalStatus.IN_PROGRESS, None, now
    return GoalToJudge(goal.id, goal.text, reached)


def _member_for(
    session: Session, member_id: int, slack_id: str
) -> tuple[MentorshipMember, Mentorship, Role]:
    """The member and its frame, if the person is that member's mentee or the mentor."""
    member = session.get(MentorshipMember, member_id)
    if member is None:
        raise NotInMentorship()
    frame, role = load(session, member.mentorship_id, actor_slack_id=slack_id)
    if role == Role.MENTEE and member.mentee.slack_id != slack_id:
        raise NotInMentorship()
    return member, frame, role


def _respondent(member: MentorshipMember, frame: Mentorship, role: Role) -> int:
    return frame.mentor.user_id if role == Role.MENTOR else member.mentee_id


def _evaluated(session: Session, member_id: int, user_id: int) -> bool:
    query = select(Evaluation.id).where(
        Evaluation.member_id == member_id, Evaluation.respondent_id == user_id
    )
    return bool(session.scalar(query.exists().select()))
