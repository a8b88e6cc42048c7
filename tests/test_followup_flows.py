"""The scheduler through Slack, with a moved clock: reminders, expiry, check-ins and reviews."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.blocks.followup import CONNECTION_COMMENT_LABEL, PROGRAM_COMMENT_LABEL
from bot.ids import Action
from bot.sandbox import Sandbox
from store.models import Attendance, DueWork, Review
from tests.conftest import ADA, BEN, CHITRA
from tests.steps import (
    CONNECTING,
    PROGRAM,
    SESSION_START,
    STAR,
    ada_with_a_morning,
    add_once,
    approved_session,
    booking_id,
    check_in,
    dms,
    request,
    run_at,
    send_click,
    statuses,
)


def test_reminders_arrive_at_their_time_and_only_then(box: Sandbox) -> None:
    """24 hours and 10 minutes before, both get a reminder with the link and Ben's goals."""
    approved_session(box)
    run_at(box, SESSION_START - timedelta(hours=24, minutes=1))
    assert dms(box, BEN, "Reminder") == []
    run_at(box, SESSION_START - timedelta(hours=24))
    assert len(dms(box, BEN, "Reminder")) == 1 and len(dms(box, ADA, "Reminder")) == 1
    box.run_due()
    assert len(dms(box, BEN, "Reminder")) == 1  # once, however many passes run
    run_at(box, SESSION_START - timedelta(minutes=10))
    assert len(dms(box, BEN, "Reminder")) == 2
    reminder = [s for s in box.fake.seen_by(ADA) if "Reminder" in s.text][-1]
    shown = str(reminder.blocks)
    assert "https://meet.example.com/ada" in shown and "one-to-ones" in shown


def test_past_offsets_are_skipped_not_sent_late(box: Sandbox) -> None:
    """Approved five hours before the start: no 24-hour reminder ever, the 10-minute one does."""
    ada_with_a_morning(box)
    box.clock.set(SESSION_START - timedelta(hours=5))
    assert request(box, BEN) == {}
    box.user(ADA).click("Approve")
    box.run_due()
    assert dms(box, BEN, "Reminder") == []
    run_at(box, SESSION_START - timedelta(minutes=10))
    assert len(dms(box, BEN, "Reminder")) == 1


def test_unanswered_request_reminds_then_expires(box: Sandbox) -> None:
    """Ada ignores Ben: she is reminded once halfway, then it expires an hour before the slot."""
    ada_with_a_morning(box)
    request(box, BEN)
    expiry = SESSION_START - timedelta(hours=1)  # sooner than the 72-hour TTL
    halfway = box.clock.now() + (expiry - box.clock.now()) / 2
    run_at(box, halfway - timedelta(minutes=1))
    assert dms(box, ADA, "waiting for your answer") == []
    run_at(box, halfway)
    assert len(dms(box, ADA, "waiting for your answer")) == 1
    run_at(box, expiry)
    assert statuses(box) == ["expired"]
    assert len(dms(box, BEN, "expired")) == 1
    card = [s for s in box.fake.seen_by(ADA) if s.kind == "update"][-1]
    assert "Expired" in str(card.blocks)
    box.run_due()
    assert len(dms(box, BEN, "expired")) == 1


def test_cancelling_removes_pending_due_work(box: Sandbox) -> None:
    """Ben cancels his session: no reminder or check-in is ever sent for it."""
    approved_session(box)
    ben = box.user(BEN)
    ben.command("sessions")
    ben.click("Cancel", where="message")
    ben.fill("Reason", "Something urgent came up at work.")
    assert ben.submit().errors == {}
    with box.deps.sessions.begin() as session:
        left = session.scalars(select(DueWork.status).where(DueWork.booking_id.is_not(None)))
        assert set(left) == {"cancelled"}
    run_at(box, SESSION_START + timedelta(hours=1))
    assert dms(box, BEN, "Reminder") == [] and dms(box, BEN, "take place") == []


def test_yes_leads_to_a_review_with_rules_on_low_stars(box: Sandbox) -> None:
    """Ben says Yes; the review refuses low stars without comments, then takes his answers."""
    approved_session(box)
    check_in(box)
    ben = box.user(BEN)
    ben.click("Yes")
    modal = box.fake.modal(BEN)
    assert modal is not None and "coordinators only" in str(modal["blocks"])
    ben.fill(CONNECTING, STAR[2])
    ben.fill(PROGRAM, STAR[3])
    errors = ben.submit().errors
    assert set(errors) == {CONNECTION_COMMENT_LABEL, PROGRAM_COMMENT_LABEL}
    ben.fill(CONNECTION_COMMENT_LABEL, "We ran out of time before my main question.")
    ben.fill(PROGRAM_COMMENT_LABEL, "Longer sessions would help.")
    ben.fill("Action items for your next session", "Draft my one-to-one template")
    assert ben.submit().errors == {}
    with box.deps.sessions.begin() as session:
        review = session.scalars(select(Review)).one()
        assert (review.connection_stars, review.program_stars) == (2, 3)
        assert review.action_items == "Draft my one-to-one template"
    assert "Thank you" in box.fake.seen_by(BEN)[-1].text


def test_high_stars_need_no_comment_and_one_review_each(box: Sandbox) -> None:
    """Ada gives 4 and 5 stars bare; a second attempt is refused politely."""
    approved_session(box)
    check_in(box)
    ada = box.user(ADA)
    ada.click("Yes")
    ada.fill("1. How did you enjoy connecting with Ben Martin?", STAR[4])
    ada.fill(PROGRAM, STAR[5])
    assert ada.submit().errors == {}
    send_click(box, ADA, Action.OPEN_REVIEW, booking_id(box))
    ada.fill("1. How did you enjoy connecting with Ben Martin?", STAR[5])
    ada.fill(PROGRAM, STAR[5])
    errors = ada.submit().errors
    assert "already reviewed" in " ".join(errors.values())
    with box.deps.sessions.begin() as session:
        assert len(session.scalars(select(Review)).all()) == 1


def test_no_asks_what_happened_and_records_it(box: Sandbox) -> None:
    """Ada says No, then "The other person didn't come": both answers are recorded."""
    approved_session(box)
    check_in(box)
    ada = box.user(ADA)
    ada.click("No")
    ada.click("The other person didn't come")
    with box.deps.sessions.begin() as session:
        answer = session.scalars(select(Attendance)).one()
        assert (answer.took_place, answer.what_happened) == (False, "no_show")
    assert box.fake.modal(ADA) is None


def test_one_review_reminder_after_48_hours(box: Sandbox) -> None:
    """Both say Yes; Ben reviews, Ada doesn't: 48 hours on, only Ada is reminded, once."""
    approved_session(box)
    check_in(box)
    ben = box.user(BEN)
    ben.click("Yes")
    ben.fill(CONNECTING, STAR[5])
    ben.fill(PROGRAM, STAR[5])
    ben.submit()
    box.user(ADA).click("Yes")
    box.fake.clear_modals(ADA)
    run_at(box, box.clock.now() + timedelta(hours=48))
    box.run_due()
    assert len(dms(box, ADA, "How was your session")) == 1
    assert dms(box, BEN, "How was your session") == []


def test_action_items_reach_the_next_reminder(box: Sandbox) -> None:
    """Ben's action items from the first session reach the next reminder and both Homes."""
    approved_session(box)
    check_in(box)
    ben = box.user(BEN)
    ben.click("Yes")
    ben.fill(CONNECTING, STAR[5])
    ben.fill(PROGRAM, STAR[5])
    ben.fill("Action items for your next session", "Draft my one-to-one template")
    assert ben.submit().errors == {}
    assert add_once(box, ADA, "2026-12-01", "10:00", "11:00") == {}
    box.fake.clear_modals(ADA)
    assert request(box, BEN) == {}
    box.user(ADA).click("Approve")
    run_at(box, datetime(2026, 11, 30, 15, 0, tzinfo=UTC))
    reminder = [s for s in box.fake.seen_by(BEN) if "Reminder" in s.text][-1]
    assert "Draft my one-to-one template" in str(reminder.blocks)
    for person in (BEN, ADA):
        box.user(person).open_home()
        assert "Draft my one-to-one template" in str(box.fake.home(person))


def test_strangers_cannot_check_in_or_review(box: Sandbox) -> None:
    """Chitra forges Yes and Leave a review on Ben's session: told politely, nothing stored."""
    approved_session(box)
    check_in(box)
    send_click(box, CHITRA, Action.CHECKIN_YES, booking_id(box))
    send_click(box, CHITRA, Action.OPEN_REVIEW, booking_id(box))
    assert box.fake.modal(CHITRA) is None
    with box.deps.sessions.begin() as session:
        assert session.scalars(select(Attendance)).all() == []
