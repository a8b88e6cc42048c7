"""A mentee asks coordinators, confidentially, for a different mentor.

The request is a `ChangeRequest` row and a card in the coordinators' channel; the mentor is
never told. Marking it handled is a coordinator's action: checked and audited by
`coordinators.authorize` in the same transaction.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.services.coordinators import authorize
from bot.services.mentorship_forms import InvalidForm, check_text
from bot.services.mentorship_roles import own_member, require_active
from bot.services.mentorship_view import (
    MentorshipError,
    MentorshipView,
    load,
    require_open,
    view_of,
)
from store.models import ChangeRequest, Mentorship, MentorshipMember
from store.statuses import ChangeRequestStatus, Role

REASON = "reason"


class MenteesOnly(MentorshipError):
    def __init__(self) -> None:
        super().__init__("Only a mentee can ask coordinators for a different mentor.")


class AlreadyAsked(MentorshipError):
    def __init__(self) -> None:
        super().__init__(
            "You've already asked for a different mentor; a coordinator will be in touch."
        )


class UnknownChangeRequest(MentorshipError):
    def __init__(self) -> None:
        super().__init__("That request no longer exists, so nothing was changed.")


@dataclass(frozen=True)
class ChangeRequestView:
    """What coordinators see on the card (the mentor never does)."""

    id: int
    mentorship_id: int
    mentee_slack_id: str
    mentor_slack_id: str
    reason: str
    created_at: datetime
    status: ChangeRequestStatus
    handled_by: str | None
    handled_at: datetime | None


@dataclass(frozen=True)
class ChangeHandled:
    request: ChangeRequestView
    already: bool  # another coordinator had marked it handled first


def for_change_request(
    session: Session, *, mentorship_id: int, actor_slack_id: str
) -> MentorshipView:
    """The mentorship a mentee is about to ask about; the submission checks again."""
    frame, role = load(session, mentorship_id, actor_slack_id=actor_slack_id)
    _require_mentee(frame, role, actor_slack_id)
    return view_of(session, frame.id)


def ask_new_mentor(
    session: Session, *, mentorship_id: int, actor_slack_id: str, reason: str, now: datetime
) -> ChangeRequestView:
    errors: dict[str, str] = {}
    check_text(errors, REASON, reason, required="Tell coordinators why (your mentor won't see it).")
    if errors:
        raise InvalidForm(errors)
    frame, role = load(session, mentorship_id, actor_slack_id=actor_slack_id, lock=True)
    _require_mentee(frame, role, actor_slack_id)
    member = own_member(frame, actor_slack_id)
    assert member is not None
    waiting = select(ChangeRequest.id).where(
        ChangeRequest.member_id == member.id, ChangeRequest.status == ChangeRequestStatus.OPEN
    )
    if session.scalar(waiting.exists().select()):
        raise AlreadyAsked()
    request = ChangeRequest(
        member_id=member.id, requester_id=member.mentee_id, reason=reason.strip(), created_at=now
    )
    session.add(request)
    session.flush()
    return _view(request, member)


def mark_handled(
    session: Session,
    *,
    request_id: int,
    actor_slack_id: str,
    coordinators: Collection[str],
    now: datetime,
) -> ChangeHandled:
    """A coordinator marks the request handled (audited); marking it twice changes nothing."""
    authorize(
        session,
        actor=actor_slack_id,
        coordinators=coordinators,
        action="mentorship change request handled",
        detail=str(request_id),
        now=now,
    )
    request = session.scalar(
        select(ChangeRequest).where(ChangeRequest.id == request_id).with_for_update()
    )
    if request is None:
        raise UnknownChangeRequest()
    member = session.get_one(MentorshipMember, request.member_id)
    if request.status == ChangeRequestStatus.HANDLED:
        return ChangeHandled(_view(request, member), already=True)
    request.status = ChangeRequestStatus.HANDLED
    request.handled_by = actor_slack_id
    request.handled_at = now
    session.flush()
    return ChangeHandled(_view(request, member), already=False)


def _require_mentee(frame: Mentorship, role: Role, slack_id: str) -> None:
    require_open(frame)
    if role != Role.MENTEE:
        raise MenteesOnly()
    require_active(frame, role, slack_id)


def _view(request: ChangeRequest, member: MentorshipMember) -> ChangeRequestView:
    return ChangeRequestView(
        id=request.id,
        mentorship_id=member.mentorship_id,
        mentee_slack_id=member.mentee.slack_id,
        mentor_slack_id=member.mentorship.mentor.user.slack_id,
        reason=request.reason,
        created_at=request.created_at,
        status=request.status,
        handled_by=request.handled_by,
        handled_at=request.handled_at,
    )
