"""What the booking forms may open on: the service's answer, with the submission's refusals."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from bot.services import bookings
from bot.services.booking_forms import TimeNoLongerOffered, book_form
from bot.services.bookings import AlreadyStarted, NotPending, NotYourBooking
from bot.services.negotiation import time_form
from store.db import SessionFactory
from store.models import MentorProfile
from tests.conftest import ADA, BEN, CHITRA
from tests.seed import HOUR, NOW, approved, build_world, requested


def test_a_decision_form_opens_only_for_the_mentor_of_a_pending_request(
    sessions: SessionFactory,
) -> None:
    """Ada may decline or move Ben's pending request; Ben, Chitra and a missing id may not;
    once it is declined, the form says so."""
    w = build_world(sessions)
    asked = requested(sessions, w.ben, w.slots[0])
    with sessions.begin() as session:
        shown = bookings.for_decision(session, booking_id=asked.id, actor_slack_id=ADA)
        assert shown.id == asked.id
        for who, booking_id in ((BEN, asked.id), (CHITRA, asked.id), (ADA, asked.id + 99)):
            with pytest.raises(NotYourBooking):
                bookings.for_decision(session, booking_id=booking_id, actor_slack_id=who)
        bookings.decline(session, booking_id=asked.id, actor_slack_id=ADA, reason="No", now=NOW)
        with pytest.raises(NotPending, match="already declined"):
            bookings.for_decision(session, booking_id=asked.id, actor_slack_id=ADA)


def test_a_cancel_form_opens_for_either_side_until_the_session_starts(
    sessions: SessionFactory,
) -> None:
    """Ben and Ada may cancel their approved session before it starts; Chitra never; once it
    has started, the form says so."""
    w = build_world(sessions)
    session_booked = approved(sessions, w.ben, w.slots[0])
    with sessions.begin() as session:
        for who in (BEN, ADA):
            view = bookings.for_cancel(
                session, booking_id=session_booked.id, actor_slack_id=who, now=NOW
            )
            assert view.status == "approved"
        with pytest.raises(NotYourBooking):
            bookings.for_cancel(
                session, booking_id=session_booked.id, actor_slack_id=CHITRA, now=NOW
            )
        with pytest.raises(AlreadyStarted):
            bookings.for_cancel(
                session,
                booking_id=session_booked.id,
                actor_slack_id=BEN,
                now=session_booked.starts_at,
            )


def test_the_book_form_offers_bookable_times_of_an_active_mentor(sessions: SessionFactory) -> None:
    """A clicked time someone took falls back to Ada's soonest free one; a paused mentor or a
    missing slot opens nothing."""
    w = build_world(sessions)
    requested(sessions, w.chitra, w.slots[0])
    with sessions.begin() as session:
        form = book_form(session, slot_id=w.slots[0], mentee_id=w.ben, now=NOW)
        assert (form.mentor_id, form.chosen) == (w.ada, w.slots[1])
        assert form.expectations_due  # Ben never booked; Chitra's request accepted them
        again = book_form(session, slot_id=w.slots[1], mentee_id=w.chitra, now=NOW)
        assert not again.expectations_due
        assert [s.id for s in form.slots] == list(w.slots[1:])
        with pytest.raises(TimeNoLongerOffered):
            book_form(session, slot_id=0, mentee_id=w.ben, now=NOW)
        session.execute(
            update(MentorProfile).where(MentorProfile.id == w.ada).values(status="paused")
        )
        with pytest.raises(TimeNoLongerOffered):
            book_form(session, slot_id=w.slots[1], mentee_id=w.ben, now=NOW)


def test_the_book_form_leaves_out_full_weeks(sessions: SessionFactory) -> None:
    """Ada takes one session a week; once Chitra asks for Tuesday, there is nothing to book."""
    w = build_world(sessions)
    with sessions.begin() as session:
        session.execute(
            update(MentorProfile).where(MentorProfile.id == w.ada).values(weekly_capacity=1)
        )
    requested(sessions, w.chitra, w.slots[0])
    with sessions.begin() as session, pytest.raises(TimeNoLongerOffered):
        book_form(session, slot_id=w.slots[1], mentee_id=w.ben, now=NOW)


def test_the_propose_form_offers_other_times_in_the_requests_own_full_week(
    sessions: SessionFactory,
) -> None:
    """Ada takes one session a week and Ben's request fills it; moving it adds nothing, so her
    other times that week are offered, never the request's own (and she may type one of her
    own); once the request's time has passed it can't be moved."""
    w = build_world(sessions)
    with sessions.begin() as session:
        session.execute(
            update(MentorProfile).where(MentorProfile.id == w.ada).values(weekly_capacity=1)
        )
    asked = requested(sessions, w.ben, w.slots[0])
    with sessions.begin() as session:
        form = time_form(session, booking_id=asked.id, actor_slack_id=ADA, now=NOW)
        assert [s.id for s in form.slots] == list(w.slots[1:]) and form.may_type
        with pytest.raises(NotYourBooking):
            time_form(session, booking_id=asked.id, actor_slack_id=BEN, now=NOW)
        with pytest.raises(AlreadyStarted):
            time_form(session, booking_id=asked.id, actor_slack_id=ADA, now=NOW + 26 * HOUR)
