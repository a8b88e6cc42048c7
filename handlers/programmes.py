"""Programmes for coordinators: `/mentor admin programmes`, New programme and Edit.

Each listener is ack -> parse -> one service call -> one builder -> send (architecture.md,
"Listeners"). A side open to a user group is read from Slack here, before the service call,
so the service decides from the members Slack gave (bot/slack/user_groups.py).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.blocks.programmes import (
    OPEN,
    build_programme_list,
    build_programme_modal,
    build_programme_saved,
)
from bot.ids import Action, BlockId, Callback
from bot.services import programmes
from bot.services.errors import DomainError
from bot.services.programmes import ProgrammeForm, Side
from bot.slack.user_groups import group_members
from handlers.commands import Invocation
from handlers.context import wiring_of
from handlers.forms import (
    FormValue,
    choices,
    clicking_user,
    form_values,
    number,
    run_or_tell,
    string,
    submit_or_errors,
    text,
)

FIELDS = {
    "name": BlockId.PROGRAMME_NAME,
    "description": BlockId.DESCRIPTION,
    "starts_on": BlockId.STARTS_ON,
    "ends_on": BlockId.ENDS_ON,
    "matching": BlockId.MATCHING,
    "cadence": BlockId.CADENCE,
    "months": BlockId.LENGTH,
    "mentor_audience": BlockId.MENTOR_AUDIENCE,
    "mentor_people": BlockId.MENTOR_PEOPLE,
    "mentor_group": BlockId.MENTOR_GROUP,
    "mentee_audience": BlockId.MENTEE_AUDIENCE,
    "mentee_people": BlockId.MENTEE_PEOPLE,
    "mentee_group": BlockId.MENTEE_GROUP,
}


def day(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def list_programmes(call: Invocation) -> None:
    """`/mentor admin programmes`: the list, privately."""
    deps = wiring_of(call.context).deps
    try:
        with deps.sessions.begin() as session:
            found = programmes.list_programmes(
                session, actor=call.user_id, coordinators=deps.settings.coordinator_user_ids
            )
    except DomainError as error:
        call.ack(text=str(error))
        return
    call.ack(**build_programme_list(found))


def on_new(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    ack()
    deps = wiring_of(context).deps
    allowed = run_or_tell(
        deps,
        body,
        client,
        lambda session: programmes.may_create(
            clicking_user(body), deps.settings.coordinator_user_ids
        ),
    )
    if allowed:
        client.views_open(
            trigger_id=body["trigger_id"],
            view=build_programme_modal(None, deps.clock.now().date()),
        )


def on_edit(
    ack: Ack, body: dict[str, Any], client: WebClient, action: dict, context: BoltContext
) -> None:
    ack()
    deps = wiring_of(context).deps
    found = run_or_tell(
        deps,
        body,
        client,
        lambda session: programmes.programme_to_edit(
            session,
            actor=clicking_user(body),
            coordinators=deps.settings.coordinator_user_ids,
            programme_id=number(string(action.get("value"))) or 0,
        ),
    )
    if found is not None:
        client.views_open(
            trigger_id=body["trigger_id"],
            view=build_programme_modal(found, deps.clock.now().date()),
        )


def side(
    client: WebClient, values: dict[str, FormValue], audience: str, people: str, group: str
) -> Side:
    """One side of the form; a user group's members are read from Slack only when chosen."""
    chosen = text(values, audience)
    group_id = text(values, group).strip()
    members = group_members(client, group_id) if chosen == "group" and group_id else None
    return Side(
        audience=chosen,
        people=tuple(choices(values, people)),
        group=group_id,
        group_members=members,
    )


def on_submitted(
    ack: Ack, body: dict[str, Any], client: WebClient, view: dict, context: BoltContext
) -> None:
    deps = wiring_of(context).deps
    values = form_values(view)
    form = ProgrammeForm(
        name=text(values, BlockId.PROGRAMME_NAME),
        description=text(values, BlockId.DESCRIPTION),
        starts_on=day(text(values, BlockId.STARTS_ON)),
        ends_on=day(text(values, BlockId.ENDS_ON)),
        enrolment_open=OPEN in choices(values, BlockId.ENROLMENT_OPEN),
        matching=text(values, BlockId.MATCHING),
        cadence=text(values, BlockId.CADENCE),
        months=number(text(values, BlockId.LENGTH)),
        mentors=side(
            client, values, BlockId.MENTOR_AUDIENCE, BlockId.MENTOR_PEOPLE, BlockId.MENTOR_GROUP
        ),
        mentees=side(
            client, values, BlockId.MENTEE_AUDIENCE, BlockId.MENTEE_PEOPLE, BlockId.MENTEE_GROUP
        ),
    )
    metadata = string(view.get("private_metadata"))
    saved = submit_or_errors(
        deps,
        ack,
        view,
        lambda session: programmes.save_programme(
            session,
            actor=clicking_user(body),
            coordinators=deps.settings.coordinator_user_ids,
            programme_id=(number(metadata) or 0) if metadata else None,
            form=form,
            now=deps.clock.now(),
        ),
        default=BlockId.PROGRAMME_NAME,
        fields=FIELDS,
    )
    if saved is not None:
        client.chat_postMessage(channel=clicking_user(body), **build_programme_saved(saved))


def register(app: App) -> None:
    app.action(Action.NEW_PROGRAMME)(on_new)
    app.action(Action.EDIT_PROGRAMME)(on_edit)
    app.view(Callback.PROGRAMME)(on_submitted)
