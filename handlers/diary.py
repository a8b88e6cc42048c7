"""The diary of a mentorship: the mentee writes an entry after a session, the mentor comments,
and either of the pair opens the diary (docs/architecture.md, "Listeners")."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.blocks.diary import (
    build_comment_modal,
    build_comment_received,
    build_comment_sent,
    build_diary,
    build_diary_modal,
    build_entry_saved,
    build_entry_written,
)
from bot.ids import Action, BlockId, Callback
from bot.services import diary
from handlers.context import wiring_of
from handlers.forms import (
    clicking_user,
    form_values,
    number,
    run_or_tell,
    submit_or_errors,
    text,
)


def on_write(
    ack: Ack, body: dict[str, Any], client: WebClient, action: dict, context: BoltContext
) -> None:
    ack()
    deps = wiring_of(context).deps
    booking_id = number(action.get("value")) or 0
    to_write = run_or_tell(
        deps,
        body,
        client,
        lambda s: diary.session_to_write(
            s, booking_id=booking_id, actor_slack_id=clicking_user(body), now=deps.clock.now()
        ),
    )
    if to_write is not None:
        client.views_open(trigger_id=body["trigger_id"], view=build_diary_modal(to_write))


def on_entry_submitted(
    ack: Ack, body: dict[str, Any], client: WebClient, view: dict, context: BoltContext
) -> None:
    deps = wiring_of(context).deps
    values = form_values(view)
    entry = submit_or_errors(
        deps,
        ack,
        view,
        lambda session: diary.write_entry(
            session,
            booking_id=number(view.get("private_metadata")) or 0,
            actor_slack_id=clicking_user(body),
            discussed=text(values, BlockId.DISCUSSED),
            progress=text(values, BlockId.PROGRESS),
            homework=text(values, BlockId.HOMEWORK),
            now=deps.clock.now(),
        ),
        default=BlockId.DISCUSSED,
    )
    if entry is None:
        return
    client.chat_postMessage(channel=entry.mentee_slack_id, **build_entry_saved(entry))
    client.chat_postMessage(channel=entry.mentor_slack_id, **build_entry_written(entry))


def on_comment(
    ack: Ack, body: dict[str, Any], client: WebClient, action: dict, context: BoltContext
) -> None:
    ack()
    deps = wiring_of(context).deps
    entry_id = number(action.get("value")) or 0
    entry = run_or_tell(
        deps,
        body,
        client,
        lambda s: diary.entry_to_comment(s, entry_id=entry_id, actor_slack_id=clicking_user(body)),
    )
    if entry is not None:
        client.views_open(trigger_id=body["trigger_id"], view=build_comment_modal(entry))


def on_comment_submitted(
    ack: Ack, body: dict[str, Any], client: WebClient, view: dict, context: BoltContext
) -> None:
    deps = wiring_of(context).deps
    entry = submit_or_errors(
        deps,
        ack,
        view,
        lambda session: diary.comment(
            session,
            entry_id=number(view.get("private_metadata")) or 0,
            actor_slack_id=clicking_user(body),
            text=text(form_values(view), BlockId.COMMENT),
            now=deps.clock.now(),
        ),
        default=BlockId.COMMENT,
    )
    if entry is None:
        return
    client.chat_postMessage(channel=entry.mentee_slack_id, **build_comment_received(entry))
    client.chat_postMessage(channel=entry.mentor_slack_id, **build_comment_sent())


def on_open_diary(
    ack: Ack, body: dict[str, Any], client: WebClient, action: dict, context: BoltContext
) -> None:
    ack()
    deps = wiring_of(context).deps
    mentorship_id = number(action.get("value")) or 0
    found = run_or_tell(
        deps,
        body,
        client,
        lambda s: diary.diary_of(
            s, mentorship_id=mentorship_id, actor_slack_id=clicking_user(body)
        ),
    )
    if found is not None:
        client.views_open(trigger_id=body["trigger_id"], view=build_diary(found))


def register(app: App) -> None:
    app.action(Action.WRITE_DIARY)(on_write)
    app.view(Callback.DIARY)(on_entry_submitted)
    app.action(Action.COMMENT_DIARY)(on_comment)
    app.view(Callback.DIARY_COMMENT)(on_comment_submitted)
    app.action(Action.OPEN_DIARY)(on_open_diary)
