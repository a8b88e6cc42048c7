"""The digest's confidential parts go only where coordinators read them: a coordinators'
channel that is public, or has members who are not coordinators, is warned about at start-up
and at the top of the digest; a check Slack refuses never stops the digest."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import timedelta

import pytest

from bot.sandbox import Sandbox, sandbox
from bot.simulator import FakeSlack
from bot.simulator.render import render_blocks
from bot.slack.coordinator_channel import warn_if_readable_by_others
from tests.conftest import ADA, BEN, CHITRA, START, make_fake_slack
from tests.steps import CONNECTING, PROGRAM, STAR, approved_session, check_in

CHANNEL = "C0COORD"
ENV = {"COORDINATOR_CHANNEL": CHANNEL, "COORDINATOR_USER_IDS": CHITRA}
WARNING = "This channel"


def workspace(*, private: bool, members: tuple[str, ...]) -> FakeSlack:
    fake = make_fake_slack()
    fake.add_channel(CHANNEL, "mentoring-coordinators", private=private, members=members)
    return fake


@pytest.fixture
def make_program(database_url: str) -> Iterator:
    """Start a sandbox around a given workspace; stop it (Slack-clean) after the test."""
    running: list = []

    def start(fake: FakeSlack) -> Sandbox:
        context = sandbox(database_url, now=START, env=ENV, fake=fake)
        box = context.__enter__()
        running.append((context, box))
        return box

    yield start
    for context, box in running:
        problems = list(box.fake.problems)
        context.__exit__(None, None, None)
        assert problems == []


def digests(box: Sandbox) -> list[str]:
    names = {person: box.fake.user(person).real_name for person in (ADA, BEN, CHITRA)}
    shown = box.fake.channel_messages(CHANNEL)
    return [render_blocks(m.blocks, "UTC", names) for m in shown if m.kind == "channel"]


def a_low_review(box: Sandbox) -> None:
    """Ben gives the program 2 stars with a comment: the digest will list it."""
    approved_session(box)
    check_in(box)
    ben = box.user(BEN)
    ben.click("Yes")
    ben.fill(CONNECTING, STAR[4])
    ben.fill(PROGRAM, STAR[2])
    ben.fill("Comment on the program (required at 3 stars or fewer)", "Too hard to find slots.")
    assert ben.submit().errors == {}


def test_a_private_channel_of_coordinators_gets_no_warning(make_program) -> None:
    """Only Chitra and the bot are in the private channel: the digest is as it always was."""
    box = make_program(workspace(private=True, members=(CHITRA, "U0BOT")))
    a_low_review(box)
    box.clock.advance(timedelta(days=1))
    box.user(CHITRA).command("admin digest")
    (digest,) = digests(box)
    assert "Too hard to find slots." in digest
    assert WARNING not in digest


def test_a_public_channel_is_warned_about_at_the_top_of_the_digest(make_program) -> None:
    """The scheduled Monday digest goes to a public channel: its first line after the title
    says so and asks for a private channel."""
    box = make_program(workspace(private=False, members=(CHITRA, "U0BOT")))
    a_low_review(box)
    box.clock.set(START + timedelta(days=7))
    box.run_due()
    (digest,) = digests(box)
    lines = digest.splitlines()
    assert lines[0] == "## Mentorship digest"
    assert lines[1].startswith(":warning: *This channel is public.*")
    assert "make the channel private" in lines[1]
    assert "Too hard to find slots." in digest


def test_members_who_are_not_coordinators_are_named(make_program) -> None:
    """Ben and Ada sit in the private channel: the digest on demand names them."""
    box = make_program(workspace(private=True, members=(CHITRA, BEN, ADA, "U0BOT")))
    box.user(CHITRA).command("admin digest")
    (digest,) = digests(box)
    warning = digest.splitlines()[1]
    assert "has members who are not coordinators" in warning
    assert "@Ada Lovelace" in warning and "@Ben Martin" in warning
    assert "Chitra" not in warning


def test_a_refused_check_logs_one_line_and_the_digest_goes_out(
    make_program, caplog: pytest.LogCaptureFixture
) -> None:
    """Installed without groups:read, Slack refuses conversations.info: one warning line in
    the log naming the scope, no traceback, and the digest is posted as before."""
    fake = workspace(private=True, members=(CHITRA, BEN, "U0BOT"))
    fake.without_scopes("groups:read")
    box = make_program(fake)
    a_low_review(box)
    box.clock.advance(timedelta(days=1))
    with caplog.at_level(logging.WARNING):
        box.user(CHITRA).command("admin digest")
    (digest,) = digests(box)
    assert "Too hard to find slots." in digest and WARNING not in digest
    checks = [r for r in caplog.records if "coordinators' channel" in r.getMessage()]
    assert len(checks) == 1
    assert "missing_scope" in checks[0].getMessage()
    assert "groups:read" in checks[0].getMessage()
    assert checks[0].exc_info is None
    assert "Posted the digest" in box.fake.seen_by(CHITRA)[-1].text


def test_start_up_warns_in_the_log(make_program, caplog: pytest.LogCaptureFixture) -> None:
    """What `mentor-bot serve` checks before serving: a public channel with Ben in it is one
    warning line naming both problems; a private channel of coordinators logs nothing."""
    box = make_program(workspace(private=False, members=(CHITRA, BEN, "U0BOT")))
    with caplog.at_level(logging.WARNING):
        audience = warn_if_readable_by_others(box.client, CHANNEL, {CHITRA})
    assert audience is not None and audience.public and audience.outsiders == (BEN,)
    (line,) = [r.getMessage() for r in caplog.records]
    assert f"{CHANNEL} is public" in line and f"not coordinators: {BEN}" in line
    caplog.clear()
    quiet = make_program(workspace(private=True, members=(CHITRA, "U0BOT")))
    with caplog.at_level(logging.WARNING):
        audience = warn_if_readable_by_others(quiet.client, CHANNEL, {CHITRA})
    assert audience is not None and audience.confidential
    assert caplog.records == []
