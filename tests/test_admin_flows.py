"""Coordinators through Slack: stats on demand, the digest in their channel, once per period."""

from __future__ import annotations

import struct
import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.sandbox import Sandbox, sandbox
from bot.services.coordinators import COORDINATORS_ONLY
from bot.simulator.render import render_blocks
from store.models import AuditEntry
from tests.conftest import ADA, BEN, CHITRA, START, make_fake_slack
from tests.steps import CHANNEL, ada_with_a_morning, chart_bytes, request


@pytest.fixture
def program(database_url: str) -> Iterator[Sandbox]:
    """Chitra coordinates; the digest goes to #coordination every Monday at 09:00 UTC."""
    env = {"COORDINATOR_CHANNEL": CHANNEL, "COORDINATOR_USER_IDS": CHITRA}
    with sandbox(database_url, now=START, env=env, fake=make_fake_slack()) as running:
        yield running
        assert running.fake.problems == []


def answer(box: Sandbox, user_id: str) -> str:
    seen = [s for s in box.fake.seen_by(user_id) if s.kind != "file"][-1]
    return render_blocks(seen.blocks, "UTC") or seen.text


def digests(box: Sandbox) -> list[str]:
    return [
        render_blocks(m.blocks, "UTC")
        for m in box.fake.channel_messages(CHANNEL)
        if m.kind == "channel"
    ]


def audit_actions(box: Sandbox) -> list[str]:
    with box.deps.sessions.begin() as session:
        return list(session.scalars(select(AuditEntry.action)))


def test_only_coordinators_may_use_admin(program: Sandbox) -> None:
    """Ben tries /mentor admin stats: a polite refusal, nothing posted, nothing logged."""
    program.user(BEN).command("admin stats")
    assert answer(program, BEN) == COORDINATORS_ONLY
    assert digests(program) == [] and audit_actions(program) == []


def test_stats_on_demand(program: Sandbox) -> None:
    """Chitra asks for 30 days of figures and sees this week's request, privately."""
    ada_with_a_morning(program)
    request(program, BEN)
    program.clock.advance(timedelta(minutes=5))
    program.user(CHITRA).command("admin stats 30d")
    shown = answer(program, CHITRA)
    assert "Program stats, last 30 days" in shown
    assert "Requests: 1" in shown
    assert digests(program) == []
    # The digest's charts come to her DM with the bot, where only she sees them.
    (charts,) = [s for s in program.fake.seen_by(CHITRA) if s.kind == "file"]
    assert charts.channel == program.fake.dm_channel(CHITRA)
    assert charts.file is not None and charts.file["name"] == "sessions-per-week.png"
    assert audit_actions(program) == ["admin stats"]


def test_a_quiet_period_is_one_friendly_line(program: Sandbox) -> None:
    """Nothing happened: the stats say so in one line rather than a wall of zeros."""
    program.user(CHITRA).command("admin stats")
    assert "A quiet period" in answer(program, CHITRA)


def test_unknown_period_and_subcommand_explain_usage(program: Sandbox) -> None:
    """A period of 5d or an unknown admin word gets the usage, not an error."""
    chitra = program.user(CHITRA)
    chitra.command("admin stats 5d")
    assert "7d, 30d or 90d" in answer(program, CHITRA)
    chitra.command("admin export-everything")
    assert "admin digest" in answer(program, CHITRA)


def test_digest_on_demand_goes_to_the_channel(program: Sandbox) -> None:
    """/mentor admin digest posts to #coordination with its readable PNG chart (alt text
    included), and is logged."""
    ada_with_a_morning(program)
    request(program, BEN)
    program.user(ADA).click("Approve")
    program.clock.advance(timedelta(days=2))
    program.user(CHITRA).command("admin digest")
    assert len(digests(program)) == 1
    (chart,) = [s for s in program.fake.seen_by(CHANNEL) if s.kind == "file"]
    assert chart.file is not None
    png = chart_bytes(chart.file)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == (800, 450)
    assert chart.file["alt_txt"].startswith("Sessions per week · Mentoring programme. ")
    assert "Posted the digest" in answer(program, CHITRA)
    assert audit_actions(program) == ["admin digest"]


def test_scheduled_digest_once_per_period_with_racing_passes(program: Sandbox) -> None:
    """Two passes racing at Monday 09:00 post one digest; next Monday brings the next one."""
    start = threading.Barrier(2)

    def one_pass() -> None:
        start.wait()
        program.run_due()

    passes = [threading.Thread(target=one_pass) for _ in range(2)]
    for thread in passes:
        thread.start()
    for thread in passes:
        thread.join()
    program.run_due()
    assert len(digests(program)) == 1
    program.clock.advance(timedelta(days=6))
    program.run_due()
    assert len(digests(program)) == 1
    program.clock.advance(timedelta(days=1))
    program.run_due()
    assert len(digests(program)) == 2
