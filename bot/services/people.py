"""The users the bot knows, with the time zone Slack reports for each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NotRequired, TypedDict, Unpack

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.services.errors import DomainError
from store.models import User

FORGOTTEN_PREFIX = "deleted:"
FORGOTTEN_NAME = "Former member"


@dataclass(frozen=True)
class Person:
    id: int
    slack_id: str
    real_name: str
    tz: str


class PersonForgotten(DomainError):
    """The person asked to be forgotten while this request was on its way, so it is not kept."""

    def __init__(self, mentor: bool = False) -> None:
        super().__init__(
            "This mentor has left the mentorship program."
            if mentor
            else "You asked Mentor Bot to delete your data, so this was not saved. "
            "Try again to start afresh."
        )


def _person(user: User) -> Person:
    return Person(id=user.id, slack_id=user.slack_id, real_name=user.real_name, tz=user.tz)


def find_person(session: Session, slack_id: str) -> Person | None:
    user = session.scalar(select(User).where(User.slack_id == slack_id))
    return _person(user) if user else None


class SlackFacts(TypedDict):
    """What Slack says about a person, and when we heard it; `email` only with the
    users:read.email scope."""

    real_name: str
    tz: str
    now: datetime
    email: NotRequired[str | None]


def _copy_facts(user: User, facts: SlackFacts) -> None:
    user.real_name = facts["real_name"]
    user.tz = facts["tz"]
    user.email = facts.get("email") or user.email
    user.updated_at = facts["now"]


def save_person(session: Session, *, slack_id: str, **facts: Unpack[SlackFacts]) -> Person:
    """Create or refresh a user from what Slack says about them (an e-mail only when Slack
    gives one: without the users:read.email scope it gives none, and the one we have stays).

    The row is read locked: a privacy deletion holding it replaces the Slack id, so once it
    commits this read no longer matches, and the person starts afresh instead of writing their
    name back onto the forgotten row.
    """
    user = session.scalar(
        select(User).where(User.slack_id == slack_id).with_for_update(key_share=True)
    )
    if user is None:
        user = User(slack_id=slack_id, created_at=facts["now"])
        session.add(user)
    _copy_facts(user, facts)
    session.flush()
    return _person(user)


def refresh_known_person(session: Session, *, slack_id: str, **facts: Unpack[SlackFacts]) -> bool:
    """Update a user we already know; people who never used the bot are not recorded.

    Read locked, like `save_person`, so a deletion under way is never undone.
    """
    user = session.scalar(
        select(User).where(User.slack_id == slack_id).with_for_update(key_share=True)
    )
    if user is None:
        return False
    _copy_facts(user, facts)
    return True


def forgotten_slack_id(user_id: int) -> str:
    """The pseudonym that replaces a forgotten person's Slack id: it matches no Slack user."""
    return f"{FORGOTTEN_PREFIX}{user_id}"


def is_forgotten(slack_id: str) -> bool:
    return slack_id.startswith(FORGOTTEN_PREFIX)


def lock_live_people(session: Session, *, acting: int, other: int | None = None) -> None:
    """Lock the users a write is about, first thing in its transaction, and refuse forgotten ones.

    A privacy deletion locks the person's row before it reads anything (`lock_to_forget`), so a
    write that locks the same row first either finishes before the deletion reads (which then
    strips and cancels what it wrote) or waits and sees `deleted_at` set. `acting` gets an
    exclusive lock (FOR NO KEY UPDATE: it serialises that person's writes without blocking
    foreign-key checks); `other` a shared one. Rows are locked in id order, so two writes that
    each name the other (two mentors booking each other) cannot deadlock.
    """
    for user_id in sorted({acting} if other is None else {acting, other}):
        exclusive = user_id == acting
        deleted = session.execute(
            select(User.id, User.deleted_at)
            .where(User.id == user_id)
            .with_for_update(read=not exclusive, key_share=exclusive)
        ).first()
        if deleted is None or deleted.deleted_at is not None:
            raise PersonForgotten(mentor=not exclusive)


def lock_to_forget(session: Session, slack_id: str) -> User | None:
    """The live user with this Slack id, locked for deletion before anything of theirs is read.

    FOR NO KEY UPDATE, like `lock_live_people`'s own lock: it waits for (and holds off) those
    writes, but not a transaction that only adds a row pointing at the user (a reminder for
    them, planned by an approval that holds the booking this deletion is about to wait for):
    that one must finish, or the two would deadlock.
    """
    user = session.scalar(
        select(User).where(User.slack_id == slack_id).with_for_update(key_share=True)
    )
    return user if user is not None and user.deleted_at is None else None
