"""The foundation through Slack's wire format: signed requests in, what people see out."""

from __future__ import annotations

import json
import os
import time
import urllib.request
from urllib.parse import urlencode

from sqlalchemy import select

from bot.sandbox import Sandbox
from bot.simulator.render import render_blocks, render_view
from handlers.errors import SORRY, tell_user
from store.models import User
from tests.conftest import ADA, BEN, CHITRA


def slash_body(user_id: str, text: str) -> str:
    return urlencode(
        {
            "command": "/mentor",
            "text": text,
            "user_id": user_id,
            "user_name": "ben",
            "team_id": "T0SIM",
            "channel_id": "D0BEN",
            "response_url": "http://127.0.0.1:9/unused",
            "trigger_id": "1.2.3",
        }
    )


def ack_text(box: Sandbox, user_id: str, tz: str = "UTC") -> str:
    (ack,) = [seen for seen in box.fake.seen_by(user_id) if seen.kind == "ack"]
    return render_blocks(ack.blocks, tz)


def test_help_lists_what_the_bot_can_do(box: Sandbox) -> None:
    """Ben types /mentor help and privately sees what he can type."""
    reply = box.user(BEN).command("help")
    assert reply.status == 200
    shown = ack_text(box, BEN)
    assert "What you can type" in shown
    assert "/mentor help" in shown
    assert box.fake.channel_messages("D0BEN") == []  # private: nothing posted in a channel


def test_empty_and_capitalised_commands_show_help(box: Sandbox) -> None:
    """A bare /mentor and /mentor HELP both answer with help, without a complaint."""
    box.user(BEN).command("")
    box.user(CHITRA).command("HELP")
    for user in (BEN, CHITRA):
        shown = ack_text(box, user)
        assert "What you can type" in shown
        assert "I don't know" not in shown


def test_unknown_subcommand_gets_a_hint(box: Sandbox) -> None:
    """A typo gets a suggestion; gibberish gets the list; neither changes any data."""
    box.user(BEN).command("hlep me")
    assert "I don't know `hlep`. Did you mean `/mentor help`?" in ack_text(box, BEN)
    box.user(CHITRA).command("<script>zzzz")
    shown = ack_text(box, CHITRA)
    assert "I don't know `&lt;script&gt;zzzz`" in json.dumps(box.fake.seen_by(CHITRA)[0].blocks)
    assert "What you can type" in shown
    with box.deps.sessions.begin() as session:
        assert session.scalars(select(User)).all() == []


def test_home_tab_welcomes_in_the_users_time_zone(box: Sandbox) -> None:
    """Ada opens Home: a welcome with her name and her Slack time zone, read once from Slack."""
    box.user(ADA).open_home()
    home = box.fake.home(ADA)
    assert home is not None
    shown = render_view(home, "America/New_York")
    assert "Welcome to Mentor Bot, Ada Lovelace" in shown
    assert "America/New_York" in shown
    box.user(ADA).open_home()
    assert [call.method for call in box.fake.calls].count("users.info") == 1
    with box.deps.sessions.begin() as session:
        ada = session.scalars(select(User).where(User.slack_id == ADA)).one()
        assert (ada.real_name, ada.tz) == ("Ada Lovelace", "America/New_York")


def test_user_change_refreshes_the_time_zone(box: Sandbox) -> None:
    """Ada moves to London; Slack tells the bot, and her Home shows the new zone."""
    box.user(ADA).open_home()
    box.user(ADA).user_change(tz="Europe/London")
    box.user(ADA).open_home()
    home = box.fake.home(ADA)
    assert home is not None
    assert "Europe/London" in render_view(home, "Europe/London")
    assert [call.method for call in box.fake.calls].count("users.info") == 1


def test_forged_signature_is_refused(box: Sandbox) -> None:
    """A request signed with the wrong secret gets 401 and the bot does nothing."""
    reply = box.driver.post(
        slash_body(BEN, "help"), "application/x-www-form-urlencoded", secret="not-the-secret"
    )
    assert reply.status == 401
    assert box.fake.seen_by(BEN) == []


def test_stale_signature_is_refused(box: Sandbox) -> None:
    """A correctly signed request replayed ten minutes later gets 401."""
    reply = box.driver.post(
        slash_body(BEN, "help"),
        "application/x-www-form-urlencoded",
        timestamp=int(time.time()) - 600,
    )
    assert reply.status == 401
    assert box.fake.seen_by(BEN) == []


def test_unsigned_request_is_refused(box: Sandbox) -> None:
    """A request with a made-up signature header gets 401."""
    reply = box.driver.post(
        slash_body(BEN, "help"), "application/x-www-form-urlencoded", signature="v0=deadbeef"
    )
    assert reply.status == 401
    assert box.fake.seen_by(BEN) == []


def test_health_check_reports_the_database(box: Sandbox) -> None:
    """GET /healthz answers 200 while the database answers, and says which process answered
    and that it shed nothing."""
    url = box.driver.app_url.replace("/slack/events", "/healthz")
    with urllib.request.urlopen(url, timeout=5) as answer:
        assert answer.status == 200
        assert json.load(answer) == {"status": "ok", "pid": os.getpid(), "shed": {"total": 0}}


def test_rate_limit_is_waited_out(box: Sandbox) -> None:
    """Slack says 429 with Retry-After: 7; the bot waits 7 s (recorded, not slept) and succeeds."""
    box.fake.fail("users.info", 429, retry_after=7)
    box.user(ADA).open_home()
    assert box.retry_waits == [7.0]
    home = box.fake.home(ADA)
    assert home is not None and "Welcome" in render_view(home, "UTC")


def test_server_errors_are_retried_with_backoff(box: Sandbox) -> None:
    """Two 500s from views.publish are retried with growing waits; the Home still appears."""
    box.fake.fail("views.publish", 500, times=2)
    box.user(ADA).open_home()
    assert len(box.retry_waits) == 2
    assert box.retry_waits[0] < box.retry_waits[1]
    assert box.fake.home(ADA) is not None


def test_a_failure_is_explained_without_a_trace(box: Sandbox) -> None:
    """Slack stays down for users.info: Ada's Home says sorry instead of staying blank."""
    box.fake.fail("users.info", 500, times=10)
    box.user(ADA).open_home()
    home = box.fake.home(ADA)
    assert home is not None
    shown = render_view(home, "UTC")
    assert "Sorry, I couldn't load your dashboard" in shown
    assert "Traceback" not in shown and "SlackApiError" not in shown


def test_command_failure_apologises_where_the_user_typed(box: Sandbox) -> None:
    """When a command's handling fails, the user gets a short private apology in place."""
    url = box.fake.new_response_url(BEN, box.fake.dm_channel(BEN))
    tell_user({"user_id": BEN, "response_url": url}, box.client)
    (answer,) = box.fake.seen_by(BEN)
    assert answer.kind == "response"
    assert answer.text == SORRY
