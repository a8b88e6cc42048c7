"""`mentor-bot demo`: the real app, offline, playing a short story on the Slack simulator.

The app runs exactly as in production (HTTP server, signed requests, migrations, SQLite) while
the simulator plays the people. Everything each person sees is printed as text, in their own
time zone. Each feature adds a chapter to `CHAPTERS`.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.blocks.followup import PROGRAM_COMMENT_LABEL, STARS
from bot.sandbox import Sandbox, sandbox
from bot.services.booking_view import BOOKING_LEAD
from bot.services.mentorship_plans import CLOSE_AT
from bot.simulator import FakeSlack, Seen, SimActor, describe
from bot.simulator.forms import find_input
from bot.simulator.surfaces import options_of, text_of
from store.models import Booking, Mentorship
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
DANA = Person("U0DANA", "Dana Scott", "Europe/Berlin", "a data scientist learning Python")
GRACE = Person("U0GRACE", "Grace Hopper", "America/Chicago", "a compiler expert, often very busy")
ELI = Person("U0ELI", "Eli Novak", "Europe/Prague", "a backend engineer who mentors in Go")
FARAH = Person("U0FARAH", "Farah Haddad", "Asia/Dubai", "an engineering manager")
GUS = Person("U0GUS", "Gus Lindqvist", "Europe/Stockholm", "a graduate learning Go")
HANA = Person("U0HANA", "Hana Sato", "Asia/Tokyo", "a new team lead")
IVO = Person("U0IVO", "Ivo Petrov", "Europe/Sofia", "an engineer curious about Rust")
CAST = (ADA, BEN, CHITRA, DANA, GRACE, ELI, FARAH, GUS, HANA, IVO)
COORDINATION = "C0COORD"
PROGRAM = {"COORDINATOR_CHANNEL": COORDINATION, "COORDINATOR_USER_IDS": CHITRA.slack_id}


class Story:
    """The running demo: the sandbox, its cast, and a transcript printed as things happen."""

    def __init__(self, box: Sandbox, out: TextIO, files: Path | None = None) -> None:
        self.box = box
        self.out = out
        self.files = files  # where the images people were sent are saved, to look at
        self._names = {p.slack_id: p.name for p in CAST} | {COORDINATION: "#coordinators"}
        self._zones = {p.slack_id: p.tz for p in CAST}
        self._opening_home: set[str] = set()
        self._last_modal: dict[str, str] = {}
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
        group = self.box.fake.group_members(seen.channel or "")
        if seen.audience in group:
            return  # each member's copy of a group DM message: shown once, as the group's
        viewer_tz = self._zones.get(seen.audience, "UTC")
        who = self._names.get(seen.audience, seen.audience)
        if group:
            who = " & ".join(self._names.get(member, member) for member in group)
            who += "'s group DM"
        text = describe(seen, viewer_tz, self._names)
        if seen.kind == "modal" and self._last_modal.get(seen.audience) == text:
            return  # the same form again (a select re-rendered it): shown once
        if seen.kind == "modal":
            self._last_modal[seen.audience] = text
        self.out.write(f"  {who} sees ({seen.kind}):\n")
        self.out.write("".join(f"    │ {line}\n" for line in text.splitlines()))
        self._save(seen)

    def _save(self, seen: Seen) -> None:
        """An image someone was sent, written to the files folder so a person can open it."""
        file = seen.file or {}
        name, content = str(file.get("name", "")), file.get("content")
        if self.files is None or not name.endswith(".png") or not isinstance(content, bytes):
            return
        self.files.mkdir(parents=True, exist_ok=True)
        path = self.files / f"{seen.audience}-{name}"
        path.write_bytes(content)
        self.out.write(f"    │ (saved as {path})\n")


def meeting_the_bot(story: Story) -> None:
    story.chapter("Chapter 1. Meeting the bot")
    story.act(BEN, "types `/mentor help` to see what the bot can do").command("help")
    story.act(BEN, "mistypes a subcommand: `/mentor hlep`").command("hlep")
    story.open_home(ADA)


def a_mentor_joins(story: Story) -> None:
    story.chapter("Chapter 2. Ada becomes a mentor and opens her calendar")
    ada = story.act(ADA, "types `/mentor signup` and fills in the form")
    ada.command("signup")
    ada.fill("Skills you can mentor in", "Python 5, leadership 4, k8s 4")
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
    ben = story.act(
        BEN, "saves his skill gaps with `/mentor interests`: Python from 2 to 4, leadership"
    )
    ben.command("interests")
    ben.fill("Skills you want to learn", "python, leadership")
    ben.fill("Kind of help you want", "Leadership")
    ben.submit()
    ben.fill("Python: where you are now", "2 Assist")
    ben.fill("Python: your target", "4 Enable")
    story.act(BEN, "saves his levels").submit()
    story.act(BEN, "types `/mentor find` alone: his gaps find Ada").command("find")
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


def _nth_time(story: Story, person: Person, n: int) -> str:
    """The n-th time the open modal's Time menu offers, as the person reads it."""
    modal = story.box.fake.modal(person.slack_id)
    assert modal is not None
    element = find_input(modal, "Time").get("element") or {}
    return text_of(options_of(element)[n].get("text"))


def a_week_changes(story: Story) -> None:
    story.chapter("Chapter 4. Ben's week changes: a reschedule and a counter-proposal")
    ben = story.act(BEN, "clicks Reschedule on his confirmation")
    ben.click("Reschedule", where="message")
    ben.fill("Time", _nth_time(story, BEN, 3))
    story.act(BEN, "picks a later time; the old one stays his until Ada answers").submit()
    ada = story.act(ADA, "has a meeting then, and clicks Propose another time")
    ada.click("Propose another time")
    ada.fill("Time", _nth_time(story, ADA, 4))
    story.act(ADA, "offers half an hour later").submit()
    story.act(BEN, "accepts Ada's time: the session moves, its reminders with it").click("Accept")


def the_session_happens(story: Story) -> None:
    story.chapter("Chapter 5. Reminders, the session, and two confidential reviews")
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
    story.chapter("Chapter 6. Monday morning: the coordinators' digest")
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
    story.chapter("Chapter 7. Only a coordinator lifts a coordinator's pause")
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


TALK = "Give my first conference talk"
QA = "Get comfortable with live Q&A"


def _add_a_morning(story: Story, day: date) -> None:
    """Ada opens 10:00-11:00 (New York) on `day` for the next session."""
    ada = story.act(ADA, f"opens 10:00–11:00 on {day:%A %d %B}: `/mentor availability`")
    ada.command("availability")
    ada.click("Add a one-off window")
    ada.fill("Date", day.isoformat())
    ada.fill("From", "10:00")
    ada.fill("Until", "11:00")
    ada.submit()
    story.act(ADA, "clicks Done").close()


def _session_held(story: Story, starts_at: datetime, diary: str, homework: str) -> None:
    """The reminders, the session, both check-ins answered, and Ben's diary entry."""
    box = story.box
    for moment, what in (
        (starts_at - timedelta(hours=24), "24 hours before the session"),
        (starts_at + timedelta(minutes=30), "just after the session"),
    ):
        story.narrate(f"⏱ The clock moves to {what}; the scheduler runs its pass.")
        box.clock.set(moment)
        box.run_due()
    for person, other in ((BEN, ADA), (ADA, BEN)):
        actor = story.act(person, "clicks Yes: the session took place, and gives 5 stars")
        actor.click("Yes")
        actor.fill(f"1. How did you enjoy connecting with {other.name}?", STARS[0][0])
        actor.fill("2. How do you rate the mentorship program?", STARS[0][0])
        actor.submit()
    story.narrate("⏱ An hour after the session the scheduler asks Ben for his diary entry.")
    box.clock.set(starts_at + timedelta(hours=2))
    box.run_due()
    ben = story.act(BEN, "clicks Write the entry and sets himself homework")
    ben.click("Write the entry")
    ben.fill("What did you discuss?", diary)
    ben.fill("Homework for next time", homework)
    ben.submit()


def _latest_session_start(story: Story) -> datetime:
    """When the mentorship's newest session starts, to move the clock around it."""
    with story.box.deps.sessions.begin() as session:
        return session.scalars(
            select(Booking.starts_at)
            .where(Booking.mentorship_id.is_not(None))
            .order_by(Booking.id.desc())
            .limit(1)
        ).one()


def _asking_and_agreeing(story: Story) -> None:
    """Ben asks with his goals, Ada accepts with a comment, both agree: the group DM opens."""
    ben = story.act(BEN, "types `/mentor find python leadership` and clicks Ask for a mentorship")
    ben.command("find python leadership")
    ben.click("Ask for a mentorship")
    ben.fill("Your goals", f"{TALK}\n{QA}")
    ben.fill("What you hope to get", "Someone who has given talks to rehearse with.")
    ben.fill("How often to meet", "Every two weeks")
    ben.fill("For how long", "3 months")
    story.act(BEN, "asks for two goals, every two weeks, for three months").submit()
    ada = story.act(ADA, "clicks Accept and adds a comment")
    ada.click("Accept")
    ada.fill("Comment", "Gladly: I gave my first talk at 30 and still remember the nerves.")
    ada.submit()
    story.act(ADA, "reads the agreement and clicks I agree").click("I agree")
    story.act(BEN, "clicks I agree too").click("I agree")


def _two_sessions(story: Story) -> None:
    """Ada plans the first session (Ben accepts it), Ben the second (Ada approves it)."""
    today = story.box.clock.now().astimezone(ZoneInfo(ADA.tz)).date()
    _add_a_morning(story, today + timedelta(days=2))
    ada = story.act(ADA, "clicks Plan a session on her Home tab and writes the agenda")
    ada.click("Plan a session", where="home")
    ada.fill("Agenda", "Pick a topic and a meetup to give the talk at")
    ada.submit()
    story.act(ADA, "checks `/mentor sessions`: her plan waits for Ben").command("sessions")
    story.act(BEN, "checks `/mentor sessions`: Ada's plan is his to answer").command("sessions")
    story.act(BEN, "clicks Accept on Ada's plan").click("Accept", where="message")
    _session_held(
        story,
        _latest_session_start(story),
        "We picked the meetup in March and a topic: what I learned moving to Python.",
        "Write the outline and time a first run-through",
    )
    _add_a_morning(story, today + timedelta(days=16))
    ben = story.act(BEN, "plans the second session himself, from his Home tab")
    ben.click("Plan a session", where="home")
    ben.fill("Agenda", "Rehearse the talk and practise questions from the floor")
    ben.submit()
    story.act(ADA, "approves it").click("Approve")
    story.narrate("The next reminder brings back the homework from Ben's diary.")
    _session_held(
        story,
        _latest_session_start(story),
        "A full rehearsal; Ada played a tough audience with ten questions.",
        "Answer three hard questions out loud every day",
    )


def _evaluate(actor: SimActor, started: str, stands: str, feedback: tuple[str, str] | None) -> None:
    """Fill in the final evaluation (both goals reached, 5 stars) and send it."""
    actor.click("Evaluate")
    for goal in (TALK, QA):
        actor.fill(f"Reached: {goal}", "Yes, reached")
    actor.fill("Where did you start?", started)
    actor.fill("Where do you stand now?", stands)
    actor.fill("How do you rate the mentorship?", STARS[0][0])
    if feedback:
        actor.fill(f"Feedback to {BEN.name} on the skills you worked on", feedback[0])
        actor.fill(f"Feedback to {BEN.name} on their learning", feedback[1])
    actor.submit()


def _to_the_end(story: Story) -> None:
    """A goal reached, the pulse a month in, and the closing evaluation at the end date."""
    box = story.box
    story.open_home(BEN)
    ben = story.act(BEN, "clicks Goals and marks the Q&A goal reached")
    ben.click("Goals", where="home")
    ben.fill("Status of goal 2", "Reached")
    ben.submit()
    with box.deps.sessions.begin() as session:
        starts_on, ends_on = session.execute(select(Mentorship.starts_on, Mentorship.ends_on)).one()
    assert starts_on is not None and ends_on is not None
    story.narrate("⏱ The clock moves to a month in; the scheduler runs its pass.")
    box.clock.set(datetime.combine(starts_on + timedelta(days=31), CLOSE_AT, UTC))
    box.run_due()
    ben = story.act(BEN, "clicks Answer on the pulse and gives 5 stars")
    ben.click("Answer")
    ben.fill("How is your mentorship going?", STARS[0][0])
    ben.submit()
    story.narrate(f"⏱ The clock moves to the end date, {ends_on:%A %d %B}; the scheduler runs.")
    box.clock.set(datetime.combine(ends_on, CLOSE_AT, UTC))
    box.run_due()
    _evaluate(
        story.act(BEN, "clicks Evaluate and fills in the final evaluation"),
        "Terrified of speaking in front of people.",
        "I gave the talk and enjoyed the questions.",
        None,
    )
    _evaluate(
        story.act(ADA, "evaluates too, with feedback for Ben"),
        "My first mentorship of a speaker.",
        "I know how to rehearse someone else's talk.",
        ("Your openings grab the room.", "You did the homework, every time."),
    )
    story.open_home(BEN)


def a_mentorship(story: Story) -> None:
    story.chapter("Chapter 8. Ben asks Ada for a three-month mentorship")
    _asking_and_agreeing(story)
    _two_sessions(story)
    _to_the_end(story)


def a_concern(story: Story) -> None:
    story.chapter("Chapter 9. Ben tells the coordinators, privately, that something went wrong")
    ben = story.act(BEN, "types `/mentor report`")
    ben.command("report")
    ben.fill("What happened?", "Something else")
    ben.fill(
        "Tell us more",
        "The meeting room on the booking was taken, so we lost half of the session finding one.",
    )
    story.act(BEN, "sends it; Ada is not told").submit()
    chitra = story.act(CHITRA, "opens the card in the coordinators' channel: it holds no text")
    chitra.click("Read")
    chitra.close()
    story.act(CHITRA, "books the room properly and marks it handled").click("Mark handled")


OFFICE_HOURS = "Python office hours"


def office_hours(story: Story) -> None:
    story.chapter("Chapter 10. Office hours: one time, three seats")
    ada = story.act(ADA, "opens her availability and clicks Open a group session")
    ada.command("availability")
    ada.click("Open a group session")
    day = story.box.clock.now().astimezone(ZoneInfo(ADA.tz)).date() + timedelta(days=2)
    ada.fill("Title", OFFICE_HOURS)
    ada.fill("Seats", "3")
    ada.fill("Date", day.isoformat())
    ada.fill("From", "11:00")
    ada.fill("Until", "12:00")
    story.act(ADA, f"opens three seats on {day:%A %d %B}, 11:00-12:00").submit()
    story.box.fake.clear_modals(ADA.slack_id)
    for person, goal in (
        (DANA, "I write pandas every day; I want to structure a real package."),
        (BEN, "How do you review Python code without nitpicking?"),
        (CHITRA, "I want to bring my team's scripts under test."),
    ):
        asker = story.act(person, "finds Python mentors and books a seat at the office hours")
        asker.command("find python")
        asker.click("Book", near=OFFICE_HOURS)
        asker.fill("What would you like from this session?", goal)
        asker.submit()
    for person in (DANA, BEN, CHITRA):
        story.act(ADA, f"approves {person.name}'s seat").click(
            "Approve", near=f"<@{person.slack_id}>"
        )
    story.act(DANA, "looks again: the office hours are full, so not offered").command("find python")


def _request_expiries(story: Story) -> datetime:
    """When the last pending request expires (its due work), as stored."""
    with story.box.deps.sessions.begin() as session:
        pending = session.scalars(
            select(Booking.starts_at).where(Booking.status == BookingStatus.PENDING)
        ).all()
    return max(pending) - BOOKING_LEAD


def a_silent_mentor(story: Story) -> None:
    story.chapter("Chapter 11. Grace goes quiet: she is paused kindly, and Ben's backup takes over")
    grace = story.act(GRACE, "signs up to mentor in compilers")
    grace.command("signup")
    grace.fill("Skills you can mentor in", "Compilers 6, COBOL 5")
    grace.fill("Short bio", "I wrote the first compiler. Ask me anything about languages.")
    grace.fill("Meeting link", "https://meet.example.com/grace-hopper")
    grace.fill("Session length", "30 minutes")
    grace.fill("Sessions per week, at most", "3")
    grace.fill("Code of conduct", True)
    grace.submit()
    day = story.box.clock.now().astimezone(ZoneInfo(GRACE.tz)).date() + timedelta(days=2)
    grace.command("availability")
    grace.click("Add a one-off window")
    grace.fill("Date", day.isoformat())
    grace.fill("From", "09:00")
    grace.fill("Until", "10:00")
    story.act(GRACE, f"opens 09:00–10:00 on {day:%A %d %B}, then gets very busy").submit()
    story.box.fake.clear_modals(GRACE.slack_id)
    _add_a_morning(story, day + timedelta(days=6))  # next Monday: a new week, with room
    dana = story.act(DANA, "asks Grace for a session about parsers")
    dana.command("find compilers")
    dana.click("Book")
    dana.fill("What would you like from this session?", "How do I write my first parser?")
    dana.submit()
    ben = story.act(BEN, "asks Grace too, naming Ada as his backup mentor")
    ben.command("find compilers")
    ben.click("Book")
    ben.fill("What would you like from this session?", "How do compilers optimise loops?")
    ben.fill("Backup mentors", [ADA.slack_id])
    ben.submit()
    story.narrate("Grace never answers. An hour before each time, the requests expire.")
    story.box.clock.set(_request_expiries(story))
    story.box.run_due()
    story.box.run_due()  # the kind DM to Grace is due work of its own
    story.act(ADA, "approves the request that moved to her").click(
        "Approve", near="How do compilers optimise loops?"
    )


COHORT = "Spring leads"


def _signs_up(story: Story, person: Person, skills: str, bio: str) -> None:
    mentor = story.act(person, f"signs up as a mentor: {skills}")
    mentor.command("signup")
    mentor.fill("Skills you can mentor in", skills)
    mentor.fill("Short bio", bio)
    mentor.fill("Meeting link", f"https://meet.example.com/{person.name.split()[0].lower()}")
    mentor.fill("Session length", "30 minutes")
    mentor.fill("Sessions per week, at most", "2")
    mentor.fill("Code of conduct", True)
    mentor.submit()


def _saves_a_gap(story: Story, person: Person, skill: str, now: str, target: str) -> None:
    mentee = story.act(person, f"saves a skill gap: {skill}, from {now} to {target}")
    mentee.command("interests")
    mentee.fill("Skills you want to learn", skill)
    mentee.submit()
    mentee.fill(f"{skill}: where you are now", now)
    mentee.fill(f"{skill}: your target", target)
    mentee.submit()


def a_cohort(story: Story) -> None:
    story.chapter("Chapter 12. A spring cohort: Chitra forms the pairs, one goes quiet")
    _signs_up(story, ELI, "Go 5, Kubernetes 4", "Backend engineer; Go since 1.0.")
    _signs_up(story, FARAH, "People management 6, leadership 5", "I grow first-time managers.")
    for person, skill, start, target in (
        (GUS, "Go", "1 Follow", "3 Apply"),
        (HANA, "People management", "2 Assist", "4 Enable"),
        (IVO, "Rust", "1 Follow", "3 Apply"),
    ):
        _saves_a_gap(story, person, skill, start, target)
    chitra = story.act(CHITRA, "creates the cohort: `/mentor admin programmes`, New programme")
    chitra.command("admin programmes")
    chitra.click("New programme")
    today = story.box.clock.now().date()
    chitra.fill("Name", COHORT)
    chitra.fill("Starts on", (today + timedelta(days=30)).isoformat())
    chitra.fill("Ends on", (today + timedelta(days=120)).isoformat())
    chitra.fill("Matching", "Coordinators form the pairs")
    chitra.submit()
    for person, side in (
        (ADA, "mentor"), (ELI, "mentor"), (FARAH, "mentor"), (BEN, "mentee"),
        (DANA, "mentee"), (GUS, "mentee"), (HANA, "mentee"), (IVO, "mentee"),
    ):  # fmt: skip
        joiner = story.act(person, f"types `/mentor join` and joins as {side}")
        joiner.command("join")
        joiner.click(f"Join as {side}")
    story.act(CHITRA, "closes enrolment").command("admin programmes")
    chitra.click("Edit", near=COHORT)
    chitra.fill("Enrolment", False)
    chitra.submit()
    story.act(CHITRA, "reviews the proposed pairs, each with its score and why").click(
        "Review pairs"
    )
    story.act(CHITRA, "publishes them").submit()
    for person in (ADA, BEN, ELI, GUS):
        story.act(person, "agrees to the mentorship").click("I agree")
    story.narrate("⏱ Four days pass; Farah and Hana never agree to theirs.")
    story.box.clock.advance(timedelta(days=4))
    story.box.run_due()
    story.act(CHITRA, "checks `/mentor admin health`").command("admin health")
    story.act(CHITRA, "nudges Farah and Hana").click("Nudge", near=f"<@{HANA.slack_id}>")


def privacy(story: Story) -> None:
    story.chapter("Chapter 13. Ben moves on and asks the bot to forget him")
    ben = story.act(BEN, "asks what the bot keeps: `/mentor privacy`")
    ben.command("privacy")
    story.act(BEN, "clicks Delete my data…").click("Delete my data…")
    story.act(BEN, "confirms").click("Yes, delete my data")


CHAPTERS: list[Callable[[Story], None]] = [
    meeting_the_bot,
    a_mentor_joins,
    booking_a_session,
    a_week_changes,
    the_session_happens,
    the_weekly_digest,
    coordinators_keep_the_rules,
    a_mentorship,
    a_concern,
    office_hours,
    a_silent_mentor,
    a_cohort,
    privacy,
]


def story_start(now: datetime) -> datetime:
    """The latest Tuesday 09:00 UTC: the story's week then runs to the next Monday's digest."""
    day = now.date() - timedelta(days=(now.weekday() - 1) % 7)
    start = datetime.combine(day, time(9), tzinfo=UTC)
    return start if start <= now else start - timedelta(days=7)


def run_demo(out: TextIO, *, now: datetime | None = None, files: Path | None = None) -> int:
    """Play every chapter; 0 when the app sent nothing Slack would reject, 1 otherwise.

    Images the app sends (the digest's charts) are saved under `files` when it is given."""
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
            story = Story(box, out, files)
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
