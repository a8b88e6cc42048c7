"""Steps of the stories, through the sandbox driver: sign up, add a window, request, approve...

Flow tests compose these; each does what a person would do in Slack and checks only that it
went through, so a story reads as what people did and what they saw.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.blocks.followup import STARS
from bot.sandbox import Sandbox
from bot.services.skills import parse_levelled
from bot.simulator.render import render_blocks
from store.models import Booking, MentorProfile, Slot, User
from tests.conftest import ADA, BEN, CHITRA, DAN

TOMORROW = "2026-11-24"  # the sandbox starts on Monday 23 November 2026, 09:00 UTC
GOALS = "I lead my first team next month and want to learn how to run one-to-ones."
QUESTION = "What would you like from this session?"
NAMES = {ADA: "Ada Lovelace", BEN: "Ben Martin", CHITRA: "Chitra Rao"}
SESSION_START = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)  # 10:00 in New York
STAR = {int(value): text for text, value in STARS}
CONNECTING = "1. How did you enjoy connecting with Ada Lovelace?"
PROGRAM = "2. How do you rate the mentorship program?"
CHANNEL = "C0COORD"


# --- mentors ----------------------------------------------------------------------------------


def sign_up(
    box: Sandbox,
    user_id: str,
    *,
    skills: str = "python, Leadership, k8s",
    bio: str = "Staff engineer; I love helping people grow into leads.",
) -> None:
    """Fill and submit the sign-up modal as a careful mentor would: a skill without a level
    gets 4 (Enable), as if they typed "python 4"."""
    person = box.user(user_id)
    person.command("signup")
    person.fill("Skills you can mentor in", with_levels(skills))
    person.fill("Short bio", bio)
    person.fill("Meeting link", "https://meet.example.com/ada")
    person.fill("Session length", "30 minutes")
    person.fill("Sessions per week, at most", "3")
    person.fill("Code of conduct", True)
    reply = person.submit()
    assert reply.errors == {}, reply.errors


def with_levels(skills: str, level: int = 4) -> str:
    """ "python, Leadership 5" -> "python 4, Leadership 5": every skill with a level."""
    parts = [part.strip() for part in skills.split(",") if part.strip()]
    return ", ".join(p if parse_levelled(p).level is not None else f"{p} {level}" for p in parts)


def profile_of(box: Sandbox, slack_id: str) -> MentorProfile | None:
    """The person's mentor profile as stored, or None before they sign up."""
    with box.deps.sessions.begin() as session:
        return session.scalar(select(MentorProfile).join(User).where(User.slack_id == slack_id))


# --- availability -----------------------------------------------------------------------------


def slot_starts(box: Sandbox) -> list[datetime]:
    """Every slot's start, earliest first, in UTC."""
    with box.deps.sessions.begin() as session:
        return list(session.scalars(select(Slot.starts_at).order_by(Slot.starts_at)))


def add_once(box: Sandbox, user_id: str, day: str, start: str, end: str) -> dict[str, str]:
    """Add a one-off window through /mentor availability; the modal's field errors."""
    person = box.user(user_id)
    person.command("availability")
    person.click("Add a one-off window")
    person.fill("Date", day)
    person.fill("From", start)
    person.fill("Until", end)
    return person.submit().errors


# --- finding and booking ----------------------------------------------------------------------


def seen_text(box: Sandbox, user_id: str, kind: str, tz: str = "UTC") -> str:
    """Everything of one kind a person saw, rendered as they would read it."""
    return "\n".join(
        render_blocks(s.blocks, tz, NAMES) or s.text
        for s in box.fake.seen_by(user_id)
        if s.kind == kind
    )


def statuses(box: Sandbox) -> list[str]:
    """Every booking's status, oldest first."""
    with box.deps.sessions.begin() as session:
        return list(session.scalars(select(Booking.status).order_by(Booking.id)))


def ada_with_a_morning(box: Sandbox) -> None:
    """Ada mentors python, leadership and k8s, free 10:00-12:00 New York time tomorrow."""
    sign_up(box, ADA)
    assert add_once(box, ADA, TOMORROW, "10:00", "12:00") == {}
    box.fake.clear_modals(ADA)


def request(box: Sandbox, user_id: str, message: str = GOALS, button: str = "Book") -> dict:
    """Find python mentors and request the first offered time with a message."""
    person = box.user(user_id)
    person.command("find python leadership")
    person.click(button)
    person.fill(QUESTION, message)
    return person.submit().errors


def send_click(box: Sandbox, user_id: str, action_id: str, value: str) -> None:
    """A hand-made button click, as a forger or a double click would send it."""
    channel = box.fake.dm_channel(user_id)
    box.driver.interact(
        {
            "type": "block_actions",
            "user": {"id": user_id, "username": user_id, "team_id": "T0SIM"},
            "team": {"id": "T0SIM"},
            "api_app_id": "A0SIM",
            "trigger_id": box.fake.new_trigger_id(user_id),
            "response_url": box.fake.new_response_url(user_id, channel),
            "container": {"type": "message", "channel_id": channel, "is_ephemeral": True},
            "channel": {"id": channel},
            "actions": [
                {"type": "button", "action_id": action_id, "block_id": "b", "value": value}
            ],
        }
    )


def booking_id(box: Sandbox) -> str:
    """The id of the one booking there is, as a button value carries it."""
    with box.deps.sessions.begin() as session:
        return str(session.scalars(select(Booking.id)).one())


# --- after a session, with the clock moved ----------------------------------------------------


def dms(box: Sandbox, user_id: str, containing: str) -> list[str]:
    """The person's direct messages that contain the words."""
    return [s.text for s in box.fake.seen_by(user_id) if s.kind == "dm" and containing in s.text]


def approved_session(box: Sandbox) -> None:
    """Ben's request for tomorrow 10:00 New York time, approved by Ada."""
    ada_with_a_morning(box)
    assert request(box, BEN) == {}
    box.user(ADA).click("Approve")


def run_at(box: Sandbox, moment: datetime) -> None:
    """Move the clock to the moment and run the due work, as the scheduler would."""
    box.clock.set(moment)
    box.run_due()


def check_in(box: Sandbox) -> None:
    """Half an hour after the session: both are asked whether it took place."""
    run_at(box, SESSION_START + timedelta(minutes=30))
    assert len(dms(box, BEN, "take place")) == 1 and len(dms(box, ADA, "take place")) == 1


# --- what people see; coordinators and the roster ---------------------------------------------


def shown(box: Sandbox, user_id: str) -> str:
    """The newest message the person sees, rendered."""
    seen = box.fake.visible_messages(user_id)[0]
    return render_blocks(seen.blocks, "UTC", {**NAMES, DAN: "Dan Ruiz"}) or seen.text


def status_of(box: Sandbox, slack_id: str) -> str:
    """The mentor's status as stored."""
    with box.deps.sessions.begin() as session:
        return next(
            mentor.status
            for mentor in session.scalars(select(MentorProfile))
            if mentor.user.slack_id == slack_id
        )


def pause_from_roster(box: Sandbox, coordinator: str, mentor: str, reason: str) -> None:
    """The coordinator clicks Pause on the mentor's roster entry and gives the reason."""
    person = box.user(coordinator)
    person.click("Pause", near=mentor)
    person.fill("Reason", reason)
    assert person.submit().errors == {}


def chart_bytes(file: dict) -> bytes:
    """The uploaded file's content, as the simulator stored it."""
    content = file["content"]
    return content if isinstance(content, bytes) else content.encode("latin-1")


# --- mentorships ------------------------------------------------------------------------------

MENTORSHIP_GOALS = "Give my first conference talk\nLead a design review"


def ask_mentorship(
    box: Sandbox,
    mentee: str,
    mentor_button: str = "Ask for a mentorship",
    goals: str = MENTORSHIP_GOALS,
) -> dict[str, str]:
    """Find python mentors and ask the first for a three-month mentorship; the field errors."""
    person = box.user(mentee)
    person.command("find python leadership")
    person.click(mentor_button)
    person.fill("Your goals", goals)
    person.fill("What you hope to get", "A steady sounding board.")
    return person.submit().errors


def active_mentorship(box: Sandbox) -> None:
    """Ben asks Ada, she accepts with a comment, and both agree."""
    ada_with_a_morning(box)
    assert ask_mentorship(box, BEN) == {}
    ada = box.user(ADA)
    ada.click("Accept")
    ada.fill("Comment", "Glad to help you get there.")
    assert ada.submit().errors == {}
    ada.click("I agree")
    box.user(BEN).click("I agree")
