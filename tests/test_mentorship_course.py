"""Changing a mentorship's course at the service level: declining an extension, and ending
early in a group, where a mentee ends only their own part and the mentor ends it for all."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.services import mentorship_ending, mentorship_extension, mentorship_plans, pulses
from bot.services.mentorship_view import MentorshipOver
from store.db import SessionFactory
from store.models import DueWork, Mentorship, MentorshipMember
from store.statuses import DueStatus, MemberStatus, MentorshipStatus
from tests.conftest import ADA, BEN, CHITRA
from tests.seed import DAY, NOW, add_mentor, add_mentorship, add_user


def a_group(sessions: SessionFactory) -> int:
    """Ada's group of Ben and Chitra, active since today for three months, its work planned."""
    with sessions.begin() as session:
        ada = add_mentor(session, ADA)
        mentees = [add_user(session, BEN), add_user(session, CHITRA)]
        frame = add_mentorship(session, ada, mentees, group_name="Speakers", seats=3)
        assert frame.starts_on and frame.ends_on
        for member in frame.members:
            mentorship_plans.plan_active(
                session,
                mentorship_id=frame.id,
                member_id=member.id,
                people=(member.mentee_id, ada.user_id),
                starts_on=frame.starts_on,
                ends_on=frame.ends_on,
                now=NOW,
            )
        return frame.id


def pending_pulses(sessions: SessionFactory, mentorship_id: int) -> set[int]:
    """The members whose pulses are still planned."""
    with sessions.begin() as session:
        rows = session.scalars(
            select(DueWork).where(
                DueWork.mentorship_id == mentorship_id,
                DueWork.kind == mentorship_plans.PULSE,
                DueWork.status == DueStatus.PENDING,
            )
        )
        return {row.payload["member_id"] for row in rows}


def test_a_declined_extension_changes_nothing_but_the_proposal(sessions: SessionFactory) -> None:
    frame_id = a_group(sessions)
    with sessions.begin() as session:
        ends_on = session.get_one(Mentorship, frame_id).ends_on
        assert ends_on is not None
        proposed = mentorship_extension.propose_extension(
            session,
            mentorship_id=frame_id,
            actor_slack_id=ADA,
            new_end=ends_on + 30 * DAY,
            now=NOW,
        )
        assert set(proposed.tell) == {BEN, CHITRA}
    with sessions.begin() as session, pytest.raises(mentorship_extension.OwnProposal):
        mentorship_extension.answer_extension(
            session, mentorship_id=frame_id, actor_slack_id=ADA, accept=True, now=NOW
        )
    with sessions.begin() as session:
        answered = mentorship_extension.answer_extension(
            session, mentorship_id=frame_id, actor_slack_id=BEN, accept=False, now=NOW
        )
        assert not answered.accepted and answered.mentorship.ends_on == ends_on
        assert answered.mentorship.proposed_ends_on is None


def test_a_mentee_leaving_a_group_ends_only_their_part(sessions: SessionFactory) -> None:
    frame_id = a_group(sessions)
    with sessions.begin() as session:
        ben, chitra = session.get_one(Mentorship, frame_id).members
        ben_id, chitra_id = ben.id, chitra.id
    assert pending_pulses(sessions, frame_id) == {ben_id, chitra_id}
    with sessions.begin() as session:
        ended = mentorship_ending.end_early(
            session,
            mentorship_id=frame_id,
            actor_slack_id=BEN,
            reason="Too busy this quarter.",
            share_reason=True,
            now=NOW + DAY,
        )
    assert (ended.tell, ended.reason, ended.frame_ended) == (
        (ADA,),
        "Too busy this quarter.",
        False,
    )
    assert pending_pulses(sessions, frame_id) == {chitra_id}
    with sessions.begin() as session:
        assert session.get_one(MentorshipMember, ben_id).status == MemberStatus.ENDED
        assert session.get_one(Mentorship, frame_id).status == MentorshipStatus.OPEN
        prompt = pulses.pulse_to_send(session, member_id=ben_id, round_=1, recipient_slack_id=ADA)
        assert prompt is None  # the sender skips a member no longer active
        assert pulses.pulse_to_send(session, member_id=chitra_id, round_=1, recipient_slack_id=ADA)
        with pytest.raises(MentorshipOver):
            pulses.for_pulse(
                session, member_id=ben_id, round_=1, actor_slack_id=BEN, now=NOW + 40 * DAY
            )


def test_the_mentor_ending_a_group_ends_it_for_everyone(sessions: SessionFactory) -> None:
    frame_id = a_group(sessions)
    with sessions.begin() as session:
        ended = mentorship_ending.end_early(
            session,
            mentorship_id=frame_id,
            actor_slack_id=ADA,
            reason="I'm leaving the company.",
            share_reason=False,
            now=NOW + DAY,
        )
    assert (set(ended.tell), ended.reason, ended.frame_ended) == ({BEN, CHITRA}, None, True)
    with sessions.begin() as session:
        statuses = session.scalars(select(MentorshipMember.status)).all()
        assert set(statuses) == {MemberStatus.ENDED}
        left = select(DueWork.id).where(DueWork.status == DueStatus.PENDING)
        assert session.scalars(left).all() == []
