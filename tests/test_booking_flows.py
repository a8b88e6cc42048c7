"""The core loop through Slack: find a mentor, request a slot, and the mentor decides."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from bot.ids import Action
from bot.sandbox import Sandbox, sandbox
from bot.simulator.render import render_blocks
from store.models import Booking, SearchMiss
from tests.conftest import ADA, BEN, CHITRA, START, make_fake_slack
from tests.steps import (
    GOALS,
    NAMES,
    QUESTION,
    TOMORROW,
    ada_with_a_morning,
    add_once,
    booking_id,
    request,
    seen_text,
    send_click,
    sign_up,
    statuses,
)


def test_find_shows_ranked_mentors_in_the_readers_time(box: Sandbox) -> None:
    """Ben in Paris sees Ada at 100% with her next three times in Paris time (16:00 = 10:00 NY)."""
    ada_with_a_morning(box)
    box.user(BEN).command("find python leadership")
    shown = seen_text(box, BEN, "response", tz="Europe/Paris")
    assert "Mentors for Python, Leadership" in shown
    assert "*@Ada Lovelace* · *100% match*" in shown
    assert "Nov 24, 2026 at 16:00" in shown
    assert shown.count("[Book]") == 3
    assert "[More times]" in shown


def test_request_and_approve(box: Sandbox) -> None:
    """Ben books with his goals; Ada sees them and approves; both get the link and a calendar."""
    ada_with_a_morning(box)
    assert request(box, BEN) == {}
    card = seen_text(box, ADA, "dm", tz="America/New_York")
    assert "@Ben Martin asks for a session on Nov 24, 2026 at 10:00 (30 min)" in card
    assert GOALS in card
    assert "Request sent" in "\n".join(s.text for s in box.fake.seen_by(BEN))
    box.user(ADA).click("Approve")
    assert statuses(box) == ["approved"]
    updated = seen_text(box, ADA, "update", tz="America/New_York")
    assert "Approved" in updated and "[Approve]" not in updated
    ben_dms = [s for s in box.fake.seen_by(BEN) if s.kind == "dm"]
    confirmation = render_blocks(ben_dms[-1].blocks, "Europe/Paris", NAMES)
    assert "Session confirmed with @Ada Lovelace on Nov 24, 2026 at 16:00" in confirmation
    assert "https://meet.example.com/ada" in confirmation
    calendar = json.dumps(ben_dms[-1].blocks)
    assert "calendar.google.com" in calendar and "20261124T150000Z" in calendar
    assert "Session confirmed with @Ben Martin" in seen_text(box, ADA, "dm")


def test_a_message_is_required(box: Sandbox) -> None:
    """A three-word message is refused on its field, and no request is made."""
    ada_with_a_morning(box)
    errors = request(box, BEN, message="help me")
    assert list(errors) == [QUESTION]
    assert statuses(box) == []


def test_decline_needs_a_reason_which_ben_receives(box: Sandbox) -> None:
    """Ada declines: a reason is required; Ben reads it; the time is free for Chitra after."""
    ada_with_a_morning(box)
    request(box, BEN)
    ada = box.user(ADA)
    ada.click("Decline")
    assert list(ada.submit().errors) == ["Reason"]
    ada.fill("Reason", "I'm not the right person for one-to-ones; try Grace.")
    assert ada.submit().errors == {}
    assert statuses(box) == ["declined"]
    assert "try Grace" in seen_text(box, BEN, "dm")
    assert request(box, CHITRA) == {}
    assert statuses(box) == ["declined", "pending"]


def test_propose_another_time_and_accept(box: Sandbox) -> None:
    """Ada proposes 11:00 instead; Ben accepts; the session moves there and is confirmed."""
    ada_with_a_morning(box)
    request(box, BEN)
    ada = box.user(ADA)
    ada.click("Propose another time")
    ada.fill("Time", "Tue 24 Nov, 11:00")
    assert ada.submit().errors == {}
    assert "proposes Nov 24, 2026 at 17:00" in seen_text(box, BEN, "dm", tz="Europe/Paris")
    box.user(BEN).click("Accept")
    with box.deps.sessions.begin() as session:
        booking = session.scalars(select(Booking)).one()
        assert booking.status == "approved"
        assert booking.starts_at.hour == 16  # 11:00 in New York is 16:00 UTC
    assert "Session confirmed" in seen_text(box, BEN, "dm")


def test_slot_taken_between_opening_and_submitting(box: Sandbox) -> None:
    """Ben opens the form; Chitra books that very time first; Ben's submit errors on "Time"."""
    ada_with_a_morning(box)
    ben = box.user(BEN)
    ben.command("find python leadership")
    ben.click("Book")
    assert request(box, CHITRA) == {}
    ben.fill(QUESTION, GOALS)
    errors = ben.submit().errors
    assert list(errors) == ["Time"] and "just booked" in errors["Time"]
    assert statuses(box) == ["pending"]


def test_forged_clicks_change_nothing(box: Sandbox) -> None:
    """Chitra forges Approve, Decline and Cancel on Ben's request: refused politely each time."""
    ada_with_a_morning(box)
    request(box, BEN)
    for action in (Action.APPROVE_BOOKING, Action.DECLINE_BOOKING, Action.CANCEL_BOOKING):
        send_click(box, CHITRA, action, booking_id(box))
    answers = seen_text(box, CHITRA, "response")
    assert answers.count("isn't yours to change") == 3
    assert box.fake.modal(CHITRA) is None
    assert statuses(box) == ["pending"]
    send_click(box, CHITRA, Action.APPROVE_BOOKING, "not-a-number")
    assert seen_text(box, CHITRA, "response").count("isn't yours to change") == 4
    assert statuses(box) == ["pending"]


def test_double_click_approves_once(box: Sandbox) -> None:
    """Ada's approve arrives twice: one approval, one confirmation each, a polite note."""
    ada_with_a_morning(box)
    request(box, BEN)
    send_click(box, ADA, Action.APPROVE_BOOKING, booking_id(box))
    send_click(box, ADA, Action.APPROVE_BOOKING, booking_id(box))
    assert statuses(box) == ["approved"]
    confirmations = [s for s in box.fake.seen_by(BEN) if "Session confirmed" in s.text]
    assert len(confirmations) == 1
    assert "already approved" in seen_text(box, ADA, "response")


def test_cancel_with_a_reason_reopens_the_time(box: Sandbox) -> None:
    """Ben cancels from /mentor sessions; Ada is told why; the time is bookable again."""
    ada_with_a_morning(box)
    request(box, BEN)
    box.user(ADA).click("Approve")
    ben = box.user(BEN)
    ben.command("sessions")
    assert "Upcoming sessions" in seen_text(box, BEN, "ack")
    ben.click("Cancel", where="message")
    ben.fill("Reason", "My team offsite moved to that day, sorry!")
    assert ben.submit().errors == {}
    assert statuses(box) == ["cancelled"]
    assert "team offsite" in seen_text(box, ADA, "dm")
    assert request(box, CHITRA) == {}


def test_paused_mentors_are_hidden_and_requests_marked(box: Sandbox) -> None:
    """A pending request shows "Requested"; after Ada pauses, she is not offered at all."""
    ada_with_a_morning(box)
    request(box, BEN)
    box.user(BEN).command("find python")
    assert "*Requested*" in seen_text(box, BEN, "response")
    box.user(ADA).command("pause")
    box.user(CHITRA).command("find python")
    assert "Ada" not in seen_text(box, CHITRA, "response", tz="Asia/Kolkata")


def test_no_match_suggests_and_records_demand(box: Sandbox) -> None:
    """Nobody teaches COBOL: Ben is told, and coordinators will see the unmet demand."""
    ada_with_a_morning(box)
    box.user(BEN).command("find cobol")
    assert "No mentor offers that yet" in seen_text(box, BEN, "response")
    with box.deps.sessions.begin() as session:
        assert session.scalars(select(SearchMiss.skill_key)).all() == ["cobol"]


def test_interests_make_a_bare_find_work(box: Sandbox) -> None:
    """A bare find asks for skills; after "Save as my interests" it searches for them."""
    ada_with_a_morning(box)
    ben = box.user(BEN)
    ben.command("find")
    assert "Which skills" in seen_text(box, BEN, "response")
    ben.command("find python")
    ben.click("Save as my interests")
    ben.command("find")
    assert "Based on your saved interests" in seen_text(box, BEN, "response")


def test_ask_for_availability_nudges_once_a_week(box: Sandbox) -> None:
    """Chitra mentors Python but has no times: Ben asks; she gets one DM however often he asks."""
    sign_up(box, CHITRA, skills="python")
    ben = box.user(BEN)
    ben.command("find python")
    ben.click("Ask for availability")
    ben.command("find python")
    ben.click("Ask for availability")
    assert "already asked" in seen_text(box, BEN, "response")
    assert box.run_due().sent == 1
    nudges = [s for s in box.fake.seen_by(CHITRA) if "would like to book a session" in s.text]
    assert len(nudges) == 1


@pytest.fixture
def strict(database_url: str) -> Iterator[Sandbox]:
    """A program where each mentee may have one open request at a time."""
    with sandbox(
        database_url, now=START, env={"MAX_OPEN_REQUESTS": "1"}, fake=make_fake_slack()
    ) as running:
        yield running
        assert running.fake.problems == []


def test_open_request_cap(strict: Sandbox) -> None:
    """With MAX_OPEN_REQUESTS=1, Ben's second request (to Chitra) is refused until Ada answers."""
    box = strict
    ada_with_a_morning(box)
    sign_up(box, CHITRA, skills="python")
    assert add_once(box, CHITRA, TOMORROW, "10:00", "11:00") == {}
    request(box, BEN)
    ben = box.user(BEN)
    ben.command("find python")
    ben.click("More times", near=CHITRA)
    ben.click("Book")
    ben.fill(QUESTION, GOALS)
    errors = ben.submit().errors
    assert errors and "request" in next(iter(errors.values()))
    with box.deps.sessions.begin() as session:
        assert session.scalar(select(func.count()).select_from(Booking)) == 1
