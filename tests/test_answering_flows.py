"""Mentors who answer, and backups (issue 15, items 8 and 9), through signed HTTP.

How quickly a mentor usually answers shows on their search card; two requests in a row that
expire unanswered pause the mentor with a kind DM and the coordinators' stats list them; a
decline may take a break of some weeks, ended by due work; a request names up to two backup
mentors and moves on to them when declined or left to expire.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.sandbox import Sandbox, sandbox
from bot.services.mentorship_plans import REQUEST_TTL
from bot.simulator.render import render_blocks
from store.models import Booking, MentorProfile, MentorshipMember, RequestBackup, User
from store.statuses import Pauser
from tests.conftest import ADA, BEN, CHITRA, DAN, START, make_fake_slack
from tests.seed import add_session
from tests.steps import (
    GOALS,
    QUESTION,
    SESSION_START,
    TOMORROW,
    add_once,
    dms,
    profile_of,
    run_at,
    seen_text,
    sign_up,
    statuses,
)

EXPIRY = SESSION_START - timedelta(hours=1)  # a request for tomorrow 10:00 New York expires then


@pytest.fixture
def program(database_url: str) -> Iterator[Sandbox]:
    """Ada (python, leadership, k8s) and Dan (go, rust) mentor, both free tomorrow morning, New
    York time, so Ben's search for python finds Ada alone; Chitra coordinates."""
    fake = make_fake_slack()
    fake.add_user(DAN, "Dan Ruiz", "America/New_York")
    env = {"COORDINATOR_USER_IDS": CHITRA}
    with sandbox(database_url, now=START, env=env, fake=fake) as running:
        for mentor, skills in ((ADA, "python, Leadership, k8s"), (DAN, "go, rust")):
            sign_up(running, mentor, skills=skills)
            assert add_once(running, mentor, TOMORROW, "10:00", "12:00") == {}
            running.fake.clear_modals(mentor)
        yield running
        assert running.fake.problems == []


def book(box: Sandbox, backups: list[str] | None = None) -> dict[str, str]:
    """Ben finds Ada for python and asks for her first free time, naming backups."""
    ben = box.user(BEN)
    ben.command("find python leadership")
    ben.click("Book")
    ben.fill(QUESTION, GOALS)
    if backups is not None:
        ben.fill("Backup mentors", backups)
    return ben.submit().errors


def ask(box: Sandbox, backups: list[str] | None = None) -> dict[str, str]:
    """Ben finds Ada and asks her for a mentorship with two goals, naming backups."""
    ben = box.user(BEN)
    ben.command("find python leadership")
    ben.click("Ask for a mentorship")
    ben.fill("Your goals", "Run my first one-to-ones\nGive a talk")
    if backups is not None:
        ben.fill("Backup mentors", backups)
    return ben.submit().errors


def profile(box: Sandbox, slack_id: str) -> MentorProfile:
    found = profile_of(box, slack_id)
    assert found is not None
    return found


def results(box: Sandbox) -> str:
    """Ben's search for python, rendered."""
    box.user(BEN).command("find python leadership")
    return render_blocks(box.fake.seen_by(BEN)[-1].blocks, "UTC")


# --- answer time ------------------------------------------------------------------------------


def test_search_shows_how_quickly_a_mentor_usually_answers(program: Sandbox) -> None:
    """With two answers Ada gets no phrase (too few to say); with a third, all within a few
    hours, her card says she usually answers within a few hours. Dan, never asked, shows none."""
    ada = profile(program, ADA)
    with program.deps.sessions.begin() as session:
        ben = session.scalar(select(User).where(User.slack_id == BEN))
        if ben is None:
            ben = User(slack_id=BEN, real_name="Ben Martin", tz="Europe/Paris")
            ben.created_at = ben.updated_at = START
            session.add(ben)
            session.flush()
        for days in (20, 15):
            asked = START - timedelta(days=days)
            add_session(
                session, ada.id, ben.id, asked + timedelta(days=2), requested_at=asked,
                decided_at=asked + timedelta(hours=2),
            )  # fmt: skip
    assert "Usually answers" not in results(program)
    with program.deps.sessions.begin() as session:
        asked = START - timedelta(days=10)
        add_session(
            session, ada.id, ben.id, asked + timedelta(days=2), requested_at=asked,
            decided_at=asked + timedelta(hours=3),
        )  # fmt: skip
    assert results(program).count("Usually answers within a few hours") == 1


# --- silence ----------------------------------------------------------------------------------


def test_two_silent_requests_pause_the_mentor_kindly_and_coordinators_see_it(
    program: Sandbox,
) -> None:
    """Ada lets Ben's session request expire, then his mentorship request: she is paused by the
    system with one kind DM saying how to resume, Chitra's stats list her, and Resume works."""
    assert book(program) == {}
    run_at(program, EXPIRY)
    assert statuses(program) == ["expired"]
    assert profile(program, ADA).expired_in_row == 1
    assert profile(program, ADA).status == "active"
    assert ask(program) == {}
    run_at(program, EXPIRY + REQUEST_TTL)
    program.run_due()
    paused = profile(program, ADA)
    assert (paused.status, paused.paused_by_role) == ("paused", Pauser.SYSTEM)
    assert len(dms(program, ADA, "paused your mentor profile")) == 1
    assert "/mentor resume" in seen_text(program, ADA, "dm")
    program.run_due()
    assert len(dms(program, ADA, "paused your mentor profile")) == 1
    program.clock.advance(timedelta(days=1))  # stats cover whole days up to today
    program.user(CHITRA).command("admin stats 30d")
    reply = [s for s in program.fake.seen_by(CHITRA) if s.kind != "file"][-1]  # not the charts
    stats = render_blocks(reply.blocks, "UTC")
    assert "Paused automatically" in stats and ADA in stats.split("Paused automatically")[1]
    program.user(ADA).command("resume")
    assert profile(program, ADA).status == "active"


def test_an_answer_resets_the_run_of_silences(program: Sandbox) -> None:
    """One expiry, then Ada accepts Ben's mentorship request: the count starts again from 0."""
    assert book(program) == {}
    run_at(program, EXPIRY)
    assert profile(program, ADA).expired_in_row == 1
    assert ask(program) == {}
    ada = program.user(ADA)
    ada.click("Accept", where="message")
    ada.fill("Comment", "Glad to, let's start next week.")
    assert ada.submit().errors == {}
    assert profile(program, ADA).expired_in_row == 0


# --- a break chosen on decline ----------------------------------------------------------------


def test_a_decline_with_a_break_pauses_and_due_work_brings_the_mentor_back(
    program: Sandbox,
) -> None:
    """Ada declines Ben's request and pauses herself for 2 weeks in the same step: she is
    paused until then, hears so, and is back by herself when it ends (and told)."""
    assert book(program) == {}
    ada = program.user(ADA)
    ada.click("Decline")
    ada.fill("Reason", "I'm away for a fortnight, sorry.")
    ada.fill("Pause me for", "2 weeks")
    assert ada.submit().errors == {}
    paused = profile(program, ADA)
    assert (paused.status, paused.paused_by_role) == ("paused", Pauser.MENTOR)
    assert paused.paused_until == START + timedelta(weeks=2)
    assert len(dms(program, ADA, "You're paused")) == 1
    run_at(program, START + timedelta(weeks=2) - timedelta(minutes=1))
    assert profile(program, ADA).status == "paused"
    run_at(program, START + timedelta(weeks=2))
    back = profile(program, ADA)
    assert (back.status, back.paused_until) == ("active", None)
    assert len(dms(program, ADA, "active again")) == 1


def test_resuming_early_cancels_the_break_and_a_mentorship_decline_offers_one_too(
    program: Sandbox,
) -> None:
    """Ada declines Ben's mentorship with a week's break, resumes after two days; the end of
    the break then changes nothing and tells her nothing."""
    assert ask(program) == {}
    ada = program.user(ADA)
    ada.click("Decline", where="message")
    ada.fill("Comment", "I'm off next week; Dan is great for this.")
    ada.fill("Pause me for", "1 week")
    assert ada.submit().errors == {}
    assert profile(program, ADA).status == "paused"
    program.clock.advance(timedelta(days=2))
    ada.command("resume")
    assert profile(program, ADA).paused_until is None
    run_at(program, START + timedelta(weeks=1, hours=1))
    assert profile(program, ADA).status == "active"
    assert dms(program, ADA, "active again") == []


# --- backups ----------------------------------------------------------------------------------


def test_a_declined_request_moves_to_the_backup_with_the_same_message(program: Sandbox) -> None:
    """Ben books Ada with Dan as his backup; Ada declines: Dan gets the request at the nearest
    free time with Ben's message, Ben is told, and Dan can approve it."""
    assert book(program, [DAN]) == {}
    ada = program.user(ADA)
    ada.click("Decline")
    ada.fill("Reason", "Something came up that morning.")
    assert ada.submit().errors == {}
    with program.deps.sessions.begin() as session:
        first, moved = session.scalars(select(Booking).order_by(Booking.id)).all()
        assert (first.status, moved.status, moved.moved_from_id) == (
            "declined",
            "pending",
            first.id,
        )
        assert moved.message == first.message and moved.starts_at == first.starts_at
    assert len(dms(program, BEN, "request moved to")) == 1
    program.user(DAN).click("Approve")
    assert statuses(program) == ["declined", "approved"]


def test_an_expired_mentorship_request_moves_along_the_backups(program: Sandbox) -> None:
    """Ben asks Ada for a mentorship with backups Dan then Chitra (who signs up first); Ada
    never answers: it moves to Dan with the same goals and Chitra stays as Dan's backup."""
    sign_up(program, CHITRA, skills="go")
    assert ask(program, [DAN, CHITRA]) == {}
    run_at(program, START + REQUEST_TTL)
    chitra = profile(program, CHITRA).id
    with program.deps.sessions.begin() as session:
        old, new = session.scalars(select(MentorshipMember).order_by(MentorshipMember.id)).all()
        assert (old.status, new.status, new.moved_from_id) == ("expired", "requested", old.id)
        assert [g.text for g in new.goals] == ["Run my first one-to-ones", "Give a talk"]
        left = session.execute(
            select(RequestBackup.position, RequestBackup.mentor_id).where(
                RequestBackup.member_id == new.id
            )
        ).all()
        assert left == [(1, chitra)]
    assert len(dms(program, BEN, "request moved to")) == 1
    assert "Mentorship request" in seen_text(program, DAN, "dm")


def test_backup_choices_are_checked_on_the_field(program: Sandbox) -> None:
    """Himself, his first choice, or someone who does not mentor: each refused on the field,
    and nothing is requested."""
    for chosen, words in (
        ([BEN], "your own backup"),
        ([ADA], "first choice"),
        ([CHITRA], "isn't an active mentor"),
    ):
        errors = book(program, chosen)
        assert words in errors.get("Backup mentors", ""), errors
        program.fake.clear_modals(BEN)
    assert statuses(program) == []


def test_a_backup_without_free_time_near_then_is_skipped_and_the_mentee_told(
    program: Sandbox,
) -> None:
    """Chitra mentors but has no free time; Ada's request expires: Ben hears none of his
    backups could take it, and nothing new is requested."""
    sign_up(program, CHITRA, skills="go")
    assert book(program, [CHITRA]) == {}
    run_at(program, EXPIRY)
    assert statuses(program) == ["expired"]
    assert len(dms(program, BEN, "None of your backup mentors")) == 1
