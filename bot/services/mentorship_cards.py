"""A person's mentorships as Home and `/mentor mentorships` list them, with each one's next
session, in a fixed number of queries however many there are (issue 13, "Scale")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.services.mentorship_view import MentorshipView, first_mentorships_of, mentorships_of
from bot.services.people import Person
from store.models import Booking
from store.statuses import BookingStatus, MentorshipStatus, Role

RECENTLY_ENDED = 5  # ended mentorships `/mentor mentorships` still lists


@dataclass(frozen=True)
class MentorshipCard:
    """One mentorship from the viewer's side: their role, and the next session planned in it."""

    mentorship: MentorshipView
    role: Role
    next_session: datetime | None


def cards_of(
    session: Session, *, slack_id: str, now: datetime, include_over: bool = False
) -> tuple[MentorshipCard, ...]:
    """Live mentorships first (newest first), then the few most recently ended when asked."""
    views = mentorships_of(session, slack_id=slack_id, include_over=include_over)
    live = [v for v in views if v.status == MentorshipStatus.OPEN]
    over = [v for v in views if v.status != MentorshipStatus.OPEN][:RECENTLY_ENDED]
    return _cards(session, live + over, slack_id=slack_id, now=now)


def live_cards_of(
    session: Session, *, person: Person, now: datetime, limit: int
) -> tuple[tuple[MentorshipCard, ...], int]:
    """The newest `limit` live mentorships as cards, and how many are live (Home's section)."""
    views, live = first_mentorships_of(session, user_id=person.id, limit=limit)
    slack_id = person.slack_id
    return _cards(session, views, slack_id=slack_id, now=now), live


def _cards(
    session: Session, shown: list[MentorshipView], *, slack_id: str, now: datetime
) -> tuple[MentorshipCard, ...]:
    upcoming = next_sessions(session, [v.id for v in shown], now=now)
    return tuple(
        MentorshipCard(view, view.role_of(slack_id) or Role.MENTEE, upcoming.get(view.id))
        for view in shown
    )


def next_sessions(
    session: Session, mentorship_ids: list[int], *, now: datetime
) -> dict[int, datetime]:
    """The start of each mentorship's earliest approved session still to come, in one query."""
    if not mentorship_ids:
        return {}
    rows = session.execute(
        select(Booking.mentorship_id, func.min(Booking.starts_at))
        .where(
            Booking.mentorship_id.in_(mentorship_ids),
            Booking.status == BookingStatus.APPROVED,
            Booking.starts_at > now,
        )
        .group_by(Booking.mentorship_id)
    ).all()
    return {mentorship_id: starts for mentorship_id, starts in rows if mentorship_id is not None}
