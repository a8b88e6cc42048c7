"""Where a session happens (issue 14 item 4): a mentor meets by video (a link), in person (a
place) or by phone, by default on their profile and, for one session, when approving it; every
confirmation and reminder says the right one."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.sandbox import Sandbox
from bot.simulator.render import render_blocks
from store.models import Booking
from tests.conftest import ADA, BEN
from tests.steps import (
    NAMES,
    SESSION_START,
    TOMORROW,
    ada_with_a_morning,
    add_once,
    profile_of,
    request,
    run_at,
)

OFFICE = "Berlin office, 4th floor, room Hopper"


def sign_up_in_person(box: Sandbox, *, place: str = OFFICE) -> dict[str, str]:
    """Ada signs up to meet in person, with no video link; the form's field errors."""
    ada = box.user(ADA)
    ada.command("signup")
    ada.fill("Skills you can mentor in", "python 4, Leadership 4")
    ada.fill("Short bio", "Staff engineer; I love helping people grow into leads.")
    ada.fill("How you meet", "In person")
    if place:
        ada.fill("Place or phone number", place)
    ada.fill("Session length", "30 minutes")
    ada.fill("Sessions per week, at most", "3")
    ada.fill("Code of conduct", True)
    return ada.submit().errors


def last_dm(box: Sandbox, user_id: str) -> str:
    seen = [s for s in box.fake.seen_by(user_id) if s.kind == "dm"][-1]
    return render_blocks(seen.blocks, "UTC", NAMES)


def test_an_in_person_mentor_needs_a_place_not_a_link(box: Sandbox) -> None:
    errors = sign_up_in_person(box, place="")
    assert list(errors.values()) == ["Say where you meet in person: an office, a floor, a room."]
    assert profile_of(box, ADA) is None
    box.user(ADA).fill("Place or phone number", OFFICE)
    assert box.user(ADA).submit().errors == {}
    profile = profile_of(box, ADA)
    assert profile is not None
    assert (profile.meeting_kind, profile.meeting_place, profile.meeting_link) == (
        "in_person",
        OFFICE,
        "",
    )


def test_a_video_mentor_still_needs_a_link(box: Sandbox) -> None:
    ada = box.user(ADA)
    ada.command("signup")
    ada.fill("Skills you can mentor in", "python 4")
    ada.fill("Short bio", "Staff engineer; I love helping people grow into leads.")
    ada.fill("Session length", "30 minutes")
    ada.fill("Sessions per week, at most", "3")
    ada.fill("Code of conduct", True)
    errors = ada.submit().errors
    assert "Enter your video room as a full link" in " ".join(errors.values())


def test_confirmation_and_reminders_name_the_place(box: Sandbox) -> None:
    assert sign_up_in_person(box) == {}
    assert add_once(box, ADA, TOMORROW, "10:00", "12:00") == {}
    assert request(box, BEN) == {}
    box.user(ADA).click("Approve")
    confirmation = last_dm(box, BEN)
    assert f"*Where:* {OFFICE} (in person)" in confirmation and "Join:" not in confirmation
    run_at(box, SESSION_START - timedelta(hours=24))
    reminder = [s for s in box.fake.seen_by(BEN) if "Reminder" in s.text][-1]
    assert OFFICE in str(reminder.blocks)


def test_one_session_can_meet_elsewhere(box: Sandbox) -> None:
    """Ada meets by video by default; she approves Ben's request in person, this time only."""
    ada_with_a_morning(box)
    assert request(box, BEN) == {}
    ada = box.user(ADA)
    ada.click("Approve with a note")
    ada.fill("This session only: how you meet", "In person")
    assert "Say where you meet in person" in " ".join(ada.submit().errors.values())
    ada.fill("This session only: place or phone number", "Cafeteria, ground floor")
    assert ada.submit().errors == {}
    confirmation = last_dm(box, BEN)
    assert "*Where:* Cafeteria, ground floor (in person)" in confirmation
    with box.deps.sessions.begin() as session:
        row = session.execute(select(Booking.meeting_kind, Booking.meeting_place)).one()
    assert tuple(row) == ("in_person", "Cafeteria, ground floor")
    profile = profile_of(box, ADA)
    assert profile is not None and profile.meeting_kind == "video"  # her default is unchanged
