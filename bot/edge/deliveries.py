"""Which signed requests and events were already handled, shared by every replica.

Slack's signature stays valid for five minutes, so a captured request could be sent again; and
Slack itself retries an event it thinks we missed. The first replica to insert a delivery's key
wins (the key is unique); everyone else sees "already handled". Rows live a little longer than
a signature and are pruned by the due-work pass.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from store.db import SessionFactory
from store.models import SlackDelivery

# Longer than Slack's five-minute signature window, so a replay always finds its key.
REMEMBERED_FOR = timedelta(minutes=10)
KEY_LENGTH = 128  # slack_deliveries.key

log = logging.getLogger(__name__)


def signature_key(signature: str) -> str:
    """The key of one signed request: its signature covers the timestamp and the body."""
    return _bounded(f"sig:{signature}")


def event_key(event_id: str) -> str:
    """The key of one Events API delivery, the same for Slack's retries of it."""
    return _bounded(f"event:{event_id}")


def _bounded(key: str) -> str:
    if len(key) <= KEY_LENGTH:
        return key
    prefix = key.split(":", 1)[0]
    return f"{prefix}#{hashlib.sha256(key.encode()).hexdigest()}"


def first_delivery(sessions: SessionFactory, key: str, *, now: datetime) -> bool:
    """Record `key` in its own short transaction; False if it was recorded before.

    A database that cannot be reached lets the request through (with a warning): the listeners
    will meet the same outage and say so, and refusing everything would hide it.
    """
    try:
        with sessions.begin() as session:
            session.add(SlackDelivery(key=key, received_at=now))
    except IntegrityError:
        return False
    except SQLAlchemyError as error:
        log.warning("Replay guard could not record %s, handling it anyway: %s", key, error)
    return True


def prune(session: Session, *, now: datetime) -> int:
    """Forget deliveries older than REMEMBERED_FOR (indexed on received_at); how many went."""
    result = session.execute(
        delete(SlackDelivery).where(SlackDelivery.received_at < now - REMEMBERED_FOR)
    )
    return int(getattr(result, "rowcount", 0) or 0)
