"""Issue 14 at scale: rescheduling a session (propose another time) and accepting it.

Why: every negotiation step locks the booking, re-reads its open proposal, checks the mentor's
free times and weekly load, and moves the session's due work; if one of those reads grows
with the tables instead of with the booking, a reschedule slows down as the company grows.
This script runs the real app (`bot.sandbox`: waitress on loopback, the simulated Slack, a
ManualClock at the data set's now) on the company-scale data set of `benchmarks.dataset` and,
in the same run, the bare Bolt app that only acks (the baseline of every ratio).

    python -m benchmarks.negotiation [--quick] [--requests N] [--database-url URL [--reuse]]

The actors: the mentee of an approved upcoming session (not a mentorship's) whose mentor has
free times in the next two weeks. Each measured iteration is one reschedule, through signed
HTTP as Slack sends it: the mentee clicks Reschedule on their Home (the modal of the mentor's
free times opens), picks a time and submits it (`negotiation.propose`); the mentor clicks
Accept on the proposal in their DM (`negotiation.accept`), so the session moves each time and
its old slot is free again. Rows: p50 and p99 of the ack (the HTTP answer) and of the complete
handling (until the listener executor is idle: cards, DMs and both Homes reached the simulator).

Then the SELECTs of `propose` and `accept` alone (in a transaction rolled back) and of the whole
request, with the plan of each; a full scan of a big table is flagged, since at this scale it
means a missing index. Their number must not grow with the data set: compare `--quick`.

Targets: ack p99 under 100 ms; complete within 5x the baseline (p50 against p50).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import timedelta
from itertools import pairwise
from typing import Any

from sqlalchemy import func, select

from benchmarks.dataset import BUSY_MENTOR, NOW
from benchmarks.mentorships import (
    Plan,
    baseline_and_bot,
    baseline_line,
    in_process_line,
    parse_run,
    plan_of,
    print_ending,
    print_plans,
    print_table,
    recording,
    timing_lines,
)
from benchmarks.scale import Samples, Stopwatch
from bot.sandbox import SIGNING_SECRET, Sandbox, sandbox
from bot.services import negotiation
from bot.services.free_slots import free_slots
from bot.simulator import FakeSlack, SlackDriver, finder, forms
from bot.simulator.driver import Reply, SimActor
from store.models import Booking, MentorProfile, User
from store.statuses import BookingStatus

BIG_TABLES = ("bookings", "slots", "time_proposals", "due_work", "users", "mentor_profiles",
              "mentorships", "mentorship_members", "attendance", "reviews")  # fmt: skip
MIN_FREE = 3  # free times the mentor needs, so each reschedule has somewhere to go
ROWS = ("Reschedule click (opens the modal)", "propose (submit another time)",
        "accept (mentor's Accept click)")  # fmt: skip


@dataclass(frozen=True)
class Actors:
    booking_id: int
    mentee: str
    mentor: str
    free: int  # the mentor's free times in the next two weeks at the start


@dataclass
class Outcome:
    actors: Actors
    rows: dict[str, Samples] = field(default_factory=lambda: {name: Samples() for name in ROWS})
    selects: dict[str, int] = field(default_factory=dict)  # what -> SELECT statements
    plans: list[Plan] = field(default_factory=list)
    request_plans: list[Plan] = field(default_factory=list)
    moves: int = 0
    direct: dict[str, list[float]] = field(default_factory=dict)  # service -> ms per call


# -- the actors ------------------------------------------------------------------------------


def pick_actors(box: Sandbox, *, busy: bool) -> Actors:
    """The first approved upcoming session (not a mentorship's, its mentee with no other live
    booking) whose mentor has at least MIN_FREE free times in the next two weeks: the busy
    mentor's (whose Home, refreshed by every step, is the heaviest) if `busy`, else another's."""
    mentee = User.__table__.alias("mentee")
    mentor = User.__table__.alias("mentor")
    live = (
        select(Booking.mentee_id)
        .where(Booking.status.in_((BookingStatus.APPROVED, BookingStatus.PENDING)))
        .where(Booking.starts_at > NOW)
        .group_by(Booking.mentee_id)
        .having(func.count() == 1)
    )
    query = (
        select(Booking.id, Booking.mentor_id, mentee.c.slack_id, mentor.c.slack_id)
        .join(mentee, mentee.c.id == Booking.mentee_id)
        .join(MentorProfile, MentorProfile.id == Booking.mentor_id)
        .join(mentor, mentor.c.id == MentorProfile.user_id)
        .where(Booking.status == BookingStatus.APPROVED, Booking.mentorship_id.is_(None))
        .where(Booking.starts_at > NOW + timedelta(days=1), Booking.mentee_id.in_(live))
        .where((mentor.c.slack_id == BUSY_MENTOR) if busy else (mentor.c.slack_id != BUSY_MENTOR))
        .order_by(Booking.id)
        .limit(200)
    )
    with box.deps.sessions.begin() as session:
        for booking_id, mentor_id, mentee_id, mentor_id_slack in session.execute(query):
            free = free_slots(session, mentor_id=mentor_id, now=NOW, ignoring_booking_id=booking_id)
            if len(free) >= MIN_FREE:
                return Actors(booking_id, mentee_id, mentor_id_slack, len(free))
    raise SystemExit("no approved upcoming session whose mentor has free times: data set?")


# -- one iteration ---------------------------------------------------------------------------


def newest_button(fake: FakeSlack, user_id: str, text: str, where: str) -> finder.Found:
    """The button on the newest surface showing it (not `click`'s search through everything
    the person has seen, which grows with the run and would be timed with the click)."""
    for surface in finder.surfaces(fake, user_id, where):
        found = finder.find([surface], None, finder.is_button(text))
        if found is not None:
            return found
    raise SystemExit(f"{user_id} sees no {text!r} button on their {where}")


def time_options(actor: SimActor) -> list[str]:
    """The texts of the modal's "Time" choices (the mentor's free times)."""
    view = actor.modal()
    if view is None:
        raise SystemExit("Reschedule opened no modal")
    element = forms.find_input(view, "Time").get("element") or {}
    return [str(o["text"]["text"]) for o in element.get("options") or []]


def reschedule_once(
    driver: SlackDriver,
    watch: Stopwatch,
    actors: Actors,
    n: int,
    around: Callable[[str], AbstractContextManager[object]] = lambda _: nullcontext(),
) -> list[tuple[float, float]]:
    """Reschedule click, propose (the n-th free time, round the list), accept: three timings.
    `around(row)` wraps each request (to record its statements)."""
    fake = driver.fake
    mentee, mentor = driver.user(actors.mentee), driver.user(actors.mentor)
    reschedule = newest_button(fake, actors.mentee, "Reschedule", "home")
    with around(ROWS[0]):
        times = [watch.time(lambda: mentee.press(reschedule))]
    options = time_options(mentee)
    if not options:
        raise SystemExit("the Reschedule modal offers no free time")
    mentee.fill("Time", options[n % len(options)])
    with around(ROWS[1]):
        times.append(watch.time(mentee.submit))
    accept = newest_button(fake, actors.mentor, "Accept", "message")
    with around(ROWS[2]):
        times.append(watch.time(lambda: mentor.press(accept)))
    return times


def run_bot(url: str, count: int, warmup: int, *, busy: bool) -> Outcome:
    fake = FakeSlack()
    with sandbox(url, now=NOW, fake=fake) as box:
        actors = pick_actors(box, busy=busy)
        fake.add_user(actors.mentee, "Mentee Person", "Europe/Paris")
        fake.add_user(actors.mentor, "Mentor Person", "UTC")
        outcome = Outcome(actors)
        watch = Stopwatch(box.executor.wait_idle)
        driver = SlackDriver(fake, box.driver.app_url, SIGNING_SECRET, settle=watch.settle)
        check(driver.user(actors.mentee).open_home(), "Home")
        box.executor.wait_idle()
        starts = [starts_at(box, actors.booking_id)]
        for n in range(warmup + count):
            times = reschedule_once(driver, watch, actors, n)
            starts.append(starts_at(box, actors.booking_id))
            if n >= warmup:
                for samples, (ack, complete) in zip(outcome.rows.values(), times, strict=True):
                    samples.acks.append(ack)
                    samples.completes.append(complete)
        outcome.moves = sum(a != b for a, b in pairwise(starts))
        if outcome.moves != warmup + count:
            raise SystemExit(f"the session moved {outcome.moves} times in {warmup + count}")
        if fake.problems:
            raise SystemExit("the simulator saw problems: " + "; ".join(fake.problems[:3]))
        outcome.direct = time_services(box, outcome.actors, warmup + count)
        explain_steps(box, driver, watch, outcome)
    return outcome


def check(reply: Reply, what: str) -> None:
    if reply.status != 200:
        raise SystemExit(f"{what}: HTTP {reply.status} {reply.body[:200]}")


def starts_at(box: Sandbox, booking_id: int) -> Any:
    with box.deps.sessions.begin() as session:
        return session.scalar(select(Booking.starts_at).where(Booking.id == booking_id))


def time_services(box: Sandbox, actors: Actors, calls: int) -> dict[str, list[float]]:
    """ms per in-process `propose` and `accept`, each in its own committed transaction (the
    service alone: what the complete rows add to it is the listener's cards, DMs and Homes)."""
    sessions, offsets = box.deps.sessions, box.deps.settings.reminder_offsets
    times: dict[str, list[float]] = {"propose": [], "accept": []}
    for n in range(calls):
        with sessions.begin() as session:
            form = negotiation.time_form(
                session, booking_id=actors.booking_id, actor_slack_id=actors.mentee, now=NOW
            )
            slot_id = form.slots[n % len(form.slots)].id
        started = time.perf_counter()
        with sessions.begin() as session:
            proposed = negotiation.propose(
                session, booking_id=actors.booking_id, actor_slack_id=actors.mentee, now=NOW,
                slot_id=slot_id,
            )  # fmt: skip
        times["propose"].append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        with sessions.begin() as session:
            negotiation.accept(
                session, booking_id=actors.booking_id, actor_slack_id=actors.mentor,
                proposal_id=proposed.booking.proposal_id, now=NOW, offsets=offsets,
            )  # fmt: skip
        times["accept"].append((time.perf_counter() - started) * 1000)
    return {what: values[len(values) // 10 :] for what, values in times.items()}


# -- the statements and their plans ----------------------------------------------------------


def selects_of(seen: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [(s, p) for s, p in seen if s.lstrip().upper().startswith("SELECT")]


def explain_steps(box: Sandbox, driver: SlackDriver, watch: Stopwatch, outcome: Outcome) -> None:
    """SELECTs of `propose` and `accept` alone (rolled back), then of one whole request each
    (the listener's cards, DMs and Homes included), with the plans of the service's ones."""
    engine, actors = box.engine, outcome.actors
    with box.deps.sessions() as session:
        form = negotiation.time_form(
            session, booking_id=actors.booking_id, actor_slack_id=actors.mentee, now=NOW
        )
        slot_id = form.slots[0].id
        session.rollback()

    def alone(what: str, call: Callable[[Any], object]) -> None:
        """The service's SELECTs and their plans, in a transaction rolled back."""
        with box.deps.sessions() as session:
            with recording(engine) as seen:
                call(session)
                session.flush()
            session.rollback()
        found = selects_of(seen)
        outcome.selects[f"`negotiation.{what}` alone"] = len(found)
        outcome.plans += [plan_of(engine, what, s, p, big=BIG_TABLES) for s, p in found]

    alone("propose", lambda s: negotiation.propose(
        s, booking_id=actors.booking_id, actor_slack_id=actors.mentee, now=NOW,
        slot_id=slot_id))  # fmt: skip
    # accept needs an open proposal: the mentee proposes for real, and withdraws it after.
    with box.deps.sessions.begin() as session:
        offer = negotiation.propose(
            session, booking_id=actors.booking_id, actor_slack_id=actors.mentee, now=NOW,
            slot_id=slot_id,
        ).booking.proposal_id  # fmt: skip
    alone("accept", lambda s: negotiation.accept(
        s, booking_id=actors.booking_id, actor_slack_id=actors.mentor, proposal_id=offer,
        now=NOW, offsets=box.deps.settings.reminder_offsets))  # fmt: skip
    with box.deps.sessions.begin() as session:  # back to no open proposal
        negotiation.withdraw(
            session, booking_id=actors.booking_id, actor_slack_id=actors.mentee,
            proposal_id=offer, now=NOW,
        )  # fmt: skip
    box.executor.wait_idle()
    check(driver.user(actors.mentee).open_home(), "Home")
    box.executor.wait_idle()
    per_row: dict[str, list[tuple[str, Any]]] = {}

    @contextmanager
    def record(row: str) -> Iterator[None]:
        with recording(engine) as statements:
            yield
        per_row[row] = selects_of(statements)

    reschedule_once(driver, watch, actors, 0, record)
    for row, found in per_row.items():
        outcome.selects[f"{row}, the whole request (listener, cards, DMs, Homes)"] = len(found)
        distinct = {s: p for s, p in found}
        outcome.request_plans += [
            plan_of(engine, row, s, p, big=BIG_TABLES) for s, p in distinct.items()
        ]


# -- report ----------------------------------------------------------------------------------


def report(base: list[float], outcome: Outcome) -> list[list[str]]:
    lines = [baseline_line(base)]
    for name, samples in outcome.rows.items():
        lines += timing_lines(name, samples, base)
    for what, times in outcome.direct.items():
        lines.append(in_process_line(f"`negotiation.{what}` in-process (the service alone)",
                                     times, base))  # fmt: skip
    return lines


def main(argv: list[str] | None = None) -> int:
    run = parse_run(argv, __doc__.splitlines()[0], lambda parser: parser.add_argument(
        "--busy", action="store_true", help="the busy mentor's session"))  # fmt: skip
    started = time.perf_counter()
    base, outcome = baseline_and_bot(
        run, "", lambda url, count, warmup: run_bot(url, count, warmup, busy=run.extra.busy)
    )
    actors = outcome.actors
    print(f"booking {actors.booking_id}: mentee {actors.mentee}, mentor {actors.mentor} "
          f"({actors.free} free times in two weeks); the session moved "
          f"{outcome.moves} times")  # fmt: skip
    print()
    lines = report(base, outcome)
    print_table(["row", "p50 ms", "p99 ms", "ratio p50 / p99 (× base)", "target", "result"], lines)
    print("\nSELECT statements (a fixed number, whatever the data set's size):")
    for what, selects in outcome.selects.items():
        print(f"- {what}: {selects}")
    print_plans("`propose` and `accept`", outcome.plans, every=False)
    print_plans("one request of each (every distinct SELECT)", outcome.request_plans, every=False)
    print_ending(lines, started)
    return 0


if __name__ == "__main__":
    sys.exit(main())
