"""The mentee limit under races: a mentor's last place goes to exactly one mentee."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import Engine, func, select

from bot.services import mentorships
from store.db import SessionFactory, make_session_factory
from store.models import MentorshipMember
from store.statuses import MemberStatus
from tests.conftest import ADA
from tests.races import race_all, wide_engine
from tests.seed import NOW, add_mentor, add_mentorship, add_user

RACERS = 6


def mentor_with_one_place_left(sessions: SessionFactory) -> tuple[list[int], str]:
    """Ada takes two mentees and has one; six more have asked her. Their members' ids, and
    Ada's Slack id."""
    with sessions.begin() as session:
        ada = add_mentor(session, ADA, ["python"])
        ada.mentee_limit = 2
        add_mentorship(session, ada, [add_user(session, "U0FIRST")])
        waiting = [
            add_mentorship(session, ada, [add_user(session, f"U0RACER{n}")], MemberStatus.REQUESTED)
            .members[0]
            .id
            for n in range(RACERS)
        ]
    return waiting, ADA


def holding(sessions: SessionFactory) -> int:
    with sessions.begin() as session:
        return (
            session.scalar(
                select(func.count()).where(MentorshipMember.status.in_(mentorships.HOLDING_PLACE))
            )
            or 0
        )


def test_accepts_racing_for_the_last_place_take_exactly_the_limit(
    sessions: SessionFactory, engine: Engine, database_url: str
) -> None:
    """Ada's six Accepts arrive at once with one place left: exactly one is accepted, the
    others are told she is at her limit, and two places are taken."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite runs one writer at a time: no row lock to race for")
    waiting, mentor = mentor_with_one_place_left(sessions)
    wide = wide_engine(database_url, RACERS)
    try:
        outcomes = race_all(
            make_session_factory(wide),
            RACERS,
            lambda s, n: mentorships.answer(
                s,
                member_id=waiting[n],
                actor_slack_id=mentor,
                accept=True,
                comment="Glad to help you get there.",
                now=NOW,
            ),
        )
    finally:
        wide.dispose()
    assert outcomes == Counter({"ok": 1, "MentorshipError": RACERS - 1})
    assert holding(sessions) == 2


def test_an_accept_at_the_limit_is_refused(sessions: SessionFactory) -> None:
    """The same rule without a race, on both engines: the place taken, the next Accept fails."""
    waiting, mentor = mentor_with_one_place_left(sessions)
    for n, member_id in enumerate(waiting[:2]):
        try:
            with sessions.begin() as session:
                mentorships.answer(
                    session,
                    member_id=member_id,
                    actor_slack_id=mentor,
                    accept=True,
                    comment="Glad to help you get there.",
                    now=NOW,
                )
        except mentorships.MentorshipError as refused:
            assert n == 1 and "your limit" in str(refused)
        else:
            assert n == 0
    assert holding(sessions) == 2
