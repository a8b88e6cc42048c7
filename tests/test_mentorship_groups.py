"""The rules of group mentorships at service level: opening, asking to join, seats held at
accept time even when accepts race, and each member agreeing on their own."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.services import mentorship_groups, mentorships
from bot.services.mentorship_view import MentorshipOver
from bot.services.mentorships import AlreadyAsked, GroupFull, InvalidAsk
from store.db import SessionFactory, make_session_factory
from store.models import Mentorship, MentorshipMember
from store.statuses import MemberStatus, MentorshipKind, MentorshipStatus
from tests.conftest import ADA
from tests.races import race_all, wide_engine
from tests.seed import NOW, add_mentor, add_user

COMMENT = "Welcome to the circle."


def circle(sessions: SessionFactory, seats: int = 3, mentees: int = 3) -> tuple[int, list[int]]:
    """Ada opens a group; `mentees` people ask to join it. The group's id and member ids."""
    with sessions.begin() as session:
        add_mentor(session, ADA, ["python"])
        people = [add_user(session, f"U0M{n}").id for n in range(mentees)]
    with sessions.begin() as session:
        group = mentorship_groups.open_group(
            session,
            mentor_slack_id=ADA,
            name="Speakers' circle",
            topic="",
            group_goal="A talk each",
            cadence="weekly",
            months=3,
            seats=seats,
            starts_on=None,
            now=NOW,
        ).mentorship.id
    members = []
    for person in people:
        with sessions.begin() as session:
            members.append(ask(session, person, group).member.id)
    return group, members


def ask(session: Session, mentee_id: int, group: int) -> mentorships.MemberOutcome:
    return mentorship_groups.ask_to_join(
        session,
        mentee_id=mentee_id,
        mentorship_id=group,
        goals=["Give a talk"],
        hopes="",
        now=NOW,
    )


def accept(session: Session, member_id: int) -> mentorships.MemberOutcome:
    return mentorships.answer(
        session,
        member_id=member_id,
        actor_slack_id=ADA,
        accept=True,
        comment=COMMENT,
        now=NOW,
    )


def test_opening_dates_the_group_and_the_mentor_has_agreed_for_each_member(
    sessions: SessionFactory,
) -> None:
    group, members = circle(sessions)
    with sessions.begin() as session:
        frame = session.get_one(Mentorship, group)
        assert (frame.kind, frame.seats, frame.starts_on) == (MentorshipKind.GROUP, 3, NOW.date())
        assert frame.ends_on == date(2027, 2, 23)  # three months on, as a pair's would be
        outcome = accept(session, members[0])
        assert outcome.to_agree == (outcome.member.mentee_slack_id,)
        assert outcome.member.mentor_agreed and not outcome.member.mentee_agreed
    with sessions.begin() as session:
        agreed = mentorships.agree(session, member_id=members[0], actor_slack_id="U0M0", now=NOW)
    assert agreed.became_active and agreed.dm_people == (ADA, "U0M0")


def test_bad_groups_change_nothing(sessions: SessionFactory) -> None:
    with sessions.begin() as session:
        add_mentor(session, ADA, ["python"])
    with pytest.raises(InvalidAsk) as refused, sessions.begin() as session:
        mentorship_groups.open_group(
            session,
            mentor_slack_id=ADA,
            name="x" * 101,
            topic="",
            group_goal="",
            cadence="hourly",
            months=2,
            seats=9,
            starts_on=NOW.date() - timedelta(days=1),
            now=NOW,
        )
    assert set(refused.value.errors) == {
        "name", "group_goal", "cadence", "months", "seats", "starts_on"
    }  # fmt: skip
    with sessions.begin() as session:
        assert session.scalar(select(func.count()).select_from(Mentorship)) == 0


def test_asking_twice_or_into_a_full_group_is_refused(sessions: SessionFactory) -> None:
    group, members = circle(sessions, seats=2, mentees=3)
    with sessions.begin() as session:
        first = session.get_one(MentorshipMember, members[0]).mentee_id
    with pytest.raises(mentorship_groups.AlreadyInGroup), sessions.begin() as session:
        ask(session, first, group)
    for member in members[:2]:
        with sessions.begin() as session:
            accept(session, member)
    with sessions.begin() as session:
        late = add_user(session, "U0LATE").id
    with pytest.raises(GroupFull), sessions.begin() as session:
        ask(session, late, group)
    with pytest.raises(InvalidAsk), sessions.begin() as session:
        mentorship_groups.ask_to_join(
            session, mentee_id=late, mentorship_id=group, goals=[], hopes="", now=NOW
        )


def test_a_pending_pair_request_blocks_a_second_request_to_the_same_mentor(
    sessions: SessionFactory,
) -> None:
    """One open request per mentee and mentor, a pair's or a group's."""
    group, _ = circle(sessions, mentees=0)
    with sessions.begin() as session:
        ben = add_user(session, "U0BEN2").id
        ada = session.scalars(select(Mentorship.mentor_id)).one()
        mentorships.request_mentorship(
            session,
            mentee_id=ben,
            mentor_id=ada,
            goals=["A goal"],
            hopes="",
            cadence="weekly",
            months=3,
            now=NOW,
        )
    with pytest.raises(AlreadyAsked), sessions.begin() as session:
        ask(session, ben, group)


def test_five_accepts_racing_for_two_seats_fill_exactly_two(
    sessions: SessionFactory, database_url: str
) -> None:
    group, members = circle(sessions, seats=2, mentees=5)
    wide = wide_engine(database_url, 5)
    try:
        outcomes = race_all(make_session_factory(wide), 5, lambda s, n: accept(s, members[n]))
    finally:
        wide.dispose()
    assert outcomes == Counter({"ok": 2, "GroupFull": 3})
    with sessions.begin() as session:
        held = session.scalars(
            select(MentorshipMember.status).where(MentorshipMember.mentorship_id == group)
        ).all()
    assert Counter(held) == Counter({MemberStatus.AGREEING: 2, MemberStatus.REQUESTED: 3})


def test_a_group_that_ended_takes_no_one_new(sessions: SessionFactory) -> None:
    group, members = circle(sessions, mentees=1)
    with sessions.begin() as session:
        session.get_one(Mentorship, group).status = MentorshipStatus.ENDED
    with pytest.raises(MentorshipOver), sessions.begin() as session:
        accept(session, members[0])
    with sessions.begin() as session:
        assert session.get_one(MentorshipMember, members[0]).status == MemberStatus.REQUESTED
