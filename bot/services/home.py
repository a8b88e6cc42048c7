"""What a user's Home tab shows, gathered in one read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.services.availability import SlotView, upcoming_slots
from bot.services.bookings import MySessions, sessions_of
from bot.services.eligibility import MentorRule, ResolvedRule, resolve
from bot.services.mentors import MentorView, mentor_for
from bot.services.mentorship_cards import MentorshipCard, cards_of
from bot.services.mentorship_closing import MentorFeedback, feedback_for
from bot.services.reviews import previous_action_items
from store.statuses import MentorStatus


@dataclass(frozen=True)
class HomeData:
    mentor: MentorView | None
    free_slots: tuple[SlotView, ...]
    sessions: MySessions
    next_action_items: str | None  # from the previous session of the next one, if any
    mentorships: tuple[MentorshipCard, ...] = ()
    feedback: tuple[MentorFeedback, ...] = ()  # mentors' closing feedback to this mentee
    mentor_rule: ResolvedRule | None = None  # who may mentor, explained to those not yet one


def home_data(
    session: Session, *, slack_id: str, now: datetime, rule: MentorRule | None = None
) -> HomeData:
    mentor = mentor_for(session, slack_id)
    free: tuple[SlotView, ...] = ()
    if mentor is not None and mentor.status in (MentorStatus.ACTIVE, MentorStatus.PAUSED):
        slots = upcoming_slots(session, mentor_id=mentor.id, now=now)
        free = tuple(s for s in slots if not s.booked)
    mine = sessions_of(session, slack_id=slack_id, now=now)
    items = (
        previous_action_items(session, booking_id=mine.upcoming[0].id) if mine.upcoming else None
    )
    mentorships = cards_of(session, slack_id=slack_id, now=now)
    signing_up = mentor is None or mentor.status == MentorStatus.LEFT
    explained = resolve(session, rule) if rule is not None and signing_up else None
    return HomeData(
        mentor, free, mine, items, mentorships, feedback_for(session, slack_id), explained
    )
