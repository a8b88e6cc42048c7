"""What coordinators see of mentorships in the digest and `/mentor admin stats`: every figure
of a hand-made programme, the low pulse with its comment, the mentorships at risk and why,
diary entries counted but never quoted, and a digest whose statements do not grow with the
number of mentorships."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

from bot.blocks.digest import build_digest_message
from bot.sandbox import Sandbox, sandbox
from bot.services.digest import Digest, build_digest
from bot.services.mentorship_figures import AtRisk, LowPulse
from bot.simulator.render import render_blocks
from store.db import SessionFactory
from store.models import (
    ChangeRequest,
    DiaryEntry,
    Evaluation,
    MentorProfile,
    Mentorship,
    MentorshipMember,
    Pulse,
    User,
)
from store.statuses import Cadence, GoalStatus, MemberStatus, MentorshipKind, Role
from tests.conftest import ADA, BEN, CHITRA, DAN, make_fake_slack
from tests.seed import DAY, add_mentor, add_mentorship, add_session, add_user
from tests.seed import PERIOD_END as NOW
from tests.seed import PERIOD_START as START

EVE, FAY, GUS, HAL = "U0EVE", "U0FAY", "U0GUS", "U0HAL"
WEEK = 7 * DAY
DIARY_SECRET = "We talked about my manager's drinking problem"
PULSE_COMMENT = "Hard to find time together"
CHANGE_REASON = "My mentor keeps cancelling on me"
LOW_BUT_ANSWERED_AGAIN = "Slow start, but better now"


@dataclass(frozen=True)
class Programme:
    quiet_pair: int  # Ada & Ben
    pulsed_pair: int  # Dan & Chitra
    group: int  # Eve's "Speakers' circle" with Fay and Gus


def member_of(session: Session, frame: Mentorship, user: User) -> MentorshipMember:
    return next(m for m in frame.members if m.mentee_id == user.id)


def in_mentorship(session: Session, frame: Mentorship, mentor: MentorProfile, at: datetime) -> int:
    """An approved session of the mentorship, half an hour at `at`."""
    booking = add_session(session, mentor.id, frame.members[0].mentee_id, at)
    booking.mentorship_id = frame.id
    return booking.id


def pulse(
    session: Session,
    member: MentorshipMember,
    by: User,
    stars: int,
    at: datetime,
    comment: str | None = None,
    round_: int = 1,
) -> None:
    session.add(
        Pulse(
            member_id=member.id,
            respondent_id=by.id,
            round=round_,
            stars=stars,
            comment=comment,
            created_at=at,
        )
    )


def build_programme(sessions: SessionFactory) -> Programme:
    """Four mentorships, as coordinators would look at them on Thursday 26 November:

    - Ada & Ben, every two weeks, active for five weeks, met once five weeks ago: at risk, no
      session for 5 weeks. Ben's first pulse was low but his second good: that is no risk.
      Ben wrote a diary entry this week.
    - Dan & Chitra, weekly, started this week (START+1d), met two days ago; Chitra's pulse this
      week is 2 stars with a comment: at risk for the low pulse. Chitra wrote a diary entry.
    - Eve's group "Speakers' circle" with Fay and Gus, monthly, started this week (START+2d), no
      session yet; Fay asked for a different mentor: at risk for the open change request.
      Gus's pulse: 5 stars.
    - Ada & Hal, ended two days ago: 3 goals, 2 reached, one dropped; Hal evaluated it 4 stars,
      Ada 5.
    """
    with sessions.begin() as s:
        ada = add_mentor(s, ADA, name="Ada Lovelace", capacity=40, at=NOW - 100 * DAY)
        dan = add_mentor(s, DAN, name="Dan Brown", capacity=40, at=NOW - 100 * DAY)
        eve = add_mentor(s, EVE, name="Eve Stone", capacity=40, at=NOW - 100 * DAY)
        ben, chitra, fay, gus, hal = (
            add_user(s, slack_id, at=NOW - 100 * DAY) for slack_id in (BEN, CHITRA, FAY, GUS, HAL)
        )

        quiet = add_mentorship(s, ada, [ben], at=NOW - 5 * WEEK)
        in_mentorship(s, quiet, ada, NOW - 5 * WEEK)
        ben_member = member_of(s, quiet, ben)
        pulse(s, ben_member, ben, 2, NOW - 30 * DAY, LOW_BUT_ANSWERED_AGAIN)
        pulse(s, ben_member, ben, 4, NOW - 10 * DAY, round_=2)
        diary(s, ben_member, DIARY_SECRET, NOW - 2 * DAY)

        pulsed = add_mentorship(s, dan, [chitra], cadence=Cadence.WEEKLY, at=START + DAY)
        in_mentorship(s, pulsed, dan, NOW - 2 * DAY)
        chitra_member = member_of(s, pulsed, chitra)
        pulse(s, chitra_member, chitra, 2, NOW - DAY, PULSE_COMMENT)
        diary(s, chitra_member, "Practised my opening; homework: record it", NOW - 2 * DAY)

        group = add_mentorship(
            s,
            eve,
            [fay, gus],
            cadence=Cadence.MONTHLY,
            group_name="Speakers' circle",
            at=START + 2 * DAY,
        )
        fay_member = member_of(s, group, fay)
        s.add(
            ChangeRequest(
                member_id=fay_member.id,
                requester_id=fay.id,
                reason=CHANGE_REASON,
                created_at=NOW - DAY,
            )
        )
        pulse(s, member_of(s, group, gus), gus, 5, NOW - 3 * DAY)

        done = add_mentorship(
            s,
            ada,
            [hal],
            MemberStatus.ENDED,
            goals=("Run a retro", "Write a design doc", "Give a talk"),
            at=NOW - 100 * DAY,
        )
        hal_member = member_of(s, done, hal)
        hal_member.ended_at = NOW - 2 * DAY
        done.ended_at = NOW - 2 * DAY
        outcomes = (GoalStatus.REACHED, GoalStatus.REACHED, GoalStatus.DROPPED)
        for goal, status in zip(hal_member.goals, outcomes, strict=True):
            goal.status = status
        for by, role, stars in ((hal, Role.MENTEE, 4), (ada.user, Role.MENTOR, 5)):
            s.add(
                Evaluation(
                    member_id=hal_member.id,
                    respondent_id=by.id,
                    role=role,
                    stars=stars,
                    what_worked="Weekly check-ins",
                    created_at=NOW - 2 * DAY,
                )
            )
        return Programme(quiet.id, pulsed.id, group.id)


def diary(session: Session, member: MentorshipMember, discussed: str, at: datetime) -> None:
    session.add(
        DiaryEntry(
            member_id=member.id,
            discussed=discussed,
            progress="Some progress",
            homework="Read a book",
            created_at=at,
        )
    )


def digest(sessions: SessionFactory) -> Digest:
    with sessions.begin() as session:
        return build_digest(session, start=START, end=NOW, now=NOW)


def test_every_mentorship_figure_of_a_known_week(sessions: SessionFactory) -> None:
    programme = build_programme(sessions)
    figures = digest(sessions).mentorships

    # Dan & Chitra and the group began this week (the group once, for both its members).
    assert figures.started == 2
    assert figures.active == 3  # Ada & Ben, Dan & Chitra, the group
    assert figures.ended == 1  # Ada & Hal
    assert (figures.goals_reached, figures.goals_of_ended) == (2, 3)
    assert figures.goals_reached_share == pytest.approx(2 / 3)
    # This week's pulses: Chitra's 2 and Gus's 5; Ben's two are older.
    assert (figures.pulses, figures.pulse_average) == (2, 3.5)
    assert figures.low_pulses == (LowPulse(2, PULSE_COMMENT, CHITRA, DAN, CHITRA, NOW - DAY),)
    assert (figures.evaluations, figures.evaluation_average) == (2, 4.5)
    assert figures.diary_entries == 2
    assert figures.open_change_requests == 1
    # Longest without a session first: Ben's five weeks (2 cadences are 4), the group's five
    # days since it began, Chitra's session two days ago.
    assert figures.at_risk == (
        AtRisk(
            programme.quiet_pair,
            MentorshipKind.PAIR,
            None,
            Cadence.FORTNIGHTLY,
            ADA,
            (BEN,),
            quiet_for=5 * WEEK,
            low_pulse=False,
            change_requested=False,
        ),
        AtRisk(
            programme.group,
            MentorshipKind.GROUP,
            "Speakers' circle",
            Cadence.MONTHLY,
            EVE,
            (FAY, GUS),
            quiet_for=None,
            low_pulse=False,
            change_requested=True,
        ),
        AtRisk(
            programme.pulsed_pair,
            MentorshipKind.PAIR,
            None,
            Cadence.WEEKLY,
            DAN,
            (CHITRA,),
            quiet_for=None,
            low_pulse=True,
            change_requested=False,
        ),
    )
    assert not digest(sessions).is_empty


def test_a_session_within_twice_the_cadence_is_no_risk(sessions: SessionFactory) -> None:
    """Four weeks less a day since the last session of a fortnightly pair is fine; a planned
    session counts; a pair that has just begun has its first two cadences to meet."""
    with sessions.begin() as s:
        ada = add_mentor(s, ADA, capacity=40, at=NOW - 100 * DAY)
        ben, chitra, fay = (add_user(s, u) for u in (BEN, CHITRA, FAY))
        met = add_mentorship(s, ada, [ben], at=NOW - 10 * WEEK)
        in_mentorship(s, met, ada, NOW - 4 * WEEK + DAY)
        planned = add_mentorship(s, ada, [chitra], at=NOW - 10 * WEEK)
        in_mentorship(s, planned, ada, NOW + DAY)
        add_mentorship(s, ada, [fay], at=NOW - 4 * WEEK + DAY)

    assert digest(sessions).mentorships.at_risk == ()


def test_the_digest_shows_the_low_pulse_and_the_risks_but_no_diary_text(
    sessions: SessionFactory,
) -> None:
    build_programme(sessions)
    shown = str(build_digest_message(digest(sessions)))

    assert "Started: 2 · Active: 3 · Ended: 1 · Open change requests: 1" in shown
    assert "Goals reached in mentorships that ended: 2 of 3 (67%)" in shown
    assert "Pulse: 3.5 ★ (2 answer(s))" in shown
    assert "Evaluations: 4.5 ★ (2) · Diary entries: 2" in shown
    assert f"• 2★ from <@{CHITRA}> (<@{DAN}> mentoring <@{CHITRA}>): {PULSE_COMMENT}" in shown
    assert f"• <@{ADA}> & <@{BEN}>, every two weeks: no session for 5 weeks" in shown
    assert f"• *Speakers' circle* (<@{EVE}> & <@{FAY}>, <@{GUS}>), every month: a change" in shown
    assert f"• <@{DAN}> & <@{CHITRA}>, every week: a low pulse" in shown
    for secret in (DIARY_SECRET, "homework", CHANGE_REASON, LOW_BUT_ANSWERED_AGAIN):
        assert secret not in shown
        assert secret.lower() not in shown.lower()


def test_a_programme_without_mentorships_shows_no_mentorship_section(
    sessions: SessionFactory,
) -> None:
    with sessions.begin() as s:
        ada = add_mentor(s, ADA, capacity=40, at=START - 30 * DAY)
        add_session(s, ada.id, add_user(s, BEN).id, START + DAY, requested_at=START)
    shown = str(build_digest_message(digest(sessions)))
    assert "Sessions held: 1" in shown and "Mentorships" not in shown


@pytest.fixture
def counting(engine: Engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def seen(*args: Any) -> None:
        statements.append(args[2])

    event.listen(engine, "before_cursor_execute", seen)
    yield statements
    event.remove(engine, "before_cursor_execute", seen)


def add_busy_mentorships(sessions: SessionFactory, count: int, first: int) -> None:
    """`count` pairs, each with a session, a diary entry, a low pulse and a change request."""
    with sessions.begin() as s:
        for n in range(first, first + count):
            mentor = add_mentor(s, f"U0M{n:03d}", capacity=40, at=NOW - 100 * DAY)
            mentee = add_user(s, f"U0E{n:03d}")
            frame = add_mentorship(s, mentor, [mentee], at=NOW - 6 * WEEK)
            in_mentorship(s, frame, mentor, NOW - 5 * WEEK)
            member = frame.members[0]
            pulse(s, member, mentee, 1, NOW - DAY, "Not going well")
            diary(s, member, "Talked", NOW - DAY)
            s.add(
                ChangeRequest(
                    member_id=member.id, requester_id=mentee.id, reason="x", created_at=NOW
                )
            )


def test_the_digest_statements_do_not_grow_with_the_mentorships(
    sessions: SessionFactory, counting: list[str]
) -> None:
    """Two mentorships or twenty, all at risk with a low pulse: the same statements."""
    add_busy_mentorships(sessions, 2, first=0)
    counting.clear()
    few = digest(sessions)
    for_two = len(counting)

    add_busy_mentorships(sessions, 18, first=2)
    counting.clear()
    many = digest(sessions)

    assert (len(few.mentorships.at_risk), len(many.mentorships.at_risk)) == (2, 20)
    assert len(many.mentorships.low_pulses) == 20
    assert len(counting) == for_two


# --- through Slack ----------------------------------------------------------------------------


@pytest.fixture
def program(database_url: str) -> Iterator[Sandbox]:
    env = {"COORDINATOR_USER_IDS": CHITRA}
    with sandbox(database_url, now=NOW, env=env, fake=make_fake_slack()) as running:
        yield running
        assert running.fake.problems == []


def test_stats_show_mentorships_to_a_coordinator_without_diary_text(program: Sandbox) -> None:
    """Chitra's `/mentor admin stats` carries the week's mentorships, privately, and every
    message still fits Block Kit; no diary or change-request text is in it."""
    build_programme(program.deps.sessions)
    program.user(CHITRA).command("admin stats")
    seen = [s for s in program.fake.seen_by(CHITRA) if s.kind != "file"][-1]  # not the charts
    shown = render_blocks(seen.blocks, "UTC")
    assert "Mentorships" in shown and "Mentorships at risk" in shown
    assert PULSE_COMMENT in shown
    assert "no session for 5 weeks" in shown
    for secret in (DIARY_SECRET, CHANGE_REASON):
        assert secret not in shown and secret not in str(seen.blocks)
