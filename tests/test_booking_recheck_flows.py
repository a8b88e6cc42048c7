"""Booking forms through Slack, submitted after what they were opened for changed.

Each submission is judged on the state at submit time, by the service, for the person who
submits: a full week, a paused mentor, a withdrawn or expired request, a started session, a
taken time, or a form replayed by someone else is refused on the form, and nothing is written.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.ids import Callback
from bot.sandbox import Sandbox
from bot.simulator.driver import VERIFICATION_TOKEN
from tests.conftest import ADA, BEN, CHITRA
from tests.steps import (
    GOALS,
    QUESTION,
    ada_with_a_morning,
    add_once,
    booking_id,
    request,
    seen_text,
    statuses,
)

DAN, EVE = "U0DAN", "U0EVE"
SLOT_STARTS = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)  # 10:00 New York, the first offered


def more_mentees(box: Sandbox) -> None:
    box.fake.add_user(DAN, "Dan Okafor", "Europe/London")
    box.fake.add_user(EVE, "Eve Santos", "Europe/London")


def open_book_form(box: Sandbox, user_id: str, time_label: str | None = None) -> None:
    """Find Ada and open the Book form, choosing `time_label` (as the mentee reads it)."""
    person = box.user(user_id)
    person.command("find python leadership")
    person.click("Book")
    person.fill(QUESTION, GOALS)
    if time_label is not None:
        person.fill("Time", time_label)


def lower_capacity(box: Sandbox, user_id: str, per_week: str) -> None:
    """The mentor edits their profile to take fewer sessions a week."""
    mentor = box.user(user_id)
    mentor.command("profile")
    mentor.click("Edit profile")
    mentor.fill("Sessions per week, at most", per_week)
    mentor.fill("Code of conduct", True)
    assert mentor.submit().errors == {}


def test_a_book_form_opened_before_the_week_filled_cannot_overfill_it(box: Sandbox) -> None:
    """Ben opens the Book form at 11:30 (17:30 his time); Chitra, Dan and Eve then fill Ada's
    three places that week; Ben's submit is refused on "Time" and no fourth request exists."""
    ada_with_a_morning(box)
    more_mentees(box)
    open_book_form(box, BEN, "Tue 24 Nov, 17:30")
    for mentee in (CHITRA, DAN, EVE):
        assert request(box, mentee) == {}
    errors = box.user(BEN).submit().errors
    assert list(errors) == ["Time"] and "week is full" in errors["Time"]
    assert statuses(box) == ["pending"] * 3
    assert seen_text(box, ADA, "dm").count("asks for a session") == 3


def test_a_book_form_opened_before_the_mentor_paused(box: Sandbox) -> None:
    """Ben opens the Book form; Ada pauses; his submit says she takes no requests now."""
    ada_with_a_morning(box)
    open_book_form(box, BEN)
    box.user(ADA).command("pause")
    errors = box.user(BEN).submit().errors
    assert list(errors) == ["Time"] and "isn't taking requests" in errors["Time"]
    assert statuses(box) == []


def test_a_decline_form_after_the_request_was_withdrawn(box: Sandbox) -> None:
    """Ada opens the decline form; Ben withdraws his request meanwhile; Ada's reason is refused
    with what happened, and Ben hears nothing of a decline."""
    ada_with_a_morning(box)
    request(box, BEN)
    ada = box.user(ADA)
    ada.click("Decline")
    ben = box.user(BEN)
    ben.command("sessions")
    ben.click("Cancel", where="message")
    ben.fill("Reason", "Found the answer in the handbook, thanks!")
    assert ben.submit().errors == {}
    ada.fill("Reason", "I'm not the right person for this.")
    assert ada.submit().errors == {"Reason": "This request was already cancelled."}
    assert statuses(box) == ["cancelled"]
    assert "not the right person" not in seen_text(box, BEN, "dm")


def test_a_decline_form_after_the_request_expired(box: Sandbox) -> None:
    """Ada opens the decline form and leaves it until the request expires: she is told so."""
    ada_with_a_morning(box)
    request(box, BEN)
    ada = box.user(ADA)
    ada.click("Decline")
    box.clock.set(SLOT_STARTS - timedelta(minutes=55))
    box.run_due()
    assert statuses(box) == ["expired"]
    ada.fill("Reason", "Sorry, I'm away that day.")
    assert ada.submit().errors == {"Reason": "This request has expired."}
    assert statuses(box) == ["expired"]


def test_a_cancel_form_after_the_session_started(box: Sandbox) -> None:
    """Ben opens the cancel form for his approved session and submits once it has begun."""
    ada_with_a_morning(box)
    request(box, BEN)
    box.user(ADA).click("Approve")
    ben = box.user(BEN)
    ben.command("sessions")
    ben.click("Cancel", where="message")
    box.clock.set(SLOT_STARTS + timedelta(minutes=5))
    ben.fill("Reason", "Something came up.")
    errors = ben.submit().errors
    assert list(errors) == ["Reason"] and "already started" in errors["Reason"]
    assert statuses(box) == ["approved"]


def test_a_propose_form_after_the_time_was_taken(box: Sandbox) -> None:
    """Ada opens "Propose another time"; Chitra books 11:00 first; Ada's pick is refused."""
    ada_with_a_morning(box)
    request(box, BEN)
    ada = box.user(ADA)
    ada.click("Propose another time")
    open_book_form(box, CHITRA, "Tue 24 Nov, 21:30")  # 11:00 in New York
    assert box.user(CHITRA).submit().errors == {}
    ada.fill("Time", "Tue 24 Nov, 11:00")
    errors = ada.submit().errors
    assert list(errors) == ["Time"] and "just booked" in errors["Time"]
    assert statuses(box) == ["pending", "pending"]
    assert "proposes" not in seen_text(box, BEN, "dm")


def test_a_decline_form_replayed_by_someone_else_is_refused(box: Sandbox) -> None:
    """Chitra submits a decline form naming Ben's request with Ada: the metadata names the
    request but grants nothing, so the service refuses her and the request stays pending."""
    ada_with_a_morning(box)
    request(box, BEN)
    view = {
        "id": "VFORGED",
        "type": "modal",
        "callback_id": Callback.DECLINE,
        "private_metadata": booking_id(box),
        "blocks": [
            {
                "type": "input",
                "block_id": "reason",
                "label": {"type": "plain_text", "text": "Reason"},
                "element": {"type": "plain_text_input", "action_id": "reason"},
            }
        ],
        "state": {"values": {"reason": {"reason": {"type": "plain_text_input", "value": "Nope."}}}},
    }
    reply = box.driver.interact(
        {
            "type": "view_submission",
            "team": {"id": box.fake.team_id, "domain": "sim"},
            "user": {"id": CHITRA, "username": "chitra", "team_id": box.fake.team_id},
            "api_app_id": box.fake.app_id,
            "token": VERIFICATION_TOKEN,
            "trigger_id": box.fake.new_trigger_id(CHITRA),
            "view": view,
        }
    )
    reply.view = view
    assert reply.errors == {"Reason": "I can't find that request, or it isn't yours to change."}
    assert statuses(box) == ["pending"]
    assert "Nope." not in seen_text(box, BEN, "dm")


def test_approving_past_a_lowered_capacity_is_answered_on_the_card(box: Sandbox) -> None:
    """Ben and Chitra ask for Tuesday; Ada lowers her capacity to one a week and clicks
    Approve: she is told privately why, and both requests still wait."""
    ada_with_a_morning(box)
    request(box, BEN)
    request(box, CHITRA)
    lower_capacity(box, ADA, "1")
    box.user(ADA).click("Approve")
    answer = seen_text(box, ADA, "response")
    assert "That week already has 1 other session or request" in answer
    assert "your weekly capacity is 1" in answer
    assert statuses(box) == ["pending", "pending"]
    assert "Session confirmed" not in seen_text(box, BEN, "dm")


def test_accepting_a_time_in_a_week_that_filled_is_refused(box: Sandbox) -> None:
    """Ada (one session a week) proposes next Tuesday to Ben; Chitra takes that week's place
    meanwhile; Ben's Accept is refused privately and his request keeps its time."""
    ada_with_a_morning(box)
    assert add_once(box, ADA, "2026-12-01", "10:00", "11:00") == {}
    box.fake.clear_modals(ADA)
    lower_capacity(box, ADA, "1")
    request(box, BEN)
    ada = box.user(ADA)
    ada.click("Propose another time")
    ada.fill("Time", "Tue 01 Dec, 10:00")
    assert ada.submit().errors == {}
    chitra = box.user(CHITRA)
    chitra.command("find python leadership")
    chitra.click("More times")
    chitra.click("Book")
    chitra.fill(QUESTION, GOALS)
    chitra.fill("Time", "Tue 01 Dec, 21:00")  # 10:30 in New York
    assert chitra.submit().errors == {}
    box.user(BEN).click("Accept")
    assert "week is full" in seen_text(box, BEN, "response")
    assert statuses(box) == ["pending", "pending"]
    assert "Session confirmed" not in seen_text(box, BEN, "dm")
