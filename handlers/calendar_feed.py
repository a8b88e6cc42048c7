"""`/mentor calendar` and its Reset link button: a person's private calendar feed.

The feed itself is served by `bot/server.py` (`GET /calendar/<token>.ics`); here the person
gets its link, privately, once when it is made and again each time they reset it.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.blocks.calendar_feed import build_feed_exists, build_feed_link, feed_url
from bot.ids import Action
from bot.services import calendar_feed
from bot.services.errors import DomainError
from bot.slack.directory import person_for
from handlers.commands import Invocation, Subcommands
from handlers.context import wiring_of
from handlers.forms import clicking_user, replace_clicked_message, run_or_tell


def calendar(call: Invocation) -> None:
    """`/mentor calendar`: a new link the first time, else a way to replace the one they have."""
    call.ack()
    deps = wiring_of(call.context).deps
    person_for(deps, call.client, call.user_id)
    try:
        with deps.sessions.begin() as session:
            link = calendar_feed.open_feed(session, slack_id=call.user_id, now=deps.clock.now())
    except DomainError as refused:
        call.respond(text=str(refused))
        return
    if link.token is None:
        call.respond(**build_feed_exists())
    else:
        url = feed_url(deps.settings.feed_base_url, link.token)
        call.respond(**build_feed_link(url, reset=False))


def on_reset(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    ack()
    deps = wiring_of(context).deps
    user_id = clicking_user(body)
    token = run_or_tell(
        deps,
        body,
        client,
        lambda s: calendar_feed.reset_feed(s, slack_id=user_id, now=deps.clock.now()),
    )
    if token is not None:
        url = feed_url(deps.settings.feed_base_url, token)
        replace_clicked_message(body, client, build_feed_link(url, reset=True))


def register(app: App, commands: Subcommands) -> None:
    commands.add(
        "calendar", calendar, "calendar", "a private link to your sessions for your calendar app"
    )
    app.action(Action.CALENDAR_RESET)(on_reset)
