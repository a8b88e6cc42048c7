"""What booking surfaces offer when they open: a mentor's times and the Book form (the
"another time" form is `negotiation.time_form`).

An opener answers from the state as it is when the button is clicked, with the same refusals
the submission gives, so no rule lives in a handler. Opening grants nothing: the submission
(`bot.services.bookings`) re-reads everything in its own transaction and decides again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.services.bookings import BookingError
from bot.services.free_slots import SlotChoice, free_slots
from store.models import MentorProfile, Slot, User
from store.statuses import MentorStatus


class TimeNoLongerOffered(BookingError):
    def __init__(self) -> None:
        super().__init__(
            "Sorry, that time is no longer available. Try `/mentor find` again.", "slot"
        )


class NotTakingBookings(BookingError):
    def __init__(self) -> None:
        super().__init__("That mentor isn't taking bookings right now.")


@dataclass(frozen=True)
class BookForm:
    mentor_id: int
    mentor_name: str
    slots: tuple[SlotChoice, ...]
    chosen: int  # the slot clicked if still bookable, else the mentor's soonest
    expectations_due: bool  # a first booking: the modal shows what mentees agree to


@dataclass(frozen=True)
class MentorTimes:
    mentor_id: int
    mentor_name: str
    slots: tuple[SlotChoice, ...]


def more_times(session: Session, *, mentor_id: int, now: datetime) -> MentorTimes:
    """An active mentor's bookable times (the "More times" answer); may be none."""
    mentor = session.execute(
        select(MentorProfile.status, User.real_name)
        .join(User, User.id == MentorProfile.user_id)
        .where(MentorProfile.id == mentor_id)
    ).first()
    if mentor is None or mentor.status != MentorStatus.ACTIVE:
        raise NotTakingBookings()
    slots = free_slots(session, mentor_id=mentor_id, now=now)
    return MentorTimes(mentor_id, mentor.real_name, tuple(slots))


def book_form(session: Session, *, slot_id: int, mentee_id: int, now: datetime) -> BookForm:
    """The Book modal for a clicked slot: the mentor's bookable times, if they take requests,
    and, until the person has accepted them once, the programme's expectations of mentees."""
    mentor = session.execute(
        select(MentorProfile.id, MentorProfile.status, User.real_name)
        .join(Slot, Slot.mentor_id == MentorProfile.id)
        .join(User, User.id == MentorProfile.user_id)
        .where(Slot.id == slot_id)
    ).first()
    if mentor is None or mentor.status != MentorStatus.ACTIVE:
        raise TimeNoLongerOffered()
    slots = free_slots(session, mentor_id=mentor.id, now=now)
    if not slots:
        raise TimeNoLongerOffered()
    chosen = next((s.id for s in slots if s.id == slot_id), slots[0].id)
    accepted = session.scalar(select(User.mentee_terms_at).where(User.id == mentee_id))
    return BookForm(mentor.id, mentor.real_name, tuple(slots), chosen, accepted is None)
