"""Bolt global middleware: refuse malformed envelopes and replayed deliveries before any listener.

`EnvelopeGuard` runs right after Bolt has verified the signature (Bolt's `before_authorize`
slot), before Bolt's own middleware and matchers read the body: they raise on shapes Slack never
sends, which would answer 500 with a traceback in the log. `ReplayGuard` runs after Bolt's
middleware (`app.use`), just before the listeners, and lets each delivery through once.

Neither opens a session for the listeners: in sync Bolt a middleware returns before the listener
runs on its worker thread. The replay guard's insert is a transaction of its own, finished here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any

from slack_bolt.middleware import Middleware
from slack_bolt.request import BoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from bot.deps import Deps
from bot.edge import deliveries
from bot.edge.envelope import NUL, kind_of, problem, strip_nuls

INCOMPLETE = (
    ":warning: Slack sent me an incomplete request, so I did nothing. Please try again; "
    "if it keeps happening, tell the program's coordinators."
)
# Kinds whose every delivery may change or post something; options lookups only read.
READ_ONLY = frozenset({"block_suggestion"})

log = logging.getLogger(__name__)

Next = Callable[[], BoltResponse]


class EnvelopeGuard(Middleware):
    """Strip NULs from every string of the body; answer a malformed envelope without a listener.

    A slash command gets its answer in the ack (Slack shows it only to the person who typed);
    a click is answered through its response_url or by DM, off the ack path; a modal
    submission and an event get 400 (Slack keeps the modal open, nothing typed is lost).
    """

    def __init__(self, client: WebClient, executor: Executor) -> None:
        self.client = client
        self.executor = executor

    def process(self, *, req: BoltRequest, resp: BoltResponse, next: Next) -> BoltResponse:
        _strip_nuls(req)
        found = problem(req.body)
        if found is None:
            return next()
        kind = kind_of(req.body)
        log.warning("Refused a malformed %s from Slack: %s", kind or "request", found)
        if kind == "command":
            return BoltResponse(status=200, body={"response_type": "ephemeral", "text": INCOMPLETE})
        if kind in ("block_actions", "shortcut", "message_action"):
            tell = self._teller(req.body)
            if tell is not None:
                self.executor.submit(_quietly, tell)
                return BoltResponse(status=200, body="")
        return BoltResponse(status=400, body="")

    def _teller(self, body: dict[str, Any]) -> Callable[[], object] | None:
        """How to tell the clicking person privately, if the body says who and where."""
        url, user = body.get("response_url"), body.get("user")
        if isinstance(url, str) and url:
            hook = WebhookClient(url, retry_handlers=self.client.retry_handlers)
            return lambda: hook.send(
                text=INCOMPLETE, response_type="ephemeral", replace_original=False
            )
        if isinstance(user, dict) and isinstance(user.get("id"), str) and user["id"]:
            return lambda: self.client.chat_postMessage(channel=user["id"], text=INCOMPLETE)
        return None


def _strip_nuls(req: BoltRequest) -> None:
    """The body, and what Bolt already read from it into the context, without NULs."""
    req.body = strip_nuls(req.body)
    for name, value in list(req.context.items()):
        if isinstance(value, str) and NUL in value:
            req.context[name] = value.replace(NUL, "")


def _quietly(tell: Callable[[], object]) -> None:
    try:
        tell()
    except Exception as error:  # Slack unreachable: the warning above already says what came
        log.warning("Could not answer a malformed request: %r", error)


class ReplayGuard(Middleware):
    """Each signed request, and each Events API delivery, reaches the listeners once.

    HTTP requests are keyed by their signature (it covers the timestamp and the body, so only
    an exact replay shares it); events by `event_id`, so Slack's retries of an event already
    handled are acknowledged and not redone, while a retry of one never seen is handled (the
    first delivery may have been lost). Socket Mode has no signature: only events are keyed.
    """

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def process(self, *, req: BoltRequest, resp: BoltResponse, next: Next) -> BoltResponse:
        key = delivery_key(req)
        if key is None or deliveries.first_delivery(
            self.deps.sessions, key, now=self.deps.clock.now()
        ):
            return next()
        retry = _header(req, "x-slack-retry-num")
        if retry is not None and key.startswith("event"):
            log.info("Slack's retry %s of an event already handled (%s): acknowledged", retry, key)
        else:
            log.warning("Refused a replay of a %s already handled (%s)", kind_of(req.body), key)
        return BoltResponse(status=200, body="")


def delivery_key(req: BoltRequest) -> str | None:
    """What makes this delivery the same as an earlier one, or None if nothing needs keying."""
    body = req.body
    kind = kind_of(body)
    if kind in READ_ONLY:
        return None
    event_id = body.get("event_id")
    if kind == "event_callback" and isinstance(event_id, str) and event_id:
        return deliveries.event_key(event_id)
    if req.mode == "socket_mode":
        return None
    signature = _header(req, "x-slack-signature")
    return None if signature is None else deliveries.signature_key(signature)


def _header(req: BoltRequest, name: str) -> str | None:
    values = req.headers.get(name) or []
    first = next(iter(values), None)
    return first if isinstance(first, str) and first else None
