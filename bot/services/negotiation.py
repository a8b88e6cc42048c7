"""One negotiation over a session's time: propose, counter-propose, accept, decline, withdraw.

docs/architecture.md, "Negotiation". The same steps serve a mentor offering another time for
a pending request, either participant rescheduling an approved session, and a mentor inviting
someone to a session they planned. Each time on the table is a `TimeProposal` row; a booking
has at most one open (`uq_time_proposals_open`), and only the side that did NOT make it may
answer it: accept, decline, or counter with a time of their own (the open one closes as
countered and theirs opens). Its proposer may withdraw it.

Every step locks the booking first (as `bookings` does, with its helpers), re-reads its open
proposal, checks the actor by Slack id and the state as it is now, so a stale button or a
forged one changes nothing. A proposed slot is not held until it is accepted; accepting moves
the booking onto it inside a SAVEPOINT, so the live-seat index `uq_bookings_live_seat` refuses
a taken slot whatever the order of clicks on two replicas. The mentor's row is locked for the
weekly capacity (`bot.services.capacity`). A reschedule keeps the old slot held until the new
time is accepted, raises the booking's `sequence` (the calendar invite's SEQUENCE) and moves
its due work (`booking_plans.move`); an unanswered proposal lapses at the earlier of the two
times (`proposals.plan_lapse`), and the session's time stands.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.services import booking_plans, bookings, capacity, proposals
from bot.services.availability import LIVE_STATUSES
from bot.services.booking_view import BOOKING_LEAD, BookingView
from bot.services.bookings import (
    DECLINED_PROPOSAL,
    AlreadyRequested,
    AlreadyStarted,
    BookingError,
    InvalidRequest,
    NotPending,
    NotYourBooking,
    SlotGone,
    SlotTaken,
    TooSoon,
)
from bot.services.free_slots import SlotChoice, free_slots
from store.models import Booking, MentorProfile, Slot, TimeProposal, User
from store.statuses import BookingStatus, MentorStatus, Negotiated, PlannedBy, ProposalStatus

NOTE_MAX = 500
WITHDRAWN_INVITATION = "Withdrew the invitation"


@dataclass(frozen=True)
class NegotiationOutcome:
    """What a step did, to whom it is news, and the time it was about."""

    booking: BookingView  # as it now is; an open proposal shows in its proposed_* fields
    happened: Negotiated
    by_slack_id: str | None  # who acted (None: nobody answered in time)
    tell: str  # the participant this is news to
    offered_starts_at: datetime  # the time proposed, accepted, declined, withdrawn or lapsed
    offered_ends_at: datetime
    previous_starts_at: datetime | None = None  # a rescheduled session's old time

    @property
    def confirmed(self) -> bool:
        """The step made (or moved) a session: both people get the confirmation."""
        return self.happened in (Negotiated.ACCEPTED, Negotiated.RESCHEDULED)

    @property
    def rescheduled(self) -> bool:
        """An approved session moved: its calendar invite is sent again (METHOD:REQUEST) with
        the booking's new `sequence`."""
        return self.happened == Negotiated.RESCHEDULED

    @property
    def sequence(self) -> int:
        return self.booking.sequence


@dataclass(frozen=True)
class TimeForm:
    """What the "another time" modal offers: the mentor's free times, and whether the actor
    (the mentor) may also type a time outside their windows."""

    booking: BookingView
    slots: tuple[SlotChoice, ...]
    may_type: bool


@dataclass(frozen=True)
class InviteForm:
    slots: tuple[SlotChoice, ...]


# ---------------------------------------------------------------------------------------------
# Refusals


class ProposalGone(BookingError):
    def __init__(self) -> None:
        super().__init__(
            "That proposed time was already answered, withdrawn or replaced: nothing changed."
        )


class YourOwnProposal(NotYourBooking):
    """The proposer clicked an answer to their own proposal: it is the other side's."""

    def __init__(self) -> None:
        BookingError.__init__(
            self,
            "You proposed that time yourself: wait for the other person's answer, or withdraw it.",
        )


class NotYourProposal(BookingError):
    def __init__(self) -> None:
        super().__init__("Only the person who proposed that time can withdraw it.")


class TheyJustProposed(BookingError):
    def __init__(self) -> None:
        super().__init__("The other person has just proposed a time: answer theirs first.", "slot")


class SameTime(BookingError):
    def __init__(self) -> None:
        super().__init__("That is the time already proposed: accept it instead.", "slot")


class CannotReschedule(BookingError):
    def __init__(self, status: BookingStatus) -> None:
        words = {
            BookingStatus.DECLINED: "was declined",
            BookingStatus.CANCELLED: "was cancelled",
            BookingStatus.EXPIRED: "has expired",
        }.get(status, "has changed")
        super().__init__(f"This session {words}, so its time can't change.")


class TimePassed(BookingError):
    def __init__(self) -> None:
        super().__init__("That time has already passed. Pick a time in the future.", "when")


class ProposalPassed(BookingError):
    def __init__(self) -> None:
        super().__init__("The proposed time has passed or is gone, so it can't be accepted.")


class OneTimeOnly(BookingError):
    def __init__(self) -> None:
        super().__init__("Pick one of the free times, or type a day and a time (not both).", "slot")


class OnlyMentorsType(BookingError):
    def __init__(self) -> None:
        super().__init__("Only the mentor can add a time outside their free times.", "slot")


class BusyThen(BookingError):
    def __init__(self) -> None:
        super().__init__("You already have a session or request at that time.", "when")


class NoTimesToOffer(BookingError):
    def __init__(self) -> None:
        super().__init__(
            "Your mentor has no other free times in the next two weeks. Ask them to add some, "
            "or to propose a time themselves."
        )


class NotAMentor(BookingError):
    def __init__(self) -> None:
        super().__init__(
            "Only active mentors can invite someone to a session: sign up with "
            "`/mentor signup`, or resume with `/mentor resume`."
        )


class NoFreeTimesToInvite(BookingError):
    def __init__(self) -> None:
        super().__init__(
            "You have no free times in the next two weeks: add some with "
            "`/mentor availability`, then invite."
        )


class InvalidInvite(InvalidRequest):
    """An invitation's fields that need fixing (who, title, agenda)."""


# ---------------------------------------------------------------------------------------------
# Proposing and countering


def propose(
    session: Session,
    *,
    booking_id: int,
    actor_slack_id: str,
    now: datetime,
    slot_id: int | None = None,
    day: date | None = None,
    at: time | None = None,
    note: str | None = None,
) -> NegotiationOutcome:
    """Put another time on the table: one of the mentor's free slots (`slot_id`), or, for the
    mentor only, a day and time of their own (`day`, `at`, in the mentor's zone), which
    becomes a one-off slot. Answering an open proposal this way counters it."""
    booking, offer = _locked(session, booking_id)
    actor = bookings._participant(booking, actor_slack_id)
    _require_may_propose(booking, offer, actor, actor_slack_id, now)
    typed = day is not None or at is not None
    if typed == (slot_id is not None):
        raise OneTimeOnly()
    if typed:
        slot = _typed_slot(session, booking, actor, day, at, now)
    else:
        slot = _offered_slot(session, booking, slot_id or 0, now)
    mentor = bookings._locked_mentor(session, booking.mentor_id)
    others = bookings._load(session, mentor, slot.starts_at, booking.id)
    if others >= mentor.weekly_capacity:
        if actor == mentor.user_id:
            raise bookings._week_full_for_mentor(others, mentor.weekly_capacity)
        raise bookings._week_full_for_mentee()
    if offer is not None and slot.id == offer.slot_id:
        raise SameTime()
    happened = Negotiated.PROPOSED
    if offer is not None and offer.proposed_by == actor:  # the proposer changes their mind
        proposals.close(session, offer, ProposalStatus.WITHDRAWN, now=now)
    elif offer is not None:
        proposals.close(session, offer, ProposalStatus.COUNTERED, now=now)
        happened = Negotiated.COUNTERED
    new = TimeProposal(
        booking_id=booking.id,
        slot_id=slot.id,
        proposed_by=actor,
        status=ProposalStatus.OPEN,
        note=(note or "").strip()[:NOTE_MAX] or None,
        created_at=now,
    )
    new.slot = slot
    _open(session, new)
    proposals.plan_lapse(
        session, new, booking_id=booking.id, at=min(booking.starts_at, slot.starts_at), now=now
    )
    view = bookings._view(booking, new)
    return NegotiationOutcome(
        view,
        happened,
        by_slack_id=actor_slack_id,
        tell=view.other_party(actor_slack_id),
        offered_starts_at=slot.starts_at,
        offered_ends_at=slot.ends_at,
    )


def invite(
    session: Session,
    *,
    actor_slack_id: str,
    invitee_id: int | None,
    slot_id: int,
    title: str,
    agenda: str,
    now: datetime,
    ttl: timedelta,
) -> NegotiationOutcome:
    """A mentor plans a session with someone at one of their free times, with a title and an
    agenda: a pending booking the mentor planned, whose open proposal is the mentor's, so the
    invitee accepts, declines or counters it like any other proposal."""
    errors = _check_invite(invitee_id, title, agenda)
    if errors:
        raise InvalidInvite(errors)
    assert invitee_id is not None
    mentor = _active_mentor(session, actor_slack_id)
    if invitee_id == mentor.user_id:
        raise InvalidInvite({"who": "Invite someone other than yourself."})
    slot_mentor = session.scalar(select(Slot.mentor_id).where(Slot.id == slot_id))
    if slot_mentor != mentor.id:
        raise SlotGone()
    try:
        made = bookings.book_slot(
            session,
            mentee_id=invitee_id,
            slot_id=slot_id,
            message=agenda,
            topic=title,
            now=now,
            max_open=None,
            ttl=ttl,
            planned_by=PlannedBy.MENTOR,
        )
    except AlreadyRequested as waiting:
        raise InvalidInvite(
            {"who": "You two already have a request or invitation waiting: answer it first."}
        ) from waiting
    offer = TimeProposal(
        booking_id=made.booking.id,
        slot_id=slot_id,
        proposed_by=mentor.user_id,
        status=ProposalStatus.OPEN,
        created_at=now,
    )
    _open(session, offer)
    view = bookings._view_of(session, made.booking.id)
    return NegotiationOutcome(
        view,
        Negotiated.INVITED,
        by_slack_id=actor_slack_id,
        tell=view.mentee_slack_id,
        offered_starts_at=view.starts_at,
        offered_ends_at=view.ends_at,
    )


# ---------------------------------------------------------------------------------------------
# Answering


def accept(
    session: Session,
    *,
    booking_id: int,
    actor_slack_id: str,
    proposal_id: int | None,
    now: datetime,
    offsets: Sequence[timedelta],
) -> NegotiationOutcome:
    """The other side takes the proposed time: a pending request or invitation is approved on
    it; an approved session moves there (its old slot freed, `sequence` + 1, reminders and
    check-ins moved). If the time was taken meanwhile, nothing changes."""
    booking, offer = _locked(session, booking_id)
    actor = bookings._participant(booking, actor_slack_id)
    offer = _answerable(booking, offer, actor, proposal_id, now)
    slot = session.scalar(select(Slot).where(Slot.id == offer.slot_id).with_for_update(read=True))
    if slot is None or slot.starts_at <= now:
        raise ProposalPassed()
    mentor = bookings._locked_mentor(session, booking.mentor_id)
    if bookings._load(session, mentor, slot.starts_at, booking.id) >= mentor.weekly_capacity:
        raise bookings._week_full_for_mentee()
    previous = booking.starts_at
    rescheduling = booking.status == BookingStatus.APPROVED
    try:
        with session.begin_nested():
            booking.slot_id = slot.id
            booking.starts_at = slot.starts_at
            booking.ends_at = slot.ends_at
            if rescheduling:
                booking.sequence += 1
            else:
                booking.status = BookingStatus.APPROVED
                booking.decided_at = now
    except IntegrityError as refused:
        bookings._refuse(refused)
    proposals.close(session, offer, ProposalStatus.ACCEPTED, now=now)
    view = bookings._view(booking, None)
    if rescheduling:
        booking_plans.move(session, view, offsets=offsets, now=now)
    else:
        booking_plans.replan(session, view, offsets=offsets, now=now)
    return NegotiationOutcome(
        view,
        Negotiated.RESCHEDULED if rescheduling else Negotiated.ACCEPTED,
        by_slack_id=actor_slack_id,
        tell=view.other_party(actor_slack_id),
        offered_starts_at=slot.starts_at,
        offered_ends_at=slot.ends_at,
        previous_starts_at=previous if rescheduling else None,
    )


def decline(
    session: Session,
    *,
    booking_id: int,
    actor_slack_id: str,
    proposal_id: int | None,
    now: datetime,
    reason: str = "",
) -> NegotiationOutcome:
    """The other side turns the proposed time down. A reschedule's old time stands; a pending
    request or invitation ends (cancelled by the mentee, declined by the mentor)."""
    booking, offer = _locked(session, booking_id)
    actor = bookings._participant(booking, actor_slack_id)
    offer = _answerable(booking, offer, actor, proposal_id, now)
    offered = _times(session, booking, offer)
    proposals.close(session, offer, ProposalStatus.DECLINED, now=now)
    words = reason.strip()[: bookings.REASON_MAX] or DECLINED_PROPOSAL
    if booking.status == BookingStatus.PENDING:
        if actor == booking.mentee_id:
            booking.status = BookingStatus.CANCELLED
            booking.cancel_reason = words
            booking.cancelled_by = actor
        else:
            booking.status = BookingStatus.DECLINED
            booking.decline_reason = words
            booking.decided_at = now
        session.flush()
    view = bookings._view(booking, None)
    if not view.confirmed:
        booking_plans.replan(session, view, offsets=(), now=now)
    return NegotiationOutcome(
        view,
        Negotiated.DECLINED,
        by_slack_id=actor_slack_id,
        tell=view.other_party(actor_slack_id),
        offered_starts_at=offered[0],
        offered_ends_at=offered[1],
    )


def withdraw(
    session: Session,
    *,
    booking_id: int,
    actor_slack_id: str,
    proposal_id: int | None,
    now: datetime,
) -> NegotiationOutcome:
    """The proposer takes their time off the table. The session (or request) goes on as it was;
    withdrawing an invitation's own time withdraws the invitation."""
    booking, offer = _locked(session, booking_id)
    actor = bookings._participant(booking, actor_slack_id)
    if offer is None or (proposal_id is not None and offer.id != proposal_id):
        raise ProposalGone()
    if offer.proposed_by != actor:
        raise NotYourProposal()
    offered = _times(session, booking, offer)
    proposals.close(session, offer, ProposalStatus.WITHDRAWN, now=now)
    if booking.status == BookingStatus.PENDING and offer.slot_id == booking.slot_id:
        booking.status = BookingStatus.CANCELLED
        booking.cancel_reason = WITHDRAWN_INVITATION
        booking.cancelled_by = actor
        session.flush()
    view = bookings._view(booking, None)
    if not view.confirmed:
        booking_plans.replan(session, view, offsets=(), now=now)
    return NegotiationOutcome(
        view,
        Negotiated.WITHDRAWN,
        by_slack_id=actor_slack_id,
        tell=view.other_party(actor_slack_id),
        offered_starts_at=offered[0],
        offered_ends_at=offered[1],
    )


def lapse(session: Session, *, proposal_id: int, now: datetime) -> NegotiationOutcome | None:
    """Nobody answered before the time came: the proposal lapses and the session's time
    stands; None if it was answered meanwhile. The outcome tells the proposer."""
    booking_id = session.scalar(
        select(TimeProposal.booking_id).where(TimeProposal.id == proposal_id)
    )
    if booking_id is None:
        return None
    booking, offer = _locked(session, booking_id)
    if offer is None or offer.id != proposal_id:
        return None
    proposals.close(session, offer, ProposalStatus.LAPSED, now=now)
    if booking.status not in LIVE_STATUSES:
        return None  # the booking ended some other way (a deletion): nothing to tell
    offered = _times(session, booking, offer)
    view = bookings._view(booking, None)
    proposer = view.mentee_slack_id if offer.proposed_by == booking.mentee_id else None
    return NegotiationOutcome(
        view,
        Negotiated.LAPSED,
        by_slack_id=None,
        tell=proposer or view.mentor_slack_id,
        offered_starts_at=offered[0],
        offered_ends_at=offered[1],
    )


# ---------------------------------------------------------------------------------------------
# Before a form opens: the same checks as its submission, on the state as it is now


def time_form(session: Session, *, booking_id: int, actor_slack_id: str, now: datetime) -> TimeForm:
    """The mentor's other free times for proposing, countering or rescheduling, if the actor
    may put a time on the table now; the mentor may also type one of their own."""
    booking, offer = bookings._read(session, booking_id)
    actor = bookings._participant(booking, actor_slack_id)
    _require_may_propose(booking, offer, actor, actor_slack_id, now)
    taken = {booking.slot_id, offer.slot_id if offer is not None else None}
    slots = tuple(
        s
        for s in free_slots(
            session, mentor_id=booking.mentor_id, now=now, ignoring_booking_id=booking.id
        )
        if s.id not in taken and not s.in_group  # a one-to-one session moves to a one-to-one time
    )
    may_type = actor == booking.mentor.user_id
    if not slots and not may_type:
        raise NoTimesToOffer()
    return TimeForm(bookings._view(booking, offer), slots, may_type)


def invite_form(session: Session, *, actor_slack_id: str, now: datetime) -> InviteForm:
    """The inviting mentor's free times, if they are an active mentor with some."""
    mentor = _active_mentor(session, actor_slack_id)
    slots = tuple(s for s in free_slots(session, mentor_id=mentor.id, now=now) if not s.in_group)
    if not slots:
        raise NoFreeTimesToInvite()
    return InviteForm(slots)


# ---------------------------------------------------------------------------------------------
# Helpers


def _locked(session: Session, booking_id: int) -> tuple[Booking, TimeProposal | None]:
    """The booking, locked, and its open proposal read after the lock is held: on PostgreSQL a
    statement that waited for the lock sees the booking row as committed but any joined row
    as it was before the wait, so the proposal is read again in a statement of its own."""
    booking, _ = bookings._locked(session, booking_id)
    return booking, proposals.open_proposal(session, booking.id)


def _require_may_propose(
    booking: Booking, offer: TimeProposal | None, actor: int, actor_slack_id: str, now: datetime
) -> None:
    """A live booking that has not started; an open proposal is the other side's to counter (or
    its proposer's to replace); without one, a pending request's answerer or either side of a
    session may propose."""
    if booking.status not in LIVE_STATUSES:
        raise CannotReschedule(booking.status)
    if booking.starts_at <= now:
        raise AlreadyStarted("This session has already started, so its time can't change.")
    if offer is not None:
        if offer.proposed_by == actor and offer.slot_id == booking.slot_id:
            raise YourOwnProposal()  # an invitation's own time: withdraw it instead
        return  # counter the other side's time, or replace one's own
    if booking.status == BookingStatus.PENDING:
        bookings._require_answerer(booking, actor_slack_id)


def _answerable(
    booking: Booking,
    offer: TimeProposal | None,
    actor: int,
    proposal_id: int | None,
    now: datetime,
) -> TimeProposal:
    """The open proposal the button named, if the actor is the side that answers it."""
    if booking.status not in LIVE_STATUSES:
        raise NotPending(booking.status)
    if offer is None or (proposal_id is not None and offer.id != proposal_id):
        raise ProposalGone()
    if offer.proposed_by == actor:
        raise YourOwnProposal()
    if booking.status == BookingStatus.APPROVED and booking.starts_at <= now:
        raise AlreadyStarted("This session has already started, so its time can't change.")
    return offer


def _offered_slot(session: Session, booking: Booking, slot_id: int, now: datetime) -> Slot:
    """One of the mentor's free future one-to-one slots, other than the booking's own (a group
    session's seats are booked, not moved into)."""
    slot = session.scalar(select(Slot).where(Slot.id == slot_id).with_for_update(read=True))
    if (
        slot is None
        or slot.mentor_id != booking.mentor_id
        or slot.starts_at <= now
        or slot.id == booking.slot_id
        or slot.seats > 1
    ):
        raise SlotGone()
    if bookings._is_held(session, slot.id):
        raise SlotTaken()
    return slot


def _typed_slot(
    session: Session,
    booking: Booking,
    actor: int,
    day: date | None,
    at: time | None,
    now: datetime,
) -> Slot:
    """A time the mentor typed, in their own zone, as a slot of their session length: an
    existing free slot at that start, or a new one-off slot outside their windows."""
    mentor = booking.mentor
    if actor != mentor.user_id:
        raise OnlyMentorsType()
    if day is None or at is None:
        raise BookingError("Give both a day and a time.", "when")
    starts = datetime.combine(day, at, tzinfo=capacity.zone(mentor.user.tz)).astimezone(UTC)
    if starts <= now:
        raise TimePassed()
    if starts < now + BOOKING_LEAD:
        raise TooSoon()
    existing = session.scalar(
        select(Slot)
        .where(Slot.mentor_id == mentor.id, Slot.starts_at == starts)
        .with_for_update(read=True)
    )
    if existing is not None:
        return _offered_slot(session, booking, existing.id, now)
    ends = starts + timedelta(minutes=mentor.session_minutes)
    overlapping = select(Booking.id).where(
        Booking.mentor_id == mentor.id,
        Booking.id != booking.id,
        Booking.status.in_(LIVE_STATUSES),
        and_(Booking.starts_at < ends, Booking.ends_at > starts),
    )
    if session.scalar(overlapping.exists().select()):
        raise BusyThen()
    slot = Slot(mentor_id=mentor.id, window_id=None, starts_at=starts, ends_at=ends)
    try:
        with session.begin_nested():
            session.add(slot)
    except IntegrityError as refused:  # the same start was added meanwhile
        raise SlotTaken() from refused
    return slot


def _open(session: Session, offer: TimeProposal) -> None:
    """Insert an open proposal; the database keeps it the booking's only open one."""
    try:
        with session.begin_nested():
            session.add(offer)
    except IntegrityError as refused:
        text = str(refused.orig)
        if proposals.OPEN_INDEX in text or "time_proposals.booking_id" in text:
            raise TheyJustProposed() from refused
        raise


def _times(session: Session, booking: Booking, offer: TimeProposal) -> tuple[datetime, datetime]:
    """The proposed time; the session's own if the mentor removed that slot meanwhile."""
    slot = offer.slot or session.get(Slot, offer.slot_id or 0)
    if slot is None:
        return booking.starts_at, booking.ends_at
    return slot.starts_at, slot.ends_at


def _active_mentor(session: Session, actor_slack_id: str) -> MentorProfile:
    mentor = session.scalar(
        select(MentorProfile)
        .join(User, User.id == MentorProfile.user_id)
        .where(User.slack_id == actor_slack_id)
    )
    if mentor is None or mentor.status != MentorStatus.ACTIVE:
        raise NotAMentor()
    return mentor


def _check_invite(invitee_id: int | None, title: str, agenda: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if invitee_id is None:
        errors["who"] = "Pick the person to invite."
    if not title.strip():
        errors["topic"] = "Give the session a title."
    elif len(title.strip()) > bookings.TOPIC_MAX:
        errors["topic"] = f"Keep the title to {bookings.TOPIC_MAX} characters."
    text = agenda.strip()
    if not bookings.MESSAGE_MIN <= len(text) <= bookings.MESSAGE_MAX:
        errors["message"] = (
            f"Write an agenda of {bookings.MESSAGE_MIN} to {bookings.MESSAGE_MAX} characters, "
            "so you both can prepare."
        )
    return errors
