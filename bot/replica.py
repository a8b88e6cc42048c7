"""HTTP mode on every core: gunicorn's pre-fork arbiter, gthread workers, one scheduler process.

One Python process is one core (the GIL), so a replica runs `workers` processes that share the
listening socket; each builds its own engine, Bolt app and listener threads after the fork
(nothing open is inherited). The due-work timer runs in exactly one more process of the replica,
started by the arbiter once the workers may be forked and stopped with it, so N workers never mean
N timers (each due item is done once anyway, see architecture.md "Due work", but N timers
would be N times the passes). SIGTERM to the arbiter is a graceful stop: workers stop accepting,
finish the requests they hold and then the listener work already acknowledged (a search whose
answer goes to response_url), within `DRAIN_SECONDS`; the scheduler finishes its pass.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

# gunicorn reads WEB_CONCURRENCY when imported and fails on an empty one, which our settings
# take as "one per CPU" (an empty value means "not set", see .env.example).
if not os.environ.get("WEB_CONCURRENCY", "unset").strip():
    del os.environ["WEB_CONCURRENCY"]

from gunicorn.app.base import BaseApplication

from bot.app import LISTENER_THREADS, build_app
from bot.clock import SystemClock
from bot.config import Settings, load_settings, read_environment
from bot.deps import Deps
from bot.edge.late import LateRequests
from bot.scheduler import start_scheduler
from bot.server import SERVER_THREADS, WSGIApp, feed_reader, make_wsgi_app
from bot.slack.client import make_web_client
from store.db import make_engine, make_session_factory

DRAIN_SECONDS = 30  # how long a stopping worker may take to finish what it holds
WORKER_TIMEOUT_SECONDS = 60  # a worker silent this long is stuck: the arbiter replaces it
KEEPALIVE_SECONDS = 5  # Slack reuses connections; hold idle ones this long

log = logging.getLogger("mentor_bot")


class Replica(BaseApplication):
    """`mentor-bot serve` in HTTP mode: `workers` gthread processes on `host:settings.port`."""

    def __init__(self, settings: Settings, *, host: str, workers: int, scheduler: bool) -> None:
        self.settings = settings
        self.host = host
        self.workers = workers
        self.scheduler = scheduler
        self.timer: subprocess.Popen[bytes] | None = None
        self.listeners: ThreadPoolExecutor | None = None  # this worker's, after the fork
        super().__init__()

    def load_config(self) -> None:
        for name, value in {
            "bind": [f"{self.host}:{self.settings.port}"],
            "workers": self.workers,
            "worker_class": "gthread",
            "threads": SERVER_THREADS,
            "graceful_timeout": DRAIN_SECONDS,
            "timeout": WORKER_TIMEOUT_SECONDS,
            "keepalive": KEEPALIVE_SECONDS,
            "proc_name": "mentor-bot",
            "loglevel": self.settings.log_level.lower(),
            "when_ready": self._when_ready,
            "worker_exit": self._worker_exit,
            "on_exit": self._on_exit,
        }.items():
            self.cfg.set(name, value)
        if "control_socket_disable" in self.cfg.settings:  # gunicorn 24+: one per machine
            self.cfg.set("control_socket_disable", True)

    def load(self) -> WSGIApp:
        """Runs in each worker after the fork: its own engine, client, app and listener pool."""
        settings = self.settings
        engine = make_engine(settings.database_url)
        deps = Deps(settings, make_session_factory(engine), SystemClock())
        client = make_web_client(settings.slack_bot_token, settings.slack_api_url)
        self.listeners = ThreadPoolExecutor(LISTENER_THREADS, thread_name_prefix="listener")
        late = LateRequests()
        app = build_app(deps, client=client, listener_executor=self.listeners, late=late)
        return make_wsgi_app(app, engine, feed_reader(deps), late)

    def _when_ready(self, _arbiter: Any) -> None:
        log.info(
            "Serving Slack on http://%s:%d/slack/events with %d worker process(es)",
            self.host, self.settings.port, self.workers,
        )  # fmt: skip
        if not self.scheduler:
            log.info("No due-work scheduler in this replica (--no-scheduler)")
            return
        # A fresh interpreter (not a fork): it shares no sockets, pools or threads with the
        # workers, and they inherit nothing of it.
        self.timer = subprocess.Popen([sys.executable, "-m", "bot.replica", str(os.getpid())])

    def _worker_exit(self, _arbiter: Any, _worker: Any) -> None:
        """The worker's HTTP requests are done; finish the work they acknowledged."""
        if self.listeners is not None:
            self.listeners.shutdown(wait=True)

    def _on_exit(self, _arbiter: Any) -> None:
        if self.timer is not None and self.timer.poll() is None:
            self.timer.terminate()
            try:
                self.timer.wait(DRAIN_SECONDS)
            except subprocess.TimeoutExpired:
                self.timer.kill()
        log.info("Stopped")


def run_scheduler(arbiter_pid: int) -> None:
    """The replica's one due-work timer, in a process of its own (spawned, so it shares nothing
    with the workers). It stops on SIGTERM after the pass in flight, or when the arbiter is gone
    (it was killed and could not stop us)."""
    settings = load_settings(read_environment())
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    engine = make_engine(settings.database_url)
    deps = Deps(settings, make_session_factory(engine), SystemClock())
    client = make_web_client(settings.slack_bot_token, settings.slack_api_url)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda _signum, _frame: stop.set())
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the arbiter, which stops us
    timer = start_scheduler(deps, client)
    log.info("Due-work scheduler running in process %d", os.getpid())
    while not stop.wait(1.0):
        if os.getppid() != arbiter_pid:
            log.warning("The replica's arbiter is gone; stopping the scheduler")
            break
    timer.shutdown(wait=True)
    engine.dispose()
    log.info("Due-work scheduler stopped")


if __name__ == "__main__":  # started by Replica._when_ready with the arbiter's pid
    run_scheduler(int(sys.argv[1]))
