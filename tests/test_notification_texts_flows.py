"""What phones and screen readers show: every message's `text` names people as Slack shows them
(`<@U…>` or their name), never as a bare Slack id, across a few whole stories; and reminders
say when, whatever REMINDER_OFFSETS holds."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import timedelta

import pytest

from bot import demo
from bot.sandbox import Sandbox, sandbox
from bot.simulator import FakeSlack, Seen
from bot.simulator.records import MESSAGE_KINDS
from tests.conftest import ADA, BEN, CHITRA, START, make_fake_slack
from tests.steps import (
    SESSION_START,
    ada_with_a_morning,
    add_once,
    approved_session,
    request,
    run_at,
)

PEOPLE = (ADA, BEN, CHITRA)
ANGLE_TOKENS = re.compile(r"<[^>]*>")  # mentions, channel links, dates and URLs Slack renders


def bare_ids(text: str) -> list[str]:
    """Slack ids of the cast that appear outside Slack's <…> tokens."""
    outside = ANGLE_TOKENS.sub(" ", text)
    return [person for person in PEOPLE if re.search(rf"\b{person}\b", outside)]


class Texts:
    """Every message text anyone saw, as it was sent."""

    def __init__(self, fake: FakeSlack) -> None:
        self.seen: list[Seen] = []
        fake.subscribe(self._keep)

    def _keep(self, seen: Seen) -> None:
        if seen.kind in MESSAGE_KINDS or seen.kind == "file":
            self.seen.append(seen)

    def with_bare_ids(self) -> list[tuple[str, str, str]]:
        return [(s.kind, s.audience, s.text) for s in self.seen if bare_ids(s.text)]


@pytest.fixture
def story(database_url: str) -> Iterator[tuple[Sandbox, Texts]]:
    """The demo's cast and settings: Chitra coordinates, the digest goes to #coordination."""
    fake = make_fake_slack()
    for person in demo.CAST:  # the cast beyond conftest's too
        if not fake.has_user(person.slack_id):
            fake.add_user(person.slack_id, person.name, person.tz)
    texts = Texts(fake)
    now = demo.story_start(START)
    with sandbox(database_url, now=now, env=demo.PROGRAM, fake=fake) as running:
        yield running, texts
        assert running.fake.problems == []


def test_the_whole_demo_story_names_people_in_every_text(
    story: tuple[Sandbox, Texts],
) -> None:
    """Sign-up, availability, find, book, approve, decline, reminders, check-in, reviews, the
    digest, stats, the roster, the export and a privacy deletion: no text shows a bare id."""
    box, texts = story
    transcript = io.StringIO()
    play = demo.Story(box, transcript)
    for chapter in demo.CHAPTERS:
        chapter(play)
    assert len(texts.seen) > 30
    assert texts.with_bare_ids() == []
    assert_the_mentorship_chapter(transcript.getvalue())


def assert_the_mentorship_chapter(transcript: str) -> None:
    """Chapter 8 (the privacy chapter stays last): Ben asks with two goals, Ada
    accepts with a comment, both agree in a group DM; Ada's planned session is Ben's to accept;
    the homework comes back in the next reminder; a goal is reached; both evaluate; Ben reads
    Ada's feedback on Home and is told what next."""
    chapter = transcript.split("Chapter 8. Ben asks Ada for a three-month mentorship\n")[1]
    chapter, later = chapter.split("Chapter 9. ", 1)
    privacy = later.split("Chapter 13. Ben moves on and asks the bot to forget him")[1]
    assert "Chapter 14" not in privacy and "Yes, delete my data" in privacy
    in_order = [
        "@Ben Martin asks you to be their mentor.",
        "1. Give my first conference talk\n    │ 2. Get comfortable with live Q&A",
        "*Meeting:* every two weeks · *Length:* 3 months",
        "@Ada Lovelace *accepted* your mentorship request.\n    │ >Gladly",
        "Ada Lovelace & Ben Martin's group DM sees (channel):\n"
        "    │ ## Mentorship · Ada Lovelace & Ben Martin",
        "## Goals · Ada Lovelace & Ben Martin\n    │ *@Ben Martin's goals* (0 of 2 reached)",
        "· _Pick a topic and a meetup to give the talk at_ · you proposed, waiting for @Ben Martin",
        "*Requests waiting for your answer*",
        " · with @Ada Lovelace · _Pick a topic and a meetup to give the talk at_",
        "@Ada Lovelace planned this mentorship session.\n    │ [Accept] [Decline]",
        "You accepted the session on",
        "Write a short diary entry",
        "Saved in your diary.",
        "@Ben Martin asks for a session on",
        "Session agenda: Rehearse the talk and practise questions from the floor",
        "*Homework from the diary*\n    │ Write the outline and time a first run-through",
        "(1 of 2 reached)",
        "*How is your mentorship going?*",
        "Thank you! Your answer went to the program's coordinators only.",
        "has reached its end date.",
        "closed the mentorship with @Ada Lovelace: 2 of 2 goals reached.",
        "What next?",
        "Thank you for mentoring!",
        "## Feedback from your mentors\n    │ *From @Ada Lovelace*\n"
        "    │ _On the skills you worked on:_ Your openings grab the room.",
    ]
    at = 0
    for line in in_order:
        found = chapter.find(line, at)
        assert found >= 0, f"not in the chapter after position {at}: {line!r}"
        at = found + len(line)
    assert "Unhandled" not in chapter and "went wrong" not in chapter


def test_the_demo_plays_to_the_end_with_nothing_slack_would_reject() -> None:
    """`mentor-bot demo` itself: every chapter, in order, and 0."""
    out = io.StringIO()
    assert demo.run_demo(out, now=START) == 0
    transcript = out.getvalue()
    titles = [line for line in transcript.splitlines() if line.startswith("Chapter ")]
    assert [title.split(".")[0] for title in titles] == [f"Chapter {n}" for n in range(1, 14)]
    assert titles[-1] == "Chapter 13. Ben moves on and asks the bot to forget him"
    silence = transcript.split("Chapter 11. ")[1].split("Chapter 12. ")[0]
    assert "so your request moved to your backup @Ada Lovelace" in silence
    assert "I've paused your profile for now" in silence
    cohort = transcript.split("Chapter 12. ")[1].split("Chapter 13. ")[0]
    assert "*Spring leads*: 3 pairs proposed" in cohort
    assert "@Farah Haddad & @Hana Sato, every two weeks: the agreement is not completed" in cohort
    assert "Nudged @Farah Haddad and @Hana Sato." in cohort
    assert transcript.rstrip().endswith("Every message and view passed Slack's Block Kit checks.")


@pytest.fixture
def program(database_url: str) -> Iterator[tuple[Sandbox, Texts]]:
    """The tests' usual Monday, with Chitra coordinating."""
    fake = make_fake_slack()
    texts = Texts(fake)
    with sandbox(database_url, now=START, env=demo.PROGRAM, fake=fake) as running:
        yield running, texts
        assert running.fake.problems == []


def test_proposals_cancellations_and_expiries_name_people_in_every_text(
    program: tuple[Sandbox, Texts],
) -> None:
    """Ada proposes another time, Ben accepts, then cancels; a second request is nudged and
    expires unanswered: every text names people as Slack shows them."""
    box, texts = program
    ada_with_a_morning(box)
    assert request(box, BEN) == {}
    ada, ben = box.user(ADA), box.user(BEN)
    ada.click("Propose another time")
    ada.fill("Time", "Tue 24 Nov, 11:00")
    assert ada.submit().errors == {}
    ben.click("Accept")
    ben.command("sessions")
    ben.click("Cancel", where="message")
    ben.fill("Reason", "Something urgent came up at work.")
    assert ben.submit().errors == {}
    assert add_once(box, ADA, "2026-11-30", "10:00", "11:00") == {}
    box.fake.clear_modals(ADA)
    assert request(box, BEN) == {}
    for days in (1, 2, 3, 4, 7):
        run_at(box, START + timedelta(days=days))
    kinds = " ".join(s.text for s in texts.seen)
    for expected in ("proposes", "Session confirmed", "cancelled", "waiting", "expired"):
        assert expected in kinds
    assert texts.with_bare_ids() == []


def test_reminders_name_the_other_person_and_custom_offsets_say_when(
    database_url: str,
) -> None:
    """With REMINDER_OFFSETS=3d,2h,1h the reminders read "in 3 days", "in 2 hours" and "in an
    hour", in the notification text as in the message, and name Ada as Slack shows her."""
    fake = make_fake_slack()
    env = {"REMINDER_OFFSETS": "3d,2h,1h"}
    with sandbox(database_url, now=START - timedelta(days=3), env=env, fake=fake) as box:
        texts = Texts(fake)
        box.clock.set(START - timedelta(days=3))
        approved_session(box)
        for offset in (timedelta(days=3), timedelta(hours=2), timedelta(hours=1)):
            run_at(box, SESSION_START - offset)
        reminders = [s for s in fake.seen_by(BEN) if s.text.startswith("Reminder")]
        assert [s.text for s in reminders] == [
            f"Reminder: session with <@{ADA}> in 3 days",
            f"Reminder: session with <@{ADA}> in 2 hours",
            f"Reminder: session with <@{ADA}> in an hour",
        ]
        assert "is in 2 hours:" in str(reminders[1].blocks)
        assert "coming up" not in " ".join(str(s.blocks) for s in reminders)
        assert texts.with_bare_ids() == []
        assert fake.problems == []
