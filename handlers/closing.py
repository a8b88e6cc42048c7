"""A mentorship's pulse, its changes of course (extend, end early, ask for another mentor) and
its closing evaluation.

Each listener is ack -> parse -> one service call -> one builder per recipient -> send
(docs/architecture.md, "Listeners"). The services decide who may act; button values only name
the mentorship, member or request acted on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any, TypeVar

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.blocks.closing import (
    NO,
    YES,
    build_evaluation_modal,
    build_goal_outcomes,
    build_what_next,
)
from bot.blocks.course import (
    HIDE,
    build_ask_new_mentor_modal,
    build_change_request_card,
    build_end_modal,
    build_ended_confirmation,
    build_ended_notice,
    build_extend_modal,
    build_extension_answered,
    build_extension_proposed,
    build_extension_request,
    build_new_mentor_asked,
)
from bot.blocks.kit import mention
from bot.blocks.pulse import build_pulse_modal, build_pulse_thanks
from bot.deps import Deps
from bot.ids import Action, BlockId, Callback
from bot.services import (
    change_requests,
    mentorship_closing,
    mentorship_ending,
    mentorship_extension,
    pulses,
)
from bot.services.mentorship_closing import EvaluationForm
from bot.slack.change_request_post import post_change_request
from bot.slack.invites import send_cancellation
from handlers.context import Wiring, wiring_of
from handlers.forms import (
    FormValue,
    choices,
    clicking_user,
    form_values,
    number,
    replace_clicked_message,
    run_or_tell,
    string,
    submit_or_errors,
    tell,
    text,
    whole_number,
)

Result = TypeVar("Result")
REACHED = {YES: True, NO: False}


# --- shared ----------------------------------------------------------------------------------


def open_modal(
    deps: Deps,
    body: dict[str, Any],
    client: WebClient,
    read: Callable[[Any], Result],
    build: Callable[[Result], dict[str, Any]],
) -> None:
    """Open a modal on what the service says the clicker may act on; else say why not."""
    found = run_or_tell(deps, body, client, read)
    if found is not None:
        client.views_open(trigger_id=body["trigger_id"], view=build(found))


def dm_each(client: WebClient, people: Iterable[str], payload: dict[str, Any]) -> None:
    for person in people:
        client.chat_postMessage(channel=person, **payload)


def refresh(wiring: Wiring, client: WebClient, people: Iterable[str]) -> None:
    for person in people:
        wiring.home.publish(client, person)


def mentorship_of(action: dict[str, Any]) -> int:
    return number(action.get("value")) or 0


def metadata_id(view: dict[str, Any]) -> int:
    return number(view.get("private_metadata")) or 0


# --- the pulse -------------------------------------------------------------------------------


def pulse_round(value: Any) -> tuple[int, int]:
    """ "12:2" -> (member 12, round 2); nonsense reads as (0, 0), which nothing matches."""
    member, _, round_ = string(value).partition(":")
    return number(member) or 0, number(round_) or 0


def on_open_pulse(
    ack: Ack, body: dict[str, Any], client: WebClient, action: dict, context: BoltContext
) -> None:
    ack()
    deps = wiring_of(context).deps
    member_id, round_ = pulse_round(action.get("value"))
    user_id, now = clicking_user(body), deps.clock.now()
    open_modal(
        deps,
        body,
        client,
        lambda session: pulses.for_pulse(
            session, member_id=member_id, round_=round_, actor_slack_id=user_id, now=now
        ),
        build_pulse_modal,
    )


def on_pulse(
    ack: Ack, body: dict[str, Any], client: WebClient, view: dict, context: BoltContext
) -> None:
    deps = wiring_of(context).deps
    values = form_values(view)
    member_id, round_ = pulse_round(view.get("private_metadata"))
    user_id, now = clicking_user(body), deps.clock.now()
    fields = {pulses.STARS: BlockId.PULSE_STARS, pulses.COMMENT: BlockId.PULSE_COMMENT}
    saved = submit_or_errors(
        deps,
        ack,
        view,
        lambda session: pulses.answer_pulse(
            session,
            member_id=member_id,
            round_=round_,
            actor_slack_id=user_id,
            stars=whole_number(values, BlockId.PULSE_STARS),
            comment=text(values, BlockId.PULSE_COMMENT),
            now=now,
        ),
        default=BlockId.PULSE_STARS,
        fields=fields,
    )
    if saved is not None:
        client.chat_postMessage(channel=user_id, **build_pulse_thanks())


# --- extending -------------------------------------------------------------------------------


def on_extend(
    ack: Ack, body: dict[str, Any], client: WebClient, action: dict, context: BoltContext
) -> None:
    ack()
    deps = wiring_of(context).deps
    mentorship_id, user_id = mentorship_of(action), clicking_user(body)
    open_modal(
        deps,
        body,
        client,
        lambda session: mentorship_extension.for_extension(
            session, mentorship_id=mentorship_id, actor_slack_id=user_id
        ),
        build_extend_modal,
    )


def picked_date(values: dict[str, FormValue], block_id: str) -> date | None:
    try:
        return date.fromisoformat(text(values, block_id))
    except ValueError:
        return None


def on_extend_submit(
    ack: Ack, body: dict[str, Any], client: WebClient, view: dict, context: BoltContext
) -> None:
    wiring = wiring_of(context)
    deps = wiring.deps
    new_end = picked_date(form_values(view), BlockId.NEW_END)
    user_id, now = clicking_user(body), deps.clock.now()
    proposed = submit_or_errors(
        deps,
        ack,
        view,
        lambda session: mentorship_extension.propose_extension(
            session,
            mentorship_id=metadata_id(view),
            actor_slack_id=user_id,
            new_end=new_end,
            now=now,
        ),
        default=BlockId.NEW_END,
        fields={mentorship_extension.NEW_END: BlockId.NEW_END},
    )
    if proposed is None:
        return
    dm_each(client, proposed.tell, build_extension_request(proposed))
    client.chat_postMessage(channel=user_id, **build_extension_proposed(proposed))


def answer_extension(
    ack: Ack, body: dict[str, Any], client: WebClient, action: dict, context: BoltContext, *,
    accept: bool,
) -> None:  # fmt: skip
    ack()
    wiring = wiring_of(context)
    mentorship_id, user_id, now = (
        mentorship_of(action),
        clicking_user(body),
        wiring.deps.clock.now(),
    )
    answered = run_or_tell(
        wiring.deps,
        body,
        client,
        lambda session: mentorship_extension.answer_extension(
            session, mentorship_id=mentorship_id, actor_slack_id=user_id, accept=accept, now=now
        ),
    )
    if answered is None:
        return
    news = build_extension_answered(answered)
    replace_clicked_message(body, client, news)
    dm_each(client, answered.tell, news)
    refresh(wiring, client, answered.mentorship.people())


def on_accept_extension(
    ack: Ack, body: dict[str, Any], client: WebClient, action: dict, context: BoltContext
) -> None:
    answer_extension(ack, body, client, action, context, accept=True)


def on_decline_extension(
    ack: Ack, body: dict[str, Any], client: WebClient, action: dict, context: BoltContext
) -> None:
    answer_extension(ack, body, client, action, context, accept=False)


# --- ending early ----------------------------------------------------------------------------


def on_end(
    ack: Ack, body: dict[str, Any], client: WebClient, action: dict, context: BoltContext
) -> None:
    ack()
    deps = wiring_of(context).deps
    mentorship_id, user_id = mentorship_of(action), clicking_user(body)
    open_modal(
        deps,
        body,
        client,
        lambda session: mentorship_ending.for_ending(
            session, mentorship_id=mentorship_id, actor_slack_id=user_id
        ),
        lambda found: build_end_modal(found, viewer=user_id),
    )


def on_end_submit(
    ack: Ack, body: dict[str, Any], client: WebClient, view: dict, context: BoltContext
) -> None:
    wiring = wiring_of(context)
    values = form_values(view)
    user_id, now = clicking_user(body), wiring.deps.clock.now()
    ended = submit_or_errors(
        wiring.deps,
        ack,
        view,
        lambda session: mentorship_ending.end_early(
            session,
            mentorship_id=metadata_id(view),
            actor_slack_id=user_id,
            reason=text(values, BlockId.REASON),
            share_reason=HIDE not in choices(values, BlockId.HIDE_REASON),
            now=now,
        ),
        default=BlockId.REASON,
        fields={mentorship_ending.REASON: BlockId.REASON},
    )
    if ended is None:
        return
    dm_each(client, ended.tell, build_ended_notice(ended))
    client.chat_postMessage(channel=user_id, **build_ended_confirmation(ended))
    for session in ended.cancelled:
        send_cancellation(client, session)
    refresh(wiring, client, (user_id, *ended.tell))


# --- asking for a different mentor -----------------------------------------------------------


def on_ask_new_mentor(
    ack: Ack, body: dict[str, Any], client: WebClient, action: dict, context: BoltContext
) -> None:
    ack()
    deps = wiring_of(context).deps
    mentorship_id, user_id = mentorship_of(action), clicking_user(body)
    open_modal(
        deps,
        body,
        client,
        lambda session: change_requests.for_change_request(
            session, mentorship_id=mentorship_id, actor_slack_id=user_id
        ),
        build_ask_new_mentor_modal,
    )


def on_ask_new_mentor_submit(
    ack: Ack, body: dict[str, Any], client: WebClient, view: dict, context: BoltContext
) -> None:
    deps = wiring_of(context).deps
    values = form_values(view)
    user_id, now = clicking_user(body), deps.clock.now()
    request = submit_or_errors(
        deps,
        ack,
        view,
        lambda session: change_requests.ask_new_mentor(
            session,
            mentorship_id=metadata_id(view),
            actor_slack_id=user_id,
            reason=text(values, BlockId.REASON),
            now=now,
        ),
        default=BlockId.REASON,
        fields={change_requests.REASON: BlockId.REASON},
    )
    if request is None:
        return
    settings = deps.settings
    post_change_request(
        client, settings.coordinator_channel, settings.coordinator_user_ids, request
    )
    client.chat_postMessage(channel=user_id, **build_new_mentor_asked())


def on_handle_change_request(
    ack: Ack, body: dict[str, Any], client: WebClient, action: dict, context: BoltContext
) -> None:
    ack()
    deps = wiring_of(context).deps
    request_id, user_id, now = mentorship_of(action), clicking_user(body), deps.clock.now()
    handled = run_or_tell(
        deps,
        body,
        client,
        lambda session: change_requests.mark_handled(
            session,
            request_id=request_id,
            actor_slack_id=user_id,
            coordinators=deps.settings.coordinator_user_ids,
            now=now,
        ),
    )
    if handled is None:
        return
    replace_clicked_message(body, client, build_change_request_card(handled.request))
    if handled.already and handled.request.handled_by:
        tell(body, client, f"{mention(handled.request.handled_by)} had already handled it.")


# --- closing ---------------------------------------------------------------------------------


def on_open_evaluation(
    ack: Ack, body: dict[str, Any], client: WebClient, action: dict, context: BoltContext
) -> None:
    ack()
    deps = wiring_of(context).deps
    member_id, user_id = mentorship_of(action), clicking_user(body)
    open_modal(
        deps,
        body,
        client,
        lambda session: mentorship_closing.for_evaluation(
            session, member_id=member_id, actor_slack_id=user_id
        ),
        build_evaluation_modal,
    )


def evaluation_form(values: dict[str, FormValue]) -> EvaluationForm:
    prefix = f"{BlockId.GOAL_REACHED}:"
    goals = {
        goal_id: REACHED.get(text(values, block_id))
        for block_id in values
        if block_id.startswith(prefix) and (goal_id := number(block_id.removeprefix(prefix)))
    }
    return EvaluationForm(
        goals_reached=goals,
        started_where=text(values, BlockId.STARTED_WHERE),
        stands_now=text(values, BlockId.STANDS_NOW),
        what_worked=text(values, BlockId.WHAT_WORKED),
        what_to_change=text(values, BlockId.WHAT_TO_CHANGE),
        stars=whole_number(values, BlockId.EVALUATION_STARS),
        skills_feedback=text(values, BlockId.SKILLS_FEEDBACK),
        learning_feedback=text(values, BlockId.LEARNING_FEEDBACK),
    )


def on_evaluation(
    ack: Ack, body: dict[str, Any], client: WebClient, view: dict, context: BoltContext
) -> None:
    wiring = wiring_of(context)
    form = evaluation_form(form_values(view))
    user_id, now = clicking_user(body), wiring.deps.clock.now()
    saved = submit_or_errors(
        wiring.deps,
        ack,
        view,
        lambda session: mentorship_closing.save_evaluation(
            session, member_id=metadata_id(view), actor_slack_id=user_id, form=form, now=now
        ),
        default=BlockId.EVALUATION_STARS,
    )
    if saved is None:
        return
    if saved.goals_reached:  # the mentee's answers: the pair shares them
        outcomes = build_goal_outcomes(saved)
        shared = saved.mentorship.channel_id
        dm_each(client, [shared] if shared else [saved.mentor_slack_id, user_id], outcomes)
    client.chat_postMessage(channel=user_id, **build_what_next(saved))
    refresh(wiring, client, (saved.mentee_slack_id, saved.mentor_slack_id))


def register(app: App) -> None:
    app.action(Action.OPEN_PULSE)(on_open_pulse)
    app.view(Callback.PULSE)(on_pulse)
    app.action(Action.EXTEND_MENTORSHIP)(on_extend)
    app.view(Callback.EXTEND_MENTORSHIP)(on_extend_submit)
    app.action(Action.ACCEPT_EXTENSION)(on_accept_extension)
    app.action(Action.DECLINE_EXTENSION)(on_decline_extension)
    app.action(Action.END_MENTORSHIP)(on_end)
    app.view(Callback.END_MENTORSHIP)(on_end_submit)
    app.action(Action.ASK_NEW_MENTOR)(on_ask_new_mentor)
    app.view(Callback.ASK_NEW_MENTOR)(on_ask_new_mentor_submit)
    app.action(Action.HANDLE_CHANGE_REQUEST)(on_handle_change_request)
    app.action(Action.OPEN_EVALUATION)(on_open_evaluation)
    app.view(Callback.EVALUATION)(on_evaluation)
