"""`mentor-bot demo`: the real app, offline, playing a short story on the Slack simulator.

The app runs exactly as in production (HTTP server, signed requests, migrations, SQLite) while
the simulator plays the people. Everything each person sees is printed as text, in their own
time zone. Each feature adds a chapter to `CHAPTERS`.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.blocks.followup import PROGRAM_COMMENT_LABEL, STARS
from bot.sandbox import Sandbox, sandbox
from bot.simulator import FakeSlack, Seen, SimActor, describe
from store.models import Booking
from store.statuses import BookingStatus


@dataclass(frozen=True)
class Person:
    slack_id: str
    name: str
    tz: str
    role: str


ADA = Person("U0ADA", "Ada Lovelace", "America/New_York", "a staff engineer who will mentor")
BEN = Person("U0BEN", "Ben Martin", "Europe/Paris", "a new developer looking for a mentor")
CHITRA = Person("U0CHITRA", "Chitra Rao", "Asia/Kolkata", "a team lead and program coordinator")
CAST = (ADA, BEN, CHITRA)
COORDINATION = "C0COORD"
PROGRAM = {"COORDINATOR_CHANNEL": COORDINATION, "COORDINATOR_USER_IDS": CHITRA.slack_id}


class Story:
    """The running demo: the sandbox, its cast, and a transcript printed as things happen."""

    def __init__(self, box: Sandbox, out: TextIO) -> None:
        self.box = box
        self.out = out
        self._names = {p.slack_id: p.name for p in CAST} | {COORDINATION: "#coordinators"}
        self._zones = {p.slack_id: p.tz for p in CAST}
        self._opening_home: set[str] = set()
        box.fake.subscribe(self._show)

    def chapter(self, title: str) -> None:
        self.out.write(f"\n{'=' * 72}\n{title}\n{'=' * 72}\n")

    def act(self, person: Person, doing: str) -> SimActor:
        """Narrate what a person does next and return their simulated Slack client."""
        self.out.write(f"\n▶ {person.name} {doing}\n")
        return self.box.user(person.slack_id)

    def narrate(self, text: str) -> None:
        self.out.write(f"\n{text}\n")

    def open_home(self, person: Person) -> None:
        self.act(person, "opens Mentor Bot's Home tab in Slack")
        self._opening_home.add(person.slack_id)
        self.box.user(person.slack_id).open_home()

    def _show(self, seen: Seen) -> None:
        if seen.kind == "home" and seen.audience not in self._opening_home:
            return  # Home is refreshed after every change; show it only when someone looks
        self._opening_home.discard(seen.audience)
        viewer_tz = self._zones.get(seen.audience, "UTC")
        who = self._names.get(seen.audience, seen.audience)
        text = describe(seen, viewer_tz, self._names)
        self.out.write(f"  {who} sees ({seen.kind}):\n")
        self.out.write("".join(f"    │ {line}\n" for line in text.splitlines()))


def meeting_the_bot(story: Story) -> None:
    story.chapter("Chapter 1. Meeting the bot")
    story.act(BEN, "types `/mentor help` to see what the bot can do").command("help")
    story.act(BEN, "mistypes a subcommand: `/mentor hlep`").command("hlep")
    story.open_home(ADA)


def a_mentor_joins(story: Story) -> None:
    story.chapter("Chapter 2. Ada becomes a mentor and opens her calendar")
    ada = story.act(ADA, "types `/mentor signup` and fills in the form")
    ada.command("signup")
    ada.fill("Skills you can mentor in", "Python, leadership, k8s")
    ada.fill(
        "Short bio", "Staff engineer. I help new developers find their feet and grow into leads."
    )
    ada.fill("Meeting link", "https://meet.example.com/ada-lovelace")
    ada.fill("Session length", "30 minutes")
    ada.fill("Sessions per week, at most", "3")
    ada.fill("Code of conduct", True)
    story.act(ADA, "clicks Save").submit()
    story.act(ADA, "types `/mentor availability`").command("availability")
    story.act(ADA, "clicks “Add a one-off window”").click("Add a one-off window")
    tomorrow = story.box.clock.now().astimezone(ZoneInfo(ADA.tz)).date() + timedelta(days=1)
    ada.fill("Date", tomorrow.isoformat())
    ada.fill("From", "10:00")
    ada.fill("Until", "15:00")
    story.act(ADA, f"adds 10:00–15:00 on {tomorrow:%A %d %B} and clicks Add").submit()


def booking_a_session(story: Story) -> None:
    story.chapter("Chapter 3. Ben finds Ada and books a session; Chitra is declined")
    ben = story.act(BEN, "types `/mentor find python leadership`")
    ben.command("find python leadership")
    story.act(BEN, "clicks Book on the first time offered").click("Book")
    ben.fill(
        "What would you like from this session?",
        "I lead my first team next month. I'd love advice on running good one-to-ones.",
    )
    ben.fill("Topic", "First steps as a team lead")
    story.act(BEN, "sends the request").submit()
    story.act(ADA, "reads Ben's goals and clicks Approve").click("Approve")

    chitra = story.act(CHITRA, "looks for a Python mentor too")
    chitra.command("find python")
    story.act(CHITRA, "books the next free time").click("Book")
    chitra.fill(
        "What would you like from this session?",
        "Could you review my Kubernetes operator written in Python?",
    )
    chitra.submit()
    ada = story.act(ADA, "clicks Decline on Chitra's request")
    ada.click("Decline")
    ada.fill("Reason", "Operators aren't my strength: ask in #platform-guild, they'll help.")
    story.act(ADA, "sends her reason").submit()
    story.open_home(ADA)


def the_session_happens(story: Story) -> None:
    story.chapter("Chapter 4. Reminders, the session, and two confidential reviews")
    box = story.box
    with box.deps.sessions.begin() as session:
        start = session.scalars(
            select(Booking.starts_at).where(Booking.status == BookingStatus.APPROVED)
        ).one()
    for moment, what in (
        (start - timedelta(hours=24), "24 hours before the session"),
        (start - timedelta(minutes=10), "10 minutes before"),
        (start + timedelta(minutes=30), "just after the session"),
    ):
        story.narrate(f"⏱ The clock moves to {what}; the scheduler runs its pass.")
        box.clock.set(moment)
        box.run_due()
    ben = story.act(BEN, "clicks Yes: the session took place")
    ben.click("Yes")
    ben.fill("1. How did you enjoy connecting with Ada Lovelace?", STARS[0][0])
    ben.fill("2. How do you rate the mentorship program?", STARS[1][0])
    ben.fill("Action items for your next session", "Draft a one-to-one template; try it twice.")
    story.act(BEN, "gives 5 and 4 stars and notes his action items").submit()
    ada = story.act(ADA, "clicks Yes too")
    ada.click("Yes")
    ada.fill("1. How did you enjoy connecting with Ben Martin?", STARS[0][0])
    ada.fill("2. How do you rate the mentorship program?", STARS[3][0])
    story.act(ADA, "rates the program 2 stars without a comment").submit()
    ada.fill(PROGRAM_COMMENT_LABEL, "Booking is easy, but I'd like to see my load per month.")
    story.act(ADA, "adds her comment and sends").submit()


def the_weekly_digest(story: Story) -> None:
    story.chapter("Chapter 5. Monday morning: the coordinators' digest")
    now = story.box.clock.now()
    monday = datetime.combine(now.date() + timedelta(days=7 - now.weekday()), time(9), UTC)
    story.narrate("⏱ The clock moves to Monday 09:00, DIGEST_CRON's time; the scheduler runs.")
    story.box.clock.set(monday)
    story.box.run_due()
    story.act(CHITRA, "asks for the last 30 days privately: `/mentor admin stats 30d`").command(
        "admin stats 30d"
    )
    story.act(BEN, "tries an admin command too").command("admin stats")
    story.act(CHITRA, "checks who mentors and how busy they are").command("admin mentors")
    story.act(CHITRA, "exports the week as CSV for her own report").command("admin export 7d")


def coordinators_keep_the_rules(story: Story) -> None:
    story.chapter("Chapter 6. Only a coordinator lifts a coordinator's pause")
    chitra = story.act(CHITRA, "pauses Ada from the roster, with a reason Ada will read")
    chitra.click("Pause", near=ADA.slack_id)
    chitra.fill("Reason", "Taking you off the rota while the team reorganises; back in two weeks.")
    chitra.submit()
    pause = story.box.driver.last_sent
    story.act(ADA, "tries to lift it herself: `/mentor resume`").command("resume")
    story.narrate(
        "⟳ Someone replays Chitra's signed submission within Slack's five minutes: the bot "
        f"answers HTTP {story.box.driver.replay(pause).status if pause else '-'} and does nothing."
    )
    story.act(CHITRA, "reactivates Ada when the reorganisation is done").click(
        "Reactivate", near=ADA.slack_id
    )


def privacy(story: Story) -> None:
    story.chapter("Chapter 7. Ben moves on and asks the bot to forget him")
    ben = story.act(BEN, "asks what the bot keeps: `/mentor privacy`")
    ben.command("privacy")
    story.act(BEN, "clicks Delete my data…").click("Delete my data…")
    story.act(BEN, "confirms").click("Yes, delete my data")


CHAPTERS: list[Callable[[Story], None]] = [
    meeting_the_bot,
    a_mentor_joins,
    booking_a_session,
    the_session_happens,
    the_weekly_digest,
    coordinators_keep_the_rules,
    privacy,
]


def story_start(now: datetime) -> datetime:
    """The latest Tuesday 09:00 UTC: the story's week then runs to the next Monday's digest."""
    day = now.date() - timedelta(days=(now.weekday() - 1) % 7)
    start = datetime.combine(day, time(9), tzinfo=UTC)
    return start if start <= now else start - timedelta(days=7)


def run_demo(out: TextIO, *, now: datetime | None = None) -> int:
    """Play every chapter; 0 when the app sent nothing Slack would reject, 1 otherwise."""
    fake = FakeSlack()
    for person in CAST:
        fake.add_user(person.slack_id, person.name, person.tz)
    coordinators = [CHITRA.slack_id, fake.bot_user_id]  # private, as the digest needs
    fake.add_channel(COORDINATION, "mentoring-coordinators", private=True, members=coordinators)
    start = story_start(now or datetime.now(UTC))
    with tempfile.TemporaryDirectory(prefix="mentor-bot-demo-") as folder:
        url = f"sqlite:///{Path(folder) / 'demo.db'}"
        with sandbox(url, now=start, fake=fake, env=PROGRAM) as box:
            out.write("Mentor Bot demo: the real app over HTTP on loopback, a simulated Slack,\n")
            out.write("and a temporary SQLite database. The people:\n")
            for person in CAST:
                out.write(f"  • {person.name} ({person.tz}), {person.role}\n")
            story = Story(box, out)
            for chapter in CHAPTERS:
                chapter(story)
            problems = list(box.fake.problems)
    out.write("\n")
    if problems:
        out.write("The simulator rejected some of what the app sent:\n")
        out.writelines(f"  ✗ {problem}\n" for problem in problems)
        return 1
    out.write("The End. Every message and view passed Slack's Block Kit checks.\n")
    return 0
