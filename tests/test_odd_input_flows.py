"""Odd input (garbled metadata, stray buttons, junk events) answered plainly, never a 500.

Each payload here was first found by the fuzzing in tests/test_fuzz.py; on both engines.

Kept apart from the fuzzing itself, whose seeded sandbox lives for the whole module on each
engine, while each of these starts from an empty database.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from sqlalchemy import select

from bot.ids import Action, Callback
from bot.sandbox import Sandbox, sandbox
from bot.simulator.driver import Reply
from store.models import User
from tests.conftest import ADA, BEN, CHITRA, START, make_fake_slack
from tests.steps import add_once, sign_up


def errors_logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


def click(box: Sandbox, user: str, action_id: str, value: Any, **where: Any) -> Reply:
    """A click as Slack sends it from the user's DM, with any value (and optional view)."""
    channel = box.fake.dm_channel(user)
    payload = {
        "type": "block_actions",
        "user": {"id": user, "team_id": "T0SIM"},
        "team": {"id": "T0SIM"},
        "api_app_id": "A0SIM",
        "trigger_id": box.fake.new_trigger_id(user),
        "actions": [{"type": "button", "action_id": action_id, "block_id": "b", "value": value}],
        "container": {"type": "message", "channel_id": channel, "is_ephemeral": True},
        "channel": {"id": channel},
        "response_url": box.fake.new_response_url(user, channel),
        **where,
    }
    return box.driver.interact(payload)


def submit(box: Sandbox, user: str, callback: str, metadata: str, **typed: str) -> Reply:
    """A view_submission of `callback` with plain text inputs `typed` (by block id)."""
    values = {b: {"value": {"type": "plain_text_input", "value": v}} for b, v in typed.items()}
    view = {"id": "V0GONE", "type": "modal", "callback_id": callback,
            "private_metadata": metadata, "state": {"values": values}}  # fmt: skip
    payload = {"type": "view_submission", "user": {"id": user, "team_id": "T0SIM"},
               "team": {"id": "T0SIM"}, "api_app_id": "A0SIM", "view": view,
               "trigger_id": box.fake.new_trigger_id(user)}  # fmt: skip
    return box.driver.interact(payload)


def test_garbled_private_metadata_is_a_modal_error_not_a_500(
    box: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    """`int(private_metadata)` used to raise before the ack: Slack showed its own error."""
    for callback in (Callback.DECLINE, Callback.CANCEL, Callback.PROPOSE):
        for metadata in ("{}", "V0SIM000057", "²", "9" * 5000, "[1]"):
            reply = submit(box, BEN, callback, metadata, reason="Something came up, sorry.")
            assert reply.status == 200 and reply.json, (callback, metadata)
            assert reply.json["response_action"] == "errors"
    assert errors_logged(caplog) == []


def test_garbled_reject_metadata_is_a_modal_error_not_a_500(
    box: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    """The mentor-reject modal's JSON metadata was read with json.loads and set() unguarded."""
    for metadata in ("1:2", "null", "1", '{"mentor_id": []}', "{"):
        reply = submit(box, CHITRA, Callback.REJECT_MENTOR, metadata, reason="Not a fit.")
        assert reply.status == 200 and reply.json, metadata
        assert reply.json["response_action"] == "errors"
    assert errors_logged(caplog) == []


def test_odd_digits_in_a_typed_number_are_refused(
    box: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    """ "²".isdigit() is True but int() refuses it; 20 digits overflow an id column."""
    for typed in ("²", "9" * 5000, "99999999999999999999"):
        reply = submit(box, BEN, Callback.BOOK, "", slot=typed, message="I want to learn to lead.")
        assert reply.status == 200 and reply.json and reply.json["response_action"] == "errors"
        reply = submit(box, ADA, Callback.PROFILE, "", capacity=typed)
        assert reply.status == 200 and reply.json and reply.json["response_action"] == "errors"
    assert errors_logged(caplog) == []


def test_button_values_of_any_type_are_refused_quietly(
    box: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    """A value that is not a short string of ASCII digits names nothing; nothing breaks."""
    actions = (Action.CHECKIN_NO, Action.FIND_AGAIN, Action.DECLINE_BOOKING, Action.MORE_TIMES,
               Action.APPROVE_MENTOR, f"{Action.WHAT_HAPPENED}:other")  # fmt: skip
    for action in actions:
        for value in (143862, -1.5, {"a": 1}, None, "²", "99999999999999999999"):
            assert click(box, ADA, action, value).status == 200
    assert errors_logged(caplog) == []


def test_roster_values_with_odd_digits_change_nothing(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Roster buttons and the reject modal parsed ids with isdigit() and int(), unbounded."""
    env = {"COORDINATOR_USER_IDS": CHITRA}
    with sandbox(database_url, now=START, env=env, fake=make_fake_slack()) as box:
        for value in ("²:1:all:0", "1:1:all:²", "1:1:all:99999999999999999999"):
            assert click(box, CHITRA, Action.ROSTER_PAUSE, value).status == 200
        assert click(box, CHITRA, Action.ROSTER_PAGE, "all:²").status == 200
        metadata = json.dumps({"mentor_id": 2**70, "version": 1, "filter": "all", "offset": 0})
        reply = submit(box, CHITRA, Callback.ROSTER_REJECT, metadata, reason="Not a fit for us.")
        assert reply.status == 200 and reply.json and reply.json["response_action"] == "errors"
        assert box.fake.problems == []
    assert errors_logged(caplog) == []


def test_availability_buttons_outside_their_modal(
    box: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    """Add a window / clear a day clicked without a `view` (and a far date): no KeyError."""
    sign_up(box, ADA)
    assert add_once(box, ADA, "2026-11-24", "10:00", "11:00") == {}
    box.fake.clear_modals(ADA)
    click(box, ADA, Action.ADD_ONCE, None)
    click(box, ADA, Action.CLEAR_DAY, "9999-12-31")
    click(box, ADA, Action.CLEAR_DAY, "2026-11-24")
    assert "Cleared Tue 24 Nov: 2 free slots removed" in box.fake.seen_by(ADA)[-2].text
    assert errors_logged(caplog) == []


def test_availability_added_after_its_modal_closed(
    box: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    """The list modal (private_metadata) is gone when the form is submitted: said by DM."""
    sign_up(box, ADA)
    typed = {"date": "2026-11-24", "start": "10:00", "end": "11:00"}
    values = {"date": {"d": {"type": "datepicker", "selected_date": typed["date"]}},
              "start": {"t": {"type": "timepicker", "selected_time": typed["start"]}},
              "end": {"t": {"type": "timepicker", "selected_time": typed["end"]}}}  # fmt: skip
    view = {"id": "V0FORM", "type": "modal", "callback_id": Callback.ADD_ONCE,
            "private_metadata": "V0GONE", "state": {"values": values}}  # fmt: skip
    box.driver.interact({"type": "view_submission", "user": {"id": ADA}, "view": view,
                         "team": {"id": "T0SIM"}, "api_app_id": "A0SIM",
                         "trigger_id": box.fake.new_trigger_id(ADA)})  # fmt: skip
    assert "Added 2 slots" in box.fake.seen_by(ADA)[-2].text
    assert errors_logged(caplog) == []


@pytest.mark.parametrize("typed", ["find " + "x" * 50, "find python, " + "é" * 41])
def test_find_with_a_word_too_long_for_a_skill(
    box: Sandbox, caplog: pytest.LogCaptureFixture, typed: str
) -> None:
    """SkillTooLong escaped the search: the user got "something went wrong", not the reason."""
    box.user(BEN).command(typed)
    assert "too long for a skill" in box.fake.seen_by(BEN)[-1].text
    assert errors_logged(caplog) == []


def test_junk_events_change_nothing_and_log_nothing(
    box: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    """app_home_opened without a user; user_change with odd tz, profile and a huge name."""
    box.user(ADA).open_home()
    assert box.driver.send_event({"type": "app_home_opened", "tab": "home"}).status == 200
    user = box.fake.user_info(ADA)
    for junk in ({"tz": 2}, {"profile": "x"}, {"profile": {"display_name": "A" * 10_000}}):
        assert (
            box.driver.send_event({"type": "user_change", "user": {**user, **junk}}).status == 200
        )
    assert errors_logged(caplog) == []
    with box.deps.sessions.begin() as session:
        name = session.scalar(select(User.real_name).where(User.slack_id == ADA))
    assert name == "A" * 200


@pytest.mark.parametrize("signed", [True, False])
def test_a_payload_bolt_cannot_read_is_400_not_500(
    box: Sandbox, caplog: pytest.LogCaptureFixture, signed: bool
) -> None:
    """Bolt reads `event.user` before it checks the signature; a scalar there raised (500)."""
    envelope = json.dumps(
        {"type": "event_callback", "event": {"type": "user_change", "user": True}}
    )
    reply = box.driver.post(envelope, "application/json", secret=None if signed else "forged")
    assert reply.status == 400
    assert errors_logged(caplog) == []
