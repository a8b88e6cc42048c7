"""A person's sessions and requests, for `/mentor sessions` and the Home tab."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from bot.blocks.concerns import concern_button
from bot.blocks.kit import (
    Block,
    actions,
    button,
    clip,
    context,
    escape,
    header,
    local_time,
    mention,
    message,
    section,
)
from bot.blocks.negotiation import open_proposal_line
from bot.ids import Action
from bot.services.bookings import BookingView, MySessions
from store.statuses import PlannedBy

MESSAGE_PREVIEW = 200


def _summary(booking: BookingView, viewer: str) -> str:
    """When, and with whom (and on what topic), as the viewer reads it."""
    other = booking.other_party(viewer)
    role = "mentoring" if booking.mentor_slack_id == viewer else "with"
    text = f"{local_time(booking.starts_at)} · {role} {mention(other)}"
    return text + (f" · _{escape(booking.topic)}_" if booking.topic else "")


def _line(booking: BookingView, viewer: str, *, cancellable: bool) -> Block:
    accessory = button("Cancel", Action.CANCEL_BOOKING, str(booking.id)) if cancellable else None
    return section(_summary(booking, viewer), accessory=accessory)


def _past_line(booking: BookingView, viewer: str) -> Block:
    """A session the viewer took part in: they may raise a concern about it."""
    return section(_summary(booking, viewer), accessory=concern_button(booking.id))


def _upcoming(booking: BookingView, viewer: str) -> list[Block]:
    """An upcoming session: Reschedule next to Cancel, and any time on the table."""
    value = str(booking.id)
    return [
        section(_summary(booking, viewer)),
        actions(
            button("Reschedule", Action.RESCHEDULE, value),
            button("Cancel", Action.CANCEL_BOOKING, value),
        ),
        *open_proposal_line(booking, viewer),
    ]


def _my_request(booking: BookingView, viewer: str) -> list[Block]:
    """A request the viewer made: a session they proposed waits for the other side."""
    if booking.proposed_by_slack_id is not None:
        return [_line(booking, viewer, cancellable=True), *open_proposal_line(booking, viewer)]
    if booking.planned_by != PlannedBy.MENTOR:
        return [_line(booking, viewer, cancellable=True)]
    waiting = f"you proposed, waiting for {mention(booking.answerer_slack_id)}"
    return [
        section(
            f"{_summary(booking, viewer)} · {waiting}",
            accessory=button("Withdraw", Action.CANCEL_BOOKING, str(booking.id)),
        )
    ]


def _request_to_answer(booking: BookingView, viewer: str) -> list[Block]:
    """A request the viewer answers, and its buttons: the mentor approves what the mentee wrote;
    the mentee accepts a mentorship session their mentor planned."""
    value = str(booking.id)
    if booking.proposed_by_slack_id is not None:
        return [section(_summary(booking, viewer)), *open_proposal_line(booking, viewer)]
    if booking.planned_by == PlannedBy.MENTOR:
        planner = mention(booking.planner_slack_id)
        return [
            section(f"{_summary(booking, viewer)}\n>{planner} planned this mentorship session."),
            actions(
                button("Accept", Action.ACCEPT_PLANNED, value, style="primary"),
                button("Decline", Action.DECLINE_BOOKING, value, style="danger"),
                button("Propose another time", Action.COUNTER_PROPOSAL, value),
            ),
        ]
    preview = escape(clip(booking.message, MESSAGE_PREVIEW))
    return [
        section(f"{_summary(booking, viewer)}\n>{preview}"),
        actions(
            button("Approve", Action.APPROVE_BOOKING, value, style="primary"),
            button("Decline", Action.DECLINE_BOOKING, value, style="danger"),
        ),
    ]


def session_blocks(
    mine: MySessions, viewer: str, *, limit: int, budget: int | None = None
) -> list[Block]:
    """Each non-empty group with a heading; at most `limit` items per group (and `budget`
    blocks in all: a session with a time on the table takes four), then a count."""

    def past_line(booking: BookingView) -> list[Block]:
        return [_past_line(booking, viewer)]

    def upcoming(booking: BookingView) -> list[Block]:
        return _upcoming(booking, viewer)

    def my_request(booking: BookingView) -> list[Block]:
        return _my_request(booking, viewer)

    def to_answer(booking: BookingView) -> list[Block]:
        return _request_to_answer(booking, viewer)

    groups: Sequence[tuple[str, str, Callable[[BookingView], list[Block]]]] = (
        ("Requests waiting for your answer", "awaiting_me", to_answer),
        ("Upcoming sessions", "upcoming", upcoming),
        ("Your requests", "my_requests", my_request),
        ("Past sessions", "past", past_line),
    )
    blocks: list[Block] = []
    for title, name, render in groups:
        bookings: Sequence[BookingView] = getattr(mine, name)
        if not bookings or (budget is not None and len(blocks) + 3 > budget):
            continue
        group = [section(f"*{title}*")]
        shown = 0
        for booking in bookings[:limit]:
            rendered = render(booking)
            # Room is kept for this group's "more" line and the next group's heading.
            if budget is not None and len(blocks) + len(group) + len(rendered) + 3 > budget:
                break
            group += rendered
            shown += 1
        if mine.count(name) > shown:
            group.append(context(f"…and {mine.count(name) - shown} more: type `/mentor sessions`."))
        blocks += group
    return blocks


# A message holds at most 50 blocks; one is the header.
SESSIONS_BUDGET = 49


def build_sessions(mine: MySessions, viewer: str) -> dict[str, Any]:
    blocks = session_blocks(mine, viewer, limit=10, budget=SESSIONS_BUDGET)
    if not blocks:
        blocks = [section("No sessions or requests yet. Type `/mentor find` to find a mentor.")]
    return message("Your sessions", [header("Your sessions"), *blocks])
