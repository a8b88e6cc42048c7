"""Sending a session's calendar invite (.ics) to both participants' DMs with the bot.

Called by listeners after their own messages are sent, with the outcome's booking: on a
confirmation (REQUEST), a reschedule (REQUEST, with the booking's risen SEQUENCE) and a
cancellation (CANCEL). The invite is a convenience next to the confirmation, so a Slack error
while uploading it is logged and never undoes or hides what was already said.
docs/architecture.md, "Calendar".
"""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.ics import build_invite, invite_filename, summary
from bot.services.booking_view import BookingView
from store.statuses import InviteMethod

log = logging.getLogger("mentor_bot.invites")

COMMENTS = {
    InviteMethod.REQUEST: ":spiral_calendar_pad: Open this file to put the session in your "
    "calendar; it updates the same event if the time changes.",
    InviteMethod.CANCEL: ":spiral_calendar_pad: Open this file to take the cancelled session out "
    "of your calendar.",
}


def send_invite(client: WebClient, booking: BookingView, method: InviteMethod) -> None:
    """Upload the invite to the mentee's and the mentor's DM; failures are logged, not raised."""
    content = build_invite(booking, method)
    for person in (booking.mentee_slack_id, booking.mentor_slack_id):
        try:
            dm = client.conversations_open(users=person)["channel"]["id"]
            client.files_upload_v2(
                channel=dm,
                content=content,
                filename=invite_filename(booking),
                title=summary(booking),
                initial_comment=COMMENTS[method],
            )
        except (SlackApiError, OSError) as failed:
            log.warning(
                "Could not send the %s invite of booking %s to %s: %s",
                method, booking.id, person, failed,
            )  # fmt: skip


def send_cancellation(client: WebClient, booking: BookingView) -> None:
    """The CANCEL invite, to a session whose invite was sent (a withdrawn request had none)."""
    if booking.had_invite:
        send_invite(client, booking, InviteMethod.CANCEL)
