"""The request paths at company scale (10,000 mentors), against the issue's targets.

Why: a bot that answers in 20 ms with 200 mentors can take seconds with 10,000 if a query or a
loop grows with the data. This script runs the real app (`bot.sandbox`: waitress on loopback,
the simulated Slack, a ManualClock at the data set's "now") on the `benchmarks.dataset` data,
and in the same run a bare Bolt app that only acks (the baseline of every ratio).

    python -m benchmarks.scale [--quick] [--requests N] [--find-only]

Rows, each as p50 and p99 of the ack (HTTP answer) and of the complete handling (until the
listener executor is idle: the results reached the simulated Slack):
`/mentor find` with a common skill (Python, ~30% of mentors) and a rare one (COBOL, ~0.5%),
a bare `/mentor find` matching the asker's saved gaps (Python from 2 to 4, Leadership to 5:
issue 15's levels, explained score and fair ranking),
the Book click and the booking submit (view_submission of the Book modal), the mentor's
Approve click, Home for a busy mentor and a busy mentee (app_home_opened), and the program
stats (`/mentor admin stats 30d`, the digest's figures), the skills catalogue with its mentor and
unmet-search counts (`/mentor admin skills`). Then `/mentor find python` and the bare find by
gaps complete at 1,000 mentors against 10,000 (growth), and the peak memory (VmHWM) of a real
`mentor-bot serve` process on the full data set after it served a few of these requests.

Targets (issues 7 and 15): every ack under 100 ms at p99; find's complete p50 (by skills and
by gaps) at most 5x the baseline's p50 at 10,000 mentors, growing at most 2x from 1,000 to
10,000; serve under 200 MB. `--find-only` runs the find rows alone (no booking, Home, stats or
serve rows).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from benchmarks.common import machine_line, p50_p99, run_baseline, worker_memory_mb
from benchmarks.dataset import (
    BUSY_MENTEE,
    BUSY_MENTOR,
    COMMON_SKILL,
    NOW,
    RARE_SKILL,
    Spec,
    cached_sqlite,
    mentee_slack_id,
    mentor_slack_id,
)
from bot.sandbox import SIGNING_SECRET, Sandbox, sandbox
from bot.simulator import FakeSlack, SlackDriver
from bot.simulator.driver import Reply
from store.models import Booking, MentorProfile, User

COORDINATOR = "U0COORD"
QUESTION = "What would you like from this session?"  # the Book modal's message input
GOALS = "I'd like to learn how to review code kindly and well."
ACK_TARGET_MS = 100.0
FIND_TARGET = 5.0  # times the baseline's p50
GROWTH_TARGET = 2.0
MEMORY_TARGET_MB = 200.0
COMMON = COMMON_SKILL.lower()
RARE = RARE_SKILL.lower()
BY_GAPS = "/mentor find (saved gaps)"


@dataclass
class Samples:
    acks: list[float] = field(default_factory=list)
    completes: list[float] = field(default_factory=list)


class Stopwatch:
    """The driver's `settle` hook: notes when the HTTP answer came, then waits for the
    listener executor to be idle, so one request gives its ack and complete times."""

    def __init__(self, idle: Callable[[], None]) -> None:
        self.idle = idle
        self.started: float | None = None
        self.last = (0.0, 0.0)

    def settle(self) -> None:
        acked = time.perf_counter()
        self.idle()
        if self.started is not None:
            done = time.perf_counter()
            self.last = ((acked - self.started) * 1000, (done - self.started) * 1000)
            self.started = None

    def time(self, action: Callable[[], Reply]) -> tuple[float, float]:
        self.started = time.perf_counter()
        reply = action()
        if reply.status != 200 or reply.errors:
            raise SystemExit(f"HTTP {reply.status}: {reply.errors or reply.body[:200]}")
        return self.last


# -- the bot on the data set -----------------------------------------------------------------


def known_to_slack(fake: FakeSlack, spec: Spec, mentees: list[str]) -> None:
    """Everyone a request may reach: all mentors (a booking can go to any) and our actors."""
    fake.add_user(COORDINATOR, "Cora Ordinator", "Europe/London")
    for index in range(spec.mentors):
        fake.add_user(mentor_slack_id(index), f"Mentor {index}", "UTC")
    for slack_id in mentees:
        fake.add_user(slack_id, f"Mentee {slack_id}", "Europe/Paris")


def run_bot(path: Path, spec: Spec, count: int, warmup: int, *, full: bool) -> dict[str, Samples]:
    """Every row on one data set (only find with the common skill unless `full`)."""
    bookers = [mentee_slack_id(spec.mentees - 1 - n) for n in range(warmup + count)]
    asker = mentee_slack_id(spec.mentees // 2)
    fake = FakeSlack()
    known_to_slack(fake, spec, [asker, BUSY_MENTEE, *bookers])
    env = {"COORDINATOR_USER_IDS": COORDINATOR}
    rows: dict[str, Samples] = {}
    with sandbox(f"sqlite:///{path}", now=NOW, fake=fake, env=env) as box:
        watch = Stopwatch(box.executor.wait_idle)
        driver = SlackDriver(fake, box.driver.app_url, SIGNING_SECRET, settle=watch.settle)

        def row(name: str, action: Callable[[int], Reply], *, prepare: Callable[[int], None]
                | None = None) -> None:  # fmt: skip
            samples = rows.setdefault(name, Samples())
            for n in range(warmup + count):
                if prepare is not None:
                    prepare(n)
                ack, complete = watch.time(lambda: action(n))  # noqa: B023
                if n >= warmup:
                    samples.acks.append(ack)
                    samples.completes.append(complete)

        row(f"/mentor find {COMMON}", lambda n: driver.user(asker).command(f"find {COMMON}"))
        row(BY_GAPS, lambda n: driver.user(asker).command("find"))
        if full:
            row(f"/mentor find {RARE}", lambda n: driver.user(asker).command(f"find {RARE}"))
            rows |= book_flow(driver, box, watch, bookers, warmup)
            row("Home, busy mentor", lambda n: driver.user(BUSY_MENTOR).open_home())
            row("Home, busy mentee", lambda n: driver.user(BUSY_MENTEE).open_home())
            row("/mentor admin stats 30d",
                lambda n: driver.user(COORDINATOR).command("admin stats 30d"))  # fmt: skip
            row("/mentor admin skills",
                lambda n: driver.user(COORDINATOR).command("admin skills"))  # fmt: skip
        if fake.problems:
            raise SystemExit("the simulator saw problems: " + "; ".join(fake.problems[:3]))
        if not any(COMMON_SKILL in str(s.blocks) for s in fake.seen_by(asker)):
            raise SystemExit(f"/mentor find {COMMON} never showed any results")
        if not any("≥ 4 ✓" in str(s.blocks) for s in fake.seen_by(asker)):
            raise SystemExit("the bare find never matched the saved gaps")
    return rows


def book_flow(
    driver: SlackDriver, box: Sandbox, watch: Stopwatch, bookers: list[str], warmup: int
) -> dict[str, Samples]:
    """Each booker finds Python mentors, clicks Book, writes goals and submits; the mentor
    approves on the request card in their DM. One booking at a time, so no two want one slot."""
    rows: dict[str, Samples] = {
        name: Samples()
        for name in (
            "Book click (opens the modal)",
            "booking submit (Book modal)",
            "Approve click (mentor's DM card)",
        )
    }
    click, submit, approve = rows.values()
    for n, booker in enumerate(bookers):
        person = driver.user(booker)
        person.command(f"find {COMMON}")
        times = [watch.time(lambda: person.click("Book"))]  # noqa: B023
        person.fill(QUESTION, GOALS)
        times.append(watch.time(person.submit))
        mentor = driver.user(requested_mentor(box, booker))
        times.append(watch.time(lambda: mentor.click("Approve", where="message")))  # noqa: B023
        if n >= warmup:
            for samples, (ack, complete) in zip((click, submit, approve), times, strict=True):
                samples.acks.append(ack)
                samples.completes.append(complete)
    return rows


def requested_mentor(box: Sandbox, booker: str) -> str:
    """The Slack id of the mentor the booker's pending request went to."""
    mentor_user = select(MentorProfile.user_id).join(Booking, Booking.mentor_id == MentorProfile.id)
    with box.deps.sessions.begin() as session:
        mentor = session.scalar(
            select(User.slack_id).where(
                User.id.in_(
                    mentor_user.join(User, User.id == Booking.mentee_id).where(
                        User.slack_id == booker, Booking.status == "pending"
                    )
                )
            )
        )
    if mentor is None:
        raise SystemExit(f"{booker}'s booking left no pending request")
    return mentor


# -- mentor-bot serve ------------------------------------------------------------------------


def serve_peak_mb(path: Path, spec: Spec, workdir: Path) -> float:
    """VmHWM of a real `mentor-bot serve --workers 1`'s worker process on the data set after
    finds, Homes and stats (the arbiter and the timer process serve no requests)."""
    asker = mentee_slack_id(spec.mentees // 2)
    fake = FakeSlack()
    known_to_slack(fake, spec, [asker, BUSY_MENTEE])
    fake.start()
    port = free_port()
    env = {
        **os.environ, "SLACK_API_URL": fake.base_url, "SLACK_BOT_TOKEN": fake.bot_token,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET, "DATABASE_URL": f"sqlite:///{path}",
        "PORT": str(port), "COORDINATOR_USER_IDS": COORDINATOR,
    }  # fmt: skip
    command = [str(Path(sys.executable).with_name("mentor-bot")), "serve", "--host", "127.0.0.1",
               "--workers", "1"]  # fmt: skip
    log = (workdir / "serve.log").open("w")
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_until(lambda: healthy(port), 120, "mentor-bot serve to answer /healthz", workdir)
        driver = SlackDriver(fake, f"http://127.0.0.1:{port}/slack/events", SIGNING_SECRET)
        for text in (f"find {COMMON}", f"find {RARE}", f"find {COMMON} leadership") * 3:
            answered = len(fake.seen_by(asker))
            driver.user(asker).command(text)
            wait_until(lambda: len(fake.seen_by(asker)) > answered, 60, text, workdir)  # noqa: B023
        for person in (BUSY_MENTOR, BUSY_MENTEE):
            driver.user(person).open_home()
            wait_until(lambda: fake.home(person) is not None, 60, "Home", workdir)  # noqa: B023
        answered = len(fake.seen_by(COORDINATOR))
        driver.user(COORDINATOR).command("admin stats 30d")
        wait_until(lambda: len(fake.seen_by(COORDINATOR)) > answered, 60, "stats", workdir)
        return max(worker_memory_mb(process.pid))  # the worker that served them
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        fake.stop()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def healthy(port: int) -> bool:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
            return bool(answer.status == 200)
    except OSError:
        return False


def wait_until(ready: Callable[[], bool], seconds: float, what: str, workdir: Path) -> None:
    """Poll a real process's effect (it runs on the wall clock, not ours)."""
    deadline = time.monotonic() + seconds
    while not ready():
        if time.monotonic() > deadline:
            log = (workdir / "serve.log").read_text()[-2000:]
            raise SystemExit(f"timed out waiting for {what}; serve's log ends:\n{log}")
        time.sleep(0.02)


# -- report ----------------------------------------------------------------------------------


@dataclass
class Line:
    name: str
    p50: float
    p99: float | None
    ratio: str
    target: str
    passed: bool | None

    def cells(self) -> list[str]:
        verdict = {True: "pass", False: "**FAIL**", None: ""}[self.passed]
        p99 = "" if self.p99 is None else f"{self.p99:.1f}"
        return [self.name, f"{self.p50:.1f}", p99, self.ratio, self.target, verdict]


def report(
    base: list[float], big: dict[str, Samples], smalls: dict[str, Samples], peak_mb: float | None
) -> list[Line]:
    base50, base99 = p50_p99(base)
    lines = [
        Line("baseline ack (bare Bolt, ack only), ms", base50, base99, "1.00 / 1.00", "", None)
    ]
    for name, samples in big.items():
        p50, p99 = p50_p99(samples.acks)
        lines.append(Line(f"{name}: ack, ms", p50, p99, f"{p50 / base50:.2f} / {p99 / base99:.2f}",
                          f"p99 < {ACK_TARGET_MS:.0f} ms", p99 < ACK_TARGET_MS))  # fmt: skip
        p50, p99 = p50_p99(samples.completes)
        is_find = name.startswith("/mentor find")
        lines.append(Line(f"{name}: complete, ms", p50, p99,
                          f"{p50 / base50:.2f} / {p99 / base99:.2f}",
                          f"p50 ≤ {FIND_TARGET:.0f}× base" if is_find else "",
                          p50 <= FIND_TARGET * base50 if is_find else None))  # fmt: skip
    for name, small in smalls.items():
        small50, small99 = p50_p99(small.completes)
        ratio = f"{small50 / base50:.2f} / {small99 / base99:.2f}"
        lines.append(
            Line(f"{name} at 1,000 mentors: complete, ms", small50, small99, ratio, "", None)
        )
        big50, _ = p50_p99(big[name].completes)
        growth = big50 / small50
        lines.append(Line(f"{name} growth 1,000 → 10,000 (p50), ×", growth, None, "",
                          f"≤ {GROWTH_TARGET:.0f}×", growth <= GROWTH_TARGET))  # fmt: skip
    if peak_mb is not None:
        lines.append(Line("mentor-bot serve peak memory (VmHWM), MB", peak_mb, None, "",
                          f"< {MEMORY_TARGET_MB:.0f} MB", peak_mb < MEMORY_TARGET_MB))  # fmt: skip
    return lines


def print_table(lines: list[Line]) -> None:
    header = ["row", "p50", "p99", "ratio p50 / p99 (× base)", "target", "result"]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for line in lines:
        print("| " + " | ".join(line.cells()) + " |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20 requests per row, not 100")
    parser.add_argument("--requests", type=int, help="measured requests per row")
    parser.add_argument("--no-serve", action="store_true", help="skip the serve memory row")
    parser.add_argument("--find-only", action="store_true", help="only the find rows")
    args = parser.parse_args(argv)
    count = max(args.requests or (20 if args.quick else 100), 2)
    warmup = max(count // 10, 3)
    big_spec, small_spec = Spec(scale=1.0), Spec(scale=0.1)

    print(machine_line())
    print(f"{count} measured requests per row after {warmup} warm-up, HTTP on 127.0.0.1; "
          f"data set now = {NOW:%Y-%m-%d %H:%M} UTC")  # fmt: skip
    started = time.perf_counter()
    sources = {spec: cached_sqlite(spec) for spec in (big_spec, small_spec)}
    with tempfile.TemporaryDirectory(prefix="scale-bench-") as tmp:
        workdir = Path(tmp)

        def fresh(spec: Spec, name: str) -> Path:
            """A copy of the cached data set: the run books and approves on it."""
            return Path(shutil.copyfile(sources[spec], workdir / name))

        base = run_baseline(workdir, count, warmup)
        big = run_bot(fresh(big_spec, "big.db"), big_spec, count, warmup, full=not args.find_only)
        small = run_bot(fresh(small_spec, "small.db"), small_spec, count, warmup, full=False)
        skip_serve = args.no_serve or args.find_only
        peak = None if skip_serve else serve_peak_mb(fresh(big_spec, "serve.db"), big_spec,
                                                     workdir)  # fmt: skip
    lines = report(base, big, small, peak)
    print()
    print_table(lines)
    missed = [line.name for line in lines if line.passed is False]
    print()
    print(
        f"whole run {time.perf_counter() - started:.0f} s; "
        + (f"targets missed: {'; '.join(missed)}" if missed else "every target met")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
