"""Home and `/mentor mentorships` for a busy mentor cost the same few queries for 2 mentorships
as for 25, each with goals, steps and sessions (issue 13, "Scale"): no N+1."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from bot.services.home import MENTORSHIPS_SHOWN, home_data
from bot.services.mentorship_cards import cards_of
from store.db import SessionFactory
from store.models import GoalStep
from store.statuses import BookingStatus, MemberStatus
from tests import seed
from tests.conftest import ADA, DAN
from tests.seed import DAY, HOUR, NOW

CANCELLED = BookingStatus.CANCELLED


@contextmanager
def counting_statements(session: Session) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def busy_mentor(sessions: SessionFactory, slack_id: str, mentorships: int) -> None:
    """A mentor with `mentorships` mentees, each with three goals of two steps and two sessions
    (one cancelled), plus one ended mentorship."""
    with sessions.begin() as session:
        mentor = seed.add_mentor(session, slack_id, ["python"])
        ended_with = seed.add_user(session, f"{slack_id}OLD")
        seed.add_mentorship(session, mentor, [ended_with], MemberStatus.ENDED)
        for n in range(mentorships):
            mentee = seed.add_user(session, f"{slack_id}M{n:03}")
            frame = seed.add_mentorship(session, mentor, [mentee], goals=("One", "Two", "Three"))
            for goal in frame.members[0].goals:
                goal.steps = [GoalStep(position=1, text="a"), GoalStep(position=2, text="b")]
            cancelled = DAY + n * HOUR / 2  # all before the first approved one
            for when, status in (((n + 2) * DAY, BookingStatus.APPROVED), (cancelled, CANCELLED)):
                booking = seed.add_session(session, mentor.id, mentee.id, NOW + when)
                booking.status = status
                booking.mentorship_id = frame.id


def statements(sessions: SessionFactory, slack_id: str) -> tuple[int, int]:
    """How many statements Home's data and `/mentor mentorships`' data each take."""
    with sessions.begin() as session, counting_statements(session) as home:
        data = home_data(session, slack_id=slack_id, now=NOW)
    with sessions.begin() as session, counting_statements(session) as listing:
        cards = cards_of(session, slack_id=slack_id, now=NOW, include_over=True)
    live = [card.mentorship.id for card in cards[:-1]]  # the ended one is only in the list
    assert data.live_mentorships == len(live)
    assert [card.mentorship.id for card in data.mentorships] == live[:MENTORSHIPS_SHOWN]
    return len(home), len(listing)


def test_a_busy_mentor_costs_a_fixed_number_of_queries(sessions: SessionFactory) -> None:
    """Ada has 2 mentorships, Dan 25: the same statements each, and few of them."""
    busy_mentor(sessions, ADA, 2)
    busy_mentor(sessions, DAN, 25)
    few, many = statements(sessions, ADA), statements(sessions, DAN)
    assert many == few
    # the person; frames with their mentors; members with their users; goals; steps; next
    # sessions (one grouped query); and SQLite's BEGIN IMMEDIATE
    assert few[1] <= 8, few
    # The whole of Home: the person (once), the mentor's profile and skills, free slots, sessions
    # (the groups' ids, the views, the interests), the action items, the mentorships as above
    # and the feedback: 15 with BEGIN; it was 21 before Home read the person once and joined
    # the mentors and members in.
    assert few[0] <= 15, few


def test_the_next_session_is_the_earliest_approved_one_to_come(sessions: SessionFactory) -> None:
    busy_mentor(sessions, ADA, 3)
    with sessions.begin() as session:
        cards = cards_of(session, slack_id=ADA, now=NOW, include_over=True)
    assert [card.next_session for card in cards] == [
        NOW + 4 * DAY,  # newest first; the cancelled one tomorrow never counts
        NOW + 3 * DAY,
        NOW + 2 * DAY,
        None,  # the ended one
    ]
    with sessions.begin() as session:
        later = cards_of(session, slack_id=ADA, now=NOW + 3 * DAY + timedelta(minutes=1))
    assert [card.next_session for card in later] == [NOW + 4 * DAY, None, None]
