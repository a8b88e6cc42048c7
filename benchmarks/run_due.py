"""How fast a due-work pass sends reminders, compared with bare chat.postMessage calls.

Why: every reminder, check-in and expiry goes out through `run_due_pass`. Slack's Web API is the
cost nobody can avoid, so the baseline is the same messages posted with a bare slack_sdk
WebClient, one after the other, to the same simulated Slack in the same run. The target is a
pass that costs at most 1.5 times that baseline: the database work per reminder (claim, load, mark
sent) must stay small next to one HTTP call.

Run from the repository root:

    python -m benchmarks.run_due [--items N] [--database-url URL] [--rounds R] [--no-cli]

By default the database is a fresh SQLite file in a temporary directory. With --database-url
(for example postgresql+psycopg://postgres@127.0.0.1:5432/bench) that database's `public`
schema is DROPPED and migrated afresh: point it at a scratch database only.

Seeding: N/2 approved sessions starting in the next 24 hours (each mentor has two, each mentee
one; one pair in ten had an earlier session whose review left action items), written with Core
for speed. Their due work is planned by `lifecycle.plan_session`, as approving does, with the
default REMINDER_OFFSETS (24h, 10m): the 24-hour reminders to both people are due now, the rest
later. A pass therefore sends N reminders, and the check afterwards compares every recipient's
DMs with what they should have got (the other person, the link, the request, the action items).

Rows (each timed with `time.perf_counter`):
- baseline, in-process: the same N messages (text and blocks as the pass sent them) posted with
  `chat_postMessage` from a `bot.slack.client.make_web_client` client, sequentially;
- run_due_pass in-process: passes with a clock at the due time until all N are sent. This row
  and the one above run --rounds times, alternated (the reminders are set back to pending
  before each round), and each shows its median: the machine may be shared;
- baseline, subprocess: the same posts from a fresh Python process (`--post-from`, hidden);
- mentor-bot run-due subprocess: the real command (system clock; the seeded due times are in
  the real past), compared with the subprocess baseline. Both include starting Python; the
  last row shows the command's start-up alone (a run with nothing due).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from slack_sdk import WebClient
from sqlalchemy import Engine, insert, select, text, update

from bot.blocks.followup import OPENING_CHECKLIST
from bot.clock import ManualClock
from bot.config import DEFAULTS, Settings, load_settings
from bot.deps import Deps
from bot.jobs import run_due_pass
from bot.services import lifecycle
from bot.services.bookings import get_bookings
from bot.simulator import FakeSlack
from bot.simulator.records import ApiCall
from bot.slack.client import make_web_client
from store.db import SessionFactory, make_engine, make_session_factory
from store.migrate import upgrade
from store.models import Booking, DueWork, MentorProfile, Review, Slot, User

TARGET = 1.5
ZONES = ["America/New_York", "Europe/Paris", "Asia/Kolkata", "UTC", "America/Los_Angeles"]
SESSION = timedelta(minutes=30)
REPEAT_EVERY = 10  # one pair in ten met before and has action items to carry over


@dataclass(frozen=True)
class Expected:
    """What one reminder must say: to whom, about whom, where, and the request it carries."""

    text: str
    link: str
    message: str
    action_items: str | None


# -- database and seeding --------------------------------------------------------------------


def fresh_engine(url: str) -> Engine:
    """An engine on an empty database migrated to head (PostgreSQL's schema is dropped first)."""
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    upgrade(engine)
    return engine


def seed(
    sessions: SessionFactory, fake: FakeSlack, settings: Settings, items: int, now: datetime
) -> dict[str, Counter[Expected]]:
    """N/2 approved sessions whose 24-hour reminders are due at `now`; what each person gets."""
    count = items // 2
    decided = now - timedelta(days=2)
    mentors = [f"U0M{n:05d}" for n in range((count + 1) // 2)]
    mentees = [f"U0E{n:05d}" for n in range(count)]
    for n, slack_id in enumerate(mentors + mentees):
        fake.add_user(slack_id, f"Person {slack_id}", ZONES[n % len(ZONES)])
    with sessions.begin() as session:
        session.execute(
            insert(User),
            [
                {"slack_id": s, "real_name": f"Person {s}", "tz": ZONES[n % len(ZONES)],
                 "created_at": decided, "updated_at": decided}
                for n, s in enumerate(mentors + mentees)
            ],
        )  # fmt: skip
        user_ids = {s: i for s, i in session.execute(select(User.slack_id, User.id))}
        session.execute(
            insert(MentorProfile),
            [
                {"user_id": user_ids[s], "status": "active", "bio": "Happy to help.",
                 "meeting_link": f"https://meet.example.com/{s.lower()}", "session_minutes": 30,
                 "weekly_capacity": 5, "coc_accepted_at": decided, "created_at": decided,
                 "updated_at": decided}
                for s in mentors
            ],
        )  # fmt: skip
        profiles = {
            u: i for u, i in session.execute(select(MentorProfile.user_id, MentorProfile.id))
        }
        plan = []  # (session number, mentor slack id, mentee slack id, start, earlier start)
        for n, mentee in enumerate(mentees):
            start = now + timedelta(hours=24) - SESSION * (n % 2)
            earlier = start - timedelta(days=7) if n % REPEAT_EVERY == 0 else None
            plan.append((n, mentors[n // 2], mentee, start, earlier))
        slot_rows = [
            {"mentor_id": profiles[user_ids[mentor]], "starts_at": at, "ends_at": at + SESSION}
            for _, mentor, _, start, earlier in plan
            for at in (start, earlier)
            if at is not None
        ]
        session.execute(insert(Slot), slot_rows)
        slots = {
            (mentor_id, starts_at): slot_id
            for slot_id, mentor_id, starts_at in session.execute(
                select(Slot.id, Slot.mentor_id, Slot.starts_at)
            )
        }

        def booking(n: int, mentor: str, mentee: str, at: datetime) -> dict[str, Any]:
            mentor_id = profiles[user_ids[mentor]]
            return {
                "slot_id": slots[(mentor_id, at)], "mentor_id": mentor_id,
                "mentee_id": user_ids[mentee], "status": "approved", "message": request_text(n),
                "requested_at": decided - timedelta(days=1), "decided_at": decided,
                "starts_at": at, "ends_at": at + SESSION,
            }  # fmt: skip

        session.execute(
            insert(Booking), [booking(n, mr, me, at) for n, mr, me, at, _ in plan]
        )  # fmt: skip
        upcoming = list(session.scalars(select(Booking.id)))
        earlier_rows = [booking(n, mr, me, e) for n, mr, me, _, e in plan if e is not None]
        if earlier_rows:
            session.execute(insert(Booking), earlier_rows)
            earlier_ids = session.scalars(
                select(Booking.id).where(Booking.starts_at < now).order_by(Booking.id)
            )
            reviewed = [(n, me) for n, _, me, _, e in plan if e is not None]
            session.execute(
                insert(Review),
                [
                    {"booking_id": booking_id, "reviewer_id": user_ids[mentee],
                     "connection_stars": 5, "program_stars": 5,
                     "action_items": action_items(n), "created_at": decided}
                    for booking_id, (n, mentee) in zip(earlier_ids, reviewed, strict=True)
                ],
            )  # fmt: skip
    plan_reminders(sessions, settings, upcoming, now=decided)
    expected: dict[str, Counter[Expected]] = {}
    for n, mentor, mentee, _, earlier in plan:
        link = f"https://meet.example.com/{mentor.lower()}"
        items_text = action_items(n) if earlier is not None else None
        for me, other in ((mentor, mentee), (mentee, mentor)):
            wanted = Expected(f"Reminder: session with <@{other}> tomorrow", link, request_text(n),
                              items_text)  # fmt: skip
            expected.setdefault(me, Counter())[wanted] += 1
    return expected


def plan_reminders(
    sessions: SessionFactory, settings: Settings, booking_ids: list[int], *, now: datetime
) -> None:
    """Each session's due work, planned by the service the approve handler calls."""
    for first in range(0, len(booking_ids), 500):
        with sessions.begin() as session:
            views = get_bookings(session, booking_ids=booking_ids[first : first + 500])
            for view in views.values():
                lifecycle.plan_session(session, view, offsets=settings.reminder_offsets, now=now)


def request_text(n: int) -> str:
    return (
        f"Session {n}: I'd like to get better at designing services and at reviewing code, "
        "and to hear how you planned your move to a staff role."
    )


def action_items(n: int) -> str:
    return f"Read chapter {n % 12 + 1} of the design book; draft a one-page career plan."


def reminders_back_to_pending(sessions: SessionFactory, now: datetime) -> int:
    """Set the reminders sent by one variant back to pending for the next one."""
    with sessions.begin() as session:
        result = session.execute(
            update(DueWork)
            .where(DueWork.kind == lifecycle.REMINDER, DueWork.due_at <= now)
            .values(status="pending", done_at=None, lease_until=None, claim_token=None, attempts=0)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]


# -- what Slack received ---------------------------------------------------------------------


def posts_since(fake: FakeSlack, first: int) -> list[ApiCall]:
    return [call for call in fake.calls[first:] if call.method == "chat.postMessage"]


def blocks_of(call: ApiCall) -> list[dict[str, Any]]:
    blocks = call.params.get("blocks") or []
    return json.loads(blocks) if isinstance(blocks, str) else list(blocks)


def received(call: ApiCall) -> Expected:
    """Read a reminder back into the parts `Expected` names (a first session's checklist and
    tips come after them)."""
    texts = [
        block["text"]["text"]
        for block in blocks_of(call)
        if block["type"] == "section" and not block["text"]["text"].startswith(OPENING_CHECKLIST[0])
    ]
    join = texts[0].split("*Join:* ", 1)[-1]
    asked = texts[1].split("\n>", 1)[-1]
    carried = texts[2].split("\n", 1)[-1] if len(texts) > 2 else None
    return Expected(call.params.get("text", ""), join, asked, carried)


def check(fake: FakeSlack, first: int, expected: dict[str, Counter[Expected]]) -> list[str]:
    """Problems with what was posted since call number `first`; empty when all is right."""
    calls = posts_since(fake, first)
    problems = [f"{call.params.get('channel')}: {call.error}" for call in calls if not call.ok]
    got: dict[str, Counter[Expected]] = {}
    for call in calls:
        if call.ok:
            got.setdefault(str(call.params["channel"]), Counter())[received(call)] += 1
    wrong = [who for who in expected.keys() | got.keys() if got.get(who) != expected.get(who)]
    problems += [f"{who} got {got.get(who)}, expected {expected.get(who)}" for who in wrong[:3]]
    problems += [f"simulator: {problem}" for problem in fake.problems[:3]]
    return problems


# -- the measured variants -------------------------------------------------------------------


def timed(work: Callable[..., Any], *args: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    result = work(*args)
    return time.perf_counter() - start, result


def bare_posts(client: WebClient, messages: list[ApiCall]) -> None:
    for call in messages:
        params = call.params
        client.chat_postMessage(
            channel=params["channel"], text=params["text"], blocks=blocks_of(call)
        )


def bare_posts_subprocess(fake: FakeSlack, messages: list[ApiCall], workdir: Path) -> None:
    """The same posts from a fresh Python process (`--post-from`), as the CLI row runs."""
    posts = [{**call.params, "blocks": blocks_of(call)} for call in messages]
    spec = workdir / "posts.json"
    spec.write_text(json.dumps({"url": fake.base_url, "token": fake.bot_token, "posts": posts}))
    command = [sys.executable, "-m", "benchmarks.run_due", "--post-from", str(spec)]
    subprocess.run(command, cwd=Path(__file__).resolve().parent.parent, check=True, timeout=3600)


def passes_until_sent(deps: Deps, client: WebClient, items: int) -> tuple[int, int]:
    """Run passes until `items` are sent (or a pass sends nothing); (passes, sent)."""
    passes = sent = 0
    while sent < items:
        report = run_due_pass(deps, client)
        passes += 1
        sent += report.sent
        if report.sent == 0 or report.failed or report.deferred:
            break
    return passes, sent


def cli_run_due(fake: FakeSlack, database_url: str, workdir: Path) -> str:
    """`mentor-bot run-due` as a subprocess with settings from the environment only."""
    env = {k: v for k, v in os.environ.items() if k not in DEFAULTS}
    env.update(SLACK_BOT_TOKEN=fake.bot_token, SLACK_API_URL=fake.base_url,
               DATABASE_URL=database_url, LOG_LEVEL="WARNING")  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "run-due"],
        cwd=workdir, env=env, capture_output=True, text=True, timeout=3600, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"mentor-bot run-due failed ({done.returncode}): {done.stderr[-500:]}")
    return done.stdout.strip()


# -- report ----------------------------------------------------------------------------------


def machine_line(engine: Engine) -> str:
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            version = connection.scalar(text("SHOW server_version"))
            database = f"PostgreSQL {version}"
        else:
            database = f"SQLite {connection.scalar(text('select sqlite_version()'))}"
    return (
        f"machine: {platform.platform()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()} ({platform.python_implementation()}), {database}"
    )


Row = tuple[str, float, int, float | None]  # name, seconds, items, its baseline's seconds


def table(rows: list[Row]) -> list[str]:
    lines = [
        "| row | total s | per-item ms | × baseline | target | result |",
        "|---|---:|---:|---:|---|---|",
    ]
    for name, seconds, count, baseline in rows:
        per_item = f"{seconds / count * 1000:.2f}" if count else "–"
        ratio, target, result = "1.00", "–", "–"
        if baseline is not None:
            ratio, target = f"{seconds / baseline:.2f}", f"≤ {TARGET}×"
            result = "pass" if seconds / baseline <= TARGET else "FAIL"
        elif not count:
            ratio = "–"
        lines.append(f"| {name} | {seconds:.2f} | {per_item} | {ratio} | {target} | {result} |")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000, help="reminders to send (even)")
    parser.add_argument(
        "--database-url",
        help="a scratch database (its public schema is dropped); default: SQLite in a temp dir",
    )
    parser.add_argument("--rounds", type=int, default=3, help="alternated in-process rounds")
    parser.add_argument("--no-cli", action="store_true", help="skip the subprocess rows")
    parser.add_argument("--post-from", help=argparse.SUPPRESS)  # the subprocess baseline
    args = parser.parse_args(argv)
    if args.post_from:
        return post_from(Path(args.post_from))
    items = max(2, args.items - args.items % 2)

    with tempfile.TemporaryDirectory(prefix="run-due-bench-") as tmp:
        workdir = Path(tmp)
        url = args.database_url or f"sqlite:///{workdir / 'bench.db'}"
        fake = FakeSlack().start()
        engine = fresh_engine(url)
        try:
            return measure(fake, engine, url, workdir, items, max(1, args.rounds), not args.no_cli)
        finally:
            fake.stop()
            engine.dispose()


def measure(
    fake: FakeSlack, engine: Engine, url: str, workdir: Path, items: int, rounds: int, cli: bool
) -> int:
    print(machine_line(engine))
    settings = load_settings(
        {"SLACK_BOT_TOKEN": fake.bot_token, "SLACK_API_URL": fake.base_url, "DATABASE_URL": url}
    )
    sessions = make_session_factory(engine)
    # The real past, so the subprocess (on the system clock) finds the same work due.
    now = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=1)
    seconds, expected = timed(seed, sessions, fake, settings, items, now)
    print(f"seeded {items // 2} approved sessions, {items} reminders due, in {seconds:.1f} s")
    client = make_web_client(fake.bot_token, fake.base_url)
    deps = Deps(settings, sessions, ManualClock(now))

    pass_times, base_times = [], []
    for _ in range(rounds):  # alternated, so a busy moment on a shared machine hits both rows
        reminders_back_to_pending(sessions, now)
        mark = len(fake.calls)
        seconds, (passes, sent) = timed(passes_until_sent, deps, client, items)
        pass_times.append(seconds)
        problems = check(fake, mark, expected)
        messages = posts_since(fake, mark)
        mark = len(fake.calls)
        base_times.append(timed(bare_posts, client, messages)[0])
        problems += check(fake, mark, expected)  # the same messages: a check of the check
        if problems:
            break
    pass_seconds, base_seconds = statistics.median(pass_times), statistics.median(base_times)
    passes_text = f"{passes} pass{'es' * (passes > 1)}, {sent} sent"
    median = f", median of {len(pass_times)}" if len(pass_times) > 1 else ""
    rows: list[Row] = [
        (f"baseline: {items} bare chat_postMessage, in-process{median}", base_seconds, items, None),
        (f"run_due_pass in-process ({passes_text}){median}", pass_seconds, items, base_seconds),
    ]
    if cli:
        mark = len(fake.calls)
        bare_seconds, _ = timed(bare_posts_subprocess, fake, messages, workdir)
        problems += check(fake, mark, expected)
        reminders_back_to_pending(sessions, now)
        mark = len(fake.calls)
        cli_seconds, out = timed(cli_run_due, fake, url, workdir)
        problems += check(fake, mark, expected)
        empty_seconds, _ = timed(cli_run_due, fake, url, workdir)
        rows += [
            (f"baseline: {items} bare chat_postMessage, subprocess", bare_seconds, items, None),
            (f"mentor-bot run-due subprocess ({out.removeprefix('run-due: ')})",
             cli_seconds, items, bare_seconds),
            ("mentor-bot run-due with nothing due (start-up)", empty_seconds, 0, None),
        ]  # fmt: skip

    print()
    print("\n".join(table(rows)))
    if problems:
        print("\nPROBLEMS:\n" + "\n".join(problems[:10]))
        return 1
    print(f"\nchecked: each of {len(expected)} recipients got exactly their reminders, each time")
    return 0


def post_from(path: Path) -> int:
    """The subprocess baseline: post a file's messages with a bare client, one by one."""
    spec = json.loads(path.read_text())
    client = make_web_client(spec["token"], spec["url"])
    for post in spec["posts"]:
        client.chat_postMessage(channel=post["channel"], text=post["text"], blocks=post["blocks"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
