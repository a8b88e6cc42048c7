"""Correctly signed but malformed envelopes: never a 500, never a traceback, nothing lost.

Slack always sends these fields; a body without them is a bug or a forgery with a leaked
secret. Bolt's own middleware and matchers raised on several of them (500 and a traceback in
the log). Now each gets a 200 with a short private answer where someone can read one, or a 400,
and a single warning line.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from bot.edge.middleware import INCOMPLETE
from bot.ids import Action, Callback
from bot.sandbox import Sandbox
from bot.simulator.driver import FORM, Reply
from store.models import Booking, MentorProfile
from tests.conftest import ADA, BEN
from tests.steps import GOALS, TOMORROW, add_once, request, sign_up

GUARD_LOG = "bot.edge.middleware"

Payload = dict[str, Any]


def warnings_and_errors(caplog: pytest.LogCaptureFixture) -> tuple[list[str], list[str]]:
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    failed = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    failed += [r.getMessage() for r in caplog.records if r.exc_info]
    return warned, failed


def click(box: Sandbox, **changes: Any) -> Payload:
    """Ben's click on a button in his DM, as Slack sends it, then changed by `changes`."""
    channel = box.fake.dm_channel(BEN)
    payload: Payload = {
        "type": "block_actions",
        "user": {"id": BEN, "username": "ben", "team_id": "T0SIM"},
        "team": {"id": "T0SIM", "domain": "sim"},
        "api_app_id": "A0SIM",
        "trigger_id": box.fake.new_trigger_id(BEN),
        "response_url": box.fake.new_response_url(BEN, channel),
        "container": {"type": "message", "channel_id": channel, "is_ephemeral": True},
        "channel": {"id": channel, "name": "directmessage"},
        "actions": [{"type": "button", "action_id": Action.OPEN_FIND, "block_id": "b",
                     "value": "x", "action_ts": "1.0"}],
    }  # fmt: skip
    return _changed(payload, changes)


def home_click(box: Sandbox, **changes: Any) -> Payload:
    """A click on Ben's Home tab: no response_url, so an answer goes by DM."""
    payload = click(box)
    for name in ("response_url", "channel"):
        payload.pop(name, None)
    payload["container"] = {"type": "view", "view_id": "V0HOME"}
    payload["view"] = {"id": "V0HOME", "type": "home", "blocks": [], "state": {"values": {}}}
    return _changed(payload, changes)


def submission(box: Sandbox, **changes: Any) -> Payload:
    """Ben submits a profile modal as Slack sends it, then changed by `changes`."""
    view = {"id": "V0PROFILE", "type": "modal", "callback_id": Callback.PROFILE,
            "private_metadata": "", "state": {"values": {}}, "blocks": []}  # fmt: skip
    payload: Payload = {
        "type": "view_submission",
        "user": {"id": BEN, "username": "ben", "team_id": "T0SIM"},
        "team": {"id": "T0SIM", "domain": "sim"},
        "api_app_id": "A0SIM",
        "trigger_id": box.fake.new_trigger_id(BEN),
        "view": view,
    }
    return _changed(payload, changes)


def _changed(payload: Payload, changes: dict[str, Any]) -> Payload:
    """Apply `changes`; "view__state" sets payload["view"]["state"]; a value of DROP removes."""
    for name, value in changes.items():
        holder, key = payload, name
        if "__" in name:
            outer, key = name.split("__", 1)
            holder = payload[outer]
        if value is DROP:
            holder.pop(key, None)
        else:
            holder[key] = value
    return payload


DROP = object()

# (what is wrong, how to build it, whether someone is there to be answered privately)
CLICKS: list[tuple[str, Callable[[Sandbox], Payload], bool]] = [
    ("an empty actions list", lambda b: click(b, actions=[]), True),
    ("actions not a list", lambda b: click(b, actions={"action_id": "x"}), True),
    ("an action without action_id", lambda b: click(b, actions=[{"type": "button"}]), True),
    ("a number for action_id", lambda b: click(b, actions=[{"action_id": 7}]), True),
    ("a list for action_id", lambda b: click(b, actions=[{"action_id": ["x"]}]), True),
    ("an action that is a string", lambda b: click(b, actions=["open_find"]), True),
    ("no trigger_id", lambda b: click(b, trigger_id=DROP), True),
    ("a number for trigger_id", lambda b: click(b, trigger_id=12), True),
    ("a state that is a string", lambda b: click(b, state="x"), True),
    ("state.values a list", lambda b: click(b, state={"values": []}), True),
    ("a container that is a list", lambda b: click(b, container=[]), True),
    ("a view without type, on Home", lambda b: home_click(b, view__type=DROP), True),
    ("a view state that is a string", lambda b: home_click(b, view__state="x"), True),
    ("a view that is a string", lambda b: home_click(b, view="V0HOME"), True),
    ("a user without id", lambda b: click(b, user={"name": "ben"}), True),
    ("no user, nobody to tell", lambda b: home_click(b, user=DROP, actions=[]), False),
]

SUBMISSIONS: list[tuple[str, Callable[[Sandbox], Payload]]] = [
    ("a view without type", lambda b: submission(b, view__type=DROP)),
    ("a view without callback_id", lambda b: submission(b, view__callback_id=DROP)),
    ("a number for callback_id", lambda b: submission(b, view__callback_id=3)),
    ("a state that is a string", lambda b: submission(b, view__state="x")),
    ("a state without an object of values", lambda b: submission(b, view__state={"values": 1})),
    ("a block that is a string", lambda b: submission(b, view__state={"values": {"b": "x"}})),
    ("an input that is a number", lambda b: submission(b, view__state={"values": {"b": {"i": 1}}})),
    ("a private_metadata that is a list", lambda b: submission(b, view__private_metadata=[1])),
    ("no view", lambda b: submission(b, view=DROP)),
    ("a view that is a list", lambda b: submission(b, view=[])),
    ("no trigger_id", lambda b: submission(b, trigger_id=DROP)),
    ("no user", lambda b: submission(b, user=DROP)),
    ("a user without id", lambda b: submission(b, user={"name": "ben"})),
]


@pytest.mark.parametrize(("what", "build", "answered"), CLICKS, ids=[c[0] for c in CLICKS])
def test_a_malformed_click_is_answered_privately_without_a_traceback(
    box: Sandbox,
    caplog: pytest.LogCaptureFixture,
    what: str,
    build: Callable[[Sandbox], Payload],
    answered: bool,
) -> None:
    """Ben is told, in his DM or in place, that nothing was done; the log has one warning."""
    reply = box.driver.interact(build(box))
    warned, failed = warnings_and_errors(caplog)
    assert failed == [], what
    assert len(warned) == 1 and "malformed" in warned[0], (what, warned)
    if answered:
        assert reply.status == 200, what
        assert [s.text for s in box.fake.seen_by(BEN)] == [INCOMPLETE], what
    else:
        assert reply.status == 400, what
        assert box.fake.seen_by(BEN) == []


@pytest.mark.parametrize(("what", "build"), SUBMISSIONS, ids=[s[0] for s in SUBMISSIONS])
def test_a_malformed_submission_is_400_and_keeps_the_modal(
    box: Sandbox, caplog: pytest.LogCaptureFixture, what: str, build: Callable[[Sandbox], Payload]
) -> None:
    """Slack keeps a modal open on a 400, so nothing typed is lost; one warning line."""
    reply = box.driver.interact(build(box))
    warned, failed = warnings_and_errors(caplog)
    assert reply.status == 400, what
    assert failed == [], what
    assert len(warned) == 1 and "malformed" in warned[0], (what, warned)


def slash(box: Sandbox, **changes: Any) -> str:
    channel = box.fake.dm_channel(BEN)
    fields: dict[str, Any] = {
        "token": "sim-verification-token", "team_id": "T0SIM", "channel_id": channel,
        "user_id": BEN, "user_name": "ben", "command": "/mentor", "text": "sessions",
        "api_app_id": "A0SIM", "response_url": box.fake.new_response_url(BEN, channel),
        "trigger_id": box.fake.new_trigger_id(BEN),
    }  # fmt: skip
    return urlencode(_changed(fields, changes))


@pytest.mark.parametrize(
    "changes",
    [
        {"user_id": DROP},
        {"user_id": ""},
        {"trigger_id": DROP},
        {"command": ""},
        {"response_url": DROP},
    ],
    ids=["no user_id", "an empty user_id", "no trigger_id", "an empty command", "no response_url"],
)
def test_a_malformed_slash_command_is_answered_in_the_ack(
    box: Sandbox, caplog: pytest.LogCaptureFixture, changes: dict[str, Any]
) -> None:
    """Whoever typed it reads a short private answer (the ack is shown only to them)."""
    reply = box.driver.post(slash(box, **changes), FORM)
    warned, failed = warnings_and_errors(caplog)
    assert reply.status == 200 and reply.json is not None
    assert reply.json == {"response_type": "ephemeral", "text": INCOMPLETE}
    assert failed == []
    assert len(warned) == 1 and "malformed" in warned[0]


def event(box: Sandbox, envelope_changes: dict[str, Any]) -> Reply:
    envelope = {"token": "t", "team_id": "T0SIM", "api_app_id": "A0SIM", "type": "event_callback",
                "event_id": "Ev0ODD", "event_time": 1,
                "event": {"type": "app_home_opened", "user": BEN, "tab": "home"}}  # fmt: skip
    return box.driver.post(json.dumps(_changed(envelope, envelope_changes)), "application/json")


@pytest.mark.parametrize(
    "changes",
    [{"event": "app_home_opened"}, {"event": ["x"]}, {"event__type": DROP},
     {"event__type": 4}, {"event_id": 7}, {"event": DROP}],
    ids=["a string", "a list", "no type", "a number for type", "a number for event_id", "none"],
)  # fmt: skip
def test_a_malformed_event_is_400(
    box: Sandbox, caplog: pytest.LogCaptureFixture, changes: dict[str, Any]
) -> None:
    """An event callback whose event is not an object with a type: 400, one warning."""
    reply = event(box, changes)
    warned, failed = warnings_and_errors(caplog)
    assert reply.status == 400
    assert failed == []
    assert len(warned) == 1 and "malformed" in warned[0]
    assert [call.method for call in box.fake.calls].count("views.publish") == 0


def test_nul_characters_are_stripped_before_anything_is_stored(
    box: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    """PostgreSQL refuses NUL in text: a message, a bio and a search with one just work."""
    sign_up(box, ADA, bio="Staff engineer;\x00 I love helping people grow into leads.")
    assert add_once(box, ADA, TOMORROW, "10:00", "12:00") == {}
    box.fake.clear_modals(ADA)
    assert request(box, BEN, message=GOALS.replace("team", "te\x00am")) == {}
    box.user(BEN).command("find py\x00thon")
    with box.deps.sessions.begin() as session:
        assert session.scalar(select(Booking.message)) == GOALS
        bio = session.scalar(select(MentorProfile.bio))
    assert bio is not None and "\x00" not in bio
    assert box.fake.seen_by(BEN)[-1].text == "1 mentor for Python"
    _, failed = warnings_and_errors(caplog)
    assert failed == []


@pytest.mark.parametrize(
    "changes",
    [{"type": DROP, "view": ""}, {"type": "junk_kind", "view": "x"}, {"type": ["view_submission"]}],
    ids=["no type and a string view", "an unknown type and a string view", "a list for type"],
)
def test_a_body_that_says_not_what_it_is_is_400(
    box: Sandbox, caplog: pytest.LogCaptureFixture, changes: dict[str, Any]
) -> None:
    """Bolt's own log line for an unhandled request read `view.get(...)` and raised (500)."""
    reply = box.driver.interact(submission(box, **changes))
    warned, failed = warnings_and_errors(caplog)
    assert reply.status == 400
    assert failed == []
    assert len(warned) == 1 and "malformed" in warned[0]
