"""Bolt global middleware: shed a request Slack has already given up on (issue 18, item 5).

Slack waits 3 seconds for an acknowledgement and then shows the person an error. A request that
reaches the app later than that (it queued behind others during a burst) has already failed in
their eyes; doing its work anyway only makes the queue longer for everyone behind it, so an
overload would feed itself. Such a request is acknowledged empty, its work is not done, and the
person is told through `response_url` (slash commands and clicks have one) to try again.

Age is measured against the wall clock, as Bolt's own signature check does, and not the
injected clock: it is about the request's journey, not the programme's time. Slack's timestamp
is whole seconds, at most a second earlier than the moment it was sent, so a request is shed only
when it is certainly older than the budget.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Executor

from slack_bolt.middleware import Middleware
from slack_bolt.request import BoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from bot.edge.envelope import kind_of

ACK_BUDGET_SECONDS = 3.0  # how long Slack waits for an acknowledgement
STAMP_GRAIN_SECONDS = 1.0  # Slack's X-Slack-Request-Timestamp is whole seconds
TOO_LATE = (
    ":hourglass: Sorry, I was too busy to answer that in time, so I did nothing. "
    "Please try again in a moment."
)

log = logging.getLogger(__name__)

Next = Callable[[], BoltResponse]


class LateRequests:
    """How many requests this process shed, by kind: shown in GET /healthz's details."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_kind: Counter[str] = Counter()

    def count(self, kind: str) -> None:
        with self._lock:
            self._by_kind[kind or "request"] += 1

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return {"total": sum(self._by_kind.values()), **dict(sorted(self._by_kind.items()))}


class LateGuard(Middleware):
    """Acknowledge, count and explain a request older than Slack's ack budget; do not run it."""

    def __init__(
        self,
        client: WebClient,
        executor: Executor,
        late: LateRequests,
        *,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.client = client
        self.executor = executor
        self.late = late
        self.wall = wall

    def process(self, *, req: BoltRequest, resp: BoltResponse, next: Next) -> BoltResponse:
        age = self.age(req)
        if age is None or age <= ACK_BUDGET_SECONDS:
            return next()
        kind = kind_of(req.body)
        self.late.count(kind)
        log.warning("Shed a %s signed %.1f s ago: Slack gave up after 3 s", kind or "request", age)
        url = req.body.get("response_url")
        if isinstance(url, str) and url:
            hook = WebhookClient(url, retry_handlers=self.client.retry_handlers)
            self.executor.submit(_tell, hook)
        return BoltResponse(status=200, body="")

    def age(self, req: BoltRequest) -> float | None:
        """Seconds the request has certainly been on its way, or None if it is not signed."""
        if req.mode == "socket_mode":
            return None
        values = req.headers.get("x-slack-request-timestamp") or []
        stamp = next(iter(values), "")
        try:
            signed = float(stamp)
        except ValueError:
            return None
        return self.wall() - (signed + STAMP_GRAIN_SECONDS)


def _tell(hook: WebhookClient) -> None:
    try:
        hook.send(text=TOO_LATE, response_type="ephemeral", replace_original=False)
    except Exception as error:  # Slack unreachable: the warning above already says what came
        log.warning("Could not tell someone their request came too late: %r", error)
