"""Passes over due work: claim what is due, do it through Slack, record the outcome.

Each kind of due work has its sender in `bot.slack.due_senders`. A pass is idempotent: the claim
makes sure each row is done by one pass only, and finished rows are never picked up again.

A batch costs the database a few statements whatever its size: one transaction claims it and
reads what its senders need, and what was sent is marked in groups of SETTLE_ITEMS (or every
SETTLE_EVERY, when Slack is slow). Only failures are recorded one by one (they are rare). A
pass killed hard mid-batch (SIGKILL, power loss) therefore leaves at most one group unmarked,
which goes out again once its lease runs out: at most SETTLE_ITEMS messages, or a second's
worth, can repeat after a crash. Any other interruption still marks what went out.
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
from bot.edge import deliveries
from bot.services import due
from bot.services.availability import extend_weekly
from bot.services.due import DueItem
from bot.services.periodic import schedule_digest
from bot.slack.due_batch import DueBatch, DueSender, load_batch
from bot.slack.due_senders import DUE_SENDERS

log = logging.getLogger(__name__)


LEASE = timedelta(minutes=5)
BATCH = 100
SETTLE_ITEMS = 20  # mark sent work in groups this size: what a hard crash may repeat
SETTLE_EVERY = timedelta(seconds=1)  # and at least this often while Slack is slow
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
    senders: Mapping[str, DueSender] | None = None,
    *,
    batch: int = BATCH,
    lease: timedelta = LEASE,
) -> PassReport:
    """Do everything due now, batch by batch, until nothing claimable is left.

    Each pass also moves weekly availability's rolling horizon on, schedules the digest of a
    period that just ended and forgets Slack deliveries too old to be replayed; all are
    idempotent, so passes on several replicas can run side by side.
    """
    senders = DUE_SENDERS if senders is None else senders
    report = PassReport()
    settings = deps.settings
    with deps.sessions.begin() as session:
        deliveries.prune(session, now=deps.clock.now())
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
            loaded = load_batch(session, items)
        if not items:
            return report
        _do_batch(deps, client, senders, items, loaded, report)


def _do_batch(
    deps: Deps,
    client: WebClient,
    senders: Mapping[str, DueSender],
    items: list[DueItem],
    batch: DueBatch,
    report: PassReport,
) -> None:
    """Send a claimed batch, marking what went out every SETTLE_ITEMS or SETTLE_EVERY."""
    sent: list[DueItem] = []
    settled_at = deps.clock.now()
    try:
        for item in items:
            if _do(deps, client, senders, item, batch, report):
                sent.append(item)
            if len(sent) >= SETTLE_ITEMS or deps.clock.now() - settled_at >= SETTLE_EVERY:
                _mark_sent(deps, sent, report)
                settled_at = deps.clock.now()
    finally:  # even when interrupted, what went out is marked sent
        _mark_sent(deps, sent, report)


def _mark_sent(deps: Deps, sent: list[DueItem], report: PassReport) -> None:
    if sent:
        with deps.sessions.begin() as session:
            due.finish_all(session, sent, now=deps.clock.now())
        report.sent += len(sent)
        sent.clear()


def _do(
    deps: Deps,
    client: WebClient,
    senders: Mapping[str, DueSender],
    item: DueItem,
    batch: DueBatch,
    report: PassReport,
) -> bool:
    """Do one item; True when it went out, else its failure is recorded at once."""
    sender = senders.get(item.kind)
    try:
        if sender is None:
            raise LookupError(f"no sender for due work of kind {item.kind!r}")
        sender(deps, client, item, batch)
    except Exception as exc:
        _record_failure(deps, item, exc, report)
        return False
    return True


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
