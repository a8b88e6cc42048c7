"""Group mentorships: the mentor opens one (`/mentor group` or Home), mentees ask to join.

The mentor's answer and each member's agreement go through the pair flow's listeners
(handlers/mentorships.py), which work per member. Each listener is ack -> parse -> one service
call -> one builder per recipient -> send (docs/architecture.md, "Listeners").
"""

from __future__ import annotations

from datetime import date
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.blocks.mentorship_groups import (
    build_group_opened,
    build_join_modal,
    build_open_group_modal,
)
from bot.ids import Action, BlockId, Callback
from bot.services import mentorship_groups, mentorships
from bot.slack.directory import person_for
from handlers.commands import Invocation, Subcommands
from handlers.context import wiring_of
from handlers.forms import (
    clicking_user,
    form_values,
    number,
    run_or_tell,
    string,
    submit_or_errors,
    text,
)
from handlers.mentorships import ASK_FIELDS, member_id_of, send_request

OPEN_FIELDS = {
    "name": BlockId.GROUP_NAME,
    "topic": BlockId.TOPIC,
    "group_goal": BlockId.GROUP_GOAL,
    "cadence": BlockId.CADENCE,
    "months": BlockId.LENGTH,
    "seats": BlockId.SEATS,
    "starts_on": BlockId.DATE,
}


def day(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


# --- opening -------------------------------------------------------------------------------


def on_group_command(call: Invocation) -> None:
    call.ack()
    deps = wiring_of(call.context).deps
    call.client.views_open(
        trigger_id=call.trigger_id, view=build_open_group_modal(deps.clock.now().date())
    )


def on_open_group(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    ack()
    deps = wiring_of(context).deps
    client.views_open(
        trigger_id=body["trigger_id"], view=build_open_group_modal(deps.clock.now().date())
    )


def on_group_submitted(
    ack: Ack, body: dict[str, Any], client: WebClient, view: dict, context: BoltContext
) -> None:
    deps = wiring_of(context).deps
    values = form_values(view)
    outcome = submit_or_errors(
        deps,
        ack,
        view,
        lambda session: mentorship_groups.open_group(
            session,
            mentor_slack_id=clicking_user(body),
            name=text(values, BlockId.GROUP_NAME),
            topic=text(values, BlockId.TOPIC),
            group_goal=text(values, BlockId.GROUP_GOAL),
            cadence=text(values, BlockId.CADENCE),
            months=number(text(values, BlockId.LENGTH)),
            seats=number(text(values, BlockId.SEATS)),
            starts_on=day(text(values, BlockId.DATE)),
            now=deps.clock.now(),
        ),
        default=BlockId.GROUP_NAME,
        fields=OPEN_FIELDS,
    )
    if outcome is None:
        return
    group = outcome.mentorship
    client.chat_postMessage(channel=group.mentor_slack_id, **build_group_opened(group))


# --- joining -------------------------------------------------------------------------------


def on_join(
    ack: Ack, body: dict[str, Any], client: WebClient, action: dict, context: BoltContext
) -> None:
    ack()
    deps = wiring_of(context).deps
    group_id = member_id_of(action)
    form = run_or_tell(
        deps,
        body,
        client,
        lambda s: mentorship_groups.join_form(
            s, mentorship_id=group_id, asker_slack_id=clicking_user(body)
        ),
    )
    if form is not None:
        client.views_open(trigger_id=body["trigger_id"], view=build_join_modal(form))


def on_join_submitted(
    ack: Ack, body: dict[str, Any], client: WebClient, view: dict, context: BoltContext
) -> None:
    deps = wiring_of(context).deps
    values = form_values(view)
    person = person_for(deps, client, clicking_user(body))
    outcome = submit_or_errors(
        deps,
        ack,
        view,
        lambda session: mentorship_groups.ask_to_join(
            session,
            mentee_id=person.id,
            mentorship_id=number(string(view.get("private_metadata"))) or 0,
            goals=mentorships.split_goals(text(values, BlockId.GOALS)),
            hopes=text(values, BlockId.MESSAGE),
            now=deps.clock.now(),
        ),
        default=BlockId.GOALS,
        fields=ASK_FIELDS,
    )
    if outcome is None:
        return
    send_request(deps, client, outcome)


def register(app: App, commands: Subcommands) -> None:
    commands.add(
        "group", on_group_command, "group", "mentors: open a group mentorship for up to 8 mentees"
    )
    app.action(Action.OPEN_GROUP)(on_open_group)
    app.view(Callback.OPEN_GROUP)(on_group_submitted)
    app.action(Action.JOIN_GROUP)(on_join)
    app.view(Callback.JOIN_GROUP)(on_join_submitted)
