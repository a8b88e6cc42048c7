"""Coordinator-made matching through Slack (issue 16): enrolment closes, the bot proposes the
optimal pairs, a coordinator reviews them (score and why), removes one and publishes once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.sandbox import Sandbox, sandbox
from bot.services.skills import ensure_skills
from bot.simulator.render import render_blocks, render_view
from store.models import MentorProfile, MentorshipMember, MentorSkill, User, UserInterest
from store.statuses import MemberStatus
from tests.conftest import ADA, BEN, CHITRA, DAN, START, from_template, make_fake_slack
from tests.seed import add_mentor, add_mentorship, add_user

EVE, FAY, GIA = "U0EVE", "U0FAY", "U0GIA"


@pytest.fixture
def program(database_url: str, migrated_sqlite: Path) -> Iterator[Sandbox]:
    """Chitra and Gia coordinate. Ada mentors Python at 5 (one mentee), Dan Go at 3 (two).
    Ben wants Python to 4, Fay Python to 4 and Go to 4, Eve Rust."""
    from_template(database_url, migrated_sqlite)
    fake = make_fake_slack()
    for who, name in ((DAN, "Dan Ruiz"), (EVE, "Eve Park"), (FAY, "Fay Wong"), (GIA, "Gia Ross")):
        fake.add_user(who, name, "UTC")
    env = {"COORDINATOR_USER_IDS": f"{CHITRA},{GIA}"}
    with sandbox(database_url, now=START, env=env, fake=fake) as running:
        with running.deps.sessions.begin() as session:
            ada = add_mentor(session, ADA, ["python"], levels={"python": 5}, name="Ada")
            ada.mentee_limit = 1
            add_mentor(session, DAN, ["go"], levels={"go": 3}, name="Dan")
            python, go, rust = (s.id for s in ensure_skills(session, ["python", "go", "rust"]))
            wants = {BEN: {python: 4}, FAY: {python: 4, go: 4}, EVE: {rust: None}}
            for slack_id, gaps in wants.items():
                user = add_user(session, slack_id, name=slack_id)
                session.add_all(
                    UserInterest(user_id=user.id, skill_id=s, target_level=t)
                    for s, t in gaps.items()
                )
        yield running
        assert running.fake.problems == []


def answer(box: Sandbox, user_id: str) -> str:
    seen = box.fake.seen_by(user_id)[-1]
    return render_blocks(seen.blocks, "UTC") or seen.text


def modal_text(box: Sandbox, user_id: str) -> str:
    view = box.fake.modal(user_id)
    assert view is not None
    return render_view(view, "UTC")


def cohort_with_everyone_enrolled(box: Sandbox) -> None:
    chitra = box.user(CHITRA)
    chitra.command("admin programmes")
    chitra.click("New programme")
    for label, value in {
        "Name": "Spring leads",
        "Starts on": "2027-02-01",
        "Ends on": "2027-05-31",
        "Matching": "Coordinators form the pairs",
    }.items():
        chitra.fill(label, value)
    assert chitra.submit().errors == {}
    for mentor in (ADA, DAN):
        box.user(mentor).command("join")
        box.user(mentor).click("Join as mentor")
    for mentee in (BEN, FAY, EVE):
        box.user(mentee).command("join")
        box.user(mentee).click("Join as mentee")


def close_enrolment(box: Sandbox) -> None:
    chitra = box.user(CHITRA)
    chitra.command("admin programmes")
    chitra.click("Edit")
    chitra.fill("Enrolment", False)
    assert chitra.submit().errors == {}


def members(box: Sandbox) -> list[tuple[str, str, str]]:
    with box.deps.sessions.begin() as session:
        return sorted(
            (mentor, mentee, str(status))
            for mentor, mentee, status in session.execute(
                select(MentorProfile.user_id, User.slack_id, MentorshipMember.status)
                .join(User, User.id == MentorshipMember.mentee_id)
                .join(MentorProfile, MentorProfile.id == MentorshipMember.mentor_id)
            )
        )


def test_closing_enrolment_proposes_the_optimal_pairs_and_publishing_starts_them(
    program: Sandbox,
) -> None:
    """Ada (Python 5, one place) goes to Ben (100%) rather than Fay (50%), Dan to Fay (Go one
    level below: 25%); Eve is left, as nobody offers Rust. Chitra
    publishes: each pair is introduced in a group DM and both get the agreement."""
    cohort_with_everyone_enrolled(program)
    program.user(CHITRA).command("join")
    program.user(CHITRA).click("Join as mentee")  # with no skill gaps saved
    close_enrolment(program)
    chitra = program.user(CHITRA)
    chitra.click("Review pairs")
    shown = modal_text(program, CHITRA)
    assert "2 pairs proposed" in shown
    assert "@U0CHITRA: saved no skill gaps to match on" in shown
    assert "@U0ADA mentors @U0BEN: *100%* match, covers Python" in shown
    assert "@U0DAN mentors @U0FAY: *25%* match, covers Go (one level below)" in shown
    assert "@U0EVE: no enrolled mentor offers the skills they want" in shown
    chitra.submit()
    assert "Published 2 pairs of *Spring leads*" in answer(program, CHITRA)
    assert [status for *_, status in members(program)] == ["agreeing", "agreeing"]
    intro = program.fake.channel_messages(program.fake.open_group([ADA, BEN]))
    assert len(intro) == 1
    assert "the coordinators of *Spring leads* paired you" in render_blocks(intro[0].blocks, "UTC")
    assert "Mentorship agreement" in answer(program, BEN)
    assert "Mentorship agreement" in answer(program, ADA)


def test_a_removed_pair_leaves_its_mentee_unmatched_and_publishing_twice_is_refused(
    program: Sandbox,
) -> None:
    """Chitra removes Dan and Fay; Fay is listed as unmatched because every mentor who could
    help is full. Gia had the proposal open too: her publish after Chitra's is refused."""
    cohort_with_everyone_enrolled(program)
    close_enrolment(program)
    chitra, gia = program.user(CHITRA), program.user(GIA)
    gia.command("admin programmes")
    gia.click("Review pairs")
    chitra.click("Review pairs")
    chitra.click("Remove", near="<@U0FAY>")
    shown = modal_text(program, CHITRA)
    assert "1 pair proposed" in shown
    assert "@U0FAY: every mentor who could help is full" in shown
    chitra.submit()
    assert len(members(program)) == 1
    gia.submit()
    assert "already published" in answer(program, GIA)
    assert len(members(program)) == 1
    with program.deps.sessions.begin() as session:
        assert session.scalars(select(MentorshipMember.status)).all() == [MemberStatus.AGREEING]


def test_people_who_are_not_coordinators_cannot_review(program: Sandbox) -> None:
    """The Review pairs button reached Ben somehow: the one refusal, nothing shown."""
    cohort_with_everyone_enrolled(program)
    close_enrolment(program)
    from tests.steps import send_click

    with program.deps.sessions.begin() as session:
        from store.models import Programme

        cohort = session.scalars(select(Programme.id).where(Programme.is_default.is_(False))).one()
    send_click(program, BEN, "programme_review_pairs", str(cohort))
    assert "Only the program's coordinators" in answer(program, BEN)
    assert program.fake.modal(BEN) is None


def test_swapping_two_pairs_exchanges_their_mentors_and_rescores_them(program: Sandbox) -> None:
    """Dan also offers Python at 4 and takes one mentee: the proposal is Ada & Ben (100%) and
    Dan & Fay (75%). Chitra swaps them: Dan & Ben (100%), Ada & Fay (50%), each with its why;
    a swap that would leave a mentee with a mentor covering nothing is refused."""
    with program.deps.sessions.begin() as session:
        dan = session.scalars(
            select(MentorProfile)
            .join(User, User.id == MentorProfile.user_id)
            .where(User.slack_id == DAN)
        ).one()
        dan.mentee_limit = 1
        (python,) = ensure_skills(session, ["python"])
        session.add(MentorSkill(mentor_id=dan.id, skill_id=python.id, level=4))
    cohort_with_everyone_enrolled(program)
    close_enrolment(program)
    chitra = program.user(CHITRA)
    chitra.click("Review pairs")
    assert "@U0DAN mentors @U0FAY: *75%*" in modal_text(program, CHITRA)
    chitra.fill("Two pairs to swap mentors", ["Ada & U0BEN (100%)", "Dan & U0FAY (75%)"])
    chitra.click("Swap their mentors")
    shown = modal_text(program, CHITRA)
    assert "@U0DAN mentors @U0BEN: *100%* match, covers Python" in shown
    assert "@U0ADA mentors @U0FAY: *50%* match, covers Python" in shown
    chitra.fill("Two pairs to swap mentors", ["Dan & U0BEN (100%)"])
    chitra.click("Swap their mentors")
    assert "Choose exactly two pairs" in answer(program, CHITRA)
    chitra.submit()
    assert "Published 2 pairs" in answer(program, CHITRA)


def test_a_swap_that_covers_nothing_is_refused(program: Sandbox) -> None:
    """Dan offers only Go: swapping would give Ben (Python) a mentor covering none of it."""
    cohort_with_everyone_enrolled(program)
    close_enrolment(program)
    chitra = program.user(CHITRA)
    chitra.click("Review pairs")
    chitra.fill("Two pairs to swap mentors", ["Ada & U0BEN (100%)", "Dan & U0FAY (25%)"])
    chitra.click("Swap their mentors")
    assert "nothing was changed" in answer(program, CHITRA)
    assert "@U0ADA mentors @U0BEN: *100%*" in modal_text(program, CHITRA)


def test_enrolment_left_open_closes_on_the_first_day_and_coordinators_hear(
    program: Sandbox,
) -> None:
    """Nobody closed enrolment: on 1 February at 00:00 UTC the due work closes it, proposes
    the pairs and gives each coordinator Review pairs; late comers are then refused."""
    cohort_with_everyone_enrolled(program)
    program.clock.set(datetime(2027, 1, 31, 23, 0, tzinfo=UTC))
    program.run_due()
    assert program.fake.seen_by(GIA) == []
    program.clock.set(datetime(2027, 2, 1, 0, 5, tzinfo=UTC))
    program.run_due()
    for coordinator in (CHITRA, GIA):
        assert "closed on its first day. 2 pairs proposed." in answer(program, coordinator)
    program.user(GIA).click("Review pairs")
    assert "2 pairs proposed" in modal_text(program, GIA)
    seen_before = len(program.fake.seen_by(CHITRA))
    program.run_due()
    assert len(program.fake.seen_by(CHITRA)) == seen_before
    program.user(BEN).command("join")
    assert "No programme is open for enrolment" in answer(program, BEN)


def test_a_pair_whose_mentor_filled_up_since_the_proposal_is_not_started(
    program: Sandbox,
) -> None:
    """After the proposal Ada took another mentee (her one place): publishing starts Dan and
    Fay only and names Ben as not started, with why."""
    cohort_with_everyone_enrolled(program)
    close_enrolment(program)
    with program.deps.sessions.begin() as session:
        ada = session.scalars(
            select(MentorProfile)
            .join(User, User.id == MentorProfile.user_id)
            .where(User.slack_id == ADA)
        ).one()
        add_mentorship(session, ada, [add_user(session, "U0HAL", name="Hal")])
    chitra = program.user(CHITRA)
    chitra.click("Review pairs")
    chitra.submit()
    shown = answer(program, CHITRA)
    assert "Published 1 pair of *Spring leads*" in shown
    assert "Not started, changed since the proposal" in shown and "@U0BEN" in shown
    assert [mentee for _, mentee, status in members(program) if status == "agreeing"] == [FAY]
