"""The booking loop: a mentee requests a slot, the mentor approves, declines or proposes another
time, and either side can cancel.

docs/architecture.md, "The programme's rules". A pending request holds its slot. Two people can
never hold the same slot, and a mentee never has two pending requests with one mentor: partial
unique indexes on `bookings` (`uq_bookings_live_seat`, `uq_bookings_pending_pair`) decide, not
Python. Writes that could collide run inside a SAVEPOINT, so a refusal leaves the caller's
transaction usable.

Every change locks the booking row first (`FOR UPDATE` on PostgreSQL; SQLite serialises writers
with BEGIN IMMEDIATE), then checks who is acting, by Slack id, and the booking's status, so a
double click, a forged button or a form opened before things changed changes nothing: ids in
buttons and modal metadata only name the booking, the acting user and its current state decide.
Cancelled, declined and expired bookings keep their `slot_id` and times as history; the index
only counts live ones, so the slot reopens.

A write that puts a live booking into a week (requesting, approving, proposing or accepting a
time) first locks the mentor's profile row, then counts that week as search does
(`bot.services.capacity`): two requests for a week's last place wait for each other, and the
second finds the week full.

Each change is the whole use case: in its one transaction it also plans or drops the booking's
due work (`booking_plans`, `lifecycle`) and returns a `BookingOutcome` naming whom to tell, so a
listener only builds and sends the messages.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, NoReturn

from sqlalchemy import CompoundSelect, Select, and_, func, literal, or_, select, union_all, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased, joinedload

from bot.services import booking_plans, capacity, lifecycle, pauses, proposals
from bot.services.availability import LIVE_STATUSES
from bot.services.booking_view import BOOKING_LEAD, BookingView
from bot.services.errors import DomainError, FieldErrors
from bot.services.people import PersonForgotten, lock_live_people
from bot.services.places import check_place
from store.models import Booking, MentorProfile, Slot, TimeProposal, User
from store.statuses import BookingStatus, MeetingKind, MentorStatus, PlannedBy, ProposalStatus

MESSAGE_MIN, MESSAGE_MAX = 10, 2000
TOPIC_MAX = 150
REASON_MAX = 500
NOTE_MAX = 500
PAST_LIMIT = 5
DECLINED_PROPOSAL = "Declined the proposed time"
LIVE_SEAT_INDEX = "uq_bookings_live_seat"
PENDING_PAIR_INDEX = "uq_bookings_pending_pair"
# SQLite names the columns of a violated unique index, not the index itself.
_SQLITE_COLUMNS = {
    LIVE_SEAT_INDEX: "bookings.slot_id, bookings.seat_no",
    PENDING_PAIR_INDEX: "bookings.mentee_id, bookings.mentor_id",
}


@dataclass(frozen=True)
class BookingOutcome:
    """What a change did: the booking as it now is, and who must hear of it."""

    booking: BookingView
    tell: str  # the Slack id of the participant who did not act: the change is news to them
    confirmed: bool  # the change made it a session: both people get the confirmation


@dataclass(frozen=True)
class MySessions:
    upcoming: tuple[BookingView, ...]
    awaiting_me: tuple[BookingView, ...]
    my_requests: tuple[BookingView, ...]
    past: tuple[BookingView, ...]
    # Per group, how many the read found (up to its limit) when it loaded only the first few.
    found: Mapping[str, int] = field(default_factory=dict)

    def count(self, group: str) -> int:
        """How many of a group there are (up to the read's limit), loaded or not."""
        loaded: tuple[BookingView, ...] = getattr(self, group)
        return max(self.found.get(group, 0), len(loaded))


# ---------------------------------------------------------------------------------------------
# Refusals


class BookingError(DomainError):
    """A refusal with a user-facing sentence; `field` names the form input it belongs to."""

    field: str | None = None

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        if field is not None:
            self.field = field


class InvalidRequest(FieldErrors, BookingError):
    """One message per form field that needs fixing."""


class SlotTaken(BookingError):
    def __init__(self) -> None:
        super().__init__("Someone has just booked that time. Pick another one.", "slot")


class TooSoon(BookingError):
    def __init__(self) -> None:
        super().__init__(
            "That time is less than an hour away: too soon for the mentor to answer. "
            "Pick a later one.",
            "slot",
        )


class SlotGone(BookingError):
    def __init__(self) -> None:
        super().__init__("That time is no longer available. Pick another one.", "slot")


class MentorUnavailable(BookingError):
    def __init__(self, message: str = "This mentor isn't taking requests right now.") -> None:
        super().__init__(message)


class WeekFull(BookingError):
    """The mentor's weekly capacity is reached for the week of that time."""

    def __init__(self, message: str) -> None:
        super().__init__(message, "slot")


def _week_full_for_mentee() -> WeekFull:
    return WeekFull(
        "This mentor's week is full now: they take no more sessions that week. "
        "Pick a time in another week."
    )


def _week_full_for_mentor(others: int, weekly_capacity: int) -> WeekFull:
    sessions = "session or request" if others == 1 else "sessions and requests"
    return WeekFull(
        f"That week already has {others} other {sessions} and your weekly capacity is "
        f"{weekly_capacity}. Decline or move another request first, or raise your capacity "
        "in your profile."
    )


class TooManyOpenRequests(BookingError):
    def __init__(self, max_open: int) -> None:
        requests = "request" if max_open == 1 else "requests"
        super().__init__(
            f"You already have {max_open} open {requests}. Wait for an answer, or cancel one, "
            "before asking someone else."
        )
        self.max_open = max_open


class AlreadyRequested(BookingError):
    def __init__(self) -> None:
        super().__init__(
            "You already have a request waiting with this mentor. Wait for their answer, "
            "or cancel it to pick another time.",
            "slot",
        )


class SessionFull(BookingError):
    """Every seat of a group session is held."""

    def __init__(self) -> None:
        super().__init__(
            "Sorry, that session is full: every seat is taken. Pick another time.", "slot"
        )


class AlreadyHaveSeat(BookingError):
    """One person, one seat: a second request for the same group session is refused."""

    def __init__(self) -> None:
        super().__init__(
            "You already have a seat in that session (or a request for one). "
            "Cancel it first if you want to ask again.",
            "slot",
        )


class NotYourBooking(BookingError):
    def __init__(self) -> None:
        super().__init__("I can't find that request, or it isn't yours to change.")


_STATUS_WORDS = {
    BookingStatus.PENDING: "is still waiting for an answer",
    BookingStatus.APPROVED: "was already approved",
    BookingStatus.DECLINED: "was already declined",
    BookingStatus.CANCELLED: "was already cancelled",
    BookingStatus.EXPIRED: "has expired",
}


class NotPending(BookingError):
    def __init__(self, status: BookingStatus) -> None:
        super().__init__(f"This request {_STATUS_WORDS.get(status, 'has changed')}.")
        self.status = status


class AlreadyStarted(BookingError):
    def __init__(
        self, message: str = "This session has already started, so it can't be cancelled."
    ) -> None:
        super().__init__(message)


# ---------------------------------------------------------------------------------------------
# Validation (pure)


def check_request(message: str, topic: str | None) -> dict[str, str]:
    """Every problem with a request's message and topic, keyed by field; empty when fine."""
    errors: dict[str, str] = {}
    text = message.strip()
    if len(text) < MESSAGE_MIN:
        errors["message"] = (
            "Tell your mentor what you'd like to get out of the session "
            f"(at least {MESSAGE_MIN} characters)."
        )
    elif len(text) > MESSAGE_MAX:
        errors["message"] = f"Keep your message to {MESSAGE_MAX} characters (it has {len(text)})."
    subject = (topic or "").strip()
    if len(subject) > TOPIC_MAX:
        errors["topic"] = f"Keep the topic to {TOPIC_MAX} characters (it has {len(subject)})."
    return errors


def check_reason(reason: str, who: str) -> dict[str, str]:
    """A required reason that `who` will read; empty when fine."""
    text = reason.strip()
    if not text:
        return {"reason": f"Please give a reason: {who} will see it."}
    if len(text) > REASON_MAX:
        return {"reason": f"Keep the reason to {REASON_MAX} characters (it has {len(text)})."}
    return {}


# ---------------------------------------------------------------------------------------------
# Requesting


def request_session(
    session: Session,
    *,
    mentee_id: int,
    slot_id: int,
    message: str,
    topic: str | None,
    now: datetime,
    max_open: int,
    ttl: timedelta,
    offsets: Sequence[timedelta] = (),
) -> BookingOutcome:
    """Ask for a mentor's free slot; the pending request holds the slot until it is decided,
    and its nudge to the mentor and its expiry after `ttl` are planned with it. A seat of a
    group session the mentor opened with auto-approve is approved at once (its reminders at
    `offsets` planned like an approval's).

    A first request also records when the person accepted the programme's expectations of
    mentees: the Book modal shows them, and says so, until that date is set."""
    errors = check_request(message, topic)
    if errors:
        raise InvalidRequest(errors)
    outcome = book_slot(
        session,
        mentee_id=mentee_id,
        slot_id=slot_id,
        message=message,
        topic=topic,
        now=now,
        max_open=max_open,
        ttl=ttl,
        offsets=offsets,
    )
    session.execute(
        update(User)
        .where(User.id == mentee_id, User.mentee_terms_at.is_(None))
        .values(mentee_terms_at=now)
        .execution_options(synchronize_session=False)
    )
    return outcome


def book_slot(
    session: Session,
    *,
    mentee_id: int,
    slot_id: int,
    message: str,
    topic: str | None,
    now: datetime,
    max_open: int | None,
    ttl: timedelta,
    mentorship: tuple[int, int] | None = None,
    planned_by: PlannedBy = PlannedBy.MENTEE,
    offsets: Sequence[timedelta] = (),
) -> BookingOutcome:
    """A pending booking on the slot, with the locks, checks and refusals of a request.

    `mentorship` is (mentorship id, its mentor's profile id) for a session of a mentorship: the
    slot must be that mentor's, and a paused mentor keeps meeting their mentorships. A session
    the mentor planned (`planned_by`) waits for the mentee and does not count toward the
    mentee's cap on open requests (`max_open` None); the one-pending-per-pair index still holds.

    The booking takes the slot's lowest free seat (a one-person slot has one); a person holds
    at most one seat of a slot. A group slot counts once toward the mentor's week.
    """
    # The mentee's row is the lock that keeps the open-requests cap true under concurrency; both
    # people's rows are locked before the slot, so a privacy deletion of either runs before or
    # after this request, never in the middle of it.
    mentor_user = session.scalar(
        select(MentorProfile.user_id)
        .join(Slot, Slot.mentor_id == MentorProfile.id)
        .where(Slot.id == slot_id)
    )
    try:
        lock_live_people(session, acting=mentee_id, other=mentor_user)
    except PersonForgotten as gone:
        raise BookingError(str(gone)) from gone
    slot = session.scalar(
        # The slot cannot be removed while we book it.
        select(Slot).where(Slot.id == slot_id).with_for_update(read=True)
    )
    if slot is None or slot.starts_at <= now:
        raise SlotGone()
    if mentorship is not None and slot.mentor_id != mentorship[1]:
        raise SlotGone()
    if slot.starts_at < now + BOOKING_LEAD:
        raise TooSoon()
    mentor = _locked_mentor(session, slot.mentor_id)
    if mentor.user_id == mentee_id:
        raise MentorUnavailable("You can't book a session with yourself.")
    if mentorship is None and mentor.status != MentorStatus.ACTIVE:
        raise MentorUnavailable()
    if _load(session, mentor, slot.starts_at, ignoring_slot_id=slot.id) >= mentor.weekly_capacity:
        raise _week_full_for_mentee()
    if slot.seats > 1 and mentee_id in _seat_holders(session, slot.id):
        raise AlreadyHaveSeat()
    if max_open is not None:
        open_with = session.execute(
            select(
                func.count(),
                func.count().filter(Booking.mentor_id == slot.mentor_id),
            ).where(Booking.mentee_id == mentee_id, Booking.status == BookingStatus.PENDING)
        ).one()
        if open_with[0] >= max_open:
            raise AlreadyRequested() if open_with[1] else TooManyOpenRequests(max_open)
    at_once = slot.auto_approve and slot.seats > 1 and planned_by == PlannedBy.MENTEE
    fields: dict[str, Any] = {
        "slot_id": slot.id,
        "mentor_id": slot.mentor_id,
        "mentee_id": mentee_id,
        "status": BookingStatus.APPROVED if at_once else BookingStatus.PENDING,
        "decided_at": now if at_once else None,
        "message": message.strip(),
        "topic": (topic or "").strip() or None,
        "requested_at": now,
        "starts_at": slot.starts_at,
        "ends_at": slot.ends_at,
        "mentorship_id": mentorship[0] if mentorship else None,
        "planned_by": planned_by,
    }
    booking_id = _take_seat(session, slot, fields)
    view = _view_of(session, booking_id)
    if at_once:
        return _replanned(
            session, view, actor_slack_id=view.mentee_slack_id, offsets=offsets, now=now
        )
    lifecycle.plan_request(session, view, ttl=ttl, now=now)
    return BookingOutcome(view, tell=view.answerer_slack_id, confirmed=False)


def _take_seat(session: Session, slot: Slot, fields: dict[str, Any]) -> int:
    """Insert the booking on the slot's lowest free seat; the new booking's id.

    Under the slot's and mentor's locks the seats read are the seats held; should a concurrent
    writer still win a seat (the unique index `uq_bookings_live_seat` refuses the second),
    the next free seat is tried once, then the session is full.
    """
    for _attempt in range(2):
        held = _held_seats(session, slot.id)
        seat = next((n for n in range(1, slot.seats + 1) if n not in held), None)
        if seat is None:
            raise SessionFull() if slot.seats > 1 else SlotTaken()
        booking = Booking(seat_no=seat, **fields)
        try:
            with session.begin_nested():
                session.add(booking)
        except IntegrityError as refused:
            if slot.seats == 1 or _violated(refused) != LIVE_SEAT_INDEX:
                _refuse(refused)
            continue
        return booking.id
    raise SessionFull()


def _held_seats(session: Session, slot_id: int) -> set[int]:
    """The seat numbers of the slot's live bookings."""
    return set(
        session.scalars(
            select(Booking.seat_no).where(
                Booking.slot_id == slot_id, Booking.status.in_(LIVE_STATUSES)
            )
        )
    )


def _seat_holders(session: Session, slot_id: int) -> set[int]:
    """The people holding (or asking for) a seat of the slot."""
    return set(
        session.scalars(
            select(Booking.mentee_id).where(
                Booking.slot_id == slot_id, Booking.status.in_(LIVE_STATUSES)
            )
        )
    )


def remember_mentor_message(session: Session, *, booking_id: int, channel: str, ts: str) -> None:
    """Where the mentor's request card lives, so later changes can update it in place."""
    session.execute(
        update(Booking)
        .where(Booking.id == booking_id)
        .values(mentor_message_channel=channel, mentor_message_ts=ts)
        .execution_options(synchronize_session="fetch")
    )


# ---------------------------------------------------------------------------------------------
# The mentor decides


def approve(
    session: Session,
    *,
    booking_id: int,
    actor_slack_id: str,
    now: datetime,
    offsets: Sequence[timedelta],
    note: str | None = None,
    meeting_kind: str = "",
    meeting_place: str = "",
) -> BookingOutcome:
    """The mentor accepts the request on its slot (the mentee, a session their mentor planned);
    any outstanding proposal is dropped, and the session's reminders (at each of `offsets`
    before it) and check-ins are planned. An optional `note` goes to the other side with the
    confirmation ("bring your slides"). `meeting_kind` and `meeting_place`, when given, say
    where this session happens instead of the mentor's default (the same rules as a profile)."""
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise InvalidRequest(
            {"note": f"Keep the note to {NOTE_MAX} characters (it has {len(note)})."}
        )
    booking, _proposed = _locked(session, booking_id)
    _require_answerer(booking, actor_slack_id)
    _require_pending(booking)
    if booking.starts_at <= now:
        raise AlreadyStarted("This request's time has already passed, so it can't be approved.")
    if meeting_kind or meeting_place.strip():
        kind = meeting_kind or booking.mentor.meeting_kind
        refused = check_place(kind, meeting_place, booking.mentor.meeting_link)
        if refused:
            raise InvalidRequest(_place_errors(refused))
        booking.meeting_kind = MeetingKind(kind)
        booking.meeting_place = meeting_place.strip() or None
    mentor = _locked_mentor(session, booking.mentor_id)
    others = _load(session, mentor, booking.starts_at, ignoring_slot_id=booking.slot_id)
    if others >= mentor.weekly_capacity:
        if booking.planned_by == PlannedBy.MENTOR:
            raise _week_full_for_mentee()
        raise _week_full_for_mentor(others, mentor.weekly_capacity)
    booking.status = BookingStatus.APPROVED
    booking.approval_note = note or None
    booking.decided_at = now
    if booking.planned_by == PlannedBy.MENTEE:
        pauses.note_answered(session, mentor_id=booking.mentor_id)
    # Approving the time as it is settles any other time still on the table.
    offer = proposals.close_open(session, booking.id, ProposalStatus.WITHDRAWN, now=now)
    if offer is not None and offer.slot_id == booking.slot_id:
        offer.status = ProposalStatus.ACCEPTED
    session.flush()
    return _replanned(
        session, _view(booking, None), actor_slack_id=actor_slack_id, offsets=offsets, now=now
    )


def decline(
    session: Session, *, booking_id: int, actor_slack_id: str, reason: str, now: datetime
) -> BookingOutcome:
    """The mentor says no (the mentee, to a session their mentor planned), with a reason the
    other side receives; the slot reopens and the request's nudge and expiry are dropped."""
    booking, proposed = _locked(session, booking_id)
    _require_answerer(booking, actor_slack_id)
    mentor_planned = booking.planned_by == PlannedBy.MENTOR
    errors = check_reason(reason, "your mentor" if mentor_planned else "your mentee")
    if errors:
        raise InvalidRequest(errors)
    _require_pending(booking)
    booking.status = BookingStatus.DECLINED
    booking.decline_reason = reason.strip()
    booking.decided_at = now
    if not mentor_planned:
        pauses.note_answered(session, mentor_id=booking.mentor_id)
    proposals.close_open(session, booking.id, ProposalStatus.DECLINED, now=now)
    session.flush()
    return _replanned(
        session, _view(booking, proposed), actor_slack_id=actor_slack_id, offsets=(), now=now
    )


# ---------------------------------------------------------------------------------------------
# Cancelling


def cancel(
    session: Session, *, booking_id: int, actor_slack_id: str, reason: str, now: datetime
) -> BookingOutcome:
    """Either participant calls off a pending or approved booking that has not started; its
    planned reminders, check-ins or expiry are dropped and the other participant is told."""
    errors = check_reason(reason, "the other person")
    if errors:
        raise InvalidRequest(errors)
    booking, proposed = _locked(session, booking_id)
    actor = _require_cancellable(booking, actor_slack_id, now)
    booking.status = BookingStatus.CANCELLED
    booking.cancel_reason = reason.strip()
    booking.cancelled_by = actor
    proposals.close_open(session, booking.id, ProposalStatus.WITHDRAWN, now=now)
    session.flush()
    return _replanned(
        session, _view(booking, proposed), actor_slack_id=actor_slack_id, offsets=(), now=now
    )


# ---------------------------------------------------------------------------------------------
# Before a form opens: the same checks as its submission, on the state as it is now


def for_decision(session: Session, *, booking_id: int, actor_slack_id: str) -> BookingView:
    """The request a mentor is about to decline or answer with another time: it must be theirs
    and still pending (or the mentee's, for a session their mentor planned). Its submission
    checks again, on the state of that moment."""
    booking, proposed = _read(session, booking_id)
    _require_answerer(booking, actor_slack_id)
    _require_pending(booking)
    return _view(booking, proposed)


def for_cancel(
    session: Session, *, booking_id: int, actor_slack_id: str, now: datetime
) -> BookingView:
    """The booking a participant is about to cancel: theirs, live and not started."""
    booking, proposed = _read(session, booking_id)
    _require_cancellable(booking, actor_slack_id, now)
    return _view(booking, proposed)


# ---------------------------------------------------------------------------------------------
# Reading


def get_booking(session: Session, *, booking_id: int) -> BookingView | None:
    row = session.execute(_views().where(Booking.id == booking_id)).first()
    return _view(row[0], row[1]) if row else None


def get_bookings(session: Session, *, booking_ids: Collection[int]) -> dict[int, BookingView]:
    """Many bookings by id in one query (plus one for interests); missing ids are left out."""
    if not booking_ids:
        return {}
    rows = session.execute(_views().where(Booking.id.in_(booking_ids)))
    return {row[0].id: _view(row[0], row[1]) for row in rows}


def get_bookings_in(
    session: Session, ids: Select[Any] | CompoundSelect[Any]
) -> tuple[BookingView, ...]:
    """The bookings whose ids a select picks, earliest first, in one query (plus the loader's
    one for interests), for readers that choose bookings by their own indexed criteria."""
    rows = session.execute(_views().where(Booking.id.in_(ids)).order_by(Booking.starts_at))
    return tuple(_view(row[0], row[1]) for row in rows)


def sessions_of(
    session: Session, *, slack_id: str, now: datetime, limit: int = 10, shown: int | None = None
) -> MySessions:
    """A person's sessions and requests as mentor and as mentee, in four queries however busy
    (`sessions_of_ids`, after finding the person)."""
    me = session.execute(
        select(User.id, MentorProfile.id.label("mentor_id"))
        .outerjoin(MentorProfile, MentorProfile.user_id == User.id)
        .where(User.slack_id == slack_id)
    ).first()
    if me is None:
        return MySessions((), (), (), ())
    return sessions_of_ids(
        session, user_id=me.id, mentor_id=me.mentor_id, now=now, limit=limit, shown=shown
    )


def sessions_of_ids(
    session: Session,
    *,
    user_id: int,
    mentor_id: int | None,
    now: datetime,
    limit: int = 10,
    shown: int | None = None,
) -> MySessions:
    """The sessions and requests of a person whose ids the caller has already read (Home).

    One query picks the ids of every group (each its own indexed, limited select, joined with
    UNION ALL), one loads those bookings' views and one their mentees' interests. With `shown`
    (Home lists three of each) only each group's first `shown` are loaded; the others are
    counted, for the "and N more" line.
    """
    mine = Booking.mentee_id == user_id
    # A pending booking waits for the side that did not plan it: the mentor, unless the mentor
    # planned a mentorship session, which waits for the mentee.
    by_mentor = Booking.planned_by == PlannedBy.MENTOR
    to_answer = and_(Booking.mentee_id == user_id, by_mentor)
    asked = and_(Booking.mentee_id == user_id, ~by_mentor)
    if mentor_id is not None:
        mine = or_(mine, Booking.mentor_id == mentor_id)
        to_answer = or_(to_answer, and_(Booking.mentor_id == mentor_id, ~by_mentor))
        asked = or_(asked, and_(Booking.mentor_id == mentor_id, by_mentor))
    pending = Booking.status == BookingStatus.PENDING
    approved = Booking.status == BookingStatus.APPROVED
    soonest, latest = (Booking.starts_at, Booking.id), (Booking.starts_at.desc(), Booking.id)
    picks = select(Booking.id, Booking.starts_at)
    groups: dict[str, Select[int, datetime]] = {
        "upcoming": picks.where(mine, approved, Booking.ends_at > now)
        .order_by(*soonest)
        .limit(limit),
        "awaiting_me": picks.where(to_answer, pending).order_by(*soonest).limit(limit),
        "my_requests": picks.where(asked, pending).order_by(*soonest).limit(limit),
        "past": picks.where(mine, approved, Booking.ends_at <= now)
        .order_by(*latest)
        .limit(min(limit, PAST_LIMIT)),
    }
    rows = session.execute(
        union_all(
            *(
                select(literal(name).label("name"), picked.c.id, picked.c.starts_at)
                for name, query in groups.items()
                for picked in [query.subquery()]
            )
        )
    ).all()
    # Each group in its own order (UNION ALL promises none): soonest first, the past latest first.
    ordered: dict[str, list[int]] = {name: [] for name in groups}
    for name, booking_id, _ in sorted(rows, key=lambda row: row[1]):
        ordered[name].append(booking_id)
    starts = {booking_id: starts_at for _, booking_id, starts_at in rows}
    for name, ids in ordered.items():
        ids.sort(key=lambda booking_id: starts[booking_id], reverse=name == "past")
    views = get_bookings(session, booking_ids={i for ids in ordered.values() for i in ids[:shown]})

    def group(name: str) -> tuple[BookingView, ...]:
        return tuple(views[i] for i in ordered[name][:shown] if i in views)

    return MySessions(
        upcoming=group("upcoming"),
        awaiting_me=group("awaiting_me"),
        my_requests=group("my_requests"),
        past=group("past"),
        found={name: len(ids) for name, ids in ordered.items()} if shown is not None else {},
    )


def open_request_count(session: Session, *, mentee_id: int) -> int:
    """How many of the mentee's requests are waiting for an answer."""
    query = select(func.count()).where(
        Booking.mentee_id == mentee_id, Booking.status == BookingStatus.PENDING
    )
    return session.scalar(query) or 0


# ---------------------------------------------------------------------------------------------
# Helpers

_Open = aliased(TimeProposal, name="open_proposal")


# Built once: bookings with their people and open proposal (and its time), loaded in one query
# plus the interests. Building it per call cost more than running it.
_VIEWS = (
    select(Booking, _Open)
    .outerjoin(_Open, and_(_Open.booking_id == Booking.id, _Open.status == ProposalStatus.OPEN))
    .options(
        joinedload(_Open.slot),
        joinedload(Booking.mentor, innerjoin=True).joinedload(MentorProfile.user, innerjoin=True),
        joinedload(Booking.mentee, innerjoin=True).selectinload(User.interests),
        joinedload(Booking.slot),
    )
)


def _views() -> Select[Booking, TimeProposal]:
    """Bookings with their people and open proposal, for a `where` of the caller's."""
    return _VIEWS


def _read(session: Session, booking_id: int) -> tuple[Booking, TimeProposal | None]:
    """The booking and its open proposal, unlocked, for a check before a form opens."""
    row = session.execute(_views().where(Booking.id == booking_id)).first()
    if row is None:
        raise NotYourBooking()
    return row[0], row[1]


def _locked(session: Session, booking_id: int) -> tuple[Booking, TimeProposal | None]:
    """The booking, locked against concurrent changes and freshly read, and its open proposal."""
    row = session.execute(
        _views()
        .where(Booking.id == booking_id)
        .with_for_update(of=Booking)
        .execution_options(populate_existing=True)
    ).first()
    if row is None:
        raise NotYourBooking()
    return row[0], row[1]


def _locked_mentor(session: Session, mentor_id: int) -> MentorProfile:
    """The mentor's profile, locked and freshly read: the lock that keeps weekly capacity true
    under concurrency (`FOR UPDATE` on PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises
    writers)."""
    mentor = session.scalar(
        select(MentorProfile)
        .where(MentorProfile.id == mentor_id)
        .with_for_update(of=MentorProfile)
        .options(joinedload(MentorProfile.user, innerjoin=True))
        .execution_options(populate_existing=True)
    )
    if mentor is None:
        raise MentorUnavailable()
    return mentor


def _load(
    session: Session,
    mentor: MentorProfile,
    starts_at: datetime,
    ignoring_booking_id: int | None = None,
    ignoring_slot_id: int | None = None,
) -> int:
    """Booked slots in the mentor's local week of `starts_at`, as search counts them."""
    return capacity.week_load(
        session,
        mentor_id=mentor.id,
        tz=mentor.user.tz,
        starts_at=starts_at,
        ignoring_booking_id=ignoring_booking_id,
        ignoring_slot_id=ignoring_slot_id,
    )


def _replanned(
    session: Session,
    view: BookingView,
    *,
    actor_slack_id: str,
    offsets: Sequence[timedelta],
    now: datetime,
) -> BookingOutcome:
    """A change's due work brought in step with the booking's new status (approved plans
    reminders and check-ins, closed drops everything), and the other participant to tell."""
    booking_plans.replan(session, view, offsets=offsets, now=now)
    return BookingOutcome(view, tell=view.other_party(actor_slack_id), confirmed=view.confirmed)


def _view_of(session: Session, booking_id: int) -> BookingView:
    view = get_booking(session, booking_id=booking_id)
    assert view is not None
    return view


def _place_errors(refused: dict[str, str]) -> dict[str, str]:
    """A session's place refused: a video call without the profile's link is the kind's fault."""
    if "link" in refused:
        refused = {
            "meeting_kind": "Your profile has no meeting link: add one, or meet another way."
        }
    return {"meeting_kind" if f == "kind" else f: m for f, m in refused.items()}


def _require_mentor(booking: Booking, actor_slack_id: str) -> None:
    if actor_slack_id != booking.mentor.user.slack_id:
        raise NotYourBooking()


def _require_answerer(booking: Booking, actor_slack_id: str) -> None:
    """The side that decides a request: the mentor, or the mentee if the mentor planned it."""
    if booking.planned_by == PlannedBy.MENTOR:
        if actor_slack_id != booking.mentee.slack_id:
            raise NotYourBooking()
    else:
        _require_mentor(booking, actor_slack_id)


def _require_pending(booking: Booking) -> None:
    if booking.status != BookingStatus.PENDING:
        raise NotPending(booking.status)


def _participant(booking: Booking, actor_slack_id: str) -> int:
    """The acting participant's user id; anyone else is refused."""
    if actor_slack_id == booking.mentee.slack_id:
        return booking.mentee_id
    if actor_slack_id == booking.mentor.user.slack_id:
        return booking.mentor.user_id
    raise NotYourBooking()


def _require_cancellable(booking: Booking, actor_slack_id: str, now: datetime) -> int:
    """The acting participant's user id, if the booking is live and has not started."""
    actor = _participant(booking, actor_slack_id)
    if booking.status not in LIVE_STATUSES:
        raise NotPending(booking.status)
    if booking.starts_at <= now:
        raise AlreadyStarted()
    return actor


def _is_held(session: Session, slot_id: int) -> bool:
    held = select(Booking.id).where(Booking.slot_id == slot_id, Booking.status.in_(LIVE_STATUSES))
    return bool(session.scalar(held.exists().select()))


def _refuse(error: IntegrityError) -> NoReturn:
    """Raise the domain refusal for a violated booking index; other errors go on as they are."""
    name = _violated(error)
    if name == LIVE_SEAT_INDEX:
        raise SlotTaken() from error
    if name == PENDING_PAIR_INDEX:
        raise AlreadyRequested() from error
    raise error


def _violated(error: IntegrityError) -> str | None:
    """The name of the violated index: psycopg reports it, SQLite names its columns."""
    diag = getattr(error.orig, "diag", None)
    name = getattr(diag, "constraint_name", None)
    if name:
        return str(name)
    text = str(error.orig)
    for index, columns in _SQLITE_COLUMNS.items():
        if index in text or text.rstrip().endswith(f"UNIQUE constraint failed: {columns}"):
            return index
    return None


def _view(booking: Booking, offer: TimeProposal | None) -> BookingView:
    mentor, mentee = booking.mentor, booking.mentee
    people = {booking.mentee_id: mentee.slack_id, mentor.user_id: mentor.user.slack_id}
    cancelled_by = people.get(booking.cancelled_by or 0)
    if offer is not None and offer.status != ProposalStatus.OPEN:
        offer = None
    proposed = offer.slot if offer is not None else None
    return BookingView(
        id=booking.id,
        status=booking.status,
        mentor_id=booking.mentor_id,
        mentor_slack_id=mentor.user.slack_id,
        mentor_name=mentor.user.real_name,
        mentor_tz=mentor.user.tz,
        meeting_link=mentor.meeting_link,
        mentee_id=booking.mentee_id,
        mentee_slack_id=mentee.slack_id,
        mentee_name=mentee.real_name,
        mentee_tz=mentee.tz,
        mentee_interests=tuple(sorted((s.name for s in mentee.interests), key=str.casefold)),
        mentee_goals=mentee.goals,
        slot_id=booking.slot_id,
        starts_at=booking.starts_at,
        ends_at=booking.ends_at,
        message=booking.message,
        topic=booking.topic,
        decline_reason=booking.decline_reason,
        cancel_reason=booking.cancel_reason,
        cancelled_by_slack_id=cancelled_by,
        proposed_slot_id=proposed.id if proposed else None,
        proposed_starts_at=proposed.starts_at if proposed else None,
        proposed_ends_at=proposed.ends_at if proposed else None,
        mentor_message_channel=booking.mentor_message_channel,
        mentor_message_ts=booking.mentor_message_ts,
        mentorship_id=booking.mentorship_id,
        planned_by=booking.planned_by,
        seat_no=booking.seat_no,
        seats=booking.slot.seats if booking.slot else 1,
        session_title=booking.slot.title if booking.slot else None,
        approval_note=booking.approval_note,
        proposal_id=offer.id if offer is not None else None,
        proposed_by_slack_id=people.get(offer.proposed_by or 0) if offer is not None else None,
        sequence=booking.sequence,
        meeting_kind=booking.meeting_kind or mentor.meeting_kind,
        meeting_place=(booking.meeting_place or "")
        if booking.meeting_kind
        else mentor.meeting_place,
        mentor_email=mentor.user.email,
        mentee_email=mentee.email,
        decided_at=booking.decided_at,
    )
