"""Passes over due work: claim what is due, do it through Slack, record the outcome.

Each kind of due work has its handler in `bot.due_handlers`. A pass is idempotent: the claim
makes sure each row is done by one pass only, and finished rows are never picked up again.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.deps import Deps
from bot.due_handlers import DUE_HANDLERS, DueHandler
from bot.services import due
from bot.services.availability import extend_weekly
from bot.services.due import DueItem
from bot.services.periodic import schedule_digest

log = logging.getLogger(__name__)


LEASE = timedelta(minutes=5)
BATCH = 100
MAX_ATTEMPTS = 8
RETRY_BACKOFF = timedelta(minutes=1)

# Slack answers that will not change by trying again: the message can never be delivered.
PERMANENT_SLACK_ERRORS = frozenset(
    {
        "account_inactive",
        "user_not_found",
        "user_disabled",
        "channel_not_found",
        "is_archived",
        "not_in_channel",
        "cannot_dm_bot",
        "invalid_blocks",
        "invalid_arguments",
        "msg_too_long",
        "no_text",
    }
)


@dataclass
class PassReport:
    sent: int = 0
    failed: int = 0
    deferred: int = 0
    slots_opened: int = 0

    def __str__(self) -> str:
        return (
            f"{self.sent} sent, {self.failed} failed, {self.deferred} deferred, "
            f"{self.slots_opened} weekly slots opened"
        )


def run_due_pass(
    deps: Deps,
    client: WebClient,
    handlers: Mapping[str, DueHandler] | None = None,
    *,
    batch: int = BATCH,
    lease: timedelta = LEASE,
) -> PassReport:
    """Do everything due now, batch by batch, until nothing claimable is left.

    Each pass also moves weekly availability's rolling horizon on and schedules the digest of
    a period that just ended; both are idempotent, so passes on several replicas can run side
    by side.
    """
    handlers = DUE_HANDLERS if handlers is None else handlers
    report = PassReport()
    settings = deps.settings
    with deps.sessions.begin() as session:
        report.slots_opened = extend_weekly(
            session, now=deps.clock.now(), horizon_weeks=settings.availability_horizon_weeks
        )
        if settings.coordinator_channel:
            schedule_digest(
                session, cron=settings.digest_cron, tz=settings.program_tz, now=deps.clock.now()
            )
    token = due.new_claim_token()
    while True:
        with deps.sessions.begin() as session:
            items = due.claim_due(
                session, now=deps.clock.now(), lease=lease, limit=batch, token=token
            )
        if not items:
            return report
        for item in items:
            _do(deps, client, handlers, item, report)


def _do(
    deps: Deps,
    client: WebClient,
    handlers: Mapping[str, DueHandler],
    item: DueItem,
    report: PassReport,
) -> None:
    handler = handlers.get(item.kind)
    try:
        if handler is None:
            raise LookupError(f"no handler for due work of kind {item.kind!r}")
        handler(deps, client, item)
    except Exception as exc:
        _record_failure(deps, item, exc, report)
        return
    with deps.sessions.begin() as session:
        due.finish(session, item, now=deps.clock.now())
    report.sent += 1


def _record_failure(deps: Deps, item: DueItem, exc: Exception, report: PassReport) -> None:
    error = _describe(exc)
    now = deps.clock.now()
    with deps.sessions.begin() as session:
        if _is_temporary(exc) and item.attempts < MAX_ATTEMPTS:
            log.warning("Due work %s deferred after attempt %d: %s", item.key, item.attempts, error)
            due.retry_later(session, item, at=now + RETRY_BACKOFF * item.attempts, error=error)
            report.deferred += 1
        else:
            log.error("Due work %s failed for good: %s", item.key, error)
            due.fail(session, item, now=now, error=error)
            report.failed += 1


def _is_temporary(exc: Exception) -> bool:
    if isinstance(exc, SlackApiError):
        status = exc.response.status_code
        code = exc.response.get("error") if isinstance(exc.response.data, dict) else None
        return status == 429 or status >= 500 or code not in PERMANENT_SLACK_ERRORS
    return isinstance(exc, URLError | ConnectionError | TimeoutError)


def _describe(exc: Exception) -> str:
    if isinstance(exc, SlackApiError):
        data = exc.response.data if isinstance(exc.response.data, dict) else {}
        return f"Slack {exc.response.status_code}: {data.get('error', 'error')}"
    return f"{type(exc).__name__}: {exc}"
