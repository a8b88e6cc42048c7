"""Coordinators' rights through Slack: who may pause and lift a pause, one refusal for everyone
else, audit entries written with the change, and reason modals re-checked when submitted."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, text

from bot.sandbox import Sandbox, sandbox
from bot.services.coordinators import COORDINATORS_ONLY
from bot.services.errors import DomainError
from bot.services.mentors import decide, set_status
from bot.services.roster import coordinator_pause
from bot.simulator.driver import Reply
from bot.simulator.mrkdwn import render_mrkdwn
from bot.simulator.render import render_blocks, render_view
from store.models import AuditEntry, MentorProfile, User
from tests.conftest import ADA, BEN, CHITRA, DAN, START, make_fake_slack
from tests.steps import pause_from_roster, shown, sign_up, status_of

CHANNEL = "C0COORD"
ENV = {"COORDINATOR_CHANNEL": CHANNEL, "MENTOR_APPROVAL": "coordinator"}
ADMIN_WORDS = (
    "admin",
    "admin what",
    "admin stats",
    "admin stats 5d",
    "admin digest",
    "admin export",
    "admin export 30d",
    "admin mentors",
    "admin mentors nonsense",
)
NAMES = {ADA: "Ada Lovelace", BEN: "Ben Martin", CHITRA: "Chitra Rao", DAN: "Dan Ruiz"}


def people() -> Any:
    fake = make_fake_slack()
    fake.add_user(DAN, "Dan Ruiz", "Europe/Madrid")
    return fake


@pytest.fixture
def program(database_url: str) -> Iterator[Sandbox]:
    """Chitra and Dan coordinate; every new mentor waits for their approval."""
    env = {**ENV, "COORDINATOR_USER_IDS": f"{CHITRA},{DAN}"}
    with sandbox(database_url, now=START, env=env, fake=people()) as running:
        yield running
        assert running.fake.problems == []


def audit(box: Sandbox) -> list[tuple[str, str, str | None]]:
    with box.deps.sessions.begin() as session:
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        return [(e.actor_slack_id, e.action, e.subject_slack_id) for e in entries]


def pause_record(box: Sandbox, slack_id: str) -> tuple[Any, ...]:
    with box.deps.sessions.begin() as session:
        mentor = session.scalar(select(MentorProfile).join(User).where(User.slack_id == slack_id))
        assert mentor is not None
        return (mentor.paused_by_role, mentor.paused_by, mentor.paused_at, mentor.pause_reason)


def approved(box: Sandbox, slack_id: str) -> None:
    """The mentor signs up and Chitra approves them from the roster."""
    sign_up(box, slack_id)
    box.user(CHITRA).command("admin mentors")
    box.user(CHITRA).click("Approve", near=slack_id)
    assert status_of(box, slack_id) == "active"


def last_answer(box: Sandbox, user_id: str) -> str:
    """The newest message (not a Home tab) the person saw, rendered as they read it."""
    seen = [s for s in box.fake.seen_by(user_id) if s.kind in ("dm", "response", "ack")][-1]
    return render_blocks(seen.blocks, "UTC", NAMES) or render_mrkdwn(seen.text, "UTC", NAMES)


def test_a_coordinators_pause_is_the_coordinators_to_lift(program: Sandbox) -> None:
    """Chitra pauses Ada with a reason: Ada's DM says who and why; `/mentor resume` and her
    profile's buttons cannot lift it and tell her to ask Chitra; the roster shows who paused her
    and when; Chitra's Reactivate lifts it and clears the record."""
    approved(program, ADA)
    program.clock.advance(timedelta(hours=2))
    pause_from_roster(program, CHITRA, ADA, "Two sessions missed without notice.")
    assert status_of(program, ADA) == "paused"
    role, by, at, reason = pause_record(program, ADA)
    assert (role, by, at, reason) == (
        "coordinator",
        CHITRA,
        START + timedelta(hours=2),
        "Two sessions missed without notice.",
    )
    dm = last_answer(program, ADA)
    assert "@Chitra Rao (a coordinator) paused your mentor profile" in dm
    assert "Two sessions missed without notice." in dm

    listing = shown(program, CHITRA)
    assert "Paused @Ada Lovelace." in listing
    assert "Paused by @Chitra Rao Nov 23, 2026: Two sessions missed without notice." in listing
    assert "[Reactivate]" in listing

    program.user(ADA).command("resume")
    refusal = last_answer(program, ADA)
    assert "A coordinator (@Chitra Rao) paused your mentor profile" in refusal
    assert "please ask @Chitra Rao" in refusal
    assert status_of(program, ADA) == "paused"
    program.user(ADA).command("profile")
    card = last_answer(program, ADA)
    assert "Paused by @Chitra Rao (a coordinator) Nov 23, 2026" in card
    assert "[Resume]" not in card
    home = program.fake.home(ADA)
    assert home is not None and "[Resume]" not in render_view(home, "UTC")

    program.user(CHITRA).click("Reactivate", near=ADA)
    assert status_of(program, ADA) == "active"
    assert pause_record(program, ADA) == (None, None, None, None)
    assert "reactivated your mentor profile" in last_answer(program, ADA)
    assert [entry[1:] for entry in audit(program) if entry[1].startswith("roster")] == [
        ("roster approved", ADA),
        ("roster paused", ADA),
        ("roster reactivated", ADA),
    ]


def test_a_mentors_own_pause_is_theirs(program: Sandbox) -> None:
    """Ada pauses herself: it is recorded as hers, the roster offers no Reactivate, and she
    resumes it herself, which clears the record."""
    approved(program, ADA)
    program.user(ADA).command("pause")
    assert pause_record(program, ADA)[:2] == ("mentor", ADA)
    program.user(CHITRA).command("admin mentors paused")
    listing = shown(program, CHITRA)
    assert "Paused by themselves (only they can resume) Nov 23, 2026" in listing
    assert "[Reactivate]" not in listing
    program.user(ADA).command("resume")
    assert status_of(program, ADA) == "active"
    assert pause_record(program, ADA) == (None, None, None, None)


def test_leaving_does_not_shed_a_coordinators_pause(program: Sandbox) -> None:
    """Ada, paused by Chitra, leaves and signs up again: she comes back paused, not active."""
    approved(program, ADA)
    pause_from_roster(program, CHITRA, ADA, "Let's talk about the feedback first.")
    program.user(ADA).command("profile")
    program.user(ADA).click("Leave the program")
    assert status_of(program, ADA) == "left"
    sign_up(program, ADA)
    assert status_of(program, ADA) == "paused"
    assert pause_record(program, ADA)[:2] == ("coordinator", CHITRA)


def test_decisions_from_the_channel_card_are_audited(program: Sandbox) -> None:
    """Chitra approves Ada and rejects Ben from their cards: each decision is in the audit log
    with the person it was about; a refused (stale) click writes nothing."""
    sign_up(program, ADA)
    sign_up(program, ADA, bio="Changed my mind: I mentor on Rust and systems programming.")
    sign_up(program, BEN, bio="Product designer; happy to coach on research and critique.")
    chitra = program.user(CHITRA)
    chitra.click("Approve", near="I love helping people", where="message")
    assert "changed after this message" in program.fake.seen_by(CHITRA)[-1].text
    assert audit(program) == []
    chitra.click("Approve", near="Rust and systems", where="message")
    chitra.click("Reject", near="Product designer", where="message")
    chitra.fill("Reason", "We need mentors for backend topics this quarter.")
    assert chitra.submit().errors == {}
    assert (status_of(program, ADA), status_of(program, BEN)) == ("active", "rejected")
    assert audit(program) == [(CHITRA, "card approved", ADA), (CHITRA, "card rejected", BEN)]


def test_a_decision_and_its_audit_entry_stand_or_fall_together(program: Sandbox) -> None:
    """The audit entry is written in the decision's own transaction: when that transaction is
    rolled back, neither the decision nor its entry remain."""
    sign_up(program, ADA)
    with program.deps.sessions.begin() as session:
        mentor = session.scalar(select(MentorProfile))
        assert mentor is not None
        shown_at = (mentor.id, mentor.version)
    with pytest.raises(RuntimeError), program.deps.sessions.begin() as session:
        decide(
            session,
            mentor_id=shown_at[0],
            version=shown_at[1],
            approve=True,
            reason=None,
            actor=CHITRA,
            coordinators={CHITRA},
            now=START,
            source="card",
        )
        assert audit_in(session) == [(CHITRA, "card approved", ADA)]
        raise RuntimeError("the request failed after the decision")
    assert status_of(program, ADA) == "pending"
    assert audit(program) == []


def audit_in(session: Any) -> list[tuple[str, str, str | None]]:
    entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id))
    return [(e.actor_slack_id, e.action, e.subject_slack_id) for e in entries]


def as_someone_else(box: Sandbox, intruder: str, element: dict[str, Any], seen: Any) -> Reply:
    """Replay a coordinator's button with another user's identity, as a forger would."""
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": intruder, "username": "intruder", "team_id": box.fake.team_id},
        "api_app_id": box.fake.app_id,
        "team": {"id": box.fake.team_id},
        "trigger_id": box.fake.new_trigger_id(intruder),
        "response_url": box.fake.new_response_url(intruder, f"D{intruder[1:]}"),
        "container": {"type": "message", "message_ts": seen.ts, "channel_id": seen.channel},
        "channel": {"id": seen.channel},
        "message": {"ts": seen.ts, "text": seen.text, "blocks": seen.blocks},
        "actions": [{**element, "block_id": "x", "action_ts": "1"}],
    }
    return box.driver.interact(payload)


def buttons(seen: Any) -> list[dict[str, Any]]:
    found = []
    for block in seen.blocks:
        if block["type"] == "actions":
            found += block["elements"]
        elif block.get("accessory", {}).get("type") == "button":
            found.append(block["accessory"])
    return found


def test_non_coordinators_get_one_refusal_everywhere(program: Sandbox) -> None:
    """Ben types every admin command and presses every coordinator button (copied from the
    card and the roster): each answer is the same refusal, nothing changes, nothing is logged."""
    sign_up(program, ADA)
    approved(program, BEN)
    pause_from_roster(program, CHITRA, BEN, "On leave until January.")
    program.user(CHITRA).command("admin mentors")
    before = audit(program)
    statuses = (status_of(program, ADA), status_of(program, BEN))
    for words in ADMIN_WORDS:
        program.user(BEN).command(words)
        assert program.fake.seen_by(BEN)[-1].text == COORDINATORS_ONLY, words
    card = program.fake.channel_messages(CHANNEL)[0]
    roster = program.fake.visible_messages(CHITRA)[0]
    pressed = []
    for seen in (card, roster):
        for element in buttons(seen):
            count = len(program.fake.seen_by(BEN))
            as_someone_else(program, BEN, element, seen)
            assert program.fake.seen_by(BEN)[count:][-1].text == COORDINATORS_ONLY, element
            assert program.fake.modal(BEN) is None
            pressed.append(element["text"]["text"])
    assert sorted(set(pressed)) == ["Approve", "Reactivate", "Reject"]
    assert (status_of(program, ADA), status_of(program, BEN)) == statuses
    assert audit(program) == before


@pytest.fixture
def restarted(program: Sandbox, database_url: str) -> Iterator[Sandbox]:
    """The same program restarted with Chitra removed from COORDINATOR_USER_IDS."""
    env = {**ENV, "COORDINATOR_USER_IDS": DAN}
    with sandbox(database_url, now=START, env=env, fake=people()) as running:
        yield running


def submit_elsewhere(box: Sandbox, to: Sandbox, user_id: str, reason: str) -> Reply:
    """Submit the modal open in `box` (filled with `reason`) to the app running as `to`."""
    box.user(user_id).fill("Reason", reason)
    view = box.fake.modal(user_id)
    assert view is not None
    payload = {
        "type": "view_submission",
        "team": {"id": box.fake.team_id},
        "user": {"id": user_id, "team_id": box.fake.team_id},
        "api_app_id": box.fake.app_id,
        "trigger_id": box.fake.new_trigger_id(user_id),
        "view": {**view, "state": box.driver.view_state(view)},
    }
    return to.driver.interact(payload)


@pytest.mark.parametrize("opened_from", ["card reject", "roster reject", "roster pause"])
def test_a_reason_modal_from_a_removed_coordinator_is_refused(
    program: Sandbox, restarted: Sandbox, opened_from: str
) -> None:
    """Chitra opens a reason modal; the program is restarted without her as a coordinator; her
    submission gets the refusal as a field error and changes nothing."""
    sign_up(program, ADA)
    chitra = program.user(CHITRA)
    if opened_from == "card reject":
        chitra.click("Reject", where="message")
    else:
        if opened_from == "roster pause":
            chitra.command("admin mentors")
            chitra.click("Approve", near=ADA)
        chitra.command("admin mentors")
        chitra.click(opened_from.split()[1].capitalize(), near=ADA)
    before = (status_of(program, ADA), audit(program))
    reply = submit_elsewhere(program, restarted, CHITRA, "Not a good fit right now.")
    assert reply.json == {"response_action": "errors", "errors": {"reason": COORDINATORS_ONLY}}
    assert (status_of(program, ADA), audit(program)) == before


def test_a_reject_modal_after_another_coordinator_decided(program: Sandbox) -> None:
    """Chitra opens the reject modal; meanwhile Dan approves Ada from the card: Chitra's reason
    is refused in the modal, saying Ada was already approved, and Ada stays approved."""
    sign_up(program, ADA)
    chitra = program.user(CHITRA)
    chitra.click("Reject", where="message")
    program.user(DAN).click("Approve", where="message")
    chitra.fill("Reason", "We need mentors for backend topics this quarter.")
    assert chitra.submit().errors == {
        "Reason": "Ada Lovelace was already approved by a coordinator: nothing was changed."
    }
    assert status_of(program, ADA) == "active"
    assert [entry[:2] for entry in audit(program)] == [(DAN, "card approved")]


def test_a_pause_modal_after_the_mentor_paused_themselves(program: Sandbox) -> None:
    """Chitra opens the pause modal; meanwhile Ada pauses herself: the modal says so."""
    approved(program, ADA)
    chitra = program.user(CHITRA)
    chitra.command("admin mentors")
    chitra.click("Pause", near=ADA)
    program.user(ADA).command("pause")
    chitra.fill("Reason", "Feedback to discuss.")
    assert chitra.submit().errors == {
        "Reason": "Ada Lovelace changed since this was shown: now paused by themselves. "
        "Nothing was changed."
    }
    assert pause_record(program, ADA)[:2] == ("mentor", ADA)


def test_a_mentors_pause_racing_a_coordinators_pause_keeps_the_coordinators(
    program: Sandbox,
) -> None:
    """On PostgreSQL, Ada's own `/mentor pause` arriving while Chitra's pause is being written
    waits for it (the row is locked) and is refused, so Chitra's pause, the one Ada cannot lift,
    is the one on record rather than being overwritten by Ada's."""
    if program.engine.dialect.name != "postgresql":
        pytest.skip("SQLite runs one writer at a time: no row lock to race for")
    approved(program, ADA)
    sessions = program.deps.sessions
    with sessions.begin() as session:
        mentor = session.scalar(select(MentorProfile).join(User).where(User.slack_id == ADA))
        assert mentor is not None
        shown_at = (mentor.id, mentor.version)
    answers: list[str] = []

    def ada_pauses() -> None:
        try:
            with sessions.begin() as other:
                set_status(other, slack_id=ADA, status="paused", now=START)
                answers.append("paused")
        except DomainError as refused:
            answers.append(str(refused))

    first = sessions()
    first.begin()
    coordinator_pause(
        first,
        mentor_id=shown_at[0],
        version=shown_at[1],
        reason="Feedback to discuss.",
        actor=CHITRA,
        coordinators={CHITRA},
        now=START,
    )
    racer = threading.Thread(target=ada_pauses)
    racer.start()
    wait_until_blocked_on_a_lock(program)
    first.commit()
    first.close()
    racer.join(timeout=30)
    assert not racer.is_alive()
    assert answers == ["You're already paused. Type `/mentor resume` when you're ready again."]
    assert pause_record(program, ADA)[:2] == ("coordinator", CHITRA)


def wait_until_blocked_on_a_lock(box: Sandbox) -> None:
    """Poll PostgreSQL until another backend waits for a lock (the racing transaction)."""
    deadline = time.monotonic() + 10
    with box.engine.connect() as watcher:
        while time.monotonic() < deadline:
            waiting = watcher.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE wait_event_type = 'Lock' AND datname = current_database()"
                )
            ).scalar()
            watcher.rollback()
            if waiting:
                return
    pytest.fail("the racing transaction never waited for the first one")
