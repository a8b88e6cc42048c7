"""Goals of a mentorship: the goals form (the mentee edits, the mentor reads and comments) and
the mentor's comment on one goal.

Each listener is ack -> parse -> one `goals` call -> one builder per recipient -> send
(docs/architecture.md, "Listeners"). After a save the goals message in the pair's group DM is
updated in place and everyone's Home is redrawn.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.goals import (
    build_comment_modal,
    build_comment_received,
    build_goals_message,
    build_goals_modal,
    build_goals_refused,
    slot_block,
)
from bot.ids import Action, BlockId, Callback
from bot.services import goals
from bot.services.errors import DomainError
from bot.services.goals import FORM, GoalDraft, GoalsInvalid, StepDraft
from bot.services.mentorship_view import MentorshipView
from handlers.context import wiring_of
from handlers.forms import (
    FormValue,
    clicking_user,
    form_values,
    number,
    run_or_tell,
    string,
    submit_or_errors,
    text,
)
from handlers.home import HomePublisher

log = logging.getLogger(__name__)
MAX_SLOTS = 20  # slots read from a submitted form; the service refuses more than five goals
SLOT = re.compile(rf"^{BlockId.GOAL_TEXT}:(\d{{1,2}})$")
DONE = re.compile(r"^\[\s*[xX✓✔]\s*\]\s*")
OPEN = re.compile(r"^(\[\s*\]|[-*•☐])\s*")
# Where each of the service's field errors shows (bot/services/goals.py, `text_field`...).
FIELD_BLOCKS = {
    "text": BlockId.GOAL_TEXT,
    "status": BlockId.GOAL_STATUS,
    "steps": BlockId.GOAL_STEPS,
}


# --- reading the goals form -----------------------------------------------------------------


def parse_metadata(view: dict[str, Any]) -> tuple[int, int, list[int]]:
    """(mentorship id, version, goal id per slot) from the form's private_metadata; zeros for
    anything unreadable, which the service then refuses."""
    try:
        data = json.loads(string(view.get("private_metadata")))
    except (ValueError, RecursionError):  # not the app's own metadata: refused as unknown
        data = None
    if not isinstance(data, dict):
        return 0, 0, []
    slots = data.get("g")
    ids = [number(str(v)) or 0 for v in slots] if isinstance(slots, list) else []
    return number(str(data.get("m"))) or 0, number(str(data.get("v"))) or 0, ids[:MAX_SLOTS]


def parse_steps(typed: str) -> tuple[StepDraft, ...]:
    """One step a line; "[x]" (or "[X]", "[✓]") in front marks it done, "[ ]" or "-" does not."""
    steps = []
    for line in typed.splitlines():
        line = line.strip()
        done = DONE.match(line)
        if done:
            steps.append(StepDraft(line[done.end() :], True))
            continue
        unmarked = OPEN.match(line)
        steps.append(StepDraft(line[unmarked.end() :] if unmarked else line, False))
    return tuple(step for step in steps if step.text.strip())


def goal_drafts(values: dict[str, FormValue], goal_ids: list[int]) -> list[GoalDraft]:
    """Every goal slot of the submitted form, in the order its "Place" selects ask for."""
    slots = sorted(int(match.group(1)) for key in values if (match := SLOT.match(key)) is not None)
    drafts = []
    for slot in (s for s in slots if 1 <= s <= MAX_SLOTS):
        goal_id = goal_ids[slot - 1] if slot <= len(goal_ids) else 0
        drafts.append(
            (
                number(text(values, slot_block(BlockId.GOAL_PLACE, slot))) or slot,
                GoalDraft(
                    slot=slot,
                    goal_id=goal_id or None,
                    text=text(values, slot_block(BlockId.GOAL_TEXT, slot)),
                    status=goals.goal_status(text(values, slot_block(BlockId.GOAL_STATUS, slot))),
                    steps=parse_steps(text(values, slot_block(BlockId.GOAL_STEPS, slot))),
                ),
            )
        )
    return [draft for _, draft in sorted(drafts, key=lambda pair: (pair[0], pair[1].slot))]


def error_blocks(refused: DomainError, values: dict[str, FormValue]) -> dict[str, str]:
    """The refusal as field errors of the goals form: each on its goal's input, the rest on the
    first goal's text."""
    first = next((key for key in sorted(values) if SLOT.match(key)), "")
    errors = refused.errors if isinstance(refused, GoalsInvalid) else {FORM: str(refused)}
    shown: dict[str, str] = {}
    for field, message in errors.items():
        kind, _, slot = field.partition(":")
        named = slot_block(FIELD_BLOCKS[kind], int(slot)) if kind in FIELD_BLOCKS else ""
        block = named if named in values else first
        shown[block] = f"{shown[block]} {message}" if block in shown else message
    return shown


# --- listeners ------------------------------------------------------------------------------


def on_open_goals(
    ack: Ack, body: dict[str, Any], client: WebClient, action: dict, context: BoltContext
) -> None:
    ack()
    deps = wiring_of(context).deps
    mentorship_id = number(action.get("value")) or 0
    form = run_or_tell(
        deps,
        body,
        client,
        lambda s: goals.goals_form(
            s, mentorship_id=mentorship_id, actor_slack_id=clicking_user(body)
        ),
    )
    if form is not None:
        client.views_open(trigger_id=body["trigger_id"], view=build_goals_modal(form))


def on_goals_submitted(
    ack: Ack, body: dict[str, Any], client: WebClient, view: dict, context: BoltContext
) -> None:
    wiring = wiring_of(context)
    deps = wiring.deps
    values = form_values(view)
    mentorship_id, version, goal_ids = parse_metadata(view)
    try:
        with deps.sessions.begin() as session:
            outcome = goals.save_goals(
                session,
                mentorship_id=mentorship_id,
                actor_slack_id=clicking_user(body),
                version=version,
                drafts=goal_drafts(values, goal_ids),
                now=deps.clock.now(),
            )
    except DomainError as refused:
        errors = error_blocks(refused, values)
        if "" in errors:  # a form with no goal inputs at all: nowhere to attach the error
            ack(response_action="update", view=build_goals_refused(str(refused)))
        else:
            ack(response_action="errors", errors=errors)
        return
    ack()
    update_goals_message(client, outcome.mentorship)
    refresh_homes(client, wiring.home, outcome.refresh)


def update_goals_message(client: WebClient, mentorship: MentorshipView) -> None:
    """Redraw the goals message in the pair's group DM, where there is one."""
    if not (mentorship.channel_id and mentorship.goals_message_ts):
        return
    try:
        client.chat_update(
            channel=mentorship.channel_id,
            ts=mentorship.goals_message_ts,
            **build_goals_message(mentorship),
        )
    except SlackApiError as failed:  # deleted by hand, or the DM is gone: Home still shows them
        log.warning("Could not update the goals message of mentorship %s: %s",
                    mentorship.id, failed.response.get("error"))  # fmt: skip


def refresh_homes(client: WebClient, home: HomePublisher, people: tuple[str, ...]) -> None:
    home.publish_all(client, people)


def on_comment_goal(
    ack: Ack, body: dict[str, Any], client: WebClient, action: dict, context: BoltContext
) -> None:
    ack()
    deps = wiring_of(context).deps
    goal_id = number(action.get("value")) or 0
    form = run_or_tell(
        deps,
        body,
        client,
        lambda s: goals.comment_form(s, goal_id=goal_id, actor_slack_id=clicking_user(body)),
    )
    if form is None:
        return
    if isinstance(body.get("view"), dict):  # clicked in the goals modal: on top of it
        client.views_push(trigger_id=body["trigger_id"], view=build_comment_modal(form))
    else:
        client.views_open(trigger_id=body["trigger_id"], view=build_comment_modal(form))


def on_comment_submitted(
    ack: Ack, body: dict[str, Any], client: WebClient, view: dict, context: BoltContext
) -> None:
    deps = wiring_of(context).deps
    outcome = submit_or_errors(
        deps,
        ack,
        view,
        lambda session: goals.comment_on_goal(
            session,
            goal_id=number(view.get("private_metadata")) or 0,
            actor_slack_id=clicking_user(body),
            text=text(form_values(view), BlockId.COMMENT),
            now=deps.clock.now(),
        ),
        default=BlockId.COMMENT,
    )
    if outcome is None:
        return
    client.chat_postMessage(channel=outcome.mentee_slack_id, **build_comment_received(outcome))


def register(app: App) -> None:
    app.action(Action.OPEN_GOALS)(on_open_goals)
    app.view(Callback.GOALS)(on_goals_submitted)
    app.action(Action.COMMENT_GOAL)(on_comment_goal)
    app.view(Callback.GOAL_COMMENT)(on_comment_submitted)
