"""Where a session happens, as people read it: a video call's link, a place, a phone call."""

from __future__ import annotations

from bot.blocks.kit import escape
from bot.services.booking_view import BookingView
from store.statuses import MeetingKind

MEETING_KINDS = {
    MeetingKind.VIDEO: "Video call",
    MeetingKind.IN_PERSON: "In person",
    MeetingKind.PHONE: "Phone call",
}


def where_line(kind: MeetingKind | str, place: str, link: str) -> str:
    """One mrkdwn line for confirmations, reminders and profiles."""
    if kind == MeetingKind.IN_PERSON:
        return f"*Where:* {escape(place)} (in person)"
    if kind == MeetingKind.PHONE:
        return f"*By phone:* {escape(place) or 'the mentor will call you'}"
    return f"*Join:* {escape(link)}"


def session_where(booking: BookingView) -> str:
    """Where this session happens: its own place if the mentor set one, else their default."""
    return where_line(booking.meeting_kind, booking.meeting_place, booking.meeting_link)
