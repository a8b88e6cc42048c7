"""What the due work of meeting in a mentorship sends: the diary prompt after a session and
the nudge when no session is planned within the cadence (`mentorship_plans`).

Each sender re-reads the state first and quietly does nothing if it moved on: the session was
cancelled or its entry already written, a session got planned, the mentorship ended.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from slack_sdk import WebClient

from bot.blocks.diary import build_diary_prompt
from bot.blocks.mentorship_sessions import build_cadence_nudge
from bot.deps import Deps
from bot.services import diary, mentorship_plans, mentorship_sessions
from bot.services.due import DueItem
from store.statuses import BookingStatus

if TYPE_CHECKING:  # due_senders gathers these senders, so it is imported for types only
    from bot.slack.due_batch import DueBatch, DueSender


def send_diary_prompt(deps: Deps, client: WebClient, item: DueItem, batch: DueBatch) -> None:
    """After a session of a mentorship: ask the mentee for a diary entry, unless written."""
    booking = batch.booking(item)
    if (
        booking is None
        or booking.status != BookingStatus.APPROVED
        or booking.mentorship_id is None
        or item.recipient_slack_id != booking.mentee_slack_id
    ):
        return
    with deps.sessions.begin() as session:
        written = diary.has_entry(
            session, booking_id=booking.id, mentee_slack_id=booking.mentee_slack_id
        )
    if not written:
        client.chat_postMessage(channel=booking.mentee_slack_id, **build_diary_prompt(booking))


def send_cadence_nudge(deps: Deps, client: WebClient, item: DueItem, batch: DueBatch) -> None:
    """Nothing planned within the cadence: nudge this person once, if that is still true."""
    if item.mentorship_id is None or not item.recipient_slack_id:
        return
    with deps.sessions.begin() as session:
        nudge = mentorship_sessions.cadence_nudge(
            session,
            mentorship_id=item.mentorship_id,
            recipient_slack_id=item.recipient_slack_id,
            now=deps.clock.now(),
        )
    if nudge is not None:
        client.chat_postMessage(channel=item.recipient_slack_id, **build_cadence_nudge(nudge))


DIARY_SENDERS: dict[str, DueSender] = {
    mentorship_plans.DIARY_PROMPT: send_diary_prompt,
    mentorship_plans.CADENCE_NUDGE: send_cadence_nudge,
}
