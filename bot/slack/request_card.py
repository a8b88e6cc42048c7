"""The mentor's request card: posted once, and where it lives kept, so later changes (a
decision, an expiry, a proposal) update it in place."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.blocks.booking import build_request_card
from bot.deps import Deps
from bot.services.bookings import BookingView, remember_mentor_message


def post_request_card(deps: Deps, client: WebClient, booking: BookingView) -> None:
    card = client.chat_postMessage(channel=booking.mentor_slack_id, **build_request_card(booking))
    with deps.sessions.begin() as session:
        remember_mentor_message(
            session, booking_id=booking.id, channel=card["channel"], ts=card["ts"]
        )
