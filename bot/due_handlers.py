"""What each kind of due work does in Slack when its time comes.

Each handler re-reads the booking first: anything may have changed since the work was
scheduled (cancelled, declined, moved), and then it quietly does nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from slack_sdk import WebClient

from bot.blocks.booking import build_card_outcome
from bot.blocks.find import build_nudge
from bot.blocks.followup import (
    build_checkin,
    build_expired,
    build_reminder,
    build_request_nudge,
    build_review_prompt,
)
from bot.deps import Deps
from bot.digest_post import post_digest as send_digest
from bot.services import lifecycle
from bot.services.bookings import BookingView, get_booking
from bot.services.digest import build_digest
from bot.services.due import DueItem
from bot.services.nudges import NUDGE
from bot.services.periodic import DIGEST
from bot.services.reviews import has_reviewed, previous_action_items

DueHandler = Callable[[Deps, WebClient, DueItem], None]


def _booking(deps: Deps, item: DueItem) -> BookingView | None:
    with deps.sessions.begin() as session:
        return get_booking(session, booking_id=item.booking_id) if item.booking_id else None


def digest_due(deps: Deps, client: WebClient, item: DueItem) -> None:
    """The period's digest, to the coordinators' channel (the bot must be a member)."""
    channel = deps.settings.coordinator_channel
    if not channel:
        return
    start = datetime.fromisoformat(item.payload["start"])
    end = datetime.fromisoformat(item.payload["end"])
    with deps.sessions.begin() as session:
        digest = build_digest(session, start=start, end=end, now=deps.clock.now())
    send_digest(client, channel, digest, title="Mentorship digest")


def send_nudge(deps: Deps, client: WebClient, item: DueItem) -> None:
    """Someone wanted to book a mentor who had no free time: ask the mentor to add some."""
    assert item.recipient_slack_id is not None
    nudge = build_nudge(item.payload.get("asker", ""), item.payload.get("skills", ""))
    client.chat_postMessage(channel=item.recipient_slack_id, **nudge)


def send_reminder(deps: Deps, client: WebClient, item: DueItem) -> None:
    booking = _booking(deps, item)
    if booking is None or booking.status != "approved" or not item.recipient_slack_id:
        return
    if booking.starts_at <= deps.clock.now():
        return  # a pass that ran late: a reminder after the start helps nobody
    with deps.sessions.begin() as session:
        action_items = previous_action_items(session, booking_id=booking.id)
    reminder = build_reminder(
        booking,
        for_mentor=item.recipient_slack_id == booking.mentor_slack_id,
        offset=item.payload.get("offset", ""),
        action_items=action_items,
    )
    client.chat_postMessage(channel=item.recipient_slack_id, **reminder)


def send_request_nudge(deps: Deps, client: WebClient, item: DueItem) -> None:
    booking = _booking(deps, item)
    if booking is not None and booking.status == "pending":
        client.chat_postMessage(channel=booking.mentor_slack_id, **build_request_nudge(booking))


def expire_request(deps: Deps, client: WebClient, item: DueItem) -> None:
    """The mentor never answered: free the slot, tell the mentee, close the mentor's card."""
    assert item.booking_id is not None
    with deps.sessions.begin() as session:
        expired = lifecycle.expire_request(
            session, booking_id=item.booking_id, now=deps.clock.now()
        )
        booking = get_booking(session, booking_id=item.booking_id)
    if not expired or booking is None:
        return
    client.chat_postMessage(channel=booking.mentee_slack_id, **build_expired(booking))
    if booking.mentor_message_channel and booking.mentor_message_ts:
        client.chat_update(
            channel=booking.mentor_message_channel,
            ts=booking.mentor_message_ts,
            **build_card_outcome(booking),
        )


def send_checkin(deps: Deps, client: WebClient, item: DueItem) -> None:
    booking = _booking(deps, item)
    if booking is None or booking.status != "approved" or not item.recipient_slack_id:
        return
    checkin = build_checkin(booking, for_mentor=item.recipient_slack_id == booking.mentor_slack_id)
    client.chat_postMessage(channel=item.recipient_slack_id, **checkin)


def send_review_reminder(deps: Deps, client: WebClient, item: DueItem) -> None:
    booking = _booking(deps, item)
    if booking is None or not item.recipient_slack_id:
        return
    with deps.sessions.begin() as session:
        reviewed = has_reviewed(session, booking_id=booking.id, slack_id=item.recipient_slack_id)
    if not reviewed:
        prompt = build_review_prompt(
            booking, for_mentor=item.recipient_slack_id == booking.mentor_slack_id
        )
        client.chat_postMessage(channel=item.recipient_slack_id, **prompt)


DUE_HANDLERS: dict[str, DueHandler] = {
    NUDGE: send_nudge,
    lifecycle.REMINDER: send_reminder,
    lifecycle.REQUEST_NUDGE: send_request_nudge,
    lifecycle.REQUEST_EXPIRY: expire_request,
    lifecycle.CHECKIN: send_checkin,
    lifecycle.REVIEW_REMINDER: send_review_reminder,
    DIGEST: digest_due,
}
