"""`/mentor join`: the cohorts open for enrolment; Join as mentor, Join as mentee, Leave.

Each listener is ack -> parse -> one service call -> one builder -> send; the answer replaces
the list the person clicked, and a refusal is told to them privately.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.blocks.enrolment import build_enrolment_list
from bot.ids import Action
from bot.services import enrolment
from bot.slack.directory import person_for
from handlers.commands import Invocation, Subcommands
from handlers.context import wiring_of
from handlers.forms import clicking_user, number, replace_clicked_message, run_or_tell, string
from store.statuses import Role


def on_join_command(call: Invocation) -> None:
    deps = wiring_of(call.context).deps
    person = person_for(deps, call.client, call.user_id)
    with deps.sessions.begin() as session:
        found = enrolment.open_programmes(session, user_id=person.id)
    call.ack(**build_enrolment_list(found))


def _answer(
    body: dict[str, Any], client: WebClient, found: list[enrolment.Enrollable] | None
) -> None:
    if found is not None:
        replace_clicked_message(body, client, build_enrolment_list(found))


def join_side(
    role: Role, body: dict[str, Any], client: WebClient, action: dict, context: BoltContext
) -> None:
    """Enrol the clicking person on one side and redraw the list they clicked."""
    deps = wiring_of(context).deps
    person = person_for(deps, client, clicking_user(body))
    found = run_or_tell(
        deps,
        body,
        client,
        lambda session: enrolment.join(
            session,
            user_id=person.id,
            programme_id=number(string(action.get("value"))) or 0,
            role=role,
            now=deps.clock.now(),
        ),
    )
    _answer(body, client, found)


def on_join_as_mentor(
    ack: Ack, body: dict[str, Any], client: WebClient, action: dict, context: BoltContext
) -> None:
    ack()
    join_side(Role.MENTOR, body, client, action, context)


def on_join_as_mentee(
    ack: Ack, body: dict[str, Any], client: WebClient, action: dict, context: BoltContext
) -> None:
    ack()
    join_side(Role.MENTEE, body, client, action, context)


def on_leave(
    ack: Ack, body: dict[str, Any], client: WebClient, action: dict, context: BoltContext
) -> None:
    ack()
    deps = wiring_of(context).deps
    person = person_for(deps, client, clicking_user(body))
    found = run_or_tell(
        deps,
        body,
        client,
        lambda session: enrolment.leave(
            session,
            user_id=person.id,
            programme_id=number(string(action.get("value"))) or 0,
            now=deps.clock.now(),
        ),
    )
    _answer(body, client, found)


def register(app: App, commands: Subcommands) -> None:
    commands.add("join", on_join_command, "join", "enrol in a programme as mentor or mentee")
    app.action(Action.JOIN_AS_MENTOR)(on_join_as_mentor)
    app.action(Action.JOIN_AS_MENTEE)(on_join_as_mentee)
    app.action(Action.LEAVE_PROGRAMME)(on_leave)
