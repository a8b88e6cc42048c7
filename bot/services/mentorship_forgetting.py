"""Forgetting a person's part in mentorships, inside the privacy deletion's transaction.

`bot/services/privacy.forget_person` locks the person first (`people.lock_to_forget`), then calls
`end_live` (before their Slack id is replaced, so the others can still be named) and `strip`
(twice: once with the rest, once as its last re-check).

What goes: the text they wrote or that is about their own membership: their goals, steps and
the comments on them, their hopes, the diary entries of their membership (and, as a mentor,
their comments on others' entries), the comments of their pulses and of the pulses about their
membership, the texts of their evaluations and of the evaluations of their membership, the
reasons of their change requests, a mentor's accept or decline notes and a group's name, topic
and goal; and the group DM of a pair they were in. What stays: every row, stripped, so counts
(goals and goals reached, diary entries, sessions) and stars (pulses, evaluations) stay true;
the rows point at the user row, whose Slack id becomes the same pseudonym the rest of the
deletion uses.

Their live mentorships end at once (active members ended early, requests and agreements
withdrawn, a frame with nobody left ended or closed) and the frames' due work is dropped, so no
nudge, pulse or closing evaluation is ever sent about someone who is gone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, func, or_, select, update
from sqlalchemy.orm import Session

from bot.services import mentorship_plans
from store.models import (
    ChangeRequest,
    DiaryEntry,
    Evaluation,
    Goal,
    GoalComment,
    GoalStep,
    MentorProfile,
    Mentorship,
    MentorshipMember,
    Pulse,
)
from store.statuses import (
    LIVE_MEMBER_STATUSES,
    ChangeRequestStatus,
    MemberStatus,
    MentorshipKind,
    MentorshipStatus,
)

REMOVED = "[removed at the participant's request]"
FORMER_GROUP = "Former group"


@dataclass(frozen=True)
class EndedMentorship:
    """A live mentorship the deletion ended (or left), and whom to tell."""

    mentorship_id: int
    tell: tuple[str, ...]  # Slack ids of the people who stay in it (or were in it)


@dataclass(frozen=True)
class MentorshipFootprint:
    mentorships: int  # any status, as mentee or mentor
    live: int


def _their_members(user_id: int) -> Select[int]:
    return select(MentorshipMember.id).where(MentorshipMember.mentee_id == user_id)


def _their_frames(user_id: int, mentor_id: int | None) -> ColumnElement[bool]:
    as_mentee = Mentorship.id.in_(
        select(MentorshipMember.mentorship_id).where(MentorshipMember.mentee_id == user_id)
    )
    return as_mentee if mentor_id is None else or_(as_mentee, Mentorship.mentor_id == mentor_id)


def footprint(session: Session, *, user_id: int, mentor_id: int | None) -> MentorshipFootprint:
    theirs = _their_frames(user_id, mentor_id)
    total, live = session.execute(
        select(
            func.count(Mentorship.id),
            func.count(Mentorship.id).filter(Mentorship.status == MentorshipStatus.OPEN),
        ).where(theirs)
    ).one()
    return MentorshipFootprint(mentorships=int(total or 0), live=int(live or 0))


def end_live(
    session: Session, *, user_id: int, mentor: MentorProfile | None, now: datetime
) -> tuple[EndedMentorship, ...]:
    """End the person's place in every open mentorship, frames locked in id order."""
    mentor_id = mentor.id if mentor is not None else None
    frames = session.scalars(
        select(Mentorship)
        .where(_their_frames(user_id, mentor_id), Mentorship.status == MentorshipStatus.OPEN)
        .order_by(Mentorship.id)
        .with_for_update()
    ).all()
    ended = []
    for frame in frames:
        as_mentor = frame.mentor_id == mentor_id
        leaving = [
            m
            for m in frame.members
            if m.status in LIVE_MEMBER_STATUSES and (as_mentor or m.mentee_id == user_id)
        ]
        if not as_mentor and not leaving:
            continue  # a group they already left, still open for others
        if as_mentor:
            tell = tuple(m.mentee.slack_id for m in leaving if m.mentee_id != user_id)
        else:
            tell = (frame.mentor.user.slack_id,)
        for member in leaving:
            _end_member(session, member, user_id, now)
        frame.updated_at = now
        frame.version += 1
        if any(m.status in LIVE_MEMBER_STATUSES for m in frame.members):
            for member in leaving:
                mentorship_plans.drop(session, frame.id, member_id=member.id)
            mentorship_plans.drop(session, frame.id, recipient_id=user_id)
        else:
            began = any(m.active_at is not None for m in frame.members)
            frame.status = MentorshipStatus.ENDED if began else MentorshipStatus.CLOSED
            frame.ended_at = now
            frame.proposed_ends_on = frame.proposed_by_id = None
            mentorship_plans.drop(session, frame.id)
        ended.append(EndedMentorship(frame.id, tell))
    session.flush()
    return tuple(ended)


def _end_member(session: Session, member: MentorshipMember, user_id: int, now: datetime) -> None:
    if member.status == MemberStatus.ACTIVE:
        member.status = MemberStatus.ENDED
        member.ended_early = True
    else:
        member.status = MemberStatus.WITHDRAWN
    member.ended_at = now
    member.ended_by_id = user_id
    member.end_reason = None
    member.end_reason_shared = False
    session.execute(
        update(ChangeRequest)
        .where(
            ChangeRequest.member_id == member.id,
            ChangeRequest.status == ChangeRequestStatus.OPEN,
        )
        .values(status=ChangeRequestStatus.HANDLED, handled_at=now)
    )


def strip(session: Session, *, user_id: int, mentor_id: int | None) -> None:
    """Remove every mentorship text of theirs; rows, counts and stars stay."""
    members = _their_members(user_id)
    their_goals = select(Goal.id).where(Goal.member_id.in_(members))
    session.execute(update(Goal).where(Goal.member_id.in_(members)).values(text=REMOVED))
    session.execute(update(GoalStep).where(GoalStep.goal_id.in_(their_goals)).values(text=REMOVED))
    session.execute(
        update(GoalComment)
        .where(or_(GoalComment.author_id == user_id, GoalComment.goal_id.in_(their_goals)))
        .values(text=REMOVED)
    )
    session.execute(
        update(DiaryEntry)
        .where(DiaryEntry.member_id.in_(members))
        .values(discussed=REMOVED, progress="", homework="", mentor_comment=None)
    )
    session.execute(
        update(Pulse)
        .where(or_(Pulse.respondent_id == user_id, Pulse.member_id.in_(members)))
        .values(comment=None)
    )
    session.execute(
        update(Evaluation)
        .where(or_(Evaluation.respondent_id == user_id, Evaluation.member_id.in_(members)))
        .values(
            started_where="",
            stands_now="",
            what_worked="",
            what_to_change="",
            skills_feedback=None,
            learning_feedback=None,
        )
    )
    session.execute(
        update(ChangeRequest).where(ChangeRequest.requester_id == user_id).values(reason=REMOVED)
    )
    session.execute(
        update(MentorshipMember)
        .where(MentorshipMember.mentee_id == user_id)
        .values(
            hopes="",
            answer_comment=None,
            end_reason=None,
            mentor_message_channel=None,
            mentor_message_ts=None,
        )
    )
    session.execute(
        update(MentorshipMember)
        .where(MentorshipMember.ended_by_id == user_id)
        .values(end_reason=None)
    )
    # Pairs they were in lose the group DM's pointers: the conversation was theirs.
    pairs = select(MentorshipMember.mentorship_id).where(MentorshipMember.mentee_id == user_id)
    session.execute(
        update(Mentorship)
        .where(Mentorship.id.in_(pairs), Mentorship.kind == MentorshipKind.PAIR)
        .values(channel_id=None, goals_message_ts=None)
    )
    if mentor_id is not None:
        _strip_mentor(session, mentor_id)


def _strip_mentor(session: Session, mentor_id: int) -> None:
    """A mentor's words in their mentorships: notes, diary comments, a group's texts."""
    mentored = select(MentorshipMember.id).where(MentorshipMember.mentor_id == mentor_id)
    session.execute(
        update(DiaryEntry)
        .where(DiaryEntry.member_id.in_(mentored))
        .values(mentor_comment=None, commented_at=None)
    )
    session.execute(
        update(MentorshipMember)
        .where(MentorshipMember.mentor_id == mentor_id)
        .values(answer_comment=None, mentor_message_channel=None, mentor_message_ts=None)
    )
    frames = Mentorship.mentor_id == mentor_id
    session.execute(
        update(Mentorship)
        .where(frames)
        .values(topic=None, group_goal=None, channel_id=None, goals_message_ts=None)
    )
    session.execute(
        update(Mentorship)
        .where(frames, Mentorship.kind == MentorshipKind.GROUP)
        .values(name=FORMER_GROUP)
    )
