"""Extending a mentorship's end date, by agreement of both sides.

One side proposes a later end date (`proposed_ends_on`, one open proposal at a time); the other
side accepts or declines it. On acceptance the end date moves, the closing evaluation is planned
for the new date (the old one dropped) and the pulses carry on to the new end.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from bot.services import mentorship_plans
from bot.services.mentorship_forms import InvalidForm
from bot.services.mentorship_roles import active_members, require_active, user_id_of
from bot.services.mentorship_view import (
    MentorshipError,
    MentorshipView,
    load,
    require_open,
    view_of,
)
from store.models import Mentorship
from store.statuses import Role

NEW_END = "new_end"
LONGEST_EXTENSION = timedelta(days=183)  # half a year more at a time


class ProposalWaiting(MentorshipError):
    def __init__(self, on: date) -> None:
        super().__init__(
            f"An extension to {on:%d %B %Y} is already waiting for an answer, so nothing was "
            "changed."
        )


class NoProposal(MentorshipError):
    def __init__(self) -> None:
        super().__init__("There's no extension waiting for an answer, so nothing was changed.")


class OwnProposal(MentorshipError):
    def __init__(self) -> None:
        super().__init__("You proposed this extension; the other side is the one to answer it.")


class OtherSideAnswers(MentorshipError):
    def __init__(self) -> None:
        super().__init__("The other side of the mentorship answers this extension.")


@dataclass(frozen=True)
class ExtensionProposed:
    mentorship: MentorshipView
    proposer_slack_id: str
    tell: tuple[str, ...]  # who is asked to accept or decline


@dataclass(frozen=True)
class ExtensionAnswered:
    mentorship: MentorshipView
    accepted: bool
    answered_by: str
    tell: tuple[str, ...]  # everyone else in the mentorship


def for_extension(session: Session, *, mentorship_id: int, actor_slack_id: str) -> MentorshipView:
    """The mentorship someone is about to propose an extension of: theirs, running, and with
    no proposal already waiting. The submission checks again."""
    frame, role = load(session, mentorship_id, actor_slack_id=actor_slack_id)
    _require_proposable(frame, role, actor_slack_id)
    return view_of(session, frame.id)


def propose_extension(
    session: Session,
    *,
    mentorship_id: int,
    actor_slack_id: str,
    new_end: date | None,
    now: datetime,
) -> ExtensionProposed:
    frame, role = load(session, mentorship_id, actor_slack_id=actor_slack_id, lock=True)
    _require_proposable(frame, role, actor_slack_id)
    assert frame.ends_on is not None
    if new_end is None or new_end <= frame.ends_on:
        raise InvalidForm({NEW_END: f"Pick a date after the current end, {frame.ends_on:%d %B}."})
    if new_end > frame.ends_on + LONGEST_EXTENSION:
        raise InvalidForm({NEW_END: "Extend by at most six months at a time."})
    frame.proposed_ends_on = new_end
    frame.proposed_by_id = user_id_of(frame, role, actor_slack_id)
    _touch(frame, now)
    view = view_of(session, frame.id)
    others = tuple(person for person in view.people() if person != actor_slack_id)
    return ExtensionProposed(view, actor_slack_id, others)


def answer_extension(
    session: Session, *, mentorship_id: int, actor_slack_id: str, accept: bool, now: datetime
) -> ExtensionAnswered:
    """The other side accepts or declines the waiting proposal; the proposer cannot."""
    frame, role = load(session, mentorship_id, actor_slack_id=actor_slack_id, lock=True)
    require_open(frame)
    require_active(frame, role, actor_slack_id)
    if frame.proposed_ends_on is None:
        raise NoProposal()
    if frame.proposed_by_id == user_id_of(frame, role, actor_slack_id):
        raise OwnProposal()
    if (frame.proposed_by_id == frame.mentor.user_id) == (role == Role.MENTOR):
        raise OtherSideAnswers()
    new_end, frame.proposed_ends_on, frame.proposed_by_id = frame.proposed_ends_on, None, None
    if accept:
        frame.ends_on = new_end  # in the same flush as the proposal's clearing (extension_later)
        _replan(session, frame, now)
    _touch(frame, now)
    view = view_of(session, frame.id)
    others = tuple(person for person in view.people() if person != actor_slack_id)
    return ExtensionAnswered(view, accept, actor_slack_id, others)


def _replan(session: Session, frame: Mentorship, now: datetime) -> None:
    """Close on the new date, and pulse every active member up to it (rounds already planned
    keep their keys, so nothing is planned twice)."""
    assert frame.starts_on is not None and frame.ends_on is not None
    mentorship_plans.drop(session, frame.id, kinds=(mentorship_plans.CLOSE,))
    for member in active_members(frame):
        mentorship_plans.plan_active(
            session,
            mentorship_id=frame.id,
            member_id=member.id,
            people=(member.mentee_id, frame.mentor.user_id),
            starts_on=frame.starts_on,
            ends_on=frame.ends_on,
            now=now,
        )


def _require_proposable(frame: Mentorship, role: Role, slack_id: str) -> None:
    require_open(frame)
    require_active(frame, role, slack_id)
    if frame.proposed_ends_on is not None:
        raise ProposalWaiting(frame.proposed_ends_on)


def _touch(frame: Mentorship, now: datetime) -> None:
    frame.updated_at = now
    frame.version += 1
