"""Coordinators approve or reject new mentors from the card in their channel.

Who may decide, and the audit entry, are `mentors.decide`'s business: these listeners only pass
the clicking user and the configured coordinators along and show the answer.
"""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.profile import build_approval_outcome, build_decision_dm, build_reject_modal
from bot.deps import Deps
from bot.ids import Action, BlockId, Callback
from bot.services.mentors import MentorOutcome, decide, decision_form
from handlers.context import wiring_of
from handlers.forms import (
    clicking_user,
    form_values,
    number,
    run_or_tell,
    string,
    submit_or_errors,
    tell,
    text,
)
from handlers.home import HomePublisher

CARD_GONE = ("message_not_found", "channel_not_found")
OUT_OF_DATE = "That button is out of date. The latest version of the request has its own message."


def parse_card_value(value: Any) -> tuple[int, int] | None:
    """`mentor_id:version` from an approval button, or None when it is not one of ours."""
    mentor_id, _, version = string(value).partition(":")
    shown = number(mentor_id), number(version)
    return (shown[0], shown[1]) if shown[0] is not None and shown[1] is not None else None


def parse_reject_metadata(metadata: Any) -> dict[str, Any] | None:
    """The reject modal's private_metadata (mentor, version, card), or None if it is not ours."""
    try:
        card = json.loads(string(metadata))
    except ValueError:
        return None
    if not isinstance(card, dict):
        return None
    shown = parse_card_value(f"{card.get('mentor_id')}:{card.get('version')}")
    channel, ts = card.get("channel"), card.get("ts")
    if shown is None or not isinstance(channel, str) or not isinstance(ts, str):
        return None
    return {"mentor_id": shown[0], "version": shown[1], "channel": channel, "ts": ts}


def clicked_card(body: dict[str, Any]) -> dict[str, str] | None:
    """The channel message whose button was clicked, if the click came from one."""
    channel, message = body.get("channel"), body.get("message")
    if isinstance(channel, dict) and isinstance(message, dict):
        return {"channel": string(channel.get("id")), "ts": string(message.get("ts"))}
    return None


def announce(
    home: HomePublisher, client: WebClient, decision: MentorOutcome, card: dict[str, str]
) -> None:
    """Replace the card's buttons with the decision, tell the mentor, refresh their Home."""
    try:
        client.chat_update(
            channel=card["channel"], ts=card["ts"], **build_approval_outcome(decision)
        )
    except SlackApiError as failed:  # the card was deleted meanwhile: still tell the mentor
        if failed.response.get("error") not in CARD_GONE:
            raise
    client.chat_postMessage(channel=decision.tell, **build_decision_dm(decision))
    home.publish(client, decision.tell)


def on_approve(
    ack: Ack, body: dict[str, Any], client: WebClient, action: dict[str, Any], context: BoltContext
) -> None:
    ack()
    wiring = wiring_of(context)
    deps = wiring.deps
    coordinator = clicking_user(body)
    shown = parse_card_value(action.get("value"))
    card = clicked_card(body)
    if shown is None or card is None:
        tell(body, client, OUT_OF_DATE)
        return
    decision = run_or_tell(
        deps,
        body,
        client,
        lambda session: decide(
            session,
            mentor_id=shown[0],
            version=shown[1],
            approve=True,
            reason=None,
            actor=coordinator,
            coordinators=deps.settings.coordinator_user_ids,
            now=deps.clock.now(),
            source="card",
        ),
    )
    if decision is not None:
        announce(wiring.home, client, decision, card)


def on_reject(
    ack: Ack, body: dict[str, Any], client: WebClient, action: dict[str, Any], context: BoltContext
) -> None:
    ack()
    deps = wiring_of(context).deps
    shown = parse_card_value(action.get("value"))
    card = clicked_card(body)
    if shown is None or card is None:
        tell(body, client, OUT_OF_DATE)
        return
    mentor = run_or_tell(
        deps,
        body,
        client,
        lambda session: decision_form(
            session,
            mentor_id=shown[0],
            version=shown[1],
            actor=clicking_user(body),
            coordinators=deps.settings.coordinator_user_ids,
        ),
    )
    if mentor is None:
        return
    metadata = json.dumps({"mentor_id": shown[0], "version": shown[1], **card})
    client.views_open(trigger_id=body["trigger_id"], view=build_reject_modal(metadata, mentor.name))


def on_reject_reason(
    ack: Ack, body: dict[str, Any], client: WebClient, view: dict[str, Any], context: BoltContext
) -> None:
    wiring = wiring_of(context)
    coordinator = clicking_user(body)
    card = parse_reject_metadata(view.get("private_metadata"))
    if card is None:
        ack(response_action="errors", errors={BlockId.REASON: OUT_OF_DATE})
        return
    decision = reject_from_modal(
        wiring.deps, ack, view, coordinator, card["mentor_id"], card["version"], "card"
    )
    if decision is not None:
        announce(wiring.home, client, decision, card)


def register(app: App) -> None:
    app.action(Action.APPROVE_MENTOR)(on_approve)
    app.action(Action.REJECT_MENTOR)(on_reject)
    app.view(Callback.REJECT_MENTOR)(on_reject_reason)


def reject_from_modal(
    deps: Deps,
    ack: Ack,
    view: dict[str, Any],
    coordinator: str,
    mentor_id: int,
    version: int,
    source: str,
) -> MentorOutcome | None:
    """Reject a pending mentor with the reason typed in the modal; problems stay in the modal.

    The service re-checks, at submit, that the submitter is still a coordinator and the mentor
    still pending at the version the modal was opened for.
    """
    decision = submit_or_errors(
        deps,
        ack,
        view,
        lambda session: decide(
            session,
            mentor_id=mentor_id,
            version=version,
            approve=False,
            reason=text(form_values(view), BlockId.REASON),
            actor=coordinator,
            coordinators=deps.settings.coordinator_user_ids,
            now=deps.clock.now(),
            source=source,
        ),
        default=BlockId.REASON,
    )
    if decision is None:
        return None
    return decision
