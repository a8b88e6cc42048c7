"""Calendar invites through Slack: a confirmed session arrives as an .ics file in both DMs, the
same event is taken away on cancellation, and an upload Slack refuses never costs the
confirmation. Every file is read back with `icalendar`, as a calendar app would."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar, Event
from sqlalchemy import select, update

from bot.blocks.ics import build_invite, invite_uid
from bot.sandbox import Sandbox
from bot.services.booking_view import BookingView
from store.models import Booking, MentorProfile, User
from store.statuses import BookingStatus, InviteMethod, MeetingKind
from tests.conftest import ADA, BEN
from tests.steps import (
    SESSION_START,
    ada_with_a_morning,
    approved_session,
    booking_id,
    dms,
    request,
    seen_text,
)


def invites(box: Sandbox, user_id: str) -> list[Calendar]:
    """The .ics files the person received, parsed, oldest first."""
    return [
        Calendar.from_ical(s.file["content"])
        for s in box.fake.seen_by(user_id)
        if s.kind == "file" and s.file and s.file["name"].endswith(".ics")
    ]


def event_of(calendar: Calendar) -> Event:
    (event,) = calendar.walk("VEVENT")
    return event


def cancel_from_sessions(box: Sandbox, user_id: str) -> None:
    person = box.user(user_id)
    person.command("sessions")
    person.click("Cancel", where="message")
    person.fill("Reason", "My team offsite moved to that day, sorry!")
    assert person.submit().errors == {}


def test_a_confirmed_session_comes_with_an_invite_for_both(box: Sandbox) -> None:
    """Ada approves: Ben and Ada each get one invite, METHOD:REQUEST, with everything a
    calendar needs: UID, SEQUENCE, UTC times, topic, link, alarm, organizer and attendee."""
    approved_session(box)
    (ben_invite,) = invites(box, BEN)
    (ada_invite,) = invites(box, ADA)
    assert ben_invite.to_ical() == ada_invite.to_ical()
    assert str(ben_invite["METHOD"]) == "REQUEST"
    event = event_of(ben_invite)
    assert str(event["UID"]) == invite_uid(int(booking_id(box)))
    assert int(event["SEQUENCE"]) == 0
    assert event.decoded("DTSTART") == SESSION_START
    assert event.decoded("DTSTART").tzinfo is not None
    assert event.decoded("DTEND") == SESSION_START + timedelta(minutes=30)
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["LOCATION"]) == "https://meet.example.com/ada"
    assert "https://meet.example.com/ada" in str(event["DESCRIPTION"])
    assert "Ada Lovelace" in str(event["SUMMARY"])
    assert str(event["ORGANIZER"]) == "mailto:ada@example.com"
    assert event["ORGANIZER"].params["CN"] == "Ada Lovelace"
    assert str(event["ATTENDEE"]) == "mailto:ben@example.com"
    assert event["ATTENDEE"].params["CN"] == "Ben Martin"
    (alarm,) = event.walk("VALARM")
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert alarm.decoded("TRIGGER") == -timedelta(minutes=10)
    # The Google Calendar link of the confirmation is still there, next to the file.
    assert "calendar.google.com" in str([s.blocks for s in box.fake.seen_by(BEN)])
    assert "put the session in your calendar" in seen_text(box, BEN, "file")


def test_cancelling_takes_the_same_event_away(box: Sandbox) -> None:
    """Ben cancels the approved session: both get METHOD:CANCEL for the same UID, newer than
    the invite, so their calendars remove the event they hold."""
    approved_session(box)
    cancel_from_sessions(box, BEN)
    for person in (BEN, ADA):
        sent, cancelled = invites(box, person)
        assert str(cancelled["METHOD"]) == "CANCEL"
        assert event_of(cancelled)["UID"] == event_of(sent)["UID"]
        assert int(event_of(cancelled)["SEQUENCE"]) > int(event_of(sent)["SEQUENCE"])
        assert str(event_of(cancelled)["STATUS"]) == "CANCELLED"
        assert not event_of(cancelled).walk("VALARM")


def test_an_accepted_proposal_comes_with_an_invite_at_the_new_time(box: Sandbox) -> None:
    """Ada proposes 11:00 instead; nothing is sent until Ben accepts, then both get the invite
    for 11:00 New York time (16:00 UTC)."""
    ada_with_a_morning(box)
    assert request(box, BEN) == {}
    ada = box.user(ADA)
    ada.click("Propose another time")
    ada.fill("Time", "Tue 24 Nov, 11:00")
    assert ada.submit().errors == {}
    assert invites(box, BEN) == []
    box.user(BEN).click("Accept")
    for person in (BEN, ADA):
        (invite,) = invites(box, person)
        assert event_of(invite).decoded("DTSTART") == SESSION_START + timedelta(hours=1)


def test_a_reschedule_moves_the_same_event(box: Sandbox) -> None:
    """Ben asks to move the session to 11:00 and Ada accepts: both get a second REQUEST for the
    same UID with SEQUENCE 1 at the new time, so their calendars move the event they have."""
    approved_session(box)
    ben = box.user(BEN)
    ben.click("Reschedule", where="message")
    ben.fill("Time", "Tue 24 Nov, 17:00")
    assert ben.submit().errors == {}
    assert len(invites(box, BEN)) == 1  # nothing moves until the other side accepts
    box.user(ADA).click("Accept")
    for person in (BEN, ADA):
        first, moved = invites(box, person)
        assert str(moved["METHOD"]) == "REQUEST"
        assert event_of(moved)["UID"] == event_of(first)["UID"]
        assert (int(event_of(first)["SEQUENCE"]), int(event_of(moved)["SEQUENCE"])) == (0, 1)
        assert event_of(moved).decoded("DTSTART") == SESSION_START + timedelta(hours=1)


def test_a_withdrawn_request_never_had_an_invite(box: Sandbox) -> None:
    """A request cancelled before anyone approved it was never in a calendar: no file at all."""
    ada_with_a_morning(box)
    assert request(box, BEN) == {}
    box.user(BEN).click("Withdraw request")
    box.user(BEN).fill("Reason", "Found the answer in the wiki, thank you.")
    assert box.user(BEN).submit().errors == {}
    assert _statuses(box) == [BookingStatus.CANCELLED]
    assert invites(box, BEN) == [] and invites(box, ADA) == []


def _statuses(box: Sandbox) -> list[BookingStatus]:
    with box.deps.sessions.begin() as session:
        return list(session.scalars(select(Booking.status)))


def test_emails_come_from_slack_profiles(box: Sandbox) -> None:
    """users.info's profile e-mail (users:read.email) is kept on the person."""
    approved_session(box)
    with box.deps.sessions.begin() as session:
        emails = {
            row.slack_id: row.email for row in session.execute(select(User.slack_id, User.email))
        }
    assert emails == {ADA: "ada@example.com", BEN: "ben@example.com"}


def test_a_changed_email_reaches_the_next_invite(box: Sandbox) -> None:
    """Ben's address changes in Slack: user_change brings it, and the next invite carries it."""
    ada_with_a_morning(box)
    assert request(box, BEN) == {}
    box.user(BEN).user_change(email="ben.martin@example.org")
    box.user(ADA).click("Approve")
    assert str(event_of(invites(box, BEN)[0])["ATTENDEE"]) == "mailto:ben.martin@example.org"


def test_without_the_email_scope_the_invite_still_comes(box: Sandbox) -> None:
    """Slack leaves e-mails out when the scope is missing: the invite names nobody by address,
    and is sent all the same."""
    box.fake.without_scopes("users:read.email")
    approved_session(box)
    event = event_of(invites(box, BEN)[0])
    assert "ORGANIZER" not in event and "ATTENDEE" not in event
    assert "Ada Lovelace" in str(event["DESCRIPTION"])


def test_in_person_sessions_give_the_place(box: Sandbox) -> None:
    """A mentor who meets in person: the invite's LOCATION is the place, not a link."""
    ada_with_a_morning(box)
    with box.deps.sessions.begin() as session:
        session.execute(
            update(MentorProfile).values(
                meeting_kind=MeetingKind.IN_PERSON, meeting_place="Room 4.2, Paris office"
            )
        )
    assert request(box, BEN) == {}
    box.user(ADA).click("Approve")
    event = event_of(invites(box, BEN)[0])
    assert str(event["LOCATION"]) == "Room 4.2, Paris office"
    assert "Room 4.2" in str(event["DESCRIPTION"]) and "URL" not in event


def test_a_failed_upload_keeps_the_confirmation(
    box: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    """Slack refuses the upload (again and again): both are still told the session is on, the
    failure is logged, and nothing else breaks."""
    ada_with_a_morning(box)
    assert request(box, BEN) == {}
    box.fake.fail("files.getUploadURLExternal", 500, times=20)
    with caplog.at_level(logging.WARNING, logger="mentor_bot.invites"):
        box.user(ADA).click("Approve")
    assert dms(box, BEN, "Session confirmed") and dms(box, ADA, "Session confirmed")
    assert invites(box, BEN) == [] and invites(box, ADA) == []
    assert "Could not send the REQUEST invite" in caplog.text
    assert _statuses(box) == [BookingStatus.APPROVED]


# --- the builder on its own ------------------------------------------------------------------

WHEN = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)


def view(**changes: object) -> BookingView:
    facts: dict[str, object] = dict(
        id=42, status=BookingStatus.APPROVED, mentor_id=1, mentor_slack_id=ADA,
        mentor_name="Ada Lovelace", mentor_tz="America/New_York",
        meeting_link="https://meet.example.com/ada", mentee_id=2, mentee_slack_id=BEN,
        mentee_name="Ben Martin", mentee_tz="Europe/Paris", mentee_interests=(),
        mentee_goals=None, slot_id=7, starts_at=WHEN, ends_at=WHEN + timedelta(minutes=45),
        message="Help me run one-to-ones.", topic="One-to-ones; a first agenda",
        decline_reason=None, cancel_reason=None, cancelled_by_slack_id=None,
        proposed_slot_id=None, proposed_starts_at=None, proposed_ends_at=None,
        mentor_message_channel=None, mentor_message_ts=None, sequence=3,
        mentor_email="ada@example.com", mentee_email=None, decided_at=WHEN - timedelta(days=2),
    )  # fmt: skip
    facts.update(changes)
    return BookingView(**facts)  # type: ignore[arg-type]


def test_the_builder_carries_the_sequence_the_topic_and_escapes_text() -> None:
    """A rescheduled session's SEQUENCE goes out as stored; the topic's ';' survives the round
    trip; a person without an e-mail is left out rather than given a made-up address."""
    calendar = Calendar.from_ical(build_invite(view(), InviteMethod.REQUEST))
    event = event_of(calendar)
    assert int(event["SEQUENCE"]) == 3
    assert str(event["SUMMARY"]) == "Mentorship: One-to-ones; a first agenda"
    assert "ATTENDEE" not in event and str(event["ORGANIZER"]) == "mailto:ada@example.com"
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(minutes=45)
    assert build_invite(view(), InviteMethod.REQUEST) == build_invite(view(), InviteMethod.REQUEST)


def test_a_phone_call_without_a_number_says_so() -> None:
    event = event_of(
        Calendar.from_ical(build_invite(view(meeting_kind=MeetingKind.PHONE), InviteMethod.REQUEST))
    )
    assert str(event["LOCATION"]) == "Phone call"
    numbered = view(meeting_kind=MeetingKind.PHONE, meeting_place="+33 1 23 45 67 89")
    event = event_of(Calendar.from_ical(build_invite(numbered, InviteMethod.REQUEST)))
    assert str(event["LOCATION"]) == "+33 1 23 45 67 89"
