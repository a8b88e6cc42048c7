"""Approving with a note the mentee receives, and the thank-you after a review that offers to
book the same mentor again at her next free times (issue 14, item 7)."""

from __future__ import annotations

from sqlalchemy import select

from bot.sandbox import Sandbox
from bot.simulator.render import render_blocks
from store.models import Booking
from tests.conftest import ADA, BEN
from tests.steps import (
    CONNECTING,
    NAMES,
    PROGRAM,
    STAR,
    ada_with_a_morning,
    add_once,
    approved_session,
    check_in,
    request,
    statuses,
)

NOTE = "Bring the draft of your talk; I'll be in room 4.2."


def last_dm(box: Sandbox, user_id: str, tz: str = "UTC") -> str:
    seen = [s for s in box.fake.seen_by(user_id) if s.kind == "dm"][-1]
    return render_blocks(seen.blocks, tz, NAMES)


def test_a_note_with_the_approval_reaches_the_mentee_only(box: Sandbox) -> None:
    ada_with_a_morning(box)
    assert request(box, BEN) == {}
    ada = box.user(ADA)
    ada.click("Approve with a note")
    ada.fill("Note", NOTE)
    assert ada.submit().errors == {}
    assert statuses(box) == ["approved"]
    confirmation = last_dm(box, BEN)
    assert "Session confirmed with @Ada Lovelace" in confirmation
    assert "A note from @Ada Lovelace" in confirmation and NOTE in confirmation
    assert NOTE not in last_dm(box, ADA)  # her own confirmation does not repeat it
    with box.deps.sessions.begin() as session:
        assert session.scalar(select(Booking.approval_note)) == NOTE


def test_a_note_too_long_is_a_field_error_and_approves_nothing(box: Sandbox) -> None:
    ada_with_a_morning(box)
    assert request(box, BEN) == {}
    ada = box.user(ADA)
    ada.click("Approve with a note")
    ada.fill("Note", "x" * 501)
    assert "500 characters" in " ".join(ada.submit().errors.values())
    assert statuses(box) == ["pending"]


def test_a_stale_note_modal_is_refused_once_the_request_was_decided(box: Sandbox) -> None:
    """Ada opens the note modal, approves with the plain button meanwhile, then submits."""
    ada_with_a_morning(box)
    assert request(box, BEN) == {}
    ada = box.user(ADA)
    ada.click("Approve with a note")
    ada.fill("Note", NOTE)
    with box.deps.sessions.begin() as session:
        booking = session.scalars(select(Booking)).one()
        booking.status = "declined"
        booking.decline_reason = "Changed my mind."
    assert ada.submit().errors  # explained on the modal; nothing approved
    assert statuses(box) == ["declined"]


def test_the_thank_you_offers_to_book_her_again(box: Sandbox) -> None:
    approved_session(box)
    assert add_once(box, ADA, "2026-11-26", "10:00", "11:00") == {}
    check_in(box)
    ben = box.user(BEN)
    ben.click("Yes")
    ben.fill(CONNECTING, STAR[5])
    ben.fill(PROGRAM, STAR[5])
    assert ben.submit().errors == {}
    thanks = last_dm(box, BEN, "America/New_York")
    assert "Thank you! Your review went to the program's coordinators." in thanks
    assert "Book again with Ada Lovelace?" in thanks
    assert "Nov 26, 2026 at 10:00" in thanks and "Nov 26, 2026 at 10:30" in thanks
    ben.click("Book")  # the first time offered opens the usual request modal
    modal = box.fake.modal(BEN)
    assert modal is not None and modal["callback_id"] == "book"


def test_the_mentor_gets_no_offer_to_book_herself(box: Sandbox) -> None:
    approved_session(box)
    assert add_once(box, ADA, "2026-11-26", "10:00", "11:00") == {}
    check_in(box)
    ada = box.user(ADA)
    ada.click("Yes")
    ada.fill("1. How did you enjoy connecting with Ben Martin?", STAR[5])
    ada.fill(PROGRAM, STAR[5])
    assert ada.submit().errors == {}
    thanks = last_dm(box, ADA)
    assert "Thank you" in thanks and "Book again" not in thanks
