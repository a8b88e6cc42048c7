"""Sessions that move, through Slack: reschedule with a counter-proposal, a time outside the
mentor's windows, `/mentor invite`, a reschedule nobody answers, and every kind of bad input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.ids import Action
from bot.sandbox import Sandbox
from store.models import Booking, DueWork, MentorProfile, Slot, TimeProposal
from tests import seed
from tests.conftest import ADA, BEN, CHITRA, START
from tests.steps import (
    SESSION_START,
    TOMORROW,
    ada_with_a_morning,
    approved_session,
    booking_id,
    request,
    run_at,
    seen_text,
    send_click,
    statuses,
)


def booking_row(box: Sandbox) -> Booking:
    with box.deps.sessions.begin() as session:
        return session.scalars(select(Booking).order_by(Booking.id.desc())).first()  # type: ignore[return-value]


def proposal_statuses(box: Sandbox) -> list[str]:
    with box.deps.sessions.begin() as session:
        return list(session.scalars(select(TimeProposal.status).order_by(TimeProposal.id)))


def open_proposal_value(box: Sandbox) -> str:
    """An Accept button's value for the open proposal, as the DM carries it."""
    with box.deps.sessions.begin() as session:
        offer = session.scalars(select(TimeProposal).where(TimeProposal.status == "open")).one()
        return f"{offer.booking_id}:{offer.id}"


def propose_another(box: Sandbox, user_id: str, time: str) -> None:
    """Click "Propose another time" on the newest proposal and pick the time (reader's zone)."""
    person = box.user(user_id)
    person.click("Propose another time")
    person.fill("Time", time)
    assert person.submit().errors == {}


def invite(box: Sandbox, who: str, title: str) -> dict[str, str]:
    """Ada's `/mentor invite`: the person, her 10:00 tomorrow, a title and an agenda."""
    ada = box.user(ADA)
    ada.command("invite")
    ada.fill("Person", who)
    ada.fill("Time", "Tue 24 Nov, 10:00")
    ada.fill("Title", title)
    ada.fill("Agenda", "Where you want to be in two years.")
    return ada.submit().errors


def ben_asks_to_reschedule(box: Sandbox, to: str = "Tue 24 Nov, 17:00") -> None:
    """Ben clicks Reschedule on his confirmation and picks 11:00 New York (17:00 in Paris)."""
    ben = box.user(BEN)
    ben.click("Reschedule", where="message")
    ben.fill("Time", to)
    assert ben.submit().errors == {}


# --- rescheduling with a counter-proposal ---------------------------------------------------


def test_a_reschedule_countered_then_accepted_moves_the_session_and_tells_both(
    box: Sandbox,
) -> None:
    """Ben asks to move the session to 11:00; Ada counters with 11:30; Ben accepts: the session
    moves, its old slot opens again, the invite's sequence rises, and each reads the new time
    in their own zone."""
    approved_session(box)
    ben_asks_to_reschedule(box)
    asked = seen_text(box, ADA, "dm", tz="America/New_York")
    assert (
        "asks to reschedule your session on Nov 24, 2026 at 10:00 to Nov 24, 2026 at 11:00" in asked
    )
    assert booking_row(box).starts_at == SESSION_START  # the old time holds until accepted
    propose_another(box, ADA, "Tue 24 Nov, 11:30")
    assert "to Nov 24, 2026 at 17:30" in seen_text(box, BEN, "dm", tz="Europe/Paris")
    box.user(BEN).click("Accept")
    row = booking_row(box)
    assert (row.status, row.starts_at, row.sequence) == (
        "approved",
        SESSION_START + timedelta(minutes=90),
        1,
    )
    assert proposal_statuses(box) == ["countered", "accepted"]
    assert "rescheduled to Nov 24, 2026 at 17:30" in seen_text(box, BEN, "dm", tz="Europe/Paris")
    assert "rescheduled to Nov 24, 2026 at 11:30" in seen_text(
        box, ADA, "dm", tz="America/New_York"
    )
    assert "(it was Nov 24, 2026 at 10:00)" in seen_text(box, ADA, "dm", tz="America/New_York")
    # The 10:00 slot is free again: Chitra books it.
    assert request(box, CHITRA) == {}
    assert statuses(box) == ["approved", "pending"]


def test_a_request_countered_by_the_mentee_shows_on_the_mentors_card(box: Sandbox) -> None:
    """Ada offers 11:00 for Ben's request; Ben counters with 11:30: Ada's card says Ben
    proposed it, and Ben's Accept on Ada's old offer is refused as stale."""
    ada_with_a_morning(box)
    assert request(box, BEN) == {}
    propose_another(box, ADA, "Tue 24 Nov, 11:00")
    stale = open_proposal_value(box)
    propose_another(box, BEN, "Tue 24 Nov, 17:30")
    card = seen_text(box, ADA, "update", tz="America/New_York")
    assert "@Ben Martin proposed Nov 24, 2026 at 11:30" in card
    send_click(box, BEN, Action.ACCEPT_PROPOSAL, stale)
    assert "already answered, withdrawn or replaced" in seen_text(box, BEN, "response")
    assert proposal_statuses(box) == ["countered", "open"]


def test_reminders_move_with_the_session(box: Sandbox) -> None:
    """After a reschedule to 11:00 the 10-minute reminder comes at 10:50, not 09:50."""
    approved_session(box)
    ben_asks_to_reschedule(box)
    box.user(ADA).click("Accept")
    with box.deps.sessions.begin() as session:
        due = set(
            session.scalars(
                select(DueWork.due_at).where(
                    DueWork.kind == "reminder", DueWork.status == "pending"
                )
            )
        )
    moved = SESSION_START + timedelta(hours=1)
    assert due == {moved - timedelta(hours=24), moved - timedelta(minutes=10)}


def test_the_mentor_may_reschedule_to_a_time_outside_her_windows(box: Sandbox) -> None:
    """Ada types Wednesday 14:00 (New York): a one-off slot of her session length is made and
    Ben, in Paris, is asked for 20:00; he accepts."""
    approved_session(box)
    ada = box.user(ADA)
    ada.click("Reschedule", where="message")
    ada.fill("Or another day", "2026-11-25")
    ada.fill("At", "14:00")
    assert ada.submit().errors == {}
    assert "to Nov 25, 2026 at 20:00" in seen_text(box, BEN, "dm", tz="Europe/Paris")
    box.user(BEN).click("Accept")
    row = booking_row(box)
    assert row.starts_at == datetime(2026, 11, 25, 19, 0, tzinfo=UTC)
    assert row.ends_at - row.starts_at == timedelta(minutes=30)
    with box.deps.sessions.begin() as session:
        made = session.scalars(select(Slot).where(Slot.id == row.slot_id)).one()
        assert made.window_id is None


def test_reschedule_is_offered_in_sessions_and_a_waiting_proposal_is_answered_there(
    box: Sandbox,
) -> None:
    """`/mentor sessions` offers Reschedule next to Cancel; once Ben asks, Ada's list shows his
    time with Accept, and Ben's shows Withdraw."""
    approved_session(box)
    ben = box.user(BEN)
    ben.command("sessions")
    listed = seen_text(box, BEN, "ack")
    assert "[Reschedule]" in listed and "[Cancel]" in listed
    ben.click("Reschedule", where="message")
    ben.fill("Time", "Tue 24 Nov, 17:00")
    assert ben.submit().errors == {}
    ben.command("sessions")
    mine = box.fake.seen_by(BEN)[-1]
    assert mine.kind == "ack"
    assert "You proposed" in seen_text(box, BEN, "ack") and "[Withdraw]" in seen_text(
        box, BEN, "ack"
    )
    ada = box.user(ADA)
    ada.command("sessions")
    assert "proposed" in seen_text(box, ADA, "ack")
    ada.click("Accept", where="message")
    assert booking_row(box).starts_at == SESSION_START + timedelta(hours=1)


def test_a_reschedule_nobody_answers_lapses_and_the_old_time_stands(box: Sandbox) -> None:
    """Ben asks to move the session to 11:00; Ada never answers: at 10:00 the proposal lapses,
    Ben hears the old time stands, and the session took place at 10:00."""
    approved_session(box)
    ben_asks_to_reschedule(box)
    run_at(box, SESSION_START)
    assert proposal_statuses(box) == ["lapsed"]
    assert "Nobody answered your proposal" in seen_text(box, BEN, "dm")
    assert booking_row(box).starts_at == SESSION_START
    box.user(ADA).click("Accept")
    assert "already answered" in seen_text(box, ADA, "response")


def test_withdrawing_a_reschedule_tells_the_other_side_and_its_buttons_go_stale(
    box: Sandbox,
) -> None:
    """Ben withdraws his proposal: Ada hears of it, and her Accept is refused privately."""
    approved_session(box)
    ben_asks_to_reschedule(box)
    value = open_proposal_value(box)
    box.user(BEN).click("Withdraw")
    assert "withdrew" in seen_text(box, ADA, "dm")
    send_click(box, ADA, Action.ACCEPT_PROPOSAL, value)
    assert "already answered, withdrawn or replaced" in seen_text(box, ADA, "response")
    assert booking_row(box).starts_at == SESSION_START
    assert proposal_statuses(box) == ["withdrawn"]


def test_reschedule_from_home(box: Sandbox) -> None:
    """Home lists the session with Reschedule; Ben's pick there reaches Ada."""
    approved_session(box)
    ben = box.user(BEN)
    ben.open_home()
    assert "Reschedule" in str(box.fake.home(BEN))
    ben.click("Reschedule", where="home")
    ben.fill("Time", "Tue 24 Nov, 17:00")
    assert ben.submit().errors == {}
    assert "asks to reschedule" in seen_text(box, ADA, "dm")
    assert proposal_statuses(box) == ["open"]
    # Both Homes are published again (read together, after the DMs) with the time on the table.
    assert "You proposed" in str(box.fake.home(BEN))
    assert f"<@{BEN}> proposed" in str(box.fake.home(ADA))


# --- inviting -------------------------------------------------------------------------------


def test_a_mentor_invites_someone_who_counters_and_the_mentor_accepts(box: Sandbox) -> None:
    """Ada types `/mentor invite @Chitra`, picks 10:00 with a title and an agenda; Chitra
    proposes 11:00 instead; Ada accepts: a session, both confirmed."""
    ada_with_a_morning(box)
    ada = box.user(ADA)
    ada.command(f"invite <@{CHITRA}|chitra>")
    ada.fill("Time", "Tue 24 Nov, 10:00")
    ada.fill("Title", "Your first design review")
    ada.fill("Agenda", "Walk through the review checklist together.")
    assert ada.submit().errors == {}
    invitation = seen_text(box, CHITRA, "dm", tz="Asia/Kolkata")
    assert "invites you to a session, *Your first design review*" in invitation
    assert "Nov 24, 2026 at 20:30" in invitation
    propose_another(box, CHITRA, "Tue 24 Nov, 21:30")
    box.user(ADA).click("Accept")
    row = booking_row(box)
    assert (row.status, row.planned_by, row.starts_at) == (
        "approved",
        "mentor",
        SESSION_START + timedelta(hours=1),
    )
    assert "Session confirmed" in seen_text(box, CHITRA, "dm")


def test_declining_an_invitation_needs_a_reason_the_mentor_reads(box: Sandbox) -> None:
    ada_with_a_morning(box)
    assert invite(box, CHITRA, "Career chat") == {}
    chitra = box.user(CHITRA)
    chitra.click("Decline")
    assert list(chitra.submit().errors) == ["Reason"]
    chitra.fill("Reason", "I'm on leave that week.")
    assert chitra.submit().errors == {}
    assert "I'm on leave that week." in seen_text(box, ADA, "dm")
    assert statuses(box) == ["declined"]


def test_withdrawing_an_invitation_cancels_it_and_tells_the_invitee(box: Sandbox) -> None:
    ada_with_a_morning(box)
    assert invite(box, CHITRA, "Career chat") == {}
    box.user(ADA).click("Withdraw invitation")
    assert statuses(box) == ["cancelled"]
    assert "withdrew" in seen_text(box, CHITRA, "dm")
    box.user(CHITRA).click("Accept")
    assert "already cancelled" in seen_text(box, CHITRA, "response")
    assert request(box, BEN) == {}  # the time is free again


def test_only_active_mentors_invite_and_not_themselves(box: Sandbox) -> None:
    box.user(BEN).command("invite")
    assert "Only active mentors" in seen_text(box, BEN, "ack")
    ada_with_a_morning(box)
    assert list(invite(box, ADA, "Me")) == ["Person"]
    assert statuses(box) == []


# --- bad input ------------------------------------------------------------------------------


def test_a_typed_time_in_the_past_is_a_field_error(box: Sandbox) -> None:
    approved_session(box)
    ada = box.user(ADA)
    ada.click("Reschedule", where="message")
    ada.fill("Or another day", "2026-11-20")
    ada.fill("At", "09:00")
    errors = ada.submit().errors
    assert list(errors) == ["Or another day"] and "already passed" in errors["Or another day"]
    assert proposal_statuses(box) == []


def test_a_time_taken_between_opening_and_submitting_is_a_field_error(box: Sandbox) -> None:
    """Ben opens Reschedule; Chitra books 10:30 first; Ben's pick of it is refused on "Time"."""
    approved_session(box)
    ben = box.user(BEN)
    ben.click("Reschedule", where="message")
    assert request(box, CHITRA) == {}  # the first free time: 10:30 in New York
    ben.fill("Time", "Tue 24 Nov, 16:30")
    errors = ben.submit().errors
    assert list(errors) == ["Time"] and "just booked" in errors["Time"]
    assert proposal_statuses(box) == []


def test_a_mentor_typing_a_time_she_is_busy_is_refused(box: Sandbox) -> None:
    """Ada types 10:40 while Chitra holds 10:30-11:00: a field error."""
    approved_session(box)
    assert request(box, CHITRA) == {}  # Chitra asks for the next time, 10:30
    ada = box.user(ADA)
    ada.click("Reschedule", where="message")
    ada.fill("Or another day", TOMORROW)
    ada.fill("At", "10:40")
    errors = ada.submit().errors
    assert "already have a session" in errors["Or another day"]


def test_a_cancelled_session_cannot_be_rescheduled(box: Sandbox) -> None:
    approved_session(box)
    ben = box.user(BEN)
    ben.click("Cancel session")
    ben.fill("Reason", "Something came up.")
    assert ben.submit().errors == {}
    ben.click("Reschedule", where="message")
    assert "was cancelled, so its time can't change" in seen_text(box, BEN, "response")


def test_a_finished_session_cannot_be_rescheduled(box: Sandbox) -> None:
    approved_session(box)
    box.clock.set(SESSION_START + timedelta(hours=1))
    box.user(BEN).click("Reschedule", where="message")
    assert "already started" in seen_text(box, BEN, "response")
    assert proposal_statuses(box) == []


def test_non_participants_and_proposers_are_refused(box: Sandbox) -> None:
    """Chitra forges Reschedule, Accept and Withdraw; Ben clicks Accept on his own proposal:
    each hears privately why, and nothing changes."""
    approved_session(box)
    ben_asks_to_reschedule(box)
    value = open_proposal_value(box)
    send_click(box, CHITRA, Action.RESCHEDULE, booking_id(box))
    send_click(box, CHITRA, Action.ACCEPT_PROPOSAL, value)
    send_click(box, CHITRA, Action.WITHDRAW_PROPOSAL, value)
    assert seen_text(box, CHITRA, "response").count("isn't yours to change") == 3
    send_click(box, BEN, Action.ACCEPT_PROPOSAL, value)
    assert "You proposed that time yourself" in seen_text(box, BEN, "response")
    assert proposal_statuses(box) == ["open"]
    assert booking_row(box).starts_at == SESSION_START


# --- a mentorship session the mentor planned ------------------------------------------------


def test_a_mentorship_session_the_mentor_planned_is_answered_with_another_time(
    box: Sandbox,
) -> None:
    """Ada plans the next session of her mentorship with Ben at 10:00; Ben proposes 11:00
    instead; Ada accepts: the session of the mentorship is approved at 11:00, with its diary
    prompt planned after it."""
    ada_with_a_morning(box)
    with box.deps.sessions.begin() as session:
        ada = session.scalars(select(MentorProfile)).one()
        ben = seed.add_user(session, BEN, tz="Europe/Paris", name="Ben Martin", at=START)
        frame = seed.add_mentorship(session, ada, [ben], at=START)
        mentorship = str(frame.id)
    send_click(box, ADA, Action.PLAN_SESSION, mentorship)
    ada_now = box.user(ADA)
    ada_now.fill("Time", "Tue 24 Nov, 10:00")
    ada_now.fill("Agenda", "Review the outline of my talk")
    assert ada_now.submit().errors == {}
    propose_another(box, BEN, "Tue 24 Nov, 17:00")
    assert "proposes Nov 24, 2026 at 11:00" in seen_text(box, ADA, "dm", tz="America/New_York")
    box.user(ADA).click("Accept")
    row = booking_row(box)
    assert (row.status, row.mentorship_id, row.starts_at) == (
        "approved",
        frame.id,
        SESSION_START + timedelta(hours=1),
    )
    with box.deps.sessions.begin() as session:
        kinds = set(
            session.scalars(
                select(DueWork.kind).where(
                    DueWork.booking_id == row.id, DueWork.status == "pending"
                )
            )
        )
    assert "mship_diary_prompt" in kinds


def test_a_busy_list_with_times_on_the_table_stays_within_one_message(box: Sandbox) -> None:
    """Ada has ten upcoming sessions, each with another time she proposed, and six requests
    waiting: `/mentor sessions` shows as many as one message holds (Block Kit's 50 blocks,
    checked by the simulator) and counts the rest."""
    with box.deps.sessions.begin() as session:
        ada = seed.add_mentor(session, ADA, tz="America/New_York", name="Ada Lovelace", capacity=40)
        ben = seed.add_user(session, BEN, tz="Europe/Paris", name="Ben Martin", at=START)
        for n in range(10):
            held = seed.add_slot(session, ada.id, SESSION_START + timedelta(days=n))
            other = seed.add_slot(session, ada.id, SESSION_START + timedelta(days=n, hours=2))
            row = seed.add_booking(session, held.id, ben.id, "approved", decided_at=START)
            session.add(
                TimeProposal(
                    booking_id=row.id,
                    slot_id=other.id,
                    proposed_by=ada.user_id,
                    status="open",
                    created_at=START,
                )
            )
        for n in range(6):
            asker = seed.add_user(session, f"U0ASKER{n}", at=START)
            slot = seed.add_slot(session, ada.id, SESSION_START + timedelta(days=n, hours=4))
            seed.add_booking(session, slot.id, asker.id)
    box.user(ADA).command("sessions")
    listed = seen_text(box, ADA, "ack")
    assert "more: type `/mentor sessions`" in listed
    assert listed.count("[Approve]") == 6 and 5 <= listed.count("[Reschedule]") < 10
