"""Negotiating a session's time: propose another time, counter, reschedule, accept, decline,
withdraw, and `/mentor invite`.

Each listener is ack -> parse -> one `negotiation` call (which locks, checks who may act, and
says what happened and whom to tell) -> one builder per recipient -> send
(docs/architecture.md, "Listeners" and "Negotiation").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, time
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.blocks.negotiation import (
    build_invitation,
    build_invite_modal,
    build_invite_sent,
    build_negotiation_news,
    build_proposal,
    build_proposal_answered,
    build_proposal_sent,
    build_rescheduled,
    build_time_modal,
)
from bot.ids import Action, BlockId, Callback
from bot.services import negotiation
from bot.services.errors import DomainError
from bot.services.negotiation import NegotiationOutcome
from bot.slack.directory import person_for
from handlers.booking import confirm_both, refresh_homes, update_card
from handlers.commands import Invocation, Subcommands
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
from handlers.home import HomePublisher

# Where the negotiation's field errors show in its modals (the others are named by block id).
NEGOTIATION_FIELDS = {"when": BlockId.WHEN_DAY, "who": BlockId.WHO}
MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")


def proposal_of(action: dict[str, Any]) -> tuple[int, int | None]:
    """(booking id, proposal id) from a proposal button's "booking:proposal" value."""
    booking, _, proposal = str(action.get("value") or "").partition(":")
    return number(booking) or 0, number(proposal)


def day_and_time(values: dict[str, Any]) -> tuple[date | None, time | None]:
    """A typed day and time, if both parse; a half-typed one is left for the service."""
    day, at = text(values, BlockId.WHEN_DAY), text(values, BlockId.WHEN_TIME)
    try:
        parsed_day = date.fromisoformat(day) if day else None
    except ValueError:
        parsed_day = None
    try:
        parsed_at = time.fromisoformat(at) if at else None
    except ValueError:
        parsed_at = None
    return parsed_day, parsed_at


def tell_news(client: WebClient, outcome: NegotiationOutcome) -> None:
    """The other side's news of a step: a confirmation, a proposal, or what became of one."""
    if outcome.rescheduled:
        booking = outcome.booking
        for slack_id in (booking.mentee_slack_id, booking.mentor_slack_id):
            for_mentor = slack_id == booking.mentor_slack_id
            client.chat_postMessage(
                channel=slack_id, **build_rescheduled(outcome, for_mentor=for_mentor)
            )
    elif outcome.confirmed:
        confirm_both(client, outcome.booking)
    else:
        client.chat_postMessage(channel=outcome.tell, **build_negotiation_news(outcome))


# --- putting a time on the table -----------------------------------------------------------


def on_open_time(
    ack: Ack, body: dict[str, Any], client: WebClient, action: dict, context: BoltContext
) -> None:
    """Propose another time, Reschedule, or counter: the modal of the mentor's free times."""
    ack()
    deps = wiring_of(context).deps
    person = person_for(deps, client, clicking_user(body))
    booking_id = number(action.get("value")) or 0
    form = run_or_tell(
        deps,
        body,
        client,
        lambda s: negotiation.time_form(
            s, booking_id=booking_id, actor_slack_id=clicking_user(body), now=deps.clock.now()
        ),
    )
    if form is not None:
        client.views_open(trigger_id=body["trigger_id"], view=build_time_modal(form, person.tz))


def on_time_submitted(
    ack: Ack, body: dict[str, Any], client: WebClient, view: dict, context: BoltContext
) -> None:
    wiring = wiring_of(context)
    deps = wiring.deps
    values = form_values(view)
    day, at = day_and_time(values)
    slot = number(text(values, BlockId.SLOT))
    outcome = submit_or_errors(
        deps,
        ack,
        view,
        lambda session: negotiation.propose(
            session,
            booking_id=number(view.get("private_metadata")) or 0,
            actor_slack_id=clicking_user(body),
            now=deps.clock.now(),
            slot_id=slot,
            day=day,
            at=at,
        ),
        default=BlockId.SLOT,
        fields=NEGOTIATION_FIELDS,
    )
    if outcome is None:
        return
    update_card(client, outcome.booking)
    client.chat_postMessage(channel=outcome.tell, **build_proposal(outcome))
    client.chat_postMessage(channel=clicking_user(body), **build_proposal_sent(outcome))
    refresh_homes(client, wiring.home, outcome.booking)


# --- answering it --------------------------------------------------------------------------


def answer(
    body: dict[str, Any],
    client: WebClient,
    action: dict,
    context: BoltContext,
    step: Callable[..., NegotiationOutcome],
    **extra: Any,
) -> None:
    """One answer to the open proposal the button names (accept, decline or withdraw)."""
    wiring = wiring_of(context)
    deps = wiring.deps
    booking_id, proposal_id = proposal_of(action)
    outcome = run_or_tell(
        deps,
        body,
        client,
        lambda s: step(
            s,
            booking_id=booking_id,
            actor_slack_id=clicking_user(body),
            proposal_id=proposal_id,
            now=deps.clock.now(),
            **extra,
        ),
    )
    if outcome is not None:
        after_answer(body, client, wiring.home, outcome)


def on_accept(
    ack: Ack, body: dict[str, Any], client: WebClient, action: dict, context: BoltContext
) -> None:
    ack()
    offsets = wiring_of(context).deps.settings.reminder_offsets
    answer(body, client, action, context, negotiation.accept, offsets=offsets)


def on_decline(
    ack: Ack, body: dict[str, Any], client: WebClient, action: dict, context: BoltContext
) -> None:
    ack()
    answer(body, client, action, context, negotiation.decline)


def on_withdraw(
    ack: Ack, body: dict[str, Any], client: WebClient, action: dict, context: BoltContext
) -> None:
    ack()
    answer(body, client, action, context, negotiation.withdraw)


def after_answer(
    body: dict[str, Any], client: WebClient, home: HomePublisher, outcome: NegotiationOutcome
) -> None:
    """The clicked message shows what was done; the other side hears it; cards and Homes
    follow."""
    replace_clicked_message(body, client, build_proposal_answered(outcome))
    update_card(client, outcome.booking)
    tell_news(client, outcome)
    refresh_homes(client, home, outcome.booking)


# --- /mentor invite ------------------------------------------------------------------------


def invite(call: Invocation) -> None:
    """`/mentor invite @person`: the invite modal, with the person picked if named."""
    deps = wiring_of(call.context).deps
    try:
        with deps.sessions.begin() as session:
            form = negotiation.invite_form(
                session, actor_slack_id=call.user_id, now=deps.clock.now()
            )
    except DomainError as refused:
        call.ack(text=str(refused))
        return
    call.ack()
    person = person_for(deps, call.client, call.user_id)
    named = MENTION.search(call.text)
    view = build_invite_modal(form.slots, person.tz, who=named.group(1) if named else None)
    call.client.views_open(trigger_id=call.trigger_id, view=view)


def on_invite_submitted(
    ack: Ack, body: dict[str, Any], client: WebClient, view: dict, context: BoltContext
) -> None:
    wiring = wiring_of(context)
    deps = wiring.deps
    values = form_values(view)
    who = text(values, BlockId.WHO)
    invitee = person_for(deps, client, who).id if who else None
    outcome = submit_or_errors(
        deps,
        ack,
        view,
        lambda session: negotiation.invite(
            session,
            actor_slack_id=clicking_user(body),
            invitee_id=invitee,
            slot_id=number(text(values, BlockId.SLOT)) or 0,
            title=text(values, BlockId.TOPIC),
            agenda=text(values, BlockId.MESSAGE),
            now=deps.clock.now(),
            ttl=deps.settings.request_ttl,
        ),
        default=BlockId.SLOT,
        fields=NEGOTIATION_FIELDS,
    )
    if outcome is None:
        return
    client.chat_postMessage(channel=outcome.tell, **build_invitation(outcome))
    client.chat_postMessage(channel=clicking_user(body), **build_invite_sent(outcome))
    refresh_homes(client, wiring.home, outcome.booking)


def register(app: App, commands: Subcommands) -> None:
    for opener in (Action.PROPOSE_TIME, Action.RESCHEDULE, Action.COUNTER_PROPOSAL):
        app.action(opener)(on_open_time)
    app.view(Callback.PROPOSE)(on_time_submitted)
    app.action(Action.ACCEPT_PROPOSAL)(on_accept)
    app.action(Action.REJECT_PROPOSAL)(on_decline)
    app.action(Action.WITHDRAW_PROPOSAL)(on_withdraw)
    app.view(Callback.INVITE)(on_invite_submitted)
    commands.add(
        "invite",
        invite,
        "invite @person",
        "invite someone to a session at one of your free times",
    )
