"""Two `mentor-bot serve` replicas on PostgreSQL under 200 simulated users; one is killed midway.

Why: docs/architecture.md, "Due work" promises that any number of replicas and `run-due` passes
can share one database with every due message sent exactly once and every slot held by one
booking at most. This script checks those promises end to end, with real processes and the real
clock:

1. recreate the database (default `load_b`), migrate it, start the simulator's fake Slack Web
   API in this process with USERS people (40% mentors, the rest mentees, in ten time zones) and
   seed the mentors' profiles and availability through the services, starting about an hour
   from now (a request needs an hour's notice);
2. spawn two `mentor-bot serve --no-scheduler` subprocesses, routed round-robin like a load
   balancer that skips a replica refusing connections;
3. drive every person in a thread for SECONDS: mentees find, open Book, submit the modal,
   accept or decline proposals, withdraw or cancel; mentors approve, decline with a reason,
   propose another time or ignore the request (it is nudged at 30 s and expires at 60 s:
   REQUEST_TTL=1m). Two loops race due-work passes all along (threads with their own engines,
   or real `mentor-bot run-due` processes with `--run-due process`). REMINDER_OFFSETS is chosen
   so that approved sessions get reminders during the run;
4. SIGKILL one replica at 40% of the run and restart it at 60%;
5. stop, drain due work once more with a real `mentor-bot run-due`, then check and print the
   invariants below; the exit status is 1 when one fails.

Run from the repository root (about two minutes for the default 60 s run on 2 CPUs):

    python -m benchmarks.load [--seconds 60] [--users 200] [--database-url URL]

Messages are attributed to due-work rows by recipient, kind, the other person and the session's
start (all in the message), and compared as counts per such key, so a duplicate or a lost
message shows even when one pair has several bookings.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.client import HTTPException
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import aliased

from bot.clock import SystemClock
from bot.config import DEFAULTS, load_settings
from bot.deps import Deps
from bot.ids import Callback
from bot.jobs import run_due_pass
from bot.services import lifecycle
from bot.services.availability import add_once
from bot.services.mentors import ProfileForm, save_profile
from bot.services.people import save_person
from bot.simulator import FakeSlack, Reply, Seen, SimActor, SlackDriver, finder
from bot.simulator.records import MESSAGE_KINDS
from bot.simulator.surfaces import elements_of, input_blocks, options_of, text_of
from bot.slack.client import make_web_client
from store.db import make_engine, make_session_factory
from store.migrate import upgrade
from store.models import Booking, DueWork, MentorProfile, User

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/load_b"
ENTRY_POINT = Path(sys.executable).with_name("mentor-bot")
SECRET = "load-test-signing-secret"
ZONES = [
    "America/New_York", "Europe/Paris", "Asia/Kolkata", "UTC", "America/Los_Angeles",
    "Australia/Adelaide", "America/St_Johns", "Asia/Tokyo", "Pacific/Auckland", "Europe/London",
]  # fmt: skip
SKILLS = ["Python", "Go", "Rust", "Kubernetes", "Leadership", "SQL", "Testing", "Design"]
SESSION = timedelta(minutes=30)
SLOTS_PER_MENTOR = 8
WAIT = 15.0  # seconds a person waits for something to show up before giving up
QUESTION = "What would you like from this session?"
LIVE = ("pending", "approved")


# -- database and seeding --------------------------------------------------------------------


def recreate_database(url: str) -> None:
    """Drop and create the benchmark's own database, so every run starts empty."""
    target = make_url(url)
    name = target.database
    if target.get_backend_name() != "postgresql" or not name or not name.isidentifier():
        raise SystemExit(f"--database-url must name a PostgreSQL database, not {url!r}")
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


@dataclass(frozen=True)
class People:
    mentors: list[str]
    mentees: list[str]


def add_people(fake: FakeSlack, users: int) -> People:
    mentors = [f"U0LM{i:04d}" for i in range(users * 2 // 5)]
    mentees = [f"U0LE{i:04d}" for i in range(users - len(mentors))]
    for n, slack_id in enumerate(mentors + mentees):
        role = "Mentor" if slack_id.startswith("U0LM") else "Mentee"
        fake.add_user(slack_id, f"{role} {n:03d}", ZONES[n % len(ZONES)])
    return People(mentors, mentees)


def first_slot(now: datetime) -> datetime:
    """The first half hour boundary at least 61 minutes away: bookable for a minute at least."""
    soon = now + timedelta(minutes=61)
    return soon.replace(second=0, microsecond=0) + timedelta(minutes=(-soon.minute) % 30 or 30)


def local_slots(starts: datetime, tz: str) -> Iterator[tuple[Any, Any, Any]]:
    """(local day, start, end) of each seeded slot in `tz`, leaving out one across midnight."""
    zone = ZoneInfo(tz)
    for n in range(SLOTS_PER_MENTOR):
        start = (starts + SESSION * n).astimezone(zone)
        end = start + SESSION
        if end.date() == start.date():
            yield start.date(), start.time(), end.time()


def seed(engine: Engine, fake: FakeSlack, people: People, starts: datetime) -> int:
    """Mentors with profiles and SLOTS_PER_MENTOR half-hour slots from `starts`; the slot count."""
    sessions = make_session_factory(engine)
    now = datetime.now(UTC)
    slots = 0
    with sessions.begin() as session:
        for i, slack_id in enumerate(people.mentors):
            user = fake.user(slack_id)
            person = save_person(
                session, slack_id=slack_id, real_name=user.real_name, tz=user.tz, now=now
            )
            form = ProfileForm(
                skills=[f"{SKILLS[i % len(SKILLS)]} 5", f"{SKILLS[(i * 3 + 1) % len(SKILLS)]} 4"],
                bio=f"{user.real_name}: happy to help you grow.",
                meeting_link=f"https://meet.example.com/{slack_id.lower()}",
                session_minutes=30, weekly_capacity=40, coc_accepted=True,
            )  # fmt: skip
            mentor = save_profile(session, person_id=person.id, form=form, approval="open", now=now)
            for day, start, end in local_slots(starts, user.tz):
                slots += add_once(
                    session, mentor_id=mentor.mentor.id, day=day, start=start, end=end, now=now
                ).added
    return slots


def reminder_offsets(starts: datetime, since: datetime, until: datetime) -> str:
    """REMINDER_OFFSETS (whole minutes) such that a session on any seeded slot has a reminder
    due at each whole minute from `since` to `until`, besides the usual 24 hours."""
    latest = math.floor((starts - since).total_seconds() / 60)
    earliest = math.ceil((starts - until).total_seconds() / 60)
    offsets = {
        f"{minutes + 30 * j}m"
        for j in range(SLOTS_PER_MENTOR)
        for minutes in range(earliest, latest + 1)
    }
    return ",".join(["24h", *sorted(offsets)])


# -- replicas and the load balancer ----------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def bot_environment(fake: FakeSlack, url: str, offsets: str) -> dict[str, str]:
    """The settings every process of the run shares (no .env: the environment only)."""
    clean = {k: v for k, v in os.environ.items() if k not in DEFAULTS}
    return {
        **clean,
        "SLACK_API_URL": fake.base_url,
        "SLACK_BOT_TOKEN": fake.bot_token,
        "SLACK_SIGNING_SECRET": SECRET,
        "DATABASE_URL": url,
        "REQUEST_TTL": "1m",
        "REMINDER_OFFSETS": offsets,
        "LOG_LEVEL": "WARNING",
    }


class Replica:
    """One `mentor-bot serve --no-scheduler --workers 1` replica on a fixed port, logging to a
    file: a gunicorn arbiter and its worker, in a process group of their own so that a kill
    takes the whole replica down at once, as a crashed machine would."""

    def __init__(self, name: str, env: dict[str, str], workdir: Path) -> None:
        self.name = name
        self.port = free_port()
        self.env = {**env, "PORT": str(self.port)}
        self.log = workdir / f"{name}.log"
        self.workdir = workdir
        self.process: subprocess.Popen[bytes] | None = None
        self.url = f"http://127.0.0.1:{self.port}/slack/events"

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [str(ENTRY_POINT), "serve", "--no-scheduler", "--workers", "1",
                 "--host", "127.0.0.1"],
                env=self.env, cwd=self.workdir, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"{self.name} exited at start; see {self.log}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2):
                    return
            except (OSError, HTTPException):
                time.sleep(0.2)
        raise SystemExit(f"{self.name} never answered /healthz; see {self.log}")

    def kill(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)  # the arbiter and its worker together
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


class Lost(Exception):
    """The replica took the request but the connection died before an answer."""


@dataclass
class Tally:
    sent: int = 0
    refused: int = 0
    lost: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    millis: list[float] = field(default_factory=list)

    def row(self) -> list[Any]:
        cuts = statistics.quantiles(self.millis, n=100) if len(self.millis) > 1 else [0.0] * 99
        odd = ", ".join(f"{n} × {s}" for s, n in sorted(self.statuses.items()) if s != 200)
        return [self.sent, sum(self.statuses.values()), self.refused, self.lost, odd or "-",
                f"{cuts[49]:.0f}", f"{cuts[98]:.0f}"]  # fmt: skip


class Balancer:
    """Round-robin over the replicas' URLs, skipping one that refuses the connection."""

    def __init__(self, replicas: list[Replica]) -> None:
        self.replicas = replicas
        self.tallies = {replica.name: Tally() for replica in replicas}
        self._next = 0
        self._lock = threading.Lock()

    def order(self) -> list[Replica]:
        with self._lock:
            first = self._next
            self._next = (self._next + 1) % len(self.replicas)
        return self.replicas[first:] + self.replicas[:first]

    def count(self, replica: Replica, outcome: str) -> None:
        with self._lock:
            tally = self.tallies[replica.name]
            setattr(tally, outcome, getattr(tally, outcome) + 1)

    def answered(self, replica: Replica, status: int, seconds: float) -> None:
        with self._lock:
            self.tallies[replica.name].statuses[status] += 1
            self.tallies[replica.name].millis.append(seconds * 1000)


class BalancedDriver(SlackDriver):
    """The simulator's signing driver, sending each request through the balancer.

    One per person: `app_url` changes per request, and only that person's thread uses it.
    """

    def __init__(self, fake: FakeSlack, balancer: Balancer) -> None:
        super().__init__(fake, balancer.replicas[0].url, SECRET)
        self.balancer = balancer

    def send(
        self,
        body: str,
        content_type: str,
        *,
        timestamp: int | None = None,
        signature: str | None = None,
        secret: str | None = None,
        on_answer: Callable[[Reply], None] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        for replica in self.balancer.order():
            self.app_url = replica.url
            self.balancer.count(replica, "sent")
            started = time.perf_counter()
            try:
                reply = super().send(body, content_type, timestamp=timestamp,
                                     signature=signature, secret=secret,
                                     on_answer=on_answer, headers=headers)  # fmt: skip
            except urllib.error.URLError as error:
                if isinstance(error.reason, ConnectionRefusedError):
                    self.balancer.count(replica, "refused")
                    continue
                self.balancer.count(replica, "lost")
                raise Lost(f"{replica.name}: {error.reason}") from error
            except (OSError, HTTPException) as error:
                self.balancer.count(replica, "lost")
                raise Lost(f"{replica.name}: {error!r}") from error
            self.balancer.answered(replica, reply.status, time.perf_counter() - started)
            return reply
        raise Lost("every replica refused the connection")


# -- what people see -------------------------------------------------------------------------


class Inbox:
    """Everything one person saw, as it arrives (fed by the fake's listener)."""

    def __init__(self) -> None:
        self.seen: list[Seen] = []
        self.changed = threading.Condition()

    def add(self, seen: Seen) -> None:
        with self.changed:
            self.seen.append(seen)
            self.changed.notify_all()

    def mark(self) -> int:
        with self.changed:
            return len(self.seen)

    def wait_for(self, wanted: Callable[[Seen], bool], since: int, timeout: float) -> Seen | None:
        """The first thing seen from index `since` that is `wanted`, waiting up to `timeout`."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                for seen in self.seen[since:]:
                    if wanted(seen):
                        return seen
                since = len(self.seen)
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self.changed.wait(left)

    def since(self, start: int) -> list[Seen]:
        with self.changed:
            return self.seen[start:]


def buttons(seen: Seen, label: str) -> list[finder.Found]:
    """The buttons reading `label` on one message."""
    surface = finder.Surface("message", seen.blocks, seen=seen)
    return [
        finder.Found(surface, block, element)
        for block in seen.blocks
        for element in elements_of(block)
        if element.get("type") == "button" and text_of(element.get("text")).strip() == label
    ]


def is_modal(callback: str) -> Callable[[Seen], bool]:
    return lambda s: s.kind == "modal" and (s.view or {}).get("callback_id") == callback


def is_private_note(seen: Seen) -> bool:
    return seen.kind in ("ephemeral", "response") and not buttons(seen, "Book")


# -- the people ------------------------------------------------------------------------------


@dataclass
class Stats:
    """What the simulated people did and what came back (all threads add to it)."""

    done: Counter[str] = field(default_factory=Counter)
    lost: list[tuple[str, str, str]] = field(default_factory=list)  # who, step, booking message
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, what: str) -> None:
        with self.lock:
            self.done[what] += 1


class Person:
    """One simulated person's loop; `step` does one thing a real person would."""

    def __init__(self, actor: SimActor, inbox: Inbox, stats: Stats, seed: int) -> None:
        self.actor = actor
        self.inbox = inbox
        self.stats = stats
        self.random = random.Random(seed)
        self.read = 0  # how far this person has read their inbox
        self.current = ""  # the step in progress, for the record of lost requests
        self.message = ""

    def run(self, stop: threading.Event, think: float) -> None:
        while not stop.is_set():
            try:
                self.step()
            except Lost:
                with self.stats.lock:
                    self.stats.lost.append((self.actor.user_id, self.current, self.message))
            except Exception as confused:  # the screen was not what this person expected
                self.stats.add(f"{self.current}: {type(confused).__name__} {str(confused)[:60]}")
                self.actor.fake.clear_modals(self.actor.user_id)
            stop.wait(self.random.uniform(0.5, 1.5) * think)

    def step(self) -> None:
        raise NotImplementedError

    def news(self) -> list[Seen]:
        fresh = self.inbox.since(self.read)
        self.read += len(fresh)
        return fresh

    def open_modal(self, found: finder.Found, callback: str) -> bool:
        """Click a button that should open a modal; False when a note came instead, or nothing."""
        mark = self.inbox.mark()
        reply = self.actor.press(found)
        if reply.status != 200:
            self.stats.add(f"{self.current}: HTTP {reply.status}")
            return False
        wanted = is_modal(callback)
        seen = self.inbox.wait_for(lambda s: wanted(s) or is_private_note(s), mark, WAIT)
        if seen is None:
            self.stats.add(f"{self.current}: no modal within {WAIT:.0f} s")
            return False
        if not wanted(seen):
            self.stats.add(f"{self.current}: refused ({seen.text[:40]})")
            return False
        return True

    def submit(self) -> bool:
        reply = self.actor.submit()
        if reply.status != 200:
            self.stats.add(f"{self.current}: HTTP {reply.status}")
            self.actor.fake.clear_modals(self.actor.user_id)
            return False
        if reply.errors:
            self.stats.add(f"{self.current}: refused in the modal")
            self.actor.fake.clear_modals(self.actor.user_id)
            return False
        self.stats.add(self.current)
        return True

    def give_reason(self, found: finder.Found, callback: str, reason: str) -> None:
        if self.open_modal(found, callback):
            self.actor.fill("Reason", reason)
            self.submit()


class Mentee(Person):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.proposals: list[Seen] = []
        self.mine: list[Seen] = []  # "Request sent" and "Session confirmed" messages
        self.count = 0

    def step(self) -> None:
        for seen in self.news():
            if seen.kind not in MESSAGE_KINDS:
                continue  # Home shows the same buttons; people act on the messages here
            if buttons(seen, "Accept"):
                self.proposals.append(seen)
            elif buttons(seen, "Withdraw request") or buttons(seen, "Cancel session"):
                self.mine.append(seen)
        if self.proposals:
            proposal = self.proposals.pop(0)
            accept = self.random.random() < 0.7
            self.current = "accept proposal" if accept else "decline proposal"
            reply = self.actor.press(buttons(proposal, "Accept" if accept else "Decline")[0])
            self.stats.add(self.current if reply.status == 200 else f"{self.current}: HTTP")
        elif self.mine and self.random.random() < 0.12:
            message = self.mine.pop(self.random.randrange(len(self.mine)))
            found = buttons(message, "Withdraw request") or buttons(message, "Cancel session")
            self.current = "cancel"
            self.give_reason(found[0], Callback.CANCEL, "Something came up, sorry.")
        else:
            self.book()

    def book(self) -> None:
        self.current = "find"
        skills = " ".join(self.random.sample(SKILLS, self.random.choice((1, 2))))
        mark = self.inbox.mark()
        reply = self.actor.command(f"find {skills}")
        if reply.status != 200:
            self.stats.add(f"find: HTTP {reply.status}")
            return
        results = self.inbox.wait_for(lambda s: bool(buttons(s, "Book")), mark, WAIT)
        if results is None:
            self.stats.add(f"find: no results within {WAIT:.0f} s")
            return
        self.stats.add("find")
        self.current = "open Book"
        if not self.open_modal(self.random.choice(buttons(results, "Book")), Callback.BOOK):
            return
        self.count += 1
        self.message = f"Load request {self.actor.user_id}-{self.count}: help me with {skills}."
        self.actor.fill(QUESTION, self.message)
        self.current = "submit Book"
        self.submit()
        self.message = ""


class Mentor(Person):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cards: list[Seen] = []

    def step(self) -> None:
        self.cards += [s for s in self.news() if s.kind in MESSAGE_KINDS and buttons(s, "Approve")]
        if not self.cards:
            return
        card = self.cards.pop(0)
        choice = self.random.random()
        propose = buttons(card, "Propose another time")  # gone once a time was proposed
        if choice < 0.55:
            self.current = "approve"
            reply = self.actor.press(buttons(card, "Approve")[0])
            self.stats.add("approve" if reply.status == 200 else f"approve: HTTP {reply.status}")
        elif choice < 0.70:
            self.current = "decline"
            self.give_reason(buttons(card, "Decline")[0], Callback.DECLINE, "Fully booked.")
        elif choice < 0.85 and propose:
            self.current = "propose"
            if self.open_modal(propose[0], Callback.PROPOSE):
                self.pick_a_time()
        else:
            self.stats.add("ignore a request")

    def pick_a_time(self) -> None:
        modal = self.actor.modal() or {}
        times = [
            text_of(option.get("text"))
            for block in input_blocks(modal.get("blocks") or [])
            for option in options_of(block.get("element") or {})
        ]
        self.actor.fill("Time", self.random.choice(times))
        self.submit()


# -- due-work passes racing alongside ---------------------------------------------------------

REPORT = re.compile(r"run-due: (\d+) sent, (\d+) failed, (\d+) deferred")


@dataclass
class PassTally:
    passes: int = 0
    sent: int = 0
    failed: int = 0
    deferred: int = 0
    errors: list[str] = field(default_factory=list)


def run_due_process(env: dict[str, str], workdir: Path, tally: PassTally) -> None:
    """One real `mentor-bot run-due`, its report added to `tally`."""
    done = subprocess.run(
        [str(ENTRY_POINT), "run-due"], env=env, cwd=workdir, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    found = REPORT.search(done.stdout)
    tally.passes += 1
    if done.returncode != 0 or found is None:
        tally.errors.append(f"exit {done.returncode}: {done.stderr.strip()[-300:]}")
        return
    tally.sent += int(found[1])
    tally.failed += int(found[2])
    tally.deferred += int(found[3])


def due_loop(mode: str, env: dict[str, str], workdir: Path, stop: threading.Event) -> PassTally:
    """Passes back to back until `stop`: real processes, or run_due_pass on its own engine."""
    tally = PassTally()
    if mode == "process":
        while not stop.is_set():
            run_due_process(env, workdir, tally)
        return tally
    settings = load_settings(env)
    engine = make_engine(settings.database_url)
    deps = Deps(settings, make_session_factory(engine), SystemClock())
    client = make_web_client(settings.slack_bot_token, settings.slack_api_url)
    while not stop.is_set():
        try:
            report = run_due_pass(deps, client)
        except Exception as error:  # a pass that breaks is a finding, not the end of the loop
            tally.errors.append(repr(error)[:300])
        else:
            tally.sent += report.sent
            tally.failed += report.failed
            tally.deferred += report.deferred
        tally.passes += 1
        stop.wait(0.2)
    engine.dispose()
    return tally


# -- the checks ------------------------------------------------------------------------------

DUE_TEXTS = {
    "Reminder: session with ": lifecycle.REMINDER,
    "A request is waiting for your answer": lifecycle.REQUEST_NUDGE,
    "Your request expired": lifecycle.REQUEST_EXPIRY,
    "Did your session take place?": lifecycle.CHECKIN,
}
MENTION = re.compile(r"<@(U[A-Z0-9]+)>")
DATE = re.compile(r"<!date\^(\d+)\^")
MessageKey = tuple[str, str, str, int | None]


def message_key(params: dict[str, Any]) -> MessageKey | None:
    """(kind, recipient, other person, session start) of a due-work message; None otherwise."""
    said = str(params.get("text") or "")
    kind = next((k for prefix, k in DUE_TEXTS.items() if said.startswith(prefix)), None)
    if kind is None:
        return None
    blocks = str(params.get("blocks"))
    other = MENTION.search(blocks)
    start = DATE.search(blocks)
    # A nudge may predate an accepted proposal that moved the booking: leave its time out.
    when = int(start[1]) if start and kind != lifecycle.REQUEST_NUDGE else None
    return kind, str(params.get("channel")), other[1] if other else "?", when


@dataclass(frozen=True)
class BookingRow:
    id: int
    status: str
    slot_id: int | None
    starts_at: datetime
    decided_at: datetime | None
    message: str
    has_card: bool
    mentor: str
    mentor_user: int
    mentee: str
    mentee_user: int


def load_bookings(engine: Engine) -> dict[int, BookingRow]:
    mentor, mentee = aliased(User), aliased(User)
    query = (
        select(
            Booking.id, Booking.status, Booking.slot_id, Booking.starts_at, Booking.decided_at,
            Booking.message, Booking.mentor_message_ts.is_not(None), mentor.slack_id, mentor.id,
            mentee.slack_id, mentee.id,
        )
        .join(MentorProfile, MentorProfile.id == Booking.mentor_id)
        .join(mentor, mentor.id == MentorProfile.user_id)
        .join(mentee, mentee.id == Booking.mentee_id)
    )  # fmt: skip
    with make_session_factory(engine).begin() as session:
        return {row[0]: BookingRow(*row) for row in session.execute(query)}


def load_due(engine: Engine) -> list[DueWork]:
    with make_session_factory(engine).begin() as session:
        rows = list(session.scalars(select(DueWork)))
        session.expunge_all()
    return rows


@dataclass
class Check:
    name: str
    failures: list[str]

    @property
    def ok(self) -> bool:
        return not self.failures


def check_slots(bookings: dict[int, BookingRow]) -> Check:
    held = Counter(b.slot_id for b in bookings.values() if b.status in LIVE)
    return Check("no slot held by two live bookings",
                 [f"slot {slot} held {n} times" for slot, n in held.items() if n > 1])  # fmt: skip


def check_plans(
    bookings: dict[int, BookingRow], rows: list[DueWork], offsets: tuple[timedelta, ...]
) -> Check:
    """Pending requests can still expire, sessions will be reminded and checked in on, closed
    bookings have nothing left to send."""
    by_key = {row.key: row for row in rows}
    pending_of: dict[int, list[str]] = defaultdict(list)
    for row in rows:
        if row.booking_id is not None and row.status == "pending":
            pending_of[row.booking_id].append(row.key)
    failures: list[str] = []
    for b in bookings.values():
        if b.status == "pending":
            expiry = by_key.get(f"{lifecycle.REQUEST_EXPIRY}:{b.id}")
            if expiry is None or expiry.status != "pending":
                failures.append(f"pending booking {b.id} has no pending expiry")
        elif b.status == "approved":
            assert b.decided_at is not None
            for user in (b.mentor_user, b.mentee_user):
                wanted = [f"{lifecycle.CHECKIN}:{b.id}:{user}"] + [
                    f"{lifecycle.REMINDER}:{lifecycle.offset_label(o)}:{b.id}:{user}"
                    for o in offsets
                    if b.starts_at - o > b.decided_at + timedelta(seconds=1)
                ]
                for key in wanted:
                    planned = by_key.get(key)
                    if planned is None or planned.status not in ("pending", "sent"):
                        failures.append(f"approved booking {b.id}: {key} is "
                                        f"{planned.status if planned else 'missing'}")  # fmt: skip
        elif pending_of.get(b.id):
            failures.append(f"{b.status} booking {b.id} still has {pending_of[b.id]}")
        if b.status == "expired":
            expiry = by_key.get(f"{lifecycle.REQUEST_EXPIRY}:{b.id}")
            if expiry is None or expiry.status != "sent":
                failures.append(f"expired booking {b.id}: its expiry is "
                                f"{expiry.status if expiry else 'missing'}, not sent")  # fmt: skip
    return Check("every live booking has its due work, closed ones none", failures)


def row_key(row: DueWork, bookings: dict[int, BookingRow], slack_ids: dict[int, str]) -> MessageKey:
    b = bookings[row.booking_id or 0]
    recipient = slack_ids.get(row.recipient_id or 0, b.mentee)
    other = b.mentee if recipient == b.mentor else b.mentor
    when = None if row.kind == lifecycle.REQUEST_NUDGE else int(b.starts_at.timestamp())
    return row.kind, recipient, other, when


def check_messages(
    fake: FakeSlack, bookings: dict[int, BookingRow], rows: list[DueWork], slack_ids: dict[int, str]
) -> tuple[Check, Check]:
    """Each sent row is one message; a claimed row cancelled meanwhile may have sent one."""
    said: Counter[MessageKey] = Counter()
    for call in list(fake.calls):
        if call.method == "chat.postMessage" and call.ok:
            key = message_key(call.params)
            if key is not None:
                said[key] += 1
    sent: Counter[MessageKey] = Counter()
    raced: Counter[MessageKey] = Counter()
    for row in rows:
        if row.booking_id is None or row.kind not in DUE_TEXTS.values():
            continue
        key = row_key(row, bookings, slack_ids)
        if row.status == "sent":
            sent[key] += 1
        elif row.status == "cancelled" and row.attempts:
            raced[key] += 1
    twice = [f"{k}: {said[k]} messages for {sent[k]} sent rows"
             for k in said if said[k] > sent[k] + raced[k]]  # fmt: skip
    missing = [
        f"{k}: {sent[k]} sent rows but {said[k]} messages" for k in sent if said[k] < sent[k]
    ]
    return (Check("no due_work row sent twice (messages <= sent rows)", twice),
            Check("every sent row produced its message", missing))  # fmt: skip


def check_lost(rows: list[DueWork], until: datetime) -> tuple[Check, Check]:
    now = datetime.now(UTC)
    lost, stuck = [], []
    for row in rows:
        if row.status == "failed" and not row.last_error:
            lost.append(f"{row.key} failed with no error recorded")
        if row.status != "pending" or row.due_at > until:
            continue
        if row.claim_token and row.lease_until and row.lease_until > now:
            stuck.append(f"{row.key} leased until {row.lease_until:%H:%M:%S}")
        else:
            lost.append(f"{row.key} due {row.due_at:%H:%M:%S} still pending "
                        f"(attempts {row.attempts}, {row.last_error or 'no error'})")  # fmt: skip
    return (Check("no due message lost (due before the end: sent, failed or cancelled)", lost),
            Check("no stuck leases", stuck))  # fmt: skip


LOG_LINE = re.compile(r"^\S+ \S+ (WARNING|ERROR|CRITICAL) (\S+): (.*)$")
HARMLESS_LOG = ("As you gave `client` as well",)  # Bolt sees SLACK_BOT_TOKEN; we pass a client


def log_summary(workdir: Path) -> Counter[str]:
    """The replicas' warnings and errors, numbers blanked so that alike lines count together."""
    found: Counter[str] = Counter()
    for log in sorted(workdir.glob("*.log")):
        for line in log.read_text(errors="replace").splitlines():
            matched = LOG_LINE.match(line)
            if line.startswith("Traceback"):
                found["Traceback"] += 1
            elif matched and not matched[3].startswith(HARMLESS_LOG):
                found[f"{matched[1]} {matched[2]}: {re.sub(r'[0-9]+', 'N', matched[3])[:90]}"] += 1
    return found


def in_flight(stats: Stats, bookings: dict[int, BookingRow]) -> list[str]:
    """What became of the requests whose connection died with the killed replica."""
    by_message = {b.message: b for b in bookings.values()}
    steps = Counter(step for _, step, _ in stats.lost)
    lines = [f"{n} × {step}" for step, n in steps.most_common()]
    for who, step, message in stats.lost:
        if step == "submit Book" and message:
            booking = by_message.get(message)
            fate = (f"booking {booking.id} {booking.status}, card "
                    f"{'on record' if booking.has_card else 'not on record'}"
                    if booking else "no booking written")  # fmt: skip
            lines.append(f"{who} submit Book: {fate}")
    return lines


# -- the run ---------------------------------------------------------------------------------


@contextmanager
def logged_threads(target: Callable[..., Any], args_list: list[tuple[Any, ...]]) -> Iterator[list]:
    """Start one thread per argument tuple; yields the results list, filled when they end."""
    results: list[Any] = [None] * len(args_list)

    def run(index: int, args: tuple[Any, ...]) -> None:
        results[index] = target(*args)

    threads = [threading.Thread(target=run, args=(i, a), daemon=True)
               for i, a in enumerate(args_list)]  # fmt: skip
    for thread in threads:
        thread.start()
    try:
        yield results
    finally:
        for thread in threads:
            thread.join(timeout=180)


def wait_quiet(fake: FakeSlack, quiet: float = 2.0, limit: float = 60.0) -> None:
    """Until the fake has had no Web API call for `quiet` seconds (work after acks is done)."""
    deadline = time.monotonic() + limit
    count = len(fake.calls)
    still = time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.25)
        if len(fake.calls) != count:
            count, still = len(fake.calls), time.monotonic()
        elif time.monotonic() - still >= quiet:
            return


def table(title: str, header: list[str], rows: Iterable[Sequence[Any]]) -> None:
    print(f"\n### {title}\n")
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for row in rows:
        print("| " + " | ".join(str(cell) for cell in row) + " |")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="how long the load lasts")
    parser.add_argument("--users", type=int, default=200, help="simulated people")
    parser.add_argument("--database-url", default=DEFAULT_URL, help="recreated on every run")
    parser.add_argument("--think", type=float, default=1.0,
                        help="mean seconds a person pauses between steps")  # fmt: skip
    parser.add_argument("--run-due", choices=("thread", "process"), default="thread",
                        help="race passes as threads (own engines) or real processes")  # fmt: skip
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    recreate_database(args.database_url)
    fake = FakeSlack().start()
    engine = make_engine(args.database_url)
    replicas: list[Replica] = []
    with tempfile.TemporaryDirectory(prefix="load-") as folder:
        workdir = Path(folder)
        try:
            return run(args, fake, engine, workdir, replicas)
        finally:
            for replica in replicas:
                replica.stop()
            fake.stop()
            engine.dispose()


def run(
    args: argparse.Namespace, fake: FakeSlack, engine: Engine, workdir: Path, replicas: list
) -> int:
    people = add_people(fake, args.users)
    upgrade(engine)
    started = time.monotonic()
    starts = first_slot(datetime.now(UTC))
    slots = seed(engine, fake, people, starts)
    # Reminders fall due towards the end of the load, so the passes send some while it runs.
    # Reminders fall due all through the load (allowing a minute to start the replicas).
    seeded = datetime.now(UTC)
    offsets = reminder_offsets(starts, seeded, seeded + timedelta(seconds=60 + args.seconds))
    env = bot_environment(fake, args.database_url, offsets)
    replicas += [Replica(f"replica-{n}", env, workdir) for n in (1, 2)]
    for replica in replicas:
        replica.start()
    print(f"seeded {len(people.mentors)} mentors ({slots} slots from {starts:%H:%M} UTC) and "
          f"started 2 replicas in {time.monotonic() - started:.1f} s")  # fmt: skip

    balancer = Balancer(replicas)
    stats = Stats()
    inboxes = {user: Inbox() for user in people.mentors + people.mentees}
    fake.subscribe(lambda seen: inboxes[seen.audience].add(seen) if seen.audience in inboxes
                   else None)  # fmt: skip
    crowd: list[Person] = [
        (Mentor if user in people.mentors else Mentee)(
            SimActor(BalancedDriver(fake, balancer), user), inboxes[user], stats, n
        )
        for n, user in enumerate(people.mentors + people.mentees)
    ]
    stop_people, stop_passes = threading.Event(), threading.Event()
    kill_at, restart_at = args.seconds * 0.4, args.seconds * 0.6
    began = time.monotonic()
    with (
        logged_threads(due_loop, [(args.run_due, env, workdir, stop_passes)] * 2) as passes,
        logged_threads(Person.run, [(p, stop_people, args.think) for p in crowd]),
    ):
        time.sleep(kill_at)
        replicas[0].kill()
        print(f"{time.monotonic() - began:5.1f} s: SIGKILL {replicas[0].name}")
        time.sleep(max(restart_at - (time.monotonic() - began), 0))
        replicas[0].start()
        print(f"{time.monotonic() - began:5.1f} s: {replicas[0].name} restarted and healthy")
        time.sleep(max(args.seconds - (time.monotonic() - began), 0))
        stop_people.set()
        ended = datetime.now(UTC)
        print(f"{time.monotonic() - began:5.1f} s: load stopped; waiting for people and passes")
        wait_quiet(fake)
        stop_passes.set()
    print(f"{time.monotonic() - began:5.1f} s: people and passes stopped")
    drain = PassTally()
    run_due_process(env, workdir, drain)
    wait_quiet(fake)
    print(f"{time.monotonic() - began:5.1f} s: drained by one more `mentor-bot run-due`")
    return report(fake, engine, workdir, balancer, stats, passes, drain, ended, env)


def report(
    fake: FakeSlack,
    engine: Engine,
    workdir: Path,
    balancer: Balancer,
    stats: Stats,
    passes: list[PassTally],
    drain: PassTally,
    ended: datetime,
    env: dict[str, str],
) -> int:
    bookings = load_bookings(engine)
    rows = load_due(engine)
    with make_session_factory(engine).begin() as session:
        slack_ids = {uid: sid for uid, sid in session.execute(select(User.id, User.slack_id))}
        booked = session.scalar(select(func.count()).select_from(Booking))
    offsets = load_settings(env).reminder_offsets

    table("Requests per replica", ["replica", "sent", "answered", "refused", "lost in flight",
          "not 200", "p50 ms", "p99 ms"],
          [[name, *t.row()] for name, t in balancer.tallies.items()])  # fmt: skip
    table("What people did", ["step", "count"], sorted(stats.done.items()))
    table("Bookings by status", ["status", "count"],
          sorted(Counter(b.status for b in bookings.values()).items()))  # fmt: skip
    kinds = Counter((row.kind, row.status) for row in rows)
    statuses = sorted({status for _, status in kinds})
    table("Due work by kind and status", ["kind", *statuses],
          [[kind, *(kinds[(kind, s)] for s in statuses)]
           for kind in sorted({kind for kind, _ in kinds})])  # fmt: skip
    table("Due-work passes", ["loop", "passes", "sent", "failed", "deferred", "errors"],
          [[f"loop {n}", t.passes, t.sent, t.failed, t.deferred, len(t.errors)]
           for n, t in enumerate([*passes, drain], 1)])  # fmt: skip
    print(f"\nThis process (people, fake Slack, passes) used {time.process_time():.0f} CPU s; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")  # fmt: skip
    logged = log_summary(workdir)
    table("Replicas' log warnings and errors", ["count", "line"],
          [[n, line] for line, n in logged.most_common(12)])  # fmt: skip
    posted = Counter(call.method for call in fake.calls if call.ok)
    print(f"\n{booked} bookings; fake Slack: {posted['chat.postMessage']} messages, "
          f"{posted['views.open']} modals opened, {len(fake.problems)} problems")  # fmt: skip
    print("\nRequests lost with the killed replica: "
          + ("; ".join(in_flight(stats, bookings)) or "none"))  # fmt: skip
    no_card = [b.id for b in bookings.values() if not b.has_card]
    print(f"Bookings with no mentor card on record (killed between the ack and remembering "
          f"the card): {len(no_card)} {no_card[:10]}")  # fmt: skip

    checks = [
        check_slots(bookings),
        check_plans(bookings, rows, offsets),
        *check_messages(fake, bookings, rows, slack_ids),
        *check_lost(rows, ended),
        Check("no errors in the replicas' logs",
              [f"{n} × {line}" for line, n in logged.items() if not line.startswith("WARNING")]),
        Check("every request acknowledged in time (Bolt)",
              [f"{n} × {line}" for line, n in logged.items() if "ack()" in line]),
        Check("every answer was HTTP 200",
              [f"{n}: {s} × {c}" for n, t in balancer.tallies.items()
               for s, c in t.statuses.items() if s != 200]),
        Check("due-work passes never crashed", [e for t in [*passes, drain] for e in t.errors]),
        Check("the simulator saw nothing Slack would refuse", list(fake.problems)),
    ]  # fmt: skip
    table("Invariants", ["invariant", "result", "detail"],
          [[c.name, "ok" if c.ok else f"FAILED ({len(c.failures)})", "; ".join(c.failures[:3])]
           for c in checks])  # fmt: skip
    return 0 if all(c.ok for c in checks) else 1


if __name__ == "__main__":
    raise SystemExit(main())
