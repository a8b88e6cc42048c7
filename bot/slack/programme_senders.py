"""A cohort's due work: enrolment closes on its first day and the coordinators hear of the
proposed pairs, with Review pairs (the same as when a coordinator closes it)."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.blocks.cohort_pairs import build_closed_by_date
from bot.deps import Deps
from bot.services import cohort_pairing
from bot.services.due import DueItem
from bot.slack.due_batch import DueBatch, DueSender


def close_enrolment(deps: Deps, client: WebClient, item: DueItem, batch: DueBatch) -> None:
    """Close the cohort's enrolment if still open, and tell each coordinator by DM."""
    programme_id = item.payload.get("programme_id")
    if not isinstance(programme_id, int):
        return
    with deps.sessions.begin() as session:
        closed = cohort_pairing.close_on_start(
            session, programme_id=programme_id, now=deps.clock.now()
        )
    if closed is None:
        return
    for coordinator in deps.settings.coordinator_user_ids:
        client.chat_postMessage(channel=coordinator, **build_closed_by_date(closed))


PROGRAMME_SENDERS: dict[str, DueSender] = {cohort_pairing.CLOSE_ENROLMENT: close_enrolment}
