"""A pair's first session is set up to go well: its reminders carry the mentor's opening
checklist and, for both, how to get ready; later sessions of the pair do not repeat them."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.sandbox import Sandbox
from store.models import Booking
from tests.conftest import ADA, BEN
from tests.steps import QUESTION, SESSION_START, approved_session, run_at

CHECKLIST = "Opening your first session"
READY = "Test your set-up (link, sound, camera) 10 minutes before"


def last_reminder(box: Sandbox, user_id: str) -> str:
    return str([s for s in box.fake.seen_by(user_id) if "Reminder" in s.text][-1].blocks)


def test_the_first_reminders_carry_the_checklist_and_the_tips(box: Sandbox) -> None:
    approved_session(box)
    run_at(box, SESSION_START - timedelta(hours=24))
    ada, ben = last_reminder(box, ADA), last_reminder(box, BEN)
    assert CHECKLIST in ada and "stays between you" in ada and READY in ada
    assert CHECKLIST not in ben and READY in ben  # the checklist is the mentor's to run


def test_a_pairs_second_session_has_neither(box: Sandbox) -> None:
    approved_session(box)
    ben = box.user(BEN)
    ben.command("find python leadership")
    ben.click("Book")  # the first free time left: tomorrow 10:30 in New York
    ben.fill(QUESTION, "A follow-up on my one-to-ones: what to do when one goes badly.")
    assert ben.submit().errors == {}
    box.user(ADA).click("Approve")
    with box.deps.sessions.begin() as session:
        starts = list(
            session.scalars(
                select(Booking.starts_at)
                .where(Booking.status == "approved")
                .order_by(Booking.starts_at)
            )
        )
    assert starts == [SESSION_START, SESSION_START + timedelta(minutes=30)]
    run_at(box, SESSION_START + timedelta(minutes=30) - timedelta(hours=24))  # both 24 h ones
    first_ada, second_ada = [str(s.blocks) for s in box.fake.seen_by(ADA) if "Reminder" in s.text]
    first_ben, second_ben = [str(s.blocks) for s in box.fake.seen_by(BEN) if "Reminder" in s.text]
    assert (CHECKLIST in first_ada + second_ada) and (CHECKLIST in first_ada) != (
        CHECKLIST in second_ada
    )
    assert [READY in first_ben, READY in second_ben].count(True) == 1
    with_tips = first_ben if READY in first_ben else second_ben
    assert str(int(SESSION_START.timestamp())) in with_tips  # the tips are the first one's
