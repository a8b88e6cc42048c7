"""Coordinators approve or reject new mentors from the card in their channel."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.blocks.profile import build_approval_outcome, build_decision_dm, build_reject_modal
from bot.deps import Deps
from bot.ids import Action, Block, Callback
from bot.services.errors import DomainError
from bot.services.mentors import InvalidProfile, MentorView, decide, mentor_by_id
from handlers.forms import clicking_user, form_values, tell, text
from handlers.home import HomePublisher

NOT_A_COORDINATOR = "Only the program's coordinators can approve or reject mentors."
OUT_OF_DATE = "That button is out of date. The latest version of the request has its own message."


def parse_card_value(value: str) -> tuple[int, int] | None:
    """`mentor_id:version` from an approval button, or None when it is not one of ours."""
    mentor_id, _, version = (value or "").partition(":")
    if mentor_id.isdigit() and version.isdigit():
        return int(mentor_id), int(version)
    return None


def register(app: App, deps: Deps, home: HomePublisher) -> None:
    def is_coordinator(user_id: str) -> bool:
        return user_id in deps.settings.coordinator_user_ids

    def announce(
        client: WebClient, mentor: MentorView, coordinator: str, card: dict[str, str]
    ) -> None:
        """Replace the card's buttons with the outcome, tell the mentor, refresh their Home."""
        client.chat_update(
            channel=card["channel"], ts=card["ts"], **build_approval_outcome(mentor, coordinator)
        )
        client.chat_postMessage(channel=mentor.slack_id, **build_decision_dm(mentor))
        home.publish(client, mentor.slack_id)

    @app.action(Action.APPROVE_MENTOR)
    def on_approve(
        ack: Ack, body: dict[str, Any], client: WebClient, action: dict[str, Any]
    ) -> None:
        ack()
        coordinator = clicking_user(body)
        if not is_coordinator(coordinator):
            tell(body, client, NOT_A_COORDINATOR)
            return
        shown = parse_card_value(action.get("value", ""))
        if shown is None:
            tell(body, client, OUT_OF_DATE)
            return
        try:
            with deps.sessions.begin() as session:
                mentor = decide(
                    session,
                    mentor_id=shown[0],
                    version=shown[1],
                    approve=True,
                    reason=None,
                    decided_by=coordinator,
                    now=deps.clock.now(),
                )
        except DomainError as refused:
            tell(body, client, str(refused))
            return
        card = {"channel": body["channel"]["id"], "ts": body["message"]["ts"]}
        announce(client, mentor, coordinator, card)

    @app.action(Action.REJECT_MENTOR)
    def on_reject(
        ack: Ack, body: dict[str, Any], client: WebClient, action: dict[str, Any]
    ) -> None:
        ack()
        if not is_coordinator(clicking_user(body)):
            tell(body, client, NOT_A_COORDINATOR)
            return
        shown = parse_card_value(action.get("value", ""))
        with deps.sessions.begin() as session:
            mentor = mentor_by_id(session, shown[0]) if shown else None
        if (
            shown is None
            or mentor is None
            or mentor.version != shown[1]
            or mentor.status != "pending"
        ):
            tell(body, client, OUT_OF_DATE)
            return
        metadata = json.dumps(
            {
                "mentor_id": shown[0],
                "version": shown[1],
                "channel": body["channel"]["id"],
                "ts": body["message"]["ts"],
            }
        )
        client.views_open(
            trigger_id=body["trigger_id"], view=build_reject_modal(metadata, mentor.name)
        )

    @app.view(Callback.REJECT_MENTOR)
    def on_reject_reason(
        ack: Ack, body: dict[str, Any], client: WebClient, view: dict[str, Any]
    ) -> None:
        coordinator = clicking_user(body)
        card = json.loads(view.get("private_metadata") or "{}")
        if not is_coordinator(coordinator) or not {"mentor_id", "version", "channel", "ts"} <= set(
            card
        ):
            ack(response_action="errors", errors={Block.REASON: NOT_A_COORDINATOR})
            return
        try:
            with deps.sessions.begin() as session:
                mentor = decide(
                    session,
                    mentor_id=int(card["mentor_id"]),
                    version=int(card["version"]),
                    approve=False,
                    reason=text(form_values(view), Block.REASON),
                    decided_by=coordinator,
                    now=deps.clock.now(),
                )
        except InvalidProfile as invalid:
            ack(response_action="errors", errors={Block.REASON: invalid.errors["reason"]})
            return
        except DomainError as refused:
            ack(response_action="errors", errors={Block.REASON: str(refused)})
            return
        ack()
        announce(client, mentor, coordinator, card)
