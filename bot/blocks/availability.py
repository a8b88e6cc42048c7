"""The mentor's availability modal and the forms that add one-off and weekly windows."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from itertools import groupby
from typing import Any

from bot.blocks.inputs import (
    checkboxes,
    date_input,
    modal,
    number_input,
    text_input,
    time_input,
)
from bot.blocks.kit import Block, actions, button, context, divider, escape, local_label, section
from bot.ids import Action, Callback
from bot.ids import BlockId as B
from bot.services.availability import GROUP_TITLE_MAX, SlotView
from store.models import MAX_SESSION_SEATS

MAX_DAYS_SHOWN = 14
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def build_availability_modal(
    *, tz: str, slots: Sequence[SlotView], notice: str | None = None
) -> dict[str, Any]:
    """Upcoming slots by day, in the mentor's own zone, each free one removable."""
    blocks: list[Block] = []
    if notice:
        blocks.append(section(notice))
    blocks += [
        section(f"Times are in your time zone, *{escape(tz)}*. Mentees see them in theirs."),
        actions(
            button("Add a one-off window", Action.ADD_ONCE, style="primary"),
            button("Add a weekly window", Action.ADD_WEEKLY),
            button("Open a group session", Action.ADD_GROUP_TIME),
        ),
        divider(),
    ]
    if not slots:
        blocks.append(section("No upcoming slots. Add a window so people can book you."))
    days = [(day, list(group)) for day, group in groupby(slots, key=lambda s: _local_day(s, tz))]
    for day, day_slots in days[:MAX_DAYS_SHOWN]:
        blocks += _day_blocks(day, day_slots, tz)
    if len(days) > MAX_DAYS_SHOWN:
        blocks.append(context(f"Showing the next {MAX_DAYS_SHOWN} days with slots."))
    return modal(Callback.AVAILABILITY, "Your availability", blocks, close="Done")


def _local_day(slot: SlotView, tz: str) -> date:
    return date.fromisoformat(local_label(slot.starts_at, tz, "%Y-%m-%d"))


def _day_blocks(day: date, slots: list[SlotView], tz: str) -> list[Block]:
    free = [s for s in slots if not s.booked]
    times = "  ".join(_slot_text(s, tz) for s in slots)
    summary = f"*{day.strftime('%a %d %b')}*  ·  {len(free)} free"
    if len(free) < len(slots):
        summary += f", {len(slots) - len(free)} booked"
    accessory = None
    if free:
        accessory = {
            "type": "static_select",
            "action_id": Action.REMOVE_SLOT,
            "placeholder": {"type": "plain_text", "text": "Remove a slot"},
            "options": [
                {
                    "text": {"type": "plain_text", "text": _slot_label(s, tz)},
                    "value": str(s.id),
                }
                for s in free[:100]
            ],
        }
    blocks = [section(f"{summary}\n{times}", accessory=accessory)]
    if free:
        clear = button("Clear day", Action.CLEAR_DAY, day.isoformat())
        clear["confirm"] = {
            "title": {"type": "plain_text", "text": "Clear this day?"},
            "text": {
                "type": "mrkdwn",
                "text": f"Remove the {len(free)} free slots on {day.strftime('%a %d %b')}? "
                "Booked slots stay.",
            },
            "confirm": {"type": "plain_text", "text": "Clear day"},
            "deny": {"type": "plain_text", "text": "Keep"},
        }
        blocks.append(actions(clear))
    return blocks


def _slot_text(slot: SlotView, tz: str) -> str:
    """A slot in the day's line: its time, and whether it is booked or how full its group is."""
    when = local_label(slot.starts_at, tz, "%H:%M")
    if slot.seats > 1:
        return f"{when} _{escape(slot.title or 'Group session')}_ ({slot.taken}/{slot.seats} seats)"
    return when + (" (booked)" if slot.booked else "")


def _slot_label(slot: SlotView, tz: str) -> str:
    return f"{local_label(slot.starts_at, tz, '%H:%M')}–{local_label(slot.ends_at, tz, '%H:%M')}"


def build_add_once_modal(
    *, tz: str, today: date, minutes: int, parent_view_id: str
) -> dict[str, Any]:
    return modal(
        Callback.ADD_ONCE,
        "Add a one-off window",
        [
            section(_window_hint(tz, minutes)),
            date_input(B.DATE, "Date", initial=today.isoformat()),
            time_input(B.START, "From", initial="10:00"),
            time_input(B.END, "Until", initial="15:00"),
        ],
        submit="Add",
        close="Back",
        private_metadata=form_metadata(parent_view_id, tz),
    )


def build_add_group_modal(
    *, tz: str, today: date, minutes: int, parent_view_id: str
) -> dict[str, Any]:
    """Open one time for several people: a title, the seats, and whether seats are approved
    at once."""
    return modal(
        Callback.ADD_GROUP_TIME,
        "Open a group session",
        [
            section(
                f"In your time zone, *{escape(tz)}*. One session for several people (office "
                "hours, a workshop): each person asks for a seat with a message. It lasts "
                f"as long as you set, not your {minutes}-minute session length."
            ),
            text_input(
                B.SESSION_TITLE,
                "Title",
                placeholder="Python office hours",
                max_length=GROUP_TITLE_MAX,
            ),
            number_input(B.SEATS, "Seats", initial=4, minimum=2, maximum=MAX_SESSION_SEATS),
            date_input(B.DATE, "Date", initial=today.isoformat()),
            time_input(B.START, "From", initial="16:00"),
            time_input(B.END, "Until", initial="17:00"),
            checkboxes(
                B.AUTO_APPROVE,
                "Approving seats",
                [("Approve each seat at once (no request to answer)", "yes")],
                optional=True,
            ),
        ],
        submit="Open",
        close="Back",
        private_metadata=form_metadata(parent_view_id, tz),
    )


def build_add_weekly_modal(
    *, tz: str, today: date, minutes: int, parent_view_id: str
) -> dict[str, Any]:
    days = [(name, str(index)) for index, name in enumerate(WEEKDAYS)]
    return modal(
        Callback.ADD_WEEKLY,
        "Add a weekly window",
        [
            section(_window_hint(tz, minutes)),
            checkboxes(B.DAYS, "Every", days),
            time_input(B.START, "From", initial="10:00"),
            time_input(B.END, "Until", initial="12:00"),
            date_input(B.DATE, "Starting", initial=today.isoformat()),
            number_input(B.WEEKS, "For how many weeks", initial=4, minimum=1, maximum=52),
        ],
        submit="Add",
        close="Back",
        private_metadata=form_metadata(parent_view_id, tz),
    )


def form_metadata(parent_view_id: str, tz: str) -> str:
    """An add-window form's metadata: the availability modal to redraw after it, and the zone
    its times are typed in (the submission is refused if the mentor's zone changed)."""
    return json.dumps({"parent": parent_view_id, "tz": tz}, separators=(",", ":"))


def _window_hint(tz: str, minutes: int) -> str:
    count = 300 // minutes
    return (
        f"In your time zone, *{escape(tz)}*. The window is cut into {minutes}-minute slots: "
        f"10:00–15:00 gives {count}."
    )
