"""Expiries and nudges when Slack fails or a card never went out: each reaches people once.

First found by the two-replica load test (benchmarks/load.py).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.jobs import RETRY_BACKOFF
from bot.sandbox import Sandbox
from bot.slack.client import SERVER_ERROR_RETRIES
from store.models import DueWork
from tests.conftest import ADA, BEN
from tests.steps import SESSION_START, ada_with_a_morning, dms, request, run_at, statuses

EXPIRY = SESSION_START - timedelta(hours=1)  # sooner than the 72-hour TTL


def expiry_status(box: Sandbox) -> str:
    with box.deps.sessions.begin() as session:
        return session.scalars(select(DueWork.status).where(DueWork.kind == "request_expiry")).one()


def test_an_expiry_that_went_out_is_recorded_as_sent(box: Sandbox) -> None:
    """Ada never answers Ben: the expiry tells him, and its row says sent, not cancelled.

    The expiry used to cancel all of its booking's pending work, itself included, so every
    expiry that went out was on record as cancelled.
    """
    ada_with_a_morning(box)
    assert request(box, BEN) == {}
    run_at(box, EXPIRY)
    assert statuses(box) == ["expired"]
    assert len(dms(box, BEN, "expired")) == 1
    assert expiry_status(box) == "sent"


def test_an_expiry_slack_failed_to_deliver_is_sent_on_a_later_pass(box: Sandbox) -> None:
    """Slack answers 500 when Ben should hear his request expired: a later pass tells him, once.

    The first attempt expired the booking before its message failed; the retry found the
    booking already expired and sent nothing, so Ben was never told.
    """
    ada_with_a_morning(box)
    assert request(box, BEN) == {}
    run_at(box, EXPIRY - timedelta(minutes=1))  # Ada's reminder to answer goes out first
    box.fake.fail("chat.postMessage", 500, times=1 + SERVER_ERROR_RETRIES)
    run_at(box, EXPIRY)
    assert statuses(box) == ["expired"] and dms(box, BEN, "expired") == []
    run_at(box, EXPIRY + RETRY_BACKOFF)
    assert len(dms(box, BEN, "expired")) == 1
    assert expiry_status(box) == "sent"
    box.run_due()
    assert len(dms(box, BEN, "expired")) == 1


def test_a_card_slack_cannot_update_does_not_repeat_the_expiry(box: Sandbox) -> None:
    """Slack keeps refusing to update Ada's card: Ben still hears of the expiry exactly once."""
    ada_with_a_morning(box)
    assert request(box, BEN) == {}
    box.fake.fail("chat.update", 500, times=1 + SERVER_ERROR_RETRIES)
    run_at(box, EXPIRY)
    run_at(box, EXPIRY + RETRY_BACKOFF)
    assert len(dms(box, BEN, "expired")) == 1
    assert expiry_status(box) == "sent"


def test_a_request_whose_card_never_went_out_reaches_the_mentor_with_the_nudge(
    box: Sandbox,
) -> None:
    """Ben's request is saved and acknowledged, but its card to Ada never goes out (here Slack
    fails; under load, the replica was killed right after the ack). The halfway nudge brings
    Ada the card, so she can still approve, instead of "answer on their request above" about
    a request she never saw.
    """
    ada_with_a_morning(box)
    box.fake.fail("chat.postMessage", 500, times=1 + SERVER_ERROR_RETRIES)
    assert request(box, BEN) == {}
    assert statuses(box) == ["pending"] and dms(box, ADA, "asks for a session") == []
    run_at(box, box.clock.now() + (EXPIRY - box.clock.now()) / 2)
    assert len(dms(box, ADA, "asks for a session")) == 1
    assert len(dms(box, ADA, "waiting for your answer")) == 1
    box.user(ADA).click("Approve")
    assert statuses(box) == ["approved"]
    assert len(dms(box, BEN, "Session confirmed")) == 1
