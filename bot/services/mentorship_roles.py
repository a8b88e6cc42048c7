"""Who takes an active part in a mentorship: the one check changing course relies on.

`mentorship_view.load` says whether someone is part of a mentorship at all; changing its course
(extending, ending, asking for another mentor) also needs an active part in it now.
"""

from __future__ import annotations

from bot.services.mentorship_view import MentorshipError
from store.models import Mentorship, MentorshipMember
from store.statuses import MemberStatus, Role


class NotActiveHere(MentorshipError):
    def __init__(self) -> None:
        super().__init__("You're not active in that mentorship any more, so nothing was changed.")


def active_members(frame: Mentorship) -> list[MentorshipMember]:
    return [member for member in frame.members if member.status == MemberStatus.ACTIVE]


def own_member(frame: Mentorship, slack_id: str) -> MentorshipMember | None:
    return next((m for m in frame.members if m.mentee.slack_id == slack_id), None)


def require_active(frame: Mentorship, role: Role, slack_id: str) -> None:
    """The mentor while any member is active; a mentee while they are."""
    active = active_members(frame)
    if role == Role.MENTOR and active:
        return
    if any(member.mentee.slack_id == slack_id for member in active):
        return
    raise NotActiveHere()


def user_id_of(frame: Mentorship, role: Role, slack_id: str) -> int:
    if role == Role.MENTOR:
        return frame.mentor.user_id
    member = own_member(frame, slack_id)
    assert member is not None  # `load` found them among the members
    return member.mentee_id
