"""Programmes through Slack: coordinators create and edit cohorts in a modal (issue 16)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.sandbox import Sandbox, sandbox
from bot.services.coordinators import COORDINATORS_ONLY
from bot.simulator.render import render_blocks
from store.models import AuditEntry, Enrolment, Programme, ProgrammeAudience, User
from tests.conftest import ADA, BEN, CHITRA, DAN, START, from_template, make_fake_slack
from tests.seed import add_mentor

LEADS = "S0LEADS"


@pytest.fixture
def program(database_url: str, migrated_sqlite: Path) -> Iterator[Sandbox]:
    """Chitra coordinates; the user group S0LEADS holds Ben and Dan."""
    from_template(database_url, migrated_sqlite)
    fake = make_fake_slack()
    fake.add_user(DAN, "Dan Ruiz", "Europe/Madrid")
    fake.add_user_group(LEADS, [BEN, DAN])
    env = {"COORDINATOR_USER_IDS": CHITRA}
    with sandbox(database_url, now=START, env=env, fake=fake) as running:
        yield running
        assert running.fake.problems == []


def answer(box: Sandbox, user_id: str) -> str:
    seen = box.fake.seen_by(user_id)[-1]
    return render_blocks(seen.blocks, "UTC") or seen.text


def fill_cohort(box: Sandbox, **changes: object) -> None:
    """Chitra fills the new programme form: a Feb-May cohort, mentors listed, mentees a group."""
    chitra = box.user(CHITRA)
    fields: dict[str, object] = {
        "Name": "2027 new leads",
        "Description": "Four months for new team leads.",
        "Starts on": "2027-02-01",
        "Ends on": "2027-05-31",
        "Who may join as mentor": "The people listed below",
        "The mentors listed": [ADA],
        "Who may join as mentee": "Members of a Slack user group",
        "The mentees' user group id": LEADS,
        "Matching": "Coordinators form the pairs",
        "Default cadence": "Every week",
    }
    fields.update(changes)
    for label, value in fields.items():
        chitra.fill(label, value)  # type: ignore[arg-type]


def cohorts(box: Sandbox) -> list[tuple[str, str, str, bool]]:
    with box.deps.sessions.begin() as session:
        return [
            (p.name, str(p.mentor_audience), str(p.mentee_audience), p.enrolment_open)
            for p in session.scalars(select(Programme).where(Programme.is_default.is_(False)))
        ]


def test_a_coordinator_creates_a_cohort_open_to_a_list_and_a_group(program: Sandbox) -> None:
    """Chitra opens the list (the default programme, no Edit), creates a cohort: Ada may mentor,
    the group's members (read from Slack at save) may join as mentees; it is audited."""
    chitra = program.user(CHITRA)
    chitra.command("admin programmes")
    shown = answer(program, CHITRA)
    assert "Mentoring programme* (default)" in shown or "Mentoring programme (default)" in shown
    assert "[Edit]" not in shown
    chitra.click("New programme")
    fill_cohort(program)
    reply = chitra.submit()
    assert reply.errors == {}
    assert cohorts(program) == [("2027 new leads", "people", "group", True)]
    with program.deps.sessions.begin() as session:
        assert sorted(
            session.execute(select(ProgrammeAudience.role, ProgrammeAudience.slack_id)).all()
        ) == [("mentee", BEN), ("mentee", DAN), ("mentor", ADA)]
        assert session.scalars(select(AuditEntry.action)).all() == ["programme created"]
    assert "Saved" in answer(program, CHITRA) and "2027 new leads" in answer(program, CHITRA)
    chitra.command("admin programmes")
    listed = answer(program, CHITRA)
    assert "01 Feb 2027 to 31 May 2027" in listed and "coordinators pair" in listed
    assert f"user group `{LEADS}`" in listed


def test_reversed_dates_and_an_unknown_group_are_field_errors(program: Sandbox) -> None:
    """The end before the start, and a user group Slack does not know: each input says why,
    and nothing is saved."""
    chitra = program.user(CHITRA)
    chitra.command("admin programmes")
    chitra.click("New programme")
    fill_cohort(program, **{"Ends on": "2027-01-15", "The mentees' user group id": "S0NOPE"})
    errors = chitra.submit().errors
    assert errors == {
        "Ends on": "The programme must end after the day it starts.",
        "The mentees' user group id": "Slack knows no user group S0NOPE. Check its id.",
    }
    fill_cohort(program, **{"Ends on": "2027-02-01", "Who may join as mentor": "Everyone"})
    assert "Ends on" in chitra.submit().errors
    assert cohorts(program) == []


def test_a_list_with_nobody_in_it_is_refused(program: Sandbox) -> None:
    """Mentors are "the people listed" but no one is: the list's input says so."""
    chitra = program.user(CHITRA)
    chitra.command("admin programmes")
    chitra.click("New programme")
    fill_cohort(program, **{"The mentors listed": []})
    assert chitra.submit().errors == {
        "The mentors listed": "Pick at least one person, or let everyone join."
    }


def test_editing_a_cohort_closes_enrolment_and_opens_it_to_everyone(program: Sandbox) -> None:
    """Chitra edits the cohort: the form shows what was saved; she closes enrolment and lets
    everyone mentor, and the listed people are dropped."""
    chitra = program.user(CHITRA)
    chitra.command("admin programmes")
    chitra.click("New programme")
    fill_cohort(program)
    chitra.submit()
    chitra.command("admin programmes")
    chitra.click("Edit")
    modal = program.fake.modal(CHITRA)
    assert modal is not None and "2027 new leads" in str(modal["blocks"])
    chitra.fill("Enrolment", False)
    chitra.fill("Who may join as mentor", "Everyone")
    assert chitra.submit().errors == {}
    assert cohorts(program) == [("2027 new leads", "everyone", "group", False)]
    with program.deps.sessions.begin() as session:
        roles = session.scalars(select(ProgrammeAudience.role)).all()
        assert sorted(roles) == ["mentee", "mentee"]


def test_only_coordinators_see_or_change_programmes(program: Sandbox) -> None:
    """Ben types the command: the one refusal, nothing listed."""
    program.user(BEN).command("admin programmes")
    assert answer(program, BEN) == COORDINATORS_ONLY


# --- enrolling -------------------------------------------------------------------------------


def created_cohort(box: Sandbox, **changes: object) -> None:
    chitra = box.user(CHITRA)
    chitra.command("admin programmes")
    chitra.click("New programme")
    fill_cohort(box, **changes)
    assert chitra.submit().errors == {}


def enrolled(box: Sandbox) -> list[tuple[str, str]]:
    with box.deps.sessions.begin() as session:
        return sorted(
            (user.slack_id, str(role))
            for role, user in session.execute(select(Enrolment.role, User).join(User))
        )


def test_people_in_the_audience_join_and_leave_while_enrolment_is_open(program: Sandbox) -> None:
    """Ada (an active mentor, listed) joins as mentor; Ben (in the group) as mentee; the list
    redraws with what each joined; Ben leaves again."""
    with program.deps.sessions.begin() as session:
        add_mentor(session, ADA, ["python"], tz="America/New_York")
    created_cohort(program)
    ada, ben = program.user(ADA), program.user(BEN)
    ada.command("join")
    assert "2027 new leads" in answer(program, ADA)
    ada.click("Join as mentor")
    assert "You are enrolled as mentor" in answer(program, ADA)
    ben.command("join")
    ben.click("Join as mentee")
    assert "You are enrolled as mentee" in answer(program, BEN)
    assert enrolled(program) == [(ADA, "mentor"), (BEN, "mentee")]
    ben.click("Leave")
    assert "Join as mentee" in answer(program, BEN)
    assert enrolled(program) == [(ADA, "mentor")]


def test_outsiders_and_late_comers_are_refused_and_nothing_changes(program: Sandbox) -> None:
    """Chitra (not in the group) cannot join as mentee; Ben cannot join as mentor without a
    mentor profile; once enrolment closes nobody joins or leaves."""
    created_cohort(program)
    ben, chitra = program.user(BEN), program.user(CHITRA)
    chitra.command("join")
    chitra.click("Join as mentee")
    assert "open to invited mentees only" in answer(program, CHITRA)
    ben.command("join")
    ben.click("Join as mentee")
    ben.command("join")
    ben.click("Join as mentor")
    assert "invited mentors only" in answer(program, BEN)
    assert enrolled(program) == [(BEN, "mentee")]
    chitra.command("admin programmes")
    chitra.click("Edit")
    chitra.fill("Enrolment", False)
    chitra.submit()
    ben.click("Leave")
    assert "Enrolment in 2027 new leads is closed" in answer(program, BEN)
    assert enrolled(program) == [(BEN, "mentee")]
    ben.command("join")
    assert "No programme is open for enrolment" in answer(program, BEN)


def test_an_open_audience_still_wants_an_active_mentor(program: Sandbox) -> None:
    """Everyone may mentor, but Dan has no mentor profile: he is told to sign up first."""
    created_cohort(program, **{"Who may join as mentor": "Everyone"})
    dan = program.user(DAN)
    dan.command("join")
    dan.click("Join as mentor")
    assert "sign up with `/mentor signup` first" in answer(program, DAN)
    assert enrolled(program) == []
