"""Bookings: request, approve, decline, propose, answer and cancel, with the database as referee."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, event, func, select
from sqlalchemy.orm import Session

from bot.services import bookings, negotiation
from bot.services.availability import upcoming_slots
from bot.services.bookings import (
    AlreadyRequested,
    AlreadyStarted,
    InvalidRequest,
    MentorUnavailable,
    NotPending,
    NotYourBooking,
    SlotGone,
    SlotTaken,
    TooManyOpenRequests,
    TooSoon,
)
from store.db import SessionFactory, make_session_factory
from store.models import Booking, DueWork, MentorProfile, Slot
from tests.conftest import ADA, BEN, CHITRA, DAN
from tests.races import race_all, wide_engine
from tests.seed import (
    HOUR,
    MESSAGE,
    NEW_YORK,
    NOW,
    PARIS,
    add_mentor,
    add_slot,
    add_user,
    answer_proposal,
    approved,
    build_world,
    current,
    live_bookings,
    request,
    requested,
)

# --- requesting -----------------------------------------------------------------------------


def test_a_request_holds_the_slot_and_carries_what_the_mentor_needs(
    sessions: SessionFactory,
) -> None:
    """Ben's request is pending on Ada's slot, with his message, topic, interests and goals."""
    w = build_world(sessions)
    booking = requested(
        sessions, w.ben, w.slots[0], message=f"  {MESSAGE}  ", topic="  Conference talks "
    )
    assert booking.status == "pending"
    assert (booking.mentor_id, booking.mentor_slack_id, booking.mentee_slack_id) == (
        w.ada,
        ADA,
        BEN,
    )
    assert booking.mentor_name == f"Name of {ADA}" and booking.mentor_tz == "America/New_York"
    assert booking.meeting_link == "https://meet.example.com/u0ada"
    assert (booking.mentee_id, booking.mentee_tz) == (w.ben, "Europe/Paris")
    assert booking.mentee_interests == ("Python", "speaking")
    assert booking.mentee_goals == "Speak at a conference next year."
    assert booking.message == MESSAGE and booking.topic == "Conference talks"
    assert booking.slot_id == w.slots[0]
    assert (booking.starts_at, booking.ends_at) == (NOW + 24 * HOUR, NOW + 24.5 * HOUR)
    assert booking.proposed_slot_id is None and booking.cancelled_by_slack_id is None
    assert booking.other_party(ADA) == BEN and booking.other_party(BEN) == ADA
    with sessions.begin() as session:
        row = session.get_one(Booking, booking.id)
        assert row.requested_at == NOW and row.decided_at is None
        held = {s.id: s.booked for s in upcoming_slots(session, mentor_id=w.ada, now=NOW)}
        assert held == {w.slots[0]: True, w.slots[1]: False, w.slots[2]: False}
        assert bookings.open_request_count(session, mentee_id=w.ben) == 1


@pytest.mark.parametrize(
    ("message", "topic", "fields"),
    [
        ("too short", None, {"message"}),
        ("   ", None, {"message"}),
        ("x" * 2001, None, {"message"}),
        (MESSAGE, "t" * 151, {"topic"}),
        ("short", "t" * 151, {"message", "topic"}),
    ],
)
def test_a_request_reports_every_problem_by_field(
    sessions: SessionFactory, message: str, topic: str | None, fields: set[str]
) -> None:
    """A too short or too long message and a too long topic are all reported, each by field."""
    w = build_world(sessions)
    with sessions.begin() as session, pytest.raises(InvalidRequest) as refused:
        request(session, w.ben, w.slots[0], message=message, topic=topic)
    assert set(refused.value.errors) == fields
    assert refused.value.field in fields
    assert live_bookings(sessions) == 0


def test_limits_are_inclusive(sessions: SessionFactory) -> None:
    """A 10-character message, a 2000-character one and a 150-character topic are accepted."""
    w = build_world(sessions)
    assert requested(sessions, w.ben, w.slots[0], message=" " + "m" * 10 + " ").message == "m" * 10
    long = requested(sessions, w.chitra, w.slots[1], message="m" * 2000, topic="t" * 150)
    assert len(long.message) == 2000 and long.topic == "t" * 150


def test_a_slot_that_is_missing_past_or_started_is_gone(sessions: SessionFactory) -> None:
    """Unknown slots and slots that have started are refused on the slot field."""
    w = build_world(sessions)
    with sessions.begin() as session:
        past = add_slot(session, w.ada, NOW - HOUR).id
        starting = add_slot(session, w.ada, NOW).id
    for slot_id in (999_999, past, starting):
        with sessions.begin() as session, pytest.raises(SlotGone) as refused:
            request(session, w.ben, slot_id)
        assert refused.value.field == "slot"
    assert live_bookings(sessions) == 0


def test_a_slot_within_the_hour_is_too_soon(sessions: SessionFactory) -> None:
    """A slot 59 minutes away leaves the mentor no time to answer: refused on the slot field."""
    w = build_world(sessions)
    with sessions.begin() as session:
        soon = add_slot(session, w.ada, NOW + timedelta(minutes=59)).id
        later = add_slot(session, w.ada, NOW + HOUR).id
    with sessions.begin() as session, pytest.raises(TooSoon) as refused:
        request(session, w.ben, soon)
    assert refused.value.field == "slot"
    with sessions.begin() as session:
        request(session, w.ben, later)
    assert live_bookings(sessions) == 1


@pytest.mark.parametrize("status", ["paused", "left", "pending", "rejected"])
def test_a_mentor_who_is_not_active_takes_no_requests(
    sessions: SessionFactory, status: str
) -> None:
    """Paused, departed, unapproved and rejected mentors cannot be booked."""
    w = build_world(sessions)
    with sessions.begin() as session:
        session.get_one(MentorProfile, w.ada).status = status
    with sessions.begin() as session, pytest.raises(MentorUnavailable):
        request(session, w.ben, w.slots[0])
    assert live_bookings(sessions) == 0


def test_nobody_books_themselves(sessions: SessionFactory) -> None:
    """Ada cannot request a session in her own slot."""
    w = build_world(sessions)
    with sessions.begin() as session, pytest.raises(MentorUnavailable, match="yourself"):
        request(session, w.ada_user, w.slots[0])


def test_slot_taken_leaves_the_transaction_usable(sessions: SessionFactory) -> None:
    """Chitra loses Ada's 09:00 to Ben, then books 10:00 in the same transaction."""
    w = build_world(sessions)
    requested(sessions, w.ben, w.slots[0])
    with sessions.begin() as session:
        with pytest.raises(SlotTaken) as refused:
            request(session, w.chitra, w.slots[0])
        assert str(refused.value) == "Someone has just booked that time. Pick another one."
        assert refused.value.field == "slot"
        second = request(session, w.chitra, w.slots[1])
    assert current(sessions, second.id).status == "pending"
    assert live_bookings(sessions) == 2


def test_already_requested_leaves_the_transaction_usable(sessions: SessionFactory) -> None:
    """Ben's second request to Ada is refused; his request to Dan in the same transaction holds."""
    w = build_world(sessions)
    requested(sessions, w.ben, w.slots[0])
    with sessions.begin() as session:
        with pytest.raises(AlreadyRequested) as refused:
            request(session, w.ben, w.slots[1])
        assert refused.value.field == "slot"
        request(session, w.ben, w.dan_slot)
    with sessions.begin() as session:
        assert bookings.open_request_count(session, mentee_id=w.ben) == 2


def test_open_requests_are_capped(sessions: SessionFactory) -> None:
    """With a cap of two, Ben's third open request waits until one of the two is answered."""
    w = build_world(sessions)
    with sessions.begin() as session:
        eve = add_mentor(session, "U0EVE", tz=NEW_YORK, capacity=40).id
        eve_slot = add_slot(session, eve, NOW + 30 * HOUR).id
    first = requested(sessions, w.ben, w.slots[0], max_open=2)
    requested(sessions, w.ben, w.dan_slot, max_open=2)
    with sessions.begin() as session, pytest.raises(TooManyOpenRequests, match="2 open requests"):
        request(session, w.ben, eve_slot, max_open=2)
    with sessions.begin() as session:
        bookings.decline(
            session, booking_id=first.id, actor_slack_id=ADA, reason="Travelling", now=NOW
        )
    assert requested(sessions, w.ben, eve_slot, max_open=2).status == "pending"


def test_at_the_cap_a_repeat_request_says_already_requested(sessions: SessionFactory) -> None:
    """At the cap, asking the same mentor again explains the waiting request, not the cap."""
    w = build_world(sessions)
    requested(sessions, w.ben, w.slots[0], max_open=1)
    with sessions.begin() as session, pytest.raises(AlreadyRequested):
        request(session, w.ben, w.slots[1], max_open=1)
    with sessions.begin() as session, pytest.raises(TooManyOpenRequests, match="1 open request\\."):
        request(session, w.ben, w.dan_slot, max_open=1)


def test_the_mentor_card_location_is_remembered(sessions: SessionFactory) -> None:
    """Where the mentor's request card was posted is kept for later updates."""
    w = build_world(sessions)
    booking = requested(sessions, w.ben, w.slots[0])
    with sessions.begin() as session:
        bookings.remember_mentor_message(session, booking_id=booking.id, channel="D0ADA", ts="1.2")
    view = current(sessions, booking.id)
    assert (view.mentor_message_channel, view.mentor_message_ts) == ("D0ADA", "1.2")
    with sessions.begin() as session:
        assert bookings.get_booking(session, booking_id=999_999) is None


# --- the mentor decides ---------------------------------------------------------------------


def test_approve_books_the_session(sessions: SessionFactory) -> None:
    """Ada approves Ben's request; the session is booked on its slot, which stays held."""
    w = build_world(sessions)
    booking = approved(sessions, w.ben, w.slots[0])
    assert booking.status == "approved" and booking.slot_id == w.slots[0]
    with sessions.begin() as session:
        assert session.get_one(Booking, booking.id).decided_at == NOW
        assert bookings.open_request_count(session, mentee_id=w.ben) == 0
    with sessions.begin() as session, pytest.raises(SlotTaken):
        request(session, w.chitra, w.slots[0])


def test_approving_twice_approves_once(sessions: SessionFactory) -> None:
    """A double click on Approve: the second click is told it was already approved."""
    w = build_world(sessions)
    booking = approved(sessions, w.ben, w.slots[0])
    with sessions.begin() as session, pytest.raises(NotPending) as refused:
        bookings.approve(session, booking_id=booking.id, actor_slack_id=ADA, now=NOW, offsets=())
    assert refused.value.status == "approved"
    assert str(refused.value) == "This request was already approved."


def test_a_request_whose_time_passed_cannot_be_approved(sessions: SessionFactory) -> None:
    """Approving after the slot's start is refused; the request stays pending."""
    w = build_world(sessions)
    booking = requested(sessions, w.ben, w.slots[0])
    with sessions.begin() as session, pytest.raises(AlreadyStarted):
        bookings.approve(
            session, booking_id=booking.id, actor_slack_id=ADA, now=booking.starts_at, offsets=()
        )
    assert current(sessions, booking.id).status == "pending"


def test_decline_gives_the_reason_and_reopens_the_slot(sessions: SessionFactory) -> None:
    """Ada declines with a reason Ben will read; Chitra can then book the same time."""
    w = build_world(sessions)
    booking = requested(sessions, w.ben, w.slots[0])
    with sessions.begin() as session:
        declined = bookings.decline(
            session, booking_id=booking.id, actor_slack_id=ADA, reason="  Travelling  ", now=NOW
        ).booking
        assert session.get_one(Booking, booking.id).decided_at == NOW
    assert declined.status == "declined" and declined.decline_reason == "Travelling"
    assert requested(sessions, w.chitra, w.slots[0]).status == "pending"


@pytest.mark.parametrize("reason", ["", "   ", "r" * 501])
def test_decline_needs_a_short_reason(sessions: SessionFactory, reason: str) -> None:
    """A missing or over-long decline reason is reported on the reason field."""
    w = build_world(sessions)
    booking = requested(sessions, w.ben, w.slots[0])
    with sessions.begin() as session, pytest.raises(InvalidRequest) as refused:
        bookings.decline(session, booking_id=booking.id, actor_slack_id=ADA, reason=reason, now=NOW)
    assert set(refused.value.errors) == {"reason"} and refused.value.field == "reason"
    assert current(sessions, booking.id).status == "pending"


def test_decline_after_cancel_is_stale(sessions: SessionFactory) -> None:
    """Ben withdrew; Ada's late Decline is told the request was cancelled."""
    w = build_world(sessions)
    booking = requested(sessions, w.ben, w.slots[0])
    with sessions.begin() as session:
        bookings.cancel(
            session, booking_id=booking.id, actor_slack_id=BEN, reason="Found help", now=NOW
        )
    with sessions.begin() as session, pytest.raises(NotPending) as refused:
        bookings.decline(session, booking_id=booking.id, actor_slack_id=ADA, reason="No", now=NOW)
    assert str(refused.value) == "This request was already cancelled."
    view = current(sessions, booking.id)
    assert view.status == "cancelled" and view.decline_reason is None


# --- forged and missing actors ----------------------------------------------------------------


def _approve(s: Session, b: int, who: str) -> object:
    return bookings.approve(s, booking_id=b, actor_slack_id=who, now=NOW, offsets=()).booking


def _decline(s: Session, b: int, who: str) -> object:
    return bookings.decline(s, booking_id=b, actor_slack_id=who, reason="Busy", now=NOW).booking


def _answer(s: Session, b: int, who: str) -> object:
    return answer_proposal(
        s, booking_id=b, actor_slack_id=who, accept=True, now=NOW, offsets=()
    ).booking


def _cancel(s: Session, b: int, who: str) -> object:
    return bookings.cancel(s, booking_id=b, actor_slack_id=who, reason="Busy", now=NOW).booking


def _propose(s: Session, b: int, who: str) -> object:
    slot = s.scalars(select(Slot.id).order_by(Slot.id.desc())).first()
    assert slot is not None
    return negotiation.propose(s, booking_id=b, actor_slack_id=who, slot_id=slot, now=NOW).booking


@pytest.mark.parametrize(
    ("action", "actor"),
    [
        (_approve, CHITRA),
        (_approve, BEN),  # the mentee cannot approve their own request
        (_decline, CHITRA),
        (_decline, BEN),
        (_propose, CHITRA),
        (_answer, CHITRA),
        (_answer, ADA),  # only the mentee answers a proposal
        (_cancel, CHITRA),
        (_cancel, DAN),
    ],
)
def test_forged_actors_change_nothing(
    sessions: SessionFactory, action: Callable[[Session, int, str], object], actor: str
) -> None:
    """Someone who is not allowed to act on the request is refused and nothing changes."""
    w = build_world(sessions)
    booking = requested(sessions, w.ben, w.slots[0])
    with sessions.begin() as session:
        proposed = negotiation.propose(
            session, booking_id=booking.id, actor_slack_id=ADA, slot_id=w.slots[1], now=NOW
        ).booking
    with sessions.begin() as session, pytest.raises(NotYourBooking):
        action(session, booking.id, actor)
    assert current(sessions, booking.id) == proposed


def test_a_missing_booking_is_nobodys(sessions: SessionFactory) -> None:
    """A button naming a booking that does not exist is refused without details."""
    build_world(sessions)
    with sessions.begin() as session, pytest.raises(NotYourBooking):
        bookings.approve(session, booking_id=999_999, actor_slack_id=ADA, now=NOW, offsets=())


# --- proposing another time -----------------------------------------------------------------


def test_accepting_a_proposal_moves_and_approves_the_session(sessions: SessionFactory) -> None:
    """Ada proposes 10:00; Ben accepts; the session is approved at 10:00 and 09:00 reopens."""
    w = build_world(sessions)
    booking = requested(sessions, w.ben, w.slots[0])
    with sessions.begin() as session:
        proposal = negotiation.propose(
            session, booking_id=booking.id, actor_slack_id=ADA, slot_id=w.slots[1], now=NOW
        ).booking
    assert proposal.status == "pending" and proposal.proposed_slot_id == w.slots[1]
    assert proposal.proposed_starts_at == NOW + 25 * HOUR
    assert proposal.proposed_ends_at == NOW + 25.5 * HOUR
    assert current(sessions, booking.id) == proposal
    with sessions.begin() as session:
        accepted = answer_proposal(
            session,
            booking_id=booking.id,
            actor_slack_id=BEN,
            accept=True,
            now=NOW,
            offsets=(),
        ).booking
        assert session.get_one(Booking, booking.id).decided_at == NOW
    assert accepted.status == "approved" and accepted.slot_id == w.slots[1]
    assert (accepted.starts_at, accepted.ends_at) == (NOW + 25 * HOUR, NOW + 25.5 * HOUR)
    assert accepted.proposed_slot_id is None and accepted.proposed_starts_at is None
    assert requested(sessions, w.chitra, w.slots[0]).status == "pending"


def test_declining_a_proposal_cancels_the_request(sessions: SessionFactory) -> None:
    """Ben turns down the proposed time: his request is cancelled, by him, and says why."""
    w = build_world(sessions)
    booking = requested(sessions, w.ben, w.slots[0])
    with sessions.begin() as session:
        negotiation.propose(
            session, booking_id=booking.id, actor_slack_id=ADA, slot_id=w.slots[1], now=NOW
        )
    with sessions.begin() as session:
        answer = answer_proposal(
            session,
            booking_id=booking.id,
            actor_slack_id=BEN,
            accept=False,
            now=NOW,
            offsets=(),
        ).booking
    assert answer.status == "cancelled"
    assert answer.cancel_reason == "Declined the proposed time"
    assert answer.cancelled_by_slack_id == BEN
    assert live_bookings(sessions) == 0


def test_proposals_must_be_the_mentors_own_free_future_slots(sessions: SessionFactory) -> None:
    """Dan's slot, a past slot and the current slot are gone; a slot someone holds is taken."""
    w = build_world(sessions)
    booking = requested(sessions, w.ben, w.slots[0])
    requested(sessions, w.chitra, w.slots[2])
    with sessions.begin() as session:
        past = add_slot(session, w.ada, NOW - 2 * HOUR).id
    for slot_id in (w.dan_slot, past, w.slots[0], 999_999):
        with sessions.begin() as session, pytest.raises(SlotGone):
            negotiation.propose(
                session, booking_id=booking.id, actor_slack_id=ADA, slot_id=slot_id, now=NOW
            )
    with sessions.begin() as session, pytest.raises(SlotTaken):
        negotiation.propose(
            session, booking_id=booking.id, actor_slack_id=ADA, slot_id=w.slots[2], now=NOW
        )
    assert current(sessions, booking.id).proposed_slot_id is None


def test_accepting_a_proposal_someone_took_meanwhile(sessions: SessionFactory) -> None:
    """Chitra books the proposed time first; Ben's acceptance fails and his request is intact."""
    w = build_world(sessions)
    booking = requested(sessions, w.ben, w.slots[0])
    with sessions.begin() as session:
        proposal = negotiation.propose(
            session, booking_id=booking.id, actor_slack_id=ADA, slot_id=w.slots[1], now=NOW
        ).booking
    requested(sessions, w.chitra, w.slots[1])
    with sessions.begin() as session:
        with pytest.raises(SlotTaken):
            answer_proposal(
                session,
                booking_id=booking.id,
                actor_slack_id=BEN,
                accept=True,
                now=NOW,
                offsets=(),
            )
        # The same transaction still works, and sees the booking as it was.
        still = bookings.get_booking(session, booking_id=booking.id)
        assert still == proposal
        assert session.get_one(Booking, booking.id).slot_id == w.slots[0]
    assert current(sessions, booking.id) == proposal
    assert live_bookings(sessions) == 2


def test_a_proposal_on_an_approved_session_is_a_reschedule_that_waits(
    sessions: SessionFactory,
) -> None:
    """Proposing once the session is approved asks to reschedule it: it stays approved on its
    own time until Ben answers."""
    w = build_world(sessions)
    booking = approved(sessions, w.ben, w.slots[0])
    with sessions.begin() as session:
        asked = negotiation.propose(
            session, booking_id=booking.id, actor_slack_id=ADA, slot_id=w.slots[1], now=NOW
        )
    assert (asked.booking.status, asked.booking.slot_id) == ("approved", w.slots[0])
    assert (asked.booking.proposed_slot_id, asked.tell) == (w.slots[1], BEN)


# --- cancelling -----------------------------------------------------------------------------


def test_cancel_frees_the_slot_for_another_mentee(sessions: SessionFactory) -> None:
    """Ada cancels an approved session with a reason; Chitra can then book that time."""
    w = build_world(sessions)
    booking = approved(sessions, w.ben, w.slots[0])
    with sessions.begin() as session:
        cancelled = bookings.cancel(
            session, booking_id=booking.id, actor_slack_id=ADA, reason=" Sick ", now=NOW
        ).booking
    assert cancelled.status == "cancelled" and cancelled.cancel_reason == "Sick"
    assert cancelled.cancelled_by_slack_id == ADA and cancelled.other_party(ADA) == BEN
    assert requested(sessions, w.chitra, w.slots[0]).slot_id == w.slots[0]


def test_a_mentee_withdraws_a_pending_request(sessions: SessionFactory) -> None:
    """Ben cancels his own pending request; his open count drops to zero."""
    w = build_world(sessions)
    booking = requested(sessions, w.ben, w.slots[0])
    with sessions.begin() as session:
        view = bookings.cancel(
            session, booking_id=booking.id, actor_slack_id=BEN, reason="Solved it", now=NOW
        ).booking
        assert bookings.open_request_count(session, mentee_id=w.ben) == 0
    assert view.cancelled_by_slack_id == BEN


@pytest.mark.parametrize("reason", ["", "r" * 501])
def test_cancel_needs_a_short_reason(sessions: SessionFactory, reason: str) -> None:
    """Cancelling without a reason, or with an essay, is reported on the reason field."""
    w = build_world(sessions)
    booking = approved(sessions, w.ben, w.slots[0])
    with sessions.begin() as session, pytest.raises(InvalidRequest) as refused:
        bookings.cancel(session, booking_id=booking.id, actor_slack_id=BEN, reason=reason, now=NOW)
    assert set(refused.value.errors) == {"reason"}
    assert current(sessions, booking.id).status == "approved"


def test_a_started_session_cannot_be_cancelled(sessions: SessionFactory) -> None:
    """Once the session has begun, cancelling is refused and it stays approved."""
    w = build_world(sessions)
    booking = approved(sessions, w.ben, w.slots[0])
    with sessions.begin() as session, pytest.raises(AlreadyStarted):
        bookings.cancel(
            session,
            booking_id=booking.id,
            actor_slack_id=BEN,
            reason="Late",
            now=booking.starts_at + timedelta(minutes=1),
        )
    assert current(sessions, booking.id).status == "approved"


def test_cancelling_twice_is_stale(sessions: SessionFactory) -> None:
    """A second cancel is told the booking was already cancelled."""
    w = build_world(sessions)
    booking = approved(sessions, w.ben, w.slots[0])
    with sessions.begin() as session:
        bookings.cancel(session, booking_id=booking.id, actor_slack_id=BEN, reason="Ill", now=NOW)
    with sessions.begin() as session, pytest.raises(NotPending, match="already cancelled"):
        bookings.cancel(session, booking_id=booking.id, actor_slack_id=ADA, reason="Ill", now=NOW)


# --- a person's sessions --------------------------------------------------------------------


def _past_session(sessions: SessionFactory, mentee: int, mentor: int, days_ago: int) -> int:
    """An approved session that ended `days_ago` days before NOW."""
    starts = NOW - timedelta(days=days_ago)
    with sessions.begin() as session:
        slot = add_slot(session, mentor, starts).id
    then = starts - HOUR
    with sessions.begin() as session:
        booking = request(session, mentee, slot, now=then)
        bookings.approve(session, booking_id=booking.id, actor_slack_id=ADA, now=then, offsets=())
    return booking.id


def test_sessions_of_sorts_everything_into_buckets(sessions: SessionFactory) -> None:
    """Ada sees her upcoming sessions, requests awaiting her, her own requests and recent past."""
    w = build_world(sessions)
    later = approved(sessions, w.ben, w.slots[1])
    with sessions.begin() as session:
        soon_slot = add_slot(session, w.ada, NOW + 2 * HOUR).id
        dan_later = add_slot(session, w.dan, NOW + 48 * HOUR).id
    soon = approved(sessions, w.chitra, soon_slot)
    waiting = requested(sessions, w.ben, w.slots[2])
    with sessions.begin() as session:  # Ada is also a mentee: of Dan
        mine = request(session, w.ada_user, w.dan_slot)
        accepted = request(session, w.chitra, dan_later)
        bookings.approve(session, booking_id=accepted.id, actor_slack_id=DAN, now=NOW, offsets=())
    with sessions.begin() as session:
        fay = add_user(session, "U0FAY", tz=PARIS).id
    past = [_past_session(sessions, fay, w.ada, days) for days in range(1, 8)]
    gone = requested(sessions, w.chitra, w.slots[0])
    with sessions.begin() as session:
        bookings.cancel(session, booking_id=gone.id, actor_slack_id=CHITRA, reason="x", now=NOW)

    with sessions.begin() as session:
        ada = bookings.sessions_of(session, slack_id=ADA, now=NOW)
        ben = bookings.sessions_of(session, slack_id=BEN, now=NOW)
        nobody = bookings.sessions_of(session, slack_id="U0NOBODY", now=NOW)
    assert [b.id for b in ada.upcoming] == [soon.id, later.id]
    assert [b.id for b in ada.awaiting_me] == [waiting.id]
    assert [b.id for b in ada.my_requests] == [mine.id]
    assert [b.id for b in ada.past] == past[:5]  # newest first, at most five
    assert [b.id for b in ben.upcoming] == [later.id]
    assert ben.awaiting_me == () and [b.id for b in ben.my_requests] == [waiting.id]
    assert ada.upcoming[1] == current(sessions, later.id)
    assert nobody == bookings.MySessions((), (), (), ())


def test_sessions_of_reads_in_a_fixed_number_of_queries(
    sessions: SessionFactory, engine: Engine
) -> None:
    """Many more bookings do not mean more queries."""
    w = build_world(sessions)
    approved(sessions, w.ben, w.slots[0])
    requested(sessions, w.chitra, w.slots[1])

    def queries() -> int:
        statements: list[str] = []

        def count(*args: Any) -> None:
            statements.append(args[2])

        event.listen(engine, "before_cursor_execute", count)
        try:
            with sessions.begin() as session:
                bookings.sessions_of(session, slack_id=ADA, now=NOW)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len([s for s in statements if s.lstrip().upper().startswith("SELECT")])

    few = queries()
    assert 0 < few <= 9  # the person, then each bucket with its mentees' interests
    with sessions.begin() as session:
        mentees = [add_user(session, f"U0M{n}", tz=PARIS).id for n in range(6)]
        extra = [add_slot(session, w.ada, NOW + (50 + n) * HOUR).id for n in range(6)]
    for n, (mentee, slot) in enumerate(zip(mentees, extra, strict=True)):
        if n % 2:
            approved(sessions, mentee, slot)
        else:
            requested(sessions, mentee, slot)
    assert queries() == few


# --- concurrency ----------------------------------------------------------------------------


def test_fifty_people_click_the_same_slot(
    sessions: SessionFactory, engine: Engine, database_url: str
) -> None:
    """Fifty mentees request one slot at the same moment: exactly one holds it."""
    w = build_world(sessions)
    with sessions.begin() as session:
        mentees = [add_user(session, f"U0RACE{n}", tz=PARIS).id for n in range(50)]
    wide = wide_engine(database_url, 50)
    try:
        outcomes = race_all(
            make_session_factory(wide), 50, lambda s, n: request(s, mentees[n], w.slots[0])
        )
    finally:
        wide.dispose()
    assert outcomes == Counter({"ok": 1, "SlotTaken": 49})
    with sessions.begin() as session:
        assert session.scalar(select(func.count()).select_from(Booking)) == 1


def test_the_open_request_cap_holds_under_concurrency(
    sessions: SessionFactory, engine: Engine, database_url: str
) -> None:
    """Ben fires ten requests to ten mentors at once with a cap of three: three are pending."""
    w = build_world(sessions)
    with sessions.begin() as session:
        mentors = [
            add_mentor(session, f"U0MENTOR{n}", tz=NEW_YORK, capacity=40).id for n in range(10)
        ]
        slots = [add_slot(session, mentor, NOW + 30 * HOUR).id for mentor in mentors]
    wide = wide_engine(database_url, 10)
    try:
        outcomes = race_all(
            make_session_factory(wide), 10, lambda s, n: request(s, w.ben, slots[n], max_open=3)
        )
    finally:
        wide.dispose()
    assert outcomes == Counter({"ok": 3, "TooManyOpenRequests": 7})
    with sessions.begin() as session:
        assert bookings.open_request_count(session, mentee_id=w.ben) == 3


# --- each change is the whole use case: its due work and who hears of it ---------------------


def planned_kinds(sessions: SessionFactory, booking_id: int) -> set[str]:
    """The kinds of the booking's due work still waiting to run."""
    with sessions.begin() as session:
        kinds = session.scalars(
            select(DueWork.kind).where(
                DueWork.booking_id == booking_id, DueWork.status == "pending"
            )
        )
        return set(kinds)


def test_a_request_plans_its_nudge_and_expiry(sessions: SessionFactory) -> None:
    """Requesting is one call: the pending request comes with its nudge and expiry, and the
    mentor is the one to tell."""
    w = build_world(sessions)
    with sessions.begin() as session:
        asked = bookings.request_session(
            session,
            mentee_id=w.ben,
            slot_id=w.slots[0],
            message=MESSAGE,
            topic=None,
            now=NOW,
            max_open=3,
            ttl=timedelta(hours=72),
        )
    assert (asked.tell, asked.confirmed) == (ADA, False)
    assert planned_kinds(sessions, asked.booking.id) == {"request_nudge", "request_expiry"}


def test_approving_plans_the_session_and_cancelling_drops_it(sessions: SessionFactory) -> None:
    """Approving swaps the request's nudge and expiry for reminders and check-ins, and says both
    get a confirmation; cancelling drops them all and names the other participant."""
    w = build_world(sessions)
    booking = requested(sessions, w.ben, w.slots[0])
    with sessions.begin() as session:
        done = bookings.approve(
            session, booking_id=booking.id, actor_slack_id=ADA, now=NOW, offsets=(HOUR,)
        )
    assert (done.tell, done.confirmed) == (BEN, True)
    assert planned_kinds(sessions, booking.id) == {"reminder", "checkin"}
    with sessions.begin() as session:
        called_off = bookings.cancel(
            session, booking_id=booking.id, actor_slack_id=BEN, reason="Ill", now=NOW
        )
    assert (called_off.tell, called_off.confirmed) == (ADA, False)
    assert planned_kinds(sessions, booking.id) == set()


def test_declining_and_turning_down_a_proposal_drop_the_plan(sessions: SessionFactory) -> None:
    """A declined request and a turned-down proposal keep no nudge or expiry; the mentee hears
    of a decline, the mentor of a turned-down time."""
    w = build_world(sessions)
    first = requested(sessions, w.ben, w.slots[0])
    second = requested(sessions, w.chitra, w.slots[1])
    with sessions.begin() as session:
        declined = bookings.decline(
            session, booking_id=first.id, actor_slack_id=ADA, reason="Busy", now=NOW
        )
        proposed = negotiation.propose(
            session, booking_id=second.id, actor_slack_id=ADA, slot_id=w.slots[2], now=NOW
        )
    assert declined.tell == BEN and proposed.tell == CHITRA
    assert planned_kinds(sessions, second.id) == {
        "request_nudge",
        "request_expiry",
        "proposal_lapse",
    }
    with sessions.begin() as session:
        turned_down = answer_proposal(
            session, booking_id=second.id, actor_slack_id=CHITRA, accept=False, now=NOW, offsets=()
        )
    assert (turned_down.tell, turned_down.confirmed) == (ADA, False)
    assert planned_kinds(sessions, first.id) == planned_kinds(sessions, second.id) == set()
