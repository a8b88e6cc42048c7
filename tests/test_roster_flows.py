"""`/mentor admin mentors` and `/mentor admin export` through Slack, as a coordinator uses them."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.sandbox import Sandbox, sandbox
from bot.services.coordinators import COORDINATORS_ONLY
from bot.services.export import BOM
from store.models import AuditEntry
from tests.conftest import ADA, BEN, CHITRA, DAN, START, make_fake_slack
from tests.steps import CHANNEL, TOMORROW, add_once, chart_bytes, request, shown, sign_up, status_of


@pytest.fixture
def program(database_url: str) -> Iterator[Sandbox]:
    """Chitra coordinates and approves each new mentor; Dan is a fourth colleague."""
    fake = make_fake_slack()
    fake.add_user(DAN, "Dan Ruiz", "Europe/Madrid")
    env = {
        "COORDINATOR_CHANNEL": CHANNEL,
        "COORDINATOR_USER_IDS": CHITRA,
        "MENTOR_APPROVAL": "coordinator",
    }
    with sandbox(database_url, now=START, env=env, fake=fake) as running:
        yield running
        assert running.fake.problems == []


def audit_log(box: Sandbox) -> list[tuple[str, str, str | None]]:
    """(actor, action, subject) of every audit entry, oldest first."""
    with box.deps.sessions.begin() as session:
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        return [(e.actor_slack_id, e.action, e.subject_slack_id) for e in entries]


def test_roster_lists_mentors_with_status_and_load(program: Sandbox) -> None:
    """Ada is pending; once approved she has one session booked; Dan waits for approval."""
    sign_up(program, ADA)
    program.user(CHITRA).command("admin mentors")
    listing = shown(program, CHITRA)
    assert "Mentors" in listing and "1 pending · 0 active · 0 paused" in listing
    assert "@Ada Lovelace · :hourglass: Waiting for approval" in listing
    assert "Kubernetes · 4 Enable, Leadership · 4 Enable, Python · 4 Enable" in listing
    program.user(CHITRA).click("Approve", near=ADA)
    assert status_of(program, ADA) == "active"
    listing = shown(program, CHITRA)
    assert "Approved @Ada Lovelace." in listing
    assert "0 pending · 1 active · 0 paused" in listing
    assert any("approved your mentor profile" in s.text for s in program.fake.seen_by(ADA))
    assert add_once(program, ADA, TOMORROW, "10:00", "12:00") == {}
    program.fake.clear_modals(ADA)
    assert request(program, BEN) == {}
    program.user(ADA).click("Approve", near=BEN)
    program.user(CHITRA).command("admin mentors active")
    listing = shown(program, CHITRA)
    assert "Active mentors" in listing
    assert "1 of 3 sessions in the next 7 days" in listing


def test_pause_and_reactivate_tell_the_mentor_and_are_audited(program: Sandbox) -> None:
    sign_up(program, ADA)
    chitra = program.user(CHITRA)
    chitra.command("admin mentors")
    chitra.click("Approve", near=ADA)
    chitra.click("Pause", near=ADA)
    assert chitra.submit().errors == {"Reason": "Tell the mentor why they are paused."}
    chitra.fill("Reason", "Three no-shows this month; let's talk first.")
    assert chitra.submit().errors == {}
    assert status_of(program, ADA) == "paused"
    assert "Paused @Ada Lovelace." in shown(program, CHITRA)
    told = [s.text for s in program.fake.seen_by(ADA) if "paused your mentor profile" in s.text]
    assert told and "Three no-shows this month" in told[-1]
    chitra.click("Reactivate", near=ADA)
    assert status_of(program, ADA) == "active"
    assert any("reactivated your mentor profile" in s.text for s in program.fake.seen_by(ADA))
    actions = [(actor, action) for actor, action, _ in audit_log(program)]
    assert actions == [
        (CHITRA, "admin mentors"),
        (CHITRA, "roster approved"),
        (CHITRA, "roster paused"),
        (CHITRA, "roster reactivated"),
    ]
    assert {subject for _, action, subject in audit_log(program) if "roster" in action} == {ADA}


def test_reject_needs_a_reason_and_redraws_the_list(program: Sandbox) -> None:
    sign_up(program, DAN)
    chitra = program.user(CHITRA)
    chitra.command("admin mentors pending")
    chitra.click("Reject", near=DAN)
    assert chitra.submit().errors == {
        "Reason": "Tell the mentor why, so they can improve and reapply."
    }
    chitra.fill("Reason", "Please add a meeting room that colleagues outside your team can join.")
    assert chitra.submit().errors == {}
    assert status_of(program, DAN) == "rejected"
    assert "Rejected @Dan Ruiz." in shown(program, CHITRA)
    assert any("did not approve" in s.text for s in program.fake.seen_by(DAN))


def test_an_old_list_cannot_undo_a_newer_change(program: Sandbox) -> None:
    """Chitra's list is older than Ada's pause by herself: its Pause button is refused, and the
    new list says Ada paused herself, with no Reactivate: that pause is Ada's to lift."""
    sign_up(program, ADA)
    chitra = program.user(CHITRA)
    chitra.command("admin mentors")
    chitra.click("Approve", near=ADA)
    program.user(ADA).command("pause")
    chitra.click("Pause", near=ADA)
    listing = shown(program, CHITRA)
    assert "out of date" in listing and "now paused by themselves" in listing
    assert "Paused by themselves (only they can resume)" in listing
    assert "Reactivate" not in str(program.fake.visible_messages(CHITRA)[0].blocks)
    assert program.fake.modal(CHITRA) is None
    assert status_of(program, ADA) == "paused"


def test_roster_buttons_refuse_non_coordinators(program: Sandbox) -> None:
    """Ben replays Chitra's button with his own user: refused, nothing changes."""
    sign_up(program, ADA)
    program.user(CHITRA).command("admin mentors")
    card = program.fake.visible_messages(CHITRA)[0]
    approve = next(
        e for b in card.blocks if b["type"] == "actions" for e in b["elements"]
        if e["text"]["text"] == "Approve"
    )  # fmt: skip
    payload = {
        "type": "block_actions",
        "user": {"id": BEN, "username": "ben", "team_id": program.fake.team_id},
        "api_app_id": program.fake.app_id,
        "team": {"id": program.fake.team_id},
        "trigger_id": program.fake.new_trigger_id(BEN),
        "response_url": program.fake.new_response_url(BEN, "D0BEN"),
        "container": {"type": "message", "message_ts": card.ts, "is_ephemeral": True},
        "actions": [{**approve, "block_id": "x", "action_ts": "1"}],
    }
    program.driver.interact(payload)
    assert status_of(program, ADA) == "pending"
    assert any(s.text == COORDINATORS_ONLY for s in program.fake.seen_by(BEN))
    assert [action for _, action, _ in audit_log(program)] == ["admin mentors"]


def test_roster_pages_through_many_mentors(program: Sandbox) -> None:
    """Twelve pending mentors: ten on the first page, Next shows the last two."""
    for number in range(12):
        slack_id = f"U0M{number:02d}"
        program.fake.add_user(slack_id, f"Mentor {number:02d}", "UTC")
        sign_up(program, slack_id)
    chitra = program.user(CHITRA)
    chitra.command("admin mentors")
    assert "Showing 1-10 of 12" in shown(program, CHITRA)
    chitra.click("Next")
    assert "Showing 11-12 of 12" in shown(program, CHITRA)
    page = str(program.fake.visible_messages(CHITRA)[0].blocks)
    assert "<@U0M11>" in page and "<@U0M00>" not in page
    chitra.click("Previous")
    assert "Showing 1-10 of 12" in shown(program, CHITRA)


def test_export_sends_three_csv_files_by_dm(program: Sandbox) -> None:
    approved_ada_with_a_morning(program)
    assert request(program, BEN) == {}
    program.user(ADA).click("Approve", near=BEN)
    program.clock.advance(timedelta(days=2))
    program.user(CHITRA).command("admin export 7d")
    files = [s for s in program.fake.seen_by(CHITRA) if s.kind == "file"]
    names = [f.file["name"] for f in files if f.file]
    assert names == [
        "mentor-sessions-2026-11-18-to-2026-11-25.csv",
        "mentor-reviews-2026-11-18-to-2026-11-25.csv",
        "mentor-mentorships-2026-11-18-to-2026-11-25.csv",
    ]
    sessions_csv = chart_bytes(files[0].file or {}).decode()
    (row,) = csv.DictReader(io.StringIO(sessions_csv.removeprefix(BOM)))
    assert (row["mentor_name"], row["mentee_name"], row["status"]) == (
        "Ada Lovelace",
        "Ben Martin",
        "approved",
    )
    assert "1 booking(s) (sessions and requests), 0 review(s) and 0 mentorship" in shown(
        program, CHITRA
    )
    assert audit_log(program)[-1][:2] == (CHITRA, "admin export")


def test_export_of_a_quiet_period_says_so(program: Sandbox) -> None:
    program.user(CHITRA).command("admin export")
    assert "nothing to export" in shown(program, CHITRA)
    assert not [s for s in program.fake.seen_by(CHITRA) if s.kind == "file"]


def test_non_coordinators_cannot_export_or_list(program: Sandbox) -> None:
    for words in ("admin export", "admin mentors"):
        program.user(BEN).command(words)
        assert shown(program, BEN) == COORDINATORS_ONLY
    assert audit_log(program) == []


def approved_ada_with_a_morning(box: Sandbox) -> None:
    """Ada signs up, Chitra approves her, and she opens tomorrow morning."""
    sign_up(box, ADA)
    box.user(CHITRA).command("admin mentors")
    box.user(CHITRA).click("Approve", near=ADA)
    assert add_once(box, ADA, TOMORROW, "10:00", "12:00") == {}
    box.fake.clear_modals(ADA)
