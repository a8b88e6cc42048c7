"""What a user's Home tab shows, gathered in one read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.services.availability import SlotView, upcoming_slots
from bot.services.bookings import MySessions, sessions_of_ids
from bot.services.eligibility import MentorRule, ResolvedRule, resolve
from bot.services.mentors import MentorView, mentor_for
from bot.services.mentorship_cards import MentorshipCard, live_cards_of
from bot.services.mentorship_closing import MentorFeedback, feedback_for
from bot.services.people import Person, find_person
from bot.services.reviews import previous_action_items
from store.statuses import MentorStatus

# What Home lists of each kind; the read loads no more than this, and counts the rest.
SESSIONS_SHOWN = 3  # of each group of sessions and requests
MENTORSHIPS_SHOWN = 5
FEEDBACK_SHOWN = 3  # the latest closings' feedback; older stays with the coordinators


@dataclass(frozen=True)
class HomeData:
    mentor: MentorView | None
    free_slots: tuple[SlotView, ...]
    sessions: MySessions
    next_action_items: str | None  # from the previous session of the next one, if any
    mentorships: tuple[MentorshipCard, ...] = ()
    feedback: tuple[MentorFeedback, ...] = ()  # mentors' closing feedback to this mentee
    live_mentorships: int = 0  # how many there are: `mentorships` holds the first few
    person: Person | None = None  # None: someone the store does not know yet, with nothing
    mentor_rule: ResolvedRule | None = None  # who may mentor, explained to those not yet one


def home_data(
    session: Session, *, slack_id: str, now: datetime, rule: MentorRule | None = None
) -> HomeData:
    """Everything Home shows, and the person's stored name and zone, in one transaction; the
    person and their mentor profile are read once and their ids handed on."""
    person = find_person(session, slack_id)
    if person is None:  # all a person has hangs off their user row
        explained = resolve(session, rule) if rule is not None else None
        return HomeData(None, (), MySessions((), (), (), ()), None, mentor_rule=explained)
    mentor = mentor_for(session, slack_id)
    free: tuple[SlotView, ...] = ()
    if mentor is not None and mentor.status in (MentorStatus.ACTIVE, MentorStatus.PAUSED):
        slots = upcoming_slots(session, mentor_id=mentor.id, now=now)
        free = tuple(s for s in slots if not s.booked)
    mine = sessions_of_ids(
        session,
        user_id=person.id,
        mentor_id=mentor.id if mentor else None,
        now=now,
        shown=SESSIONS_SHOWN,
    )
    items = (
        previous_action_items(session, booking_id=mine.upcoming[0].id) if mine.upcoming else None
    )
    cards, live = live_cards_of(session, person=person, now=now, limit=MENTORSHIPS_SHOWN)
    feedback = feedback_for(session, slack_id, limit=FEEDBACK_SHOWN)
    signing_up = mentor is None or mentor.status == MentorStatus.LEFT
    explained = resolve(session, rule) if rule is not None and signing_up else None
    return HomeData(mentor, free, mine, items, cards, feedback, live, person, explained)
