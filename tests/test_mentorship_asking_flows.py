"""Asking for a mentorship, the mentor's answer and both agreements, through Slack."""

from __future__ import annotations

from bot.sandbox import Sandbox
from tests.conftest import ADA, BEN
from tests.steps import active_mentorship, ada_with_a_morning, ask_mentorship, seen_text


def test_ask_shows_requested_in_search(box: Sandbox) -> None:
    ada_with_a_morning(box)
    assert ask_mentorship(box, BEN) == {}
    assert "Mentorship request" in seen_text(box, ADA, "dm")
    box.user(BEN).command("find python leadership")
    assert "Mentorship *requested*" in seen_text(box, BEN, "response")


def test_goals_are_required(box: Sandbox) -> None:
    ada_with_a_morning(box)
    assert list(ask_mentorship(box, BEN, goals="\n".join(f"goal {i}" for i in range(6)))) == [
        "Your goals"
    ]


def test_both_agree_and_meet_in_a_group_dm(box: Sandbox) -> None:
    active_mentorship(box)
    for person in (ADA, BEN):
        shown = seen_text(box, person, "group")
        assert "Goals ·" in shown and "Plan your first session" in shown
