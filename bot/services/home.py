"""What a user's Home tab shows, gathered in one read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.services.availability import SlotView, upcoming_slots
from bot.services.bookings import MySessions, sessions_of
from bot.services.mentors import MentorView, mentor_for


@dataclass(frozen=True)
class HomeData:
    mentor: MentorView | None
    free_slots: tuple[SlotView, ...]
    sessions: MySessions


def home_data(session: Session, *, slack_id: str, now: datetime) -> HomeData:
    mentor = mentor_for(session, slack_id)
    free: tuple[SlotView, ...] = ()
    if mentor is not None and mentor.status in ("active", "paused"):
        slots = upcoming_slots(session, mentor_id=mentor.id, now=now)
        free = tuple(s for s in slots if not s.booked)
    return HomeData(mentor, free, sessions_of(session, slack_id=slack_id, now=now))
