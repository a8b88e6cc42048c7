"""Due work in the database: scheduled once by key, claimed with a lease, finished or failed.

docs/architecture.md, "Due work": the rows are the source of truth, so any number of passes
(replicas, cron) can run side by side. A claim is one conditional UPDATE: only rows that are
pending, due and not leased move, so two passes never hold the same row; a pass that dies simply
lets its lease run out.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from store.models import DueWork, User
from store.statuses import DueStatus


@dataclass(frozen=True)
class DueItem:
    id: int
    key: str
    kind: str
    booking_id: int | None
    recipient_slack_id: str | None
    payload: dict[str, Any]
    attempts: int
    claim_token: str
    mentorship_id: int | None = None


def schedule(
    session: Session,
    *,
    key: str,
    kind: str,
    due_at: datetime,
    now: datetime,
    booking_id: int | None = None,
    mentorship_id: int | None = None,
    recipient_id: int | None = None,
    payload: dict[str, Any] | None = None,
) -> bool:
    """Add a piece of due work unless its key exists already; True when it was added."""
    values = {
        "key": key,
        "kind": kind,
        "due_at": due_at,
        "booking_id": booking_id,
        "mentorship_id": mentorship_id,
        "recipient_id": recipient_id,
        "payload": payload or {},
        "status": DueStatus.PENDING,
        "attempts": 0,
        "created_at": now,
    }
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    added = session.scalar(
        insert(DueWork)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(DueWork.id)
    )
    return added is not None


def new_claim_token() -> str:
    return uuid.uuid4().hex


def claim_due(
    session: Session, *, now: datetime, lease: timedelta, limit: int, token: str
) -> list[DueItem]:
    """Lease up to `limit` due rows to this pass, oldest first, and return them."""
    claimable = (
        DueWork.status == DueStatus.PENDING,
        DueWork.due_at <= now,
        or_(DueWork.lease_until.is_(None), DueWork.lease_until <= now),
    )
    candidates = select(DueWork.id).where(*claimable).order_by(DueWork.due_at).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        # Materialised, so PostgreSQL picks the batch once: as a plain subquery it may re-run
        # it per row, each run skipping the rows just locked, and lease far more than `limit`.
        chosen = candidates.with_for_update(skip_locked=True).cte("chosen")
        chosen = chosen.prefix_with("MATERIALIZED")
        batch = select(chosen.c.id)
    else:
        batch = candidates
    claimed_ids = session.scalars(
        update(DueWork)
        .where(DueWork.id.in_(batch), *claimable)
        .values(lease_until=now + lease, claim_token=token, attempts=DueWork.attempts + 1)
        .returning(DueWork.id)
    ).all()
    if not claimed_ids:
        return []
    rows = session.execute(
        select(DueWork, User.slack_id)
        .outerjoin(User, User.id == DueWork.recipient_id)
        .where(DueWork.id.in_(claimed_ids))
        .order_by(DueWork.due_at, DueWork.id)
    ).all()
    return [
        DueItem(
            id=work.id,
            key=work.key,
            kind=work.kind,
            booking_id=work.booking_id,
            mentorship_id=work.mentorship_id,
            recipient_slack_id=slack_id,
            payload=dict(work.payload or {}),
            attempts=work.attempts,
            claim_token=token,
        )
        for work, slack_id in rows
    ]


def finish(session: Session, item: DueItem, *, now: datetime) -> bool:
    """Mark claimed work sent; False if the lease was lost to another pass meanwhile."""
    return finish_all(session, [item], now=now) == 1


def finish_all(session: Session, items: Sequence[DueItem], *, now: datetime) -> int:
    """Mark a batch of claimed work sent, one statement per claim; how many were still ours.

    A row counts only under the claim token its item was claimed with: work whose lease ran
    out and was claimed again, or that was cancelled meanwhile, is left as it is.
    """
    by_token: dict[str, list[int]] = {}
    for item in items:
        by_token.setdefault(item.claim_token, []).append(item.id)
    settled = 0
    for token, ids in by_token.items():
        result = session.execute(
            update(DueWork)
            .where(
                DueWork.id.in_(ids),
                DueWork.claim_token == token,
                DueWork.status == DueStatus.PENDING,
            )
            .values(status=DueStatus.SENT, done_at=now, last_error=None, lease_until=None)
        )
        settled += int(result.rowcount or 0)  # type: ignore[attr-defined]
    return settled


def fail(session: Session, item: DueItem, *, now: datetime, error: str) -> bool:
    """Give up on claimed work for good; the digest reports it."""
    return _settle(session, item, status=DueStatus.FAILED, done_at=now, last_error=error[:2000])


def retry_later(session: Session, item: DueItem, *, at: datetime, error: str) -> bool:
    """Release claimed work to be tried again no earlier than `at`."""
    result = session.execute(
        update(DueWork)
        .where(DueWork.id == item.id, DueWork.claim_token == item.claim_token)
        .values(lease_until=at, claim_token=None, last_error=error[:2000])
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def _settle(
    session: Session,
    item: DueItem,
    *,
    status: DueStatus,
    done_at: datetime,
    last_error: str | None,
) -> bool:
    result = session.execute(
        update(DueWork)
        .where(
            DueWork.id == item.id,
            DueWork.claim_token == item.claim_token,
            DueWork.status == DueStatus.PENDING,
        )
        .values(status=status, done_at=done_at, last_error=last_error, lease_until=None)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
