"""A record of coordinators' actions: who did what, to whom, and when."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from store.models import AuditEntry


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    detail: str,
    now: datetime,
    subject: str | None = None,
) -> None:
    """Add an entry in the caller's transaction, so it stands or falls with the change."""
    session.add(
        AuditEntry(
            actor_slack_id=actor,
            action=action,
            detail=detail[:2000],
            subject_slack_id=subject,
            at=now,
        )
    )
