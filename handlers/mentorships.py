"""Asking for a mentorship, the mentor's Accept / Decline, withdrawing, and both agreements.

Each listener is ack -> parse -> one `mentorships` call -> one builder per recipient -> send
(docs/architecture.md, "Listeners").
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.blocks.agreement import (
    build_agreed,
    build_agreement,
    build_group_welcome,
    build_other_agreed,
    build_plan,
)
from bot.blocks.answering import build_paused_for
from bot.blocks.goals import build_goals_message
from bot.blocks.mentorship_requests import (
    build_answer_modal,
    build_answered,
    build_ask_modal,
    build_card_outcome,
    build_request_card,
    build_request_sent,
    build_withdrawn,
)
from bot.deps import Deps
from bot.ids import Action, BlockId, Callback
from bot.services import handover, mentorships
from bot.services.mentorships import MemberOutcome
from bot.slack.directory import person_for
from bot.slack.mentorship_senders import post_moved_mentorship
from handlers.context import wiring_of
from handlers.forms import (
    choices,
    clicking_user,
    form_values,
    number,
    replace_clicked_message,
    run_or_tell,
    string,
    submit_or_errors,
    text,
)

# Where the asking and answering forms show each of the service's field errors.
ASK_FIELDS = {
    "goals": BlockId.GOALS,
    "hopes": BlockId.MESSAGE,
    "cadence": BlockId.CADENCE,
    "months": BlockId.LENGTH,
    "comment": BlockId.REASON,
}


def member_id_of(action: dict[str, Any]) -> int:
    return number(action.get("value")) or 0


def update_card(deps: Deps, client: WebClient, outcome: MemberOutcome) -> None:
    """Show the outcome on the mentor's request card, in place."""
    with deps.sessions.begin() as session:
        card = mentorships.mentor_card_of(session, member_id=outcome.member.id)
    if card:
        client.chat_update(
            channel=card[0], ts=card[1], **build_card_outcome(outcome.mentorship, outcome.member)
        )


# --- asking --------------------------------------------------------------------------------


def on_ask(
    ack: Ack, body: dict[str, Any], client: WebClient, action: dict, context: BoltContext
) -> None:
    ack()
    deps = wiring_of(context).deps
    mentor_id = member_id_of(action)
    name = run_or_tell(
        deps, body, client, lambda s: mentorships.mentor_for_ask(s, mentor_id=mentor_id)
    )
    if name is not None:
        client.views_open(trigger_id=body["trigger_id"], view=build_ask_modal(mentor_id, name))


def on_ask_submitted(
    ack: Ack, body: dict[str, Any], client: WebClient, view: dict, context: BoltContext
) -> None:
    wiring = wiring_of(context)
    deps = wiring.deps
    values = form_values(view)
    person = person_for(deps, client, clicking_user(body))
    outcome = submit_or_errors(
        deps,
        ack,
        view,
        lambda session: handover.request_mentorship(
            session,
            mentee_id=person.id,
            mentor_id=number(string(view.get("private_metadata"))) or 0,
            goals=mentorships.split_goals(text(values, BlockId.GOALS)),
            hopes=text(values, BlockId.MESSAGE),
            cadence=text(values, BlockId.CADENCE),
            months=number(text(values, BlockId.LENGTH)),
            backup_slack_ids=choices(values, BlockId.BACKUPS),
            now=deps.clock.now(),
        ),
        default=BlockId.GOALS,
        fields=ASK_FIELDS,
    )
    if outcome is None:
        return
    send_request(deps, client, outcome)


def send_request(deps: Deps, client: WebClient, outcome: MemberOutcome) -> None:
    """The mentor's Accept / Decline card (kept for updates in place) and the mentee's note;
    a pair request and a request to join a group alike."""
    frame, member = outcome.mentorship, outcome.member
    card = client.chat_postMessage(
        channel=frame.mentor_slack_id, **build_request_card(frame, member)
    )
    with deps.sessions.begin() as session:
        mentorships.remember_mentor_message(
            session, member_id=member.id, channel=card["channel"], ts=card["ts"]
        )
    client.chat_postMessage(channel=member.mentee_slack_id, **build_request_sent(frame, member))


def on_withdraw(
    ack: Ack, body: dict[str, Any], client: WebClient, action: dict, context: BoltContext
) -> None:
    ack()
    deps = wiring_of(context).deps
    member_id = member_id_of(action)
    outcome = run_or_tell(
        deps,
        body,
        client,
        lambda s: mentorships.withdraw(
            s, member_id=member_id, actor_slack_id=clicking_user(body), now=deps.clock.now()
        ),
    )
    if outcome is None:
        return
    replace_clicked_message(body, client, build_withdrawn(outcome.mentorship))
    update_card(deps, client, outcome)


# --- answering -----------------------------------------------------------------------------


def open_answer(
    body: dict[str, Any], client: WebClient, action: dict, context: BoltContext, accept: bool
) -> None:
    deps = wiring_of(context).deps
    member_id = member_id_of(action)
    member = run_or_tell(
        deps,
        body,
        client,
        lambda s: mentorships.for_answer(
            s, member_id=member_id, actor_slack_id=clicking_user(body)
        ),
    )
    if member is not None:
        client.views_open(trigger_id=body["trigger_id"], view=build_answer_modal(member, accept))


def on_accept(
    ack: Ack, body: dict[str, Any], client: WebClient, action: dict, context: BoltContext
) -> None:
    ack()
    open_answer(body, client, action, context, accept=True)


def on_decline(
    ack: Ack, body: dict[str, Any], client: WebClient, action: dict, context: BoltContext
) -> None:
    ack()
    open_answer(body, client, action, context, accept=False)


def on_answer_submitted(
    ack: Ack, body: dict[str, Any], client: WebClient, view: dict, context: BoltContext
) -> None:
    deps = wiring_of(context).deps
    verb, _, member = string(view.get("private_metadata")).partition(":")
    answered = submit_or_errors(
        deps,
        ack,
        view,
        lambda session: handover.answer_mentorship(
            session,
            member_id=number(member) or 0,
            actor_slack_id=clicking_user(body),
            accept=verb == "accept",
            comment=text(form_values(view), BlockId.REASON),
            pause_weeks=text(form_values(view), BlockId.PAUSE_WEEKS),
            now=deps.clock.now(),
        ),
        default=BlockId.REASON,
        fields=ASK_FIELDS,
    )
    if answered is None:
        return
    outcome = answered.outcome
    frame, who = outcome.mentorship, outcome.member
    update_card(deps, client, outcome)
    client.chat_postMessage(channel=who.mentee_slack_id, **build_answered(frame, who))
    for person in outcome.to_agree:
        client.chat_postMessage(channel=person, **build_agreement(frame, who))
    if answered.paused_until is not None:
        client.chat_postMessage(
            channel=frame.mentor_slack_id, **build_paused_for(answered.paused_until)
        )
    if answered.move is not None:
        post_moved_mentorship(
            deps, client, frame.mentor_slack_id, who, answered.move, expired=False
        )


# --- agreeing ------------------------------------------------------------------------------


def on_agree(
    ack: Ack, body: dict[str, Any], client: WebClient, action: dict, context: BoltContext
) -> None:
    ack()
    deps = wiring_of(context).deps
    member_id = member_id_of(action)
    actor = clicking_user(body)
    outcome = run_or_tell(
        deps,
        body,
        client,
        lambda s: mentorships.agree(
            s, member_id=member_id, actor_slack_id=actor, now=deps.clock.now()
        ),
    )
    if outcome is None:
        return
    frame, member = outcome.mentorship, outcome.member
    replace_clicked_message(body, client, build_agreed(frame, member, active=outcome.became_active))
    if not outcome.became_active:
        for person in outcome.tell:
            client.chat_postMessage(channel=person, **build_other_agreed(frame, actor))
        return
    opened = client.conversations_open(users=",".join(outcome.dm_people))
    channel = opened["channel"]["id"]
    client.chat_postMessage(channel=channel, **build_group_welcome(frame, member))
    goals = client.chat_postMessage(channel=channel, **build_goals_message(frame))
    client.chat_postMessage(channel=channel, **build_plan(frame))
    with deps.sessions.begin() as session:
        mentorships.remember_group_dm(
            session, mentorship_id=frame.id, channel_id=channel, goals_message_ts=goals["ts"]
        )


def register(app: App) -> None:
    app.action(Action.ASK_MENTORSHIP)(on_ask)
    app.view(Callback.ASK_MENTORSHIP)(on_ask_submitted)
    app.action(Action.WITHDRAW_MENTORSHIP)(on_withdraw)
    app.action(Action.ACCEPT_MENTORSHIP)(on_accept)
    app.action(Action.DECLINE_MENTORSHIP)(on_decline)
    app.view(Callback.ANSWER_MENTORSHIP)(on_answer_submitted)
    app.action(Action.AGREE_MENTORSHIP)(on_agree)
