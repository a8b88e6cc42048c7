"""`/mentor calendar` through Slack, and the feed it links to fetched with a real HTTP client
from the real server: a person's upcoming sessions, a link that can be reset, and 404 with
nothing in it for every token that opens nothing."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from datetime import timedelta

from icalendar import Calendar
from sqlalchemy import func, select

from bot.blocks.ics import invite_uid
from bot.sandbox import Sandbox
from bot.services.calendar_feed import token_hash
from store.models import CalendarFeed, User
from tests.conftest import ADA, BEN, CHITRA
from tests.steps import SESSION_START, approved_session, booking_id, seen_text

LINK = re.compile(r"(https?://\S+?)(/calendar/[A-Za-z0-9_-]+\.ics)")


def fetch(box: Sandbox, path: str, method: str = "GET") -> tuple[int, str, bytes]:
    """(status, content type, body) of a request to the app's own server."""
    request = urllib.request.Request(box.http_url + path, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.headers.get("Content-Type", ""), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


def feed_path(box: Sandbox, user_id: str) -> str:
    """The newest calendar link the person was shown, as a path on the server."""
    links = LINK.findall(seen_text(box, user_id, "response"))
    assert links, "no calendar link was shown"
    return str(links[-1][1])


def uids(body: bytes) -> list[str]:
    return [str(event["UID"]) for event in Calendar.from_ical(body).walk("VEVENT")]


def test_the_feed_serves_upcoming_sessions_to_both(box: Sandbox) -> None:
    """Ben and Ada each subscribe: both feeds hold the approved session, with its invite's UID,
    served as text/calendar; the link is under the app's base URL."""
    approved_session(box)
    for person in (BEN, ADA):
        box.user(person).command("calendar")
        assert "http://localhost:3000/calendar/" in seen_text(box, person, "response")
        status, kind, body = fetch(box, feed_path(box, person))
        assert status == 200 and kind.startswith("text/calendar")
        assert uids(body) == [invite_uid(int(booking_id(box)))]
        (event,) = Calendar.from_ical(body).walk("VEVENT")
        assert event.decoded("DTSTART") == SESSION_START
    status, _, body = fetch(box, feed_path(box, BEN), method="HEAD")
    assert status == 200 and body == b""


def test_only_the_hash_is_kept(box: Sandbox) -> None:
    """The table holds the SHA-256 of the token, never the token."""
    box.user(CHITRA).command("calendar")
    token = feed_path(box, CHITRA).removeprefix("/calendar/").removesuffix(".ics")
    with box.deps.sessions.begin() as session:
        (stored,) = session.scalars(select(CalendarFeed.token_hash))
    assert stored == token_hash(token) and token not in stored


def test_sessions_leave_the_feed_when_over_or_cancelled(box: Sandbox) -> None:
    """After the session ends the feed is empty (but still there); a person with no sessions
    gets an empty calendar, not an error."""
    approved_session(box)
    box.user(BEN).command("calendar")
    path = feed_path(box, BEN)
    box.clock.set(SESSION_START + timedelta(minutes=31))
    status, _, body = fetch(box, path)
    assert status == 200 and uids(body) == []
    box.user(CHITRA).command("calendar")
    status, _, body = fetch(box, feed_path(box, CHITRA))
    assert status == 200 and uids(body) == []


def test_a_second_command_offers_a_reset_and_the_old_link_dies(box: Sandbox) -> None:
    """The link is shown once; asked again, the bot offers to reset it. After the reset the old
    link is 404 with an empty body and the new one works."""
    approved_session(box)
    ben = box.user(BEN)
    ben.command("calendar")
    old = feed_path(box, BEN)
    ben.command("calendar")
    assert "You already have a private calendar link" in seen_text(box, BEN, "response")
    assert len(LINK.findall(seen_text(box, BEN, "response"))) == 1
    ben.click("Reset link")
    new = feed_path(box, BEN)
    assert new != old
    assert fetch(box, old) == (404, "text/plain", b"")
    status, _, body = fetch(box, new)
    assert status == 200 and len(uids(body)) == 1


def test_wrong_tokens_get_404_and_learn_nothing(box: Sandbox) -> None:
    """Guessed, malformed and path-playing tokens all get the same empty 404."""
    approved_session(box)
    box.user(BEN).command("calendar")
    real = feed_path(box, BEN)
    token = real.removeprefix("/calendar/").removesuffix(".ics")
    for path in (
        "/calendar/" + "A" * 43 + ".ics",
        "/calendar/" + token[:-1] + ("B" if token[-1] != "B" else "C") + ".ics",
        "/calendar/" + token,  # no .ics
        "/calendar/.ics",
        "/calendar/../healthz.ics",
        "/calendar/" + token + ".ics.ics",
        "/calendar/%00.ics",
    ):
        assert fetch(box, path) == (404, "text/plain", b""), path
    assert fetch(box, real, method="POST")[0] == 404


def test_privacy_deletion_drops_the_feed_and_the_email(box: Sandbox) -> None:
    """Ben deletes his data: his feed link is 404 at once and his e-mail is gone; Ada's feed
    no longer holds the cancelled session, and both are sent its cancellation."""
    approved_session(box)
    box.user(BEN).command("calendar")
    box.user(ADA).command("calendar")
    bens, adas = feed_path(box, BEN), feed_path(box, ADA)
    box.user(BEN).command("privacy delete")
    assert "your calendar link stops working" in seen_text(box, BEN, "ack")
    box.user(BEN).click("Yes, delete my data")
    assert fetch(box, bens) == (404, "text/plain", b"")
    status, _, body = fetch(box, adas)
    assert status == 200 and uids(body) == []
    with box.deps.sessions.begin() as session:
        assert session.scalar(select(func.count()).select_from(CalendarFeed)) == 1
        emails = set(session.scalars(select(User.email)))
    assert "ben@example.com" not in emails and "ada@example.com" in emails
    for person in (ADA, BEN):  # Ben's own calendar is cleaned up too
        files = [s.file for s in box.fake.seen_by(person) if s.kind == "file" and s.file]
        sent, cancelled = (Calendar.from_ical(f["content"]) for f in files)
        assert (str(sent["METHOD"]), str(cancelled["METHOD"])) == ("REQUEST", "CANCEL")
