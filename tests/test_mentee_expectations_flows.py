"""A mentee's side of the agreement: the first Book modal shows what the programme asks of
mentees, sending it accepts them (recorded with the date), and later bookings skip them."""

from __future__ import annotations

from sqlalchemy import select

from bot.sandbox import Sandbox
from bot.simulator.render import render_blocks
from store.models import User
from tests.conftest import BEN, START
from tests.steps import GOALS, QUESTION, ada_with_a_morning, request, statuses


def accepted_at(box: Sandbox, slack_id: str) -> object:
    with box.deps.sessions.begin() as session:
        return session.scalar(select(User.mentee_terms_at).where(User.slack_id == slack_id))


def book_modal(box: Sandbox) -> tuple[str, str]:
    """Open Book on the first offered time; the modal's text and its submit label."""
    ben = box.user(BEN)
    ben.command("find python leadership")
    ben.click("Book")
    modal = box.fake.modal(BEN)
    assert modal is not None
    return render_blocks(modal["blocks"], "UTC", {}), modal["submit"]["text"]


def test_a_first_booking_shows_the_expectations_and_sending_accepts_them(box: Sandbox) -> None:
    ada_with_a_morning(box)
    shown, submit = book_modal(box)
    assert "what we ask of mentees" in shown
    assert "Confidentiality, both ways" in shown and "Cancel early" in shown
    assert "Sending this request records that you accept these" in shown
    assert submit == "Agree and send"
    box.user(BEN).fill(QUESTION, GOALS)
    assert box.user(BEN).submit().errors == {}
    assert accepted_at(box, BEN) == START


def test_a_refused_first_request_records_nothing(box: Sandbox) -> None:
    """A field error keeps the modal open and the expectations not yet accepted."""
    ada_with_a_morning(box)
    book_modal(box)
    box.user(BEN).fill(QUESTION, "hi")
    assert box.user(BEN).submit().errors  # too short a message
    assert accepted_at(box, BEN) is None
    assert statuses(box) == []


def test_the_expectations_are_shown_once(box: Sandbox) -> None:
    ada_with_a_morning(box)
    assert request(box, BEN) == {}
    box.fake.clear_modals(BEN)
    shown, submit = book_modal(box)
    assert "what we ask of mentees" not in shown
    assert submit == "Send request"
    assert accepted_at(box, BEN) == START
