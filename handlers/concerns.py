"""Raising a concern: `/mentor report` and a session's "Raise a concern" button open the modal;
the coordinators' card has "Read" and "Mark handled".

Each listener is ack -> parse -> one `concerns` call -> one builder per recipient -> send
(docs/architecture.md, "Listeners"). Only the reporter and the coordinators ever get a message:
the other person of the session is told nothing. The service decides who may read or handle a
concern; button values and the modal's session choice only name what is acted on.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.blocks.concerns import (
    build_concern_acknowledged,
    build_concern_card,
    build_concern_modal,
    build_concern_read_modal,
)
from bot.blocks.kit import local_time, mention
from bot.deps import Deps
from bot.ids import Action, BlockId, Callback
from bot.services import concerns
from bot.services.concerns import ConcernForm, InvalidConcern
from bot.services.errors import DomainError
from bot.slack.concern_post import post_concern
from bot.slack.directory import person_for
from handlers.commands import Invocation, Subcommands
from handlers.context import wiring_of
from handlers.forms import (
    clicking_user,
    form_values,
    number,
    replace_clicked_message,
    run_or_tell,
    tell,
    text,
)

Result = TypeVar("Result")
# Where each of the service's field errors shows in the modal.
FIELD_BLOCKS: dict[str, str] = {
    concerns.KIND: BlockId.CONCERN_KIND,
    concerns.TEXT: BlockId.CONCERN_TEXT,
    concerns.SESSION: BlockId.CONCERN_SESSION,
}


def _form(deps: Deps, user_id: str, booking_id: int | None) -> Callable[[Session], ConcernForm]:
    """The service call that reads the modal's choices."""
    return lambda session: concerns.form_for(
        session, actor_slack_id=user_id, booking_id=booking_id, now=deps.clock.now()
    )


def report(call: Invocation) -> None:
    """`/mentor report`: the modal, with the reporter's recent sessions to choose from."""
    call.ack()
    deps = wiring_of(call.context).deps
    person_for(deps, call.client, call.user_id)  # their time zone, for the sessions' labels
    with deps.sessions.begin() as session:
        form = _form(deps, call.user_id, None)(session)
    call.client.views_open(trigger_id=call.trigger_id, view=build_concern_modal(form))


def on_raise(
    ack: Ack, body: dict[str, Any], client: WebClient, action: dict, context: BoltContext
) -> None:
    """A session's "Raise a concern": the same modal, that session chosen (if it is theirs)."""
    ack()
    deps = wiring_of(context).deps
    user_id, booking_id = clicking_user(body), number(action.get("value")) or 0
    person_for(deps, client, user_id)
    form = run_or_tell(deps, body, client, _form(deps, user_id, booking_id))
    if form is not None:
        client.views_open(trigger_id=body["trigger_id"], view=build_concern_modal(form))


def on_submit(
    ack: Ack, body: dict[str, Any], client: WebClient, view: dict, context: BoltContext
) -> None:
    deps = wiring_of(context).deps
    values = form_values(view)
    user_id, chosen = clicking_user(body), text(values, BlockId.CONCERN_SESSION)
    try:
        with deps.sessions.begin() as session:
            raised = concerns.raise_concern(
                session,
                actor_slack_id=user_id,
                kind=text(values, BlockId.CONCERN_KIND),
                text=text(values, BlockId.CONCERN_TEXT),
                booking_id=(number(chosen) or 0) if chosen else None,
                now=deps.clock.now(),
            )
    except InvalidConcern as refused:
        shown = {block.get("block_id") for block in view.get("blocks") or []}
        errors: dict[str, str] = {}
        for field, message in refused.errors.items():  # a block the modal lacks: on the text
            block = FIELD_BLOCKS[field] if FIELD_BLOCKS[field] in shown else BlockId.CONCERN_TEXT
            errors[block] = " ".join(filter(None, (errors.get(block), message)))
        ack(response_action="errors", errors=errors)
        return
    except DomainError as refused:
        ack(response_action="errors", errors={BlockId.CONCERN_TEXT: str(refused)})
        return
    ack()
    settings = deps.settings
    post_concern(client, settings.coordinator_channel, settings.coordinator_user_ids, raised.card)
    client.chat_postMessage(channel=raised.reporter_slack_id, **build_concern_acknowledged())


def _coordinators_call(
    deps: Deps,
    body: dict[str, Any],
    client: WebClient,
    action: dict,
    use_case: Callable[..., Result],
) -> Result | None:
    """A card button's use case for the clicker, on the concern its value names; a refusal
    (not a coordinator, no such concern) is told privately."""
    concern_id, user_id = number(action.get("value")) or 0, clicking_user(body)
    return run_or_tell(
        deps,
        body,
        client,
        lambda session: use_case(
            session,
            concern_id=concern_id,
            actor_slack_id=user_id,
            coordinators=deps.settings.coordinator_user_ids,
            now=deps.clock.now(),
        ),
    )


def on_read(
    ack: Ack, body: dict[str, Any], client: WebClient, action: dict, context: BoltContext
) -> None:
    """The card's Read: the text in a modal, for a coordinator; anyone else is refused."""
    ack()
    detail = _coordinators_call(wiring_of(context).deps, body, client, action, concerns.read)
    if detail is not None:
        client.views_open(trigger_id=body["trigger_id"], view=build_concern_read_modal(detail))


def on_handle(
    ack: Ack, body: dict[str, Any], client: WebClient, action: dict, context: BoltContext
) -> None:
    ack()
    deps = wiring_of(context).deps
    handled = _coordinators_call(deps, body, client, action, concerns.mark_handled)
    if handled is None:
        return
    replace_clicked_message(body, client, build_concern_card(handled.card))
    card = handled.card
    if handled.already and card.handled_by and card.handled_at:
        already = f"{mention(card.handled_by)} had already marked this concern handled "
        tell(body, client, f"{already}{local_time(card.handled_at)}; nothing was changed.")


def register(app: App, commands: Subcommands) -> None:
    commands.add(
        "report",
        report,
        "report",
        "raise a concern (no-show, conduct, safety) with coordinators, privately",
    )
    app.action(Action.RAISE_CONCERN)(on_raise)
    app.view(Callback.CONCERN)(on_submit)
    app.action(Action.READ_CONCERN)(on_read)
    app.action(Action.HANDLE_CONCERN)(on_handle)
