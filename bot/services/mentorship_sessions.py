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

A group's mentor plans one session for all its active members (`plan`): the free slot chosen
becomes a group slot (docs/architecture.md, "Seats") with a seat per member, and each member's
seat is approved at once, since they agreed to the mentorship: one booking, reminders, check-in
and diary prompt per member, and one reminder for the mentor.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import Session

from bot.services import bookings, mentorship_view
from bot.services.bookings import (
    AlreadyRequested,
    BookingOutcome,
    InvalidRequest,
    SlotGone,
    SlotTaken,
)
from bot.services.free_slots import SlotChoice, free_slots
from bot.services.mentorship_view import CADENCE_DAYS, MentorshipError, MentorshipOver
from bot.services.people import PersonForgotten, lock_live_people
from store.models import Booking, Mentorship, MentorshipMember, Slot
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
class Planned:
    """What planning made: one outcome per booking (a group session has one per member)."""

    outcomes: tuple[BookingOutcome, ...]

    @property
    def for_group(self) -> bool:
        return len(self.outcomes) > 1


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
    frame, role, member = _active(session, mentorship_id, actor_slack_id, lock=False, group=True)
    slots = free_slots(session, mentor_id=frame.mentor_id, now=now)
    if role == Role.MENTOR and _members_met(frame) != [member]:
        slots = [slot for slot in slots if not slot.in_group]  # a group takes a whole slot
    if not slots:
        raise NoFreeTimes(for_mentor=role == Role.MENTOR)
    other = member.mentee.real_name if role == Role.MENTOR else frame.mentor.user.real_name
    if role == Role.MENTOR and len(_members_met(frame)) > 1:
        other = frame.name or other
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
    return _book_one(session, frame, role, member, slot_id, agenda, now, max_open, ttl)


def _book_one(
    session: Session,
    frame: Mentorship,
    role: Role,
    member: MentorshipMember,
    slot_id: int,
    agenda: str,
    now: datetime,
    max_open: int,
    ttl: timedelta,
) -> BookingOutcome:
    """One session with one member, as a request of whichever side planned it."""
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


def plan(
    session: Session,
    *,
    mentorship_id: int,
    actor_slack_id: str,
    slot_id: int,
    agenda: str,
    now: datetime,
    max_open: int,
    ttl: timedelta,
    offsets: Sequence[timedelta],
) -> Planned:
    """The plan form's submission: a group's mentor plans one session for every active member
    (each seat approved at once, planned like an approval at `offsets`); anyone else plans as
    `plan_session` does."""
    errors = check_agenda(agenda)
    if errors:
        raise InvalidRequest(errors)
    frame, role, member = _active(session, mentorship_id, actor_slack_id, lock=True, group=True)
    members = _members_met(frame)
    if role != Role.MENTOR or len(members) < 2:
        return Planned(
            (_book_one(session, frame, role, member, slot_id, agenda, now, max_open, ttl),)
        )
    # The people first, in id order, as every booking write locks them (`book_slot`), then the
    # slot: a member's own request racing this plan waits for it, or it for the request.
    for member in sorted(members, key=lambda m: m.mentee_id):
        try:
            lock_live_people(session, acting=member.mentee_id, other=frame.mentor.user_id)
        except PersonForgotten as gone:
            raise MentorshipError(str(gone)) from gone
    slot = session.scalar(
        select(Slot)
        .where(Slot.id == slot_id, Slot.mentor_id == frame.mentor_id)
        .with_for_update(of=Slot)
    )
    if slot is None or slot.starts_at <= now:
        raise SlotGone()
    held = exists().where(Booking.slot_id == slot.id, Booking.status.in_(_LIVE))
    if slot.seats > 1 or session.scalar(select(held)):
        raise SlotTaken()
    slot.seats, slot.title = len(members), frame.name
    session.flush()
    outcomes = []
    for member in members:
        try:
            booked = bookings.book_slot(
                session,
                mentee_id=member.mentee_id,
                slot_id=slot.id,
                message=AGENDA_PREFIX + agenda.strip(),
                topic=agenda.strip(),
                now=now,
                max_open=None,
                ttl=ttl,
                mentorship=(frame.id, frame.mentor_id),
                planned_by=PlannedBy.MENTOR,
            )
        except AlreadyRequested as waiting:
            raise OneAtATime() from waiting
        outcomes.append(
            bookings.approve(
                session,
                booking_id=booked.booking.id,
                actor_slack_id=member.mentee.slack_id,
                now=now,
                offsets=offsets,
            )
        )
    return Planned(tuple(outcomes))


_LIVE = (BookingStatus.PENDING, BookingStatus.APPROVED)


def _members_met(frame: Mentorship) -> list[MentorshipMember]:
    """The members a session of the mentorship is with: its active ones."""
    return [m for m in frame.members if m.status == MemberStatus.ACTIVE]


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
    session: Session, mentorship_id: int, actor_slack_id: str, *, lock: bool, group: bool = False
) -> tuple[Mentorship, Role, MentorshipMember]:
    """The open mentorship, the actor's role and the active member a session would be with
    (with `group`, a group's mentor may plan for all its active members: the first is given)."""
    frame, role = mentorship_view.load(
        session, mentorship_id, actor_slack_id=actor_slack_id, lock=lock
    )
    mentorship_view.require_open(frame)
    if role == Role.MENTEE:
        mine = [m for m in frame.members if m.mentee.slack_id == actor_slack_id]
    else:
        mine = [m for m in frame.members if m.status in LIVE_MEMBER_STATUSES]
    active = [m for m in mine if m.status == MemberStatus.ACTIVE]
    if len(active) > 1 and not group:
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
