"""A cohort's proposed pairs for coordinators: Review pairs, Remove and Swap (in the modal),
Publish.

Each listener is ack -> parse -> one service call -> one builder per recipient -> send. A
publication's refusal (published twice) comes after the modal closed, so it is told by DM.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.blocks.agreement import build_agreement
from bot.blocks.cohort_pairs import build_pair_intro, build_pairs_modal, build_published
from bot.ids import Action, BlockId, Callback
from bot.services import cohort_pairing
from handlers.context import wiring_of
from handlers.forms import choices, clicking_user, form_values, number, run_or_tell, string


def on_review(
    ack: Ack, body: dict[str, Any], client: WebClient, action: dict, context: BoltContext
) -> None:
    ack()
    deps = wiring_of(context).deps
    review = run_or_tell(
        deps,
        body,
        client,
        lambda session: cohort_pairing.review(
            session,
            actor=clicking_user(body),
            coordinators=deps.settings.coordinator_user_ids,
            programme_id=number(string(action.get("value"))) or 0,
        ),
    )
    if review is not None:
        client.views_open(trigger_id=body["trigger_id"], view=build_pairs_modal(review))


def on_remove(
    ack: Ack, body: dict[str, Any], client: WebClient, action: dict, context: BoltContext
) -> None:
    ack()
    deps = wiring_of(context).deps
    found = body.get("view")
    view: dict[str, Any] = found if isinstance(found, dict) else {}
    review = run_or_tell(
        deps,
        body,
        client,
        lambda session: cohort_pairing.remove_pair(
            session,
            actor=clicking_user(body),
            coordinators=deps.settings.coordinator_user_ids,
            programme_id=number(string(view.get("private_metadata"))) or 0,
            pair_id=number(string(action.get("value"))) or 0,
            now=deps.clock.now(),
        ),
    )
    if review is not None and isinstance(view.get("id"), str):
        client.views_update(view_id=view["id"], view=build_pairs_modal(review))


def on_swap(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    ack()
    deps = wiring_of(context).deps
    found = body.get("view")
    view: dict[str, Any] = found if isinstance(found, dict) else {}
    chosen = [number(value) for value in choices(form_values(view), BlockId.PAIRS_TO_SWAP)]
    review = run_or_tell(
        deps,
        body,
        client,
        lambda session: cohort_pairing.swap_pairs(
            session,
            actor=clicking_user(body),
            coordinators=deps.settings.coordinator_user_ids,
            programme_id=number(string(view.get("private_metadata"))) or 0,
            pair_ids=[pair for pair in chosen if pair is not None],
            now=deps.clock.now(),
        ),
    )
    if review is not None and isinstance(view.get("id"), str):
        client.views_update(view_id=view["id"], view=build_pairs_modal(review))


def on_publish(
    ack: Ack, body: dict[str, Any], client: WebClient, view: dict, context: BoltContext
) -> None:
    ack()
    deps = wiring_of(context).deps
    published = run_or_tell(
        deps,
        body,
        client,
        lambda session: cohort_pairing.publish(
            session,
            actor=clicking_user(body),
            coordinators=deps.settings.coordinator_user_ids,
            programme_id=number(string(view.get("private_metadata"))) or 0,
            now=deps.clock.now(),
        ),
    )
    if published is None:
        return
    for outcome, why in zip(published.outcomes, published.whys, strict=True):
        frame, member = outcome.mentorship, outcome.member
        pair = (frame.mentor_slack_id, member.mentee_slack_id)
        dm = client.conversations_open(users=",".join(pair))["channel"]["id"]
        client.chat_postMessage(
            channel=dm, **build_pair_intro(published.programme_name, *pair, why)
        )
        for person in outcome.to_agree:
            client.chat_postMessage(channel=person, **build_agreement(frame, member))
    client.chat_postMessage(channel=clicking_user(body), **build_published(published))


def register(app: App) -> None:
    app.action(Action.REVIEW_PAIRS)(on_review)
    app.action(Action.REMOVE_PAIR)(on_remove)
    app.action(Action.SWAP_PAIRS)(on_swap)
    app.view(Callback.PAIRS)(on_publish)
