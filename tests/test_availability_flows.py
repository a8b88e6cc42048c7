"""Mentors publish availability through Slack: windows become slots, slots can be removed."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from bot.sandbox import Sandbox
from bot.simulator.render import render_view
from store.models import Slot
from tests.conftest import ADA, BEN, CHITRA
from tests.seed import PARIS, add_booking, add_user
from tests.steps import TOMORROW, add_once, profile_of, sign_up, slot_starts


def availability_text(box: Sandbox, user_id: str, tz: str) -> str:
    modal = box.fake.modal(user_id)
    assert modal is not None, "the availability modal is not open"
    return render_view(modal, tz)


def test_a_window_becomes_ten_slots(box: Sandbox) -> None:
    """Ada adds 10:00-15:00 tomorrow in New York: ten 30-minute slots, shown by day."""
    sign_up(box, ADA)
    assert add_once(box, ADA, TOMORROW, "10:00", "15:00") == {}
    starts = slot_starts(box)
    assert len(starts) == 10
    assert starts[0] == datetime(2026, 11, 24, 15, 0, tzinfo=UTC)  # 10:00 EST
    assert starts[-1] == datetime(2026, 11, 24, 19, 30, tzinfo=UTC)
    shown = availability_text(box, ADA, "America/New_York")
    assert "Added 10 slots" in shown
    assert "Tue 24 Nov" in shown and "10 free" in shown
    assert len(box.fake.modal_stack(ADA)) == 1  # the form closed, back on the list
    home = box.fake.home(ADA)
    assert home is not None and "Next free slots" in render_view(home, "America/New_York")


def test_kolkata_half_hour_offset(box: Sandbox) -> None:
    """Chitra in Kolkata (UTC+05:30) adds 10:00-11:00: slots at 04:30 and 05:00 UTC."""
    sign_up(box, CHITRA)
    assert add_once(box, CHITRA, TOMORROW, "10:00", "11:00") == {}
    assert slot_starts(box) == [
        datetime(2026, 11, 24, 4, 30, tzinfo=UTC),
        datetime(2026, 11, 24, 5, 0, tzinfo=UTC),
    ]


def test_bad_windows_are_refused_on_their_field(box: Sandbox) -> None:
    """End before start is refused on "Until"; yesterday on "Date"; nothing is created."""
    sign_up(box, ADA)
    errors = add_once(box, ADA, TOMORROW, "15:00", "10:00")
    assert list(errors) == ["Until"]
    ada = box.user(ADA)
    ada.fill("Date", "2026-11-22")
    ada.fill("From", "10:00")
    ada.fill("Until", "15:00")
    errors = ada.submit().errors
    assert list(errors) == ["Date"] and "past" in errors["Date"]
    assert slot_starts(box) == []


def test_overlapping_windows_never_duplicate(box: Sandbox) -> None:
    """Adding 10:00-12:00 over an existing 10:00-15:00 adds nothing and says so."""
    sign_up(box, ADA)
    add_once(box, ADA, TOMORROW, "10:00", "15:00")
    assert add_once(box, ADA, TOMORROW, "10:00", "12:00") == {}
    assert len(slot_starts(box)) == 10
    assert "No new slots" in availability_text(box, ADA, "America/New_York")


def test_weekly_window_keeps_local_time_across_dst(box: Sandbox) -> None:
    """A weekly Monday 10:00 in New York stays 10:00 local when clocks change in March."""
    box.clock.set(datetime(2027, 3, 1, 12, 0, tzinfo=UTC))
    sign_up(box, ADA)
    ada = box.user(ADA)
    ada.command("availability")
    ada.click("Add a weekly window")
    ada.fill("Every", ["Monday"])
    ada.fill("From", "10:00")
    ada.fill("Until", "10:30")
    ada.fill("Starting", "2027-03-08")
    ada.fill("For how many weeks", "2")
    assert ada.submit().errors == {}
    assert slot_starts(box) == [
        datetime(2027, 3, 8, 15, 0, tzinfo=UTC),  # EST, UTC-5
        datetime(2027, 3, 15, 14, 0, tzinfo=UTC),  # EDT after 14 March, UTC-4
    ]


def test_weekly_window_needs_weeks_and_days(box: Sandbox) -> None:
    """No day ticked and zero weeks: each is refused on its own field."""
    sign_up(box, ADA)
    ada = box.user(ADA)
    ada.command("availability")
    ada.click("Add a weekly window")
    ada.fill("For how many weeks", "0")
    errors = ada.submit().errors
    assert set(errors) <= {"Every", "For how many weeks"} and errors
    assert slot_starts(box) == []


def test_weekly_slots_roll_forward_with_run_due(box: Sandbox) -> None:
    """A 12-week window opens 8 weeks of slots; a due-work pass 4 weeks on opens the rest."""
    sign_up(box, ADA)
    ada = box.user(ADA)
    ada.command("availability")
    ada.click("Add a weekly window")
    ada.fill("Every", ["Tuesday"])
    ada.fill("From", "10:00")
    ada.fill("Until", "10:30")
    ada.fill("Starting", TOMORROW)
    ada.fill("For how many weeks", "12")
    assert ada.submit().errors == {}
    first = len(slot_starts(box))
    assert 8 <= first <= 9
    box.clock.advance(timedelta(weeks=4))
    assert box.run_due().slots_opened == 12 - first
    assert len(slot_starts(box)) == 12


def test_removing_a_slot_and_clearing_a_day(box: Sandbox) -> None:
    """Ada removes 10:00 from a menu, then clears the day: the modal updates in place."""
    sign_up(box, ADA)
    add_once(box, ADA, TOMORROW, "10:00", "12:00")
    ada = box.user(ADA)
    ada.pick("10:00–10:30", where="modal")
    assert "Removed" in availability_text(box, ADA, "America/New_York")
    assert len(slot_starts(box)) == 3
    ada.click("Clear day", where="modal")
    assert "3 free slots removed" in availability_text(box, ADA, "America/New_York")
    assert slot_starts(box) == []


def test_a_booked_slot_is_never_removed_silently(box: Sandbox) -> None:
    """A slot Ben has requested stays; Ada is told to cancel the booking instead."""
    sign_up(box, ADA)
    add_once(box, ADA, TOMORROW, "10:00", "11:00")
    with box.deps.sessions.begin() as session:
        slot = session.scalars(select(Slot).order_by(Slot.starts_at)).first()
        assert slot is not None
        now = box.clock.now()
        ben = add_user(session, BEN, tz=PARIS, name="Ben", at=now)
        add_booking(
            session,
            slot.id,
            ben.id,
            message="I'd like help planning my first tech talk.",
            requested_at=now,
        )
    ada = box.user(ADA)
    ada.command("availability")
    assert "(booked)" in availability_text(box, ADA, "America/New_York")
    ada.click("Clear day", where="modal")
    shown = availability_text(box, ADA, "America/New_York")
    assert "1 booked slots stay" in shown
    with box.deps.sessions.begin() as session:
        assert session.scalar(select(func.count()).select_from(Slot)) == 1


def test_non_mentor_is_invited_to_sign_up(box: Sandbox) -> None:
    """Ben has no profile: /mentor availability offers "Become a mentor" and opens nothing."""
    box.user(BEN).command("availability")
    assert box.fake.modal(BEN) is None
    assert profile_of(box, BEN) is None
    (answer,) = box.fake.seen_by(BEN)
    assert any(
        e.get("text", {}).get("text") == "Become a mentor"
        for b in answer.blocks
        for e in b.get("elements", [])
    )


def test_home_stays_within_limits_with_many_slots(box: Sandbox) -> None:
    """Weeks of slots still give a Home tab of a few blocks and a short list."""
    sign_up(box, ADA)
    for offset in range(1, 8):
        day = (date(2026, 11, 23) + timedelta(days=offset)).isoformat()
        add_once(box, ADA, day, "08:00", "20:00")
        box.fake.clear_modals(ADA)
    box.user(ADA).open_home()
    home = box.fake.home(ADA)
    assert home is not None
    assert len(home["blocks"]) < 20
    assert "more: see Availability" in render_view(home, "America/New_York")
