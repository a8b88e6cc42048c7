"""Meeting in a mentorship: plan a session from the mentor's free slots, and the mentee's
Accept on a session the mentor planned (Decline is the booking's own decline, with a reason).

Each listener is ack -> parse -> one `mentorship_sessions` call -> one builder per recipient
-> send (docs/architecture.md, "Listeners").
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.blocks.booking import build_confirmation
from bot.blocks.mentorship_sessions import (
    build_group_planned,
    build_plan_modal,
    build_planned_answered,
    build_planned_card,
    build_planned_sent,
)
from bot.ids import Action, BlockId, Callback
from bot.services import mentorship_sessions
from bot.slack.directory import person_for
from bot.slack.request_card import post_request_card
from handlers.booking import confirm_both, refresh_homes
from handlers.context import wiring_of
from handlers.forms import (
    clicking_user,
    form_values,
    number,
    replace_clicked_message,
    run_or_tell,
    submit_or_errors,
    text,
)


def on_plan(
    ack: Ack, body: dict[str, Any], client: WebClient, action: dict, context: BoltContext
) -> None:
    ack()
    deps = wiring_of(context).deps
    person = person_for(deps, client, clicking_user(body))
    mentorship_id = number(action.get("value")) or 0
    form = run_or_tell(
        deps,
        body,
        client,
        lambda s: mentorship_sessions.plan_form(
            s,
            mentorship_id=mentorship_id,
            actor_slack_id=clicking_user(body),
            now=deps.clock.now(),
        ),
    )
    if form is not None:
        client.views_open(trigger_id=body["trigger_id"], view=build_plan_modal(form, person.tz))


def on_plan_submitted(
    ack: Ack, body: dict[str, Any], client: WebClient, view: dict, context: BoltContext
) -> None:
    wiring = wiring_of(context)
    deps = wiring.deps
    values = form_values(view)
    planned = submit_or_errors(
        deps,
        ack,
        view,
        lambda session: mentorship_sessions.plan(
            session,
            mentorship_id=number(view.get("private_metadata")) or 0,
            actor_slack_id=clicking_user(body),
            slot_id=number(text(values, BlockId.SLOT)) or 0,
            agenda=text(values, BlockId.TOPIC),
            now=deps.clock.now(),
            max_open=deps.settings.max_open_requests,
            ttl=deps.settings.request_ttl,
            offsets=deps.settings.reminder_offsets,
        ),
        default=BlockId.SLOT,
    )
    if planned is None:
        return
    if planned.for_group:  # every member's seat confirmed at once
        seats = [outcome.booking for outcome in planned.outcomes]
        for seat in seats:
            client.chat_postMessage(
                channel=seat.mentee_slack_id, **build_confirmation(seat, for_mentor=False)
            )
            wiring.home.publish(client, seat.mentee_slack_id)
        client.chat_postMessage(channel=seats[0].mentor_slack_id, **build_group_planned(seats))
        wiring.home.publish(client, seats[0].mentor_slack_id)
        return
    booking = planned.outcomes[0].booking
    if booking.answerer_slack_id == booking.mentor_slack_id:
        post_request_card(deps, client, booking)
    else:
        client.chat_postMessage(channel=booking.mentee_slack_id, **build_planned_card(booking))
    client.chat_postMessage(channel=booking.planner_slack_id, **build_planned_sent(booking))
    refresh_homes(client, wiring.home, booking)


def on_accept_planned(
    ack: Ack, body: dict[str, Any], client: WebClient, action: dict, context: BoltContext
) -> None:
    ack()
    wiring = wiring_of(context)
    deps = wiring.deps
    booking_id = number(action.get("value")) or 0
    outcome = run_or_tell(
        deps,
        body,
        client,
        lambda s: mentorship_sessions.accept_planned(
            s,
            booking_id=booking_id,
            actor_slack_id=clicking_user(body),
            now=deps.clock.now(),
            offsets=deps.settings.reminder_offsets,
        ),
    )
    if outcome is None:
        return
    replace_clicked_message(body, client, build_planned_answered(outcome.booking))
    confirm_both(client, outcome.booking)
    refresh_homes(client, wiring.home, outcome.booking)


def register(app: App) -> None:
    app.action(Action.PLAN_SESSION)(on_plan)
    app.view(Callback.PLAN_SESSION)(on_plan_submitted)
    app.action(Action.ACCEPT_PLANNED)(on_accept_planned)
