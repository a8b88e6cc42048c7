"""Mentors can answer a request from Home or `/mentor sessions`, not only from its DM card."""

from __future__ import annotations

from bot.sandbox import Sandbox
from tests.conftest import ADA, BEN
from tests.steps import GOALS, ada_with_a_morning, request, seen_text, statuses


def test_approve_from_home_updates_the_card_and_confirms(box: Sandbox) -> None:
    ada_with_a_morning(box)
    assert request(box, BEN) == {}
    ada = box.user(ADA)
    ada.open_home()
    home = str(box.fake.home(ADA))
    assert "Requests waiting for your answer" in home and GOALS[:40] in home
    ada.click("Approve", where="home")
    assert statuses(box) == ["approved"]
    card = seen_text(box, ADA, "update", tz="America/New_York")
    assert "Approved" in card and "[Approve]" not in card
    assert "confirmed" in seen_text(box, BEN, "dm").lower()
    assert "Requests waiting for your answer" not in str(box.fake.home(ADA))


def test_decline_from_sessions_asks_for_a_reason(box: Sandbox) -> None:
    ada_with_a_morning(box)
    assert request(box, BEN) == {}
    ada = box.user(ADA)
    ada.command("sessions")
    ada.click("Decline", where="message")
    assert set(ada.submit().errors) == {"Reason"}
    ada.fill("Reason", "I'm travelling that week; please pick another time.")
    assert ada.submit().errors == {}
    assert statuses(box) == ["declined"]
    assert "travelling" in seen_text(box, BEN, "dm")


def test_the_mentee_sees_no_answer_buttons(box: Sandbox) -> None:
    ada_with_a_morning(box)
    assert request(box, BEN) == {}
    box.user(BEN).command("sessions")
    shown = seen_text(box, BEN, "ack")
    assert "[Cancel]" in shown and "[Approve]" not in shown
