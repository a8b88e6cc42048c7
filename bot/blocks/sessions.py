"""A person's sessions and requests, for `/mentor sessions` and the Home tab."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.blocks.kit import Block, button, context, header, local_time, mention, message, section
from bot.ids import Action
from bot.services.bookings import BookingView, MySessions


def _line(booking: BookingView, viewer: str, *, cancellable: bool) -> Block:
    other = booking.other_party(viewer)
    role = "mentoring" if booking.mentor_slack_id == viewer else "with"
    text = f"{local_time(booking.starts_at)} · {role} {mention(other)}"
    if booking.topic:
        text += f" · _{booking.topic}_"
    accessory = button("Cancel", Action.CANCEL_BOOKING, str(booking.id)) if cancellable else None
    return section(text, accessory=accessory)


def session_blocks(mine: MySessions, viewer: str, *, limit: int) -> list[Block]:
    """Each non-empty group with a heading; at most `limit` items per group, then a count."""
    groups: Sequence[tuple[str, Sequence[BookingView], bool]] = (
        ("Requests waiting for your answer", mine.awaiting_me, False),
        ("Upcoming sessions", mine.upcoming, True),
        ("Your requests", mine.my_requests, True),
        ("Past sessions", mine.past, False),
    )
    blocks: list[Block] = []
    for title, bookings, cancellable in groups:
        if not bookings:
            continue
        blocks.append(section(f"*{title}*"))
        blocks += [_line(b, viewer, cancellable=cancellable) for b in bookings[:limit]]
        if len(bookings) > limit:
            blocks.append(context(f"…and {len(bookings) - limit} more: type `/mentor sessions`."))
    return blocks


def build_sessions(mine: MySessions, viewer: str) -> dict[str, Any]:
    blocks = session_blocks(mine, viewer, limit=10)
    if not blocks:
        blocks = [section("No sessions or requests yet. Type `/mentor find` to find a mentor.")]
    return message("Your sessions", [header("Your sessions"), *blocks])
