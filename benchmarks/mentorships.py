"""Issue 13 at scale: Home and `/mentor mentorships` with 20,000 active mentorships.

Why: the "Your mentorships" section and the list load every mentorship of a person with their
partners, goals and steps; if a query grows with the table instead of with the person, a busy
mentor's Home slows down as the programme grows. This script runs the real app
(`bot.sandbox`: waitress on loopback, the simulated Slack, a ManualClock at the data set's now)
on the company-scale data set of `benchmarks.dataset`, which holds 20,000 active pair
mentorships, and in the same run the bare Bolt app that only acks (the baseline of every ratio).

    python -m benchmarks.mentorships [--quick] [--requests N] [--database-url URL [--reuse]]

Rows, each as p50 and p99 of the ack (the HTTP answer) and of the complete handling (until the
listener executor is idle: `views.publish` or the `response_url` answer reached the simulator),
for the busy mentor (`dataset.BUSY_MENTOR`: ten pairs and a group of six) and one of their
mentees (`dataset.BUSY_MENTEE`, also in a pair with another mentor):
Home (`app_home_opened`) and `/mentor mentorships`. Under the Home rows, the share of their
complete time that is the simulator's own Block Kit check of the published view (Slack's side,
counted because the simulator runs in the same process).

Then the statements `mentorship_view.mentorships_of` runs for each of them (their number must
not grow with the person's mentorships) with the plan the database chose for each; a full scan
of a table is reported, since at this scale it means a missing index.

Targets (issue 13): ack p99 under 100 ms; complete within 5x the baseline (p50 against p50;
the p99 ratio is shown next to it).

`--quick` uses the 1,000-mentor set (2,000 mentorships) and 20 requests per row. Without
`--database-url` the data set is the cached SQLite file (copied, as the app may write);
`--database-url` DROPS that PostgreSQL database's `public` schema and builds the set there, unless
`--reuse` finds it already built.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event, select, text

from benchmarks.common import machine_line, p50_p99, run_baseline
from benchmarks.dataset import (
    BUSY_GROUP_SIZE,
    BUSY_MENTEE,
    BUSY_MENTOR,
    BUSY_PAIRS,
    NOW,
    Spec,
    cached_sqlite,
    mentee_slack_id,
    mentor_slack_id,
    timed_build,
)
from benchmarks.scale import Samples, Stopwatch
from bot.sandbox import SIGNING_SECRET, sandbox
from bot.services.mentorship_cards import cards_of
from bot.services.mentorship_view import mentorships_of
from bot.simulator import FakeSlack, SlackDriver
from bot.simulator.driver import Reply
from store.models import MentorshipMember, User

ACK_TARGET_MS = 100.0
COMPLETE_TARGET = 5.0  # times the baseline
OutcomeT = TypeVar("OutcomeT")
PEOPLE = {BUSY_MENTOR: "busy mentor", BUSY_MENTEE: "their mentee"}
BIG_TABLES = ("mentorships", "mentorship_members", "mentorship_goals", "goal_steps", "users",
              "mentor_profiles", "bookings")  # fmt: skip


# -- the requests ----------------------------------------------------------------------------


@dataclass
class Outcome:
    rows: dict[str, Samples] = field(default_factory=dict)
    built: dict[str, bool] = field(default_factory=dict)  # row -> the real mentorships answer
    plans: list[Plan] = field(default_factory=list)
    request_plans: list[Plan] = field(default_factory=list)
    statements: dict[str, str] = field(default_factory=dict)  # person -> SELECTs
    direct: dict[str, list[float]] = field(default_factory=dict)  # person -> ms per call
    checks: dict[str, list[float]] = field(default_factory=dict)  # Home row -> ms per check


def known_to_slack(fake: FakeSlack) -> None:
    """The actors and everyone their mentorships show."""
    for index in (0, 1):
        fake.add_user(mentor_slack_id(index), f"Mentor {index}", "UTC")
    for index in range(BUSY_PAIRS + BUSY_GROUP_SIZE):
        fake.add_user(mentee_slack_id(index), f"Mentee {index}", "Europe/Paris")


def marks_of(sessions: Any, person: str) -> set[str]:
    """Texts only the person's mentorships would put on screen: goals and group names."""
    with sessions.begin() as session:
        views = mentorships_of(session, slack_id=person)
    marks = {view.name for view in views if view.name}
    marks |= {goal.text for view in views for member in view.members for goal in member.goals}
    return marks


def shows_mentorships(blob: str, marks: set[str]) -> bool:
    """Whether an answer is the mentorships one (not the unknown-subcommand help)."""
    if "I don't know `mentorships`" in blob:
        return False
    return any(mark in blob for mark in marks)


def control_person(sessions: Any) -> str:
    """The mentee of the newest pair: a person with one mentorship, for the query count."""
    with sessions.begin() as session:
        found = session.scalar(
            select(User.slack_id)
            .join(MentorshipMember, MentorshipMember.mentee_id == User.id)
            .order_by(MentorshipMember.id.desc())
            .limit(1)
        )
    return str(found)


def timing_view_checks(fake: FakeSlack) -> list[float]:
    """ms of each Block Kit check the simulator makes of a view (Slack's side of
    `views.publish`, which the complete time includes since the simulator runs in-process)."""
    times: list[float] = []
    check = fake.check_view

    def timed(view: dict, kind: str, where: str) -> list[str]:
        started = time.perf_counter()
        try:
            return check(view, kind, where)
        finally:
            times.append((time.perf_counter() - started) * 1000)

    fake.check_view = timed  # type: ignore[method-assign]
    return times


def run_bot(url: str, count: int, warmup: int) -> Outcome:
    fake = FakeSlack()
    known_to_slack(fake)
    outcome = Outcome()
    view_checks = timing_view_checks(fake)
    with sandbox(url, now=NOW, fake=fake) as box:
        watch = Stopwatch(box.executor.wait_idle)
        driver = SlackDriver(fake, box.driver.app_url, SIGNING_SECRET, settle=watch.settle)

        def row(name: str, action: Callable[[], Reply]) -> Samples:
            samples = outcome.rows.setdefault(name, Samples())
            for n in range(warmup + count):
                ack, complete = watch.time(action)
                if n >= warmup:
                    samples.acks.append(ack)
                    samples.completes.append(complete)
            return samples

        marks = {person: marks_of(box.deps.sessions, person) for person in PEOPLE}
        for person, who in PEOPLE.items():
            name = f"Home, {who}"
            homes = len([s for s in fake.seen_by(person) if s.kind == "home"])
            view_checks.clear()
            row(name, driver.user(person).open_home)
            outcome.checks[name] = view_checks[warmup:]
            published = len([s for s in fake.seen_by(person) if s.kind == "home"]) - homes
            if published != warmup + count:
                raise SystemExit(f"{name}: {published} Homes published for {warmup + count} opens")
            outcome.built[name] = shows_mentorships(str(fake.home(person)), marks[person])
        for person, who in PEOPLE.items():
            actor = driver.user(person)
            name = f"/mentor mentorships, {who}"
            before = len(fake.seen_by(person))
            row(name, lambda: actor.command("mentorships"))  # noqa: B023
            answers = " ".join(f"{s.text} {s.blocks}" for s in fake.seen_by(person)[before:])
            outcome.built[name] = shows_mentorships(answers, marks[person])
        for person, who in PEOPLE.items():
            outcome.direct[who] = time_mentorships_of(box.deps.sessions, person, warmup + count)
        if fake.problems:
            raise SystemExit("the simulator saw problems: " + "; ".join(fake.problems[:3]))
        outcome.plans, outcome.statements = explain_mentorships_of(box.engine, box.deps.sessions)
        mentor = driver.user(BUSY_MENTOR)
        outcome.request_plans = explain_requests(box.engine, {
            "Home, busy mentor": lambda: watch.time(mentor.open_home) and mentor.home(),
            "/mentor mentorships, busy mentor": lambda: watch.time(
                lambda: mentor.command("mentorships")),
        })  # fmt: skip
    return outcome


def time_mentorships_of(sessions: Any, person: str, calls: int) -> list[float]:
    """ms per in-process `mentorships_of` call in its own transaction (the read alone)."""
    times = []
    for _ in range(calls):
        started = time.perf_counter()
        with sessions.begin() as session:
            mentorships_of(session, slack_id=person)
        times.append((time.perf_counter() - started) * 1000)
    return times[len(times) // 10 :]


# -- the statements and their plans ----------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    who: str
    statement: str
    plan: list[str]
    full_scans: list[str]
    indexed: bool = False  # PostgreSQL chose the scan though an index would serve (small table)


@contextmanager
def recording(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """Every statement the engine runs inside the block, with its parameters."""
    seen: list[tuple[str, Any]] = []

    def note(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def explain_mentorships_of(engine: Engine, sessions: Any) -> tuple[list[Plan], dict[str, str]]:
    plans: list[Plan] = []
    counts: dict[str, str] = {}
    control = control_person(sessions)
    for person, who in {**PEOPLE, control: "the newest pair's mentee"}.items():
        with recording(engine) as seen, sessions.begin() as session:
            found = mentorships_of(session, slack_id=person)
        selects = [(s, p) for s, p in seen if s.lstrip().upper().startswith("SELECT")]
        with recording(engine) as whole, sessions.begin() as session:
            cards_of(session, slack_id=person, now=NOW, include_over=True)
        cards = sum(s.lstrip().upper().startswith("SELECT") for s, _ in whole)
        counts[f"{who} ({len(found)} mentorships)"] = f"{len(selects)} SELECTs; `cards_of` " \
            f"(the whole read of Home's section and the list) {cards}"  # fmt: skip
        if person == control:
            continue
        for statement, parameters in selects:
            plans.append(plan_of(engine, who, statement, parameters))
    return plans, counts


def plan_of(
    engine: Engine, who: str, statement: str, parameters: Any, *, big: tuple[str, ...] = BIG_TABLES
) -> Plan:
    """The plan of one statement; `big` names the tables whose full scan is flagged."""
    plan = explain(engine, statement, parameters)
    scans = full_scans(engine, plan, big)
    indexed = bool(scans) and engine.dialect.name == "postgresql" and not full_scans(
        engine, explain(engine, statement, parameters, seqscan=False), big)  # fmt: skip
    return Plan(who, statement, plan, scans, indexed)


def explain_requests(engine: Engine, requests: dict[str, Callable[[], object]]) -> list[Plan]:
    """The plans of every distinct SELECT one request of each kind runs (listeners included)."""
    plans: list[Plan] = []
    for who, request in requests.items():
        with recording(engine) as seen:
            request()
        distinct = {s: p for s, p in seen if s.lstrip().upper().startswith("SELECT")}
        plans += [plan_of(engine, who, s, p) for s, p in distinct.items()]
    return plans


def explain(engine: Engine, statement: str, parameters: Any, *, seqscan: bool = True) -> list[str]:
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
            return [str(r[3]) for r in rows]
        if not seqscan:  # would an index serve it? (the planner's choice aside)
            connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        rows = connection.exec_driver_sql(f"EXPLAIN {statement}", parameters)
        return [str(r[0]) for r in rows]


def full_scans(engine: Engine, plan: list[str], big: tuple[str, ...] = BIG_TABLES) -> list[str]:
    """Plan lines that read a whole big table (SQLite `SCAN t`, PostgreSQL `Seq Scan on t`)."""
    found = []
    for line in plan:
        words = line.replace("->", " ").split()
        if engine.dialect.name == "sqlite" and words[:1] == ["SCAN"] and len(words) > 1:
            table = words[1]
        elif "Seq Scan on" in line:
            table = line.split("Seq Scan on", 1)[1].split()[0]
        else:
            continue
        if table in big:
            found.append(line.strip())
    return found


# -- the data set ----------------------------------------------------------------------------


def postgres_ready(url: str, spec: Spec, *, reuse: bool) -> None:
    """Build the set in `url` (after dropping its public schema) unless `reuse` finds it."""
    engine = create_engine(url)
    try:
        if reuse:
            with engine.connect() as connection:
                try:
                    mentors = connection.execute(text("SELECT count(*) FROM mentor_profiles"))
                    pairs = connection.execute(
                        text("SELECT count(*) FROM mentorships WHERE kind = 'pair'")
                    )
                    if (mentors.scalar(), pairs.scalar()) == (spec.mentors, spec.mentorships):
                        # A new simulator numbers its events from 1 again: without this the
                        # app would drop them as deliveries it has already handled.
                        connection.execute(text("DELETE FROM slack_deliveries"))
                        connection.commit()
                        print(f"reusing the {spec.mentors:,}-mentor data set in the database")
                        return
                except Exception:
                    connection.rollback()
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP SCHEMA public CASCADE")
            connection.exec_driver_sql("CREATE SCHEMA public")
    finally:
        engine.dispose()
    timed_build(url, spec)


# -- report ----------------------------------------------------------------------------------


def baseline_line(base: list[float]) -> list[str]:
    base50, base99 = p50_p99(base)
    return ["baseline ack (bare Bolt, ack only)", f"{base50:.1f}", f"{base99:.1f}",
            "1.00 / 1.00", "", ""]  # fmt: skip


def timing_lines(name: str, samples: Samples, base: list[float], note: str = "") -> list[list[str]]:
    """A row's ack and complete lines, with their ratios to the baseline and the targets."""
    base50, base99 = p50_p99(base)
    p50, p99 = p50_p99(samples.acks)
    lines = [[f"{name}: ack{note}", f"{p50:.1f}", f"{p99:.1f}",
              f"{p50 / base50:.2f} / {p99 / base99:.2f}", f"p99 < {ACK_TARGET_MS:.0f} ms",
              "pass" if p99 < ACK_TARGET_MS else "**FAIL**"]]  # fmt: skip
    p50, p99 = p50_p99(samples.completes)
    ok = p50 <= COMPLETE_TARGET * base50
    verdict = "pass" if ok else "**FAIL**"
    if ok and p99 > COMPLETE_TARGET * base99:
        verdict += f" (p99 {p99 / base99:.1f}× base)"
    lines.append([f"{name}: complete{note}", f"{p50:.1f}", f"{p99:.1f}",
                  f"{p50 / base50:.2f} / {p99 / base99:.2f}",
                  f"p50 ≤ {COMPLETE_TARGET:.0f}× base", verdict])  # fmt: skip
    return lines


def in_process_line(name: str, times: list[float], base: list[float]) -> list[str]:
    """A call timed in-process, with its ratio to the baseline's HTTP ack (no target)."""
    (base50, base99), (p50, p99) = p50_p99(base), p50_p99(times)
    return [name, f"{p50:.1f}", f"{p99:.1f}", f"{p50 / base50:.2f} / {p99 / base99:.2f}", "", ""]


def report(base: list[float], outcome: Outcome) -> list[list[str]]:
    lines = [baseline_line(base)]
    for name, samples in outcome.rows.items():
        note = "" if outcome.built.get(name) else " (mentorships not shown yet: see below)"
        lines += timing_lines(name, samples, base, note)
    for who, times in outcome.direct.items():
        lines.append(in_process_line(f"`mentorships_of` in-process, {who}", times, base))
    for name, times in outcome.checks.items():
        if times:
            lines.append(in_process_line(f"{name}: of which the simulator's Block Kit check of "
                                         f"the view", times, base))  # fmt: skip
    return lines


def print_table(header: list[str], lines: list[list[str]]) -> None:
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for line in lines:
        print("| " + " | ".join(line) + " |")


def print_plans(what: str, plans: list[Plan], *, every: bool) -> None:
    """Each plan (or, unless `every`, only those with a full scan of a big table)."""
    scans = [plan for plan in plans if plan.full_scans and not plan.indexed]
    chosen = [plan for plan in plans if plan.full_scans and plan.indexed]
    print(f"\nquery plans of {what}: {len(plans)} statements, {len(scans)} with a full scan of "
          f"a big table" + (f" and {len(chosen)} where PostgreSQL preferred a scan to the "
                            f"index it has (small table)" if chosen else ""))  # fmt: skip
    for plan in plans if every else [*scans, *chosen]:
        flag = "" if not plan.full_scans else ("SCAN CHOSEN " if plan.indexed else "FULL SCAN ")
        print(f"\n{flag}({plan.who}) {' '.join(plan.statement.split())[:160]}")
        for line in plan.plan:
            print(f"    {line}")


@dataclass(frozen=True)
class Run:
    """What the options of a benchmark on the data set ask for."""

    count: int
    warmup: int
    spec: Spec
    database_url: str | None
    reuse: bool
    extra: argparse.Namespace


def parse_run(
    argv: list[str] | None, description: str, more: Callable[[argparse.ArgumentParser], object]
) -> Run:
    """--quick (the 1,000-mentor set, 20 requests per row), --requests, --database-url and
    --reuse, and the benchmark's own options (`more`)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help="1,000 mentors, 20 requests per row")
    parser.add_argument("--requests", type=int, help="measured requests per row")
    parser.add_argument("--database-url", help="a PostgreSQL scratch database (its data is LOST)")
    parser.add_argument("--reuse", action="store_true", help="keep a set built there before")
    more(parser)
    args = parser.parse_args(argv)
    count = max(args.requests or (20 if args.quick else 100), 2)
    spec = Spec(scale=0.1 if args.quick else 1.0)
    return Run(count, max(count // 10, 3), spec, args.database_url, args.reuse, args)


def data_set_url(run: Run, workdir: Path) -> str:
    """The data set to run on: built (or reused) in the PostgreSQL database, or a copy of the
    cached SQLite file in `workdir` (the app writes to it)."""
    if run.database_url:
        postgres_ready(run.database_url, run.spec, reuse=run.reuse)
        return run.database_url
    return f"sqlite:///{shutil.copyfile(cached_sqlite(run.spec), workdir / 'set.db')}"


def baseline_and_bot(
    run: Run, what: str, bot: Callable[[str, int, int], OutcomeT]
) -> tuple[list[float], OutcomeT]:
    """The baseline, then `bot(url, count, warmup)` on the data set (in a temporary directory)."""
    print(machine_line())
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        workdir = Path(tmp)
        url = data_set_url(run, workdir)
        engine = url.split(":", 1)[0].split("+", 1)[0]
        print(f"{run.spec.mentors:,} mentors{what} on {engine}; {run.count} measured requests "
              f"per row after {run.warmup} warm-up, HTTP on 127.0.0.1; data set now = "
              f"{NOW:%Y-%m-%d %H:%M} UTC")  # fmt: skip
        base = run_baseline(workdir, run.count, run.warmup)
        return base, bot(url, run.count, run.warmup)


def print_ending(lines: list[list[str]], started: float) -> None:
    failed = [line[0] for line in lines if line[-1].startswith("**FAIL")]
    print(
        f"\nwhole run {time.perf_counter() - started:.0f} s; "
        + (f"targets missed: {'; '.join(failed)}" if failed else "every target met")
    )


def main(argv: list[str] | None = None) -> int:
    run = parse_run(argv, __doc__.splitlines()[0], lambda _: None)
    started = time.perf_counter()
    what = f", {run.spec.mentorships:,} active pair mentorships"
    base, outcome = baseline_and_bot(run, what, run_bot)
    lines = report(base, outcome)
    print()
    print_table(["row", "p50 ms", "p99 ms", "ratio p50 / p99 (× base)", "target", "result"], lines)
    missing = [name for name, built in outcome.built.items() if not built]
    if missing:
        print(f"\nnot the mentorships answer yet (the section or subcommand is not built, so "
              f"these rows measure what answers instead): {'; '.join(missing)}")  # fmt: skip
    print("\nstatements of `mentorships_of` (a fixed number, whatever the person's count):")
    for who, selects in outcome.statements.items():
        print(f"- {who}: {selects}")
    print_plans("mentorships_of", outcome.plans, every=True)
    print_plans("one request of each (every SELECT the listener ran)", outcome.request_plans,
                every=False)  # fmt: skip
    print_ending(lines, started)
    return 0


if __name__ == "__main__":
    sys.exit(main())
