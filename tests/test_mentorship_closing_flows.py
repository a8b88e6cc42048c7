"""A mentorship's later life through signed HTTP: the pulse a month in, changing course
(extending, ending early, asking coordinators for another mentor) and the close at the end date,
with its evaluations and the mentor's feedback the mentee keeps."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.blocks.closing import feedback_blocks
from bot.ids import Action
from bot.sandbox import Sandbox, sandbox
from bot.services import mentorship_plans
from bot.services.coordinators import COORDINATORS_ONLY
from bot.services.mentorship_closing import feedback_for
from bot.simulator.render import render_blocks, render_view
from store.models import (
    AuditEntry,
    Booking,
    ChangeRequest,
    DueWork,
    Evaluation,
    Goal,
    Mentorship,
    MentorshipMember,
    Pulse,
)
from store.statuses import (
    BookingStatus,
    ChangeRequestStatus,
    DueStatus,
    GoalStatus,
    MemberStatus,
    MentorshipStatus,
)
from tests.conftest import ADA, BEN, CHITRA, DAN, START, make_fake_slack
from tests.seed import add_mentor, add_mentorship, add_session, add_user
from tests.steps import NAMES, STAR, run_at, send_click

CHANNEL = "C0COORD"
ENV = {"COORDINATOR_CHANNEL": CHANNEL, "COORDINATOR_USER_IDS": CHITRA}
GOALS = ("Give my first conference talk", "Run a good one-to-one")
A_MONTH_IN = START + timedelta(days=30)
ENDS_ON = START.date() + timedelta(days=90)  # a three-month mentorship that starts today
END_DATE = datetime.combine(ENDS_ON, mentorship_plans.CLOSE_AT, UTC)
QUESTION = "How is your mentorship going?"


@pytest.fixture
def program(database_url: str) -> Iterator[Sandbox]:
    """The sandbox with a private coordinators' channel (Chitra coordinates) and Dan, who
    mentors elsewhere and has no part in Ada and Ben's mentorship."""
    fake = make_fake_slack()
    fake.add_user(DAN, "Dan Ruiz", "Asia/Kolkata")
    fake.add_channel(
        CHANNEL, "mentoring-coordinators", private=True, members=(CHITRA, fake.bot_user_id)
    )
    with sandbox(database_url, now=START, env=ENV, fake=fake) as running:
        yield running
        assert running.fake.problems == []


@dataclass(frozen=True)
class Pair:
    mentorship: int
    member: int


def ada_mentors_ben(box: Sandbox) -> Pair:
    """Ada and Ben agreed a three-month mentorship starting today, with two goals; its pulses
    and closing are planned as on agreement."""
    with box.deps.sessions.begin() as session:
        ada = add_mentor(session, ADA, tz="America/New_York", name=NAMES[ADA], at=START)
        ben = add_user(session, BEN, tz="Europe/Paris", name=NAMES[BEN], at=START)
        add_user(session, CHITRA, tz="Asia/Kolkata", name=NAMES[CHITRA], at=START)
        add_mentor(session, DAN, name="Dan Ruiz", at=START)
        frame = add_mentorship(session, ada, [ben], goals=GOALS, starts_on=START.date(), at=START)
        member = frame.members[0]
        assert frame.starts_on and frame.ends_on == ENDS_ON
        mentorship_plans.plan_active(
            session,
            mentorship_id=frame.id,
            member_id=member.id,
            people=(ben.id, ada.user_id),
            starts_on=frame.starts_on,
            ends_on=frame.ends_on,
            now=START,
        )
        return Pair(frame.id, member.id)


def everything(box: Sandbox, user_id: str) -> str:
    """All the person saw, of any kind, rendered as they would read it."""
    names = {**NAMES, DAN: "Dan Ruiz"}
    return "\n".join(
        render_blocks(seen.blocks, "UTC", names) or seen.text for seen in box.fake.seen_by(user_id)
    )


def pulses_seen(box: Sandbox, user_id: str) -> int:
    return sum(QUESTION in seen.text for seen in box.fake.seen_by(user_id) if seen.kind == "dm")


def frame_of(box: Sandbox, pair: Pair) -> Mentorship:
    with box.deps.sessions.begin() as session:
        frame = session.get_one(Mentorship, pair.mentorship)
        session.expunge(frame)
        return frame


def member_of(box: Sandbox, pair: Pair) -> MentorshipMember:
    with box.deps.sessions.begin() as session:
        member = session.get_one(MentorshipMember, pair.member)
        session.expunge(member)
        return member


def pending_work(box: Sandbox, pair: Pair) -> list[str]:
    with box.deps.sessions.begin() as session:
        return sorted(
            session.scalars(
                select(DueWork.key).where(
                    DueWork.mentorship_id == pair.mentorship, DueWork.status == DueStatus.PENDING
                )
            )
        )


# --- the pulse -------------------------------------------------------------------------------


def test_the_pulse_comes_a_month_in_and_a_low_answer_needs_a_comment(program: Sandbox) -> None:
    box = program
    pair = ada_mentors_ben(box)
    run_at(box, A_MONTH_IN - timedelta(hours=1))
    assert pulses_seen(box, BEN) == pulses_seen(box, ADA) == 0

    run_at(box, A_MONTH_IN)
    assert pulses_seen(box, BEN) == pulses_seen(box, ADA) == 1
    ben = box.user(BEN)
    ben.click("Answer")
    modal = render_blocks(box.fake.modal(BEN)["blocks"], "UTC", NAMES)  # type: ignore[index]
    assert "coordinators only" in modal and "Ada Lovelace won't see it" in modal
    ben.fill(QUESTION, STAR[2])
    reply = ben.submit()
    assert list(reply.errors) == ["What's going well, and what isn't?"]
    assert "required at 2 stars or fewer" in reply.errors["What's going well, and what isn't?"]
    with box.deps.sessions.begin() as session:
        assert session.scalars(select(Pulse)).all() == []

    ben.fill("What's going well, and what isn't?", "We keep missing each other.")
    assert ben.submit().errors == {}
    assert "Your answer went to the program's coordinators only" in everything(box, BEN)
    with box.deps.sessions.begin() as session:
        (pulse,) = session.scalars(select(Pulse)).all()
        assert (pulse.member_id, pulse.round, pulse.stars) == (pair.member, 1, 2)
        assert pulse.comment == "We keep missing each other."
    assert "missing each other" not in everything(box, ADA)

    ada = box.user(ADA)  # Ada answers her own round, high enough to need no comment
    ada.click("Answer")
    ada.fill(QUESTION, STAR[4])
    assert ada.submit().errors == {}
    with box.deps.sessions.begin() as session:
        assert sorted(session.scalars(select(Pulse.stars))) == [2, 4]


def test_a_pulse_is_answered_once(program: Sandbox) -> None:
    box = program
    pair = ada_mentors_ben(box)
    run_at(box, A_MONTH_IN)
    ben = box.user(BEN)
    ben.click("Answer")
    first = box.fake.modal(BEN)
    ben.click("Answer")  # a second modal, opened before the first is sent
    ben.fill(QUESTION, STAR[5])
    assert ben.submit().errors == {}
    assert box.fake.modal(BEN) == first
    ben.fill(QUESTION, STAR[3])
    reply = ben.submit()
    assert list(reply.errors.values()) == ["You've already answered this pulse. Thank you!"]

    ben.click("Answer")  # and the button, once answered
    assert "already answered this pulse" in everything(box, BEN)
    send_click(box, BEN, Action.OPEN_PULSE, f"{pair.member}:2")  # a round not yet asked
    assert "isn't one you were asked" in everything(box, BEN)
    with box.deps.sessions.begin() as session:
        assert list(session.scalars(select(Pulse.stars))) == [5]


# --- changing course -------------------------------------------------------------------------


def test_both_agree_to_extend_and_the_close_moves(program: Sandbox) -> None:
    box = program
    pair = ada_mentors_ben(box)
    run_at(box, A_MONTH_IN)
    later = ENDS_ON + timedelta(days=30)
    ben = box.user(BEN)
    ben.click("Extend")
    ben.fill("New end date", (ENDS_ON - timedelta(days=1)).isoformat())
    assert "Pick a date after the current end" in ben.submit().errors["New end date"]
    ben.fill("New end date", later.isoformat())
    assert ben.submit().errors == {}
    assert "proposes to extend" in everything(box, ADA)
    assert frame_of(box, pair).proposed_ends_on == later

    ben.click("Extend")  # one open proposal at a time
    assert "already waiting for an answer" in everything(box, BEN)
    send_click(box, BEN, Action.ACCEPT_EXTENSION, str(pair.mentorship))  # his own proposal
    assert "You proposed this extension" in everything(box, BEN)
    assert frame_of(box, pair).ends_on == ENDS_ON

    box.user(ADA).click("Accept")
    frame = frame_of(box, pair)
    assert (frame.ends_on, frame.proposed_ends_on) == (later, None)
    assert f"now ends on {later:%A %d %B %Y}" in everything(box, BEN)
    closes = [key for key in pending_work(box, pair) if key.startswith("mship:close:")]
    assert closes and all(key.endswith(later.isoformat()) for key in closes)
    assert len(closes) == 2  # Ada's and Ben's, on the new date only

    run_at(box, END_DATE)  # the old end date: the pulses carry on, nothing closes
    assert pulses_seen(box, BEN) == 2
    assert "final evaluation" not in everything(box, BEN).lower()
    assert member_of(box, pair).status == MemberStatus.ACTIVE
    send_click(box, ADA, Action.ACCEPT_EXTENSION, str(pair.mentorship))  # a stale Accept
    assert "no extension waiting" in everything(box, ADA)


def test_ending_early_keeps_the_reason_from_the_other_side_when_asked(program: Sandbox) -> None:
    box = program
    pair = ada_mentors_ben(box)
    with box.deps.sessions.begin() as session:  # a session of theirs planned for next week
        member = session.get_one(MentorshipMember, pair.member)
        at = A_MONTH_IN + timedelta(days=3)
        planned = add_session(
            session, member.mentor_id, member.mentee_id, at, decided_at=at - timedelta(days=7)
        )
        planned.mentorship_id = pair.mentorship
        booking_id = planned.id
    run_at(box, A_MONTH_IN)
    reason = "My manager moved me to another team."
    ben = box.user(BEN)
    ben.click("End early")
    assert "Why are you ending it?" in ben.submit().errors
    ben.fill("Why are you ending it?", reason)
    ben.fill("Sharing", ["Don't share my reason with the other side"])
    assert ben.submit().errors == {}

    ada_saw = everything(box, ADA)
    assert "has ended your mentorship" in ada_saw and "Thank you for the time" in ada_saw
    assert reason not in ada_saw and "another team" not in ada_saw
    assert "without your reason" in everything(box, BEN)
    member, frame = member_of(box, pair), frame_of(box, pair)
    assert (member.status, member.ended_early, member.end_reason) == (
        MemberStatus.ENDED,
        True,
        reason,
    )
    assert not member.end_reason_shared and frame.status == MentorshipStatus.ENDED
    assert pending_work(box, pair) == []
    with box.deps.sessions.begin() as session:
        assert session.get_one(Booking, booking_id).status == BookingStatus.CANCELLED
        reminders = select(DueWork).where(
            DueWork.booking_id == booking_id, DueWork.status == DueStatus.PENDING
        )
        assert session.scalars(reminders).all() == []
    for person in (ADA, BEN):  # the cancelled session leaves both calendars
        (cancel,) = [s.file for s in box.fake.seen_by(person) if s.kind == "file" and s.file]
        assert b"METHOD:CANCEL" in cancel["content"]
        assert f"UID:booking-{booking_id}@".encode() in cancel["content"]

    box.user(ADA).click("Answer")  # her pulse, a stale button now
    assert "already ended" in everything(box, ADA)
    box.user(ADA).click("End early")
    assert everything(box, ADA).count("already ended") == 2
    run_at(box, END_DATE)
    assert "final evaluation" not in everything(box, BEN).lower()


def test_a_mentee_asks_coordinators_for_another_mentor_in_confidence(program: Sandbox) -> None:
    box = program
    pair = ada_mentors_ben(box)
    run_at(box, A_MONTH_IN)
    reason = "We don't get along, and I'd rather Ada didn't know."
    box.user(ADA).click("End early")
    box.fake.clear_modals(ADA)
    assert "Ask for a different mentor" not in everything(box, ADA)  # it is the mentee's
    send_click(box, ADA, Action.ASK_NEW_MENTOR, str(pair.mentorship))
    assert "Only a mentee can ask" in everything(box, ADA)

    ben = box.user(BEN)
    ben.click("Ask for a different mentor")
    ben.fill("What isn't working?", reason)
    assert ben.submit().errors == {}
    assert "your mentor is not told" in everything(box, BEN)
    (card,) = box.fake.channel_messages(CHANNEL)
    shown = render_blocks(card.blocks, "UTC", NAMES)
    assert "asks for a different mentor" in shown and "rather Ada didn't know" in shown
    assert "didn't know" not in everything(box, ADA)

    box.user(DAN).click("Mark handled")
    assert COORDINATORS_ONLY in everything(box, DAN)
    with box.deps.sessions.begin() as session:
        request = session.scalars(select(ChangeRequest)).one()
        assert request.status == ChangeRequestStatus.OPEN and request.reason == reason

    box.user(CHITRA).click("Mark handled")
    (card,) = box.fake.channel_messages(CHANNEL)
    assert "Handled by @Chitra Rao" in render_blocks(card.blocks, "UTC", NAMES)
    with box.deps.sessions.begin() as session:
        request = session.scalars(select(ChangeRequest)).one()
        assert (request.status, request.handled_by) == (ChangeRequestStatus.HANDLED, CHITRA)
        audit = session.scalars(select(AuditEntry.actor_slack_id)).all()
        assert audit == [CHITRA]


def test_a_mentor_who_pauses_is_told_their_mentorships_continue(program: Sandbox) -> None:
    box = program
    ada_mentors_ben(box)
    box.user(ADA).command("pause")
    assert "Your 1 active mentorship continues" in everything(box, ADA)


# --- closing ---------------------------------------------------------------------------------


def test_at_the_end_date_both_evaluate_and_the_mentee_keeps_the_feedback(
    program: Sandbox,
) -> None:
    box = program
    pair = ada_mentors_ben(box)
    run_at(box, END_DATE - timedelta(minutes=1))
    assert member_of(box, pair).status == MemberStatus.ACTIVE
    run_at(box, END_DATE)
    member, frame = member_of(box, pair), frame_of(box, pair)
    assert (member.status, member.ended_early) == (MemberStatus.ENDED, False)
    assert frame.status == MentorshipStatus.ENDED

    ben = box.user(BEN)
    ben.click("Evaluate")
    errors = ben.submit().errors
    assert set(errors) >= {
        f"Reached: {GOALS[0]}",
        f"Reached: {GOALS[1]}",
        "Where did you start?",
        "Where do you stand now?",
        "How do you rate the mentorship?",
    }
    ben.fill(f"Reached: {GOALS[0]}", "Yes, reached")
    ben.fill(f"Reached: {GOALS[1]}", "Not (yet) reached")
    ben.fill("Where did you start?", "Terrified of speaking.")
    ben.fill("Where do you stand now?", "Gave a talk at the meetup.")
    ben.fill("How do you rate the mentorship?", STAR[5])
    assert ben.submit().errors == {}
    with box.deps.sessions.begin() as session:
        statuses = list(session.scalars(select(Goal.status).order_by(Goal.position)))
        assert statuses == [GoalStatus.REACHED, GoalStatus.NOT_STARTED]
    assert "1 of 2 goals reached" in everything(box, ADA)
    assert "Terrified" not in everything(box, ADA)  # the rest is for coordinators
    ben_saw = everything(box, BEN)
    assert "What next?" in ben_saw and "/mentor find" in ben_saw and "Book" in ben_saw
    ben.click("Find a mentor")  # the suggestion works
    assert box.fake.modal(BEN) is not None
    box.fake.clear_modals(BEN)

    ada = box.user(ADA)
    ada.click("Evaluate")
    ada.fill(f"Reached: {GOALS[0]}", "Yes, reached")
    ada.fill(f"Reached: {GOALS[1]}", "Not (yet) reached")
    ada.fill("Where did you start?", "A first-time mentor.")
    ada.fill("Where do you stand now?", "More patient.")
    ada.fill("How do you rate the mentorship?", STAR[4])
    ada.fill("Feedback to Ben Martin on the skills you worked on", "Your openings are strong now.")
    ada.fill("Feedback to Ben Martin on their learning", "You ask great questions.")
    assert ada.submit().errors == {}

    with box.deps.sessions.begin() as session:
        (feedback,) = feedback_for(session, BEN)
        assert feedback_for(session, ADA) == ()
        assert session.scalar(select(Evaluation.id).where(Evaluation.role == "mentor"))
    assert (feedback.mentor_slack_id, feedback.skills) == (ADA, "Your openings are strong now.")
    home = render_blocks(feedback_blocks([feedback]), "UTC", NAMES)
    assert "You ask great questions." in home and "From @Ada Lovelace" in home
    box.user(BEN).open_home()  # the same fragment, on Ben's own Home and nobody else's
    assert "Feedback from your mentors" in render_view(box.fake.home(BEN), "UTC")
    box.user(ADA).open_home()
    assert "You ask great questions." not in render_view(box.fake.home(ADA), "UTC")

    ada.click("Evaluate")  # once only
    assert "already evaluated" in everything(box, ADA)
    send_click(box, BEN, Action.END_MENTORSHIP, str(pair.mentorship))  # stale after the end
    assert "already ended" in everything(box, BEN)


def test_outsiders_are_refused_whatever_they_forge(program: Sandbox) -> None:
    box = program
    pair = ada_mentors_ben(box)
    run_at(box, A_MONTH_IN)
    forged = [
        (Action.OPEN_PULSE, f"{pair.member}:1"),
        (Action.EXTEND_MENTORSHIP, str(pair.mentorship)),
        (Action.END_MENTORSHIP, str(pair.mentorship)),
        (Action.ASK_NEW_MENTOR, str(pair.mentorship)),
        (Action.OPEN_EVALUATION, str(pair.member)),
        (Action.ACCEPT_EXTENSION, "not-a-number"),
    ]
    for action, value in forged:
        send_click(box, DAN, action, value)
    refusals = everything(box, DAN).count("isn't one you're part of")
    assert refusals == len(forged)
    assert box.fake.modal(DAN) is None
    assert member_of(box, pair).status == MemberStatus.ACTIVE
    assert frame_of(box, pair).ends_on == ENDS_ON
