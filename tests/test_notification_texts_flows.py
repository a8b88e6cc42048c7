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
    play = demo.Story(box, io.StringIO())
    for chapter in demo.CHAPTERS:
        chapter(play)
    assert len(texts.seen) > 30
    assert texts.with_bare_ids() == []


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
