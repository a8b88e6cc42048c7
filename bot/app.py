"""Builds the Bolt App from settings and injected dependencies, in one call."""

from __future__ import annotations

import logging
from concurrent.futures import Executor, ThreadPoolExecutor

from slack_bolt import App
from slack_sdk import WebClient

from bot.deps import Deps
from bot.edge.late import LateGuard, LateRequests
from bot.edge.middleware import EnvelopeGuard, ReplayGuard
from bot.slack.client import make_web_client
from handlers import register_listeners

LISTENER_THREADS = 16


def build_app(
    deps: Deps,
    *,
    client: WebClient | None = None,
    listener_executor: Executor | None = None,
    late: LateRequests | None = None,
) -> App:
    """The whole app: every listener registered, its client on SLACK_API_URL with retries.

    Listeners run on `listener_executor` after the ack, so Slack gets its answer at once; tests
    pass an executor they can wait on. Every request passes the edge first (bot/edge): a
    malformed envelope is answered right after the signature check, a replay just before the
    listeners. A request Slack has already given up on (older than its 3 s ack budget) is
    shed before the replay guard and the listeners, and counted in `late`.
    """
    settings = deps.settings
    client = client or make_web_client(settings.slack_bot_token, settings.slack_api_url)
    executor = listener_executor or ThreadPoolExecutor(
        max_workers=LISTENER_THREADS, thread_name_prefix="listener"
    )
    app = App(
        client=client,
        signing_secret=settings.slack_signing_secret or "",
        listener_executor=executor,
        logger=logging.getLogger("slack_bolt"),
        before_authorize=EnvelopeGuard(client, executor),
    )
    app.use(LateGuard(client, executor, late or LateRequests()))
    app.use(ReplayGuard(deps))
    register_listeners(app, deps)
    return app
