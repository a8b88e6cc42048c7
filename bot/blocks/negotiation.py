"""Negotiating a session's time: the "another time" and invite modals, the proposal each side
receives, and what each hears when it is answered, withdrawn or lapses (pure builders)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.blocks.booking import session_when, slot_options
from bot.blocks.inputs import date_input, modal, select, text_input, time_input, user_input
from bot.blocks.kit import (
    Block,
    actions,
    button,
    context,
    escape,
    local_time,
    mention,
    message,
    section,
)
from bot.blocks.places import session_where
from bot.ids import Action, Callback
from bot.ids import BlockId as B
from bot.services.booking_view import BookingView
from bot.services.bookings import MESSAGE_MAX, TOPIC_MAX
from bot.services.free_slots import SlotChoice
from bot.services.negotiation import NegotiationOutcome, TimeForm
from store.statuses import BookingStatus, Negotiated


def proposal_value(booking: BookingView) -> str:
    """A proposal button's value: the booking and the proposal it answers, so a button left
    over from an earlier proposal is refused as stale."""
    return f"{booking.id}:{booking.proposal_id or ''}"


def answer_buttons(booking: BookingView) -> Block:
    """Accept, Decline or counter the open proposal."""
    value = proposal_value(booking)
    invitation = booking.proposed_slot_id == booking.slot_id  # declined with a reason
    return actions(
        button("Accept", Action.ACCEPT_PROPOSAL, value, style="primary"),
        button("Decline", Action.DECLINE_BOOKING, str(booking.id), style="danger")
        if invitation
        else button("Decline", Action.REJECT_PROPOSAL, value),
        button("Propose another time", Action.COUNTER_PROPOSAL, str(booking.id)),
    )


def withdraw_button(booking: BookingView, text: str = "Withdraw") -> Block:
    return button(text, Action.WITHDRAW_PROPOSAL, proposal_value(booking))


def build_time_modal(form: TimeForm, tz: str) -> dict[str, Any]:
    """Pick another of the mentor's free times (shown in the reader's zone `tz`); the mentor
    may instead type a day and time of their own."""
    booking = form.booking
    rescheduling = booking.status == BookingStatus.APPROVED
    blocks: list[Block] = [
        section(
            f"Your session on {local_time(booking.starts_at)} stays as it is until the other "
            "person accepts the new time."
            if rescheduling
            else "Pick another time; the other person can accept it or propose another."
        )
    ]
    if form.slots:
        blocks.append(
            select(
                B.SLOT,
                "Time",
                slot_options(form.slots, tz),
                hint=f"In your time zone, {tz}.",
                optional=form.may_type,
            )
        )
    if form.may_type:
        hint = f"Outside your free times: a day and a time, in your time zone ({tz})."
        blocks += [
            date_input(B.WHEN_DAY, "Or another day", optional=True, hint=hint),
            time_input(B.WHEN_TIME, "At", optional=True),
        ]
    return modal(
        Callback.PROPOSE,
        "Reschedule" if rescheduling else "Propose another time",
        blocks,
        submit="Propose",
        private_metadata=str(booking.id),
    )


def _other_time(outcome: NegotiationOutcome) -> str:
    return session_when(outcome.offered_starts_at, outcome.offered_ends_at)


def build_proposal(outcome: NegotiationOutcome) -> dict[str, Any]:
    """The answering side's DM: the time proposed, and Accept, Decline, Propose another time."""
    booking, by = outcome.booking, mention(outcome.by_slack_id or "")
    when = _other_time(outcome)
    if booking.status == BookingStatus.APPROVED:
        text = (
            f":calendar: {by} asks to reschedule your session on "
            f"{local_time(booking.starts_at)} to {when}. Until you accept, the session stays "
            "where it is."
        )
    elif outcome.happened == Negotiated.COUNTERED:
        text = f":arrows_counterclockwise: {by} can't make that time and proposes {when} instead."
    else:
        text = (
            f":arrows_counterclockwise: {by} can't make {local_time(booking.starts_at)} "
            f"and proposes {when} instead."
        )
    name = (
        booking.mentor_name
        if outcome.by_slack_id == booking.mentor_slack_id
        else booking.mentee_name
    )
    return message(f"{name} proposes another time", [section(text), answer_buttons(booking)])


def build_proposal_sent(outcome: NegotiationOutcome) -> dict[str, Any]:
    """The proposer's DM: what they proposed, to whom, and a way to take it back."""
    text = (
        f":outbox_tray: You proposed {_other_time(outcome)} to {mention(outcome.tell)}. "
        "I'll tell you here when they answer."
    )
    return message("Time proposed", [section(text), actions(withdraw_button(outcome.booking))])


def build_proposal_answered(outcome: NegotiationOutcome) -> dict[str, Any]:
    """The clicked message, replaced by what the clicker did, so nobody clicks it twice."""
    booking, when = outcome.booking, local_time(outcome.offered_starts_at)
    if outcome.happened == Negotiated.RESCHEDULED:
        text = f":white_check_mark: You moved the session to {when}."
    elif outcome.happened == Negotiated.ACCEPTED:
        text = f":white_check_mark: You accepted {when}."
    elif outcome.happened == Negotiated.WITHDRAWN:
        text = f":leftwards_arrow_with_hook: You withdrew {when}."
    elif booking.status == BookingStatus.APPROVED:
        text = f":x: You declined {when}; the session stays on {local_time(booking.starts_at)}."
    else:
        text = ":x: You declined the proposed time; the request is withdrawn."
    return message("Proposal answered", [section(text)])


def build_negotiation_news(outcome: NegotiationOutcome) -> dict[str, Any]:
    """What the other side hears when a proposal is declined, withdrawn or lapses."""
    booking, when = outcome.booking, _other_time(outcome)
    by = mention(outcome.by_slack_id or "")
    stands = (
        f"your session stays on {local_time(booking.starts_at)}"
        if booking.status == BookingStatus.APPROVED
        else (
            f"the request still waits on {local_time(booking.starts_at)}"
            if booking.status == BookingStatus.PENDING
            else "the request is closed"
        )
    )
    if outcome.happened == Negotiated.LAPSED:
        text = f":hourglass: Nobody answered your proposal of {when} in time: {stands}."
    elif outcome.happened == Negotiated.WITHDRAWN:
        text = f":leftwards_arrow_with_hook: {by} withdrew {when}: {stands}."
    else:
        reason = booking.decline_reason or booking.cancel_reason
        quoted = (
            f"\n>{escape(reason)}" if reason and booking.status != BookingStatus.APPROVED else ""
        )
        text = f":x: {by} can't make {when}: {stands}.{quoted}"
    return message("About the time you proposed", [section(text)])


def build_rescheduled(outcome: NegotiationOutcome, *, for_mentor: bool) -> dict[str, Any]:
    """Both sides after a reschedule is accepted: the new time, the old one, where to join."""
    booking = outcome.booking
    other = booking.mentee_slack_id if for_mentor else booking.mentor_slack_id
    was = local_time(outcome.previous_starts_at) if outcome.previous_starts_at else ""
    return message(
        "Session rescheduled",
        [
            section(
                f":calendar: Your session with {mention(other)} is rescheduled to "
                f"{session_when(booking.starts_at, booking.ends_at)} (it was {was}).\n"
                f"{session_where(booking)}"
            ),
            actions(
                button("Reschedule", Action.RESCHEDULE, str(booking.id)),
                button("Cancel session", Action.CANCEL_BOOKING, str(booking.id)),
            ),
        ],
    )


def build_invite_modal(slots: Sequence[SlotChoice], tz: str, *, who: str | None) -> dict[str, Any]:
    """A mentor invites someone to a session at one of their free times."""
    return modal(
        Callback.INVITE,
        "Invite to a session",
        [
            user_input(B.WHO, "Person", initial=who),
            select(B.SLOT, "Time", slot_options(slots, tz), hint=f"In your time zone, {tz}."),
            text_input(
                B.TOPIC,
                "Title",
                placeholder="e.g. Your first architecture review",
                max_length=TOPIC_MAX,
            ),
            text_input(
                B.MESSAGE,
                "Agenda",
                placeholder="What you'll cover, so they can prepare",
                multiline=True,
                max_length=MESSAGE_MAX,
            ),
        ],
        submit="Invite",
    )


def build_invitation(outcome: NegotiationOutcome) -> dict[str, Any]:
    """The invitee's DM: who, when, the title and agenda; Accept, Decline (with a reason) or
    Propose another time."""
    booking = outcome.booking
    agenda = [f">{escape(line)}" for line in booking.message.splitlines() if line.strip()]
    return message(
        f"{booking.mentor_name} invites you to a session",
        [
            section(
                f":calendar: {mention(booking.mentor_slack_id)} invites you to a session, "
                f"*{escape(booking.topic or '')}*, on "
                f"{session_when(booking.starts_at, booking.ends_at)}."
            ),
            section("\n".join(agenda) or ">…"),
            answer_buttons(booking),
        ],
    )


def build_invite_sent(outcome: NegotiationOutcome) -> dict[str, Any]:
    booking = outcome.booking
    return message(
        "Invitation sent",
        [
            section(
                f":outbox_tray: You invited {mention(booking.mentee_slack_id)} to "
                f"*{escape(booking.topic or '')}* on "
                f"{session_when(booking.starts_at, booking.ends_at)}. "
                "I'll tell you here when they answer."
            ),
            actions(withdraw_button(booking, "Withdraw invitation")),
        ],
    )


def open_proposal_line(booking: BookingView, viewer: str) -> list[Block]:
    """A session or request with a time on the table, as the viewer sees it in their lists."""
    if booking.proposed_starts_at is None or booking.proposed_by_slack_id is None:
        return []
    when = local_time(booking.proposed_starts_at)
    if booking.proposed_by_slack_id == viewer:
        return [
            context(f"You proposed {when}; waiting for {mention(booking.other_party(viewer))}."),
            actions(withdraw_button(booking)),
        ]
    return [
        context(f"{mention(booking.proposed_by_slack_id)} proposed {when}."),
        answer_buttons(booking),
    ]
