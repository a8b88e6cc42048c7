"""Slack users as `Person`s: kept in the store, read from Slack's users.info on first sight.

Slack is the source of truth for names, time zones and e-mails (for calendar invites); the store
is a cache refreshed by the `user_change` event, so rendering a view never waits on users.info for
someone we already know.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk import WebClient

from bot.deps import Deps
from bot.services.people import Person, find_person, save_person

NAME_LENGTH = 200  # users.real_name holds this many characters
EMAIL_LENGTH = 254  # users.email holds this many, the longest address SMTP allows


def known_time_zone(tz: Any) -> str:
    """Slack's IANA zone for a user, or UTC when it is absent or unknown to this machine."""
    if not isinstance(tz, str):
        return "UTC"
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        return "UTC"
    return tz


def display_name(user: dict[str, Any]) -> str:
    """The name people know them by, cut to what the store keeps."""
    profile = user.get("profile")
    profile = profile if isinstance(profile, dict) else {}
    names = (profile.get("display_name"), user.get("real_name"), profile.get("real_name"),
             user.get("name"), user.get("id"))  # fmt: skip
    return next((name for name in names if isinstance(name, str) and name), "")[:NAME_LENGTH]


def profile_email(user: dict[str, Any]) -> str | None:
    """The profile's e-mail (given with the users:read.email scope), if it looks like one."""
    profile = user.get("profile")
    email = profile.get("email") if isinstance(profile, dict) else None
    if not isinstance(email, str) or "@" not in email or len(email) > EMAIL_LENGTH:
        return None
    return email.strip()


def remember(deps: Deps, user: dict[str, Any]) -> Person:
    """Store what a users.info answer or a user_change event says about a user."""
    with deps.sessions.begin() as session:
        return save_person(
            session,
            slack_id=user["id"],
            real_name=display_name(user),
            tz=known_time_zone(user.get("tz")),
            now=deps.clock.now(),
            email=profile_email(user),
        )


def person_for(deps: Deps, client: WebClient, slack_id: str) -> Person:
    """The stored user, asking Slack only the first time we meet them."""
    person = deps.read(lambda session: find_person(session, slack_id))
    if person is not None:
        return person
    answer = client.users_info(user=slack_id)
    return remember(deps, answer["user"])
