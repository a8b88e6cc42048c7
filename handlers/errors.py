"""The last line of defence: log the failure, tell the user briefly, never show a traceback."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.blocks.home import build_home_error
from handlers.forms import clicking_user, tell

SORRY = ":warning: Sorry, something went wrong on my side. Please try again in a moment."

log = logging.getLogger(__name__)


def on_error(error: Exception, body: dict[str, Any], client: WebClient) -> None:
    log.exception("Unhandled error while handling a Slack request", exc_info=error)
    try:
        tell_user(body, client)
    except Exception:  # the apology itself failed: Slack is down or the payload is odd
        log.exception("Could not tell the user about the error")


def register(app: App) -> None:
    app.error(on_error)


def tell_user(body: dict[str, Any], client: WebClient) -> None:
    """Answer where the user is looking: Home if that failed to load, else in place or by DM."""
    event = body.get("event") or {}
    if event.get("type") == "app_home_opened":
        if isinstance(event.get("user"), str):
            client.views_publish(user_id=event["user"], view=build_home_error())
    elif body.get("response_url") or clicking_user(body):
        tell(body, client, SORRY)
