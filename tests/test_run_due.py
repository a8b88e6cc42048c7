"""`run-due` passes through the simulator: each due item sent once, failures sorted out."""

from __future__ import annotations

from datetime import timedelta

from slack_sdk import WebClient
from sqlalchemy import select

from bot.deps import Deps
from bot.sandbox import Sandbox
from bot.services import due
from bot.services.due import DueItem
from bot.services.people import save_person
from bot.slack.client import RATE_LIMIT_RETRIES
from bot.slack.due_batch import DueBatch
from store.models import DueWork
from tests.conftest import BEN


def post_greeting(deps: Deps, client: WebClient, item: DueItem, batch: DueBatch) -> None:
    """A stand-in kind of due work: a DM to its recipient, as reminders will be."""
    assert item.recipient_slack_id is not None
    client.chat_postMessage(channel=item.recipient_slack_id, text=item.payload["text"])


SENDERS = {"greeting": post_greeting}


def schedule_greeting(box: Sandbox, slack_id: str, key: str, minutes_from_now: int = 0) -> None:
    now = box.clock.now()
    with box.deps.sessions.begin() as session:
        person = save_person(session, slack_id=slack_id, real_name=slack_id, tz="UTC", now=now)
        due.schedule(
            session,
            key=key,
            kind="greeting",
            due_at=now + timedelta(minutes=minutes_from_now),
            now=now,
            recipient_id=person.id,
            payload={"text": f"Hello from {key}"},
        )


def statuses(box: Sandbox) -> dict[str, str]:
    with box.deps.sessions.begin() as session:
        return dict(session.execute(select(DueWork.key, DueWork.status)).all())


def dms(box: Sandbox, user_id: str) -> list[str]:
    return [seen.text for seen in box.fake.seen_by(user_id) if seen.kind == "dm"]


def test_due_work_is_sent_once_and_only_when_due(box: Sandbox) -> None:
    """Work due now is sent; work due in an hour waits; a second pass sends nothing again."""
    schedule_greeting(box, BEN, "now")
    schedule_greeting(box, BEN, "later", minutes_from_now=60)
    assert box.run_due(SENDERS).sent == 1
    assert box.run_due(SENDERS).sent == 0
    assert dms(box, BEN) == ["Hello from now"]
    box.clock.advance(timedelta(minutes=60))
    assert box.run_due(SENDERS).sent == 1
    assert dms(box, BEN) == ["Hello from now", "Hello from later"]
    assert statuses(box) == {"now": "sent", "later": "sent"}


def test_a_user_slack_cannot_reach_fails_for_good(box: Sandbox) -> None:
    """A recipient unknown to Slack (say, deactivated) fails permanently, and the rest go on."""
    schedule_greeting(box, "U0GONE", "gone")
    schedule_greeting(box, BEN, "ben")
    report = box.run_due(SENDERS)
    assert (report.sent, report.failed) == (1, 1)
    assert statuses(box) == {"gone": "failed", "ben": "sent"}
    assert box.run_due(SENDERS).failed == 0  # failed work is not retried forever


def test_a_rate_limit_storm_defers_without_losing(box: Sandbox) -> None:
    """Slack answers 429 longer than the client retries: the item waits, then goes out once."""
    schedule_greeting(box, BEN, "stormy")
    box.fake.fail("chat.postMessage", 429, times=1 + RATE_LIMIT_RETRIES, retry_after=1)
    assert box.run_due(SENDERS).deferred == 1
    assert dms(box, BEN) == []
    assert statuses(box) == {"stormy": "pending"}
    box.clock.advance(timedelta(minutes=5))
    assert box.run_due(SENDERS).sent == 1
    assert dms(box, BEN) == ["Hello from stormy"]


def test_work_of_an_unknown_kind_is_failed_not_looped(box: Sandbox) -> None:
    """A row no sender knows (say, from a newer release) is failed and reported, not retried."""
    schedule_greeting(box, BEN, "mystery")
    assert box.run_due({}).failed == 1
    assert statuses(box) == {"mystery": "failed"}
