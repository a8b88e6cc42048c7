"""The users the bot knows, with the time zone Slack reports for each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import User

FORGOTTEN_PREFIX = "deleted:"
FORGOTTEN_NAME = "Former member"


@dataclass(frozen=True)
class Person:
    id: int
    slack_id: str
    real_name: str
    tz: str


def _person(user: User) -> Person:
    return Person(id=user.id, slack_id=user.slack_id, real_name=user.real_name, tz=user.tz)


def find_person(session: Session, slack_id: str) -> Person | None:
    user = session.scalar(select(User).where(User.slack_id == slack_id))
    return _person(user) if user else None


def save_person(
    session: Session, *, slack_id: str, real_name: str, tz: str, now: datetime
) -> Person:
    """Create or refresh a user from what Slack says about them."""
    user = session.scalar(select(User).where(User.slack_id == slack_id))
    if user is None:
        user = User(slack_id=slack_id, created_at=now)
        session.add(user)
    user.real_name = real_name
    user.tz = tz
    user.updated_at = now
    session.flush()
    return _person(user)


def refresh_known_person(
    session: Session, *, slack_id: str, real_name: str, tz: str, now: datetime
) -> bool:
    """Update a user we already know; people who never used the bot are not recorded."""
    user = session.scalar(select(User).where(User.slack_id == slack_id))
    if user is None:
        return False
    user.real_name = real_name
    user.tz = tz
    user.updated_at = now
    return True


def forgotten_slack_id(user_id: int) -> str:
    """The pseudonym that replaces a forgotten person's Slack id: it matches no Slack user."""
    return f"{FORGOTTEN_PREFIX}{user_id}"


def is_forgotten(slack_id: str) -> bool:
    return slack_id.startswith(FORGOTTEN_PREFIX)
