"""Availability forms through Slack, submitted after what they were opened for changed."""

from __future__ import annotations

from bot.sandbox import Sandbox
from tests.conftest import ADA
from tests.steps import TOMORROW, sign_up, slot_starts


def open_add_once(box: Sandbox, day: str = TOMORROW) -> None:
    """Ada opens "Add a one-off window" and types 10:00-12:00, without submitting yet."""
    ada = box.user(ADA)
    ada.command("availability")
    ada.click("Add a one-off window")
    ada.fill("Date", day)
    ada.fill("From", "10:00")
    ada.fill("Until", "12:00")


def test_a_window_typed_before_the_mentor_left_is_refused(box: Sandbox) -> None:
    """Ada opens the form, leaves the program from her profile, then submits: the form says
    she can no longer publish times, and no slot is made."""
    sign_up(box, ADA)
    open_add_once(box)
    ada = box.user(ADA)
    ada.command("profile")
    ada.click("Leave the program")
    errors = ada.submit().errors
    assert list(errors) == ["Date"] and "not a mentor any more" in errors["Date"]
    assert slot_starts(box) == []


def test_a_window_typed_before_the_time_zone_changed_is_refused(box: Sandbox) -> None:
    """Ada opens the form in New York time, flies to London (Slack tells the app), then
    submits: the times she typed were New York's, so the form asks her to enter them again
    rather than publishing 10:00 London time; nothing is made until she does."""
    sign_up(box, ADA)
    open_add_once(box)
    ada = box.user(ADA)
    ada.user_change(tz="Europe/London")
    errors = ada.submit().errors
    assert list(errors) == ["From"] and "changed to Europe/London" in errors["From"]
    assert slot_starts(box) == []
    box.fake.clear_modals(ADA)
    open_add_once(box)
    assert ada.submit().errors == {}
    assert [s.hour for s in slot_starts(box)] == [10, 10, 11, 11]  # London is UTC in November
