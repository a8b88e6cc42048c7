"""What a mentorship's pulse and closing due work send (docs/architecture.md, "Due work").

Each sender re-reads the mentorship in its own transaction and quietly does nothing when it has
moved on: a member no longer active gets no pulse, an extended or early-ended mentorship no
closing evaluation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from slack_sdk import WebClient

from bot.blocks.closing import build_evaluation_prompt
from bot.blocks.pulse import build_pulse_prompt
from bot.deps import Deps
from bot.services import mentorship_plans
from bot.services.due import DueItem
from bot.services.mentorship_closing import reach_end
from bot.services.pulses import pulse_to_send

if TYPE_CHECKING:  # due_senders gathers these senders, so it imports this module
    from bot.slack.due_batch import DueBatch, DueSender


def send_pulse(deps: Deps, client: WebClient, item: DueItem, batch: DueBatch) -> None:
    """One pulse round's question, to one person, while the member is active."""
    member_id, round_ = item.payload.get("member_id"), item.payload.get("round")
    if not (item.recipient_slack_id and isinstance(member_id, int) and isinstance(round_, int)):
        return
    with deps.sessions.begin() as session:
        prompt = pulse_to_send(
            session, member_id=member_id, round_=round_, recipient_slack_id=item.recipient_slack_id
        )
    if prompt is not None:
        client.chat_postMessage(channel=item.recipient_slack_id, **build_pulse_prompt(prompt))


def send_close(deps: Deps, client: WebClient, item: DueItem, batch: DueBatch) -> None:
    """The end date: the mentorship ends and this person gets their evaluation prompt(s)."""
    if not (item.recipient_slack_id and item.mentorship_id):
        return
    with deps.sessions.begin() as session:
        prompts = reach_end(
            session,
            mentorship_id=item.mentorship_id,
            recipient_slack_id=item.recipient_slack_id,
            now=deps.clock.now(),
        )
    for prompt in prompts:
        client.chat_postMessage(channel=item.recipient_slack_id, **build_evaluation_prompt(prompt))


CLOSING_SENDERS: dict[str, DueSender] = {
    mentorship_plans.PULSE: send_pulse,
    mentorship_plans.CLOSE: send_close,
}
