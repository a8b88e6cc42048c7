"""Raising a concern with coordinators, privately: a no-show, someone's conduct, safety, other.

The other person never learns of it: nothing here names whom to tell but the reporter and the
coordinators. The text is for coordinators' eyes only; the card in their channel carries the
kind, the time and whether a session is concerned (`ConcernCard`), and the text is read through
`read`, which checks and audits the coordinator. Every use case writes its audit entry in its
own transaction, and no audit entry carries the text.

A booking id (from a session's button or the modal's session choice) only names the session;
it is accepted only when the reporter took part in it (its mentee or its mentor, approved), so
a forged id neither reaches another pair's session nor grants anything.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.orm import Session, joinedload

from bot.services.audit import record
from bot.services.coordinators import authorize
from bot.services.errors import DomainError
from bot.services.people import lock_live_people
from store.models import Booking, Concern, MentorProfile, User
from store.statuses import BookingStatus, ConcernKind, ConcernStatus

TEXT_MAX = 2000
KIND, TEXT, SESSION = "kind", "text", "session"  # the form's fields, named in InvalidConcern
SESSIONS_OFFERED = 15
AHEAD = timedelta(days=14)  # upcoming sessions offered in the form, besides past ones
NOT_YOUR_SESSION = "Pick one of your own sessions, or none."


class ConcernError(DomainError):
    """A refusal of a concern's use case, fit to show the person."""


class InvalidConcern(ConcernError):
    """One message per form field that needs fixing, keyed by KIND, TEXT or SESSION."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(" ".join(errors.values()))
        self.errors = errors


class NotYourSession(ConcernError):
    """A session button or id that names a session the clicker had no part in."""

    def __init__(self) -> None:
        super().__init__("That isn't a session you took part in, so nothing was opened.")


class UnknownConcern(ConcernError):
    def __init__(self) -> None:
        super().__init__("That concern no longer exists, so nothing was changed.")


@dataclass(frozen=True)
class SessionChoice:
    """One of the reporter's sessions, as the form offers it."""

    booking_id: int
    starts_at: datetime
    other_name: str


@dataclass(frozen=True)
class ConcernForm:
    """What the modal offers: the reporter's recent sessions, one maybe preselected."""

    tz: str
    sessions: tuple[SessionChoice, ...]
    preselected: int | None


@dataclass(frozen=True)
class ConcernCard:
    """What the coordinators' channel may show: no text, no names."""

    id: int
    kind: ConcernKind
    created_at: datetime
    about_session: bool
    status: ConcernStatus
    handled_by: str | None
    handled_at: datetime | None


@dataclass(frozen=True)
class ConcernRaised:
    card: ConcernCard
    reporter_slack_id: str  # the only person told: the acknowledgement


@dataclass(frozen=True)
class ConcernDetail:
    """What a coordinator reads in the modal; the text is None once privacy deletion took it."""

    card: ConcernCard
    text: str | None
    reporter_slack_id: str | None
    session_starts_at: datetime | None
    mentor_slack_id: str | None
    mentee_slack_id: str | None


@dataclass(frozen=True)
class ConcernHandled:
    card: ConcernCard
    already: bool  # another coordinator (or a double click) had marked it handled first


def form_for(
    session: Session, *, actor_slack_id: str, booking_id: int | None, now: datetime
) -> ConcernForm:
    """The modal's choices; a preselected session must be the reporter's own."""
    user = session.scalar(select(User).where(User.slack_id == actor_slack_id))
    if user is None:
        if booking_id is not None:
            raise NotYourSession()
        return ConcernForm("UTC", (), None)
    taken_part = _taken_part(session, user)
    recent = session.scalars(
        _bookings()
        .where(taken_part, Booking.starts_at <= now + AHEAD)
        .order_by(Booking.starts_at.desc(), Booking.id.desc())
        .limit(SESSIONS_OFFERED)
    ).all()
    picked = list(recent)
    if booking_id is not None and all(b.id != booking_id for b in picked):
        chosen = session.scalar(_bookings().where(taken_part, Booking.id == booking_id))
        if chosen is None:
            raise NotYourSession()
        picked.insert(0, chosen)
    choices = tuple(_choice(b, user.id) for b in picked)
    return ConcernForm(user.tz, choices, booking_id)


def raise_concern(
    session: Session,
    *,
    actor_slack_id: str,
    kind: str,
    text: str,
    booking_id: int | None,
    now: datetime,
) -> ConcernRaised:
    """Keep the concern and audit it (without its text); the card and the acknowledgement are
    the caller's to send, to coordinators and the reporter only."""
    errors: dict[str, str] = {}
    if kind not in set(ConcernKind):
        errors[KIND] = "Choose what happened."
    length = len(text.strip())
    if not length:
        errors[TEXT] = "Tell coordinators what happened (only they will read it)."
    elif length > TEXT_MAX:
        errors[TEXT] = f"Keep this to {TEXT_MAX} characters (it has {length})."
    user = session.scalar(select(User).where(User.slack_id == actor_slack_id))
    if user is None:
        if booking_id is not None:
            errors[SESSION] = NOT_YOUR_SESSION
        if not errors:
            user = User(slack_id=actor_slack_id, created_at=now, updated_at=now)
            session.add(user)
            session.flush()
    elif booking_id is not None:
        mine = select(Booking.id).where(_taken_part(session, user), Booking.id == booking_id)
        if session.scalar(mine) is None:
            errors[SESSION] = NOT_YOUR_SESSION
    if errors or user is None:
        raise InvalidConcern(errors)
    lock_live_people(session, acting=user.id)  # a privacy deletion waits, then strips this
    concern = Concern(
        reporter_id=user.id,
        booking_id=booking_id,
        kind=ConcernKind(kind),
        text=text.strip(),
        status=ConcernStatus.OPEN,
        created_at=now,
    )
    session.add(concern)
    session.flush()
    record(
        session,
        actor=actor_slack_id,
        action="concern raised",
        detail=f"concern {concern.id}: {concern.kind}",
        now=now,
    )
    return ConcernRaised(_card(concern), actor_slack_id)


def read(
    session: Session,
    *,
    concern_id: int,
    actor_slack_id: str,
    coordinators: Collection[str],
    now: datetime,
) -> ConcernDetail:
    """A coordinator reads the concern (audited); anyone else is refused and learns nothing."""
    authorize(
        session,
        actor=actor_slack_id,
        coordinators=coordinators,
        action="concern read",
        detail=f"concern {concern_id}",
        now=now,
    )
    concern = session.get(Concern, concern_id)
    if concern is None:
        raise UnknownConcern()
    reporter = session.get(User, concern.reporter_id) if concern.reporter_id else None
    booking = (
        session.scalar(_bookings().where(Booking.id == concern.booking_id))
        if concern.booking_id
        else None
    )
    return ConcernDetail(
        card=_card(concern),
        text=concern.text,
        reporter_slack_id=reporter.slack_id if reporter else None,
        session_starts_at=booking.starts_at if booking else None,
        mentor_slack_id=booking.mentor.user.slack_id if booking else None,
        mentee_slack_id=booking.mentee.slack_id if booking else None,
    )


def mark_handled(
    session: Session,
    *,
    concern_id: int,
    actor_slack_id: str,
    coordinators: Collection[str],
    now: datetime,
) -> ConcernHandled:
    """A coordinator marks it handled (audited); a second click changes nothing and says so."""
    authorize(
        session,
        actor=actor_slack_id,
        coordinators=coordinators,
        action="concern handled",
        detail=f"concern {concern_id}",
        now=now,
    )
    concern = session.scalar(select(Concern).where(Concern.id == concern_id).with_for_update())
    if concern is None:
        raise UnknownConcern()
    if concern.status == ConcernStatus.HANDLED:
        return ConcernHandled(_card(concern), already=True)
    concern.status = ConcernStatus.HANDLED
    concern.handled_by = actor_slack_id
    concern.handled_at = now
    session.flush()
    return ConcernHandled(_card(concern), already=False)


def _taken_part(session: Session, user: User) -> ColumnElement[bool]:
    """Approved sessions the user was in, as mentee or as mentor."""
    mentor_id = session.scalar(select(MentorProfile.id).where(MentorProfile.user_id == user.id))
    theirs = Booking.mentee_id == user.id
    if mentor_id is not None:
        theirs = or_(theirs, Booking.mentor_id == mentor_id)
    return (Booking.status == BookingStatus.APPROVED) & theirs


def _bookings() -> Select[Booking]:
    """Bookings with both people loaded, for the names the form and the modal show."""
    return select(Booking).options(
        joinedload(Booking.mentor).joinedload(MentorProfile.user), joinedload(Booking.mentee)
    )


def _choice(booking: Booking, user_id: int) -> SessionChoice:
    other = booking.mentor.user if booking.mentee_id == user_id else booking.mentee
    return SessionChoice(booking.id, booking.starts_at, other.real_name or "someone")


def _card(concern: Concern) -> ConcernCard:
    return ConcernCard(
        id=concern.id,
        kind=concern.kind,
        created_at=concern.created_at,
        about_session=concern.booking_id is not None,
        status=concern.status,
        handled_by=concern.handled_by,
        handled_at=concern.handled_at,
    )
