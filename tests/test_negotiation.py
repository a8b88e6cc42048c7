"""The negotiation service on the database: who may answer, what each step leaves behind, the
outcome the calendar invite needs, and races between two replicas' clicks."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot.services import negotiation
from bot.services.bookings import NotYourBooking
from bot.services.negotiation import (
    OnlyMentorsType,
    ProposalGone,
    TimePassed,
    YourOwnProposal,
)
from store.db import SessionFactory, make_session_factory
from store.models import Booking, DueWork, Slot, TimeProposal
from store.statuses import Negotiated
from tests.conftest import ADA, BEN, CHITRA
from tests.races import race_all, wide_engine
from tests.seed import (
    HOUR,
    NEW_YORK,
    NOW,
    approved,
    build_world,
    current,
    request,
    requested,
)

OFFSETS = (timedelta(hours=1),)


def propose(
    session: Session, booking_id: int, who: str, slot_id: int
) -> negotiation.NegotiationOutcome:
    return negotiation.propose(
        session, booking_id=booking_id, actor_slack_id=who, slot_id=slot_id, now=NOW
    )


def accept(
    session: Session, booking_id: int, who: str, proposal_id: int | None = None
) -> negotiation.NegotiationOutcome:
    return negotiation.accept(
        session,
        booking_id=booking_id,
        actor_slack_id=who,
        proposal_id=proposal_id,
        now=NOW,
        offsets=OFFSETS,
    )


def proposal_rows(sessions: SessionFactory) -> list[tuple[str, int | None]]:
    with sessions.begin() as session:
        return [
            (p.status, p.slot_id)
            for p in session.scalars(select(TimeProposal).order_by(TimeProposal.id))
        ]


def test_an_accepted_reschedule_moves_the_session_and_says_so(sessions: SessionFactory) -> None:
    """Ben asks to move his approved session; Ada accepts: it moves, its sequence rises, the
    outcome says "rescheduled" with the old time, and its reminder follows it."""
    w = build_world(sessions)
    booking = approved(sessions, w.ben, w.slots[0])
    with sessions.begin() as session:
        asked = propose(session, booking.id, BEN, w.slots[1])
    assert (asked.happened, asked.tell, asked.booking.slot_id) == (
        Negotiated.PROPOSED,
        ADA,
        w.slots[0],
    )
    with sessions.begin() as session:
        done = accept(session, booking.id, ADA, asked.booking.proposal_id)
    assert done.rescheduled and done.confirmed and done.tell == BEN
    assert (done.sequence, done.previous_starts_at) == (1, NOW + 24 * HOUR)
    assert (done.booking.slot_id, done.booking.starts_at) == (w.slots[1], NOW + 25 * HOUR)
    assert proposal_rows(sessions) == [("accepted", w.slots[1])]
    with sessions.begin() as session:
        reminders = set(
            session.scalars(
                select(DueWork.due_at).where(
                    DueWork.booking_id == booking.id,
                    DueWork.kind == "reminder",
                    DueWork.status == "pending",
                )
            )
        )
    assert reminders == {NOW + 24 * HOUR}
    assert requested(sessions, w.chitra, w.slots[0]).status == "pending"  # the old slot is free


def test_counter_proposals_go_back_and_forth_until_one_side_accepts(
    sessions: SessionFactory,
) -> None:
    """Ada offers 10:00 for Ben's 09:00 request; Ben counters with 11:00; Ada may not accept
    her own time, but accepts Ben's: the request is approved at 11:00."""
    w = build_world(sessions)
    booking = requested(sessions, w.ben, w.slots[0])
    with sessions.begin() as session:
        first = propose(session, booking.id, ADA, w.slots[1])
    with sessions.begin() as session:
        counter = propose(session, booking.id, BEN, w.slots[2])
    assert (first.happened, counter.happened, counter.tell) == (
        Negotiated.PROPOSED,
        Negotiated.COUNTERED,
        ADA,
    )
    with sessions.begin() as session, pytest.raises(YourOwnProposal):
        accept(session, booking.id, BEN)
    with sessions.begin() as session:
        done = accept(session, booking.id, ADA, counter.booking.proposal_id)
    assert (done.happened, done.booking.status, done.booking.slot_id) == (
        Negotiated.ACCEPTED,
        "approved",
        w.slots[2],
    )
    assert done.sequence == 0  # a first confirmation, not a reschedule
    assert proposal_rows(sessions) == [("countered", w.slots[1]), ("accepted", w.slots[2])]


def test_a_stale_or_foreign_answer_changes_nothing(sessions: SessionFactory) -> None:
    """An Accept naming a proposal that was replaced, and anyone outside the session, are
    refused; the open proposal stays open."""
    w = build_world(sessions)
    booking = approved(sessions, w.ben, w.slots[0])
    with sessions.begin() as session:
        old = propose(session, booking.id, BEN, w.slots[1]).booking.proposal_id
    with sessions.begin() as session:
        propose(session, booking.id, BEN, w.slots[2])  # Ben changes his mind
    with sessions.begin() as session, pytest.raises(ProposalGone):
        accept(session, booking.id, ADA, old)
    with sessions.begin() as session, pytest.raises(NotYourBooking):
        accept(session, booking.id, CHITRA)
    assert proposal_rows(sessions) == [("withdrawn", w.slots[1]), ("open", w.slots[2])]
    assert current(sessions, booking.id).starts_at == NOW + 24 * HOUR


def test_a_typed_time_is_the_mentors_own_and_in_the_future(sessions: SessionFactory) -> None:
    """Ada types Wednesday 14:00 New York: a one-off slot of 30 minutes; Ben may not type; a
    time already past is refused."""
    w = build_world(sessions)
    booking = approved(sessions, w.ben, w.slots[0])
    day = (NOW + 48 * HOUR).date()
    with sessions.begin() as session, pytest.raises(OnlyMentorsType):
        negotiation.propose(
            session, booking_id=booking.id, actor_slack_id=BEN, day=day, at=time(14), now=NOW
        )
    with sessions.begin() as session, pytest.raises(TimePassed):
        negotiation.propose(
            session,
            booking_id=booking.id,
            actor_slack_id=ADA,
            day=date(2020, 1, 1),
            at=time(9),
            now=NOW,
        )
    with sessions.begin() as session:
        typed = negotiation.propose(
            session, booking_id=booking.id, actor_slack_id=ADA, day=day, at=time(14), now=NOW
        )
        slot = session.get_one(Slot, typed.booking.proposed_slot_id)
        assert slot.window_id is None
        local = slot.starts_at.astimezone(ZoneInfo(NEW_YORK))
        assert (local.date(), local.time()) == (day, time(14))
        assert slot.ends_at - slot.starts_at == timedelta(minutes=30)


def test_declining_a_reschedule_keeps_the_session_and_a_request_ends(
    sessions: SessionFactory,
) -> None:
    w = build_world(sessions)
    kept = approved(sessions, w.ben, w.slots[0])
    asked = requested(sessions, w.chitra, w.slots[1])
    with sessions.begin() as session:
        propose(session, kept.id, ADA, w.slots[2])
    with sessions.begin() as session:
        no = negotiation.decline(
            session, booking_id=kept.id, actor_slack_id=BEN, proposal_id=None, now=NOW
        )
    assert (no.happened, no.tell, no.booking.status, no.booking.slot_id) == (
        Negotiated.DECLINED,
        ADA,
        "approved",
        w.slots[0],
    )
    with sessions.begin() as session:
        propose(session, asked.id, ADA, w.slots[2])
    with sessions.begin() as session:
        negotiation.decline(
            session, booking_id=asked.id, actor_slack_id=CHITRA, proposal_id=None, now=NOW
        )
    assert current(sessions, asked.id).status == "cancelled"


def test_an_unanswered_proposal_lapses_at_the_earlier_time(sessions: SessionFactory) -> None:
    """A reschedule to a later time lapses at the session's own start; lapsing twice does
    nothing the second time."""
    w = build_world(sessions)
    booking = approved(sessions, w.ben, w.slots[0])
    with sessions.begin() as session:
        asked = propose(session, booking.id, BEN, w.slots[2])
        lapse_at = session.scalars(
            select(DueWork.due_at).where(DueWork.kind == "proposal_lapse")
        ).one()
    assert lapse_at == NOW + 24 * HOUR
    proposal_id = asked.booking.proposal_id
    assert proposal_id is not None
    with sessions.begin() as session:
        lapsed = negotiation.lapse(session, proposal_id=proposal_id, now=NOW + 24 * HOUR)
    assert lapsed is not None and (lapsed.happened, lapsed.tell) == (Negotiated.LAPSED, BEN)
    with sessions.begin() as session:
        assert negotiation.lapse(session, proposal_id=proposal_id, now=NOW + 24 * HOUR) is None
    assert proposal_rows(sessions) == [("lapsed", w.slots[2])]


# --- races ----------------------------------------------------------------------------------


def race(database_url: str, attempts: list[Callable[[Session], object]]) -> Counter[str]:
    """Each attempt in its own thread and transaction, released at once."""
    wide = wide_engine(database_url, len(attempts))
    try:
        return race_all(make_session_factory(wide), len(attempts), lambda s, n: attempts[n](s))
    finally:
        wide.dispose()


def test_two_accepts_at_once_move_the_session_once(
    sessions: SessionFactory, engine: Engine, database_url: str
) -> None:
    """Ada's Accept arrives twice at once (a double click on two replicas): one moves the
    session, the other finds the proposal answered; the sequence rises once."""
    w = build_world(sessions)
    booking = approved(sessions, w.ben, w.slots[0])
    with sessions.begin() as session:
        offer = propose(session, booking.id, BEN, w.slots[1]).booking.proposal_id
    outcomes = race(database_url, [lambda s: accept(s, booking.id, ADA, offer)] * 2)
    assert outcomes == Counter({"ok": 1, "ProposalGone": 1})
    assert current(sessions, booking.id).sequence == 1


def test_accept_racing_withdraw_has_one_winner(
    sessions: SessionFactory, engine: Engine, database_url: str
) -> None:
    """Ada accepts while Ben withdraws: exactly one of them wins, and the session is where
    that winner left it."""
    w = build_world(sessions)
    booking = approved(sessions, w.ben, w.slots[0])
    with sessions.begin() as session:
        offer = propose(session, booking.id, BEN, w.slots[1]).booking.proposal_id

    def withdraw(s: Session) -> object:
        return negotiation.withdraw(
            s, booking_id=booking.id, actor_slack_id=BEN, proposal_id=offer, now=NOW
        )

    outcomes = race(database_url, [lambda s: accept(s, booking.id, ADA, offer), withdraw])
    assert outcomes == Counter({"ok": 1, "ProposalGone": 1})
    [(status, _)] = proposal_rows(sessions)
    moved = current(sessions, booking.id).slot_id == w.slots[1]
    assert (status, moved) in {("accepted", True), ("withdrawn", False)}


def test_accepting_a_time_someone_books_at_once_holds_it_once(
    sessions: SessionFactory, engine: Engine, database_url: str
) -> None:
    """Ada accepts Ben's move to 10:00 while Chitra requests 10:00: the live-seat index lets
    one of them hold it; the other is told it was taken."""
    w = build_world(sessions)
    booking = approved(sessions, w.ben, w.slots[0])
    with sessions.begin() as session:
        offer = propose(session, booking.id, BEN, w.slots[1]).booking.proposal_id

    def chitra_books(s: Session) -> object:
        return request(s, w.chitra, w.slots[1])

    outcomes = race(database_url, [lambda s: accept(s, booking.id, ADA, offer), chitra_books])
    assert outcomes == Counter({"ok": 1, "SlotTaken": 1})
    with sessions.begin() as session:
        holders = session.scalars(
            select(Booking.id).where(
                Booking.slot_id == w.slots[1], Booking.status.in_(("pending", "approved"))
            )
        ).all()
    assert len(holders) == 1
