"""Availability: windows in the mentor's local time, cut into UTC slots that never overlap."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.services.availability import (
    NoMentorProfile,
    NotPublishing,
    Publisher,
    SlotBooked,
    SlotNotFound,
    SlotStarted,
    SlotView,
    TimeZoneChanged,
    WindowInPast,
    add_once,
    add_weekly,
    clear_day,
    cut_slots,
    extend_weekly,
    publish_once,
    publish_weekly,
    publisher,
    remove_slot,
    upcoming_slots,
    weekdays_to_mask,
)
from bot.services.errors import DomainError
from store.db import SessionFactory
from store.models import AvailabilityWindow, Booking, MentorProfile, Slot
from tests.seed import KOLKATA, NEW_YORK, PARIS, add_booking, add_mentor, add_user, local, slots_of

# Monday 23 November 2026, 09:00 UTC (04:00 in New York).
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
MONDAY_TO_FRIDAY = {0, 1, 2, 3, 4}


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


# --- cutting windows into slots (pure) ----------------------------------------------------------


@pytest.mark.parametrize(("minutes", "count"), [(30, 10), (45, 6), (60, 5)])
def test_a_window_is_cut_into_whole_sessions(minutes: int, count: int) -> None:
    """10:00-15:00 gives ten 30-minute, six 45-minute (partial one dropped) or five 1-hour slots."""
    slots = cut_slots(date(2026, 12, 1), time(10), time(15), NEW_YORK, minutes)
    assert len(slots) == count
    assert slots[0][0] == utc(2026, 12, 1, 15, 0)
    assert all(end - start == timedelta(minutes=minutes) for start, end in slots)
    assert all(a[1] == b[0] for a, b in pairwise(slots))
    assert slots[-1][1] <= utc(2026, 12, 1, 20, 0)


def test_half_hour_zone_kolkata() -> None:
    """10:00 in Kolkata (+05:30) is 04:30 UTC."""
    slots = cut_slots(date(2026, 11, 24), time(10), time(11), KOLKATA, 30)
    assert slots == [
        (utc(2026, 11, 24, 4, 30), utc(2026, 11, 24, 5, 0)),
        (utc(2026, 11, 24, 5, 0), utc(2026, 11, 24, 5, 30)),
    ]


def test_local_ten_oclock_moves_in_utc_across_the_november_change() -> None:
    """10:00 New York is 14:00 UTC before 1 November 2026 and 15:00 UTC after it."""
    before = cut_slots(date(2026, 10, 30), time(10), time(11), NEW_YORK, 60)
    after = cut_slots(date(2026, 11, 2), time(10), time(11), NEW_YORK, 60)
    assert before == [(utc(2026, 10, 30, 14), utc(2026, 10, 30, 15))]
    assert after == [(utc(2026, 11, 2, 15), utc(2026, 11, 2, 16))]


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [
        (30, [("03:00", utc(2027, 3, 14, 7, 0)), ("03:30", utc(2027, 3, 14, 7, 30))]),
        (60, [("03:00", utc(2027, 3, 14, 7, 0))]),
    ],
)
def test_spring_forward_skips_the_missing_hour(
    minutes: int, expected: list[tuple[str, datetime]]
) -> None:
    """On 14 March 2027 New York has no 02:00-03:00, so 02:00-04:00 only yields slots from 03:00."""
    slots = cut_slots(date(2027, 3, 14), time(2), time(4), NEW_YORK, minutes)
    assert [(local(s)[-5:], s) for s, _ in slots] == expected
    assert all(end <= utc(2027, 3, 14, 8, 0) for _, end in slots)


def test_spring_forward_slot_may_not_run_past_the_window() -> None:
    """01:30-03:00 on the spring-forward day holds no hour-long slot: 01:30 EST plus an hour
    is 03:30 EDT."""
    assert cut_slots(date(2027, 3, 14), time(1, 30), time(3), NEW_YORK, 60) == []
    assert cut_slots(date(2027, 3, 14), time(1), time(3), NEW_YORK, 60) == [
        (utc(2027, 3, 14, 6), utc(2027, 3, 14, 7))
    ]


def test_fall_back_uses_the_first_occurrence() -> None:
    """On 1 November 2026 01:00-02:00 happens twice in New York; slots take the first (EDT)."""
    slots = cut_slots(date(2026, 11, 1), time(1), time(2), NEW_YORK, 30)
    assert slots == [
        (utc(2026, 11, 1, 5, 0), utc(2026, 11, 1, 5, 30)),
        (utc(2026, 11, 1, 5, 30), utc(2026, 11, 1, 6, 0)),
    ]


def test_a_window_shorter_than_a_session_has_no_slots() -> None:
    """Twenty minutes can't hold a 30-minute session."""
    assert cut_slots(date(2026, 12, 1), time(10), time(10, 20), NEW_YORK, 30) == []


def test_weekday_mask() -> None:
    """Monday is bit 0 and Sunday bit 6; a day outside the week is refused."""
    assert weekdays_to_mask({0}) == 1
    assert weekdays_to_mask({6}) == 64
    assert weekdays_to_mask(MONDAY_TO_FRIDAY) == 0b0011111
    assert weekdays_to_mask({0, 2, 6}) == 0b1000101
    assert weekdays_to_mask(range(7)) == 127
    with pytest.raises(ValueError):
        weekdays_to_mask({7})


# --- one-off windows ------------------------------------------------------------------------------


def test_add_once_creates_slots_in_utc(sessions: SessionFactory) -> None:
    """Ada in New York opens 10:00-15:00 on 1 December: ten slots from 15:00 UTC, on record."""
    with sessions.begin() as session:
        ada = add_mentor(session, "U0ADA", tz=NEW_YORK).id
        result = add_once(
            session, mentor_id=ada, day=date(2026, 12, 1), start=time(10), end=time(15), now=NOW
        )
    assert (result.added, result.skipped_overlaps) == (10, 0)
    assert result.first_slot == utc(2026, 12, 1, 15)
    with sessions.begin() as session:
        slots = slots_of(session, ada)
        assert len(slots) == 10
        assert [local(s)[-5:] for s, _ in slots][:3] == ["10:00", "10:30", "11:00"]
        window = session.get_one(AvailabilityWindow, result.window_id)
        assert (window.kind, window.weeks, window.tz) == ("once", None, NEW_YORK)
        assert (window.start_time, window.end_time) == (time(10), time(15))
        count = select(func.count()).select_from(Slot).where(Slot.window_id == window.id)
        assert session.scalar(count) == 10


@pytest.mark.parametrize(("minutes", "count"), [(45, 6), (60, 5)])
def test_add_once_uses_the_mentors_session_length(
    sessions: SessionFactory, minutes: int, count: int
) -> None:
    """A mentor with longer sessions gets fewer, longer slots from the same window."""
    with sessions.begin() as session:
        mentor = add_mentor(session, "U0ADA", tz=NEW_YORK, minutes=minutes).id
        result = add_once(
            session, mentor_id=mentor, day=date(2026, 12, 1), start=time(10), end=time(15), now=NOW
        )
        assert result.added == count
        assert all(e - s == timedelta(minutes=minutes) for s, e in slots_of(session, mentor))


def test_add_once_in_a_half_hour_zone(sessions: SessionFactory) -> None:
    """Chitra in Kolkata opens 10:00-11:00: her first slot is 04:30 UTC."""
    with sessions.begin() as session:
        chitra = add_mentor(session, "U0CHITRA", tz=KOLKATA).id
        result = add_once(
            session, mentor_id=chitra, day=date(2026, 11, 24), start=time(10), end=time(11), now=NOW
        )
        assert result.first_slot == utc(2026, 11, 24, 4, 30)
        assert result.added == 2


def test_a_window_that_has_started_only_gets_its_future_slots(sessions: SessionFactory) -> None:
    """At 11:10 local, a 10:00-12:00 window today only offers 11:30."""
    now = utc(2026, 12, 1, 16, 10)  # 11:10 in New York
    with sessions.begin() as session:
        ada = add_mentor(session, "U0ADA", tz=NEW_YORK).id
        result = add_once(
            session, mentor_id=ada, day=date(2026, 12, 1), start=time(10), end=time(12), now=now
        )
        assert result.added == 1
        assert result.first_slot == utc(2026, 12, 1, 16, 30)


def test_a_window_in_the_past_is_refused(sessions: SessionFactory) -> None:
    """Yesterday's window, or today's once it has ended, is refused on the date field."""
    with sessions.begin() as session:
        ada = add_mentor(session, "U0ADA", tz=NEW_YORK).id
        for day, end in ((date(2026, 11, 22), time(15)), (date(2026, 11, 23), time(4))):
            with pytest.raises(WindowInPast) as refused:
                add_once(session, mentor_id=ada, day=day, start=time(3), end=end, now=NOW)
            assert refused.value.field == "date"
            assert "in the past" in str(refused.value)
        assert slots_of(session, ada) == []


@pytest.mark.parametrize(("start", "end"), [(time(15), time(10)), (time(10), time(10))])
def test_an_end_before_the_start_is_refused(
    sessions: SessionFactory, start: time, end: time
) -> None:
    """An end at or before the start is refused on the end field."""
    with sessions.begin() as session:
        ada = add_mentor(session, "U0ADA", tz=NEW_YORK).id
        with pytest.raises(DomainError) as refused:
            add_once(session, mentor_id=ada, day=date(2026, 12, 1), start=start, end=end, now=NOW)
        assert getattr(refused.value, "field", None) == "end"


def test_a_window_shorter_than_a_session_is_refused(sessions: SessionFactory) -> None:
    """A 20-minute window can't hold a 30-minute session: the end field says so."""
    with sessions.begin() as session:
        ada = add_mentor(session, "U0ADA", tz=NEW_YORK).id
        with pytest.raises(DomainError) as refused:
            add_once(
                session,
                mentor_id=ada,
                day=date(2026, 12, 1),
                start=time(10),
                end=time(10, 20),
                now=NOW,
            )
        assert getattr(refused.value, "field", None) == "end"
        assert "30-minute" in str(refused.value)


def test_someone_without_a_mentor_profile_is_refused(sessions: SessionFactory) -> None:
    """A mentor id with no profile behind it is a domain error, not a crash."""
    with sessions.begin() as session, pytest.raises(DomainError):
        add_once(
            session, mentor_id=999, day=date(2026, 12, 1), start=time(10), end=time(11), now=NOW
        )


def test_overlapping_windows_skip_what_is_already_covered(sessions: SessionFactory) -> None:
    """10:00-12:00 then 11:00-13:00 adds only 12:00 and 12:30; 10:15-11:15 adds nothing."""
    day = date(2026, 12, 1)
    with sessions.begin() as session:
        ada = add_mentor(session, "U0ADA", tz=NEW_YORK).id
        first = add_once(session, mentor_id=ada, day=day, start=time(10), end=time(12), now=NOW)
        second = add_once(session, mentor_id=ada, day=day, start=time(11), end=time(13), now=NOW)
        shifted = add_once(
            session, mentor_id=ada, day=day, start=time(10, 15), end=time(11, 15), now=NOW
        )
        again = add_once(session, mentor_id=ada, day=day, start=time(10), end=time(13), now=NOW)
    assert (first.added, first.skipped_overlaps) == (4, 0)
    assert (second.added, second.skipped_overlaps) == (2, 2)
    assert second.first_slot == utc(2026, 12, 1, 17)
    assert (shifted.added, shifted.skipped_overlaps) == (0, 2)
    assert (again.added, again.skipped_overlaps, again.first_slot) == (0, 6, None)
    with sessions.begin() as session:
        slots = slots_of(session, ada)
        assert len(slots) == 6
        assert all(a[1] <= b[0] for a, b in pairwise(slots))


def test_a_longer_session_length_never_overlaps_older_slots(sessions: SessionFactory) -> None:
    """After switching from 30 to 60 minutes, a new window only fills the gaps old slots left."""
    day = date(2026, 12, 1)
    with sessions.begin() as session:
        ada = add_mentor(session, "U0ADA", tz=NEW_YORK).id
        add_once(session, mentor_id=ada, day=day, start=time(10, 30), end=time(11), now=NOW)
        session.get_one(MentorProfile, ada).session_minutes = 60
        result = add_once(session, mentor_id=ada, day=day, start=time(9), end=time(13), now=NOW)
        # 09:00-10:00 fits, 10:00-11:00 overlaps 10:30, 11:00-12:00 and 12:00-13:00 fit.
        assert (result.added, result.skipped_overlaps) == (3, 1)


# --- weekly windows -------------------------------------------------------------------------------


def test_weekly_window_stays_ten_local_across_the_dst_change(sessions: SessionFactory) -> None:
    """Monday-Friday 10:00-11:00 from Wed 28 Oct: 14:00 UTC before 1 Nov, 15:00 UTC after."""
    now = utc(2026, 10, 27, 12)
    with sessions.begin() as session:
        ada = add_mentor(session, "U0ADA", tz=NEW_YORK, minutes=60).id
        result = add_weekly(
            session,
            mentor_id=ada,
            first_date=date(2026, 10, 28),
            weekdays=MONDAY_TO_FRIDAY,
            start=time(10),
            end=time(11),
            weeks=2,
            now=now,
            horizon_weeks=4,
        )
        slots = slots_of(session, ada)
        window = session.get_one(AvailabilityWindow, result.window_id)
        assert (window.kind, window.weekdays, window.weeks) == ("weekly", 0b11111, 2)
        assert window.generated_until == date(2026, 11, 10)
    assert result.added == 10
    assert {local(s)[-5:] for s, _ in slots} == {"10:00"}
    assert [s.date() for s, _ in slots] == [
        date(2026, 10, 28),
        date(2026, 10, 29),
        date(2026, 10, 30),
        *(date(2026, 11, d) for d in (2, 3, 4, 5, 6, 9, 10)),
    ]
    assert {s.hour for s, _ in slots if s.date() < date(2026, 11, 1)} == {14}
    assert {s.hour for s, _ in slots if s.date() > date(2026, 11, 1)} == {15}


def test_weekly_window_is_generated_up_to_the_horizon_then_extended(
    sessions: SessionFactory,
) -> None:
    """Mondays and Thursdays for 4 weeks with a 1-week horizon: slots arrive as time moves on,
    and extending twice adds nothing twice."""
    with sessions.begin() as session:
        ada = add_mentor(session, "U0ADA", tz=NEW_YORK, minutes=60).id
        result = add_weekly(
            session,
            mentor_id=ada,
            first_date=date(2026, 11, 23),
            weekdays={0, 3},
            start=time(10),
            end=time(11),
            weeks=4,
            now=NOW,
            horizon_weeks=1,
        )
        window_id = result.window_id
    assert result.added == 3  # Mon 23, Thu 26, Mon 30 November
    assert result.first_slot == utc(2026, 11, 23, 15)

    def generated_until() -> date | None:
        with sessions.begin() as session:
            return session.get_one(AvailabilityWindow, window_id).generated_until

    assert generated_until() == date(2026, 11, 30)
    with sessions.begin() as session:
        assert extend_weekly(session, now=NOW, horizon_weeks=1) == 0
    week_later = NOW + timedelta(weeks=1)
    with sessions.begin() as session:
        assert extend_weekly(session, now=week_later, horizon_weeks=1) == 2  # Thu 3, Mon 7 Dec
    with sessions.begin() as session:
        assert extend_weekly(session, now=week_later, horizon_weeks=1) == 0
    assert generated_until() == date(2026, 12, 7)
    later = NOW + timedelta(days=16)  # Wed 9 December
    with sessions.begin() as session:
        assert extend_weekly(session, now=later, horizon_weeks=2) == 3  # 10, 14, 17 Dec
    assert generated_until() == date(2026, 12, 20)  # the fourth week's last day
    with sessions.begin() as session:
        assert extend_weekly(session, now=later + timedelta(weeks=8), horizon_weeks=1) == 0
        days = [s.astimezone(ZoneInfo(NEW_YORK)).date() for s, _ in slots_of(session, ada)]
    assert [d.day for d in days] == [23, 26, 30, 3, 7, 10, 14, 17]


def test_weekly_window_beyond_the_horizon_starts_empty(sessions: SessionFactory) -> None:
    """A weekly window starting after the horizon creates nothing until extend reaches it."""
    with sessions.begin() as session:
        ada = add_mentor(session, "U0ADA", tz=NEW_YORK).id
        result = add_weekly(
            session,
            mentor_id=ada,
            first_date=date(2027, 1, 4),
            weekdays={0},
            start=time(10),
            end=time(11),
            weeks=1,
            now=NOW,
            horizon_weeks=2,
        )
        assert (result.added, result.first_slot) == (0, None)
        assert session.get_one(AvailabilityWindow, result.window_id).generated_until is None
    with sessions.begin() as session:
        assert extend_weekly(session, now=NOW, horizon_weeks=2) == 0
        assert extend_weekly(session, now=utc(2026, 12, 28, 9), horizon_weeks=2) == 2


def test_extend_skips_mentors_who_left_and_covered_times(sessions: SessionFactory) -> None:
    """Extending never adds slots for a mentor who left, nor on top of a one-off window."""
    with sessions.begin() as session:
        ada = add_mentor(session, "U0ADA", tz=NEW_YORK).id
        ben = add_mentor(session, "U0BEN", tz=NEW_YORK).id
        for mentor in (ada, ben):
            add_weekly(
                session,
                mentor_id=mentor,
                first_date=date(2026, 11, 23),
                weekdays={1},
                start=time(10),
                end=time(11),
                weeks=3,
                now=NOW,
                horizon_weeks=1,
            )
        add_once(
            session, mentor_id=ada, day=date(2026, 12, 8), start=time(10), end=time(11), now=NOW
        )
        session.get_one(MentorProfile, ben).status = "left"
    with sessions.begin() as session:
        added = extend_weekly(session, now=NOW + timedelta(weeks=1), horizon_weeks=2)
        # Ada's Tuesday 8 December is already covered by her one-off window: no duplicates.
        assert added == 2  # Ada's Tuesday 1 December
        assert len(slots_of(session, ada)) == 2 + 2 + 2
        assert len(slots_of(session, ben)) == 2


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"weeks": 0}, "weeks"),
        ({"weeks": 53}, "weeks"),
        ({"weekdays": set()}, "days"),
        ({"weekdays": {7}}, "days"),
        ({"start": time(12), "end": time(11)}, "end"),
        ({"first_date": date(2026, 11, 22)}, "date"),
    ],
)
def test_weekly_form_errors_name_their_field(
    sessions: SessionFactory, changes: dict[str, object], field: str
) -> None:
    """Each mistake in the weekly form is reported on the input that needs fixing."""
    form: dict[str, object] = {
        "first_date": date(2026, 11, 23),
        "weekdays": {0},
        "start": time(10),
        "end": time(11),
        "weeks": 4,
    } | changes
    with sessions.begin() as session:
        ada = add_mentor(session, "U0ADA", tz=NEW_YORK).id
        with pytest.raises(DomainError) as refused:
            add_weekly(session, mentor_id=ada, now=NOW, horizon_weeks=4, **form)  # type: ignore[arg-type]
        assert getattr(refused.value, "field", None) == field
        assert str(refused.value)
        assert session.scalar(select(func.count()).select_from(AvailabilityWindow)) == 0


def test_weekly_starting_today_in_the_mentors_zone_is_allowed(sessions: SessionFactory) -> None:
    """At 04:00 on 23 Nov in New York it is still the 23rd there, so today is a fine first date."""
    with sessions.begin() as session:
        ada = add_mentor(session, "U0ADA", tz=NEW_YORK).id
        result = add_weekly(
            session,
            mentor_id=ada,
            first_date=date(2026, 11, 23),
            weekdays={0},
            start=time(3),
            end=time(5),
            weeks=1,
            now=NOW,
            horizon_weeks=1,
        )
        assert result.added == 1  # only 04:30: it is 04:00 now, so 04:00 itself has gone
        assert result.first_slot == utc(2026, 11, 23, 9, 30)


# --- seeing and removing slots ------------------------------------------------------------------


def ada_with_a_morning(session: Session) -> tuple[int, list[int]]:
    """Ada with four slots on Tue 1 December, 10:00-12:00 New York."""
    ada = add_mentor(session, "U0ADA", tz=NEW_YORK).id
    add_once(session, mentor_id=ada, day=date(2026, 12, 1), start=time(10), end=time(12), now=NOW)
    ids = list(
        session.scalars(select(Slot.id).where(Slot.mentor_id == ada).order_by(Slot.starts_at))
    )
    return ada, ids


def test_upcoming_slots_show_which_are_booked(sessions: SessionFactory) -> None:
    """Pending and approved requests mark a slot booked; a declined one leaves it free."""
    with sessions.begin() as session:
        ada, ids = ada_with_a_morning(session)
        add_booking(session, ids[0], add_user(session, "U1", tz=PARIS).id, "pending")
        add_booking(session, ids[1], add_user(session, "U2", tz=PARIS).id, "approved")
        add_booking(session, ids[2], add_user(session, "U3", tz=PARIS).id, "declined")
    with sessions.begin() as session:
        slots = upcoming_slots(session, mentor_id=ada, now=NOW)
        assert [s.id for s in slots] == ids
        assert [s.booked for s in slots] == [True, True, False, False]
        assert slots[0] == SlotView(ids[0], utc(2026, 12, 1, 15), utc(2026, 12, 1, 15, 30), True)
        assert upcoming_slots(session, mentor_id=ada, now=NOW, days=7) == []
        assert upcoming_slots(session, mentor_id=ada, now=utc(2026, 12, 1, 16)) == slots[3:]


def test_remove_a_free_slot(sessions: SessionFactory) -> None:
    """A free future slot goes, and the mentor is told which one."""
    with sessions.begin() as session:
        ada, ids = ada_with_a_morning(session)
    with sessions.begin() as session:
        removed = remove_slot(session, mentor_id=ada, slot_id=ids[1], now=NOW)
        assert removed == SlotView(ids[1], utc(2026, 12, 1, 15, 30), utc(2026, 12, 1, 16), False)
    with sessions.begin() as session:
        assert [s.id for s in upcoming_slots(session, mentor_id=ada, now=NOW)] == [
            ids[0],
            ids[2],
            ids[3],
        ]
        with pytest.raises(SlotNotFound):
            remove_slot(session, mentor_id=ada, slot_id=ids[1], now=NOW)


def test_a_booked_slot_is_never_removed(sessions: SessionFactory) -> None:
    """A slot with a pending or approved request stays; the mentor is told to cancel instead."""
    with sessions.begin() as session:
        ada, ids = ada_with_a_morning(session)
        add_booking(session, ids[0], add_user(session, "U1", tz=PARIS).id, "pending")
        add_booking(session, ids[1], add_user(session, "U2", tz=PARIS).id, "approved")
    with sessions.begin() as session:
        for slot_id in ids[:2]:
            with pytest.raises(SlotBooked) as refused:
                remove_slot(session, mentor_id=ada, slot_id=slot_id, now=NOW)
            assert "Cancel the booking" in str(refused.value)
        assert len(upcoming_slots(session, mentor_id=ada, now=NOW)) == 4


def test_someone_elses_slot_cannot_be_removed(sessions: SessionFactory) -> None:
    """A forged slot id belonging to another mentor is refused as not found, and kept."""
    with sessions.begin() as session:
        _ada, ids = ada_with_a_morning(session)
        mallory = add_mentor(session, "U0MAL", tz=NEW_YORK).id
    with sessions.begin() as session:
        with pytest.raises(SlotNotFound):
            remove_slot(session, mentor_id=mallory, slot_id=ids[0], now=NOW)
        with pytest.raises(SlotNotFound):
            remove_slot(session, mentor_id=mallory, slot_id=123456, now=NOW)
        assert session.get(Slot, ids[0]) is not None


def test_a_slot_with_only_past_requests_can_go(sessions: SessionFactory) -> None:
    """A slot whose requests were declined or cancelled can go; the requests stay on record."""
    with sessions.begin() as session:
        ada, ids = ada_with_a_morning(session)
        add_booking(session, ids[0], add_user(session, "U1", tz=PARIS).id, "declined")
        add_booking(session, ids[0], add_user(session, "U2", tz=PARIS).id, "cancelled")
    with sessions.begin() as session:
        remove_slot(session, mentor_id=ada, slot_id=ids[0], now=NOW)
    with sessions.begin() as session:
        assert session.get(Slot, ids[0]) is None
        history = session.scalars(select(Booking).order_by(Booking.id)).all()
        assert [(b.status, b.slot_id) for b in history] == [("declined", None), ("cancelled", None)]


def test_a_slot_that_has_started_is_not_removed(sessions: SessionFactory) -> None:
    """Once a slot has begun it belongs to the past and stays."""
    with sessions.begin() as session:
        ada, ids = ada_with_a_morning(session)
    with sessions.begin() as session, pytest.raises(SlotStarted):
        remove_slot(session, mentor_id=ada, slot_id=ids[0], now=utc(2026, 12, 1, 15, 5))


def test_clear_day_keeps_booked_slots(sessions: SessionFactory) -> None:
    """Clearing Tue 1 December removes the three free slots and keeps the booked one."""
    with sessions.begin() as session:
        ada, ids = ada_with_a_morning(session)
        add_once(
            session, mentor_id=ada, day=date(2026, 12, 2), start=time(10), end=time(11), now=NOW
        )
        add_booking(session, ids[2], add_user(session, "U1", tz=PARIS).id, "approved")
    with sessions.begin() as session:
        removed, kept = clear_day(
            session, mentor_id=ada, day=date(2026, 12, 1), tz=NEW_YORK, now=NOW
        )
        assert (removed, kept) == (3, 1)
    with sessions.begin() as session:
        left = upcoming_slots(session, mentor_id=ada, now=NOW)
        assert [(local(s.starts_at), s.booked) for s in left] == [
            ("2026-12-01 11:00", True),
            ("2026-12-02 10:00", False),
            ("2026-12-02 10:30", False),
        ]
        assert clear_day(session, mentor_id=ada, day=date(2026, 12, 1), tz=NEW_YORK, now=NOW) == (
            0,
            1,
        )
        assert clear_day(session, mentor_id=ada, day=date(2026, 12, 9), tz=NEW_YORK, now=NOW) == (
            0,
            0,
        )


def test_clear_day_uses_the_local_day_and_spares_the_past(sessions: SessionFactory) -> None:
    """In Kolkata the local day starts at 18:30 UTC the evening before; started slots stay."""
    with sessions.begin() as session:
        chitra = add_mentor(session, "U0CHITRA", tz=KOLKATA).id
        for day in (date(2026, 11, 24), date(2026, 11, 25)):
            add_once(session, mentor_id=chitra, day=day, start=time(0), end=time(1), now=NOW)
            add_once(session, mentor_id=chitra, day=day, start=time(23), end=time(23, 30), now=NOW)
    with sessions.begin() as session:
        assert clear_day(
            session, mentor_id=chitra, day=date(2026, 11, 24), tz=KOLKATA, now=NOW
        ) == (3, 0)
        left = [local(s, KOLKATA) for s, _ in slots_of(session, chitra)]
        assert left == ["2026-11-25 00:00", "2026-11-25 00:30", "2026-11-25 23:00"]
    # At 00:10 local on the 25th, only the slots still ahead can be cleared.
    later = datetime(2026, 11, 25, 0, 10, tzinfo=ZoneInfo(KOLKATA)).astimezone(UTC)
    with sessions.begin() as session:
        assert clear_day(
            session, mentor_id=chitra, day=date(2026, 11, 25), tz=KOLKATA, now=later
        ) == (2, 0)
        assert [local(s, KOLKATA) for s, _ in slots_of(session, chitra)] == ["2026-11-25 00:00"]


# --- submissions re-checked: who submits, as they are now ---------------------------------


@pytest.mark.parametrize(
    ("status", "refusal"),
    [("left", NotPublishing), ("rejected", NotPublishing), (None, NoMentorProfile)],
)
def test_only_a_mentor_who_may_publish_can_submit_a_window(
    sessions: SessionFactory, status: str | None, refusal: type[DomainError]
) -> None:
    """The form's submitter is re-read at submit: gone, rejected or never a mentor is refused
    on the date field, and nothing is published."""
    with sessions.begin() as session:
        mentor = add_mentor(session, "U0ADA", tz=NEW_YORK).id
        if status is None:
            session.delete(session.get_one(MentorProfile, mentor))
        else:
            session.get_one(MentorProfile, mentor).status = status
    with pytest.raises(refusal) as refused, sessions.begin() as session:
        publish_once(
            session,
            actor_slack_id="U0ADA",
            tz_shown=NEW_YORK,
            day=date(2026, 11, 24),
            start=time(10),
            end=time(11),
            now=NOW,
        )
    assert refused.value.field == "date"  # type: ignore[attr-defined]
    with sessions.begin() as session:
        assert session.scalar(select(func.count()).select_from(Slot)) == 0
        assert publisher(session, slack_id="U0ADA") is None


def test_a_paused_mentor_still_publishes_in_the_zone_the_form_showed(
    sessions: SessionFactory,
) -> None:
    """Paused mentors keep publishing; a form typed in another zone than the mentor's current
    one is refused on its start time; without a zone (an older form) it goes through."""
    with sessions.begin() as session:
        mentor = add_mentor(session, "U0ADA", tz=NEW_YORK).id
        session.get_one(MentorProfile, mentor).status = "paused"
    week = {
        "first_date": date(2026, 11, 24),
        "weekdays": {1},
        "start": time(10),
        "end": time(11),
        "weeks": 2,
        "now": NOW,
        "horizon_weeks": 4,
    }
    with pytest.raises(TimeZoneChanged) as moved, sessions.begin() as session:
        publish_weekly(session, actor_slack_id="U0ADA", tz_shown="Europe/London", **week)
    assert moved.value.field == "start"
    with sessions.begin() as session:
        assert publisher(session, slack_id="U0ADA") == Publisher(mentor, NEW_YORK, 30)
        added = publish_weekly(session, actor_slack_id="U0ADA", tz_shown=None, **week)
    assert added.added == 4
