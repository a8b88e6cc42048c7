"""A due-work pass costs the database a fixed number of queries per batch, not per item.

The sessions are seeded as `benchmarks.run_due` seeds them (approved sessions whose due work
`lifecycle.plan_session` planned), so this also keeps the benchmark's seeding honest.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, event, func, select

from benchmarks.run_due import check, reminders_back_to_pending, seed
from bot.clock import ManualClock
from bot.config import load_settings
from bot.deps import Deps
from bot.jobs import SETTLE_EVERY, SETTLE_ITEMS, run_due_pass
from bot.services.due import DueItem
from bot.simulator import FakeSlack
from bot.slack.client import make_web_client
from bot.slack.due_batch import DueBatch
from bot.slack.due_senders import DUE_SENDERS
from store.db import SessionFactory, make_session_factory
from store.models import DueWork
from tests.conftest import START

ITEMS = 80  # reminders; half are due half an hour before the other half


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    slack = FakeSlack().start()
    yield slack
    slack.stop()
    assert slack.problems == []


class Queries:
    """Counts the statements an engine sends to the database."""

    def __init__(self, engine: Engine) -> None:
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args: Any) -> None:
        self.count += 1

    def during(self, work: Any) -> int:
        before = self.count
        work()
        return self.count - before


def deps_for(engine: Engine, fake: FakeSlack, clock: ManualClock) -> Deps:
    url = engine.url.render_as_string(hide_password=False)
    settings = load_settings(
        {"SLACK_BOT_TOKEN": fake.bot_token, "SLACK_API_URL": fake.base_url, "DATABASE_URL": url}
    )
    return Deps(settings, make_session_factory(engine), clock)


def sent_count(sessions: SessionFactory) -> int:
    with sessions.begin() as session:
        query = select(func.count()).where(DueWork.status == "sent")
        return session.scalar(query) or 0


def test_a_pass_queries_per_batch_not_per_reminder(engine: Engine, fake: FakeSlack) -> None:
    """80 reminders cost only one more query per SETTLE_ITEMS than 40; everyone gets theirs."""
    clock = ManualClock(START)
    deps = deps_for(engine, fake, clock)
    expected = seed(deps.sessions, fake, deps.settings, ITEMS, START)
    client = make_web_client(fake.bot_token, fake.base_url)
    queries = Queries(engine)

    clock.set(START - timedelta(minutes=30))  # only the earlier half is due
    for_half = queries.during(lambda: run_due_pass(deps, client))
    assert sent_count(deps.sessions) == ITEMS // 2

    clock.set(START)
    reminders_back_to_pending(deps.sessions, START)
    first_call = len(fake.calls)
    for_all = queries.during(lambda: run_due_pass(deps, client))
    assert sent_count(deps.sessions) == ITEMS
    assert check(fake, first_call, expected) == []
    assert for_all - for_half <= 2 * (ITEMS // 2) // SETTLE_ITEMS  # marking a group: 2 at most
    assert for_all <= ITEMS // 4  # a fixed number per batch; the first-session check is one


def test_an_interrupted_pass_marks_what_it_sent(engine: Engine, fake: FakeSlack) -> None:
    """Stopped mid-batch (Ctrl-C, SIGTERM), the pass still records what already went out."""
    clock = ManualClock(START)
    deps = deps_for(engine, fake, clock)
    expected = seed(deps.sessions, fake, deps.settings, 10, START)
    done: list[DueItem] = []

    def send_three_then_stop(deps: Deps, client: Any, item: DueItem, batch: DueBatch) -> None:
        if len(done) == 3:
            raise KeyboardInterrupt
        DUE_SENDERS[item.kind](deps, client, item, batch)
        done.append(item)

    client = make_web_client(fake.bot_token, fake.base_url)
    with pytest.raises(KeyboardInterrupt):
        run_due_pass(deps, client, {"reminder": send_three_then_stop})
    assert sent_count(deps.sessions) == 3
    clock.advance(timedelta(minutes=5))  # the interrupted pass's lease runs out
    assert run_due_pass(deps, client).sent == 7
    assert check(fake, 0, expected) == []  # each reminder once: none lost, none repeated


def test_a_slow_batch_marks_sent_work_as_it_goes(engine: Engine, fake: FakeSlack) -> None:
    """When Slack is slow, sent work is marked every SETTLE_EVERY, not only at batch end."""
    clock = ManualClock(START)
    deps = deps_for(engine, fake, clock)
    seed(deps.sessions, fake, deps.settings, 10, START)
    marked_before: list[int] = []
    step = SETTLE_EVERY * 0.6

    def slow(deps: Deps, client: Any, item: DueItem, batch: DueBatch) -> None:
        marked_before.append(sent_count(deps.sessions))
        DUE_SENDERS[item.kind](deps, client, item, batch)
        clock.advance(step)

    client = make_web_client(fake.bot_token, fake.base_url)
    assert run_due_pass(deps, client, {"reminder": slow}).sent == 10
    assert marked_before == [0, 0, 2, 2, 4, 4, 6, 6, 8, 8]


def test_sent_work_is_marked_in_groups(engine: Engine, fake: FakeSlack) -> None:
    """A hard crash can repeat at most SETTLE_ITEMS messages: sends are marked in such groups."""
    clock = ManualClock(START)
    deps = deps_for(engine, fake, clock)
    seed(deps.sessions, fake, deps.settings, 2 * SETTLE_ITEMS + 4, START)
    marked_before: list[int] = []

    def counting(deps: Deps, client: Any, item: DueItem, batch: DueBatch) -> None:
        marked_before.append(sent_count(deps.sessions))
        DUE_SENDERS[item.kind](deps, client, item, batch)

    client = make_web_client(fake.bot_token, fake.base_url)
    assert run_due_pass(deps, client, {"reminder": counting}).sent == 2 * SETTLE_ITEMS + 4
    groups = [0] * SETTLE_ITEMS + [SETTLE_ITEMS] * SETTLE_ITEMS + [2 * SETTLE_ITEMS] * 4
    assert marked_before == groups
