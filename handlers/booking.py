"""Booking: request a slot, the mentor's Approve / Decline, cancelling (proposals of another
time are handlers/negotiation.py).

Each listener is ack -> parse -> one `bookings` call (which plans or drops the due work and
says who must be told) -> one builder per recipient -> send (docs/architecture.md, "Listeners").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.blocks.answering import build_paused_for
from bot.blocks.booking import (
    build_approve_note_modal,
    build_book_modal,
    build_cancelled,
    build_card_outcome,
    build_confirmation,
    build_declined,
    build_reason_modal,
    build_request_sent,
)
from bot.blocks.sessions import build_sessions
from bot.deps import Deps
from bot.ids import Action, BlockId, Callback
from bot.services import booking_forms, bookings, handover
from bot.services.bookings import BookingOutcome, BookingView
from bot.slack.directory import person_for
from bot.slack.invites import send_cancellation, send_invite
from bot.slack.request_card import post_moved_request, post_request_card
from handlers.commands import Invocation, Subcommands
from handlers.context import wiring_of
from handlers.forms import (
    choices,
    clicking_user,
    form_values,
    number,
    run_or_tell,
    submit_or_errors,
    text,
)
from handlers.home import HomePublisher
from store.statuses import InviteMethod, PlannedBy


def refresh_homes(client: WebClient, home: HomePublisher, booking: BookingView) -> None:
    """Both people's Homes, read in one transaction, after the messages of the change."""
    home.publish_all(client, (booking.mentor_slack_id, booking.mentee_slack_id))


def update_card(client: WebClient, booking: BookingView) -> None:
    """Show the outcome on the mentor's request card, replacing its buttons."""
    if booking.mentor_message_channel and booking.mentor_message_ts:
        client.chat_update(
            channel=booking.mentor_message_channel,
            ts=booking.mentor_message_ts,
            **build_card_outcome(booking),
        )


def confirm_both(client: WebClient, booking: BookingView) -> None:
    client.chat_postMessage(
        channel=booking.mentee_slack_id, **build_confirmation(booking, for_mentor=False)
    )
    client.chat_postMessage(
        channel=booking.mentor_slack_id, **build_confirmation(booking, for_mentor=True)
    )
    send_invite(client, booking, InviteMethod.REQUEST)


def ask_reason(
    deps: Deps,
    body: dict[str, Any],
    client: WebClient,
    open_for: Callable[[Session], BookingView],
    callback: str,
    title: str,
    after: str,
) -> None:
    """Open the reason modal for a decline or a cancel, if the service says the clicker may."""
    booking = run_or_tell(deps, body, client, open_for)
    if booking is None:
        return
    other = booking.other_party(clicking_user(body))
    prompt = f"Tell <@{other}> why.{after}"
    view = build_reason_modal(callback, title, prompt, booking.id)
    client.views_open(trigger_id=body["trigger_id"], view=view)


def with_reason(
    deps: Deps,
    ack: Ack,
    body: dict[str, Any],
    view: dict,
    change: Callable[..., BookingOutcome],
) -> BookingOutcome | None:
    """Submit a reason modal (decline or cancel): errors stay in the modal, else it closes."""
    outcome = submit_or_errors(
        deps,
        ack,
        view,
        lambda session: change(
            session,
            booking_id=number(view.get("private_metadata")) or 0,
            actor_slack_id=clicking_user(body),
            reason=text(form_values(view), BlockId.REASON),
            now=deps.clock.now(),
        ),
        default=BlockId.REASON,
    )
    return outcome


def booking_id_of(action: dict[str, Any]) -> int:
    return number(action.get("value")) or 0


# --- requesting ----------------------------------------------------------------------------


def on_book(
    ack: Ack, body: dict[str, Any], client: WebClient, action: dict, context: BoltContext
) -> None:
    ack()
    deps = wiring_of(context).deps
    person = person_for(deps, client, clicking_user(body))
    slot_id = booking_id_of(action)
    form = run_or_tell(
        deps,
        body,
        client,
        lambda s: booking_forms.book_form(
            s, slot_id=slot_id, mentee_id=person.id, now=deps.clock.now()
        ),
    )
    if form is None:
        return
    view = build_book_modal(
        mentor_id=form.mentor_id,
        mentor_name=form.mentor_name,
        tz=person.tz,
        slots=form.slots,
        chosen=form.chosen,
        expectations=form.expectations_due,
    )
    client.views_open(trigger_id=body["trigger_id"], view=view)


def on_book_submitted(
    ack: Ack, body: dict[str, Any], client: WebClient, view: dict, context: BoltContext
) -> None:
    wiring = wiring_of(context)
    deps = wiring.deps
    values = form_values(view)
    slot = text(values, BlockId.SLOT)
    person = person_for(deps, client, clicking_user(body))
    requested = submit_or_errors(
        deps,
        ack,
        view,
        lambda session: handover.request_session(
            session,
            mentee_id=person.id,
            slot_id=number(slot) or 0,
            message=text(values, BlockId.MESSAGE),
            topic=text(values, BlockId.TOPIC).strip() or None,
            backup_slack_ids=choices(values, BlockId.BACKUPS),
            now=deps.clock.now(),
            max_open=deps.settings.max_open_requests,
            ttl=deps.settings.request_ttl,
            offsets=deps.settings.reminder_offsets,
        ),
        default=BlockId.SLOT,
    )
    if requested is None:
        return
    booking = requested.booking
    if requested.confirmed:  # a seat of a group session approved at once
        confirm_both(client, booking)
        refresh_homes(client, wiring.home, booking)
        return
    post_request_card(deps, client, booking)
    client.chat_postMessage(channel=booking.mentee_slack_id, **build_request_sent(booking))
    refresh_homes(client, wiring.home, booking)


# --- the mentor decides --------------------------------------------------------------------


def on_approve(
    ack: Ack, body: dict[str, Any], client: WebClient, action: dict, context: BoltContext
) -> None:
    ack()
    wiring = wiring_of(context)
    deps = wiring.deps
    booking_id = booking_id_of(action)
    outcome = run_or_tell(
        deps,
        body,
        client,
        lambda s: bookings.approve(
            s,
            booking_id=booking_id,
            actor_slack_id=clicking_user(body),
            now=deps.clock.now(),
            offsets=deps.settings.reminder_offsets,
        ),
    )
    if outcome is not None:
        tell_approved(client, wiring.home, outcome)


def tell_approved(client: WebClient, home: HomePublisher, outcome: BookingOutcome) -> None:
    """The card shows the decision, both get the confirmation, both Homes list the session."""
    update_card(client, outcome.booking)
    confirm_both(client, outcome.booking)
    refresh_homes(client, home, outcome.booking)


def on_approve_with_note(
    ack: Ack, body: dict[str, Any], client: WebClient, action: dict, context: BoltContext
) -> None:
    ack()
    booking_id = booking_id_of(action)
    booking = run_or_tell(
        wiring_of(context).deps,
        body,
        client,
        lambda s: bookings.for_decision(
            s, booking_id=booking_id, actor_slack_id=clicking_user(body)
        ),
    )
    if booking is not None:
        client.views_open(trigger_id=body["trigger_id"], view=build_approve_note_modal(booking))


def on_approve_note_submitted(
    ack: Ack, body: dict[str, Any], client: WebClient, view: dict, context: BoltContext
) -> None:
    wiring = wiring_of(context)
    deps = wiring.deps
    outcome = submit_or_errors(
        deps,
        ack,
        view,
        lambda session: bookings.approve(
            session,
            booking_id=number(view.get("private_metadata")) or 0,
            actor_slack_id=clicking_user(body),
            now=deps.clock.now(),
            offsets=deps.settings.reminder_offsets,
            note=text(form_values(view), BlockId.NOTE),
            meeting_kind=text(form_values(view), BlockId.MEETING_KIND),
            meeting_place=text(form_values(view), BlockId.PLACE),
        ),
        default=BlockId.NOTE,
    )
    if outcome is not None:
        tell_approved(client, wiring.home, outcome)


def on_decline(
    ack: Ack, body: dict[str, Any], client: WebClient, action: dict, context: BoltContext
) -> None:
    """The reason modal; a mentor declining a mentee's request may also take a break."""
    ack()
    booking_id = booking_id_of(action)
    actor = clicking_user(body)
    booking = run_or_tell(
        wiring_of(context).deps,
        body,
        client,
        lambda s: bookings.for_decision(s, booking_id=booking_id, actor_slack_id=actor),
    )
    if booking is None:
        return
    view = build_reason_modal(
        Callback.DECLINE,
        "Decline the request",
        f"Tell <@{booking.other_party(actor)}> why. They'll see your reason.",
        booking.id,
        offer_pause=booking.planned_by == PlannedBy.MENTEE,
    )
    client.views_open(trigger_id=body["trigger_id"], view=view)


def on_decline_reason(
    ack: Ack, body: dict[str, Any], client: WebClient, view: dict, context: BoltContext
) -> None:
    wiring = wiring_of(context)
    deps = wiring.deps
    values = form_values(view)
    declined = submit_or_errors(
        deps,
        ack,
        view,
        lambda session: handover.decline_booking(
            session,
            booking_id=number(view.get("private_metadata")) or 0,
            actor_slack_id=clicking_user(body),
            reason=text(values, BlockId.REASON),
            pause_weeks=text(values, BlockId.PAUSE_WEEKS),
            now=deps.clock.now(),
            ttl=deps.settings.request_ttl,
        ),
        default=BlockId.REASON,
    )
    if declined is None:
        return
    booking = declined.outcome.booking
    update_card(client, booking)
    client.chat_postMessage(channel=declined.outcome.tell, **build_declined(booking))
    if declined.paused_until is not None:
        client.chat_postMessage(
            channel=booking.mentor_slack_id, **build_paused_for(declined.paused_until)
        )
    if declined.move is not None:
        post_moved_request(deps, client, booking, declined.move, expired=False)
        if declined.move.to is not None:
            wiring.home.publish(client, declined.move.to.mentor_slack_id)
    refresh_homes(client, wiring.home, booking)


# --- cancelling ----------------------------------------------------------------------------


def on_cancel(
    ack: Ack, body: dict[str, Any], client: WebClient, action: dict, context: BoltContext
) -> None:
    ack()
    deps = wiring_of(context).deps
    booking_id = booking_id_of(action)
    ask_reason(
        deps,
        body,
        client,
        lambda s: bookings.for_cancel(
            s, booking_id=booking_id, actor_slack_id=clicking_user(body), now=deps.clock.now()
        ),
        Callback.CANCEL,
        "Cancel",
        " The time opens again for others.",
    )


def on_cancel_reason(
    ack: Ack, body: dict[str, Any], client: WebClient, view: dict, context: BoltContext
) -> None:
    wiring = wiring_of(context)
    outcome = with_reason(wiring.deps, ack, body, view, bookings.cancel)
    if outcome is not None:
        client.chat_postMessage(channel=outcome.tell, **build_cancelled(outcome.booking))
        update_card(client, outcome.booking)
        send_cancellation(client, outcome.booking)
        refresh_homes(client, wiring.home, outcome.booking)


# --- /mentor sessions ----------------------------------------------------------------------


def sessions(call: Invocation) -> None:
    """`/mentor sessions`: the caller's upcoming and past sessions and requests, privately."""
    deps = wiring_of(call.context).deps
    with deps.sessions.begin() as session:
        mine = bookings.sessions_of(session, slack_id=call.user_id, now=deps.clock.now())
    call.ack(**build_sessions(mine, call.user_id))


def register(app: App, commands: Subcommands) -> None:
    app.action(Action.BOOK)(on_book)
    app.view(Callback.BOOK)(on_book_submitted)
    app.action(Action.APPROVE_BOOKING)(on_approve)
    app.action(Action.APPROVE_WITH_NOTE)(on_approve_with_note)
    app.view(Callback.APPROVE_NOTE)(on_approve_note_submitted)
    app.action(Action.DECLINE_BOOKING)(on_decline)
    app.view(Callback.DECLINE)(on_decline_reason)
    app.action(Action.CANCEL_BOOKING)(on_cancel)
    app.view(Callback.CANCEL)(on_cancel_reason)
    commands.add("sessions", sessions, "sessions", "your upcoming and past sessions and requests")
