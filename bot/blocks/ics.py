"""Calendar files (RFC 5545) for sessions: the invite each participant gets, and a person's feed.

Built with the `icalendar` library, never by hand, so escaping, folding and line endings are
right. Pure: data in, bytes out; no clock (DTSTAMP is the time the session was decided, so
building twice gives the same bytes). One UID per session for its whole life, in invites and in
feeds alike, so a calendar moves or removes the event it already has instead of adding another.
docs/architecture.md, "Calendar".
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from icalendar import Alarm, Calendar, Event, vCalAddress, vText

from bot.services.booking_view import BookingView
from store.statuses import InviteMethod, MeetingKind

PRODUCT_ID = "-//Mentor Bot//Sessions//EN"
UID_DOMAIN = "mentor-bot"  # fixed, so a session's UID survives a change of the app's address
ALARM_BEFORE = timedelta(minutes=10)
FEED_NAME = "Mentor Bot sessions"
PHONE_CALL = "Phone call"


def invite_uid(booking_id: int) -> str:
    """The session's UID in every invite and feed: stable for as long as the booking lives."""
    return f"booking-{booking_id}@{UID_DOMAIN}"


def invite_filename(booking: BookingView) -> str:
    return f"mentor-session-{booking.id}.ics"


def location(booking: BookingView) -> str:
    """Where it happens: the place in person, the link on video, the number (if any) by phone."""
    if booking.meeting_kind == MeetingKind.IN_PERSON:
        return booking.meeting_place
    if booking.meeting_kind == MeetingKind.PHONE:
        return booking.meeting_place or PHONE_CALL
    return booking.meeting_link


def summary(booking: BookingView) -> str:
    """The event's title: the topic when there is one, else who meets whom."""
    if booking.topic:
        return f"Mentorship: {booking.topic}"
    return f"Mentorship: {booking.mentor_name} and {booking.mentee_name}"


def build_invite(booking: BookingView, method: InviteMethod) -> bytes:
    """The invite to add or move the session (REQUEST) or take it away (CANCEL).

    A cancellation is a revision of its own, so it carries SEQUENCE + 1: calendars drop an
    update that is not newer than what they hold.
    """
    calendar = _calendar()
    calendar.add("method", str(method))
    calendar.add_component(_event(booking, cancelled=method == InviteMethod.CANCEL))
    return bytes(calendar.to_ical())


def build_feed(bookings: Iterable[BookingView]) -> bytes:
    """A person's subscription: their upcoming sessions as plain events (no METHOD: a feed
    publishes, it invites nobody)."""
    calendar = _calendar()
    calendar.add("x-wr-calname", FEED_NAME)
    for booking in bookings:
        calendar.add_component(_event(booking, cancelled=False))
    return bytes(calendar.to_ical())


def _calendar() -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    return calendar


def _event(booking: BookingView, *, cancelled: bool) -> Event:
    event = Event()
    event.add("uid", invite_uid(booking.id))
    event.add("sequence", booking.sequence + (1 if cancelled else 0))
    event.add("dtstamp", booking.decided_at or booking.starts_at)
    event.add("dtstart", booking.starts_at)
    event.add("dtend", booking.ends_at)
    event.add("summary", summary(booking))
    event.add("description", _description(booking))
    where = location(booking)
    if where:
        event.add("location", where)
    if booking.meeting_kind == MeetingKind.VIDEO and booking.meeting_link:
        event.add("url", booking.meeting_link)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    organizer = _address(booking.mentor_email, booking.mentor_name, role=None)
    if organizer is not None:
        event.add("organizer", organizer)
    attendee = _address(booking.mentee_email, booking.mentee_name, role="REQ-PARTICIPANT")
    if attendee is not None:
        event.add("attendee", attendee)
    if not cancelled:
        event.add_component(_alarm(booking))
    return event


def _description(booking: BookingView) -> str:
    lines = [f"Mentorship session: {booking.mentor_name} (mentor) and {booking.mentee_name}."]
    if booking.topic:
        lines.append(f"Topic: {booking.topic}")
    if booking.meeting_kind == MeetingKind.IN_PERSON:
        lines.append(f"Where: {booking.meeting_place}")
    elif booking.meeting_kind == MeetingKind.PHONE:
        lines.append(f"By phone: {booking.meeting_place or 'the mentor will call'}")
    elif booking.meeting_link:
        lines.append(f"Join: {booking.meeting_link}")
    return "\n".join(lines)


def _address(email: str | None, name: str, *, role: str | None) -> vCalAddress | None:
    """A participant as a calendar address; without a known e-mail there is none to give
    (the description still names them)."""
    if not email:
        return None
    address = vCalAddress(f"mailto:{email}")
    address.params["cn"] = vText(name)
    if role:
        address.params["role"] = vText(role)
        address.params["partstat"] = vText("ACCEPTED")
    return address


def _alarm(booking: BookingView) -> Alarm:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", summary(booking))
    alarm.add("trigger", -ALARM_BEFORE)
    return alarm
