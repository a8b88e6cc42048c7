"""Ending a mentorship early, with a reason the ender may keep from the other side.

A mentee ends their own part; the mentor ends the whole mentorship (every live member). The
frame ends when no live members remain. Everything still planned for the ended members is
dropped, and their sessions still to come are cancelled through `bookings.cancel`, so those
sessions' reminders go too. The reason is kept for coordinators either way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.services import bookings, mentorship_plans
from bot.services.booking_view import BookingView
from bot.services.mentorship_forms import InvalidForm, check_text
from bot.services.mentorship_roles import own_member, require_active
from bot.services.mentorship_view import MentorshipView, load, require_open, view_of
from store.models import Booking, Mentorship, MentorshipMember
from store.statuses import LIVE_MEMBER_STATUSES, BookingStatus, MemberStatus, MentorshipStatus, Role

REASON = "reason"
CANCELLED_SESSIONS_REASON = "The mentorship has ended."


@dataclass(frozen=True)
class EndedEarly:
    """What ending did: the mentorship as it is now, who ended it, whom to tell and whether
    they may read the reason; the sessions that were called off."""

    mentorship: MentorshipView
    title: str  # as it was named before it ended ("Ada & Ben")
    ender_slack_id: str
    ender_name: str
    by_mentor: bool
    tell: tuple[str, ...]
    reason: str | None  # None when the ender asked to keep it to coordinators
    frame_ended: bool
    cancelled: tuple[BookingView, ...]


def for_ending(session: Session, *, mentorship_id: int, actor_slack_id: str) -> MentorshipView:
    """The mentorship someone is about to end: theirs and running; the submission checks again."""
    frame, role = load(session, mentorship_id, actor_slack_id=actor_slack_id)
    require_open(frame)
    require_active(frame, role, actor_slack_id)
    return view_of(session, frame.id)


def end_early(
    session: Session,
    *,
    mentorship_id: int,
    actor_slack_id: str,
    reason: str,
    share_reason: bool,
    now: datetime,
) -> EndedEarly:
    errors: dict[str, str] = {}
    check_text(errors, REASON, reason, required="Please give a reason (coordinators read it).")
    if errors:
        raise InvalidForm(errors)
    frame, role = load(session, mentorship_id, actor_slack_id=actor_slack_id, lock=True)
    require_open(frame)
    require_active(frame, role, actor_slack_id)
    by_mentor = role == Role.MENTOR
    before = view_of(session, frame.id)
    ending = _live(frame) if by_mentor else [m for m in [own_member(frame, actor_slack_id)] if m]
    ender_id = frame.mentor.user_id if by_mentor else ending[0].mentee_id
    for member in ending:
        member.status = MemberStatus.ENDED
        member.ended_at = now
        member.ended_by_id = ender_id
        member.ended_early = True
        member.end_reason = reason.strip()
        member.end_reason_shared = share_reason
        mentorship_plans.drop(session, frame.id, member_id=member.id)
        mentorship_plans.drop(session, frame.id, recipient_id=member.mentee_id)
    frame_ended = not _live(frame)
    if frame_ended:
        frame.status = MentorshipStatus.ENDED
        frame.ended_at = now
        frame.proposed_ends_on = frame.proposed_by_id = None
        mentorship_plans.drop(session, frame.id)
    frame.updated_at = now
    frame.version += 1
    session.flush()
    cancelled = _cancel_sessions(session, frame, ending, actor_slack_id, now)
    ended_slack_ids = {member.mentee.slack_id for member in ending}
    if by_mentor:
        tell = tuple(sorted(ended_slack_ids))
        ender_name = before.mentor_name
    else:
        tell = (before.mentor_slack_id,)
        ender_name = ending[0].mentee.real_name
    return EndedEarly(
        mentorship=view_of(session, frame.id),
        title=before.title,
        ender_slack_id=actor_slack_id,
        ender_name=ender_name,
        by_mentor=by_mentor,
        tell=tell,
        reason=reason.strip() if share_reason else None,
        frame_ended=frame_ended,
        cancelled=cancelled,
    )


def _live(frame: Mentorship) -> list[MentorshipMember]:
    return [member for member in frame.members if member.status in LIVE_MEMBER_STATUSES]


def _cancel_sessions(
    session: Session,
    frame: Mentorship,
    ending: list[MentorshipMember],
    actor_slack_id: str,
    now: datetime,
) -> tuple[BookingView, ...]:
    """Call off the ended members' sessions of this mentorship that have not started."""
    mentees = [member.mentee_id for member in ending]
    ids = session.scalars(
        select(Booking.id)
        .where(
            Booking.mentorship_id == frame.id,
            Booking.mentee_id.in_(mentees),
            Booking.status.in_((BookingStatus.PENDING, BookingStatus.APPROVED)),
            Booking.starts_at > now,
        )
        .order_by(Booking.starts_at)
    ).all()
    return tuple(
        bookings.cancel(
            session,
            booking_id=booking_id,
            actor_slack_id=actor_slack_id,
            reason=CANCELLED_SESSIONS_REASON,
            now=now,
        ).booking
        for booking_id in ids
    )
