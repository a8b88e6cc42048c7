"""The mentor's request card: posted once, and where it lives kept, so later changes (a
decision, an expiry, a proposal) update it in place."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.blocks.answering import build_booking_moved
from bot.blocks.booking import build_request_card
from bot.deps import Deps
from bot.services.backups import BookingMove
from bot.services.bookings import BookingView, remember_mentor_message


def post_request_card(deps: Deps, client: WebClient, booking: BookingView) -> None:
    card = client.chat_postMessage(channel=booking.mentor_slack_id, **build_request_card(booking))
    with deps.sessions.begin() as session:
        remember_mentor_message(
            session, booking_id=booking.id, channel=card["channel"], ts=card["ts"]
        )


def post_moved_request(
    deps: Deps, client: WebClient, old: BookingView, move: BookingMove, *, expired: bool
) -> None:
    """A request moved to a backup: their card (unless it went out already, on an earlier try)
    and the mentee's news."""
    if move.to is not None and not move.to.mentor_message_ts:
        post_request_card(deps, client, move.to)
    client.chat_postMessage(
        channel=old.mentee_slack_id, **build_booking_moved(old, move, expired=expired)
    )
