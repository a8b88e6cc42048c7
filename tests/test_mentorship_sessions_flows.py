"""Meeting in a mentorship and its diary, through Slack: either side plans a session from the
mentor's free times, the mentee writes a diary entry after it, the mentor comments, the
homework comes back in the next reminder, and nobody else gets in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from bot.ids import Action
from bot.sandbox import Sandbox
from bot.services import mentorship_plans
from bot.simulator.render import render_blocks
from store.models import Booking, MentorProfile, Mentorship, MentorshipMember
from store.statuses import MemberStatus, MentorshipStatus
from tests import seed
from tests.conftest import ADA, BEN, CHITRA, START
from tests.steps import (
    NAMES,
    SESSION_START,
    ada_with_a_morning,
    dms,
    request,
    run_at,
    seen_text,
    send_click,
    statuses,
)

AGENDA = "Review the outline of my talk"
HOMEWORK = "Rehearse the opening twice and time it"
NEXT_SESSION = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)  # Thursday, 10:00 in New York
FORTNIGHT = timedelta(days=14)


def ada_mentors_ben(box: Sandbox) -> str:
    """Ada (free tomorrow morning) and Ben in an active fortnightly mentorship, its plan made as
    when both agreed; the mentorship's id, as its buttons carry it."""
    ada_with_a_morning(box)
    with box.deps.sessions.begin() as session:
        ada = session.scalars(select(MentorProfile)).one()
        ben = seed.add_user(session, BEN, tz="Europe/Paris", name="Ben Martin", at=START)
        frame = seed.add_mentorship(session, ada, [ben], at=START)
        assert frame.starts_on and frame.ends_on
        mentorship_plans.plan_active(
            session,
            mentorship_id=frame.id,
            member_id=frame.members[0].id,
            people=[ben.id, ada.user_id],
            starts_on=frame.starts_on,
            ends_on=frame.ends_on,
            now=START,
        )
        return str(frame.id)


def plan(box: Sandbox, user_id: str, mentorship: str, time: str | None = None) -> dict[str, str]:
    """Click Plan a session (as Home and the group DM offer it), pick a time, give the agenda."""
    send_click(box, user_id, Action.PLAN_SESSION, mentorship)
    person = box.user(user_id)
    if time:
        person.fill("Time", time)
    person.fill("Agenda", AGENDA)
    return person.submit().errors


def only_booking(box: Sandbox) -> Booking:
    with box.deps.sessions.begin() as session:
        return session.scalars(select(Booking)).one()


def add_free_time(box: Sandbox, starts_at: datetime) -> None:
    with box.deps.sessions.begin() as session:
        ada = session.scalars(select(MentorProfile)).one()
        seed.add_slot(session, ada.id, starts_at)


def accepted_session(box: Sandbox, mentorship: str) -> None:
    """Ada plans tomorrow 10:00 New York time and Ben accepts."""
    assert plan(box, ADA, mentorship) == {}
    box.user(BEN).click("Accept")
    assert statuses(box) == ["approved"]


def test_mentee_plans_and_the_mentor_approves_on_the_usual_card(box: Sandbox) -> None:
    """Ben plans with an agenda; Ada's card says it is the mentorship's; she approves."""
    mentorship = ada_mentors_ben(box)
    assert plan(box, BEN, mentorship, time="Tue 24 Nov, 16:00") == {}
    card = seen_text(box, ADA, "dm", tz="America/New_York")
    assert "@Ben Martin asks for a session on Nov 24, 2026 at 10:00 (30 min)" in card
    assert "Part of your mentorship" in card and AGENDA in card
    assert "is planned. I'll tell you here when @Ada Lovelace answers" in seen_text(box, BEN, "dm")
    box.user(ADA).click("Approve")
    booking = only_booking(box)
    assert (booking.status, booking.planned_by, str(booking.mentorship_id)) == (
        "approved",
        "mentee",
        mentorship,
    )
    assert "Session confirmed with @Ada Lovelace" in seen_text(box, BEN, "dm")


def test_mentor_plans_and_the_mentee_accepts_without_the_mentors_approval(box: Sandbox) -> None:
    """Ada plans: Ben gets Accept / Decline, Ada no approval card; Ben accepts, both are
    confirmed, and the usual reminders come."""
    mentorship = ada_mentors_ben(box)
    assert plan(box, ADA, mentorship) == {}
    assert "planned the next session of your mentorship" in seen_text(box, BEN, "dm")
    assert "[Approve]" not in seen_text(box, ADA, "dm")
    box.user(BEN).click("Accept")
    assert statuses(box) == ["approved"]
    assert only_booking(box).planned_by == "mentor"
    assert "You accepted the session" in seen_text(box, BEN, "response")
    assert "Session confirmed with @Ada Lovelace" in seen_text(box, BEN, "dm")
    assert "Session confirmed with @Ben Martin" in seen_text(box, ADA, "dm")
    run_at(box, SESSION_START - timedelta(minutes=5))
    assert len(dms(box, BEN, "Reminder")) == 2 and len(dms(box, ADA, "Reminder")) == 2


def test_the_mentee_declines_a_planned_session_with_a_reason(box: Sandbox) -> None:
    """Ben can't make Ada's time: he says why, Ada reads it and can plan another time."""
    mentorship = ada_mentors_ben(box)
    assert plan(box, ADA, mentorship) == {}
    ben = box.user(BEN)
    ben.click("Decline")
    ben.fill("Reason", "I'm travelling that day.")
    assert ben.submit().errors == {}
    assert statuses(box) == ["declined"]
    told = seen_text(box, ADA, "dm")
    assert "can't make the session you planned" in told and "travelling" in told
    assert "[Plan another time]" in told


def test_one_session_waits_for_an_answer_at_a_time(box: Sandbox) -> None:
    """A second plan while one waits is refused on its time, saying why; nothing is added."""
    mentorship = ada_mentors_ben(box)
    assert plan(box, ADA, mentorship) == {}
    errors = plan(box, BEN, mentorship, time="Tue 24 Nov, 17:00")
    assert list(errors) == ["Time"] and "already waiting for an answer" in errors["Time"]
    assert statuses(box) == ["pending"]


def test_an_agenda_is_required(box: Sandbox) -> None:
    mentorship = ada_mentors_ben(box)
    send_click(box, BEN, Action.PLAN_SESSION, mentorship)
    errors = box.user(BEN).submit().errors
    assert list(errors) == ["Agenda"]
    assert statuses(box) == []


def test_someone_outside_the_mentorship_is_refused(box: Sandbox) -> None:
    """Chitra forges Plan a session and Accept with real ids: refused, no modal, no booking."""
    mentorship = ada_mentors_ben(box)
    send_click(box, CHITRA, Action.PLAN_SESSION, mentorship)
    assert box.fake.modal(CHITRA) is None
    assert "isn't one you're part of" in seen_text(box, CHITRA, "response")
    assert plan(box, ADA, mentorship) == {}
    send_click(box, CHITRA, Action.ACCEPT_PLANNED, str(only_booking(box).id))
    assert "isn't yours to accept" in seen_text(box, CHITRA, "response")
    assert statuses(box) == ["pending"]


def test_planning_in_an_ended_mentorship_is_a_stale_answer(box: Sandbox) -> None:
    """Ben opens the modal, the mentorship ends, he submits: told it ended, nothing booked;
    a later click on Plan a session gets the same answer."""
    mentorship = ada_mentors_ben(box)
    send_click(box, BEN, Action.PLAN_SESSION, mentorship)
    with box.deps.sessions.begin() as session:
        session.execute(update(Mentorship).values(status=MentorshipStatus.ENDED))
        session.execute(update(MentorshipMember).values(status=MemberStatus.ENDED))
    ben = box.user(BEN)
    ben.fill("Agenda", AGENDA)
    errors = ben.submit().errors
    assert list(errors) == ["Time"] and "already ended" in errors["Time"]
    assert statuses(box) == []
    send_click(box, BEN, Action.PLAN_SESSION, mentorship)
    assert "already ended" in seen_text(box, BEN, "response")


def test_a_time_taken_meanwhile_is_a_field_error(box: Sandbox) -> None:
    """Ben opens the plan modal; Chitra books that very time first; Ben's submit errors on it."""
    mentorship = ada_mentors_ben(box)
    send_click(box, BEN, Action.PLAN_SESSION, mentorship)
    assert request(box, CHITRA) == {}
    ben = box.user(BEN)
    ben.fill("Agenda", AGENDA)
    errors = ben.submit().errors
    assert list(errors) == ["Time"] and "just booked" in errors["Time"]
    assert statuses(box) == ["pending"]


def test_diary_after_the_session_comment_and_homework_in_the_next_reminder(
    box: Sandbox,
) -> None:
    """After the session Ben is asked for a diary entry, writes it with homework, Ada
    comments and Ben reads it; the next session's reminder brings the homework back."""
    mentorship = ada_mentors_ben(box)
    accepted_session(box, mentorship)
    run_at(box, SESSION_START + timedelta(minutes=30))
    assert dms(box, BEN, "diary entry") == []  # an hour after the end, not at once
    run_at(box, SESSION_START + timedelta(hours=2))
    assert len(dms(box, BEN, "diary entry")) == 1
    ben = box.user(BEN)
    ben.click("Write the entry")
    assert list(ben.submit().errors) == ["What did you discuss?"]
    ben.fill("What did you discuss?", "How to open a talk and hold the room.")
    ben.fill("Homework for next time", HOMEWORK)
    assert ben.submit().errors == {}
    assert "Saved in your diary" in seen_text(box, BEN, "dm")
    assert "@Ben Martin wrote a diary entry" in seen_text(box, ADA, "dm")

    ben.click("Write the entry", where="message")  # the prompt again: one entry per session
    assert "already written" in seen_text(box, BEN, "response")

    ada = box.user(ADA)
    ada.click("Comment")
    ada.fill("Your comment", "Good plan; record yourself once.")
    assert ada.submit().errors == {}
    assert "commented on your diary entry" in seen_text(box, BEN, "dm")
    assert "record yourself once" in seen_text(box, BEN, "dm")

    ben.click("Open the diary", near="commented")
    diary = str(box.fake.modal(BEN))
    assert "hold the room" in diary and HOMEWORK in diary and "record yourself once" in diary

    add_free_time(box, NEXT_SESSION)
    assert plan(box, BEN, mentorship) == {}
    ada.click("Approve")
    run_at(box, NEXT_SESSION - timedelta(minutes=5))
    reminder = [s for s in box.fake.seen_by(BEN) if s.kind == "dm" and "Reminder" in s.text][-1]
    assert "Homework from the diary" in str(reminder.blocks) and HOMEWORK in str(reminder.blocks)


def test_the_diary_is_the_pairs_only(box: Sandbox) -> None:
    """Chitra opens the diary with a real id and tries to write Ben's entry: refused twice."""
    mentorship = ada_mentors_ben(box)
    accepted_session(box, mentorship)
    run_at(box, SESSION_START + timedelta(hours=2))
    send_click(box, CHITRA, Action.OPEN_DIARY, mentorship)
    send_click(box, CHITRA, Action.WRITE_DIARY, str(only_booking(box).id))
    assert box.fake.modal(CHITRA) is None
    assert seen_text(box, CHITRA, "response").count("isn't one you're part of") == 2
    send_click(box, ADA, Action.OPEN_DIARY, mentorship)
    assert "No entries yet" in str(box.fake.modal(ADA))


def test_a_cancelled_session_asks_for_no_diary(box: Sandbox) -> None:
    mentorship = ada_mentors_ben(box)
    accepted_session(box, mentorship)
    ben = box.user(BEN)
    ben.click("Cancel session")
    ben.fill("Reason", "Something came up.")
    assert ben.submit().errors == {}
    run_at(box, SESSION_START + timedelta(hours=2))
    assert dms(box, BEN, "diary entry") == []


def test_cadence_nudge_once_when_nothing_is_planned(box: Sandbox) -> None:
    """A fortnight after they became active with nothing planned, both are nudged once, and
    the nudge's button opens the plan modal."""
    mentorship = ada_mentors_ben(box)
    run_at(box, START + FORTNIGHT + timedelta(minutes=1))
    run_at(box, START + FORTNIGHT + timedelta(days=1))
    assert len(dms(box, BEN, "Time to plan")) == 1 and len(dms(box, ADA, "Time to plan")) == 1
    assert "You meant to meet every two weeks" in seen_text(box, BEN, "dm")
    add_free_time(box, START + FORTNIGHT + timedelta(days=3))
    box.user(BEN).click("Plan a session")
    modal = box.fake.modal(BEN)
    assert modal is not None and str(mentorship) == modal.get("private_metadata")


def test_no_cadence_nudge_while_a_session_is_planned(box: Sandbox) -> None:
    """With a session held the day after they started, the first fortnight passes quietly; a
    fortnight after that session, with nothing planned since, the nudge comes."""
    mentorship = ada_mentors_ben(box)
    accepted_session(box, mentorship)
    run_at(box, START + FORTNIGHT + timedelta(minutes=1))
    assert dms(box, BEN, "Time to plan") == [] and dms(box, ADA, "Time to plan") == []
    run_at(box, SESSION_START + FORTNIGHT + timedelta(hours=1))
    assert len(dms(box, BEN, "Time to plan")) == 1 and len(dms(box, ADA, "Time to plan")) == 1


def test_a_pending_plan_keeps_the_nudge_quiet(box: Sandbox) -> None:
    """A plan waiting for an answer counts as planned: no nudge while it waits."""
    mentorship = ada_mentors_ben(box)
    add_free_time(box, START + FORTNIGHT + timedelta(days=2))
    box.clock.set(START + FORTNIGHT - timedelta(days=1))
    assert plan(box, ADA, mentorship) == {}
    run_at(box, START + FORTNIGHT + timedelta(minutes=1))
    assert dms(box, BEN, "Time to plan") == [] and dms(box, ADA, "Time to plan") == []


def test_a_session_the_mentor_planned_waits_for_the_mentee_in_sessions_and_home(
    box: Sandbox,
) -> None:
    """Ada plans: `/mentor sessions` and Home show it to Ben as his to answer, with Accept and
    Decline, and to Ada as proposed and waiting for Ben, with no Approve; Ben accepts there."""
    mentorship = ada_mentors_ben(box)
    assert plan(box, ADA, mentorship) == {}
    box.user(ADA).command("sessions")
    ada = seen_text(box, ADA, "ack")
    assert "*Your requests*" in ada and "you proposed, waiting for @Ben Martin" in ada
    assert "waiting for your answer" not in ada and "[Approve]" not in ada

    box.user(BEN).command("sessions")
    ben = seen_text(box, BEN, "ack")
    assert "*Requests waiting for your answer*" in ben and "[Accept] [Decline]" in ben
    assert "@Ada Lovelace planned this mentorship session" in ben
    assert "Your requests" not in ben and "[Approve]" not in ben

    box.user(ADA).open_home()
    home = render_blocks(box.fake.home(ADA)["blocks"], "UTC", NAMES)
    assert "you proposed, waiting for @Ben Martin" in home and "[Approve]" not in home
    box.user(BEN).open_home()
    home = render_blocks(box.fake.home(BEN)["blocks"], "UTC", NAMES)
    assert "*Requests waiting for your answer*" in home and "[Accept] [Decline]" in home
    box.user(BEN).click("Accept", where="home")
    assert statuses(box) == ["approved"]
    assert "Session confirmed with @Ada Lovelace" in seen_text(box, BEN, "dm")
