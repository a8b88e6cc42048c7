"""The coordinators' digest: every figure checked against a hand-made program with known answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from bot.services.digest import (
    Digest,
    FailedMessage,
    LowReview,
    MentorLoad,
    MonthOfStars,
    StaleRequest,
    WeekOfSessions,
    build_digest,
    last_days,
    low_reviews_query,
)
from bot.services.reviews import ReviewForm, check_review
from store.db import SessionFactory
from store.models import DueWork, MentorProfile, SearchMiss
from tests.conftest import ADA, BEN, CHITRA, DAN
from tests.seed import DAY, HOUR, add_attendance, add_mentor, add_review, add_session, add_user
from tests.seed import PERIOD_END as NOW
from tests.seed import PERIOD_START as START

# The digest covers the seven days before NOW (Thursday 26 November 2026, 12:00 UTC).
MINUTE = timedelta(minutes=1)
EVE = "U0EVE"  # a third mentor, besides Ada and Dan
FAY = "U0FAY"  # a third mentee, besides Ben and Chitra


def miss(session: Session, key: str, at: datetime, times: int = 1) -> None:
    session.add_all(SearchMiss(skill_key=key, searched_at=at) for _ in range(times))


def due(
    session: Session,
    key: str,
    status: str,
    due_at: datetime,
    done_at: datetime | None = None,
    error: str | None = None,
) -> None:
    session.add(
        DueWork(
            key=key,
            kind=key.split(":")[0],
            status=status,
            due_at=due_at,
            done_at=done_at,
            last_error=error,
            created_at=START - DAY,
        )
    )


@dataclass(frozen=True)
class Program:
    stale_old: int  # pending, requested three days before NOW
    stale_new: int  # pending, requested two days before NOW


def build_program(sessions: SessionFactory) -> Program:
    """Three mentors, three mentees and a week of bookings, answers, reviews and failures.

    Bookings (S = START, the period's first instant; decisions in hours after the request):
      b1  Ada-Ben     approved, requested S+1d, decided +2h, Mon 23 Nov 14:00 (ended, held)
      b2  Ada-Chitra  approved, requested S+2d, decided +4h, Fri 27 Nov 15:00 (future)
      b3  Dan-Ben     approved, before the period, ended Fri 20 Nov: Ben says "no_show"
      b4  Dan-Chitra  approved, before the period, ended Sat 21 Nov (held)
      b13 Dan-Fay     approved, before the period, ended Sat 21 Nov: Fay says "rescheduled"
      b5  Dan-Fay     declined, requested S+3d, decided +6h
      b6  Ada-Fay     expired, requested S-1d, decided (expired) S+1h
      b7  Dan-Fay     approved then cancelled, requested S+4d, decided +8h, starts Sun 29 Nov
      b8  Ada-Ben     cancelled while pending, requested S-2d, was to start Sun 22 Nov
      b9  Dan-Ben     pending, requested NOW-2d (stale)
      b10 Dan-Chitra  pending, requested NOW-2h (not stale yet)
      b11 Dan-Fay     pending, requested NOW-3d (stale)
      b12 Ada-Ben     approved, held Wed 28 Oct (before the period), Ben says "no_show"
      b14 Dan-Chitra  approved, Thu 1 Oct (older than the eight weeks of history)
      b15 Eve-Fay     approved, requested S+1d+2h, decided +10h, Sun 29 Nov 23:30 UTC
                      (Monday 00:30 in Paris: Eve's next local week)
    """
    with sessions.begin() as s:
        ada = add_mentor(
            s, ADA, tz="America/New_York", name="Ada Lovelace", capacity=2, at=START - 30 * DAY
        ).id
        dan = add_mentor(s, DAN, tz="UTC", name="Dan Brown", capacity=3, at=START - 1 * MINUTE).id
        eve = add_mentor(
            s, EVE, tz="Europe/Paris", name="Eve Stone", capacity=1, at=START + HOUR
        ).id
        ada_user, dan_user = (
            s.get_one(MentorProfile, ada).user_id,
            s.get_one(MentorProfile, dan).user_id,
        )
        ben, chitra, fay = add_user(s, BEN).id, add_user(s, CHITRA).id, add_user(s, FAY).id

        b1 = add_session(
            s,
            ada,
            ben,
            datetime(2026, 11, 23, 14, 0, tzinfo=UTC),
            "approved",
            requested_at=START + DAY,
            decided_at=START + DAY + 2 * HOUR,
        ).id
        add_session(
            s,
            ada,
            chitra,
            datetime(2026, 11, 27, 15, 0, tzinfo=UTC),
            "approved",
            requested_at=START + 2 * DAY,
            decided_at=START + 2 * DAY + 4 * HOUR,
        )
        b3 = add_session(
            s,
            dan,
            ben,
            datetime(2026, 11, 20, 12, 0, tzinfo=UTC),
            "approved",
            requested_at=START - 5 * DAY,
            decided_at=START - 4 * DAY,
        ).id
        b4 = add_session(
            s,
            dan,
            chitra,
            datetime(2026, 11, 21, 10, 0, tzinfo=UTC),
            "approved",
            requested_at=START - 3 * DAY,
            decided_at=START - 2 * DAY,
        ).id
        b13 = add_session(
            s,
            dan,
            fay,
            datetime(2026, 11, 21, 12, 0, tzinfo=UTC),
            "approved",
            requested_at=START - 6 * DAY,
            decided_at=START - 6 * DAY + HOUR,
        ).id
        add_session(
            s,
            dan,
            fay,
            NOW + 10 * DAY,
            "declined",
            requested_at=START + 3 * DAY,
            decided_at=START + 3 * DAY + 6 * HOUR,
        )
        add_session(
            s,
            ada,
            fay,
            START + 2 * HOUR,
            "expired",
            requested_at=START - DAY,
            decided_at=START + HOUR,
        )
        add_session(
            s,
            dan,
            fay,
            NOW + 3 * DAY,
            "cancelled",
            requested_at=START + 4 * DAY,
            decided_at=START + 4 * DAY + 8 * HOUR,
        )
        add_session(s, ada, ben, START + 3 * DAY, "cancelled", requested_at=START - 2 * DAY)
        b9 = add_session(s, dan, ben, NOW + 4 * DAY, "pending", requested_at=NOW - 2 * DAY).id
        add_session(s, dan, chitra, NOW + 5 * DAY, "pending", requested_at=NOW - 2 * HOUR)
        b11 = add_session(s, dan, fay, NOW + 6 * DAY, "pending", requested_at=NOW - 3 * DAY).id
        b12 = add_session(
            s,
            ada,
            ben,
            datetime(2026, 10, 28, 10, 0, tzinfo=UTC),
            "approved",
            requested_at=START - 40 * DAY,
            decided_at=START - 39 * DAY,
        ).id
        add_session(
            s,
            dan,
            chitra,
            datetime(2026, 10, 1, 10, 0, tzinfo=UTC),
            "approved",
            requested_at=START - 60 * DAY,
            decided_at=START - 59 * DAY,
        )
        add_session(
            s,
            eve,
            fay,
            datetime(2026, 11, 29, 23, 30, tzinfo=UTC),
            "approved",
            requested_at=START + DAY + 2 * HOUR,
            decided_at=START + DAY + 12 * HOUR,
        )

        add_attendance(s, b1, ben, True)
        add_attendance(s, b1, ada_user, True)
        add_attendance(s, b3, ben, False, "no_show")
        add_attendance(s, b3, dan_user, True)
        add_attendance(s, b13, fay, False, "rescheduled")
        add_attendance(s, b12, ben, False, "no_show")

        add_review(s, b1, ben, (5, 4), NOW - 2 * DAY, (None, None, "Great session"))
        add_review(s, b1, ada_user, (4, 2), NOW - 2 * DAY + HOUR, (None, "Too much admin", None))
        add_review(s, b4, chitra, (2, 3), NOW - DAY, ("Felt rushed", "Hard to schedule", None))
        add_review(s, b13, fay, (1, 1), NOW - 3 * DAY, ("Mentor was late", "Not useful", "Call me"))
        add_review(s, b12, ben, (1, 1), START - DAY, ("Old news", "Old news", None))

        miss(s, "cobol", START + HOUR, 3)
        miss(s, "rust", NOW - HOUR, 2)
        for key in ("go", "haskell", "elixir", "zig"):
            miss(s, key, NOW - DAY)
        miss(s, "zig", START - HOUR, 3)  # before the period: would otherwise lead

        due(s, "reminder:1", "failed", NOW - DAY - HOUR, NOW - DAY, "channel_not_found")
        due(s, "digest:1", "failed", START + HOUR, None, "ratelimited")
        due(s, "review:1", "failed", START - 2 * HOUR, START - HOUR, "too old")
        due(s, "reminder:2", "sent", START + HOUR, START + HOUR)
    return Program(stale_old=b11, stale_new=b9)


def digest(sessions: SessionFactory, start: datetime, end: datetime, now: datetime) -> Digest:
    with sessions.begin() as session:
        return build_digest(session, start=start, end=end, now=now)


# --- tests -----------------------------------------------------------------------------------


def test_last_days_is_the_days_up_to_now() -> None:
    """The last seven days end at now and start a week earlier."""
    assert last_days(NOW, 7) == (START, NOW)


def test_every_figure_of_a_known_week(sessions: SessionFactory) -> None:
    """A week of a small program yields exactly the figures worked out by hand."""
    program = build_program(sessions)
    found = digest(sessions, *last_days(NOW, 7), now=NOW)

    assert (found.start, found.end) == (START, NOW)
    # Eve's profile (START+1h); Dan's was created a minute before the period, Ada's long before.
    assert found.new_mentors == 1
    # b1, b2, b5, b7, b9, b10, b11, b15; b3, b4, b6, b8, b12, b13, b14 were requested earlier.
    assert found.requests == 8
    # b1, b2, b15 and b7 (approved, later cancelled: it has a decided_at).
    assert found.approvals == 4
    assert found.declines == 1  # b5
    assert found.expiries == 1  # b6 (requested before the period, expired in it)
    assert found.approval_rate == 4 / 6
    # Decision times 2h (b1), 4h (b2), 6h (b5), 8h (b7), 10h (b15); the expiry is left out.
    assert found.median_decision == 6 * HOUR
    # Ended in the period: b1, b3, b4, b13; b3 was a no-show; b13's "rescheduled" still counts.
    assert found.sessions_held == 3
    assert found.no_shows == 1  # b3; b12's no-show ended before the period
    # b8 was due Sun 22 Nov; b7 was due after the period.
    assert found.cancellations == 1
    # Reviews in the period: 5/4, 4/2, 2/3 and 1/1; the 1/1 from before the period is left out.
    assert found.avg_connection == 3.0  # (5 + 4 + 2 + 1) / 4
    assert found.avg_program == 2.5  # (4 + 2 + 3 + 1) / 4
    # Connecting below 3 or the program at 3 or fewer (the comment rules), newest first:
    # Chitra (NOW-1d), Ada (NOW-2d+1h), Fay.
    assert found.low_reviews == (
        LowReview(2, 3, "Felt rushed", "Hard to schedule", None, CHITRA, DAN, CHITRA, NOW - DAY),
        LowReview(4, 2, None, "Too much admin", None, ADA, ADA, BEN, NOW - 2 * DAY + HOUR),
        LowReview(1, 1, "Mentor was late", "Not useful", "Call me", FAY, DAN, FAY, NOW - 3 * DAY),
    )
    # Pending for more than a day, oldest first: b11 (3 days), b9 (2 days); b10 is 2 hours old.
    assert found.stale_requests == (
        StaleRequest(program.stale_old, DAN, FAY, NOW - 3 * DAY, NOW + 6 * DAY),
        StaleRequest(program.stale_new, DAN, BEN, NOW - 2 * DAY, NOW + 4 * DAY),
    )
    # cobol x3, rust x2, then the 1s by key: elixir, go, haskell; zig is cut (its 3 older misses
    # are outside the period).
    assert found.unmet_demand == (
        ("cobol", 3),
        ("rust", 2),
        ("elixir", 1),
        ("go", 1),
        ("haskell", 1),
    )
    # Held in the period: Dan b4 and b13, Ada b1.
    assert found.busiest_mentors == (
        MentorLoad(DAN, "Dan Brown", 2, 3),
        MentorLoad(ADA, "Ada Lovelace", 1, 2),
    )
    # Ada's New York week (Mon 23 Nov 05:00 UTC on) holds b1 and b2: 2 of 2. Eve's b15 falls in
    # her next Paris week; Dan's pending requests start next week.
    assert found.at_capacity == (MentorLoad(ADA, "Ada Lovelace", 2, 2),)
    # By done_at (or due_at when unset): the digest (START+1h), then the reminder (NOW-1d).
    assert found.failed_messages == (
        FailedMessage("digest", "ratelimited", START + HOUR),
        FailedMessage("reminder", "channel_not_found", NOW - DAY - HOUR),
    )
    # By UTC week, held (ended by now, no no-show) and called off (cancelled, or a no-show):
    # 26 Oct: b12's no-show. 16 Nov: b4 and b13 held (a "rescheduled" answer leaves it held),
    # b3's no-show and b8 cancelled. 23 Nov: b1 held, b7 cancelled; b2 and b15 are still to come.
    # b14 (week of 28 Sep) is older than the eight weeks shown.
    assert found.weeks == (
        WeekOfSessions(date(2026, 10, 5), 0, 0),
        WeekOfSessions(date(2026, 10, 12), 0, 0),
        WeekOfSessions(date(2026, 10, 19), 0, 0),
        WeekOfSessions(date(2026, 10, 26), 0, 1),
        WeekOfSessions(date(2026, 11, 2), 0, 0),
        WeekOfSessions(date(2026, 11, 9), 0, 0),
        WeekOfSessions(date(2026, 11, 16), 2, 2),
        WeekOfSessions(date(2026, 11, 23), 1, 1),
    )
    assert found.programme == "Mentoring programme"  # the default programme, by its name
    # Every review was written in November, the older b12's too: (5+4+2+1+1)/5, (4+2+3+1+1)/5.
    (november,) = [m for m in found.stars_per_month if m.reviews]
    assert (november.month, november.reviews) == (date(2026, 11, 1), 5)
    assert november.connection == pytest.approx(2.6) and november.programme == pytest.approx(2.2)
    assert found.stars_per_month[0].month == date(2026, 6, 1)
    assert not found.is_empty


def test_a_quiet_period_is_empty(sessions: SessionFactory) -> None:
    """A week long before anything happened has nothing to report, and zero-filled history."""
    build_program(sessions)
    then = NOW - 365 * DAY
    found = digest(sessions, *last_days(then, 7), now=then)

    assert found.is_empty
    assert (found.requests, found.approvals, found.sessions_held, found.new_mentors) == (0, 0, 0, 0)
    assert found.approval_rate is None
    assert found.median_decision is None
    assert (found.avg_connection, found.avg_program) == (None, None)
    assert found.at_capacity == ()
    assert [(w.held, w.called_off) for w in found.weeks] == [(0, 0)] * 8
    assert found.weeks[-1].monday == date(2025, 11, 24)  # the Monday of `then`'s week
    assert [(m.month, m.reviews, m.connection) for m in found.stars_per_month] == [
        (date(2025, month, 1), 0, None) for month in (6, 7, 8, 9, 10, 11)
    ]


def test_an_empty_database_gives_an_empty_digest(sessions: SessionFactory) -> None:
    """With no data at all every list is empty and every rate undefined."""
    found = digest(sessions, *last_days(NOW, 7), now=NOW)

    assert found.is_empty
    assert found.stale_requests == found.low_reviews == found.failed_messages == ()
    assert found.weeks[-1] == WeekOfSessions(date(2026, 11, 23), 0, 0)
    assert found.stars_per_month[-1] == MonthOfStars(date(2026, 11, 1), None, None, 0)


def test_the_period_includes_its_start_and_excludes_its_end(sessions: SessionFactory) -> None:
    """Rows exactly at `start` count; rows exactly at `end` belong to the next period."""
    end = START + 7 * DAY
    with sessions.begin() as s:
        at_start = add_mentor(s, ADA, tz="UTC", name="Ada Lovelace", capacity=40, at=START).id
        at_end = add_mentor(s, DAN, tz="UTC", name="Dan Brown", capacity=40, at=end).id
        ben = add_user(s, BEN).id
        first = add_session(
            s,
            at_start,
            ben,
            START - 30 * MINUTE,
            "approved",
            requested_at=START,
            decided_at=START,  # ends exactly at START
        ).id
        add_session(
            s,
            at_end,
            ben,
            end - 30 * MINUTE,
            "approved",
            requested_at=end,
            decided_at=end,  # ends exactly at the end
        )
        add_session(s, at_start, ben, START, "cancelled", requested_at=START - DAY)
        add_session(s, at_end, ben, end, "cancelled", requested_at=START - DAY)
        # Pending exactly one day at `now` (not stale) and a second more (stale).
        add_session(s, at_start, ben, end + DAY, "pending", requested_at=end - DAY)
        stale = add_session(
            s, at_end, ben, end + DAY, "pending", requested_at=end - DAY - timedelta(seconds=1)
        ).id
        add_review(s, first, ben, (5, 5), START)
        add_review(s, first, s.get_one(MentorProfile, at_start).user_id, (1, 1), end)
        miss(s, "cobol", START)
        miss(s, "rust", end)
        due(s, "digest:start", "failed", START - HOUR, START, "boom")
        due(s, "digest:end", "failed", START, end, "later")

    found = digest(sessions, START, end, now=end)

    assert found.new_mentors == 1  # Ada, created at START; Dan at the end is out
    # `first`, and the two pending requests made inside the period.
    assert found.requests == 3
    assert (found.approvals, found.declines, found.expiries) == (1, 0, 0)  # `first`
    assert found.median_decision == timedelta(0)
    assert found.sessions_held == 1  # `first`, which ended at START
    assert found.cancellations == 1  # the one due at START
    assert (found.avg_connection, found.avg_program) == (5.0, 5.0)  # the 1/1 at the end is out
    assert found.low_reviews == ()
    assert found.unmet_demand == (("cobol", 1),)
    assert found.failed_messages == (FailedMessage("digest", "boom", START - HOUR),)
    assert [request.booking_id for request in found.stale_requests] == [stale]
    assert found.busiest_mentors == (MentorLoad(ADA, "Ada Lovelace", 1, 40),)


def test_the_median_decision_time_is_exact_to_the_microsecond(sessions: SessionFactory) -> None:
    """Decision times a microsecond apart, over a day long, rank exactly; an even count takes
    the mean of the middle two."""
    with sessions.begin() as s:
        ada = add_mentor(s, ADA, tz="UTC", name="Ada Lovelace", capacity=40, at=START - 30 * DAY).id
        ben = add_user(s, BEN).id
        waits = [
            DAY + 2 * HOUR + timedelta(microseconds=4),  # the upper middle
            timedelta(microseconds=999_999),
            DAY + 2 * HOUR + timedelta(microseconds=2),  # the lower middle
            DAY + 2 * HOUR + timedelta(microseconds=5),
            3 * DAY,
            timedelta(seconds=1),
        ]
        for n, wait in enumerate(waits):
            requested = START + n * HOUR + timedelta(microseconds=n * 7)
            add_session(
                s,
                ada,
                ben,
                NOW + (n + 1) * DAY,
                "approved" if n % 2 else "declined",
                requested_at=requested,
                decided_at=requested + wait,
            )

    found = digest(sessions, *last_days(NOW, 7), now=NOW)

    assert (found.approvals, found.declines) == (3, 3)
    assert found.median_decision == DAY + 2 * HOUR + timedelta(microseconds=3)


def test_a_session_with_two_no_show_answers_counts_once(sessions: SessionFactory) -> None:
    """Both people saying the other didn't come is one no-show, not two, and not held."""
    with sessions.begin() as s:
        ada = add_mentor(s, ADA, tz="UTC", name="Ada Lovelace", capacity=40, at=START - 30 * DAY).id
        ada_user = s.get_one(MentorProfile, ada).user_id
        ben = add_user(s, BEN).id
        booking = add_session(s, ada, ben, START + DAY, "approved", requested_at=START - DAY).id
        add_attendance(s, booking, ben, False, "no_show")
        add_attendance(s, booking, ada_user, False, "no_show")

    found = digest(sessions, *last_days(NOW, 7), now=NOW)

    assert (found.sessions_held, found.no_shows) == (0, 1)
    assert found.busiest_mentors == ()


def test_busiest_mentors_tied_at_the_cut_are_ranked_by_name(sessions: SessionFactory) -> None:
    """Only the five busiest are listed; mentors tied with the fifth compete by name, and a
    mentor with fewer sessions never appears."""
    held = {"Zed": 3, "Yan": 2, "Bob": 2, "Amy": 2, "Cal": 2, "Dee": 2, "Eli": 1}
    with sessions.begin() as s:
        ben = add_user(s, BEN).id
        for n, (name, count) in enumerate(held.items()):
            mentor = add_mentor(
                s, f"U0M{n}", tz="UTC", name=name, capacity=40, at=START - 30 * DAY
            ).id
            for k in range(count):
                add_session(
                    s, mentor, ben, START + DAY + k * HOUR, "approved", requested_at=START - 2 * DAY
                )

    found = digest(sessions, *last_days(NOW, 7), now=NOW)

    assert [(m.name, m.sessions) for m in found.busiest_mentors] == [
        ("Zed", 3),
        ("Amy", 2),
        ("Bob", 2),
        ("Cal", 2),
        ("Dee", 2),
    ]


def test_low_ratings_follow_the_comment_rules(sessions: SessionFactory) -> None:
    """Every review whose stars require a comment is listed, and only those: connecting below
    3 stars, the program at 3 or fewer. A program comment given with 3 stars reaches the
    coordinators in the digest, not only in the CSV."""
    with sessions.begin() as s:
        ada = add_mentor(s, ADA, tz="UTC", name="Ada Lovelace", capacity=40, at=START - 30 * DAY).id
        ben = add_user(s, BEN).id
        cases = {(4, 3): "Hard to find a slot", (3, 4): None, (2, 5): "Rushed", (3, 5): None}
        for n, (stars, comment) in enumerate(cases.items()):
            booking = add_session(s, ada, ben, START + n * HOUR, "approved", requested_at=START).id
            add_review(s, booking, ben, stars, START + DAY + n * HOUR, (None, comment, None))

    found = digest(sessions, *last_days(NOW, 7), now=NOW)

    listed = [(r.connection_stars, r.program_stars) for r in found.low_reviews]
    assert listed == [(2, 5), (4, 3)]  # newest first
    assert found.low_reviews[1].program_comment == "Hard to find a slot"
    for stars in cases:
        assert (stars in listed) == bool(check_review(form_with(*stars)))


def form_with(connection: int, program: int) -> ReviewForm:
    return ReviewForm(connection, "", program, "", "", "")


def test_the_low_ratings_read_one_range_of_their_index(sessions: SessionFactory) -> None:
    """The low ratings' query is served by ix_reviews_created_stars: a range on created_at,
    the star condition checked on the index's own columns."""
    query = low_reviews_query(START, NOW)
    with sessions() as s:
        dialect = s.get_bind().dialect
        sql = str(query.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
        if dialect.name == "sqlite":
            plan = " ".join(str(row[-1]) for row in s.execute(text(f"EXPLAIN QUERY PLAN {sql}")))
        else:
            s.execute(text("SET LOCAL enable_seqscan = off"))
            plan = " ".join(str(row[0]) for row in s.execute(text(f"EXPLAIN {sql}")))
    assert "ix_reviews_created_stars" in plan, plan
