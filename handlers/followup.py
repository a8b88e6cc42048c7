"""After a session: "did it take place?", what happened if not, and the star review."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.blocks.followup import (
    build_noted,
    build_review_modal,
    build_review_thanks,
    build_what_happened,
)
from bot.deps import Deps
from bot.ids import Action, BlockId, Callback
from bot.services.bookings import BookingView, get_booking
from bot.services.reviews import (
    ReviewForm,
    record_attendance,
    record_what_happened,
    save_review,
)
from handlers.context import wiring_of
from handlers.forms import (
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

STAR_BLOCKS = re.compile(f"^({BlockId.CONNECTION_STARS}|{BlockId.PROGRAM_STARS})$")
log = logging.getLogger(__name__)


def booking_for(
    deps: Deps, body: dict[str, Any], client: WebClient, value: Any
) -> BookingView | None:
    """The booking a button names, if the clicker took part in it; else say why not."""
    with deps.sessions.begin() as session:
        booking = get_booking(session, booking_id=number(value) or 0)
    user_id = clicking_user(body)
    if booking is None or user_id not in (booking.mentor_slack_id, booking.mentee_slack_id):
        tell(body, client, "That session isn't one of yours.")
        return None
    return booking


def open_review(body: dict[str, Any], client: WebClient, booking: BookingView) -> None:
    view = build_review_modal(booking, for_mentor=clicking_user(body) == booking.mentor_slack_id)
    client.views_open(trigger_id=body["trigger_id"], view=view)


def attempt(
    deps: Deps, body: dict[str, Any], client: WebClient, change: Callable[[Session], Any]
) -> bool:
    """Record one answer; False (the person told why) when it was refused."""
    return run_or_tell(deps, body, client, lambda session: change(session) or True) is not None


def on_yes(
    ack: Ack, body: dict[str, Any], client: WebClient, action: dict, context: BoltContext
) -> None:
    ack()
    deps = wiring_of(context).deps
    booking = booking_for(deps, body, client, action.get("value", ""))
    user_id, now = clicking_user(body), deps.clock.now()

    def took_place(session: Session) -> None:
        assert booking is not None
        record_attendance(
            session, booking_id=booking.id, actor_slack_id=user_id, took_place=True, now=now
        )

    if booking is not None and attempt(deps, body, client, took_place):
        replace_clicked_message(body, client, build_noted(":white_check_mark: Glad it happened!"))
        open_review(body, client, booking)


def on_no(
    ack: Ack, body: dict[str, Any], client: WebClient, action: dict, context: BoltContext
) -> None:
    ack()
    deps = wiring_of(context).deps
    booking = booking_for(deps, body, client, action.get("value", ""))
    user_id, now = clicking_user(body), deps.clock.now()
    if booking is not None and attempt(
        deps,
        body,
        client,
        lambda session: record_attendance(
            session, booking_id=booking.id, actor_slack_id=user_id, took_place=False, now=now
        ),
    ):
        replace_clicked_message(body, client, build_what_happened(booking.id))


def on_what(
    ack: Ack, body: dict[str, Any], client: WebClient, action: dict, context: BoltContext
) -> None:
    ack()
    deps = wiring_of(context).deps
    value, _, what = string(action.get("value")).partition(":")
    booking = booking_for(deps, body, client, value)
    user_id, now = clicking_user(body), deps.clock.now()
    if booking is not None and attempt(
        deps,
        body,
        client,
        lambda session: record_what_happened(
            session, booking_id=booking.id, actor_slack_id=user_id, what=what, now=now
        ),
    ):
        noted = ":memo: Thanks for telling us. Coordinators will see it."
        replace_clicked_message(body, client, build_noted(noted))


def on_open_review(
    ack: Ack, body: dict[str, Any], client: WebClient, action: dict, context: BoltContext
) -> None:
    ack()
    deps = wiring_of(context).deps
    booking = booking_for(deps, body, client, action.get("value", ""))
    if booking is not None:
        open_review(body, client, booking)


def on_stars(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """Stars were picked in the review: show which comments they now require."""
    ack()
    deps = wiring_of(context).deps
    view = body.get("view")
    if not isinstance(view, dict) or view.get("callback_id") != Callback.REVIEW:
        return
    booking = booking_for(deps, body, client, view.get("private_metadata"))
    if booking is None:
        return
    values = form_values(view)
    updated = build_review_modal(
        booking,
        for_mentor=clicking_user(body) == booking.mentor_slack_id,
        connection_stars=whole_number(values, BlockId.CONNECTION_STARS),
        program_stars=whole_number(values, BlockId.PROGRAM_STARS),
    )
    try:
        client.views_update(view_id=string(view.get("id")), hash=view.get("hash"), view=updated)
    except SlackApiError as refused:  # hash_conflict: a later pick updates it anyway
        log.info("Review modal not updated: %s", refused.response.get("error"))


def on_review(
    ack: Ack, body: dict[str, Any], client: WebClient, view: dict, context: BoltContext
) -> None:
    deps = wiring_of(context).deps
    values = form_values(view)
    form = ReviewForm(
        connection_stars=whole_number(values, BlockId.CONNECTION_STARS),
        connection_comment=text(values, BlockId.CONNECTION_COMMENT),
        program_stars=whole_number(values, BlockId.PROGRAM_STARS),
        program_comment=text(values, BlockId.PROGRAM_COMMENT),
        feedback=text(values, BlockId.FEEDBACK),
        action_items=text(values, BlockId.ACTION_ITEMS),
    )
    user_id = clicking_user(body)
    saved = submit_or_errors(
        deps,
        ack,
        view,
        lambda session: save_review(
            session,
            booking_id=number(view.get("private_metadata")) or 0,
            actor_slack_id=user_id,
            form=form,
            now=deps.clock.now(),
        ),
        default=BlockId.CONNECTION_STARS,
    )
    if saved is None:
        return
    client.chat_postMessage(channel=user_id, **build_review_thanks(saved))


def register(app: App) -> None:
    app.action(Action.CHECKIN_YES)(on_yes)
    app.action(Action.CHECKIN_NO)(on_no)
    app.action(re.compile(f"^{Action.WHAT_HAPPENED}:"))(on_what)  # one action_id per answer
    app.action(Action.OPEN_REVIEW)(on_open_review)
    app.action({"block_id": STAR_BLOCKS, "action_id": Action.INPUT.value})(on_stars)
    app.view(Callback.REVIEW)(on_review)
