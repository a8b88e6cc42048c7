"""Replays and retries at the edge: each signed request and each event is handled once.

Slack's signature stays valid for five minutes, so whoever captured a request could send it
again; Slack itself retries events it thinks we missed. Both are answered 200 and not redone,
on every replica, while a person's double click (two deliveries) still reaches the service.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import timedelta

import pytest
from slack_bolt.request import BoltRequest
from sqlalchemy import func, select

from bot.app import build_app
from bot.sandbox import SIGNING_SECRET, Sandbox
from bot.server import EVENTS_PATH, make_server
from bot.simulator import SlackDriver, TrackingExecutor, finder
from bot.simulator.driver import Signed
from store.models import Booking, SlackDelivery
from tests.conftest import ADA, BEN
from tests.steps import ada_with_a_morning, request, seen_text, statuses

GUARD_LOG = "bot.edge.middleware"


def edge_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == GUARD_LOG]


def errors_logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


def last_sent(box: Sandbox) -> Signed:
    sent = box.driver.last_sent
    assert sent is not None
    return sent


def publishes(box: Sandbox) -> int:
    return [call.method for call in box.fake.calls].count("views.publish")


def deliveries(box: Sandbox) -> int:
    with box.deps.sessions.begin() as session:
        return session.scalar(select(func.count()).select_from(SlackDelivery)) or 0


def test_a_replayed_click_is_acknowledged_and_not_redone(
    box: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    """Ada approves Ben's request; the same signed click sent again does nothing at all."""
    ada_with_a_morning(box)
    assert request(box, BEN) == {}
    box.user(ADA).click("Approve")
    approve = last_sent(box)
    seen = {ADA: len(box.fake.seen_by(ADA)), BEN: len(box.fake.seen_by(BEN))}
    caplog.set_level(logging.INFO, GUARD_LOG)
    reply = box.driver.replay(approve)
    assert (reply.status, reply.body) == (200, "")
    assert statuses(box) == ["approved"]
    assert {ADA: len(box.fake.seen_by(ADA)), BEN: len(box.fake.seen_by(BEN))} == seen
    (line,) = edge_lines(caplog)
    assert "replay" in line and "block_actions" in line
    assert errors_logged(caplog) == []


def test_a_replayed_slash_command_gets_no_second_answer(box: Sandbox) -> None:
    """`/mentor find` sent again byte for byte: no second search, no second list of mentors."""
    ada_with_a_morning(box)
    box.user(BEN).command("find python leadership")
    seen = len(box.fake.seen_by(BEN))
    assert seen > 0
    reply = box.driver.replay(last_sent(box))
    assert (reply.status, reply.body) == (200, "")
    assert len(box.fake.seen_by(BEN)) == seen


def test_a_replayed_submission_books_nothing_and_answers_nothing(box: Sandbox) -> None:
    """Ben's booking submission replayed: still one request, one card for Ada, no modal error."""
    ada_with_a_morning(box)
    assert request(box, BEN) == {}
    submitted = last_sent(box)
    cards = len(box.fake.seen_by(ADA))
    reply = box.driver.replay(submitted)
    assert (reply.status, reply.body) == (200, "")
    assert statuses(box) == ["pending"]
    assert len(box.fake.seen_by(ADA)) == cards


def test_slacks_retry_of_a_handled_event_is_acknowledged_not_redone(
    box: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    """Slack retries Ada's app_home_opened (new signature, X-Slack-Retry-Num): no second Home."""
    box.user(ADA).open_home()
    opened = last_sent(box)
    published = publishes(box)
    caplog.set_level(logging.INFO, GUARD_LOG)
    for number in (1, 2):
        reply = box.driver.retry(opened, number)
        assert (reply.status, reply.body) == (200, "")
    assert publishes(box) == published
    assert len(edge_lines(caplog)) == 2
    assert all("retry" in line for line in edge_lines(caplog))


def test_slacks_retry_of_an_event_never_seen_is_handled(box: Sandbox) -> None:
    """The first delivery was lost on the way: its retry is the only one, so it is handled."""
    box.user(ADA).open_home()
    published = publishes(box)
    envelope = json.loads(last_sent(box).body)
    envelope["event_id"] = "Ev0LOST0001"
    lost = replace(last_sent(box), body=json.dumps(envelope))
    assert box.driver.retry(lost).status == 200
    assert publishes(box) == published + 1
    assert box.driver.retry(lost, 2).status == 200
    assert publishes(box) == published + 1


@contextmanager
def second_replica(box: Sandbox) -> Iterator[SlackDriver]:
    """Another replica of the app: its own Bolt app and HTTP server, the same database."""
    executor = TrackingExecutor(max_workers=2, thread_name_prefix="replica-2")
    app = build_app(box.deps, client=box.client, listener_executor=executor)
    server = make_server(app, box.engine, host="127.0.0.1", port=0)
    thread = threading.Thread(target=server.run, name="replica-2", daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.effective_port}{EVENTS_PATH}"  # type: ignore[union-attr]
    try:
        yield SlackDriver(box.fake, url, SIGNING_SECRET, settle=executor.wait_idle)
    finally:
        server.task_dispatcher.shutdown()
        server.close()
        thread.join(timeout=5)
        executor.shutdown(wait=True)


def test_a_replay_sent_to_another_replica_is_refused_there_too(box: Sandbox) -> None:
    """Ben's request handled by one replica, replayed to another: still one booking."""
    ada_with_a_morning(box)
    assert request(box, BEN) == {}
    submitted = last_sent(box)
    cards = len(box.fake.seen_by(ADA))
    with second_replica(box) as other:
        reply = other.replay(submitted)
    assert (reply.status, reply.body) == (200, "")
    with box.deps.sessions.begin() as session:
        assert session.scalar(select(func.count()).select_from(Booking)) == 1
    assert len(box.fake.seen_by(ADA)) == cards


def test_a_double_click_is_two_deliveries_and_still_one_approval(box: Sandbox) -> None:
    """Ada clicks Approve twice before the card changes: both reach the service, which
    approves once and tells her politely the second time."""
    ada_with_a_morning(box)
    assert request(box, BEN) == {}
    places = finder.surfaces(box.fake, ADA, "message")
    approve = finder.find(places, None, finder.is_button("Approve"))
    assert approve is not None
    ada = box.user(ADA)
    ada.press(approve)
    ada.press(approve)
    assert statuses(box) == ["approved"]
    confirmations = [s for s in box.fake.seen_by(BEN) if "Session confirmed" in s.text]
    assert len(confirmations) == 1
    assert "already approved" in seen_text(box, ADA, "response")


def test_the_due_pass_forgets_deliveries_too_old_to_be_replayed(box: Sandbox) -> None:
    """Deliveries are remembered for ten minutes (the signature lives five), then pruned."""
    box.user(ADA).open_home()
    box.clock.advance(timedelta(minutes=6))
    box.user(BEN).open_home()
    assert deliveries(box) == 2
    box.clock.advance(timedelta(minutes=5))
    box.run_due()
    assert deliveries(box) == 1
    box.clock.advance(timedelta(minutes=6))
    box.run_due()
    assert deliveries(box) == 0


def test_socket_mode_events_are_deduplicated_by_event_id(box: Sandbox) -> None:
    """Socket Mode has no signature: the same event_id twice is handled once; commands pass."""
    envelope = {
        "type": "event_callback",
        "team_id": box.fake.team_id,
        "api_app_id": box.fake.app_id,
        "event_id": "Ev0SOCKET01",
        "event": {"type": "app_home_opened", "user": ADA, "tab": "home",
                  "channel": box.fake.dm_channel(ADA), "event_ts": "1.0"},
    }  # fmt: skip
    published = publishes(box)
    for _ in range(2):
        response = box.app.dispatch(BoltRequest(body=envelope, mode="socket_mode"))
        assert response.status == 200
        box.executor.wait_idle()
    assert publishes(box) == published + 1
    channel = box.fake.dm_channel(BEN)
    command = {"command": "/mentor", "text": "help", "user_id": BEN, "team_id": "T0SIM",
               "channel_id": channel, "trigger_id": "1.2.3",
               "response_url": box.fake.new_response_url(BEN, channel)}  # fmt: skip
    for _ in range(2):
        response = box.app.dispatch(BoltRequest(body=command, mode="socket_mode"))
        assert response.status == 200 and "help" in response.body.lower()
