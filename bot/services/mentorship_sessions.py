"""Meeting in a mentorship: either side plans the next session from the mentor's free slots.

A session of a mentorship is a booking (`Booking.mentorship_id`, `planned_by`) made by the
booking service's own `bookings.book_slot`, so the slot's partial index, the weekly capacity
(with the mentor's profile locked) and their refusals are the same as for a request. Planned by
the mentee, it is an ordinary request the mentor approves on the usual card. Planned by the
mentor, it skips the mentor's approval and waits for the mentee, who accepts it
(`accept_planned`) or declines it with a reason (`bookings.decline`). Once approved, the
session's reminders, check-ins, diary prompt and next cadence nudge are planned by
`booking_plans.replan` in the same transaction. The one-pending-per-pair index still holds: a
mentorship has at most one session waiting for an answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from bot.services import bookings, mentorship_view
from bot.services.bookings import AlreadyRequested, BookingOutcome, InvalidRequest
from bot.services.free_slots import SlotChoice, free_slots
from bot.services.mentorship_view import CADENCE_DAYS, MentorshipError, MentorshipOver
from store.models import Booking, Mentorship, MentorshipMember
from store.statuses import (
    LIVE_MEMBER_STATUSES,
    BookingStatus,
    MemberStatus,
    MentorshipStatus,
    PlannedBy,
    Role,
)

AGENDA_MAX = 200
AGENDA_PREFIX = "Session agenda: "  # the booking's message, which must be ten characters or more


@dataclass(frozen=True)
class PlanForm:
    """What the plan modal shows: the mentorship, with whom, and the mentor's bookable times."""

    mentorship_id: int
    other_name: str
    slots: tuple[SlotChoice, ...]


class NoFreeTimes(MentorshipError):
    def __init__(self, for_mentor: bool) -> None:
        super().__init__(
            "You have no free times in the next two weeks: add some with `/mentor availability`, "
            "then plan the session."
            if for_mentor
            else "Your mentor has no free times in the next two weeks. Ask them to add some, "
            "or to plan the session themselves."
        )


class OneAtATime(MentorshipError):
    field = "slot"

    def __init__(self) -> None:
        super().__init__(
            "A session of this mentorship is already waiting for an answer (one at a time): "
            "answer or cancel it first."
        )


class NotActiveYet(MentorshipError):
    def __init__(self) -> None:
        super().__init__(
            "That mentorship hasn't started yet: you can plan sessions once you've both agreed."
        )


class NotAPlannedSession(MentorshipError):
    def __init__(self) -> None:
        super().__init__("I can't find that session, or it isn't yours to accept.")


def check_agenda(agenda: str) -> dict[str, str]:
    text = agenda.strip()
    if not text:
        return {"topic": "Give the session an agenda topic, so you both can prepare."}
    if len(text) > AGENDA_MAX:
        return {"topic": f"Keep the agenda to {AGENDA_MAX} characters (it has {len(text)})."}
    return {}


def plan_form(
    session: Session, *, mentorship_id: int, actor_slack_id: str, now: datetime
) -> PlanForm:
    """The mentor's free slots for planning, if the actor is an active part of the mentorship."""
    frame, role, member = _active(session, mentorship_id, actor_slack_id, lock=False)
    slots = free_slots(session, mentor_id=frame.mentor_id, now=now)
    if not slots:
        raise NoFreeTimes(for_mentor=role == Role.MENTOR)
    other = member.mentee.real_name if role == Role.MENTOR else frame.mentor.user.real_name
    return PlanForm(mentorship_id=frame.id, other_name=other, slots=tuple(slots))


def plan_session(
    session: Session,
    *,
    mentorship_id: int,
    actor_slack_id: str,
    slot_id: int,
    agenda: str,
    now: datetime,
    max_open: int,
    ttl: timedelta,
) -> BookingOutcome:
    """Plan the next session on one of the mentor's free slots, with an agenda topic. The
    outcome's `tell` is the side that answers: the mentor for the mentee's plan, else the mentee.
    """
    errors = check_agenda(agenda)
    if errors:
        raise InvalidRequest(errors)
    frame, role, member = _active(session, mentorship_id, actor_slack_id, lock=True)
    by_mentor = role == Role.MENTOR
    try:
        return bookings.book_slot(
            session,
            mentee_id=member.mentee_id,
            slot_id=slot_id,
            message=AGENDA_PREFIX + agenda.strip(),
            topic=agenda.strip(),
            now=now,
            max_open=None if by_mentor else max_open,
            ttl=ttl,
            mentorship=(frame.id, frame.mentor_id),
            planned_by=PlannedBy.MENTOR if by_mentor else PlannedBy.MENTEE,
        )
    except AlreadyRequested as waiting:
        raise OneAtATime() from waiting


def accept_planned(
    session: Session,
    *,
    booking_id: int,
    actor_slack_id: str,
    now: datetime,
    offsets: Sequence[timedelta],
) -> BookingOutcome:
    """The mentee accepts the session their mentor planned: it is approved without the mentor's
    step, and its reminders, check-ins and diary prompt are planned (`bookings.approve`)."""
    planned = bookings.get_booking(session, booking_id=booking_id)
    if (
        planned is None
        or planned.mentorship_id is None
        or planned.planned_by != PlannedBy.MENTOR
        or planned.mentee_slack_id != actor_slack_id
    ):
        raise NotAPlannedSession()
    _active(session, planned.mentorship_id, actor_slack_id, lock=True)
    return bookings.approve(
        session, booking_id=booking_id, actor_slack_id=actor_slack_id, now=now, offsets=offsets
    )


def _active(
    session: Session, mentorship_id: int, actor_slack_id: str, *, lock: bool
) -> tuple[Mentorship, Role, MentorshipMember]:
    """The open mentorship, the actor's role and the active member a session would be with."""
    frame, role = mentorship_view.load(
        session, mentorship_id, actor_slack_id=actor_slack_id, lock=lock
    )
    mentorship_view.require_open(frame)
    if role == Role.MENTEE:
        mine = [m for m in frame.members if m.mentee.slack_id == actor_slack_id]
    else:
        mine = [m for m in frame.members if m.status in LIVE_MEMBER_STATUSES]
    active = [m for m in mine if m.status == MemberStatus.ACTIVE]
    if len(active) > 1:
        raise MentorshipError("Sessions of a group are planned by its members, one at a time.")
    if not active:
        if any(m.status in (MemberStatus.REQUESTED, MemberStatus.AGREEING) for m in mine):
            raise NotActiveYet()
        raise MentorshipOver()
    return frame, role, active[0]


@dataclass(frozen=True)
class CadenceNudge:
    """A nudge to plan: the mentorship, with whom, and how often they meant to meet."""

    mentorship_id: int
    with_slack_ids: tuple[str, ...]
    cadence_name: str


def cadence_nudge(
    session: Session, *, mentorship_id: int, recipient_slack_id: str, now: datetime
) -> CadenceNudge | None:
    """The nudge to send now, or None if it is not needed any more: the mentorship is over or
    the recipient has left it, a session is planned (pending or upcoming), or one ended within
    the cadence."""
    view = mentorship_view.view_of(session, mentorship_id)
    if view.status != MentorshipStatus.OPEN:
        return None
    active = [m.mentee_slack_id for m in view.members if m.status == MemberStatus.ACTIVE]
    if recipient_slack_id != view.mentor_slack_id and recipient_slack_id not in active:
        return None
    days = CADENCE_DAYS[view.cadence]
    live = Booking.status.in_((BookingStatus.PENDING, BookingStatus.APPROVED))
    planned = session.scalar(
        select(Booking.id).where(
            Booking.mentorship_id == mentorship_id,
            or_(
                and_(live, Booking.ends_at > now),
                and_(
                    Booking.status == BookingStatus.APPROVED,
                    Booking.ends_at > now - timedelta(days=days),
                ),
            ),
        )
    )
    if planned is not None:
        return None
    others = (view.mentor_slack_id, *active)
    return CadenceNudge(
        mentorship_id=mentorship_id,
        with_slack_ids=tuple(s for s in others if s != recipient_slack_id),
        cadence_name=view.cadence_name,
    )
