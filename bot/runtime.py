"""What the long-running commands do with checked settings: wire real parts together and run."""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from types import FrameType

from slack_bolt.error import BoltError
from sqlalchemy.exc import OperationalError

from bot.app import build_app
from bot.clock import SystemClock
from bot.config import Settings
from bot.deps import Deps
from bot.jobs import run_due_pass
from bot.replica import Replica
from bot.scheduler import start_scheduler
from bot.server import feed_reader, make_server
from bot.services.eligibility import unknown_names
from bot.slack.client import make_web_client
from bot.slack.coordinator_channel import warn_if_readable_by_others
from store.db import make_engine, make_session_factory
from store.migrate import upgrade

log = logging.getLogger("mentor_bot")


def upgrade_database(settings: Settings) -> int:
    engine = make_engine(settings.database_url)
    try:
        upgrade(engine)
    except OperationalError as exc:
        return _database_unreachable(settings, exc)
    print(f"Database schema is up to date ({engine.url.render_as_string(hide_password=True)}).")
    return 0


def run_due_once(settings: Settings) -> int:
    engine = make_engine(settings.database_url)
    deps = Deps(settings, make_session_factory(engine), SystemClock())
    client = make_web_client(settings.slack_bot_token, settings.slack_api_url)
    try:
        report = run_due_pass(deps, client)
    except OperationalError as exc:
        return _database_unreachable(settings, exc)
    print(f"run-due: {report}")
    return 0


def eligibility_warning(deps: Deps) -> str | None:
    """One line when MENTOR_ELIGIBILITY_SKILLS names what the catalogue does not know.

    A warning, not a refusal to start: coordinators may create the skill or group later with
    `/mentor admin skills`, and until then that name simply qualifies nobody.
    """
    with deps.sessions.begin() as session:
        unknown = unknown_names(session, deps.mentor_rule)
    if not unknown:
        return None
    names = ", ".join(f"“{name}”" for name in unknown)
    return (
        f"MENTOR_ELIGIBILITY_SKILLS names {names}: neither a skill nor a skill group in the "
        "catalogue, so no sign-up qualifies through it until a coordinator adds it "
        "(`/mentor admin skills`)."
    )


def serve(settings: Settings, *, host: str, scheduler: bool, workers: int | None = None) -> int:
    """Migrate, check the token, then serve Slack until stopped (SIGINT or SIGTERM).

    HTTP mode runs `workers` processes (default WEB_CONCURRENCY, else one per CPU) under
    gunicorn (bot/replica.py); Socket Mode is one process: its one WebSocket is one stream."""
    engine = make_engine(settings.database_url)
    try:
        upgrade(engine)
    except OperationalError as exc:
        return _database_unreachable(settings, exc)
    deps = Deps(settings, make_session_factory(engine), SystemClock())
    client = make_web_client(settings.slack_bot_token, settings.slack_api_url)
    try:
        app = build_app(deps, client=client)
    except BoltError as exc:
        print(f"mentor-bot: Slack refused the bot token: {exc}", file=sys.stderr)
        return 1
    warn_if_readable_by_others(client, settings.coordinator_channel, settings.coordinator_user_ids)
    if warning := eligibility_warning(deps):
        log.warning(warning)
    if not settings.socket_mode:
        engine.dispose()  # the workers open their own after the fork
        count = workers or settings.web_concurrency or os.cpu_count() or 1
        Replica(settings, host=host, workers=count, scheduler=scheduler).run()
        return 0
    if workers is not None and workers > 1:
        log.warning("Socket Mode runs in one process: --workers %d is ignored", workers)
    timer = start_scheduler(deps, client) if scheduler else None
    try:
        from slack_bolt.adapter.socket_mode import SocketModeHandler

        if settings.public_url:  # calendar apps still need GET /calendar/<token>.ics
            feeds = make_server(app, engine, host=host, port=settings.port, feed=feed_reader(deps))
            threading.Thread(target=feeds.run, name="calendar-feeds", daemon=True).start()
            log.info("Serving calendar feeds on http://%s:%d/calendar/", host, settings.port)
        signal.signal(signal.SIGTERM, _interrupt)
        log.info("Connecting to Slack in Socket Mode (one process)")
        SocketModeHandler(app, settings.slack_app_token).start()
    except KeyboardInterrupt:
        log.info("Stopped")
    finally:
        if timer is not None:
            timer.shutdown(wait=False)
    return 0


def _interrupt(_signum: int, _frame: FrameType | None) -> None:
    """SIGTERM (from an orchestrator) stops the server like Ctrl-C does."""
    raise KeyboardInterrupt


def _database_unreachable(settings: Settings, exc: OperationalError) -> int:
    reason = " ".join(str(exc.orig).split())
    print(f"mentor-bot: cannot use the database ({reason}); check DATABASE_URL", file=sys.stderr)
    return 1
