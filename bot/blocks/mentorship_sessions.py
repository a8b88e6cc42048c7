"""Meeting in a mentorship: the plan modal, the mentee's card for a session the mentor planned,
what the planner hears, and the nudge when nothing is planned within the cadence."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.blocks.booking import session_when, slot_options
from bot.blocks.inputs import modal, select, text_input
from bot.blocks.kit import Block, actions, button, context, escape, local_time, message, section
from bot.blocks.places import session_where
from bot.ids import Action, Callback
from bot.ids import BlockId as B
from bot.services.bookings import BookingView
from bot.services.mentorship_sessions import AGENDA_MAX, CadenceNudge, PlanForm


def build_plan_modal(form: PlanForm, tz: str) -> dict[str, Any]:
    """Pick one of the mentor's free times (in the reader's zone) and name the agenda."""
    return modal(
        Callback.PLAN_SESSION,
        "Plan a session",
        [
            section(
                f"The next session of your mentorship with *{escape(form.other_name)}*. "
                "They'll be asked to confirm the time."
            ),
            select(
                B.SLOT,
                "Time",
                slot_options(form.slots, tz),
                initial=str(form.slots[0].id),
                hint=f"In your time zone, {tz}.",
            ),
            text_input(
                B.TOPIC,
                "Agenda",
                placeholder="e.g. Review the draft of my talk",
                max_length=AGENDA_MAX,
            ),
        ],
        submit="Plan",
        private_metadata=str(form.mentorship_id),
    )


def _agenda(booking: BookingView) -> Block:
    return context(f"*Agenda:* {escape(booking.topic or '')}")


def build_planned_card(booking: BookingView) -> dict[str, Any]:
    """To the mentee: the session their mentor planned, to accept or decline."""
    value = str(booking.id)
    return message(
        f"{booking.mentor_name} planned your next mentorship session",
        [
            section(
                f":spiral_calendar_pad: <@{booking.mentor_slack_id}> planned the next session of "
                f"your mentorship on {session_when(booking.starts_at, booking.ends_at)}."
            ),
            _agenda(booking),
            actions(
                button("Accept", Action.ACCEPT_PLANNED, value, style="primary"),
                button("Decline", Action.DECLINE_BOOKING, value, style="danger"),
                button("Propose another time", Action.COUNTER_PROPOSAL, value),
            ),
        ],
    )


def build_planned_sent(booking: BookingView) -> dict[str, Any]:
    """To whoever planned: sent, and who answers it."""
    other = booking.answerer_slack_id
    return message(
        "Session planned",
        [
            section(
                ":outbox_tray: The session on "
                f"{session_when(booking.starts_at, booking.ends_at)} is planned. "
                f"I'll tell you here when <@{other}> answers."
            ),
            _agenda(booking),
            actions(button("Withdraw", Action.CANCEL_BOOKING, str(booking.id))),
        ],
    )


def build_planned_answered(booking: BookingView) -> dict[str, Any]:
    """The mentee's card once they accepted, its buttons gone."""
    return message(
        "Session accepted",
        [
            section(
                f":white_check_mark: You accepted the session on {local_time(booking.starts_at)}."
            ),
            _agenda(booking),
        ],
    )


def build_cadence_nudge(nudge: CadenceNudge) -> dict[str, Any]:
    """Nothing planned within the cadence: one nudge, with the way to plan."""
    others = " and ".join(f"<@{slack_id}>" for slack_id in nudge.with_slack_ids)
    return message(
        "Time to plan your next mentorship session",
        [
            section(
                f":calendar: You meant to meet {nudge.cadence_name}, and no session with "
                f"{others} is planned. Pick a time for the next one?"
            ),
            actions(
                button(
                    "Plan a session",
                    Action.PLAN_SESSION,
                    str(nudge.mentorship_id),
                    style="primary",
                )
            ),
        ],
    )


def build_group_planned(bookings: Sequence[BookingView]) -> dict[str, Any]:
    """To a group's mentor: the session planned for every member, each seat confirmed."""
    first = bookings[0]
    members = ", ".join(f"<@{b.mentee_slack_id}>" for b in bookings)
    return message(
        "Group session planned",
        [
            section(
                f":busts_in_silhouette: *{escape(first.session_title or 'Group session')}* meets "
                f"on {session_when(first.starts_at, first.ends_at)}. Confirmed for {members}: "
                "each of them has been told.\n"
                f"{session_where(first)}"
            ),
            _agenda(first),
        ],
    )
