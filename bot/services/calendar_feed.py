"""A person's private calendar feed: a secret link to their upcoming sessions, which they can
reset at any time.

Only the SHA-256 of the secret is kept (`calendar_feeds.token_hash`, unique), so the table
alone opens nobody's calendar, and a link is found by hashing what was asked for and looking
the hash up in the unique index: no comparison of secrets in Python whose timing could leak how
much of a guess was right. Because the secret itself is not kept, a link can be shown only when
it is made; someone who lost theirs resets it, which also closes the old one.
docs/architecture.md, "Calendar".
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, union_all
from sqlalchemy.orm import Session

from bot.services.booking_view import BookingView
from bot.services.bookings import get_bookings_in
from bot.services.errors import DomainError
from bot.services.people import lock_live_people
from store.models import Booking, CalendarFeed, MentorProfile, User
from store.statuses import BookingStatus

TOKEN_BYTES = 32  # 256 bits of randomness; token_urlsafe makes 43 URL-safe characters of them
TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
# A session lasts less than this, so "ends after now" can be searched on the start time's index.
LONGEST_SESSION = timedelta(days=1)


class NotYetKnown(DomainError):
    def __init__(self) -> None:
        super().__init__("I don't know you yet: try `/mentor calendar` again in a moment.")


@dataclass(frozen=True)
class FeedLink:
    """The token of a feed just made, or None when the person already had one (its secret is
    not kept, so it cannot be shown again)."""

    token: str | None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_feed(session: Session, *, slack_id: str, now: datetime) -> FeedLink:
    """The person's feed: made now (with its secret), or the word that one exists already."""
    user = _locked_user(session, slack_id)
    exists = session.scalar(select(CalendarFeed.id).where(CalendarFeed.user_id == user.id))
    if exists is not None:
        return FeedLink(token=None)
    return FeedLink(token=_new_token(session, user.id, now))


def reset_feed(session: Session, *, slack_id: str, now: datetime) -> str:
    """A new secret for the person's feed; the old link stops working at once."""
    user = _locked_user(session, slack_id)
    return _new_token(session, user.id, now)


def feed_sessions(session: Session, *, token: str, now: datetime) -> tuple[BookingView, ...] | None:
    """The confirmed sessions not yet over of the feed's owner, as mentor and as mentee, or
    None when no feed has this token (wrong, reset, or its owner deleted their data)."""
    if not TOKEN_SHAPE.match(token):
        return None
    owner = session.scalar(
        select(CalendarFeed.user_id).where(CalendarFeed.token_hash == token_hash(token))
    )
    if owner is None:
        return None
    upcoming = (
        Booking.status == BookingStatus.APPROVED,
        Booking.starts_at > now - LONGEST_SESSION,
        Booking.ends_at > now,
    )
    as_mentee = select(Booking.id).where(Booking.mentee_id == owner, *upcoming)
    as_mentor = (
        select(Booking.id)
        .join(MentorProfile, MentorProfile.id == Booking.mentor_id)
        .where(MentorProfile.user_id == owner, *upcoming)
    )
    return get_bookings_in(session, union_all(as_mentee, as_mentor))


def _locked_user(session: Session, slack_id: str) -> User:
    """The person's row, locked as every write about them locks it, so a privacy deletion
    under way either comes after (and deletes the feed) or refuses this."""
    user_id = session.scalar(select(User.id).where(User.slack_id == slack_id))
    if user_id is None:
        raise NotYetKnown()
    lock_live_people(session, acting=user_id)
    user = session.get(User, user_id)
    assert user is not None
    return user


def _new_token(session: Session, user_id: int, now: datetime) -> str:
    """Store the hash of a fresh secret as the person's only feed; return the secret."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    feed = session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user_id))
    if feed is None:
        session.add(CalendarFeed(user_id=user_id, token_hash=token_hash(token), created_at=now))
    else:
        feed.token_hash = token_hash(token)
        feed.created_at = now
    session.flush()
    return token
