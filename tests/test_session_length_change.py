"""Changing the session length re-cuts free time, keeping booked slots and removed ones."""

from __future__ import annotations

from datetime import date, time, timedelta

from sqlalchemy import select

from bot.sandbox import Sandbox
from bot.services.availability import add_once, recut_free_slots, remove_slot
from store.db import SessionFactory
from store.models import Slot
from tests.conftest import ADA
from tests.seed import NEW_YORK, NOW, PARIS, add_booking, add_mentor, add_user, local, slots_of
from tests.steps import ada_with_a_morning


def times(sessions: SessionFactory, mentor: int) -> list[str]:
    with sessions.begin() as session:
        return [f"{local(s)[-5:]}-{local(e)[-5:]}" for s, e in slots_of(session, mentor)]


def test_longer_sessions_keep_bookings_and_removed_slots(sessions: SessionFactory) -> None:
    """10:00-15:00 in 30-minute slots; 11:00 is booked, 13:30 removed; then 60 minutes."""
    with sessions.begin() as session:
        ada = add_mentor(session, "U0ADA", tz=NEW_YORK).id
        add_once(session, mentor_id=ada, day=date(2026, 12, 1), start=time(10), end=time(15),
                 now=NOW)  # fmt: skip
        by_start = {local(s.starts_at)[-5:]: s.id for s in session.scalars(select(Slot))}
        add_booking(session, by_start["11:00"], add_user(session, "U0BEN", tz=PARIS).id, "approved")
        remove_slot(session, mentor_id=ada, slot_id=by_start["13:30"], now=NOW)
    with sessions.begin() as session:
        assert recut_free_slots(session, mentor_id=ada, minutes=60, now=NOW) == 4
    assert times(sessions, ada) == [
        "10:00-11:00",
        "11:00-11:30",  # booked: untouched
        "11:30-12:30",
        "12:30-13:30",
        # 13:30-14:00 stays removed
        "14:00-15:00",
    ]


def test_shorter_sessions_split_free_time(sessions: SessionFactory) -> None:
    with sessions.begin() as session:
        ada = add_mentor(session, "U0ADA", tz=NEW_YORK, minutes=60).id
        add_once(session, mentor_id=ada, day=date(2026, 12, 1), start=time(10), end=time(12),
                 now=NOW)  # fmt: skip
        assert recut_free_slots(session, mentor_id=ada, minutes=30, now=NOW) == 4
    assert times(sessions, ada) == ["10:00-10:30", "10:30-11:00", "11:00-11:30", "11:30-12:00"]


def test_editing_the_profile_to_an_hour_recuts_through_slack(box: Sandbox) -> None:
    """Ada switches to 60 minutes in the profile modal; find now offers her hour-long slots."""
    ada_with_a_morning(box)  # 10:00-12:00 New York, four 30-minute slots
    ada = box.user(ADA)
    ada.command("profile")
    ada.click("Edit profile")
    ada.fill("Session length", "60 minutes")
    ada.fill("Code of conduct", True)
    assert ada.submit().errors == {}
    with box.deps.sessions.begin() as session:
        lengths = {e - s for s, e in session.execute(select(Slot.starts_at, Slot.ends_at))}
    assert lengths == {timedelta(hours=1)}
