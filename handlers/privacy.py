"""`/mentor privacy`: what the bot keeps and who sees it; `privacy delete` forgets the user.

Deleting always acts on the person who clicked, so no payload can delete someone else. The other
participants of cancelled sessions are told after the deletion commits; a Slack error while
telling one of them is logged and does not stop the others.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.booking import build_card_outcome
from bot.blocks.privacy import (
    build_delete_confirmation,
    build_deleted,
    build_deleted_home,
    build_kept,
    build_left_program,
    build_mentorship_left,
    build_privacy_notice,
)
from bot.deps import Deps
from bot.ids import Action
from bot.services.bookings import BookingView
from bot.services.privacy import NothingToForget, footprint, forget_person
from bot.slack.invites import send_cancellation
from handlers.commands import Invocation, Subcommands
from handlers.context import wiring_of
from handlers.forms import clicking_user, replace_clicked_message
from handlers.home import HomePublisher

log = logging.getLogger("mentor_bot.privacy")


def confirmation(deps: Deps, user_id: str) -> dict[str, Any]:
    try:
        with deps.sessions.begin() as session:
            found = footprint(session, slack_id=user_id, now=deps.clock.now())
    except NothingToForget as nothing:
        return {"text": str(nothing)}
    return build_delete_confirmation(found)


def privacy(call: Invocation) -> None:
    wants = call.args[0].lower() if call.args else ""
    if wants == "delete":
        call.ack(**confirmation(wiring_of(call.context).deps, call.user_id))
    elif wants:
        call.ack(text="Type `/mentor privacy` to see what is kept, or `/mentor privacy delete`.")
    else:
        call.ack(**build_privacy_notice())


def on_delete(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    ack()
    message = confirmation(wiring_of(context).deps, clicking_user(body))
    replace_clicked_message(body, client, message)


def on_keep(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
    ack()
    replace_clicked_message(body, client, build_kept())


def on_confirm(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    ack()
    wiring = wiring_of(context)
    deps = wiring.deps
    user_id = clicking_user(body)
    try:
        with deps.sessions.begin() as session:
            done = forget_person(session, slack_id=user_id, now=deps.clock.now())
    except NothingToForget as nothing:
        replace_clicked_message(body, client, {"text": str(nothing)})
        return
    replace_clicked_message(body, client, build_deleted(done))
    client.views_publish(user_id=user_id, view=build_deleted_home())
    for booking in done.called_off:
        tell_other(wiring.home, client, booking, user_id)
    for ended in done.ended_mentorships:
        for other in ended.tell:
            tell_mentorship_ended(wiring.home, client, other, user_id)


def tell_other(home: HomePublisher, client: WebClient, booking: BookingView, departed: str) -> None:
    other = booking.other_party(departed)
    try:
        client.chat_postMessage(channel=other, **build_left_program(booking, departed))
        if (
            departed == booking.mentee_slack_id
            and booking.mentor_message_channel
            and booking.mentor_message_ts
        ):
            client.chat_update(
                channel=booking.mentor_message_channel,
                ts=booking.mentor_message_ts,
                **build_card_outcome(booking),
            )
        home.publish(client, other)
    except SlackApiError as failed:
        log.warning("Could not tell %s about booking %s: %s", other, booking.id, failed)
    send_cancellation(client, booking)  # the one who left gets it too: their calendar is theirs


def tell_mentorship_ended(
    home: HomePublisher, client: WebClient, other: str, departed: str
) -> None:
    try:
        client.chat_postMessage(channel=other, **build_mentorship_left(departed))
        home.publish(client, other)
    except SlackApiError as failed:
        log.warning("Could not tell %s that a mentorship ended: %s", other, failed)


def register(app: App, commands: Subcommands) -> None:
    commands.add("privacy", privacy, "privacy [delete]", "what the bot keeps about you; delete it")
    app.action(Action.PRIVACY_DELETE)(on_delete)
    app.action(Action.PRIVACY_KEEP)(on_keep)
    app.action(Action.PRIVACY_CONFIRM_DELETE)(on_confirm)
