"""A coordinator's Nudge on a mentorship at risk (from `/mentor admin health`).

The service decides whether the mentorship may be nudged now (a coordinator, still at risk, not
nudged in the last day) and audits it; the listener then sends the prompt to the pair's shared
DM, or to each of them when there is none, and tells the coordinator.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.blocks.health import build_nudge, nudge_sent
from bot.ids import Action
from bot.services import health
from handlers.context import wiring_of
from handlers.forms import NOT_OURS, clicking_user, number, run_or_tell, tell


def on_nudge(
    ack: Ack, body: dict[str, Any], client: WebClient, action: dict, context: BoltContext
) -> None:
    ack()
    mentorship_id = number(action.get("value"))
    if mentorship_id is None:
        tell(body, client, NOT_OURS)
        return
    deps = wiring_of(context).deps
    nudged = run_or_tell(
        deps,
        body,
        client,
        lambda session: health.nudge(
            session,
            actor=clicking_user(body),
            coordinators=deps.settings.coordinator_user_ids,
            mentorship_id=mentorship_id,
            now=deps.clock.now(),
        ),
    )
    if nudged is None:
        return
    prompt = build_nudge(nudged)
    for channel in [nudged.channel_id] if nudged.channel_id else nudged.people:
        client.chat_postMessage(channel=channel, **prompt)
    tell(body, client, nudge_sent(nudged))


def register(app: App) -> None:
    app.action(Action.NUDGE_MENTORSHIP)(on_nudge)
