"""`/mentor calendar`: the person's secret feed link, or word that they have one, and a reset."""

from __future__ import annotations

from typing import Any

from bot.blocks.kit import actions, button, context, message, section
from bot.ids import Action

FEED_PATH = "/calendar/{token}.ics"


def feed_url(base_url: str, token: str) -> str:
    """The subscription address `bot/server.py` answers, under the app's public base URL."""
    return base_url + FEED_PATH.format(token=token)


def build_feed_link(url: str, *, reset: bool) -> dict[str, Any]:
    """The new link, shown once: how to subscribe, and that it is as secret as a password."""
    first = (
        "Here is your new private calendar link" if reset else "Here is your private calendar link"
    )
    return message(
        "Your private calendar link",
        [
            section(
                f":spiral_calendar_pad: {first}. Subscribe to it in Google Calendar "
                "(Other calendars, From URL), Outlook (Add calendar, Subscribe from web) "
                "or Apple Calendar (New Calendar Subscription), and your upcoming sessions "
                "appear there and stay up to date.\n"
                f"`{url}`"
            ),
            context(
                "Keep it to yourself: anyone with the link sees your sessions. I show it only "
                "now; if you lose it or shared it by mistake, reset it and the old one stops "
                "working." + (" The previous link no longer works." if reset else "")
            ),
            actions(button("Reset link", Action.CALENDAR_RESET)),
        ],
    )


def build_feed_exists() -> dict[str, Any]:
    """A second `/mentor calendar`: the link is not kept, so it can only be replaced."""
    return message(
        "You already have a calendar link",
        [
            section(
                ":spiral_calendar_pad: You already have a private calendar link. For your "
                "safety I keep only a fingerprint of it, so I can't show it again. Lost it? "
                "Reset it to get a new one; the old one stops working."
            ),
            actions(button("Reset link", Action.CALENDAR_RESET)),
        ],
    )
