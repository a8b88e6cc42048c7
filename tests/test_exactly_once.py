"""Real `mentor-bot run-due` processes racing on one database (docs/architecture.md, "Due work").

Each test seeds availability nudges due a minute ago, starts the Slack simulator in this process
and runs `python -m bot.cli run-due` as separate operating-system processes against it, on a
SQLite file and on PostgreSQL. Deliveries are counted from the simulator's record of API calls.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, update

from bot.clock import SystemClock
from bot.config import DEFAULTS, load_settings
from bot.deps import Deps
from bot.jobs import LEASE
from bot.services import due, lifecycle, mentorship_plans, pauses, proposals
from bot.services.due import DueItem
from bot.services.nudges import NUDGE
from bot.simulator import FakeSlack
from bot.slack.client import RATE_LIMIT_RETRIES, make_web_client
from bot.slack.due_batch import DueBatch
from bot.slack.due_senders import send_nudge
from store.db import SessionFactory, make_session_factory
from store.models import Booking, DueWork, MentorProfile, RequestBackup, TimeProposal
from tests.seed import (
    add_booking,
    add_mentor,
    add_mentorship,
    add_session,
    add_slot,
    add_user,
)

ASKER = "U0ASKER"
KINDS = (mentorship_plans.PULSE, mentorship_plans.CLOSE)
REPORT = re.compile(r"run-due: (\d+) sent, (\d+) failed, (\d+) deferred")


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    slack = FakeSlack().start()
    slack.add_user(ASKER, "Ada Asker", "UTC")
    yield slack
    slack.stop()
    assert slack.problems == []


def seed_nudges(
    sessions: SessionFactory, fake: FakeSlack, count: int, *, first: int = 0
) -> list[str]:
    """`count` active mentors, each with a nudge due a minute ago; their Slack ids."""
    now = datetime.now(UTC)
    recipients = []
    with sessions.begin() as session:
        for n in range(first, first + count):
            slack_id = f"U0MENTOR{n:03d}"
            fake.add_user(slack_id, f"Mentor {n}", "UTC")
            mentor = add_mentor(session, slack_id, name=f"Mentor {n}", at=now)
            due.schedule(
                session,
                key=f"{NUDGE}:{n}",
                kind=NUDGE,
                due_at=now - timedelta(minutes=1),
                now=now,
                recipient_id=mentor.user_id,
                payload={"asker": ASKER, "skills": "Python"},
            )
            recipients.append(slack_id)
    return recipients


def seed_mentorship_work(sessions: SessionFactory, fake: FakeSlack, count: int) -> Counter[str]:
    """`count` mentorships: in half, a session ended hours ago and the mentee's diary prompt is
    due; in the others nothing was planned for over a fortnight and both people's cadence
    nudges are due. How many messages each person should get."""
    now = datetime.now(UTC)
    expected: Counter[str] = Counter()
    with sessions.begin() as session:
        for n in range(count):
            mentor_id, mentee_id = f"U0MENTOR{n:03d}", f"U0MENTEE{n:03d}"
            fake.add_user(mentor_id, f"Mentor {n}", "UTC")
            fake.add_user(mentee_id, f"Mentee {n}", "UTC")
            mentor = add_mentor(session, mentor_id, at=now)
            mentee = add_user(session, mentee_id, at=now)
            frame = add_mentorship(session, mentor, [mentee], at=now - timedelta(days=20))
            if n % 2:
                mentorship_plans.plan_cadence(
                    session,
                    mentorship_id=frame.id,
                    people=[mentee.id, mentor.user_id],
                    after=now - timedelta(days=15),
                    days=14,
                    now=now,
                )
                expected.update([mentor_id, mentee_id])
                continue
            booking = add_session(session, mentor.id, mentee.id, now - timedelta(hours=3))
            booking.mentorship_id = frame.id
            session.flush()
            mentorship_plans.plan_after_session(
                session,
                mentorship_id=frame.id,
                booking_id=booking.id,
                mentee_id=mentee.id,
                ends_at=booking.ends_at,
                now=now,
            )
            expected.update([mentee_id])
    return expected


def start_run_due(database_url: str, fake: FakeSlack, cwd: Path) -> subprocess.Popen[str]:
    """`mentor-bot run-due` in its own process, configured by environment only (no .env)."""
    clean = {k: v for k, v in os.environ.items() if k not in DEFAULTS}
    settings = {
        "SLACK_BOT_TOKEN": fake.bot_token,
        "SLACK_API_URL": fake.base_url,
        "DATABASE_URL": database_url,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "run-due"],
        cwd=cwd,
        env={**clean, **settings},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_report(process: subprocess.Popen[str]) -> tuple[int, int, int]:
    """(sent, failed, deferred) as the finished process reported them; it must exit 0."""
    try:
        out, err = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise
    assert process.returncode == 0, err
    match = REPORT.search(out)
    assert match, out
    sent, failed, deferred = (int(group) for group in match.groups())
    return sent, failed, deferred


def run_due(database_url: str, fake: FakeSlack, cwd: Path) -> tuple[int, int, int]:
    return wait_for_report(start_run_due(database_url, fake, cwd))


def race(database_url: str, fake: FakeSlack, cwd: Path) -> list[tuple[int, int, int]]:
    """Two run-due processes started back to back, then both waited for."""
    processes = [start_run_due(database_url, fake, cwd) for _ in range(2)]
    return [wait_for_report(process) for process in processes]


def posts(fake: FakeSlack) -> Counter[str]:
    """Delivered chat.postMessage calls per channel (the mentor's user id)."""
    return Counter(
        call.params["channel"]
        for call in fake.calls
        if call.method == "chat.postMessage" and call.ok
    )


def statuses(sessions: SessionFactory) -> Counter[str]:
    """How many nudges are in each status."""
    with sessions.begin() as session:
        return Counter(session.scalars(select(DueWork.status).where(DueWork.kind == NUDGE)))


def claim_and_die(sessions: SessionFactory, limit: int) -> list[DueItem]:
    """What a pass does before it crashes: lease rows to itself for the usual lease."""
    with sessions.begin() as session:
        return due.claim_due(
            session,
            now=datetime.now(UTC),
            lease=LEASE,
            limit=limit,
            token=due.new_claim_token(),
        )


def let_leases_run_out(sessions: SessionFactory, items: list[DueItem]) -> None:
    """Move the dead pass's leases into the past instead of waiting five minutes."""
    with sessions.begin() as session:
        session.execute(
            update(DueWork)
            .where(DueWork.id.in_([item.id for item in items]))
            .values(lease_until=datetime.now(UTC) - timedelta(seconds=1))
        )


def test_two_processes_racing_send_each_nudge_once(
    database_url: str, engine: Engine, fake: FakeSlack, tmp_path: Path
) -> None:
    """Two run-due processes start together on 200 due nudges: every mentor gets exactly one."""
    sessions = make_session_factory(engine)
    recipients = seed_nudges(sessions, fake, 200)
    reports = race(database_url, fake, tmp_path)
    assert sum(sent for sent, _, _ in reports) == 200
    assert [(failed, deferred) for _, failed, deferred in reports] == [(0, 0), (0, 0)]
    assert posts(fake) == Counter(recipients)
    assert sum(posts(fake).values()) == 200
    assert statuses(sessions) == {"sent": 200}


def test_a_pass_killed_after_claiming_loses_nothing(
    database_url: str, engine: Engine, fake: FakeSlack, tmp_path: Path
) -> None:
    """Rows a dead pass claimed wait out its lease, then the next pass sends each exactly once."""
    sessions = make_session_factory(engine)
    held = seed_nudges(sessions, fake, 10)
    dead = claim_and_die(sessions, 10)
    assert sorted(item.recipient_slack_id or "" for item in dead) == held
    free = seed_nudges(sessions, fake, 10, first=10)

    assert run_due(database_url, fake, tmp_path) == (10, 0, 0)  # the live lease is respected
    assert posts(fake) == Counter(free)
    assert statuses(sessions) == {"sent": 10, "pending": 10}

    let_leases_run_out(sessions, dead)
    assert run_due(database_url, fake, tmp_path) == (10, 0, 0)
    assert posts(fake) == Counter(held + free)
    assert statuses(sessions) == {"sent": 20}
    with sessions.begin() as session:  # the dead pass, were it to wake up, cannot settle them
        assert not any(due.finish(session, item, now=datetime.now(UTC)) for item in dead)


def test_a_claim_leases_no_more_than_its_batch(engine: Engine, fake: FakeSlack) -> None:
    """A pass leases one batch at a time, so a lease only has to outlast one batch's sends."""
    sessions = make_session_factory(engine)
    seed_nudges(sessions, fake, 20)
    assert len(claim_and_die(sessions, 10)) == 10
    with sessions.begin() as session:
        leased = session.scalars(select(DueWork.id).where(DueWork.lease_until.is_not(None)))
        assert len(leased.all()) == 10


def test_a_pass_killed_after_sending_but_before_marking_sends_again(
    database_url: str, engine: Engine, fake: FakeSlack, tmp_path: Path
) -> None:
    """The at-least-once boundary: posted but never marked sent, the nudge goes out again later."""
    sessions = make_session_factory(engine)
    (recipient,) = seed_nudges(sessions, fake, 1)
    (item,) = claim_and_die(sessions, 1)
    settings = load_settings(
        {
            "SLACK_BOT_TOKEN": fake.bot_token,
            "SLACK_API_URL": fake.base_url,
            "DATABASE_URL": database_url,
        }
    )
    client = make_web_client(fake.bot_token, fake.base_url)
    send_nudge(Deps(settings, sessions, SystemClock()), client, item, DueBatch())  # then dies

    assert run_due(database_url, fake, tmp_path) == (0, 0, 0)  # not while the lease holds
    assert posts(fake) == {recipient: 1}

    let_leases_run_out(sessions, [item])
    assert run_due(database_url, fake, tmp_path) == (1, 0, 0)
    assert posts(fake) == {recipient: 2}  # Slack has no idempotency key for chat.postMessage
    assert statuses(sessions) == {"sent": 1}


def test_two_processes_ride_out_a_rate_limit_storm(
    database_url: str, engine: Engine, fake: FakeSlack, tmp_path: Path
) -> None:
    """Slack answers 429 to racing passes; each waits out Retry-After and every nudge goes once."""
    sessions = make_session_factory(engine)
    recipients = seed_nudges(sessions, fake, 50)
    # Even if one post meets every 429, it still has a retry left and succeeds within the pass.
    storm = RATE_LIMIT_RETRIES
    fake.fail("chat.postMessage", 429, times=storm, retry_after=0)
    reports = race(database_url, fake, tmp_path)
    assert sum(sent for sent, _, _ in reports) == 50
    assert [(failed, deferred) for _, failed, deferred in reports] == [(0, 0), (0, 0)]
    rate_limited = [call for call in fake.calls if call.status == 429]
    assert len(rate_limited) == storm
    assert posts(fake) == Counter(recipients)
    assert statuses(sessions) == {"sent": 50}


def seed_mentorships(sessions: SessionFactory, fake: FakeSlack, count: int) -> list[str]:
    """`count` pairs a month into their mentorship (a pulse due for each person) and `count`
    pairs at their end date (a closing evaluation due for each); everyone's Slack id."""
    now = datetime.now(UTC)
    today = now.date()
    people = []
    with sessions.begin() as session:
        for n in range(2 * count):
            mentor_id, mentee_id = f"U0MMENTOR{n:03d}", f"U0MMENTEE{n:03d}"
            for slack_id in (mentor_id, mentee_id):
                fake.add_user(slack_id, slack_id, "UTC")
            mentor = add_mentor(session, mentor_id, at=now)
            mentee = add_user(session, mentee_id, at=now)
            closing = n >= count
            starts_on = today - timedelta(days=90 if closing else 31)
            frame = add_mentorship(session, mentor, [mentee], starts_on=starts_on, at=now)
            assert frame.ends_on is not None
            people += [mentor_id, mentee_id]
            if closing:  # its pulses went out long ago; the end date has come
                for user_id in (mentee.id, mentor.user_id):
                    mentorship_plans.plan_close(
                        session,
                        mentorship_id=frame.id,
                        user_id=user_id,
                        ends_on=today - timedelta(days=1),
                        now=now - timedelta(minutes=1),
                    )
                continue
            mentorship_plans.plan_active(
                session,
                mentorship_id=frame.id,
                member_id=frame.members[0].id,
                people=(mentee.id, mentor.user_id),
                starts_on=starts_on,
                ends_on=frame.ends_on,
                now=now - timedelta(minutes=1),
            )
    return people


def test_two_processes_racing_send_each_pulse_and_closing_once(
    database_url: str, engine: Engine, fake: FakeSlack, tmp_path: Path
) -> None:
    """Two run-due processes on 20 due pulses and 20 due closings: each person hears once."""
    sessions = make_session_factory(engine)
    people = seed_mentorships(sessions, fake, 10)
    reports = race(database_url, fake, tmp_path)
    assert sum(sent for sent, _, _ in reports) == 40
    assert [(failed, deferred) for _, failed, deferred in reports] == [(0, 0), (0, 0)]
    assert posts(fake) == Counter(people)
    texts = Counter(
        "pulse" if "How is your mentorship going?" in call.params["text"] else "close"
        for call in fake.calls
        if call.method == "chat.postMessage" and call.ok
    )
    assert texts == {"pulse": 20, "close": 20}
    with sessions.begin() as session:
        done = session.scalars(
            select(DueWork.kind).where(DueWork.status == "sent", DueWork.kind.in_(KINDS))
        )
        assert Counter(done) == {mentorship_plans.PULSE: 20, mentorship_plans.CLOSE: 20}


def test_two_processes_racing_send_each_diary_prompt_and_cadence_nudge_once(
    database_url: str, engine: Engine, fake: FakeSlack, tmp_path: Path
) -> None:
    """Two run-due processes on due diary prompts and cadence nudges: each goes out once."""
    sessions = make_session_factory(engine)
    expected = seed_mentorship_work(sessions, fake, 60)
    reports = race(database_url, fake, tmp_path)
    assert [(failed, deferred) for _, failed, deferred in reports] == [(0, 0), (0, 0)]
    assert posts(fake) == expected
    assert sum(expected.values()) == 90
    with sessions.begin() as session:
        done = session.execute(
            select(DueWork.kind, DueWork.status).where(
                DueWork.kind.in_((mentorship_plans.DIARY_PROMPT, mentorship_plans.CADENCE_NUDGE)),
                DueWork.due_at <= datetime.now(UTC),
            )
        ).all()
    assert Counter(done) == {
        (mentorship_plans.DIARY_PROMPT, "sent"): 30,
        (mentorship_plans.CADENCE_NUDGE, "sent"): 60,
    }


def seed_lapsing_proposals(sessions: SessionFactory, fake: FakeSlack, count: int) -> list[str]:
    """`count` approved sessions in an hour, each with a reschedule the mentee proposed and
    nobody answered, its lapse due a minute ago; the mentees' Slack ids (the proposers)."""
    now = datetime.now(UTC)
    proposers = []
    with sessions.begin() as session:
        for n in range(count):
            mentor_id, mentee_id = f"U0MENTOR{n:03d}", f"U0MENTEE{n:03d}"
            fake.add_user(mentor_id, f"Mentor {n}", "UTC")
            fake.add_user(mentee_id, f"Mentee {n}", "UTC")
            mentor = add_mentor(session, mentor_id, at=now)
            mentee = add_user(session, mentee_id, at=now)
            booking = add_session(session, mentor.id, mentee.id, now + timedelta(hours=1))
            other = add_slot(session, mentor.id, now + timedelta(hours=3))
            offer = TimeProposal(
                booking_id=booking.id, slot_id=other.id, proposed_by=mentee.id, created_at=now
            )
            session.add(offer)
            session.flush()
            proposals.plan_lapse(
                session, offer, booking_id=booking.id, at=now - timedelta(minutes=1), now=now
            )
            proposers.append(mentee_id)
    return proposers


def test_two_processes_racing_lapse_each_proposal_once(
    database_url: str, engine: Engine, fake: FakeSlack, tmp_path: Path
) -> None:
    """Two run-due processes on 30 due proposal lapses: each proposer hears once that the
    session's time stands, and every proposal is lapsed, none twice."""
    sessions = make_session_factory(engine)
    proposers = seed_lapsing_proposals(sessions, fake, 30)
    reports = race(database_url, fake, tmp_path)
    assert sum(sent for sent, _, _ in reports) == 30
    assert [(failed, deferred) for _, failed, deferred in reports] == [(0, 0), (0, 0)]
    assert posts(fake) == Counter(proposers)
    with sessions.begin() as session:
        lapsed = Counter(session.scalars(select(TimeProposal.status)))
    assert lapsed == {"lapsed": 30}


def seed_silent_requests(sessions: SessionFactory, fake: FakeSlack, count: int) -> Counter[str]:
    """`count` mentors who already let one request expire, each with another pending whose
    expiry was due a minute ago and a backup mentor free an hour after it; what each person
    should hear: the mentee twice (expired, moved), the mentor once (paused), the backup once
    (the moved request's card)."""
    now = datetime.now(UTC)
    expected: Counter[str] = Counter()
    with sessions.begin() as session:
        for n in range(count):
            ids = (f"U0MENTOR{n:03d}", f"U0BACKUP{n:03d}", f"U0MENTEE{n:03d}")
            for slack_id in ids:
                fake.add_user(slack_id, slack_id, "UTC")
            mentor = add_mentor(session, ids[0], at=now)
            mentor.expired_in_row = 1
            backup = add_mentor(session, ids[1], at=now)
            mentee = add_user(session, ids[2], at=now)
            slot = add_slot(session, mentor.id, now + timedelta(hours=3))
            add_slot(session, backup.id, now + timedelta(hours=4))
            booking = add_booking(session, slot.id, mentee.id, requested_at=now - timedelta(days=1))
            session.add(RequestBackup(booking_id=booking.id, position=1, mentor_id=backup.id))
            due.schedule(
                session,
                key=f"{lifecycle.REQUEST_EXPIRY}:{booking.id}",
                kind=lifecycle.REQUEST_EXPIRY,
                due_at=now - timedelta(minutes=1),
                now=now,
                booking_id=booking.id,
            )
            expected.update([ids[2], ids[2], ids[0], ids[1]])
    return expected


def test_two_processes_racing_expire_pause_and_move_each_request_once(
    database_url: str, engine: Engine, fake: FakeSlack, tmp_path: Path
) -> None:
    """Two run-due processes on 20 due expiries of second silences with a backup named: each
    request expires once, each mentor is paused once and DMed once, each request moves once."""
    sessions = make_session_factory(engine)
    expected = seed_silent_requests(sessions, fake, 20)
    reports = race(database_url, fake, tmp_path)
    assert [(failed, deferred) for _, failed, deferred in reports] == [(0, 0), (0, 0)]
    run_due(database_url, fake, tmp_path)  # the pause DMs planned by the expiries
    assert posts(fake) == expected
    with sessions.begin() as session:
        rows = Counter(
            (status, moved is not None)
            for status, moved in session.execute(select(Booking.status, Booking.moved_from_id))
        )
        paused = Counter(
            (p.status, p.paused_by_role, p.expired_in_row)
            for p in session.scalars(select(MentorProfile).where(MentorProfile.expired_in_row >= 0))
        )
        dms = Counter(
            session.scalars(select(DueWork.status).where(DueWork.kind == pauses.SILENCE_DM))
        )
    assert rows == {("expired", False): 20, ("pending", True): 20}
    assert paused == {("paused", "system", 0): 20, ("active", None, 0): 20}
    assert dms == {"sent": 20}
