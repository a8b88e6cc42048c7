"""Booking surfaces: the request modal, the mentor's decision card, and what each side hears."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from bot.blocks.answering import backups_input, pause_input
from bot.blocks.inputs import modal, select, text_input
from bot.blocks.kit import (
    Block,
    actions,
    button,
    context,
    divider,
    escape,
    local_label,
    local_time,
    message,
    section,
)
from bot.blocks.places import MEETING_KINDS, session_where
from bot.ids import Action, Callback
from bot.ids import BlockId as B
from bot.services.bookings import MESSAGE_MAX, NOTE_MAX, REASON_MAX, TOPIC_MAX, BookingView
from bot.services.free_slots import SlotChoice
from bot.services.places import PLACE_MAX
from store.statuses import BookingStatus, MeetingKind, PlannedBy

CALENDAR_URL = "https://calendar.google.com/calendar/render"


def session_when(starts_at: datetime, ends_at: datetime) -> str:
    minutes = int((ends_at - starts_at).total_seconds() // 60)
    return f"{local_time(starts_at)} ({minutes} min)"


def slot_options(slots: Sequence[SlotChoice], tz: str) -> list[tuple[str, str]]:
    return [(_slot_option(s, tz), str(s.id)) for s in slots[:100]]


def _slot_option(slot: SlotChoice, tz: str) -> str:
    """A time as the form's menu lists it; a group session with its title and seats left,
    within an option's 75 characters."""
    when = local_label(slot.starts_at, tz, "%a %d %b, %H:%M")
    if not slot.in_group:
        return when
    seats = f" ({slot.seats_left} of {slot.seats} seats left)"
    title = (slot.title or "Group session")[: 75 - len(when) - len(seats) - 3]
    return f"{when} · {title}{seats}"


# What the programme asks of mentees; a first booking shows it and its sending accepts it.
MENTEE_EXPECTATIONS = (
    "*Before your first session: what we ask of mentees*",
    "• *Confidentiality, both ways.* What you and your mentor share stays between you.",
    "• *Be on time.* Your mentor has set this time aside for you.",
    "• *Come prepared.* Know what you want to talk about; bring questions or a draft.",
    "• *Cancel early.* If you can't make it, cancel as soon as you know, with a reason.",
)


def _expectations() -> list[Block]:
    return [
        section("\n".join(MENTEE_EXPECTATIONS)),
        context("Sending this request records that you accept these. You'll see them once."),
        divider(),
    ]


def build_book_modal(
    *,
    mentor_id: int,
    mentor_name: str,
    tz: str,
    slots: Sequence[SlotChoice],
    chosen: int,
    expectations: bool = False,
) -> dict[str, Any]:
    """Request a session: the time (in the mentee's own zone) and a required message; on a
    person's first booking, first the programme's expectations, which sending accepts."""
    return modal(
        Callback.BOOK,
        "Request a session",
        [
            *(_expectations() if expectations else []),
            section(f"A session with *{escape(mentor_name)}*. They'll see your message first."),
            select(
                B.SLOT,
                "Time",
                slot_options(slots, tz),
                initial=str(chosen),
                hint=f"In your time zone, {tz}.",
            ),
            text_input(
                B.MESSAGE,
                "What would you like from this session?",
                placeholder="Your goals and what you hope to take away, so they can prepare",
                multiline=True,
                max_length=MESSAGE_MAX,
            ),
            text_input(
                B.TOPIC,
                "Topic",
                placeholder="e.g. Preparing my first tech talk",
                max_length=TOPIC_MAX,
                optional=True,
            ),
            backups_input(),
        ],
        submit="Agree and send" if expectations else "Send request",
        private_metadata=str(mentor_id),
    )


def _request_details(booking: BookingView) -> list[Block]:
    lines = [f">{escape(line)}" for line in booking.message.splitlines() if line.strip()]
    details = [section("\n".join(lines) or ">…")]
    extra = []
    if booking.in_group:
        extra.append(group_seat(booking))
    if booking.mentorship_id is not None:
        extra.append("*Part of your mentorship*")
    if booking.topic:
        extra.append(f"*Topic:* {escape(booking.topic)}")
    if booking.mentee_interests:
        extra.append(f"*Wants to learn:* {escape(', '.join(booking.mentee_interests))}")
    if booking.mentee_goals:
        extra.append(f"*Goals:* {escape(booking.mentee_goals)}")
    if extra:
        details.append(context(*extra))
    return details


def group_seat(booking: BookingView) -> str:
    """Which group session a booking is a seat of: *Python office hours*, seat 2 of 4."""
    title = escape(booking.session_title or "Group session")
    return f":busts_in_silhouette: *{title}*, seat {booking.seat_no} of {booking.seats}"


def build_request_card(booking: BookingView) -> dict[str, Any]:
    """The mentor's DM: who, when, their message, and the three decisions."""
    value = str(booking.id)
    return message(
        f"{booking.mentee_name} asks for a session",
        [
            section(
                f":raising_hand: <@{booking.mentee_slack_id}> asks for a session on "
                f"{session_when(booking.starts_at, booking.ends_at)}."
            ),
            *_request_details(booking),
            actions(
                button("Approve", Action.APPROVE_BOOKING, value, style="primary"),
                button("Approve with a note", Action.APPROVE_WITH_NOTE, value),
                button("Decline", Action.DECLINE_BOOKING, value, style="danger"),
                button("Propose another time", Action.PROPOSE_TIME, value),
            ),
        ],
    )


def build_card_outcome(booking: BookingView) -> dict[str, Any]:
    """The card again with its buttons replaced by what happened, so nobody clicks twice."""
    when = session_when(booking.starts_at, booking.ends_at)
    outcome = {
        BookingStatus.APPROVED: f":white_check_mark: Approved: {when}.",
        BookingStatus.DECLINED: f":x: Declined: {escape(booking.decline_reason or '')}",
        BookingStatus.CANCELLED: (
            f":no_entry_sign: Cancelled: {escape(booking.cancel_reason or '')}"
        ),
        BookingStatus.EXPIRED: ":hourglass: Expired without an answer.",
    }.get(booking.status, "")
    if booking.status == BookingStatus.PENDING and booking.proposed_starts_at:
        outcome = (
            f":arrows_counterclockwise: You proposed {local_time(booking.proposed_starts_at)}; "
            f"waiting for <@{booking.mentee_slack_id}>."
        )
        if booking.proposed_by_slack_id == booking.mentee_slack_id:
            outcome = (
                f":arrows_counterclockwise: <@{booking.mentee_slack_id}> proposed "
                f"{local_time(booking.proposed_starts_at)}; your answer is in your DMs."
            )
    return message(
        f"Request from {booking.mentee_name}: {booking.status}",
        [
            section(
                f"<@{booking.mentee_slack_id}> asked for a session on "
                f"{session_when(booking.starts_at, booking.ends_at)}."
            ),
            *_request_details(booking),
            context(outcome),
        ],
    )


def build_request_sent(booking: BookingView) -> dict[str, Any]:
    text = (
        f":outbox_tray: Your request to <@{booking.mentor_slack_id}> for "
        f"{session_when(booking.starts_at, booking.ends_at)} is sent. "
        "I'll tell you here when they answer."
    )
    return message(
        "Request sent",
        [section(text), actions(_cancel_button(booking, "Withdraw request"))],
    )


def calendar_link(booking: BookingView, title: str) -> str:
    """An "Add to calendar" link (Google Calendar's template URL) with the meeting link inside."""
    stamp = "%Y%m%dT%H%M%SZ"
    query = {
        "action": "TEMPLATE",
        "text": title,
        "dates": f"{booking.starts_at.strftime(stamp)}/{booking.ends_at.strftime(stamp)}",
        "details": f"Mentorship session. Join: {booking.meeting_link}",
        "location": booking.meeting_link,
    }
    return f"{CALENDAR_URL}?{urlencode(query)}"


def build_confirmation(booking: BookingView, *, for_mentor: bool) -> dict[str, Any]:
    """Both sides after approval: time, meeting link, a calendar link, and a way to cancel."""
    other = booking.mentee_slack_id if for_mentor else booking.mentor_slack_id
    other_name = booking.mentee_name if for_mentor else booking.mentor_name
    title = f"Mentorship: {other_name}"
    add = button("Add to calendar", "calendar_link")
    add["url"] = calendar_link(booking, title)
    return message(
        f"Session confirmed with {other_name}",
        [
            section(
                f":white_check_mark: Session confirmed with <@{other}> on "
                f"{session_when(booking.starts_at, booking.ends_at)}.\n"
                f"{session_where(booking)}"
                + (f"\n{group_seat(booking)}" if booking.in_group else "")
            ),
            *_note_from_approver(booking, for_mentor),
            actions(
                add,
                button("Reschedule", Action.RESCHEDULE, str(booking.id)),
                _cancel_button(booking, "Cancel session"),
            ),
        ],
    )


def build_declined(booking: BookingView) -> dict[str, Any]:
    if booking.planned_by == PlannedBy.MENTOR:
        return message(
            f"{booking.mentee_name} can't make the session you planned",
            [
                section(
                    f"<@{booking.mentee_slack_id}> can't make the session you planned for "
                    f"{local_time(booking.starts_at)}:\n>{escape(booking.decline_reason or '')}"
                ),
                actions(
                    button(
                        "Plan another time",
                        Action.PLAN_SESSION,
                        str(booking.mentorship_id or ""),
                        style="primary",
                    )
                ),
            ],
        )
    return message(
        f"{booking.mentor_name} can't take your request",
        [
            section(
                f"<@{booking.mentor_slack_id}> can't take your request for "
                f"{local_time(booking.starts_at)}:\n>{escape(booking.decline_reason or '')}"
            ),
            actions(button("Find another mentor", Action.FIND_AGAIN, style="primary")),
        ],
    )


def build_cancelled(booking: BookingView) -> dict[str, Any]:
    """What the other participant hears when a session or request is cancelled."""
    who = booking.cancelled_by_slack_id or ""
    return message(
        "A booking was cancelled",
        [
            section(
                f":no_entry_sign: <@{who}> cancelled the booking for "
                f"{local_time(booking.starts_at)}:\n>{escape(booking.cancel_reason or '')}"
            )
        ],
    )


def _cancel_button(booking: BookingView, text: str) -> Block:
    return button(text, Action.CANCEL_BOOKING, str(booking.id))


def build_reason_modal(
    callback_id: str, title: str, prompt: str, booking_id: int, *, offer_pause: bool = False
) -> dict[str, Any]:
    """A reason for a decline or a cancel; a mentor's decline also offers a break."""
    reason = text_input(B.REASON, "Reason", multiline=True, max_length=REASON_MAX)
    return modal(
        callback_id,
        title,
        [section(prompt), reason, *([pause_input()] if offer_pause else [])],
        submit="Send",
        private_metadata=str(booking_id),
    )


def build_approve_note_modal(booking: BookingView) -> dict[str, Any]:
    """Approve with a few words for the mentee: what to bring, where to find you."""
    return modal(
        Callback.APPROVE_NOTE,
        "Approve the request",
        [
            section(
                f"Approve <@{booking.mentee_slack_id}>'s request for "
                f"{session_when(booking.starts_at, booking.ends_at)}. They'll get your note with "
                "the confirmation."
            ),
            text_input(
                B.NOTE,
                "Note",
                placeholder="e.g. Bring the draft of your talk; I'll be in room 4.2",
                multiline=True,
                max_length=NOTE_MAX,
                optional=True,
            ),
            select(
                B.MEETING_KIND,
                "This session only: how you meet",
                [(MEETING_KINDS[kind], kind.value) for kind in MeetingKind],
                optional=True,
                hint="Leave empty to meet as your profile says.",
            ),
            text_input(
                B.PLACE,
                "This session only: place or phone number",
                placeholder="e.g. Cafeteria, ground floor",
                max_length=PLACE_MAX,
                optional=True,
            ),
        ],
        submit="Approve",
        private_metadata=str(booking.id),
    )


def _note_from_approver(booking: BookingView, for_mentor: bool) -> list[Block]:
    """The approver's note, on the other side's confirmation only."""
    recipient = booking.mentor_slack_id if for_mentor else booking.mentee_slack_id
    if not booking.approval_note or recipient == booking.answerer_slack_id:
        return []
    quoted = "\n".join(f">{escape(line)}" for line in booking.approval_note.splitlines())
    return [section(f"*A note from <@{booking.answerer_slack_id}>:*\n{quoted}")]
