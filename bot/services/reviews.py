"""After a session: did it take place, what happened if not, and each person's star review.

docs/architecture.md, "The programme's rules". Once an approved session has ended, both
participants are asked whether it took place. The first answer each person gives is the one kept
(`uq_attendance_booking_id_user_id`). After a "No" they may say what happened; after a "Yes" (or
no answer) they may leave one confidential review, which coordinators read and the other party
never sees. One review per person per session is kept by `uq_reviews_booking_id_reviewer_id`: a
second one is refused by the database inside a SAVEPOINT, so the caller's transaction stays
usable.

Review rules: both star ratings are required, 1 to 5. Connecting with the other person below
3 stars needs a comment; the program at 3 stars or fewer needs one. Every text is at most
COMMENT_MAX characters. Action items are the mentee's to-dos for the next session: kept only
from the mentee, and shown in the reminder of the pair's next session.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from bot.services import lifecycle
from bot.services.errors import DomainError, FieldErrors
from bot.services.free_slots import SlotChoice, free_slots
from bot.services.people import lock_live_people
from store.models import Attendance, Booking, MentorProfile, Review, User
from store.statuses import BookingStatus, MentorStatus, WhatHappened

COMMENT_MAX = 1000
STARS_MIN, STARS_MAX = 1, 5
# Below this many stars, connecting needs a comment; at or below PROGRAM_COMMENT_AT, the program.
# The same thresholds pick the low ratings that the digest and stats show coordinators, so every
# comment the rules ask for reaches them (low_rating below), and the modal quotes these rules.
CONNECTION_COMMENT_BELOW = 3
PROGRAM_COMMENT_AT = 3
CONNECTION_COMMENT_RULE = f"required below {CONNECTION_COMMENT_BELOW} stars"
PROGRAM_COMMENT_RULE = f"required at {PROGRAM_COMMENT_AT} stars or fewer"
WHAT_HAPPENED = {
    WhatHappened.NO_SHOW: "The other person didn't come",
    WhatHappened.RESCHEDULED: "We rescheduled",
    WhatHappened.OTHER: "Something else",
}

BOOK_AGAIN = 3  # free times the thank-you offers a mentee to book again


@dataclass(frozen=True)
class ReviewForm:
    """What the review modal collected; stars are None when nothing was picked."""

    connection_stars: int | None
    connection_comment: str
    program_stars: int | None
    program_comment: str
    feedback: str
    action_items: str  # only kept from the mentee


# ---------------------------------------------------------------------------------------------
# Refusals


class ReviewError(DomainError):
    """A refusal with a user-facing sentence; `field` names the form input it belongs to."""

    field: str | None = None

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        if field is not None:
            self.field = field


class InvalidReview(FieldErrors, ReviewError):
    """One message per form field that needs fixing."""


class AlreadyReviewed(ReviewError):
    def __init__(self) -> None:
        super().__init__("You've already reviewed this session. Thank you!")


class NotAParticipant(ReviewError):
    def __init__(self) -> None:
        super().__init__("That session isn't one of yours.")


class SessionNotOver(ReviewError):
    def __init__(self) -> None:
        super().__init__("You can review once the session has ended.")


class NotHeld(ReviewError):
    def __init__(self) -> None:
        super().__init__("This session didn't take place, so there's nothing to review.")


# ---------------------------------------------------------------------------------------------
# Validation (pure)


def check_review(form: ReviewForm) -> dict[str, str]:
    """Every problem with a review, keyed by field; empty when it can be saved."""
    errors: dict[str, str] = {}
    connection = _stars(errors, "connection_stars", form.connection_stars)
    program = _stars(errors, "program_stars", form.program_stars)
    if connection is not None and connection_needs_comment(connection):
        _require(
            errors,
            "connection_comment",
            form.connection_comment,
            f"Tell us what didn't work, so we can help ({CONNECTION_COMMENT_RULE}).",
        )
    if program is not None and program_needs_comment(program):
        _require(
            errors,
            "program_comment",
            form.program_comment,
            f"Tell us what would make the program better ({PROGRAM_COMMENT_RULE}).",
        )
    for field in ("connection_comment", "program_comment", "feedback", "action_items"):
        length = len(getattr(form, field).strip())
        if length > COMMENT_MAX:
            errors[field] = f"Keep this to {COMMENT_MAX} characters (it has {length})."
    return errors


def connection_needs_comment(stars: int) -> bool:
    return stars < CONNECTION_COMMENT_BELOW


def program_needs_comment(stars: int) -> bool:
    return stars <= PROGRAM_COMMENT_AT


def low_rating() -> ColumnElement[bool]:
    """A review with a rating low enough to need a comment: the ones coordinators must read.

    A range on `ix_reviews_created_stars` (created_at, connection_stars, program_stars) with
    this condition is checked on the index's own columns, without reading the table.
    """
    return or_(
        Review.connection_stars < CONNECTION_COMMENT_BELOW,
        Review.program_stars <= PROGRAM_COMMENT_AT,
    )


def _stars(errors: dict[str, str], field: str, stars: int | None) -> int | None:
    """The rating when it is a whole number of stars in range; else report it and give None."""
    if stars is None or not STARS_MIN <= stars <= STARS_MAX:
        errors[field] = f"Choose from {STARS_MIN} to {STARS_MAX} stars."
        return None
    return stars


def _require(errors: dict[str, str], field: str, value: str, message: str) -> None:
    if not value.strip():
        errors[field] = message


# ---------------------------------------------------------------------------------------------
# Did it take place?


def record_attendance(
    session: Session, *, booking_id: int, actor_slack_id: str, took_place: bool, now: datetime
) -> bool:
    """Keep a participant's answer to "did it take place?" once the session has ended, and after
    a "yes" plan the nudge to review it (once, by its key).

    False when they had already answered: the first answer stands, whatever this one says.
    """
    seat = _ended_session_seat(session, booking_id, actor_slack_id, now)
    if took_place:
        lifecycle.plan_review_reminder(
            session, booking_id=booking_id, slack_id=actor_slack_id, now=now
        )
    try:
        with session.begin_nested():
            session.add(
                Attendance(
                    booking_id=booking_id,
                    user_id=seat.user_id,
                    took_place=took_place,
                    answered_at=now,
                )
            )
    except IntegrityError:
        if _answer(session, booking_id, seat.user_id) is None:
            raise
        return False
    return True


def record_what_happened(
    session: Session, *, booking_id: int, actor_slack_id: str, what: str, now: datetime
) -> None:
    """After their "No", what a participant says happened; the first such answer stands."""
    if what not in WHAT_HAPPENED:
        raise InvalidReview({"what_happened": "Pick one of the answers offered."})
    seat = _seat(session, booking_id, actor_slack_id)
    answer = _answer(session, booking_id, seat.user_id)
    if answer is None:
        raise ReviewError("First tell us whether the session took place.")
    if answer:
        raise ReviewError("You told us this session took place, so there's nothing to add.")
    session.execute(
        update(Attendance)
        .where(
            Attendance.booking_id == booking_id,
            Attendance.user_id == seat.user_id,
            Attendance.what_happened.is_(None),
        )
        .values(what_happened=WhatHappened(what))
        .execution_options(synchronize_session="fetch")
    )


# ---------------------------------------------------------------------------------------------
# The review


@dataclass(frozen=True)
class ReviewSaved:
    """A review kept, and what the thank-you offers next: a mentorship's next session, or the
    mentor's next free times for a mentee of a single session (none when they have none)."""

    review_id: int
    mentor_id: int
    mentor_name: str
    mentorship_id: int | None
    book_again: tuple[SlotChoice, ...]


def save_review(
    session: Session, *, booking_id: int, actor_slack_id: str, form: ReviewForm, now: datetime
) -> ReviewSaved:
    """A participant's confidential review of an ended session, and what to offer next."""
    errors = check_review(form)
    if errors:
        raise InvalidReview(errors)
    seat = _ended_session_seat(session, booking_id, actor_slack_id, now)
    lock_live_people(session, acting=seat.user_id)  # a deletion under way runs first, or after
    if _answer(session, booking_id, seat.user_id) is False:
        raise NotHeld()
    review = Review(
        booking_id=booking_id,
        reviewer_id=seat.user_id,
        connection_stars=form.connection_stars,
        connection_comment=_text(form.connection_comment),
        program_stars=form.program_stars,
        program_comment=_text(form.program_comment),
        feedback=_text(form.feedback),
        action_items=_text(form.action_items) if seat.is_mentee else None,
        created_at=now,
    )
    try:
        with session.begin_nested():
            session.add(review)
    except IntegrityError as refused:
        if not has_reviewed(session, booking_id=booking_id, slack_id=actor_slack_id):
            raise
        raise AlreadyReviewed() from refused
    return _saved(session, review.id, booking_id, seat, now)


def _saved(
    session: Session, review_id: int, booking_id: int, seat: _Seat, now: datetime
) -> ReviewSaved:
    row = session.execute(
        select(Booking.mentor_id, Booking.mentorship_id, MentorProfile.status, User.real_name)
        .join(MentorProfile, MentorProfile.id == Booking.mentor_id)
        .join(User, User.id == MentorProfile.user_id)
        .where(Booking.id == booking_id)
    ).one()
    offer = seat.is_mentee and row.mentorship_id is None and row.status == MentorStatus.ACTIVE
    again = free_slots(session, mentor_id=row.mentor_id, now=now, limit=BOOK_AGAIN) if offer else []
    return ReviewSaved(review_id, row.mentor_id, row.real_name, row.mentorship_id, tuple(again))


def has_reviewed(session: Session, *, booking_id: int, slack_id: str) -> bool:
    query = (
        select(Review.id)
        .join(User, User.id == Review.reviewer_id)
        .where(Review.booking_id == booking_id, User.slack_id == slack_id)
    )
    return bool(session.scalar(query.exists().select()))


def previous_action_items(session: Session, *, booking_id: int) -> str | None:
    """The mentee's action items from the pair's latest earlier session, for its reminder.

    Earlier sessions are approved ones of the same mentor and mentee that ended by the time
    this one starts. Only those the mentee reviewed count (a review means it took place); when
    that review lists no action items, there are none to carry over.
    """
    return previous_action_items_for(session, booking_ids=[booking_id]).get(booking_id)


# Built once: an alias made per call costs more to compile than the query takes to run.
_THIS, _EARLIER = aliased(Booking, name="this"), aliased(Booking, name="earlier")
_MENTEE, _MENTOR = aliased(User, name="mentee"), aliased(User, name="mentor")


def previous_action_items_for(
    session: Session, *, booking_ids: Collection[int]
) -> dict[int, str | None]:
    """`previous_action_items` of many bookings in one query (a batch of reminders)."""
    if not booking_ids:
        return {}
    this, earlier = _THIS, _EARLIER
    latest_first = (earlier.ends_at.desc(), earlier.id.desc())
    ranked = (
        select(
            this.id.label("booking_id"),
            Review.action_items,
            func.row_number().over(partition_by=this.id, order_by=latest_first).label("rank"),
        )
        .join(
            earlier,
            and_(
                earlier.mentor_id == this.mentor_id,
                earlier.mentee_id == this.mentee_id,
                earlier.status == BookingStatus.APPROVED,
                earlier.ends_at <= this.starts_at,
                earlier.id != this.id,
            ),
        )
        .join(Review, and_(Review.booking_id == earlier.id, Review.reviewer_id == this.mentee_id))
        .where(this.id.in_(booking_ids))
        .subquery()
    )
    rows = session.execute(
        select(ranked.c.booking_id, ranked.c.action_items).where(ranked.c.rank == 1)
    )
    return {booking_id: items for booking_id, items in rows}


# ---------------------------------------------------------------------------------------------
# Helpers


@dataclass(frozen=True)
class _Seat:
    """Who is acting in a booking, and where the booking stands."""

    user_id: int
    is_mentee: bool
    status: BookingStatus
    ends_at: datetime


def _seat(session: Session, booking_id: int, slack_id: str) -> _Seat:
    """The acting participant; anyone else, or a booking that doesn't exist, is refused."""
    mentee, mentor = _MENTEE, _MENTOR
    row = session.execute(
        select(
            Booking.status,
            Booking.ends_at,
            mentee.id.label("mentee_id"),
            mentee.slack_id.label("mentee_slack_id"),
            mentor.id.label("mentor_user_id"),
            mentor.slack_id.label("mentor_slack_id"),
        )
        .join(mentee, mentee.id == Booking.mentee_id)
        .join(MentorProfile, MentorProfile.id == Booking.mentor_id)
        .join(mentor, mentor.id == MentorProfile.user_id)
        .where(Booking.id == booking_id)
    ).first()
    if row is None or not slack_id:
        raise NotAParticipant()
    if slack_id == row.mentee_slack_id:
        return _Seat(row.mentee_id, True, row.status, row.ends_at)
    if slack_id == row.mentor_slack_id:
        return _Seat(row.mentor_user_id, False, row.status, row.ends_at)
    raise NotAParticipant()


def _ended_session_seat(session: Session, booking_id: int, slack_id: str, now: datetime) -> _Seat:
    """The acting participant of an approved session that has ended."""
    seat = _seat(session, booking_id, slack_id)
    if seat.status != BookingStatus.APPROVED or seat.ends_at > now:
        raise SessionNotOver()
    return seat


def _answer(session: Session, booking_id: int, user_id: int) -> bool | None:
    """The participant's answer to "did it take place?", or None before they answer."""
    query = select(Attendance.took_place).where(
        Attendance.booking_id == booking_id, Attendance.user_id == user_id
    )
    return session.scalar(query)


def _text(value: str) -> str | None:
    return value.strip() or None
