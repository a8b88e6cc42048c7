"""What the due work of a mentorship request and agreement sends when its time comes.

Each sender calls a service that re-reads the member and says what happened; when the member
has moved on (answered, withdrawn, agreed) the service returns None and nothing is sent.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.answering import build_mentorship_moved
from bot.blocks.mentorship_requests import (
    build_agreement_expired,
    build_card_outcome,
    build_request_card,
    build_request_expired,
    build_request_nudge,
    build_request_sent,
)
from bot.deps import Deps
from bot.services import handover, mentorship_plans, mentorships
from bot.services.backups import MemberMove
from bot.services.due import DueItem
from bot.services.mentorship_view import MemberView
from bot.services.mentorships import MemberOutcome

if TYPE_CHECKING:  # due_senders gathers these senders, so it imports this module
    from bot.slack.due_batch import DueBatch, DueSender

log = logging.getLogger(__name__)


def _member_id(item: DueItem) -> int:
    return int(item.payload.get("member_id") or 0)


def send_request_nudge(deps: Deps, client: WebClient, item: DueItem, batch: DueBatch) -> None:
    """Remind the mentor of a request that still waits; its card stays answerable."""
    with deps.sessions.begin() as session:
        outcome = mentorships.waiting_request(session, member_id=_member_id(item))
    if outcome is not None:
        client.chat_postMessage(
            channel=outcome.mentorship.mentor_slack_id,
            **build_request_nudge(outcome.mentorship, outcome.member),
        )


def _close_card(deps: Deps, client: WebClient, outcome: MemberOutcome) -> None:
    with deps.sessions.begin() as session:
        card = mentorships.mentor_card_of(session, member_id=outcome.member.id)
    if card is None:
        return
    try:
        client.chat_update(
            channel=card[0], ts=card[1], **build_card_outcome(outcome.mentorship, outcome.member)
        )
    except SlackApiError as refused:  # best effort: the mentee has been told already
        log.warning(
            "Could not close the card of mentorship member %s: %s", outcome.member.id, refused
        )


def expire_request(deps: Deps, client: WebClient, item: DueItem, batch: DueBatch) -> None:
    """The mentor never answered: the request expires, the mentee is told, the card closes;
    with backups named, it moves on to the next (handover.expire_mentorship)."""
    with deps.sessions.begin() as session:
        expired = handover.expire_mentorship(
            session, member_id=_member_id(item), now=deps.clock.now()
        )
    if expired is None:
        return
    outcome = expired.outcome
    for person in outcome.tell:
        client.chat_postMessage(channel=person, **build_request_expired(outcome.mentorship))
    _close_card(deps, client, outcome)
    if expired.move is not None:
        post_moved_mentorship(
            deps,
            client,
            outcome.mentorship.mentor_slack_id,
            outcome.member,
            expired.move,
            expired=True,
        )


def post_moved_mentorship(
    deps: Deps,
    client: WebClient,
    old_mentor: str,
    old_member: MemberView,
    move: MemberMove,
    *,
    expired: bool,
) -> None:
    """A mentorship request moved to a backup: their Accept / Decline card (kept for updates in
    place), and the mentee's news with the way to withdraw."""
    mentee = old_member.mentee_slack_id
    client.chat_postMessage(
        channel=mentee, **build_mentorship_moved(old_mentor, move, expired=expired)
    )
    if move.to is None:
        return
    frame, member = move.to.mentorship, move.to.member
    card = client.chat_postMessage(
        channel=frame.mentor_slack_id, **build_request_card(frame, member)
    )
    with deps.sessions.begin() as session:
        mentorships.remember_mentor_message(
            session, member_id=member.id, channel=card["channel"], ts=card["ts"]
        )
    client.chat_postMessage(channel=mentee, **build_request_sent(frame, member))


def expire_agreement(deps: Deps, client: WebClient, item: DueItem, batch: DueBatch) -> None:
    """Accepted but never agreed by both: the member expires and both are told."""
    with deps.sessions.begin() as session:
        outcome = mentorships.expire_agreement(
            session, member_id=_member_id(item), now=deps.clock.now()
        )
    if outcome is None:
        return
    for person in outcome.tell:
        client.chat_postMessage(channel=person, **build_agreement_expired(outcome.mentorship))


MENTORSHIP_REQUEST_SENDERS: dict[str, DueSender] = {
    mentorship_plans.REQUEST_NUDGE: send_request_nudge,
    mentorship_plans.REQUEST_EXPIRY: expire_request,
    mentorship_plans.AGREE_EXPIRY: expire_agreement,
}
