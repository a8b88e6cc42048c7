"""What each kind of due work does in Slack when its time comes.

A pass reads what a claimed batch needs (`due_batch`: its bookings, action items, homework) in
one go, just before sending it, so a sender sees each booking as it stands now: anything may have
changed since the work was scheduled (cancelled, declined, moved), and then it quietly does
nothing. A batch costs a fixed number of queries, however many items it holds.
"""

from __future__ import annotations

import logging
from datetime import datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.answering import build_break_over, build_silence_pause
from bot.blocks.booking import build_card_outcome
from bot.blocks.find import build_nudge
from bot.blocks.followup import (
    build_checkin,
    build_expired,
    build_reminder,
    build_request_nudge,
    build_review_prompt,
)
from bot.blocks.negotiation import build_negotiation_news
from bot.deps import Deps
from bot.services import handover, lifecycle, negotiation, pauses, proposals
from bot.services.digest import build_digest
from bot.services.due import DueItem
from bot.services.nudges import NUDGE
from bot.services.periodic import DIGEST
from bot.services.reviews import has_reviewed
from bot.slack.closing_senders import CLOSING_SENDERS
from bot.slack.diary_senders import DIARY_SENDERS
from bot.slack.digest_post import post_digest as send_digest
from bot.slack.due_batch import DueBatch, DueSender
from bot.slack.mentorship_senders import MENTORSHIP_REQUEST_SENDERS
from bot.slack.programme_senders import PROGRAMME_SENDERS
from bot.slack.request_card import post_moved_request, post_request_card
from store.statuses import BookingStatus

log = logging.getLogger(__name__)


def digest_due(deps: Deps, client: WebClient, item: DueItem, batch: DueBatch) -> None:
    """The period's digest, to the coordinators' channel (the bot must be a member)."""
    channel = deps.settings.coordinator_channel
    if not channel:
        return
    start = datetime.fromisoformat(item.payload["start"])
    end = datetime.fromisoformat(item.payload["end"])
    with deps.sessions.begin() as session:
        digest = build_digest(session, start=start, end=end, now=deps.clock.now())
    send_digest(
        client,
        channel,
        digest,
        title="Mentorship digest",
        coordinators=deps.settings.coordinator_user_ids,
    )


def send_nudge(deps: Deps, client: WebClient, item: DueItem, batch: DueBatch) -> None:
    """Someone wanted to book a mentor who had no free time: ask the mentor to add some."""
    assert item.recipient_slack_id is not None
    nudge = build_nudge(item.payload.get("asker", ""), item.payload.get("skills", ""))
    client.chat_postMessage(channel=item.recipient_slack_id, **nudge)


def send_reminder(deps: Deps, client: WebClient, item: DueItem, batch: DueBatch) -> None:
    booking = batch.booking(item)
    if booking is None or booking.status != BookingStatus.APPROVED or not item.recipient_slack_id:
        return
    if booking.starts_at <= deps.clock.now():
        return  # a pass that ran late: a reminder after the start helps nobody
    if batch.for_mentor_again(booking, item.recipient_slack_id):
        return  # the group session's first seat reminds its mentor
    reminder = build_reminder(
        booking,
        for_mentor=item.recipient_slack_id == booking.mentor_slack_id,
        offset=item.payload.get("offset", ""),
        action_items=batch.action_items.get(booking.id),
        homework=batch.homework.get(booking.id),
        first_session=booking.id in batch.first,
    )
    client.chat_postMessage(channel=item.recipient_slack_id, **reminder)


def send_request_nudge(deps: Deps, client: WebClient, item: DueItem, batch: DueBatch) -> None:
    """Remind the mentor of a waiting request; bring its card first if it never went out
    (the process that took the request died after saving it, or Slack failed)."""
    booking = batch.booking(item)
    if booking is None or booking.status != BookingStatus.PENDING:
        return
    if not booking.mentor_message_ts:
        post_request_card(deps, client, booking)
    client.chat_postMessage(channel=booking.mentor_slack_id, **build_request_nudge(booking))


def expire_request(deps: Deps, client: WebClient, item: DueItem, batch: DueBatch) -> None:
    """The mentor never answered: free the slot, tell the mentee, close the mentor's card.

    Only this work expires a booking, so an expired one is this work's own doing, from now or
    from an attempt whose message Slack refused: the mentee is told either way. The card is
    best effort, so that a card Slack cannot update never makes the mentee hear it twice.
    With backups named, the request moves on to the next and the mentee hears where
    (handover.expire_booking, which also counts the mentor's silence).
    """
    assert item.booking_id is not None
    with deps.sessions.begin() as session:
        expired = handover.expire_booking(
            session,
            booking_id=item.booking_id,
            now=deps.clock.now(),
            ttl=deps.settings.request_ttl,
        )
    if expired is None:
        return  # answered, withdrawn or erased meanwhile
    booking = expired.booking
    client.chat_postMessage(channel=booking.planner_slack_id, **build_expired(booking))
    if expired.move is not None:
        post_moved_request(deps, client, booking, expired.move, expired=True)
    if booking.mentor_message_channel and booking.mentor_message_ts:
        try:
            client.chat_update(
                channel=booking.mentor_message_channel,
                ts=booking.mentor_message_ts,
                **build_card_outcome(booking),
            )
        except SlackApiError as refused:
            log.warning("Could not close the card of expired booking %s: %s", booking.id, refused)


def send_silence_pause(deps: Deps, client: WebClient, item: DueItem, batch: DueBatch) -> None:
    """The kind DM to a mentor the system paused, unless they resumed already."""
    with deps.sessions.begin() as session:
        still = pauses.still_paused_by_silence(
            session,
            mentor_id=int(item.payload.get("mentor_id") or 0),
            paused_at=str(item.payload.get("paused_at", "")),
        )
    if still and item.recipient_slack_id:
        client.chat_postMessage(channel=item.recipient_slack_id, **build_silence_pause())


def end_break(deps: Deps, client: WebClient, item: DueItem, batch: DueBatch) -> None:
    """A mentor's chosen break ends: active again, and told so."""
    with deps.sessions.begin() as session:
        resumed = pauses.resume_timed(
            session,
            mentor_id=int(item.payload.get("mentor_id") or 0),
            until=str(item.payload.get("until", "")),
            now=deps.clock.now(),
        )
    if resumed is not None:
        client.chat_postMessage(channel=resumed.slack_id, **build_break_over())


def send_checkin(deps: Deps, client: WebClient, item: DueItem, batch: DueBatch) -> None:
    booking = batch.booking(item)
    if booking is None or booking.status != BookingStatus.APPROVED or not item.recipient_slack_id:
        return
    if batch.for_mentor_again(booking, item.recipient_slack_id):
        return  # the group session's first seat asks its mentor
    checkin = build_checkin(booking, for_mentor=item.recipient_slack_id == booking.mentor_slack_id)
    client.chat_postMessage(channel=item.recipient_slack_id, **checkin)


def send_review_reminder(deps: Deps, client: WebClient, item: DueItem, batch: DueBatch) -> None:
    booking = batch.booking(item)
    if booking is None or not item.recipient_slack_id:
        return
    with deps.sessions.begin() as session:
        reviewed = has_reviewed(session, booking_id=booking.id, slack_id=item.recipient_slack_id)
    if not reviewed:
        prompt = build_review_prompt(
            booking, for_mentor=item.recipient_slack_id == booking.mentor_slack_id
        )
        client.chat_postMessage(channel=item.recipient_slack_id, **prompt)


def lapse_proposal(deps: Deps, client: WebClient, item: DueItem, batch: DueBatch) -> None:
    """Nobody answered a proposed time before it (or the session) came: it lapses, the
    session's time stands, and the proposer is told; nothing if it was answered meanwhile."""
    with deps.sessions.begin() as session:
        outcome = negotiation.lapse(
            session, proposal_id=int(item.payload.get("proposal_id", 0)), now=deps.clock.now()
        )
    if outcome is not None:
        client.chat_postMessage(channel=outcome.tell, **build_negotiation_news(outcome))


DUE_SENDERS: dict[str, DueSender] = {
    proposals.PROPOSAL_LAPSE: lapse_proposal,
    NUDGE: send_nudge,
    lifecycle.REMINDER: send_reminder,
    lifecycle.REQUEST_NUDGE: send_request_nudge,
    lifecycle.REQUEST_EXPIRY: expire_request,
    lifecycle.CHECKIN: send_checkin,
    pauses.SILENCE_DM: send_silence_pause,
    pauses.TIMED_RESUME: end_break,
    lifecycle.REVIEW_REMINDER: send_review_reminder,
    DIGEST: digest_due,
    **CLOSING_SENDERS,
    **MENTORSHIP_REQUEST_SENDERS,
    **DIARY_SENDERS,
    **PROGRAMME_SENDERS,
}
