"""The Slack Web API client: our base URL, and retries that ride out rate limits and outages.

slack_sdk's built-in handlers sleep with `time.sleep` and retry only 500 and 503. Ours take the
sleep function as a dependency (tests record the waits instead of sleeping) and retry every 5xx.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from http.client import RemoteDisconnected
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

log = logging.getLogger(__name__)

Sleep = Callable[[float], None]

RATE_LIMIT_RETRIES = 3
SERVER_ERROR_RETRIES = 3
CONNECTION_RETRIES = 2
MAX_RETRY_AFTER_SECONDS = 60.0
BACKOFF_BASE_SECONDS = 0.5


class _SleepingRetryHandler(RetryHandler):
    """A retry handler whose waits go through an injected `sleep`."""

    def __init__(self, max_retry_count: int, sleep: Sleep) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self._sleep = sleep

    def retries(self, response: HttpResponse | None, error: Exception | None) -> bool:
        """Whether this handler deals with the failed attempt; each subclass decides."""
        raise NotImplementedError

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        return self.retries(response, error)

    def wait_seconds(self, state: RetryState, response: HttpResponse | None) -> float:
        """Exponential back-off with a little jitter so replicas do not retry in lockstep."""
        return BACKOFF_BASE_SECONDS * 2**state.current_attempt + random.uniform(0, 0.1)

    def prepare_for_next_attempt(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        state.next_attempt_requested = True
        seconds = self.wait_seconds(state, response)
        log.warning(
            "Slack %s failed (%s); retrying in %.1fs",
            request.url.rsplit("/", 1)[-1],
            response.status_code if response is not None else type(error).__name__,
            seconds,
        )
        self._sleep(seconds)
        state.increment_current_attempt()


class RetryAfterHandler(_SleepingRetryHandler):
    """429 Too Many Requests: wait exactly as long as Slack's Retry-After header asks."""

    def retries(self, response: HttpResponse | None, error: Exception | None) -> bool:
        return response is not None and response.status_code == 429

    def wait_seconds(self, state: RetryState, response: HttpResponse | None) -> float:
        headers = {k.lower(): v for k, v in (response.headers if response else {}).items()}
        values = headers.get("retry-after") or ["1"]
        try:
            seconds = float(values[0])
        except ValueError:
            seconds = 1.0
        return min(max(seconds, 0.0), MAX_RETRY_AFTER_SECONDS)


class ServerErrorHandler(_SleepingRetryHandler):
    """Any 5xx: Slack is having a moment; back off and try again."""

    def retries(self, response: HttpResponse | None, error: Exception | None) -> bool:
        return response is not None and response.status_code >= 500


class ConnectionErrorHandler(_SleepingRetryHandler):
    """Refused, reset or dropped connections, before any HTTP answer arrived."""

    def retries(self, response: HttpResponse | None, error: Exception | None) -> bool:
        if error is None or response is not None:
            return False
        return isinstance(error, URLError | ConnectionError | RemoteDisconnected)


def make_web_client(
    token: str | None, base_url: str, *, sleep: Sleep = time.sleep, timeout: int = 10
) -> WebClient:
    """A WebClient on `base_url` (Slack, GovSlack, a proxy or the simulator) that retries."""
    client = WebClient(token=token, base_url=base_url, timeout=timeout)
    client.retry_handlers = [
        RetryAfterHandler(RATE_LIMIT_RETRIES, sleep),
        ServerErrorHandler(SERVER_ERROR_RETRIES, sleep),
        ConnectionErrorHandler(CONNECTION_RETRIES, sleep),
    ]
    return client
