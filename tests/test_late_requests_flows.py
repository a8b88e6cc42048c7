"""Overload does not feed itself (issue 18, item 5): a request Slack has already given up on is
shed, its work not done, and the person told to try again; /healthz counts it."""

from __future__ import annotations

import json
import time
import urllib.request

from sqlalchemy import func, select

from bot.edge.late import TOO_LATE
from bot.sandbox import Sandbox
from store.models import SearchMiss
from tests.conftest import BEN
from tests.steps import ada_with_a_morning, seen_text


def signed_seconds_ago(box: Sandbox, seconds: int) -> None:
    """Sign what is sent next as if Slack had sent it `seconds` ago (a whole-second stamp)."""
    box.driver.clock = lambda: float(int(time.time()) - seconds)


def health(box: Sandbox) -> dict:
    url = box.driver.app_url.replace("/slack/events", "/healthz")
    with urllib.request.urlopen(url, timeout=5) as answer:
        return dict(json.load(answer))


def misses(box: Sandbox) -> int:
    with box.deps.sessions.begin() as session:
        return session.scalar(select(func.count()).select_from(SearchMiss)) or 0


def test_a_search_that_arrives_after_slacks_deadline_is_shed(box: Sandbox) -> None:
    """Ben's /mentor find reaches the app 10 s after Slack signed it: the ack is empty, no
    search runs (not even its note of an unknown skill), Ben is told privately to try again,
    and /healthz counts one shed command. Typed again on time, it works."""
    ada_with_a_morning(box)
    ben = box.user(BEN)
    signed_seconds_ago(box, 10)
    reply = ben.command("find python cobol")
    assert (reply.status, reply.body) == (200, "")
    assert seen_text(box, BEN, "response") == TOO_LATE
    assert misses(box) == 0
    assert health(box)["shed"] == {"total": 1, "command": 1}

    box.driver.clock = time.time
    ben.command("find python cobol")
    shown = seen_text(box, BEN, "response")
    assert "Ada Lovelace" in shown
    assert misses(box) == 1
    assert health(box)["shed"]["total"] == 1


def test_a_request_within_the_budget_is_served_and_a_late_click_is_shed(box: Sandbox) -> None:
    """Signed three whole seconds ago (at most three seconds on its way) it is served; a click
    on the results signed five seconds ago does nothing but say so."""
    ada_with_a_morning(box)
    ben = box.user(BEN)
    signed_seconds_ago(box, 3)
    ben.command("find python")
    assert "Ada Lovelace" in seen_text(box, BEN, "response")
    signed_seconds_ago(box, 5)
    ben.click("More times")
    assert seen_text(box, BEN, "response").endswith(TOO_LATE)
    assert health(box)["shed"] == {"total": 1, "block_actions": 1}
