"""Coordinators' rights: one check, one refusal, and the audit entry, in the caller's transaction.

Every coordinator action calls `authorize` inside the transaction that makes its change, so a
refused check changes nothing and an allowed action cannot happen without its audit entry.
Exports, stats and digests on demand have thin authorized entry points here.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.services.audit import record
from bot.services.digest import Digest, build_digest, last_days
from bot.services.errors import DomainError
from bot.services.export import Export, export_period

COORDINATORS_ONLY = (
    "Only the program's coordinators can do that. Nothing was changed; "
    "if you should be one, ask a coordinator to add you."
)
PERIODS = {"7d": 7, "30d": 30, "90d": 90}


class NotACoordinator(DomainError):
    """The acting user is not (or no longer) in COORDINATOR_USER_IDS."""

    def __init__(self) -> None:
        super().__init__(COORDINATORS_ONLY)


class UnknownPeriod(DomainError):
    def __init__(self) -> None:
        super().__init__("Pick a period of 7d, 30d or 90d.")


class NoCoordinatorChannel(DomainError):
    def __init__(self) -> None:
        super().__init__("Set COORDINATOR_CHANNEL to choose where the digest goes.")


def require_coordinator(actor: str, coordinators: Collection[str]) -> None:
    """Refuse anyone not configured as a coordinator (the configured list is the only source)."""
    if not actor or actor not in coordinators:
        raise NotACoordinator()


def authorize(
    session: Session,
    *,
    actor: str,
    coordinators: Collection[str],
    action: str,
    now: datetime,
    detail: str = "",
    subject: str | None = None,
) -> None:
    """Check the actor and write the audit entry in the caller's transaction."""
    require_coordinator(actor, coordinators)
    record(session, actor=actor, action=action, detail=detail, now=now, subject=subject)


@dataclass(frozen=True)
class PeriodReport:
    """Figures for the last `days` days, for stats on demand or the digest (and its channel)."""

    days: int
    digest: Digest
    channel: str = ""


@dataclass(frozen=True)
class PeriodExport:
    days: int
    start: datetime
    end: datetime
    files: Export


def _days(period: str) -> int:
    days = PERIODS.get(period.strip().lower())
    if days is None:
        raise UnknownPeriod()
    return days


def _period(
    session: Session,
    *,
    actor: str,
    coordinators: Collection[str],
    action: str,
    period: str,
    now: datetime,
) -> tuple[int, datetime, datetime]:
    """Check and audit a coordinator's request for a period's figures; its days, start, end.

    The coordinator is checked before the period, so a non-coordinator learns nothing of the
    command's usage.
    """
    require_coordinator(actor, coordinators)
    days = _days(period)
    authorize(
        session, actor=actor, coordinators=coordinators, action=action, detail=period, now=now
    )
    return (days, *last_days(now, days))


def stats(
    session: Session, *, actor: str, coordinators: Collection[str], period: str, now: datetime
) -> PeriodReport:
    """`/mentor admin stats [period]`: the program's figures, for the coordinator's eyes."""
    days, start, end = _period(
        session,
        actor=actor,
        coordinators=coordinators,
        action="admin stats",
        period=period,
        now=now,
    )
    return PeriodReport(days, build_digest(session, start=start, end=end, now=now))


def digest_now(
    session: Session,
    *,
    actor: str,
    coordinators: Collection[str],
    channel: str | None,
    now: datetime,
) -> PeriodReport:
    """`/mentor admin digest`: the last 7 days' digest, to post to the coordinators' channel."""
    require_coordinator(actor, coordinators)
    if not channel:
        raise NoCoordinatorChannel()
    authorize(
        session,
        actor=actor,
        coordinators=coordinators,
        action="admin digest",
        detail=channel,
        now=now,
    )
    start, end = last_days(now, 7)
    return PeriodReport(7, build_digest(session, start=start, end=end, now=now), channel)


def export(
    session: Session, *, actor: str, coordinators: Collection[str], period: str, now: datetime
) -> PeriodExport:
    """`/mentor admin export [period]`: sessions and reviews as CSV, for the coordinator."""
    days, start, end = _period(
        session,
        actor=actor,
        coordinators=coordinators,
        action="admin export",
        period=period,
        now=now,
    )
    return PeriodExport(days, start, end, export_period(session, start=start, end=end))
