"""An offline Mentor Bot: the real app over real HTTP on loopback, talking to the simulator.

The demo and the tests both start one of these, so what the tests check is what the demo shows
and what production runs: the same app factory, WSGI server, database and migrations; only
Slack is simulated and the clock is moved by hand.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from slack_bolt import App
from slack_sdk import WebClient
from sqlalchemy import Engine

from bot.app import build_app
from bot.clock import ManualClock
from bot.config import Settings, load_settings
from bot.deps import Deps
from bot.edge.late import LateRequests
from bot.jobs import PassReport, run_due_pass
from bot.server import EVENTS_PATH, feed_reader, make_server
from bot.simulator import FakeSlack, SimActor, SlackDriver, TrackingExecutor
from bot.slack.client import make_web_client
from bot.slack.due_batch import DueSender
from store.db import make_engine, make_session_factory
from store.migrate import upgrade

SIGNING_SECRET = "sandbox-signing-secret"


@dataclass
class Sandbox:
    fake: FakeSlack
    driver: SlackDriver
    deps: Deps
    app: App
    client: WebClient
    engine: Engine
    clock: ManualClock
    executor: TrackingExecutor
    retry_waits: list[float] = field(default_factory=list)
    # The app's own HTTP address (what PUBLIC_URL would be), for GET /calendar/<token>.ics.
    http_url: str = ""

    @property
    def settings(self) -> Settings:
        return self.deps.settings

    def user(self, slack_id: str) -> SimActor:
        return self.driver.user(slack_id)

    def run_due(self, senders: Mapping[str, DueSender] | None = None) -> PassReport:
        """One due-work pass at the sandbox clock's time, as `mentor-bot run-due` would do."""
        return run_due_pass(self.deps, self.client, senders)


@contextmanager
def sandbox(
    database_url: str,
    *,
    now: datetime,
    env: Mapping[str, str] | None = None,
    fake: FakeSlack | None = None,
) -> Iterator[Sandbox]:
    """Start the simulator, a migrated database and the app's HTTP server; stop them after."""
    fake = fake or FakeSlack()
    fake.start()
    settings = load_settings(
        {
            "SLACK_BOT_TOKEN": fake.bot_token,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": fake.base_url,
            "DATABASE_URL": database_url,
            **(env or {}),
        }
    )
    engine = make_engine(settings.database_url)
    upgrade(engine)
    clock = ManualClock(now)
    deps = Deps(settings, make_session_factory(engine), clock)
    waits: list[float] = []
    client = make_web_client(settings.slack_bot_token, settings.slack_api_url, sleep=waits.append)
    executor = TrackingExecutor(max_workers=8, thread_name_prefix="sandbox-listener")
    late = LateRequests()
    app = build_app(deps, client=client, listener_executor=executor, late=late)
    server = make_server(
        app, engine, host="127.0.0.1", port=0, feed=feed_reader(deps), poll_seconds=0.05, late=late
    )
    stopping = threading.Event()

    def serve() -> None:
        try:
            server.run()
        except OSError:  # waitress's loop trips over its own closed socket when stopped
            if not stopping.is_set():
                raise

    thread = threading.Thread(target=serve, name="sandbox-http", daemon=True)
    thread.start()
    root = f"http://127.0.0.1:{server.effective_port}"  # type: ignore[union-attr]
    driver = SlackDriver(fake, root + EVENTS_PATH, SIGNING_SECRET, settle=executor.wait_idle)
    try:
        yield Sandbox(fake, driver, deps, app, client, engine, clock, executor, waits, root)
    finally:
        stopping.set()
        server.task_dispatcher.shutdown()  # let answers in flight finish before the socket goes
        server.close()
        thread.join(timeout=5)
        executor.shutdown(wait=True)
        fake.stop()
        engine.dispose()
