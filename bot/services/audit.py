"""A record of coordinators' actions: who did what, and when."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from store.models import AuditEntry


def record(session: Session, *, actor: str, action: str, detail: str, now: datetime) -> None:
    session.add(AuditEntry(actor_slack_id=actor, action=action, detail=detail[:2000], at=now))
