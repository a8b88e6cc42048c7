"""Group sessions through Slack: Ada opens "Python office hours" for three people, people ask
for seats, she approves them, a fourth is refused when it is full, a cancelled seat is free
again, seats can be approved at once, and she is reminded once, not once per seat."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.ids import Action
from bot.sandbox import Sandbox
from bot.services import negotiation
from bot.services.bookings import SlotGone
from bot.simulator.render import render_blocks
from store.models import Booking, MentorProfile, Slot
from tests import seed
from tests.conftest import ADA, BEN, CHITRA
from tests.steps import (
    GOALS,
    NAMES,
    QUESTION,
    SESSION_START,
    TOMORROW,
    ada_with_a_morning,
    add_once,
    dms,
    run_at,
    seen_text,
    send_click,
    sign_up,
    statuses,
)

DAN, EVE = "U0DANA", "U0EVE"
PEOPLE = {**NAMES, DAN: "Dana Scott", EVE: "Eve Tardos"}
# Tomorrow 16:00-17:00 in New York: 21:00-22:00 UTC.
GROUP_START = datetime(2026, 11, 24, 21, 0, tzinfo=UTC)
TITLE = "Python office hours"


def open_group(
    box: Sandbox,
    *,
    title: str = TITLE,
    seats: str = "3",
    day: str = TOMORROW,
    start: str = "16:00",
    end: str = "17:00",
    at_once: bool = False,
) -> dict[str, str]:
    """Ada opens a group session from her availability modal; the form's field errors."""
    ada = box.user(ADA)
    ada.command("availability")
    ada.click("Open a group session")
    ada.fill("Title", title)
    ada.fill("Seats", seats)
    ada.fill("Date", day)
    ada.fill("From", start)
    ada.fill("Until", end)
    if at_once:
        ada.fill("Approving seats", True)
    errors = ada.submit().errors
    box.fake.clear_modals(ADA)
    return errors


def ada_with_office_hours(box: Sandbox, **options: object) -> None:
    for person, name, tz in ((DAN, "Dana Scott", "Europe/Berlin"), (EVE, "Eve Tardos", "UTC")):
        box.fake.add_user(person, name, tz)
    sign_up(box, ADA)
    assert open_group(box, **options) == {}  # type: ignore[arg-type]


def find(box: Sandbox, user_id: str) -> str:
    """What the person's latest `/mentor find python` answer shows them."""
    box.user(user_id).command("find python")
    return render_blocks(box.fake.seen_by(user_id)[-1].blocks, "UTC", PEOPLE)


def open_seat_form(box: Sandbox, user_id: str) -> None:
    """Find python mentors, click Book on the group session, type the message (not sent)."""
    person = box.user(user_id)
    person.command("find python")
    person.click("Book", near=TITLE)
    person.fill(QUESTION, GOALS)


def ask_for_seat(box: Sandbox, user_id: str) -> dict[str, str]:
    open_seat_form(box, user_id)
    return box.user(user_id).submit().errors


def seats(box: Sandbox) -> list[tuple[str, int]]:
    """(status, seat) of every booking, oldest first."""
    with box.deps.sessions.begin() as session:
        rows = session.execute(select(Booking.status, Booking.seat_no).order_by(Booking.id))
        return [(str(status), seat) for status, seat in rows]


def test_three_seats_approved_a_fourth_refused_and_a_cancelled_seat_reopens(box: Sandbox) -> None:
    ada_with_office_hours(box)
    assert f"*{TITLE}*, 3 of 3 seats left" in find(box, BEN)
    assert ask_for_seat(box, BEN) == {}
    card = seen_text(box, ADA, "dm")
    assert f"*{TITLE}*, seat 1 of 3" in card and "[Approve]" in card
    assert f"*{TITLE}*, 2 of 3 seats left" in find(box, CHITRA)
    assert ask_for_seat(box, CHITRA) == {}
    open_seat_form(box, EVE)  # Eve's form is open while the last seat goes
    assert ask_for_seat(box, DAN) == {}
    errors = box.user(EVE).submit().errors
    assert list(errors.values()) == [
        "Sorry, that session is full: every seat is taken. Pick another time."
    ]
    assert TITLE not in find(box, EVE)  # a full session is not offered
    for mentee in (BEN, CHITRA, DAN):
        box.user(ADA).click("Approve", near=f"<@{mentee}>")
    assert seats(box) == [("approved", 1), ("approved", 2), ("approved", 3)]
    confirmed = [s for s in box.fake.seen_by(CHITRA) if "Session confirmed" in s.text]
    assert f"*{TITLE}*, seat 2 of 3" in render_blocks(confirmed[-1].blocks, "UTC", PEOPLE)

    chitra = box.user(CHITRA)
    chitra.click("Cancel session")
    chitra.fill("Reason", "A clash with a team offsite, sorry.")
    assert chitra.submit().errors == {}
    assert seats(box) == [("approved", 1), ("cancelled", 2), ("approved", 3)]
    assert f"*{TITLE}*, 1 of 3 seats left" in find(box, EVE)
    assert ask_for_seat(box, EVE) == {}
    assert seats(box)[-1] == ("pending", 2)  # the freed seat, not a fourth one


def test_one_person_one_seat(box: Sandbox) -> None:
    ada_with_office_hours(box)
    assert ask_for_seat(box, BEN) == {}
    box.user(ADA).click("Approve")
    errors = ask_for_seat(box, BEN)
    assert "You already have a seat in that session" in " ".join(errors.values())
    assert statuses(box) == ["approved"]


def test_seats_approved_at_once_and_the_mentor_is_reminded_once(box: Sandbox) -> None:
    ada_with_office_hours(box, at_once=True)
    for mentee in (BEN, CHITRA, DAN):
        assert ask_for_seat(box, mentee) == {}
    assert statuses(box) == ["approved", "approved", "approved"]
    assert "asks for a session" not in seen_text(box, ADA, "dm")  # nothing to answer
    assert len(dms(box, ADA, "Session confirmed")) == 3
    assert len(dms(box, BEN, "Session confirmed")) == 1

    run_at(box, GROUP_START - timedelta(hours=24))
    for mentee in (BEN, CHITRA, DAN):
        assert len(dms(box, mentee, "Reminder")) == 1, mentee
    assert len(dms(box, ADA, "Reminder")) == 1
    run_at(box, GROUP_START + timedelta(hours=1, minutes=30))
    for mentee in (BEN, CHITRA, DAN):
        assert len(dms(box, mentee, "take place")) == 1, mentee
    assert len(dms(box, ADA, "take place")) == 1


def test_a_group_counts_once_toward_the_mentors_week(box: Sandbox) -> None:
    """Ada takes three sessions a week: three seats taken leave room for two more sessions."""
    ada_with_office_hours(box, at_once=True)
    assert add_once(box, ADA, TOMORROW, "10:00", "11:00") == {}
    for mentee in (BEN, CHITRA, DAN):
        assert ask_for_seat(box, mentee) == {}
    assert "[Book]" in find(box, EVE)  # her morning is still on offer


def test_bad_group_times_get_field_errors(box: Sandbox) -> None:
    ada_with_office_hours(box)
    assert list(open_group(box, title="   ", start="09:00", end="09:30")) == ["Title"]
    assert list(open_group(box, seats="1", start="09:00", end="09:30")) == ["Seats"]
    assert list(open_group(box, day="2026-11-20")) == ["Date"]
    assert list(open_group(box, start="16:30", end="17:30")) == ["From"]  # overlaps
    assert list(open_group(box, start="12:00", end="11:00")) == ["Until"]
    assert statuses(box) == []


def test_a_groups_mentor_plans_one_session_for_every_member(box: Sandbox) -> None:
    """Ada's circle of three active members: she plans once, one slot gets three seats, each
    member's seat is confirmed at once, and she is reminded once."""
    box.fake.add_user(DAN, "Dana Scott", "Europe/Berlin")
    ada_with_a_morning(box)
    with box.deps.sessions.begin() as session:
        ada = session.scalars(select(MentorProfile)).one()
        members = [seed.add_user(session, who, tz="Europe/Paris") for who in (BEN, CHITRA, DAN)]
        circle = str(seed.add_mentorship(session, ada, members, group_name="Speakers").id)
    send_click(box, ADA, Action.PLAN_SESSION, circle)
    ada_acts = box.user(ADA)
    ada_acts.fill("Agenda", "Openings that grab the room")
    assert ada_acts.submit().errors == {}
    assert seats(box) == [("approved", 1), ("approved", 2), ("approved", 3)]
    for mentee in (BEN, CHITRA, DAN):
        confirmed = [s for s in box.fake.seen_by(mentee) if "Session confirmed" in s.text]
        assert len(confirmed) == 1, mentee
        assert "*Speakers*, seat" in render_blocks(confirmed[0].blocks, "UTC", PEOPLE)
    planned = seen_text(box, ADA, "dm")
    assert "Speakers* meets" in planned and "Confirmed for @Ben Martin, @Chitra Rao" in planned
    run_at(box, SESSION_START - timedelta(minutes=10))
    # once each at 24 hours and at 10 minutes before, not once per seat
    assert len(dms(box, ADA, "Reminder")) == 2
    assert all(len(dms(box, mentee, "Reminder")) == 2 for mentee in (BEN, CHITRA, DAN))


def test_the_first_seat_cancelled_the_mentor_is_still_reminded_once(box: Sandbox) -> None:
    """The first seat speaks for the session to its mentor: once it is cancelled, the next
    seat does, and Ada hears of the session once, neither twice nor never."""
    ada_with_office_hours(box, at_once=True)
    for mentee in (BEN, CHITRA):
        assert ask_for_seat(box, mentee) == {}
    ben = box.user(BEN)
    ben.click("Cancel session")
    ben.fill("Reason", "Something came up at work, sorry.")
    assert ben.submit().errors == {}
    run_at(box, GROUP_START - timedelta(hours=24))
    assert len(dms(box, ADA, "Reminder")) == 1
    assert len(dms(box, CHITRA, "Reminder")) == 1 and dms(box, BEN, "Reminder") == []


def test_a_one_to_one_session_is_never_moved_into_a_group_session(box: Sandbox) -> None:
    """Ada's office hours are not offered when Ben reschedules his own session, and a forged
    proposal naming them is refused: a group session's seats are booked, not moved into."""
    ada_with_a_morning(box)
    assert open_group(box) == {}
    ben = box.user(BEN)
    ben.command("find python leadership")
    ben.click("Book")
    ben.fill(QUESTION, GOALS)
    assert ben.submit().errors == {}
    box.user(ADA).click("Approve")
    ben.click("Reschedule", where="message")
    modal = box.fake.modal(BEN)
    assert modal is not None
    shown = render_blocks(modal["blocks"], "Europe/Paris", PEOPLE)
    # Her morning (10:30 in New York is 16:30 in Paris), not the group at 22:00 Paris time.
    assert "Tue 24 Nov, 16:30" in shown and "22:00" not in shown
    with box.deps.sessions.begin() as session:
        group_slot = session.scalar(select(Slot.id).where(Slot.seats > 1))
        booking = session.scalar(select(Booking.id))
    assert group_slot is not None and booking is not None
    with pytest.raises(SlotGone), box.deps.sessions.begin() as session:  # a forged choice
        negotiation.propose(
            session, booking_id=booking, actor_slack_id=BEN, now=box.clock.now(), slot_id=group_slot
        )
    assert statuses(box) == ["approved"]
